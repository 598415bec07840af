#include "k8s/manifest_identity.hpp"
#include "model/api_group.hpp"

#include <algorithm>
#include <iterator>
#include <utility>

namespace kubeproof::k8s {

namespace {

/// Kinds the API server also served under the legacy group "extensions", and their current group.
constexpr std::pair<std::string_view, std::string_view> k_extensions_aliases[] = {
    {"Deployment", "apps"},
    {"DaemonSet", "apps"},
    {"ReplicaSet", "apps"},
    {"Ingress", "networking.k8s.io"},
    {"NetworkPolicy", "networking.k8s.io"},
};

}  // namespace

bool is_of_type(const Identity& identity, const model::ResourceType& type) {
    if (identity.kind != type.kind) return false;
    const std::string_view group = model::api_group(identity.api_version);
    if (group == type.group) return true;
    return group == "extensions" &&
           std::any_of(std::begin(k_extensions_aliases), std::end(k_extensions_aliases),
                       [&](const auto& alias) {
                           return alias.first == type.kind && alias.second == type.group;
                       });
}

bool is_of_type(const nlohmann::json& object, const model::ResourceType& type) {
    const auto kind = object.find("kind");
    const auto api_version = object.find("apiVersion");
    if (kind == object.end() || api_version == object.end() || !kind->is_string() ||
        !api_version->is_string()) {
        return false;
    }
    return is_of_type(Identity{api_version->get<std::string>(), kind->get<std::string>()}, type);
}

}  // namespace kubeproof::k8s
