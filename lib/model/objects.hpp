#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace kubeproof::model {

/// A kind of object kubeproof lists ("pods" in group "" version v1, kind Pod, namespaced).
struct ResourceType {
    std::string group;     ///< "" for the core group, "rbac.authorization.k8s.io", ...
    std::string version;   ///< "v1"
    std::string resource;  ///< plural, as in the API path: "pods", "clusterrolebindings"
    std::string kind;      ///< "Pod", "ClusterRoleBinding"
    bool namespaced = true;
    /// Fields of these objects the caller never reads: one or two keys from an object's root
    /// ("status", "metadata.managedFields"). Sources may leave them out while parsing.
    std::vector<std::string> ignored_fields = {};
    /// A custom resource a cluster may not have (an add-on's CRD): the server not serving it is
    /// not a reason to call the checks that read it NA.
    bool optional = false;
    /// When to list it: every type of a stage before those of the next (owners before what they
    /// own).
    unsigned stage = 0;
    /// List only the objects of this namespace; "" for every namespace.
    std::string in_namespace = {};

    /// "v1" or "rbac.authorization.k8s.io/v1".
    std::string api_version() const { return group.empty() ? version : group + "/" + version; }
    /// "pods" or "clusterrolebindings.rbac.authorization.k8s.io", as kubectl and RBAC name it.
    std::string name() const { return group.empty() ? resource : resource + "." + group; }
};

/// Where an object came from: a manifest file and line, or the API.
struct Origin {
    std::string file;  ///< manifest path as given (relative to the scanned root for SARIF); empty
                       ///< for the API
    int line = 0;      ///< 1-based line of the object's first line in that file; 0 for the API
};

/// How listing one resource type ended. Never "no objects" for a failure.
struct ListOutcome {
    enum class Kind { Ok, NotServed, Denied, Failed };
    Kind kind = Kind::Ok;
    int http_status = 0;  ///< last HTTP status, 0 when none
    std::string
        message;       ///< "list clusterrolebindings.rbac.authorization.k8s.io: 403 Forbidden: ..."
    size_t count = 0;  ///< objects delivered to the sink
    std::string type = {};  ///< the resource type listed, as ResourceType::name() gives it
};

}  // namespace kubeproof::model
