#pragma once

#include <string>
#include <vector>

#include "engine/node_facts.hpp"
#include "host/host.hpp"
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

/// components_from_api, then the files the checks name through those components' flags, read
/// from `host` (under --root): an API server seen only through its mirror pod still gives 3.2.x
/// its --audit-policy-file and 1.2.x its --encryption-provider-config when the node root has them.
void components_and_files_from_api(k8s::ObjectSource& source, const host::Host& host,
                                   const model::Catalogue& catalogue,
                                   const std::vector<const model::Check*>& checks,
                                   engine::NodeFacts& facts, std::vector<std::string>& warnings);

}  // namespace kubeproof::app
