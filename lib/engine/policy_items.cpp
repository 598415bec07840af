#include "engine/policy_items.hpp"

#include <array>

#include <fmt/format.h>

namespace kubeproof::engine {

namespace {

using nlohmann::json;

// Pod-level securityContext fields that a container inherits when it does not set them.
constexpr std::array<const char*, 6> k_inherited = {"runAsUser",      "runAsGroup",     "runAsNonRoot",
                                                    "seccompProfile", "seLinuxOptions", "windowsOptions"};
constexpr std::array<const char*, 3> k_container_lists = {"containers", "initContainers", "ephemeralContainers"};

const json* at(const json& node, std::initializer_list<const char*> path) {
    const json* current = &node;
    for (const char* key : path) {
        if (!current->is_object() || !current->contains(key)) return nullptr;
        current = &(*current)[key];
    }
    return current;
}

std::string string_at(const json& node, std::initializer_list<const char*> path) {
    const json* value = at(node, path);
    return value != nullptr && value->is_string() ? value->get<std::string>() : std::string();
}

json owner_view(const json& object) {
    json view = json::object();
    view["kind"] = object.value("kind", "");
    if (const json* meta = at(object, {"metadata"})) view["metadata"] = *meta;
    return view;
}

json effective_security_context(const json& pod_spec, const json& container) {
    json effective = container.contains("securityContext") && container["securityContext"].is_object()
                         ? container["securityContext"]
                         : json::object();
    const json* pod = at(pod_spec, {"securityContext"});
    if (pod == nullptr || !pod->is_object()) return effective;
    for (const char* field : k_inherited) {
        if (!effective.contains(field) && pod->contains(field)) effective[field] = (*pod)[field];
    }
    return effective;
}

}  // namespace

bool is_workload_kind(const std::string& kind) {
    static const std::array<std::string_view, 8> k_kinds = {"Pod",        "Deployment", "StatefulSet", "DaemonSet",
                                                             "ReplicaSet", "ReplicationController", "Job", "CronJob"};
    return std::find(k_kinds.begin(), k_kinds.end(), kind) != k_kinds.end();
}

std::vector<const json*> pod_specs(const json& object) {
    const std::string kind = object.value("kind", "");
    const json* spec = nullptr;
    if (kind == "Pod") spec = at(object, {"spec"});
    else if (kind == "CronJob") spec = at(object, {"spec", "jobTemplate", "spec", "template", "spec"});
    else if (is_workload_kind(kind)) spec = at(object, {"spec", "template", "spec"});
    if (spec == nullptr || !spec->is_object()) return {};
    return {spec};
}

std::string object_name(const json& object) {
    const std::string ns = string_at(object, {"metadata", "namespace"});
    const std::string name = string_at(object, {"metadata", "name"});
    return fmt::format("{} {}{}", object.value("kind", "?"), ns.empty() ? "" : ns + "/", name);
}

void pod_items(const json& object, const std::map<std::string, bool>& sa_automount, const ItemSink& sink) {
    for (const json* spec : pod_specs(object)) {
        json view = owner_view(object);
        view["spec"] = *spec;
        bool automount = true;
        if (spec->contains("automountServiceAccountToken") && (*spec)["automountServiceAccountToken"].is_boolean()) {
            automount = (*spec)["automountServiceAccountToken"].get<bool>();
        } else {
            std::string sa = spec->value("serviceAccountName", std::string("default"));
            auto it = sa_automount.find(string_at(object, {"metadata", "namespace"}) + "/" + sa);
            if (it != sa_automount.end()) automount = it->second;
        }
        view["automountServiceAccountToken"] = automount;
        sink({std::move(view), ""});
    }
}

void container_items(const json& object, const ItemSink& sink) {
    for (const json* spec : pod_specs(object)) {
        for (const char* list : k_container_lists) {
            const json* containers = at(*spec, {list});
            if (containers == nullptr || !containers->is_array()) continue;
            for (size_t i = 0; i < containers->size(); ++i) {
                const json& container = (*containers)[i];
                json view = owner_view(object);
                view.update(container);
                view["securityContext"] = effective_security_context(*spec, container);
                view["containerType"] = list;
                view["pod"] = *spec;
                sink({std::move(view), fmt::format("{}[{}] ({})", list, i, container.value("name", "?"))});
            }
        }
    }
}

void volume_items(const json& object, const ItemSink& sink) {
    for (const json* spec : pod_specs(object)) {
        const json* volumes = at(*spec, {"volumes"});
        if (volumes == nullptr || !volumes->is_array()) continue;
        for (size_t i = 0; i < volumes->size(); ++i) {
            json view = owner_view(object);
            view.update((*volumes)[i]);
            sink({std::move(view), fmt::format("volumes[{}] ({})", i, (*volumes)[i].value("name", "?"))});
        }
    }
}

void role_rule_items(const json& role, const json& rules, const ItemSink& sink) {
    if (!rules.is_array()) return;
    json role_view = {{"kind", role.value("kind", "")},
                      {"name", string_at(role, {"metadata", "name"})},
                      {"namespace", string_at(role, {"metadata", "namespace"})}};
    for (size_t i = 0; i < rules.size(); ++i) {
        if (!rules[i].is_object()) continue;
        json view = rules[i];
        view["role"] = role_view;
        sink({std::move(view), fmt::format("rules[{}]", i)});
    }
}

void binding_subject_items(const json& binding, const ItemSink& sink) {
    const json* subjects = at(binding, {"subjects"});
    if (subjects == nullptr || !subjects->is_array()) return;
    json binding_view = {{"kind", binding.value("kind", "")},
                         {"name", string_at(binding, {"metadata", "name"})},
                         {"namespace", string_at(binding, {"metadata", "namespace"})}};
    for (size_t i = 0; i < subjects->size(); ++i) {
        if (!(*subjects)[i].is_object()) continue;
        json view = (*subjects)[i];
        view["binding"] = binding_view;
        view["roleRef"] = binding.contains("roleRef") ? binding["roleRef"] : json::object();
        std::string label = fmt::format("subjects[{}] {} {}", i, view.value("kind", "?"), view.value("name", "?"));
        sink({std::move(view), std::move(label)});
    }
}

}  // namespace kubeproof::engine
