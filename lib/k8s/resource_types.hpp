#pragma once

#include <vector>

#include "model/objects.hpp"

namespace kubeproof::k8s {

/// Every resource type kubeproof lists for the policies target, one row each, in listing order
/// by stage: the context kinds (namespaces, service accounts, network policies, RBAC, admission
/// engines' CRDs), then the top-level workloads, then what they own (ReplicaSets, Jobs), then
/// pods, so that an owner always streams by before what it owns. Types outside Kubernetes' own
/// API groups are add-ons' CRDs: optional. Adding a resource kind is a row here.
const std::vector<model::ResourceType>& policy_resource_types();

/// The same types grouped by stage, each stage a list a source may read in one go.
std::vector<std::vector<model::ResourceType>> policy_list_stages(
    const std::vector<model::ResourceType>& types);

}  // namespace kubeproof::k8s
