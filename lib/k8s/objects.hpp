#pragma once

#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace kubeproof::k8s {

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

/// Receives objects one at a time; the object may be moved from.
using ObjectSink = std::function<void(nlohmann::json&& object, const Origin& origin)>;

/// How listing one resource type ended. Never "no objects" for a failure.
struct ListOutcome {
    enum class Kind { Ok, NotServed, Denied, Failed };
    Kind kind = Kind::Ok;
    int http_status = 0;  ///< last HTTP status, 0 when none
    std::string
        message;       ///< "list clusterrolebindings.rbac.authorization.k8s.io: 403 Forbidden: ..."
    size_t count = 0;  ///< objects delivered to the sink
};

/// Something that can list Kubernetes objects: the API server, or manifest files.
class ObjectSource {
public:
    virtual ~ObjectSource() = default;
    /// Streams every object of one type to `sink` (all namespaces), page by page or file by file.
    /// Objects always carry apiVersion and kind, even when the server omitted them in list items.
    virtual ListOutcome list(const ResourceType& type, const ObjectSink& sink) = 0;
    /// Streams the objects of several types, stage by stage: every object of a stage's types comes
    /// before those of the next stage; within a stage they may interleave. One outcome per type,
    /// in the order given. By default, list() for each type in turn.
    virtual std::vector<ListOutcome> list_all(const std::vector<std::vector<ResourceType>>& stages,
                                              const ObjectSink& sink) {
        std::vector<ListOutcome> outcomes;
        for (const auto& stage : stages) {
            for (const auto& type : stage) outcomes.push_back(list(type, sink));
        }
        return outcomes;
    }
    /// "the API server https://10.0.0.1:6443" or "manifests k8s/" — for evidence and messages.
    virtual std::string describe() const = 0;
};

}  // namespace kubeproof::k8s
