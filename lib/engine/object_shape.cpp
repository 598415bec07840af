#include "engine/object_shape.hpp"

#include <array>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "engine/policy_items.hpp"
#include "parse/document.hpp"

namespace kubeproof::engine {

namespace {

using nlohmann::json;

/// The JSON type a field must have; `Required` ones must also be present and not null.
enum class Type { Bool, Int, String, Map, List, NonEmptyList };

struct Field {
    std::string_view path;  ///< relative to its base, with [*] for every element of a list
    Type type;
    bool required = false;
};

/// The pod spec fields the pod, container and volume checks read.
constexpr std::array<Field, 18> k_pod_spec = {{
    {"containers", Type::NonEmptyList, true},
    {"initContainers", Type::List},
    {"ephemeralContainers", Type::List},
    {"hostPID", Type::Bool},
    {"hostIPC", Type::Bool},
    {"hostNetwork", Type::Bool},
    {"automountServiceAccountToken", Type::Bool},
    {"serviceAccountName", Type::String},
    {"securityContext", Type::Map},
    {"securityContext.runAsNonRoot", Type::Bool},
    {"securityContext.runAsUser", Type::Int},
    {"securityContext.seccompProfile", Type::Map},
    {"securityContext.windowsOptions", Type::Map},
    {"securityContext.windowsOptions.hostProcess", Type::Bool},
    {"volumes", Type::List},
    {"volumes[*]", Type::Map},
    {"volumes[*].hostPath", Type::Map},
    {"os", Type::Map},
}};

/// The fields of each container (in containers, initContainers and ephemeralContainers).
constexpr std::array<Field, 23> k_container = {{
    {"", Type::Map},
    {"securityContext", Type::Map},
    {"securityContext.privileged", Type::Bool},
    {"securityContext.allowPrivilegeEscalation", Type::Bool},
    {"securityContext.readOnlyRootFilesystem", Type::Bool},
    {"securityContext.runAsNonRoot", Type::Bool},
    {"securityContext.runAsUser", Type::Int},
    {"securityContext.capabilities", Type::Map},
    {"securityContext.capabilities.add", Type::List},
    {"securityContext.capabilities.add[*]", Type::String},
    {"securityContext.capabilities.drop", Type::List},
    {"securityContext.capabilities.drop[*]", Type::String},
    {"securityContext.seccompProfile", Type::Map},
    {"securityContext.seccompProfile.type", Type::String},
    {"securityContext.windowsOptions", Type::Map},
    {"securityContext.windowsOptions.hostProcess", Type::Bool},
    {"ports", Type::List},
    {"ports[*]", Type::Map},
    {"ports[*].hostPort", Type::Int},
    {"env", Type::List},
    {"env[*]", Type::Map},
    {"envFrom", Type::List},
    {"envFrom[*]", Type::Map},
}};

/// Role and ClusterRole rules.
constexpr std::array<Field, 10> k_role = {{
    {"rules", Type::List},
    {"rules[*]", Type::Map},
    {"rules[*].apiGroups", Type::List},
    {"rules[*].apiGroups[*]", Type::String},
    {"rules[*].resources", Type::List},
    {"rules[*].resources[*]", Type::String},
    {"rules[*].verbs", Type::List},
    {"rules[*].verbs[*]", Type::String},
    {"rules[*].resourceNames", Type::List},
    {"aggregationRule", Type::Map},
}};

/// RoleBinding and ClusterRoleBinding.
constexpr std::array<Field, 7> k_binding = {{
    {"roleRef", Type::Map, true},
    {"roleRef.kind", Type::String, true},
    {"roleRef.name", Type::String, true},
    {"subjects", Type::List},
    {"subjects[*]", Type::Map},
    {"subjects[*].kind", Type::String},
    {"subjects[*].name", Type::String},
}};

constexpr std::array<Field, 3> k_metadata = {{
    {"metadata", Type::Map},
    {"metadata.name", Type::String},
    {"metadata.namespace", Type::String},
}};

std::string_view type_word(Type type) {
    switch (type) {
        case Type::Bool:
            return "true or false";
        case Type::Int:
            return "an integer";
        case Type::String:
            return "a string";
        case Type::Map:
            return "a mapping";
        case Type::List:
        case Type::NonEmptyList:
            return "a list";
    }
    return "?";
}

std::string found_word(const json& value) {
    if (value.is_object()) return "a mapping";
    if (value.is_array()) return value.empty() ? "an empty list" : "a list";
    if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
    if (value.is_number()) return fmt::format("the number {}", value.dump());
    const std::string& text = value.get_ref<const std::string&>();
    return text.size() <= 40 ? fmt::format("\"{}\"", text)
                             : fmt::format("\"{}...\"", text.substr(0, 40));
}

bool has_type(const json& value, Type type) {
    switch (type) {
        case Type::Bool:
            return value.is_boolean();
        case Type::Int:
            return value.is_number_integer();
        case Type::String:
            return value.is_string();
        case Type::Map:
            return value.is_object();
        case Type::List:
            return value.is_array();
        case Type::NonEmptyList:
            return value.is_array() && !value.empty();
    }
    return false;
}

std::string joined(std::string_view base, std::string_view path) {
    if (base.empty()) return std::string(path);
    return path.empty() ? std::string(base) : fmt::format("{}.{}", base, path);
}

/// The first field of `fields` (relative to `node`, shown under `base`) that has the wrong type.
template <size_t N>
std::optional<std::string> check_fields(const json& node, std::string_view base,
                                        const std::array<Field, N>& fields) {
    for (const Field& field : fields) {
        const parse::SelectionRefs found = parse::select_refs(node, field.path, false);
        if (found.values.empty() ||
            (found.values.size() == 1 && found.values.front()->is_null() && !found.wildcard)) {
            if (field.required)
                return fmt::format("{} is missing; the API server requires it",
                                   joined(base, field.path));
            continue;
        }
        for (size_t i = 0; i < found.values.size(); ++i) {
            const json& value = *found.values[i];
            if (value.is_null() || has_type(value, field.type)) continue;
            // The paths are made only for the message (most objects have none to show).
            return fmt::format("{} is {}; the API server accepts only {}",
                               joined(base, parse::select_refs(node, field.path).paths.at(i)),
                               found_word(value), type_word(field.type));
        }
    }
    return std::nullopt;
}

std::optional<std::string> pod_problem(const json& object, const std::vector<std::string>& path) {
    const json* node = &object;
    std::string at;
    for (const std::string& step : path) {
        at = joined(at, step);
        auto next = node->find(step);
        if (next == node->end() || next->is_null())
            return fmt::format("{} is missing; the API server requires it", at);
        if (!next->is_object())
            return fmt::format("{} is {}; the API server accepts only a mapping", at,
                               found_word(*next));
        node = &*next;
    }
    if (auto problem = check_fields(*node, at, k_pod_spec)) return problem;
    for (const char* list : {"containers", "initContainers", "ephemeralContainers"}) {
        auto containers = node->find(list);
        if (containers == node->end() || !containers->is_array()) continue;
        for (size_t i = 0; i < containers->size(); ++i) {
            if (auto problem = check_fields((*containers)[i], fmt::format("{}.{}[{}]", at, list, i),
                                            k_container))
                return problem;
        }
    }
    return std::nullopt;
}

}  // namespace

std::optional<std::string> shape_problem(const json& object) {
    if (auto problem = check_fields(object, "", k_metadata)) return problem;
    const std::string kind = object.value("kind", "");
    if (const PodTemplate* pod = pod_template_of(kind)) return pod_problem(object, pod->path);
    if (kind == "Role" || kind == "ClusterRole") return check_fields(object, "", k_role);
    if (kind == "RoleBinding" || kind == "ClusterRoleBinding")
        return check_fields(object, "", k_binding);
    if (kind == "ServiceAccount") {
        return check_fields(object, "",
                            std::array<Field, 1>{{{"automountServiceAccountToken", Type::Bool}}});
    }
    return std::nullopt;
}

}  // namespace kubeproof::engine
