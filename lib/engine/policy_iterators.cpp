#include "engine/policy_iterators.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "engine/policy_controls.hpp"
#include "model/api_group.hpp"

namespace kubeproof::engine {

namespace {

using nlohmann::json;

std::string iterated_meta(const json& object, const char* field) {
    const auto m = object.find("metadata");
    if (m == object.end() || !m->is_object()) return {};
    const auto value = m->find(field);
    return value != m->end() && value->is_string() ? value->get<std::string>() : std::string();
}

const std::vector<StoredObject> k_none;

// ---- items functions, one per iterator ---------------------------------------------------------

void pod(const json& object, const model::Origin&, const PolicyContext& context,
         const ItemSink& sink) {
    pod_items(
        object,
        [&](const std::string& account) {
            return context.automount(iterated_meta(object, "namespace"), account);
        },
        sink);
}

void container(const json& object, const model::Origin&, const PolicyContext&,
               const ItemSink& sink) {
    container_items(object, sink);
}

void volume(const json& object, const model::Origin&, const PolicyContext&, const ItemSink& sink) {
    volume_items(object, sink);
}

void role_rule(const json& role, const model::Origin&, const PolicyContext& context,
               const ItemSink& sink) {
    role_rule_items(role, effective_rules(role, context.objects("ClusterRole")), sink);
}

void binding_subject(const json& binding, const model::Origin&, const PolicyContext&,
                     const ItemSink& sink) {
    binding_subject_items(binding, sink);
}

// From the API a binding to a role that does not exist grants nothing; in manifests the role may
// live elsewhere (a built-in one, another repository), so its subjects are items that could not
// be judged.
void grant(const json& binding, const model::Origin& origin, const PolicyContext& context,
           const ItemSink& sink) {
    if (grant_items(binding, context.cluster_roles(), context.roles(),
                    context.objects("ClusterRole"), sink))
        return;
    if (origin.file.empty()) return;
    const json ref = binding.value("roleRef", json::object());
    const std::string unjudged = fmt::format(
        "references {} {}, which is not among the objects read: what it grants was not judged",
        ref.value("kind", "?"), ref.value("name", "?"));
    binding_subject_items(binding, [&](PolicyItem&& subject) {
        subject.unjudged = unjudged;
        sink(std::move(subject));
    });
}

void whole(const json& object, const model::Origin&, const PolicyContext&, const ItemSink& sink) {
    sink({object, "", ""});
}

void a_namespace(const json& ns, const model::Origin&, const PolicyContext& context,
                 const ItemSink& sink) {
    json view = ns;
    view["networkPolicies"] = context.network_policies(iterated_meta(ns, "name"));
    sink({std::move(view), "", ""});
}

// kubeproof's own controls (checks/k8s-controls-1.0, engine/policy_controls.hpp).

void workload(const json& object, const model::Origin&, const PolicyContext& context,
              const ItemSink& sink) {
    workload_items(object, context.objects("PodDisruptionBudget"), sink);
}

/// Gatekeeper constraints are instances of kinds their templates define; these are the ones of the
/// gatekeeper-library's pod security policies, which kubeproof lists (k8s/resource_types.cpp).
const std::vector<std::string>& gatekeeper_kinds() {
    static const std::vector<std::string> k_kinds = {
        "K8sPSPPrivilegedContainer", "K8sPSPHostNamespace",
        "K8sPSPAllowPrivilegeEscalationContainer", "K8sPSPCapabilities"};
    return k_kinds;
}

void namespace_controls(const json& ns, const model::Origin&, const PolicyContext& context,
                        const ItemSink& sink) {
    const std::string name = iterated_meta(ns, "name");
    NamespaceControls controls;
    for (const char* kind : {"NetworkPolicy", "CiliumNetworkPolicy"}) {
        for (const auto& stored : context.objects(kind)) {
            if (iterated_meta(stored.object, "namespace") != name) continue;
            const std::string ref =
                fmt::format("{} {}", kind, iterated_meta(stored.object, "name"));
            if (denies_by_default(stored.object, true)) controls.deny_ingress.push_back(ref);
            if (denies_by_default(stored.object, false)) controls.deny_egress.push_back(ref);
        }
    }
    for (const auto& stored : context.objects("ResourceQuota"))
        controls.resource_quotas += iterated_meta(stored.object, "namespace") == name ? 1 : 0;
    for (const auto& stored : context.objects("LimitRange"))
        controls.limit_ranges += iterated_meta(stored.object, "namespace") == name ? 1 : 0;
    std::vector<std::string> admission = {"ClusterPolicy", "Policy"};
    admission.insert(admission.end(), gatekeeper_kinds().begin(), gatekeeper_kinds().end());
    for (const auto& kind : admission) {
        for (const auto& stored : context.objects(kind)) {
            if (enforces_in(stored.object, name))
                controls.enforcing.push_back(
                    fmt::format("{} {}", kind, iterated_meta(stored.object, "name")));
        }
    }
    sink({namespace_controls_view(ns, controls), "", ""});
}

void ingress_host(const json& ingress, const model::Origin&, const PolicyContext&,
                  const ItemSink& sink) {
    ingress_host_items(ingress, sink);
}

void workload_credential(const json& object, const model::Origin&, const PolicyContext&,
                         const ItemSink& sink) {
    workload_credential_items(object, sink);
}

void configmap_credential(const json& configmap, const model::Origin&, const PolicyContext&,
                          const ItemSink& sink) {
    configmap_credential_items(configmap, sink);
}

std::vector<std::string> namespace_control_kinds() {
    std::vector<std::string> kinds = {
        "NetworkPolicy", "CiliumNetworkPolicy",      "ResourceQuota",
        "LimitRange",    "kyverno.io/ClusterPolicy", "kyverno.io/Policy"};
    for (const auto& kind : gatekeeper_kinds())
        kinds.push_back("constraints.gatekeeper.sh/" + kind);
    return kinds;
}

std::vector<std::string> pod_kinds() {
    std::vector<std::string> kinds;
    for (const auto& t : pod_templates()) kinds.push_back(t.kind);
    return kinds;
}

}  // namespace

const std::vector<PolicyIterator>& policy_iterators() {
    static const std::vector<PolicyIterator> k_iterators = {
        {"pod", true, pod_kinds(), {"ServiceAccount"}, pod},
        {"container", true, pod_kinds(), {}, container},
        {"volume", true, pod_kinds(), {}, volume},
        {"role-rule", false, {"ClusterRole", "Role"}, {"ClusterRole"}, role_rule},
        {"binding-subject", false, {"ClusterRoleBinding", "RoleBinding"}, {}, binding_subject},
        {"grant", false, {"ClusterRoleBinding", "RoleBinding"}, {"ClusterRole", "Role"}, grant},
        {"service-account", false, {"ServiceAccount"}, {}, whole},
        {"namespace", false, {"Namespace"}, {"NetworkPolicy", "CiliumNetworkPolicy"}, a_namespace},
        {"object", false, {}, {}, whole},
        {"workload",
         true,
         {"Deployment", "StatefulSet", "ReplicaSet", "ReplicationController"},
         {"policy/PodDisruptionBudget"},
         workload},
        {"namespace-controls", false, {"Namespace"}, namespace_control_kinds(), namespace_controls},
        {"ingress-host", false, {"networking.k8s.io/Ingress"}, {}, ingress_host},
        {"workload-credential", true, pod_kinds(), {}, workload_credential},
        {"configmap-credential", false, {"ConfigMap"}, {}, configmap_credential},
    };
    return k_iterators;
}

const PolicyIterator* find_iterator(std::string_view name) {
    for (const auto& it : policy_iterators()) {
        if (it.name == name) return &it;
    }
    return nullptr;
}

bool kind_matches(const std::vector<std::string>& kinds, std::string_view kind,
                  std::string_view group) {
    return std::any_of(kinds.begin(), kinds.end(), [&](const std::string& k) {
        if (k == kind) return true;
        // k == group + "/" + kind
        return k.size() == group.size() + 1 + kind.size() && k.starts_with(group) &&
               k[group.size()] == '/' && k.ends_with(kind);
    });
}

bool kind_matches(const std::vector<std::string>& kinds, const json& object) {
    const std::string kind = object.value("kind", "");
    const std::string api = object.value("apiVersion", "");
    return kind_matches(kinds, kind, model::api_group(api));
}

// ---- the context ------------------------------------------------------------------------------

const std::vector<StoredObject>& PolicyContext::objects(const std::string& kind) const {
    const auto it = m_kept.find(kind);
    return it == m_kept.end() ? k_none : it->second;
}

size_t PolicyContext::count(std::initializer_list<const char*> kinds) const {
    size_t n = 0;
    for (const char* kind : kinds) n += objects(kind).size();
    return n;
}

std::optional<bool> PolicyContext::automount(const std::string& ns, const std::string& name) const {
    if (m_automount.built_from != count({"ServiceAccount"})) {
        m_automount = {count({"ServiceAccount"}), {}};
        for (const auto& stored : objects("ServiceAccount")) {
            const json& value = stored.object.value("automountServiceAccountToken", json());
            if (value.is_boolean())
                m_automount.index[iterated_meta(stored.object, "namespace") + "/" +
                                  iterated_meta(stored.object, "name")] = value.get<bool>();
        }
    }
    const auto it = m_automount.index.find(ns + "/" + name);
    return it == m_automount.index.end() ? std::nullopt : std::optional<bool>(it->second);
}

int PolicyContext::network_policies(const std::string& ns) const {
    if (m_network_policies.built_from != count({"NetworkPolicy", "CiliumNetworkPolicy"})) {
        m_network_policies = {count({"NetworkPolicy", "CiliumNetworkPolicy"}), {}};
        for (const char* kind : {"NetworkPolicy", "CiliumNetworkPolicy"}) {
            for (const auto& stored : objects(kind))
                ++m_network_policies.index[iterated_meta(stored.object, "namespace")];
        }
    }
    const auto it = m_network_policies.index.find(ns);
    return it == m_network_policies.index.end() ? 0 : it->second;
}

const RoleIndex& PolicyContext::cluster_roles() const {
    if (m_cluster_roles.built_from != count({"ClusterRole"})) {
        m_cluster_roles = {count({"ClusterRole"}), index_roles(objects("ClusterRole"))};
    }
    return m_cluster_roles.index;
}

const RoleIndex& PolicyContext::roles() const {
    if (m_roles.built_from != count({"Role"}))
        m_roles = {count({"Role"}), index_roles(objects("Role"))};
    return m_roles.index;
}

}  // namespace kubeproof::engine
