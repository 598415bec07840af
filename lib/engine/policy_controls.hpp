#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/policy_grants.hpp"
#include "engine/policy_items.hpp"

namespace kubeproof::engine {

// The items of kubeproof's own controls (checks/k8s-controls-1.0): workloads with the disruption
// budgets that cover them, namespaces with what isolates and bounds them, Ingress hosts, and the
// literal credentials written into workloads and ConfigMaps.

/// How an image reference is pinned: "digest" (`@sha256:...`, the stronger form: the bytes cannot
/// change), "tag" (a tag other than latest), "latest", or "untagged" (which pulls latest).
std::string image_pin(std::string_view image);

/// Whether a label selector (`matchLabels`, `matchExpressions`) selects these labels, as the API
/// machinery decides it; an empty selector selects everything, a null one nothing.
bool selector_matches(const nlohmann::json& selector,
                      const std::map<std::string, std::string>& labels);

/// `workload` items: one per Deployment, StatefulSet, ReplicaSet and ReplicationController, with
/// `replicas` (1 when unset), `spreadAcross` (the topology keys its pods are spread over by
/// topology spread constraints or pod anti-affinity), `disruptionBudgets` (the PDBs of its
/// namespace that select its pods) and `protectingBudgets` (those that allow fewer disruptions
/// than it has replicas).
void workload_items(const nlohmann::json& object, const std::vector<StoredObject>& budgets,
                    const ItemSink& sink);

/// What a namespace is judged on besides its own fields (`namespace-controls`).
struct NamespaceControls {
    std::vector<std::string> deny_ingress;  ///< "NetworkPolicy default-deny" of each that counts
    std::vector<std::string> deny_egress;
    int resource_quotas = 0;
    int limit_ranges = 0;
    std::vector<std::string> enforcing;  ///< Kyverno / Gatekeeper policies that enforce here
};

/// Whether a network policy (Kubernetes, Cilium or Calico, told apart by API group) selects every
/// pod of its namespace and denies `ingress` (or egress) by default: it isolates them for that
/// direction and no rule of it admits every peer. An allow-only policy (some pods, or an allow-all
/// rule) does not count.
bool denies_by_default(const nlohmann::json& policy, bool ingress);

/// Whether an admission policy (Kyverno ClusterPolicy/Policy, a Gatekeeper constraint) rejects
/// violating requests in namespace `ns`: Enforce/deny mode and not scoped away from it.
bool enforces_in(const nlohmann::json& policy, const std::string& ns);

/// The `namespace-controls` view: the Namespace and the fields of `controls`.
nlohmann::json namespace_controls_view(const nlohmann::json& ns, const NamespaceControls& controls);

/// `ingress-host` items: one per host of an Ingress's rules ("*" for a rule without one, or a
/// default backend without rules), with `tls` true when a TLS entry serves it.
void ingress_host_items(const nlohmann::json& ingress, const ItemSink& sink);

/// `workload-credential` items: one per env value, arg, command word and annotation of a workload
/// or Pod, with `credential` (the pattern it matches, "" for none) and `where`; never the value.
void workload_credential_items(const nlohmann::json& object, const ItemSink& sink);

/// `configmap-credential` items: one per data key and annotation of a ConfigMap, the same way.
void configmap_credential_items(const nlohmann::json& configmap, const ItemSink& sink);

}  // namespace kubeproof::engine
