#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace kubeproof::engine {

/// One thing a policy condition is judged on: a flat JSON view and a label for evidence.
struct PolicyItem {
    nlohmann::json view;
    std::string
        label;  ///< "containers[0] (nginx)", "subjects[1] Group dev", "" for the object itself
};

/// Receives the items an iterator yields.
using ItemSink = std::function<void(PolicyItem&&)>;

/// The pod specs of a workload or Pod object: the Pod's own spec, or the pod template of a
/// Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job or CronJob.
/// Empty for other kinds.
std::vector<const nlohmann::json*> pod_specs(const nlohmann::json& object);

/// True for the kinds whose pod templates the pod iterators walk.
bool is_workload_kind(const std::string& kind);

/// `pod` items: the PodSpec under `spec`, the owner's `metadata` and `kind`, and the effective
/// `automountServiceAccountToken` (the pod's, else its service account's, else true).
void pod_items(const nlohmann::json& object, const std::map<std::string, bool>& sa_automount,
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

}  // namespace kubeproof::engine
