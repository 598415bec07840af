#include <doctest/doctest.h>

#include <set>

#include "engine/policy.hpp"
#include "engine/policy_items.hpp"
#include "engine/policy_iterators.hpp"
#include "k8s/manifests.hpp"
#include "k8s/resource_types.hpp"
#include "loader/loader.hpp"
#include "model/api_group.hpp"

using namespace kubeproof;
using nlohmann::json;
using Kind = engine::ItemOutcome::Kind;

namespace {

constexpr const char* k_catalogue =
    "components:\n  kubelet: {name: kubelet, targets: [node], processes: [kubelet]}\n";
constexpr const char* k_benchmark = "id: t\ntitle: T\nsections: [policies.yaml]\n";

// Policy checks written in the definition language, loaded by the real loader.
constexpr const char* k_policies = R"(section: "5"
target: policies
title: Policies
groups:
  - id: "5.1"
    title: RBAC
    checks:
      - id: "5.1.1"
        key: rbac.cluster-admin
        title: cluster-admin only where required
        cis: manual
        components: []
        test:
          objects: binding-subject
          violation: {field: roleRef.name, eq: cluster-admin}
          exclude:
            all:
              - {field: binding.name, eq: cluster-admin}
              - {field: name, eq: "system:masters"}
        remediation: r
      - id: "5.1.2"
        key: rbac.secrets
        title: secrets access
        cis: manual
        components: []
        test:
          objects: grant
          violation:
            all:
              - {field: resources, has_any: [secrets, "*"]}
              - {field: verbs, has_any: [get, list, watch, "*"]}
          exclude: {field: name, regex: "^system:"}
        remediation: r
  - id: "5.2"
    title: Pods
    checks:
      - id: "5.2.2"
        key: pods.privileged
        title: privileged
        cis: manual
        components: []
        test:
          objects: container
          violation: {field: securityContext.privileged, eq: true}
        remediation: r
      - id: "5.2.7"
        key: pods.root
        title: root
        cis: manual
        components: []
        test:
          objects: container
          violation:
            not:
              any:
                - {field: securityContext.runAsNonRoot, eq: true}
                - {field: securityContext.runAsUser, gt: 0}
        remediation: r
      - id: "5.2.1"
        key: pods.admission-policy
        title: policy mechanism
        cis: manual
        components: []
        test:
          objects: namespace
          require: {field: "metadata.labels.pod-security\\.kubernetes\\.io/enforce", set: true}
        remediation: r
      - id: "5.3.2"
        key: namespaces.network-policies
        title: netpols
        cis: manual
        components: []
        test:
          objects: namespace
          violation: {field: networkPolicies, eq: 0}
        remediation: r
)";

const model::Definitions& definitions() {
    static const model::Definitions defs = [] {
        parse::Diagnostics diagnostics;
        auto loaded = loader::load_definitions({{"checks/components.yaml", "c.yaml", k_catalogue},
                                                {"checks/t/benchmark.yaml", "b.yaml", k_benchmark},
                                                {"checks/t/policies.yaml", "p.yaml", k_policies}},
                                               diagnostics);
        REQUIRE_MESSAGE(diagnostics.empty(), diagnostics.format());
        return loaded;
    }();
    return defs;
}

std::vector<const model::Check*> checks() {
    std::vector<const model::Check*> out;
    for (const auto& g : definitions().benchmarks.at("t").sections.at(0).groups)
        for (const auto& c : g.checks) out.push_back(&c);
    return out;
}

// A Deployment as `kubectl create deployment web --image=nginx --dry-run=client -o json` makes it,
// with a privileged sidecar and a pod-level runAsNonRoot that the app container inherits.
json deployment() {
    json d = json::parse(
        R"({"kind": "Deployment", "apiVersion": "apps/v1", "metadata": {"name": "web", "namespace": "team-a",
        "uid": "d-1", "labels": {"app": "web"}}, "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "web"}},
        "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "nginx", "image": "nginx",
        "resources": {}}]}}, "strategy": {}}, "status": {}})");
    auto& spec = d["spec"]["template"]["spec"];
    spec["securityContext"] = {{"runAsNonRoot", true}};
    spec["initContainers"] = json::array(
        {{{"name", "setup"}, {"image", "busybox"}, {"securityContext", {{"privileged", true}}}}});
    return d;
}

json cluster_admin_binding(const std::string& name, const std::string& kind,
                           const std::string& subject) {
    return {{"kind", "ClusterRoleBinding"},
            {"apiVersion", "rbac.authorization.k8s.io/v1"},
            {"metadata", {{"name", name}}},
            {"subjects",
             json::array(
                 {{{"kind", kind}, {"apiGroup", "rbac.authorization.k8s.io"}, {"name", subject}}})},
            {"roleRef",
             {{"apiGroup", "rbac.authorization.k8s.io"},
              {"kind", "ClusterRole"},
              {"name", "cluster-admin"}}}};
}

json namespace_named(const std::string& name, bool enforced) {
    json ns = {{"kind", "Namespace"}, {"apiVersion", "v1"}, {"metadata", {{"name", name}}}};
    if (enforced) ns["metadata"]["labels"] = {{"pod-security.kubernetes.io/enforce", "restricted"}};
    return ns;
}

std::map<std::string, engine::ItemOutcome> run(
    std::vector<std::pair<json, model::Origin>> objects,
    std::map<std::string, model::ListOutcome> outcomes = {}, engine::NamespaceScope scope = {},
    std::vector<std::string>* selected = nullptr) {
    engine::PolicyRun policy(checks(), k8s::policy_resource_types(), std::move(scope));
    for (const auto& type : k8s::policy_resource_types()) {
        for (auto& [object, origin] : objects) {
            if (k8s::is_of_type(object, type)) policy.add(json(object), origin);
        }
        auto outcome = outcomes.count(type.name()) ? outcomes[type.name()] : model::ListOutcome{};
        outcome.type = type.name();
        policy.record(outcome);
    }
    auto out = policy.finish();
    if (selected != nullptr) *selected = policy.selected_namespaces();
    return out;
}

json deployment_in(const std::string& ns, const std::string& name) {
    json d = deployment();
    d["metadata"]["namespace"] = ns;
    d["metadata"]["name"] = name;
    d["metadata"]["uid"] = ns + "/" + name;
    return d;
}

}  // namespace

TEST_SUITE("engine/policy") {
    TEST_CASE("pod-level securityContext is inherited, and init containers are judged too") {
        auto out = run({{deployment(), {"deploy/web.yaml", 3}}});
        CHECK(out.at("5.2.7").kind == Kind::Pass);  // runAsNonRoot comes from the pod level
        const auto& privileged = out.at("5.2.2");
        REQUIRE(privileged.kind == Kind::Fail);
        REQUIRE(privileged.evidence.size() == 1);
        CHECK(privileged.evidence[0].ref == "Deployment team-a/web");
        CHECK(privileged.evidence[0].value ==
              "initContainers[0] (setup): securityContext.privileged=true");
        CHECK(privileged.evidence[0].file == "deploy/web.yaml");
        CHECK(privileged.evidence[0].line == 3);
        CHECK(privileged.evidence[0].source == "manifest");
        CHECK(privileged.expected.at(0) == "no container with securityContext.privileged is true");
    }

    TEST_CASE("pods owned by a listed controller are not reported twice") {
        json pod = {
            {"kind", "Pod"},
            {"apiVersion", "v1"},
            {"metadata",
             {{"name", "web-1"},
              {"namespace", "team-a"},
              {"ownerReferences",
               json::array({{{"kind", "Deployment"}, {"uid", "d-1"}, {"controller", true}}})}}},
            {"spec", deployment()["spec"]["template"]["spec"]}};
        json orphan = pod;
        orphan["metadata"]["name"] = "orphan";
        orphan["metadata"]["ownerReferences"][0]["uid"] = "gone";
        auto out = run({{deployment(), {}}, {pod, {}}, {orphan, {}}});
        REQUIRE(out.at("5.2.2").evidence.size() == 2);
        CHECK(out.at("5.2.2").evidence[0].ref == "Deployment team-a/web");
        CHECK(out.at("5.2.2").evidence[1].ref == "Pod team-a/orphan");
        CHECK(out.at("5.2.2").evidence[1].source == "api");
    }

    TEST_CASE(
        "an owned object is judged itself unless it runs the pod spec its owner was judged on") {
        const json owned_by_web = json::array(
            {{{"kind", "Deployment"}, {"name", "web"}, {"uid", "d-1"}, {"controller", true}}});
        // A Pod as the API server makes it from the template: bound, with the token volume and
        // its mounts, the default tolerations, a priority and the deprecated serviceAccount.
        json pod = {
            {"kind", "Pod"},
            {"apiVersion", "v1"},
            {"metadata",
             {{"name", "web-1"}, {"namespace", "team-a"}, {"ownerReferences", owned_by_web}}},
            {"spec", deployment()["spec"]["template"]["spec"]}};
        auto& spec = pod["spec"];
        spec["nodeName"] = "w-1";
        spec["priority"] = 0;
        spec["serviceAccount"] = "default";
        spec["serviceAccountName"] = "default";
        spec["volumes"] =
            json::parse(R"([{"name": "kube-api-access-x1z9q", "projected": {"defaultMode": 420,
            "sources": [{"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
            {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
            {"downwardAPI": {"items": [{"path": "namespace", "fieldRef": {"fieldPath": "metadata.namespace"}}]}}]}}])");
        spec["containers"][0]["volumeMounts"] = json::parse(
            R"([{"name": "kube-api-access-x1z9q", "readOnly": true, "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount"}])");
        spec["tolerations"] = json::parse(
            R"([{"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
                {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}])");
        json template_owner = deployment();
        template_owner["spec"]["template"]["spec"]["serviceAccountName"] = "default";
        auto refs = [](const auto& out) {
            std::vector<std::string> found;
            for (const auto& e : out) found.push_back(e.ref);
            return found;
        };
        auto covered = run({{template_owner, {}}, {pod, {}}});
        CHECK(refs(covered.at("5.2.2").evidence) ==
              std::vector<std::string>{"Deployment team-a/web"});

        // What an owner reference does not cover: a container added to the Pod afterwards, a
        // "token" volume that is a host path, an older ReplicaSet's own template, a DaemonSet
        // naming the Deployment as its owner.
        json debugged = pod;
        debugged["metadata"]["name"] = "web-2";
        debugged["spec"]["ephemeralContainers"] =
            json::array({{{"name", "debugger"},
                          {"image", "busybox"},
                          {"securityContext", {{"privileged", true}}}}});
        json hosted = pod;
        hosted["metadata"]["name"] = "web-3";
        hosted["spec"]["volumes"][0] = {{"name", "kube-api-access-evil"},
                                        {"hostPath", {{"path", "/"}}}};
        json old_set = template_owner;
        old_set["kind"] = "ReplicaSet";
        old_set["metadata"] = {{"name", "web-old"},
                               {"namespace", "team-a"},
                               {"uid", "rs-0"},
                               {"ownerReferences", owned_by_web}};
        old_set["spec"]["template"]["spec"]["hostPID"] = true;
        json agent = template_owner;
        agent["kind"] = "DaemonSet";
        agent["metadata"] = {{"name", "agent"},
                             {"namespace", "team-a"},
                             {"uid", "ds-1"},
                             {"ownerReferences", owned_by_web}};
        agent["spec"]["template"]["spec"]["containers"][0]["securityContext"] = {
            {"privileged", true}};
        auto judged = run({{template_owner, {}},
                           {pod, {}},
                           {debugged, {}},
                           {hosted, {}},
                           {old_set, {}},
                           {agent, {}}});
        const auto found = refs(judged.at("5.2.2").evidence);
        CHECK(std::set<std::string>(found.begin(), found.end()) ==
              std::set<std::string>{"Deployment team-a/web", "DaemonSet team-a/agent",
                                    "ReplicaSet team-a/web-old", "Pod team-a/web-2",
                                    "Pod team-a/web-3"});
    }

    TEST_CASE("cluster-admin bindings are findings, except the built-in one to system:masters") {
        auto out = run({{cluster_admin_binding("cluster-admin", "Group", "system:masters"), {}},
                        {cluster_admin_binding("bob-admin", "User", "bob"), {}}});
        REQUIRE(out.at("5.1.1").kind == Kind::Fail);
        REQUIRE(out.at("5.1.1").evidence.size() == 1);
        CHECK(out.at("5.1.1").evidence[0].value ==
              "subjects[0] User bob: roleRef.name=cluster-admin");
    }

    TEST_CASE("grants join bindings to rules, wildcards included, aggregated roles expanded") {
        json reader = {
            {"kind", "Role"},
            {"apiVersion", "rbac.authorization.k8s.io/v1"},
            {"metadata", {{"name", "secret-reader"}, {"namespace", "team-a"}}},
            {"rules",
             json::array({{{"apiGroups", {""}}, {"resources", {"secrets"}}, {"verbs", {"get"}}}})}};
        json binding = {{"kind", "RoleBinding"},
                        {"apiVersion", "rbac.authorization.k8s.io/v1"},
                        {"metadata", {{"name", "rb"}, {"namespace", "team-a"}}},
                        {"subjects", json::array({{{"kind", "Group"}, {"name", "devs"}}})},
                        {"roleRef", {{"kind", "Role"}, {"name", "secret-reader"}}}};
        json aggregated = {
            {"kind", "ClusterRole"},
            {"apiVersion", "rbac.authorization.k8s.io/v1"},
            {"metadata", {{"name", "agg"}}},
            {"aggregationRule",
             {{"clusterRoleSelectors", json::array({{{"matchLabels", {{"agg", "yes"}}}}})}}}};
        json part = {
            {"kind", "ClusterRole"},
            {"apiVersion", "rbac.authorization.k8s.io/v1"},
            {"metadata", {{"name", "part"}, {"labels", {{"agg", "yes"}}}}},
            {"rules",
             json::array({{{"apiGroups", {"*"}}, {"resources", {"*"}}, {"verbs", {"*"}}}})}};
        json crb = {
            {"kind", "ClusterRoleBinding"},
            {"apiVersion", "rbac.authorization.k8s.io/v1"},
            {"metadata", {{"name", "crb"}}},
            {"subjects",
             json::array({{{"kind", "ServiceAccount"}, {"name", "ci"}, {"namespace", "build"}}})},
            {"roleRef", {{"kind", "ClusterRole"}, {"name", "agg"}}}};
        auto out = run({{reader, {}}, {binding, {}}, {aggregated, {}}, {part, {}}, {crb, {}}});
        const auto& secrets = out.at("5.1.2");
        REQUIRE(secrets.evidence.size() == 2);
        CHECK(secrets.evidence[0].value.rfind(
                  "ServiceAccount ci via ClusterRoleBinding crb -> ClusterRole agg rules[0]", 0) ==
              0);
        CHECK(secrets.evidence[1].value.rfind(
                  "Group devs via RoleBinding rb -> Role secret-reader rules[0]", 0) == 0);
    }

    TEST_CASE(
        "namespaces: network policies counted per namespace; an admission label satisfies "
        "require") {
        json netpol = {{"kind", "NetworkPolicy"},
                       {"apiVersion", "networking.k8s.io/v1"},
                       {"metadata", {{"name", "default-deny"}, {"namespace", "team-a"}}},
                       {"spec", {{"podSelector", json::object()}}}};
        auto out = run({{namespace_named("team-a", false), {}},
                        {namespace_named("team-b", true), {}},
                        {netpol, {}}});
        REQUIRE(out.at("5.3.2").evidence.size() == 1);
        CHECK(out.at("5.3.2").evidence[0].ref == "Namespace team-b");
        CHECK(out.at("5.2.1").kind == Kind::Pass);
        auto none = run({{namespace_named("team-a", false), {}}});
        CHECK(none.at("5.2.1").kind == Kind::Fail);
        CHECK(none.at("5.2.1").actual.at(0) == "none of 1 namespace items matches");
    }

    TEST_CASE(
        "Cilium and Calico network policies count; a cluster without their CRDs is not NA, a "
        "refused list is ERROR") {
        json cilium = {{"kind", "CiliumNetworkPolicy"},
                       {"apiVersion", "cilium.io/v2"},
                       {"metadata", {{"name", "deny-all"}, {"namespace", "team-a"}}},
                       {"spec", {{"endpointSelector", json::object()}}}};
        json calico = {{"kind", "NetworkPolicy"},
                       {"apiVersion", "projectcalico.org/v3"},
                       {"metadata", {{"name", "deny-all"}, {"namespace", "team-b"}}},
                       {"spec", {{"selector", "all()"}}}};
        const model::ListOutcome not_served{
            model::ListOutcome::Kind::NotServed, 404,
            "the server does not serve networkpolicies.crd.projectcalico.org", 0};
        auto out = run({{namespace_named("team-a", false), {}},
                        {namespace_named("team-b", false), {}},
                        {namespace_named("team-c", false), {}},
                        {cilium, {}},
                        {calico, {}}},
                       {{"networkpolicies.crd.projectcalico.org", not_served}});
        CHECK(out.at("5.3.2").kind == Kind::Fail);
        REQUIRE(out.at("5.3.2").evidence.size() == 1);
        CHECK(out.at("5.3.2").evidence[0].ref == "Namespace team-c");
        const model::ListOutcome denied{model::ListOutcome::Kind::Denied, 403,
                                        "list ciliumnetworkpolicies.cilium.io: 403 Forbidden", 0};
        auto refused = run({{namespace_named("team-a", false), {}}},
                           {{"ciliumnetworkpolicies.cilium.io", denied}});
        CHECK(refused.at("5.3.2").kind == Kind::Error);
        CHECK(refused.at("5.3.2").reason == "list ciliumnetworkpolicies.cilium.io: 403 Forbidden");
    }

    TEST_CASE(
        "a refused list is ERROR for the checks that need it, never a pass; not served is NA") {
        model::ListOutcome denied{
            model::ListOutcome::Kind::Denied, 403,
            "list clusterrolebindings.rbac.authorization.k8s.io: 403 Forbidden", 0};
        model::ListOutcome missing{model::ListOutcome::Kind::NotServed, 404,
                                   "the server does not serve networkpolicies.networking.k8s.io",
                                   0};
        auto out = run({}, {{"clusterrolebindings.rbac.authorization.k8s.io", denied},
                            {"networkpolicies.networking.k8s.io", missing}});
        CHECK(out.at("5.1.1").kind == Kind::Error);
        CHECK(out.at("5.1.1").reason ==
              "list clusterrolebindings.rbac.authorization.k8s.io: 403 Forbidden");
        CHECK(out.at("5.1.2").kind == Kind::Error);
        CHECK(out.at("5.3.2").kind == Kind::NA);
        CHECK(out.at("5.2.2").kind == Kind::NA);  // nothing to judge is not a pass
    }

    TEST_CASE(
        "nothing of the kinds a check judges is NA; an object judged with nothing to flag is "
        "PASS") {
        auto none = run({{namespace_named("team-a", true), {}}});
        CHECK(none.at("5.2.2").kind == Kind::NA);
        CHECK(none.at("5.2.2").reason ==
              "no object of the kinds this check judges was read (Deployment, StatefulSet, "
              "DaemonSet, ReplicaSet, "
              "ReplicationController, CronJob, Job, Pod)");
        CHECK(none.at("5.1.2").kind == Kind::NA);
        auto judged = run({{deployment(), {}}});
        CHECK(judged.at("5.2.7").kind == Kind::Pass);
        CHECK(judged.at("5.2.7").actual.at(0) ==
              "2 container items of 1 objects checked, none matches");
    }

    TEST_CASE("a type not served hides nothing that was served; NA only when none of them is") {
        const model::ListOutcome rc{model::ListOutcome::Kind::NotServed, 404,
                                    "the server does not serve replicationcontrollers", 0};
        auto out = run({{deployment(), {}}}, {{"replicationcontrollers", rc}});
        CHECK(out.at("5.2.2").kind == Kind::Fail);
        CHECK(out.at("5.2.2").actual.at(0).ends_with(
            "(not judged, the server does not serve them: the server does not serve "
            "replicationcontrollers)"));
        std::map<std::string, model::ListOutcome> nothing;
        for (const auto& type : k8s::policy_resource_types()) {
            if (engine::is_workload_kind(type.kind))
                nothing[type.name()] = {model::ListOutcome::Kind::NotServed, 404,
                                        "not served: " + type.name(), 0};
        }
        CHECK(run({}, nothing).at("5.2.2").kind == Kind::NA);
    }

    TEST_CASE("a cluster-scoped object's stray namespace is dropped, so its bindings find it") {
        json role = {
            {"kind", "ClusterRole"},
            {"apiVersion", "rbac.authorization.k8s.io/v1"},
            {"metadata", {{"name", "reader"}, {"namespace", "default"}}},
            {"rules",
             json::array(
                 {{{"apiGroups", {""}}, {"resources", {"secrets"}}, {"verbs", {"list"}}}})}};
        json binding = {{"kind", "RoleBinding"},
                        {"apiVersion", "rbac.authorization.k8s.io/v1"},
                        {"metadata", {{"name", "rb"}, {"namespace", "team-a"}}},
                        {"subjects", json::array({{{"kind", "User"}, {"name", "bob"}}})},
                        {"roleRef", {{"kind", "ClusterRole"}, {"name", "reader"}}}};
        auto out = run({{role, {"rbac.yaml", 1}}, {binding, {"rbac.yaml", 9}}});
        REQUIRE(out.at("5.1.2").kind == Kind::Fail);
        CHECK(out.at("5.1.2").evidence.at(0).value.rfind(
                  "User bob via RoleBinding rb -> ClusterRole reader rules[0]", 0) == 0);
    }

    TEST_CASE(
        "a binding to a role that is not among the manifests is not judged clean; from the API it "
        "grants nothing") {
        json binding = {{"kind", "RoleBinding"},
                        {"apiVersion", "rbac.authorization.k8s.io/v1"},
                        {"metadata", {{"name", "rb"}, {"namespace", "team-a"}}},
                        {"subjects", json::array({{{"kind", "User"}, {"name", "alice"}}})},
                        {"roleRef", {{"kind", "ClusterRole"}, {"name", "edit"}}}};
        auto manifests = run({{binding, {"rbac.yaml", 1}}});
        REQUIRE(manifests.at("5.1.2").kind == Kind::Fail);
        CHECK(manifests.at("5.1.2").evidence.at(0).value ==
              "subjects[0] User alice: references ClusterRole edit, which is not among the objects "
              "read: what it grants was not judged");
        CHECK(run({{binding, {}}}).at("5.1.2").kind == Kind::Pass);
    }

    TEST_CASE(
        "an object no API server accepts makes the checks that read it ERROR, and is listed") {
        json broken = deployment();
        broken["spec"]["template"]["spec"]["containers"] = {{"nginx", {{"image", "nginx"}}}};
        engine::PolicyRun policy(checks(), k8s::policy_resource_types());
        policy.add(json(broken), {"deploy.yaml", 4});
        auto out = policy.finish();
        CHECK(out.at("5.2.2").kind == Kind::Error);
        CHECK(out.at("5.2.2").reason ==
              "cannot be judged: Deployment team-a/web: spec.template.spec.containers is a "
              "mapping; the API server accepts only a list");
        CHECK(out.at("5.1.1").kind == Kind::NA);
        REQUIRE(policy.malformed().size() == 1);
        CHECK(policy.malformed()[0].origin.line == 4);
    }

    TEST_CASE("findings count the items at fault, which the evidence names with their labels") {
        json second = deployment();
        second["metadata"]["name"] = "api";
        second["metadata"]["uid"] = "d-2";
        second["metadata"]["labels"] = {{"app", "api"}, {"replicas", 3}};
        auto out = run({{deployment(), {}}, {second, {}}, {namespace_named("team-a", false), {}}});
        const auto& privileged = out.at("5.2.2");
        REQUIRE(privileged.kind == Kind::Fail);
        CHECK(privileged.findings == 2);
        REQUIRE(privileged.evidence.size() == 2);
        CHECK(privileged.evidence[0].labels == std::map<std::string, std::string>{{"app", "web"}});
        CHECK(privileged.evidence[1].labels ==
              std::map<std::string, std::string>{{"app", "api"}});  // a number is no label value
        CHECK(out.at("5.2.7").findings == 0);                       // passed: nothing at fault
        // A requirement not met is no list of objects at fault.
        CHECK(out.at("5.2.1").kind == Kind::Fail);
        CHECK_FALSE(out.at("5.2.1").findings.has_value());
    }

    TEST_CASE("findings go on counting when the evidence stops at 100 items") {
        std::vector<std::pair<json, model::Origin>> objects;
        for (int i = 0; i < 120; ++i) {
            json d = deployment();
            d["metadata"]["name"] = "web-" + std::to_string(i);
            d["metadata"]["uid"] = "d-" + std::to_string(i);
            objects.emplace_back(std::move(d), model::Origin{});
        }
        const auto results = run(std::move(objects));
        const auto& privileged = results.at("5.2.2");
        CHECK(privileged.findings == 120);
        CHECK(privileged.evidence.size() == 100);
    }

    TEST_CASE("a refused list is no list of objects at fault") {
        model::ListOutcome refused;
        refused.kind = model::ListOutcome::Kind::Denied;
        refused.message = "list deployments.apps: 403 Forbidden";
        auto out = run({{deployment(), {}}}, {{"deployments.apps", refused}});
        CHECK(out.at("5.2.2").kind == Kind::Error);
        CHECK_FALSE(out.at("5.2.2").findings.has_value());
    }

    TEST_CASE("a scan lists only the types its checks read") {
        std::set<std::string> names;
        for (const auto& type : engine::types_read_by(checks(), k8s::policy_resource_types()))
            names.insert(type.name());
        // The checks above judge bindings, containers and namespaces (with network policies).
        CHECK(names.count("clusterrolebindings.rbac.authorization.k8s.io") == 1);
        CHECK(names.count("clusterroles.rbac.authorization.k8s.io") == 1);  // grants' context
        CHECK(names.count("pods") == 1);
        CHECK(names.count("deployments.apps") == 1);
        CHECK(names.count("namespaces") == 1);
        CHECK(names.count("ciliumnetworkpolicies.cilium.io") == 1);
        // Nothing here reads ConfigMaps, budgets or Ingresses: a scan need not be allowed to list
        // them.
        CHECK(names.count("configmaps") == 0);
        CHECK(names.count("poddisruptionbudgets.policy") == 0);
        CHECK(names.count("ingresses.networking.k8s.io") == 0);
    }

    TEST_CASE("a namespace scope limits what is judged; cluster-scoped objects stay in it") {
        engine::NamespaceScope scope;
        scope.only = {"team-b"};
        auto out = run({{deployment_in("team-a", "web"), {}},
                        {cluster_admin_binding("bob-admin", "User", "bob"), {}}},
                       {}, scope);
        CHECK(out.at("5.2.2").kind == Kind::NA);  // nothing in team-b: not a PASS
        CHECK(out.at("5.2.2").reason.find("in namespaces team-b") != std::string::npos);
        CHECK(out.at("5.1.1").kind == Kind::Fail);  // the ClusterRoleBinding has no namespace
        out = run({{deployment_in("team-a", "web"), {}}, {deployment_in("team-b", "api"), {}}}, {},
                  scope);
        REQUIRE(out.at("5.2.2").kind == Kind::Fail);
        REQUIRE(out.at("5.2.2").evidence.size() == 1);
        CHECK(out.at("5.2.2").evidence[0].ref == "Deployment team-b/api");
        CHECK(out.at("5.2.2").actual.at(0).find("items in namespaces team-b match") !=
              std::string::npos);
    }

    TEST_CASE("an object a manifest leaves without a namespace is in every namespace scope") {
        // It goes where it is applied (kubectl apply -n team-a): never left out of a scope.
        json d = deployment();
        d["metadata"].erase("namespace");
        engine::NamespaceScope scope;
        scope.only = {"default"};
        CHECK(run({{d, {}}}, {}, scope).at("5.2.2").kind == Kind::Fail);
        scope.only = {"team-a"};
        CHECK(run({{d, {}}}, {}, scope).at("5.2.2").kind == Kind::Fail);
        // Without a named scope it counts as in default, which no system exclusion leaves out.
        engine::NamespaceScope system;
        system.system = {"kube-system"};
        system.excluding = {"5.2.2"};
        CHECK(run({{d, {}}}, {}, system).at("5.2.2").kind == Kind::Fail);
    }

    TEST_CASE("system namespaces are left out of the checks that exclude them, unless named") {
        engine::NamespaceScope scope;
        scope.system = {"kube-system"};
        scope.excluding = {"5.2.2"};
        const std::vector<std::pair<json, model::Origin>> objects = {
            {deployment_in("kube-system", "dns"), {}}};
        auto out = run(objects, {}, scope);
        CHECK(out.at("5.2.2").kind == Kind::NA);
        CHECK(out.at("5.2.2").reason.find("outside the system namespaces kube-system") !=
              std::string::npos);
        CHECK(out.at("5.2.7").kind == Kind::Pass);  // judged: it does not exclude them
        CHECK(out.at("5.2.7").actual.at(0).find("system") == std::string::npos);
        scope.only = {"kube-system"};  // named: judged
        CHECK(run(objects, {}, scope).at("5.2.2").kind == Kind::Fail);
    }

    TEST_CASE("a namespace selector picks namespaces by label, and errs when they are unlisted") {
        engine::NamespaceScope scope;
        scope.label = "pod-security.kubernetes.io/enforce";
        scope.value = "restricted";
        std::vector<std::string> selected;
        auto out = run({{namespace_named("team-a", true), {}},
                        {namespace_named("team-b", false), {}},
                        {deployment_in("team-a", "web"), {}},
                        {deployment_in("team-b", "api"), {}}},
                       {}, scope, &selected);
        CHECK(selected == std::vector<std::string>{"team-a"});
        REQUIRE(out.at("5.2.2").evidence.size() == 1);
        CHECK(out.at("5.2.2").evidence[0].ref == "Deployment team-a/web");
        model::ListOutcome refused;
        refused.kind = model::ListOutcome::Kind::Denied;
        refused.message = "list namespaces: 403 Forbidden";
        out = run({{deployment_in("team-a", "web"), {}}}, {{"namespaces", refused}}, scope);
        CHECK(out.at("5.2.2").kind == Kind::Error);  // not NA: the scope is unknown
        CHECK(out.at("5.2.2").reason ==
              "the namespace selector pod-security.kubernetes.io/enforce=restricted cannot be "
              "resolved: list namespaces: 403 Forbidden");
        CHECK(out.at("5.1.1").kind == Kind::Error);
    }

    TEST_CASE("a container's pod.* fields read the pod spec, whatever the path's form") {
        // Container views look `pod` up in the pod spec instead of holding a copy: every form of
        // path must select what it selected when the view held one.
        constexpr const char* k_pod_paths = R"(section: "5"
target: policies
title: Policies
groups:
  - id: "5.9"
    title: Pod paths
    checks:
      - {id: "5.9.1", key: p.host-pid, title: t, cis: manual, components: [], remediation: r,
         test: {objects: container, violation: {field: pod.hostPID, eq: true}}}
      - {id: "5.9.2", key: p.keys, title: t, cis: manual, components: [], remediation: r,
         test: {objects: container, violation: {field: "@keys", has_any: [pod]}}}
      - {id: "5.9.3", key: p.escaped, title: t, cis: manual, components: [], remediation: r,
         test: {objects: container, violation: {field: "pod\\.x", eq: mine}}}
      - {id: "5.9.4", key: p.dotted, title: t, cis: manual, components: [], remediation: r,
         test: {objects: container, violation: {field: ".pod.os.name", eq: linux}}}
      - {id: "5.9.5", key: p.index, title: t, cis: manual, components: [], remediation: r,
         test: {objects: container, violation: {field: "pod[0]", set: true}}}
      - {id: "5.9.6", key: p.lists, title: t, cis: manual, components: [], remediation: r,
         test: {objects: container, violation: {field: "pod.containers[*].name", has: sidecar}}}
      - {id: "5.9.7", key: p.whole, title: t, cis: manual, components: [], remediation: r,
         test: {objects: container, violation: {field: pod, set: true}}}
)";
        parse::Diagnostics diagnostics;
        const auto defs =
            loader::load_definitions({{"checks/components.yaml", "c.yaml", k_catalogue},
                                      {"checks/t/benchmark.yaml", "b.yaml", k_benchmark},
                                      {"checks/t/policies.yaml", "p.yaml", k_pod_paths}},
                                     diagnostics);
        REQUIRE_MESSAGE(diagnostics.empty(), diagnostics.format());
        std::vector<const model::Check*> pod_checks;
        for (const auto& c : defs.benchmarks.at("t").sections.at(0).groups.at(0).checks)
            pod_checks.push_back(&c);
        json pod = json::parse(R"({"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "p", "namespace": "team-a"},
            "spec": {"hostPID": true, "os": {"name": "linux"}, "containers": [
                {"name": "app", "image": "nginx", "pod": {"ignored": true}},
                {"name": "sidecar", "image": "envoy", "pod.x": "mine"}]}})");
        engine::PolicyRun policy(pod_checks, k8s::policy_resource_types(), {});
        policy.add(json(pod), {"pod.yaml", 1});
        const auto out = policy.finish();
        auto values = [&](const std::string& id) {
            std::vector<std::string> v;
            for (const auto& e : out.at(id).evidence) v.push_back(e.value);
            return v;
        };
        CHECK(values("5.9.1") ==
              std::vector<std::string>{"containers[0] (app): pod.hostPID=true",
                                       "containers[1] (sidecar): pod.hostPID=true"});
        // The view's own keys, sorted, with `pod` among them (and the container's own `pod` gone).
        const auto keys = values("5.9.2");
        REQUIRE(keys.size() == 2);
        CHECK(keys[0] ==
              "containers[0] (app): @keys=[containerType,effectiveCapabilities,image,imagePin,"
              "kind,metadata,name,pod,securityContext]");
        CHECK(keys[1].find(",pod,pod.x,securityContext]") != std::string::npos);
        CHECK(values("5.9.3") == std::vector<std::string>{"containers[1] (sidecar): pod.x=mine"});
        CHECK(values("5.9.4").size() == 2);
        CHECK(out.at("5.9.5").kind == Kind::Pass);
        CHECK(values("5.9.6") ==
              std::vector<std::string>{
                  "containers[0] (app): pod.containers[*].name=[app,sidecar]",
                  "containers[1] (sidecar): pod.containers[*].name=[app,sidecar]"});
        CHECK(values("5.9.7").size() == 2);
        CHECK(values("5.9.7")[0].find("containers[0] (app): pod={") == 0);
        CHECK(values("5.9.7")[0].find("hostPID") != std::string::npos);  // the spec
    }
}

TEST_CASE("kind_matches by kind and group answers as it does for an object") {
    const std::vector<std::string> kinds = {"Pod", "apps/Deployment", "/Namespace",
                                            "rbac.authorization.k8s.io/Role"};
    struct Probe {
        const char* kind;
        const char* api_version;
        bool expected;
    };
    const Probe probes[] = {
        {"Pod", "v1", true},
        {"Pod", "apps/v1", true},  // a bare kind matches in every group
        {"Deployment", "apps/v1", true},
        {"Deployment", "extensions/v1beta1", false},
        {"Deployment", "v1", false},
        {"Namespace", "v1", true},  // "/Kind": the core group
        {"Namespace", "apps/v1", false},
        {"Role", "rbac.authorization.k8s.io/v1", true},
        {"Role", "rbac.authorization.k8s.io", false},  // no "/": the core group
        {"Role", "authorization.k8s.io/v1", false},
        {"ClusterRole", "rbac.authorization.k8s.io/v1", false},
        {"Deploymen", "apps/v1", false},
        {"", "", false},
    };
    for (const auto& p : probes) {
        CAPTURE(p.kind);
        CAPTURE(p.api_version);
        const json object = {{"kind", p.kind}, {"apiVersion", p.api_version}};
        CHECK(engine::kind_matches(kinds, object) == p.expected);
        CHECK(engine::kind_matches(kinds, p.kind, model::api_group(p.api_version)) == p.expected);
    }
    CHECK(model::api_group("apps/v1") == "apps");
    CHECK(model::api_group("v1").empty());
    CHECK(model::api_group("").empty());
}
