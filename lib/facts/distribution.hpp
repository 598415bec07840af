#pragma once

#include <map>
#include <string>
#include <vector>

#include "engine/node_facts.hpp"
#include "host/host.hpp"
#include "model/check.hpp"

namespace kubeproof::facts {

/// The components that a distribution's server process runs itself (k3s), by component id: its
/// process is in the table (or, when the table could not be read, `processes` is null and its
/// server directory exists). Each is present with its flags built from the distribution's
/// defaults, its config file, the drop-ins and the server's command line, every flag with its
/// origin; or absent with the reason (etcd when the datastore is SQLite or external). Config
/// files that cannot be read or understood become warnings and make the flags unknown.
std::map<std::string, engine::ComponentFacts> embedded_components(
    const host::Host& host, const model::Catalogue& catalogue,
    const std::vector<host::Process>* processes, engine::NodeFacts& facts);

}  // namespace kubeproof::facts
