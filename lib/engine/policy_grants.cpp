#include "engine/policy_grants.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "engine/policy_controls.hpp"

namespace kubeproof::engine {

namespace {

using nlohmann::json;

std::string object_meta(const json& object, const char* field) {
    if (!object.contains("metadata") || !object["metadata"].is_object()) return {};
    const json& m = object["metadata"];
    return m.contains(field) && m[field].is_string() ? m[field].get<std::string>() : std::string();
}

/// The rules `role` grants: its own, and with an aggregationRule those of every ClusterRole its
/// selectors select, aggregated ones included (the aggregation controller writes an aggregated
/// role's rules, which the next level then selects). Its own rules are kept too: over manifests
/// they are what it grants until the controller replaces them, so the union never grants less.
void collect_rules(const json& role, const std::vector<StoredObject>& cluster_roles,
                   std::set<const json*>& seen, json& rules) {
    if (!seen.insert(&role).second) return;  // a cycle of aggregations
    if (role.contains("rules") && role["rules"].is_array()) {
        for (const auto& rule : role["rules"]) rules.push_back(rule);
    }
    if (!role.contains("aggregationRule") || !role["aggregationRule"].is_object()) return;
    const json& selectors = role["aggregationRule"].value("clusterRoleSelectors", json::array());
    if (!selectors.is_array()) return;
    for (const auto& stored : cluster_roles) {
        if (&stored.object == &role) continue;
        const auto labels = object_labels(stored.object);
        const bool selected = std::any_of(selectors.begin(), selectors.end(), [&](const json& s) {
            return selector_matches(s, labels);
        });
        if (selected) collect_rules(stored.object, cluster_roles, seen, rules);
    }
}

const json* find_role(const RoleIndex& index, const std::string& name, const std::string& ns) {
    auto it = index.find(ns + "/" + name);
    return it == index.end() ? nullptr : it->second;
}

}  // namespace

json effective_rules(const json& role, const std::vector<StoredObject>& cluster_roles) {
    json rules = json::array();
    std::set<const json*> seen;
    collect_rules(role, cluster_roles, seen, rules);
    return rules;
}

RoleIndex index_roles(const std::vector<StoredObject>& roles) {
    RoleIndex index;
    // Two objects of one name: the last one read wins, as `kubectl apply` leaves the last file
    // of a folder (read in order) in the cluster.
    for (const auto& stored : roles)
        index[object_meta(stored.object, "namespace") + "/" + object_meta(stored.object, "name")] =
            &stored.object;
    return index;
}

bool grant_items(const json& binding, const RoleIndex& cluster_role_index,
                 const RoleIndex& role_index, const std::vector<StoredObject>& cluster_roles,
                 const ItemSink& sink) {
    const json ref = binding.value("roleRef", json::object());
    const std::string role_kind = ref.value("kind", "");
    const json* role =
        role_kind == "ClusterRole"
            ? find_role(cluster_role_index, ref.value("name", ""), "")
            : find_role(role_index, ref.value("name", ""), object_meta(binding, "namespace"));
    if (role == nullptr) return false;
    const json rules = effective_rules(*role, cluster_roles);
    json role_view = {{"kind", role_kind},
                      {"name", ref.value("name", "")},
                      {"namespace", object_meta(*role, "namespace")}};
    binding_subject_items(binding, [&](PolicyItem&& subject) {
        for (size_t i = 0; i < rules.size(); ++i) {
            if (!rules[i].is_object()) continue;
            // Only a PolicyRule's own fields: any other key of a rule (the API server drops it)
            // must not overwrite the subject's kind, name or namespace.
            json view = subject.view;
            for (const char* field :
                 {"apiGroups", "resources", "verbs", "resourceNames", "nonResourceURLs"}) {
                if (rules[i].contains(field)) view[field] = rules[i][field];
            }
            view["role"] = role_view;
            std::string label =
                fmt::format("{} {} via {} {} -> {} {} rules[{}]", subject.view.value("kind", "?"),
                            subject.view.value("name", "?"), binding.value("kind", "?"),
                            object_meta(binding, "name"), role_kind, ref.value("name", ""), i);
            sink({std::move(view), std::move(label)});
        }
    });
    return true;
}

}  // namespace kubeproof::engine
