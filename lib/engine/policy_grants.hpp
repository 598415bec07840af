#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/policy_items.hpp"
#include "model/objects.hpp"

namespace kubeproof::engine {

/// A kept object and where it came from.
struct StoredObject {
    nlohmann::json object;
    model::Origin origin;
};

/// The rules a role grants: its own, or for an aggregated ClusterRole whose rules are empty (as in
/// manifests), the rules of every ClusterRole matching its clusterRoleSelectors (matchLabels).
nlohmann::json effective_rules(const nlohmann::json& role,
                               const std::vector<StoredObject>& cluster_roles);

/// Roles by "namespace/name" ("/name" for ClusterRoles), for joining bindings to their roles.
using RoleIndex = std::map<std::string, const nlohmann::json*>;

/// Indexes Roles or ClusterRoles by namespace and name.
RoleIndex index_roles(const std::vector<StoredObject>& roles);

/// `grant` items: every subject of a binding joined with every rule of the role it references
/// (looked up in the indexes; `cluster_roles` is also searched for aggregated ClusterRoles).
/// False when the role it references is not in the indexes.
bool grant_items(const nlohmann::json& binding, const RoleIndex& cluster_role_index,
                 const RoleIndex& role_index, const std::vector<StoredObject>& cluster_roles,
                 const ItemSink& sink);

}  // namespace kubeproof::engine
