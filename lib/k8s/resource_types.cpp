#include "k8s/resource_types.hpp"

#include <set>
#include <string>

namespace kubeproof::k8s {

namespace {

struct Row {
    const char* group;
    const char* version;
    const char* resource;
    const char* kind;
    bool namespaced;
    unsigned stage;
};

/// group, version, resource, kind, namespaced, stage
constexpr Row k_rows[] = {
    {"", "v1", "namespaces", "Namespace", false, 0},
    {"", "v1", "serviceaccounts", "ServiceAccount", true, 0},
    {"networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy", true, 0},
    {"cilium.io", "v2", "ciliumnetworkpolicies", "CiliumNetworkPolicy", true, 0},
    {"crd.projectcalico.org", "v1", "networkpolicies", "NetworkPolicy", true, 0},
    {"projectcalico.org", "v3", "networkpolicies", "NetworkPolicy", true, 0},
    {"rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", false, 0},
    {"rbac.authorization.k8s.io", "v1", "roles", "Role", true, 0},
    {"rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding", false, 0},
    {"rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", true, 0},
    {"kyverno.io", "v1", "clusterpolicies", "ClusterPolicy", false, 0},
    {"kyverno.io", "v1", "policies", "Policy", true, 0},
    {"templates.gatekeeper.sh", "v1", "constrainttemplates", "ConstraintTemplate", false, 0},
    // kubeproof's own controls (checks/k8s-controls-1.0): what protects, bounds and exposes
    // workloads, and where credentials get written.
    {"policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget", true, 0},
    {"", "v1", "resourcequotas", "ResourceQuota", true, 0},
    {"", "v1", "limitranges", "LimitRange", true, 0},
    {"", "v1", "configmaps", "ConfigMap", true, 0},
    {"networking.k8s.io", "v1", "ingresses", "Ingress", true, 0},
    {"constraints.gatekeeper.sh", "v1beta1", "k8spspprivilegedcontainer",
     "K8sPSPPrivilegedContainer", false, 0},
    {"constraints.gatekeeper.sh", "v1beta1", "k8spsphostnamespace", "K8sPSPHostNamespace", false,
     0},
    {"constraints.gatekeeper.sh", "v1beta1", "k8spspallowprivilegeescalationcontainer",
     "K8sPSPAllowPrivilegeEscalationContainer", false, 0},
    {"constraints.gatekeeper.sh", "v1beta1", "k8spspcapabilities", "K8sPSPCapabilities", false, 0},
    {"apps", "v1", "deployments", "Deployment", true, 1},
    {"apps", "v1", "statefulsets", "StatefulSet", true, 1},
    {"apps", "v1", "daemonsets", "DaemonSet", true, 1},
    {"", "v1", "replicationcontrollers", "ReplicationController", true, 1},
    {"batch", "v1", "cronjobs", "CronJob", true, 1},
    {"apps", "v1", "replicasets", "ReplicaSet", true, 2},
    {"batch", "v1", "jobs", "Job", true, 2},
    {"", "v1", "pods", "Pod", true, 3},
};

/// Kubernetes' own groups are served by every cluster; the others are add-ons' CRDs.
bool builtin_group(const std::string& group) {
    static const std::set<std::string> k_builtin = {
        "", "apps", "batch", "rbac.authorization.k8s.io", "networking.k8s.io", "policy"};
    return k_builtin.count(group) != 0;
}

}  // namespace

const std::vector<model::ResourceType>& policy_resource_types() {
    static const std::vector<model::ResourceType> k_types = [] {
        std::vector<model::ResourceType> types;
        for (const Row& row : k_rows) {
            model::ResourceType type{row.group, row.version, row.resource, row.kind,
                                     row.namespaced};
            type.optional = !builtin_group(type.group);
            type.stage = row.stage;
            types.push_back(std::move(type));
        }
        return types;
    }();
    return k_types;
}

std::vector<std::vector<model::ResourceType>> policy_list_stages(
    const std::vector<model::ResourceType>& types) {
    std::vector<std::vector<model::ResourceType>> stages;
    for (const auto& type : types) {
        if (stages.size() <= type.stage) stages.resize(type.stage + 1);
        stages[type.stage].push_back(type);
    }
    return stages;
}

}  // namespace kubeproof::k8s
