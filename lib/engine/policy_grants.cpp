#include "engine/policy_grants.hpp"

#include <fmt/format.h>

namespace kubeproof::engine {

namespace {

using nlohmann::json;

std::string object_meta(const json& object, const char* field) {
    if (!object.contains("metadata") || !object["metadata"].is_object()) return {};
    const json& m = object["metadata"];
    return m.contains(field) && m[field].is_string() ? m[field].get<std::string>() : std::string();
}

bool labels_match(const json& labels, const json& selector) {
    if (!selector.is_object() || !selector.contains("matchLabels") ||
        !selector["matchLabels"].is_object())
        return false;
    for (const auto& [key, value] : selector["matchLabels"].items()) {
        if (!labels.is_object() || !labels.contains(key) || labels[key] != value) return false;
    }
    return true;
}

const json* find_role(const RoleIndex& index, const std::string& name, const std::string& ns) {
    auto it = index.find(ns + "/" + name);
    return it == index.end() ? nullptr : it->second;
}

}  // namespace

json effective_rules(const json& role, const std::vector<StoredObject>& cluster_roles) {
    json rules = role.contains("rules") && role["rules"].is_array() ? role["rules"] : json::array();
    if (!rules.empty() || !role.contains("aggregationRule")) return rules;
    const json& selectors = role["aggregationRule"].value("clusterRoleSelectors", json::array());
    for (const auto& stored : cluster_roles) {
        if (&stored.object == &role || !stored.object.contains("rules")) continue;
        const json labels = stored.object.contains("metadata")
                                ? stored.object["metadata"].value("labels", json::object())
                                : json::object();
        bool selected = std::any_of(selectors.begin(), selectors.end(),
                                    [&](const json& s) { return labels_match(labels, s); });
        if (selected && stored.object["rules"].is_array()) {
            for (const auto& rule : stored.object["rules"]) rules.push_back(rule);
        }
    }
    return rules;
}

RoleIndex index_roles(const std::vector<StoredObject>& roles) {
    RoleIndex index;
    for (const auto& stored : roles)
        index.emplace(
            object_meta(stored.object, "namespace") + "/" + object_meta(stored.object, "name"),
            &stored.object);
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
            json view = subject.view;
            view.update(rules[i]);
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
