#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/files.hpp"
#include "parse/document.hpp"
#include "parse/flags.hpp"
#include "util/io_error.hpp"

namespace kubeproof::engine {

/// A path a file role resolved to, and how it was found.
struct FoundPath {
    std::string path;
    std::string how;  ///< "from kubelet --config (pid 1889)", "catalogue candidate"
};

/// What stat said about one path.
struct FileFact {
    std::string path;
    bool exists = false;
    std::optional<util::IoError> error;  ///< set when it exists but could not be examined
    model::FileInfo info;
    std::string user;   ///< owner name, or the numeric uid
    std::string group;  ///< group name, or the numeric gid
};

/// A directory kubeproof could not see all of, and why: the host's reason ("Permission denied")
/// or the limit that stopped a walk ("more than 20000 entries", "deeper than 16 levels").
struct Unlisted {
    std::string dir;
    std::string reason;

    /// From the host's error about `dir`, without the path it repeats ("/x: Permission denied").
    static Unlisted from_error(const std::string& dir, const util::IoError& error) {
        const std::string prefix = dir + ": ";
        bool repeats = error.message.compare(0, prefix.size(), prefix) == 0;
        return {dir, repeats ? error.message.substr(prefix.size()) : error.message};
    }
};

/// A directory tree as a walk saw it.
struct TreeFact {
    std::vector<std::string>
        entries;  ///< the root itself first (when it exists), then every entry below it
    std::vector<Unlisted>
        unlisted;  ///< where the walk could not see everything; empty when complete
};

/// Where a flag's value came from when the component's command line is not its own argv (k3s
/// builds it from its defaults, config files and command line).
struct FlagOrigin {
    std::string source;  ///< "default", "config" or "process"
    std::string ref;     ///< "k3s default", "/etc/rancher/k3s/config.yaml:4", "k3s server pid 812"
};

/// A flag a distribution's config file asks for, and where (RKE2, whose manifests already carry
/// it): shown beside the flag the component really has.
struct ConfigFlag {
    std::string value;
    FlagOrigin origin;
};

/// One catalogue component as found on the node.
struct ComponentFacts {
    std::string id;
    std::string name;  ///< display name ("kube-apiserver")
    bool present = false;
    std::string source;        ///< "process" or "manifest"
    std::string distribution;  ///< the distribution whose process runs it ("k3s"), if any
    std::string
        how;  ///< "kube-apiserver pid 4624", "static pod /etc/kubernetes/manifests/etcd.yaml"
    int pid = 0;
    std::vector<std::string> argv;
    parse::FlagSet flags;
    /// flag -> where its last value came from; empty when the flags are the argv's own
    std::map<std::string, FlagOrigin> flag_origins;
    /// flag -> what the distribution's config asks for (evidence only: the argv is the truth)
    std::map<std::string, ConfigFlag> config_flags;
    /// Why the flags are not known (a config file that does not parse): every flag is an error.
    std::string flags_error;
    /// Why a component that is not present is not there, when more is known than "no process"
    /// ("k3s uses its SQLite datastore (...): no etcd").
    std::string absent_reason;
    std::map<std::string, std::string> env;
    std::map<std::string, std::vector<FoundPath>>
        roles;  ///< role -> resolved paths (existing first)
    std::map<std::string, std::vector<std::string>> looked;  ///< role -> every place tried
    /// role -> directories its search had to list and could not (a systemd drop-in or config
    /// directory)
    std::map<std::string, std::vector<Unlisted>> unlisted;
    std::optional<parse::Document> config;  ///< the component's config file, when it has one in use
};

/// Everything the evaluator needs to know about a node.
struct NodeFacts {
    std::string hostname;
    std::string kubernetes_version;
    std::string static_pod_dir;
    std::string static_pod_dir_how;
    std::map<std::string, ComponentFacts> components;
    std::map<std::string, FileFact> files;             ///< by path
    std::map<std::string, TreeFact> trees;             ///< by tree root
    std::map<std::string, parse::Document> documents;  ///< by path
    std::vector<std::string> warnings;                 ///< discovery problems worth showing
    std::string process_error;  ///< why the process table could not be read (empty when it was)
};

}  // namespace kubeproof::engine
