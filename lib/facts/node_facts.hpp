#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "facts/document.hpp"
#include "facts/flags.hpp"
#include "host/host.hpp"

namespace kubeproof::facts {

/// A path a file role resolved to, and how it was found.
struct FoundPath {
    std::string path;
    std::string how;  ///< "from kubelet --config (pid 1889)", "catalogue candidate"
};

/// What stat said about one path.
struct FileFact {
    std::string path;
    bool exists = false;
    std::optional<host::HostError> error;  ///< set when it exists but could not be examined
    host::FileInfo info;
    std::string user;   ///< owner name, or the numeric uid
    std::string group;  ///< group name, or the numeric gid
};

/// One catalogue component as found on the node.
struct ComponentFacts {
    std::string id;
    std::string name;  ///< display name ("kube-apiserver")
    bool present = false;
    std::string source;  ///< "process" or "manifest"
    std::string how;     ///< "kube-apiserver pid 4624", "static pod /etc/kubernetes/manifests/etcd.yaml"
    int pid = 0;
    std::vector<std::string> argv;
    FlagSet flags;
    std::map<std::string, std::string> env;
    std::map<std::string, std::vector<FoundPath>> roles;  ///< role -> resolved paths (existing first)
    std::map<std::string, std::vector<std::string>> looked;  ///< role -> every place tried
    std::optional<Document> config;  ///< the component's config file, when it has one in use
};

/// Everything the evaluator needs to know about a node.
struct NodeFacts {
    std::string hostname;
    std::string kubernetes_version;
    std::string static_pod_dir;
    std::string static_pod_dir_how;
    std::map<std::string, ComponentFacts> components;
    std::map<std::string, FileFact> files;                       ///< by path
    std::map<std::string, std::vector<std::string>> trees;       ///< tree root -> every entry below it
    std::map<std::string, Document> documents;                   ///< by path
    std::vector<std::string> warnings;                           ///< discovery problems worth showing
    std::string process_error;  ///< why the process table could not be read (empty when it was)
};

}  // namespace kubeproof::facts
