#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kubeproof::k8s {

/// Why no API server would accept an object with this apiVersion and kind, judged against the
/// kinds Kubernetes itself serves: a built-in kind in a group that does not serve it
/// ("Deployment" under "v1"), or a built-in kind spelt in another case ("deployment": kinds are
/// case-sensitive). Kinds in other groups (custom resources) and list kinds are not judged.
std::optional<std::string> builtin_kind_problem(std::string_view api_version,
                                                std::string_view kind);

}  // namespace kubeproof::k8s
