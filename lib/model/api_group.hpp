#pragma once

#include <cstddef>
#include <string_view>

namespace kubeproof::model {

/// The API group of an apiVersion: "apps" of "apps/v1", "" of "v1" (the core group). The one
/// reading of it, for manifests (k8s) and for the policy checks (engine).
inline std::string_view api_group(std::string_view api_version) {
    const std::size_t slash = api_version.find('/');
    return slash == std::string_view::npos ? std::string_view() : api_version.substr(0, slash);
}

}  // namespace kubeproof::model
