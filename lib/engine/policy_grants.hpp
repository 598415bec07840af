#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "engine/policy_items.hpp"
#include "k8s/objects.hpp"

namespace kubeproof::engine {

/// A kept object and where it came from.
struct StoredObject {
    nlohmann::json object;
    k8s::Origin origin;
};

/// The rules a role grants: its own, or for an aggregated ClusterRole whose rules are empty (as in
/// manifests), the rules of every ClusterRole matching its clusterRoleSelectors (matchLabels).
nlohmann::json effective_rules(const nlohmann::json& role, const std::vector<StoredObject>& cluster_roles);

/// `grant` items: every subject of a binding joined with every rule of the role it references.
void grant_items(const nlohmann::json& binding, const std::vector<StoredObject>& cluster_roles,
                 const std::vector<StoredObject>& roles, const ItemSink& sink);

}  // namespace kubeproof::engine
