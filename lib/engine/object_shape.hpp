#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace kubeproof::engine {

/// Why the API server would refuse an object of a kind the policy checks judge, judged on the
/// fields those checks read: a workload without a pod template, `containers` that is not a
/// list, a `securityContext` that is not a mapping, `privileged: "yes"` where a boolean belongs,
/// a binding without a roleRef, ... ("spec.template.spec.containers is a mapping; the API server
/// accepts only a list"). Such an object cannot be judged, so it must never count as clean.
/// nullopt when every field the checks read has the type the API defines (null counts as unset).
std::optional<std::string> shape_problem(const nlohmann::json& object);

}  // namespace kubeproof::engine
