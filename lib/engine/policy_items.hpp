#pragma once

#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace kubeproof::engine {

/// The value at `path` (object keys, outermost first) below `node`; null when a step is missing or
/// is not an object.
const nlohmann::json* json_at(const nlohmann::json& node, std::initializer_list<const char*> path);

/// The string at `path` below `node`, or "" when it is absent or not a string.
std::string json_string_at(const nlohmann::json& node, std::initializer_list<const char*> path);

/// One thing a policy condition is judged on: a flat JSON view and a label for evidence.
struct PolicyItem {
    nlohmann::json view;
    std::string
        label;  ///< "containers[0] (nginx)", "subjects[1] Group dev", "" for the object itself
    /// Set when the item could not be judged and why (a binding whose role is not among the
    /// objects read): such an item is a finding whatever the condition says.
    std::string unjudged = {};
    /// The pod spec a container item's `pod` field stands for: looked up where it is instead of
    /// copied into every view (the view behaves as if it held it, under any key of its own).
    const nlohmann::json* pod = nullptr;
};

/// Receives the items an iterator yields.
using ItemSink = std::function<void(PolicyItem&&)>;

/// A kind that holds a pod spec, and where: the Pod's own `spec`, a workload's pod template.
struct PodTemplate {
    std::string kind;               ///< "Deployment"
    std::vector<std::string> path;  ///< {"spec", "template", "spec"}
};

/// Every kind the pod, container and volume iterators walk, top-level controllers first and Pod
/// last (the order objects are listed in, so an owner comes before what it owns).
const std::vector<PodTemplate>& pod_templates();

/// The pod template of a kind; null for kinds that hold no pod spec.
const PodTemplate* pod_template_of(std::string_view kind);

/// The pod specs of a workload or Pod object (empty for other kinds, or when it has none).
std::vector<const nlohmann::json*> pod_specs(const nlohmann::json& object);

/// True for the kinds whose pod templates the pod iterators walk.
bool is_workload_kind(const std::string& kind);

/// `pod` items: the PodSpec under `spec`, the owner's `metadata` and `kind`, and the effective
/// `automountServiceAccountToken` (the pod's, else its service account's as `automount_of` tells
/// it, else true).
void pod_items(const nlohmann::json& object,
               const std::function<std::optional<bool>(const std::string& account)>& automount_of,
               const ItemSink& sink);

/// `container` items: each container, init container and ephemeral container with its effective
/// security context (pod-level settings inherited where the container does not set them).
void container_items(const nlohmann::json& object, const ItemSink& sink);

/// `volume` items: each volume of each pod spec.
void volume_items(const nlohmann::json& object, const ItemSink& sink);

/// `role-rule` items: each rule of a Role or ClusterRole (`rules` given separately so that
/// aggregated ClusterRoles can pass their collected rules).
void role_rule_items(const nlohmann::json& role, const nlohmann::json& rules, const ItemSink& sink);

/// `binding-subject` items: each subject of a RoleBinding or ClusterRoleBinding.
void binding_subject_items(const nlohmann::json& binding, const ItemSink& sink);

/// "Deployment default/web", "ClusterRole admin".
std::string object_name(const nlohmann::json& object);

/// An object's metadata.labels (those with string values), as `kubectl get -l` selects by them.
std::map<std::string, std::string> object_labels(const nlohmann::json& object);

}  // namespace kubeproof::engine
