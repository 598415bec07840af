#pragma once

#include <map>
#include <string>
#include <vector>

#include "engine/node_facts.hpp"
#include "host/host.hpp"
#include "model/check.hpp"

namespace kubeproof::facts {

/// What the distributions found on the node say about their components.
struct DistributionFacts {
    /// Components a server process runs itself (k3s), by component id: present with their flags
    /// built from the distribution's defaults, its config file, the drop-ins and the server's
    /// command line, every flag with its origin; or absent with the reason (etcd when the
    /// datastore is SQLite or external).
    std::map<std::string, engine::ComponentFacts> embedded;
    /// component id -> the flags the config of a distribution that starts them as static pods
    /// (RKE2) asks for: evidence beside their real argv
    std::map<std::string, std::map<std::string, engine::ConfigFlag>> config_flags;
};

/// A server's arguments as the cluster recorded them: k3s writes its command line, config file
/// values included, to its node's annotation k3s.io/node-args when it starts (argv without the
/// binary: "server", "--kube-apiserver-arg", "profiling=false", ...).
struct RecordedServerArgs {
    std::vector<std::string> argv;
    std::string how;  ///< "annotation k3s.io/node-args of node cp-1"
};

/// Finds the distributions' server processes (or, when the table could not be read and
/// `processes` is null, their server directories) and reads their config. Config files that
/// cannot be read or understood become warnings and make embedded components' flags unknown.
/// `recorded`, when given, is applied after the config files and before a visible command line:
/// it is what the running server started with, where the files may have changed since.
DistributionFacts distribution_facts(const host::Host& host, const model::Catalogue& catalogue,
                                     const std::vector<host::Process>* processes,
                                     engine::NodeFacts& facts,
                                     const RecordedServerArgs* recorded = nullptr);

}  // namespace kubeproof::facts
