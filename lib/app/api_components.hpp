#pragma once

#include <string>
#include <vector>

#include "engine/node_facts.hpp"
#include "k8s/object_source.hpp"
#include "model/check.hpp"

namespace kubeproof::app {

/// Fills in the control-plane components that are not on the scanned node from their static
/// (mirror) pods in kube-system, as the API server shows them: the container's command and args
/// become the component's flags, with the same defaults as on a node. A managed cluster whose
/// control plane is invisible simply has no such pods, so its checks stay NA. Problems (a refused
/// list) become warnings, never results.
void components_from_api(k8s::ObjectSource& source, const model::Catalogue& catalogue,
                         engine::NodeFacts& facts, std::vector<std::string>& warnings);

}  // namespace kubeproof::app
