#include "engine/policy_grants.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

namespace kubeproof::engine {

namespace {

using nlohmann::json;

std::string object_meta(const json& object, const char* field) {
    if (!object.contains("metadata") || !object["metadata"].is_object()) return {};
    const json& m = object["metadata"];
    return m.contains(field) && m[field].is_string() ? m[field].get<std::string>() : std::string();
}

/// One matchExpressions requirement of a label selector, as the API server evaluates it (NotIn
/// and DoesNotExist match an object without the key). An operator it does not know matches: a
/// selector the API server would have refused must not make a role grant less.
bool requirement_matches(const json& labels, const json& requirement) {
    if (!requirement.is_object()) return true;
    const std::string key = requirement.value("key", "");
    const std::string op = requirement.value("operator", "");
    const auto value = labels.is_object() ? labels.find(key) : labels.end();
    const bool has = labels.is_object() && value != labels.end();
    const json values = requirement.value("values", json::array());
    const bool listed =
        has && values.is_array() && std::find(values.begin(), values.end(), *value) != values.end();
    if (op == "Exists") return has;
    if (op == "DoesNotExist") return !has;
    if (op == "In") return listed;
    if (op == "NotIn") return !listed;
    return true;
}

/// Whether a label selector selects these labels: every matchLabels pair and every
/// matchExpressions requirement; an empty selector ({}) selects everything, a null one nothing.
bool labels_match(const json& labels, const json& selector) {
    if (!selector.is_object()) return false;
    if (const auto match = selector.find("matchLabels");
        match != selector.end() && match->is_object()) {
        for (const auto& [key, value] : match->items()) {
            if (!labels.is_object() || !labels.contains(key) || labels[key] != value) return false;
        }
    }
    if (const auto expressions = selector.find("matchExpressions");
        expressions != selector.end() && expressions->is_array()) {
        for (const auto& requirement : *expressions) {
            if (!requirement_matches(labels, requirement)) return false;
        }
    }
    return true;
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
        const json labels =
            stored.object.contains("metadata") && stored.object["metadata"].is_object()
                ? stored.object["metadata"].value("labels", json::object())
                : json::object();
        const bool selected = std::any_of(selectors.begin(), selectors.end(),
                                          [&](const json& s) { return labels_match(labels, s); });
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
