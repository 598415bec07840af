#include "engine/policy_items.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <iterator>
#include <set>

#include <fmt/format.h>

#include "engine/policy_controls.hpp"

namespace kubeproof::engine {

const nlohmann::json* json_at(const nlohmann::json& node, std::initializer_list<const char*> path) {
    const nlohmann::json* current = &node;
    for (const char* key : path) {
        if (!current->is_object() || !current->contains(key)) return nullptr;
        current = &(*current)[key];
    }
    return current;
}

std::string json_string_at(const nlohmann::json& node, std::initializer_list<const char*> path) {
    const nlohmann::json* value = json_at(node, path);
    return value != nullptr && value->is_string() ? value->get<std::string>() : std::string();
}

namespace {

using nlohmann::json;

// Pod-level securityContext fields that a container inherits when it does not set them.
constexpr std::array<const char*, 6> k_inherited = {"runAsUser",      "runAsGroup",
                                                    "runAsNonRoot",   "seccompProfile",
                                                    "seLinuxOptions", "windowsOptions"};
constexpr std::array<const char*, 3> k_container_lists = {"containers", "initContainers",
                                                          "ephemeralContainers"};

json owner_view(const json& object) {
    json view = json::object();
    view["kind"] = object.value("kind", "");
    if (const json* meta = json_at(object, {"metadata"})) view["metadata"] = *meta;
    return view;
}

/// The security context a container runs with: its own settings, and the pod's for the fields
/// it inherits and does not set. A null is unset, as the API server decodes it (the pod's value
/// then applies); an empty structure ({}) overrides the pod's and sets nothing, so it is left
/// out: it is no security setting of the container's.
json effective_security_context(const json& pod_spec, const json& container) {
    json effective =
        container.contains("securityContext") && container["securityContext"].is_object()
            ? container["securityContext"]
            : json::object();
    for (auto it = effective.begin(); it != effective.end();) {
        it = it->is_null() ? effective.erase(it) : std::next(it);
    }
    const json* pod = json_at(pod_spec, {"securityContext"});
    if (pod != nullptr && pod->is_object()) {
        for (const char* field : k_inherited) {
            const auto value = pod->find(field);
            if (!effective.contains(field) && value != pod->end() && !value->is_null())
                effective[field] = *value;
        }
    }
    for (auto it = effective.begin(); it != effective.end();) {
        it = it->is_object() && it->empty() ? effective.erase(it) : std::next(it);
    }
    return effective;
}

/// What containerd (and Docker) grant a container that asks for nothing: a superset of CRI-O's
/// default set, so the larger one is assumed when the runtime is not known.
constexpr std::array<std::string_view, 14> k_runtime_default_caps = {
    "AUDIT_WRITE",      "CHOWN",   "DAC_OVERRIDE", "FOWNER", "FSETID",  "KILL",   "MKNOD",
    "NET_BIND_SERVICE", "NET_RAW", "SETFCAP",      "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"};

/// Every Linux capability (capability.h, Linux 5.9 and later).
constexpr std::array<std::string_view, 41> k_all_caps = {
    "AUDIT_CONTROL",   "AUDIT_READ",   "AUDIT_WRITE",
    "BLOCK_SUSPEND",   "BPF",          "CHECKPOINT_RESTORE",
    "CHOWN",           "DAC_OVERRIDE", "DAC_READ_SEARCH",
    "FOWNER",          "FSETID",       "IPC_LOCK",
    "IPC_OWNER",       "KILL",         "LEASE",
    "LINUX_IMMUTABLE", "MAC_ADMIN",    "MAC_OVERRIDE",
    "MKNOD",           "NET_ADMIN",    "NET_BIND_SERVICE",
    "NET_BROADCAST",   "NET_RAW",      "PERFMON",
    "SETFCAP",         "SETGID",       "SETPCAP",
    "SETUID",          "SYSLOG",       "SYS_ADMIN",
    "SYS_BOOT",        "SYS_CHROOT",   "SYS_MODULE",
    "SYS_NICE",        "SYS_PACCT",    "SYS_PTRACE",
    "SYS_RAWIO",       "SYS_RESOURCE", "SYS_TIME",
    "SYS_TTY_CONFIG",  "WAKE_ALARM"};

std::string upper(std::string_view text) {
    std::string out(text);
    for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

std::vector<std::string> string_list(const json* node) {
    std::vector<std::string> out;
    if (node == nullptr || !node->is_array()) return out;
    for (const auto& item : *node) {
        if (item.is_string()) out.push_back(item.get<std::string>());
    }
    return out;
}

bool names_all(const std::vector<std::string>& names) {
    return std::any_of(names.begin(), names.end(),
                       [](const std::string& n) { return upper(n) == "ALL"; });
}

/// The capabilities a container holds, as the container runtimes compute them ("ALL" when it
/// holds every one): privileged means all; otherwise the runtime's default set (all of them with
/// add ALL, none with drop ALL, none with both), then each added name, then each dropped name
/// removed. containerd upper-cases a name and prefixes CAP_; CRI-O also accepts a name already
/// prefixed. So an added "net_raw" or "CAP_NET_RAW" is NET_RAW (on one runtime or both), while a
/// dropped "CAP_NET_RAW" is not removed everywhere (containerd removes "CAP_CAP_NET_RAW") and
/// counts as not dropped.
json effective_capabilities(const json& security_context) {
    const json* privileged = json_at(security_context, {"privileged"});
    if (privileged != nullptr && privileged->is_boolean() && privileged->get<bool>())
        return json::array({"ALL"});
    const json* caps = json_at(security_context, {"capabilities"});
    const std::vector<std::string> add =
        string_list(caps != nullptr ? json_at(*caps, {"add"}) : nullptr);
    const std::vector<std::string> drop =
        string_list(caps != nullptr ? json_at(*caps, {"drop"}) : nullptr);
    std::set<std::string> held;
    if (!names_all(drop)) {
        for (auto name : names_all(add)
                             ? std::vector<std::string_view>(k_all_caps.begin(), k_all_caps.end())
                             : std::vector<std::string_view>(k_runtime_default_caps.begin(),
                                                             k_runtime_default_caps.end())) {
            held.emplace(name);
        }
    }
    for (const auto& name : add) {
        std::string cap = upper(name);
        if (cap == "ALL") continue;
        held.insert(cap.starts_with("CAP_") ? cap.substr(4) : cap);
    }
    for (const auto& name : drop) {
        const std::string cap = upper(name);
        if (cap != "ALL" && !cap.starts_with("CAP_")) held.erase(cap);
    }
    if (std::all_of(k_all_caps.begin(), k_all_caps.end(),
                    [&](std::string_view cap) { return held.count(std::string(cap)) != 0; })) {
        return json::array({"ALL"});  // every capability: shown as ALL, not as 41 names
    }
    return json(std::vector<std::string>(held.begin(), held.end()));
}

}  // namespace

const std::vector<PodTemplate>& pod_templates() {
    static const std::vector<PodTemplate> k_templates = {
        {"Deployment", {"spec", "template", "spec"}},
        {"StatefulSet", {"spec", "template", "spec"}},
        {"DaemonSet", {"spec", "template", "spec"}},
        {"ReplicaSet", {"spec", "template", "spec"}},
        {"ReplicationController", {"spec", "template", "spec"}},
        {"CronJob", {"spec", "jobTemplate", "spec", "template", "spec"}},
        {"Job", {"spec", "template", "spec"}},
        {"Pod", {"spec"}},
    };
    return k_templates;
}

const PodTemplate* pod_template_of(std::string_view kind) {
    for (const auto& t : pod_templates()) {
        if (t.kind == kind) return &t;
    }
    return nullptr;
}

bool is_workload_kind(const std::string& kind) { return pod_template_of(kind) != nullptr; }

std::vector<const json*> pod_specs(const json& object) {
    const PodTemplate* found = pod_template_of(object.value("kind", ""));
    if (found == nullptr) return {};
    const json* spec = &object;
    for (const auto& key : found->path) {
        if (!spec->is_object() || !spec->contains(key)) return {};
        spec = &(*spec)[key];
    }
    if (!spec->is_object()) return {};
    return {spec};
}

std::map<std::string, std::string> object_labels(const json& object) {
    std::map<std::string, std::string> out;
    const auto meta = object.find("metadata");
    if (meta == object.end() || !meta->is_object()) return out;
    const auto labels = meta->find("labels");
    if (labels == meta->end() || !labels->is_object()) return out;
    for (const auto& [name, value] : labels->items()) {
        if (value.is_string()) out.emplace(name, value.get<std::string>());
    }
    return out;
}

std::string object_name(const json& object) {
    const std::string ns = json_string_at(object, {"metadata", "namespace"});
    const std::string name = json_string_at(object, {"metadata", "name"});
    return fmt::format("{} {}{}", object.value("kind", "?"), ns.empty() ? "" : ns + "/", name);
}

void pod_items(const json& object,
               const std::function<std::optional<bool>(const std::string& account)>& automount_of,
               const ItemSink& sink) {
    for (const json* spec : pod_specs(object)) {
        json view = owner_view(object);
        view["spec"] = *spec;
        bool automount = true;
        if (spec->contains("automountServiceAccountToken") &&
            (*spec)["automountServiceAccountToken"].is_boolean()) {
            automount = (*spec)["automountServiceAccountToken"].get<bool>();
        } else {
            // serviceAccountName, else the deprecated serviceAccount (the API server converts
            // one to the other), else "default".
            std::string account = spec->value("serviceAccountName", std::string());
            if (account.empty()) account = spec->value("serviceAccount", std::string());
            if (account.empty()) account = "default";
            const auto set = automount_of(account);
            if (set) automount = *set;
        }
        // A projected volume with a serviceAccountToken source mounts a token whatever the field
        // says: the pod has one as surely as with the automatic mount. One for another audience
        // (a cloud's token exchange) is not accepted by the API server, so it is not counted.
        if (const auto volumes = spec->find("volumes");
            !automount && volumes != spec->end() && volumes->is_array()) {
            automount = std::any_of(volumes->begin(), volumes->end(), [](const json& volume) {
                const json* sources = json_at(volume, {"projected", "sources"});
                return sources != nullptr && sources->is_array() &&
                       std::any_of(sources->begin(), sources->end(), [](const json& source) {
                           const json* token = json_at(source, {"serviceAccountToken"});
                           return token != nullptr && token->is_object() &&
                                  token->value("audience", std::string()).empty();
                       });
            });
        }
        view["automountServiceAccountToken"] = automount;
        sink({std::move(view), ""});
    }
}

void container_items(const json& object, const ItemSink& sink) {
    for (const json* spec : pod_specs(object)) {
        for (const char* list : k_container_lists) {
            const json* containers = json_at(*spec, {list});
            if (containers == nullptr || !containers->is_array()) continue;
            for (size_t i = 0; i < containers->size(); ++i) {
                const json& container = (*containers)[i];
                json view = owner_view(object);
                view.update(container);
                view["securityContext"] = effective_security_context(*spec, container);
                view["effectiveCapabilities"] = effective_capabilities(view["securityContext"]);
                view["containerType"] = list;
                view["imagePin"] = image_pin(container.value("image", ""));
                view.erase("pod");  // the pod spec's, below
                sink({std::move(view),
                      fmt::format("{}[{}] ({})", list, i, container.value("name", "?")), "", spec});
            }
        }
    }
}

void volume_items(const json& object, const ItemSink& sink) {
    for (const json* spec : pod_specs(object)) {
        const json* volumes = json_at(*spec, {"volumes"});
        if (volumes == nullptr || !volumes->is_array()) continue;
        for (size_t i = 0; i < volumes->size(); ++i) {
            json view = owner_view(object);
            view.update((*volumes)[i]);
            sink({std::move(view),
                  fmt::format("volumes[{}] ({})", i, (*volumes)[i].value("name", "?"))});
        }
    }
}

void role_rule_items(const json& role, const json& rules, const ItemSink& sink) {
    if (!rules.is_array()) return;
    json role_view = {{"kind", role.value("kind", "")},
                      {"name", json_string_at(role, {"metadata", "name"})},
                      {"namespace", json_string_at(role, {"metadata", "namespace"})}};
    for (size_t i = 0; i < rules.size(); ++i) {
        if (!rules[i].is_object()) continue;
        json view = rules[i];
        view["role"] = role_view;
        sink({std::move(view), fmt::format("rules[{}]", i)});
    }
}

void binding_subject_items(const json& binding, const ItemSink& sink) {
    const json* subjects = json_at(binding, {"subjects"});
    if (subjects == nullptr || !subjects->is_array()) return;
    json binding_view = {{"kind", binding.value("kind", "")},
                         {"name", json_string_at(binding, {"metadata", "name"})},
                         {"namespace", json_string_at(binding, {"metadata", "namespace"})}};
    for (size_t i = 0; i < subjects->size(); ++i) {
        if (!(*subjects)[i].is_object()) continue;
        json view = (*subjects)[i];
        view["binding"] = binding_view;
        view["roleRef"] = binding.contains("roleRef") ? binding["roleRef"] : json::object();
        std::string label =
            fmt::format("subjects[{}] {} {}", i, view.value("kind", "?"), view.value("name", "?"));
        sink({std::move(view), std::move(label)});
    }
}

}  // namespace kubeproof::engine
