#include "k8s/builtin_kinds.hpp"

#include <array>
#include <cctype>
#include <vector>

#include <fmt/format.h>

#include "model/api_group.hpp"

namespace kubeproof::k8s {

namespace {

struct BuiltinKind {
    std::string_view kind;
    std::string_view group;  ///< "" for the core group
};

/// The kinds Kubernetes serves, by API group (kubectl api-resources on a 1.31+ cluster), plus the
/// legacy groups that served the same objects (extensions, and policy for PodSecurityPolicy).
constexpr std::array<BuiltinKind, 62> k_builtin = {{
    {"Binding", ""},
    {"ComponentStatus", ""},
    {"ConfigMap", ""},
    {"Endpoints", ""},
    {"Event", ""},
    {"LimitRange", ""},
    {"Namespace", ""},
    {"Node", ""},
    {"PersistentVolume", ""},
    {"PersistentVolumeClaim", ""},
    {"Pod", ""},
    {"PodTemplate", ""},
    {"ReplicationController", ""},
    {"ResourceQuota", ""},
    {"Secret", ""},
    {"Service", ""},
    {"ServiceAccount", ""},
    {"MutatingWebhookConfiguration", "admissionregistration.k8s.io"},
    {"ValidatingWebhookConfiguration", "admissionregistration.k8s.io"},
    {"ValidatingAdmissionPolicy", "admissionregistration.k8s.io"},
    {"ValidatingAdmissionPolicyBinding", "admissionregistration.k8s.io"},
    {"CustomResourceDefinition", "apiextensions.k8s.io"},
    {"APIService", "apiregistration.k8s.io"},
    {"ControllerRevision", "apps"},
    {"DaemonSet", "apps"},
    {"Deployment", "apps"},
    {"ReplicaSet", "apps"},
    {"StatefulSet", "apps"},
    {"DaemonSet", "extensions"},
    {"Deployment", "extensions"},
    {"ReplicaSet", "extensions"},
    {"Ingress", "extensions"},
    {"NetworkPolicy", "extensions"},
    {"PodSecurityPolicy", "extensions"},
    {"TokenReview", "authentication.k8s.io"},
    {"SubjectAccessReview", "authorization.k8s.io"},
    {"HorizontalPodAutoscaler", "autoscaling"},
    {"CronJob", "batch"},
    {"Job", "batch"},
    {"CertificateSigningRequest", "certificates.k8s.io"},
    {"Lease", "coordination.k8s.io"},
    {"EndpointSlice", "discovery.k8s.io"},
    {"Event", "events.k8s.io"},
    {"FlowSchema", "flowcontrol.apiserver.k8s.io"},
    {"PriorityLevelConfiguration", "flowcontrol.apiserver.k8s.io"},
    {"Ingress", "networking.k8s.io"},
    {"IngressClass", "networking.k8s.io"},
    {"NetworkPolicy", "networking.k8s.io"},
    {"RuntimeClass", "node.k8s.io"},
    {"PodDisruptionBudget", "policy"},
    {"PodSecurityPolicy", "policy"},
    {"ClusterRole", "rbac.authorization.k8s.io"},
    {"ClusterRoleBinding", "rbac.authorization.k8s.io"},
    {"Role", "rbac.authorization.k8s.io"},
    {"RoleBinding", "rbac.authorization.k8s.io"},
    {"PriorityClass", "scheduling.k8s.io"},
    {"CSIDriver", "storage.k8s.io"},
    {"CSINode", "storage.k8s.io"},
    {"CSIStorageCapacity", "storage.k8s.io"},
    {"StorageClass", "storage.k8s.io"},
    {"VolumeAttachment", "storage.k8s.io"},
    {"VolumeAttributesClass", "storage.k8s.io"},
}};

bool same_letters(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(a[i])) !=
            std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    }
    return true;
}

/// Groups Kubernetes owns: where a kind it does not serve cannot be a custom resource either
/// (a CRD's group always has a dot, and *.k8s.io is reserved).
bool kubernetes_group(std::string_view group) {
    return group.find('.') == std::string_view::npos || group.ends_with(".k8s.io");
}

std::string api_version_of(std::string_view group) {
    return group.empty() ? std::string("v1") : fmt::format("{}/v1", group);
}

}  // namespace

std::optional<std::string> builtin_kind_problem(std::string_view api_version,
                                                std::string_view kind) {
    if (kind == "List" || kind.ends_with("List")) return std::nullopt;
    const std::string_view group = model::api_group(api_version);
    std::vector<std::string_view> groups;  // where the kind really is
    std::string_view spelt;
    for (const auto& b : k_builtin) {
        if (!same_letters(b.kind, kind)) continue;
        if (b.kind == kind && b.group == group) return std::nullopt;
        spelt = b.kind;
        if (b.group != "extensions" && (b.group != "policy" || b.kind != "PodSecurityPolicy"))
            groups.push_back(b.group);
    }
    if (spelt.empty() || !kubernetes_group(group))
        return std::nullopt;  // not a built-in kind, or a custom resource
    if (spelt != kind) {
        return fmt::format(
            "no API server serves kind \"{}\" (kinds are case-sensitive): did you mean {}?", kind,
            spelt);
    }
    return fmt::format(
        "no API server serves {} under apiVersion {}: it is {}", kind, api_version,
        groups.empty() ? std::string("no longer served") : api_version_of(groups.front()));
}

}  // namespace kubeproof::k8s
