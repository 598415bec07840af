#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "engine/policy_controls.hpp"
#include "parse/credentials.hpp"

using namespace kubeproof;
using nlohmann::json;

namespace {

std::vector<engine::PolicyItem> collect(const std::function<void(const engine::ItemSink&)>& yield) {
    std::vector<engine::PolicyItem> items;
    yield([&](engine::PolicyItem&& item) { items.push_back(std::move(item)); });
    return items;
}

engine::StoredObject pdb(const json& spec) {
    return {{{"apiVersion", "policy/v1"},
             {"kind", "PodDisruptionBudget"},
             {"metadata", {{"name", "web"}, {"namespace", "shop"}}},
             {"spec", spec}},
            {}};
}

json deployment(int replicas, const json& pod_spec = json::object()) {
    json spec = pod_spec;
    spec["containers"] = json::array({{{"name", "app"}, {"image", "web:1"}}});
    return {{"apiVersion", "apps/v1"},
            {"kind", "Deployment"},
            {"metadata", {{"name", "web"}, {"namespace", "shop"}}},
            {"spec",
             {{"replicas", replicas},
              {"template", {{"metadata", {{"labels", {{"app", "web"}}}}}, {"spec", spec}}}}}};
}

json workload_view(const json& object, const std::vector<engine::StoredObject>& budgets) {
    auto items = collect(
        [&](const engine::ItemSink& sink) { engine::workload_items(object, budgets, sink); });
    REQUIRE(items.size() == 1);
    return items[0].view;
}

json network_policy(const std::string& api, const json& spec) {
    return {{"apiVersion", api},
            {"kind", api == "cilium.io/v2" ? "CiliumNetworkPolicy" : "NetworkPolicy"},
            {"metadata", {{"name", "p"}, {"namespace", "shop"}}},
            {"spec", spec}};
}

}  // namespace

TEST_SUITE("engine/policy_controls") {
    TEST_CASE("image_pin tells digest from tag from latest") {
        CHECK(engine::image_pin("nginx@sha256:0123") == "digest");
        CHECK(engine::image_pin("nginx:1.27@sha256:0123") == "digest");
        CHECK(engine::image_pin("nginx:1.27") == "tag");
        CHECK(engine::image_pin("registry:5000/team/nginx:1.27") == "tag");
        CHECK(engine::image_pin("registry:5000/team/nginx") == "untagged");
        CHECK(engine::image_pin("nginx") == "untagged");
        CHECK(engine::image_pin("nginx:latest") == "latest");
    }

    TEST_CASE("selectors: matchLabels, matchExpressions, empty and null") {
        const std::map<std::string, std::string> labels = {{"app", "web"}, {"tier", "front"}};
        CHECK(engine::selector_matches(json::object(), labels));
        CHECK_FALSE(engine::selector_matches(json(), labels));
        CHECK(engine::selector_matches({{"matchLabels", {{"app", "web"}}}}, labels));
        CHECK_FALSE(engine::selector_matches({{"matchLabels", {{"app", "db"}}}}, labels));
        CHECK(engine::selector_matches(
            {{"matchExpressions",
              {{{"key", "tier"}, {"operator", "In"}, {"values", {"front", "back"}}}}}},
            labels));
        CHECK_FALSE(engine::selector_matches(
            {{"matchExpressions", {{{"key", "tier"}, {"operator", "DoesNotExist"}}}}}, labels));
        CHECK_FALSE(engine::selector_matches(
            {{"matchExpressions", {{{"key", "app"}, {"operator", "NotIn"}, {"values", {"web"}}}}}},
            labels));
    }

    TEST_CASE("a budget protects only when it allows fewer disruptions than the replicas") {
        const json selector = {{"matchLabels", {{"app", "web"}}}};
        auto protecting = [&](const json& spec, int replicas) {
            return workload_view(deployment(replicas), {pdb(spec)})["protectingBudgets"].size();
        };
        CHECK(protecting({{"selector", selector}, {"maxUnavailable", 1}}, 3) == 1);
        CHECK(protecting({{"selector", selector}, {"maxUnavailable", 3}}, 3) == 0);
        CHECK(protecting({{"selector", selector}, {"minAvailable", 0}}, 3) == 0);
        CHECK(protecting({{"selector", selector}, {"minAvailable", "50%"}}, 3) == 1);
        CHECK(protecting({{"selector", selector}, {"maxUnavailable", "100%"}}, 3) == 0);
        CHECK(protecting({{"selector", selector}}, 3) == 0);  // neither: every disruption allowed
        // A budget that selects other pods covers nothing.
        const json view = workload_view(
            deployment(3),
            {pdb({{"selector", {{"matchLabels", {{"app", "db"}}}}}, {"maxUnavailable", 1}})});
        CHECK(view["disruptionBudgets"].empty());
        CHECK(view["replicas"] == 3);
    }

    TEST_CASE("spread: topology spread constraints and anti-affinity") {
        CHECK(workload_view(deployment(2), {})["spreadAcross"].empty());
        const json spread = {{"topologySpreadConstraints",
                              {{{"topologyKey", "topology.kubernetes.io/zone"}, {"maxSkew", 1}}}}};
        CHECK(workload_view(deployment(2, spread), {})["spreadAcross"] ==
              json::array({"topology.kubernetes.io/zone"}));
        const json anti = {
            {"affinity",
             {{"podAntiAffinity",
               {{"preferredDuringSchedulingIgnoredDuringExecution",
                 {{{"weight", 100},
                   {"podAffinityTerm", {{"topologyKey", "kubernetes.io/hostname"}}}}}}}}}}};
        CHECK(workload_view(deployment(2, anti), {})["spreadAcross"] ==
              json::array({"kubernetes.io/hostname"}));
    }

    TEST_CASE("default deny: an allow-only policy does not count") {
        using engine::denies_by_default;
        const std::string k8s = "networking.k8s.io/v1";
        const json deny_in = network_policy(k8s, {{"podSelector", json::object()}});
        CHECK(denies_by_default(deny_in, true));
        CHECK_FALSE(denies_by_default(deny_in, false));  // no Egress type, no egress section
        const json deny_both = network_policy(
            k8s, {{"podSelector", json::object()}, {"policyTypes", {"Ingress", "Egress"}}});
        CHECK(denies_by_default(deny_both, true));
        CHECK(denies_by_default(deny_both, false));
        // Some pods only.
        CHECK_FALSE(denies_by_default(
            network_policy(k8s, {{"podSelector", {{"matchLabels", {{"app", "web"}}}}}}), true));
        // All pods, but a rule without `from` admits everything.
        CHECK_FALSE(denies_by_default(
            network_policy(
                k8s, {{"podSelector", json::object()}, {"ingress", json::array({json::object()})}}),
            true));
        // All pods, ingress only from the frontend namespace: still deny by default.
        CHECK(denies_by_default(
            network_policy(
                k8s, {{"podSelector", json::object()},
                      {"ingress",
                       {{{"from",
                          {{{"namespaceSelector", {{"matchLabels", {{"team", "front"}}}}}}}}}}}}),
            true));
    }

    TEST_CASE("default deny: Cilium and Calico equivalents") {
        using engine::denies_by_default;
        CHECK(denies_by_default(
            network_policy("cilium.io/v2",
                           {{"endpointSelector", json::object()}, {"ingress", {json::object()}}}),
            true));
        CHECK_FALSE(denies_by_default(
            network_policy("cilium.io/v2", {{"endpointSelector", json::object()},
                                            {"ingress", {{{"fromEntities", {"all"}}}}}}),
            true));
        CHECK_FALSE(denies_by_default(
            network_policy("cilium.io/v2", {{"endpointSelector", {{"matchLabels", {{"a", "b"}}}}},
                                            {"ingress", {json::object()}}}),
            true));
        CHECK(denies_by_default(
            network_policy("projectcalico.org/v3",
                           {{"selector", "all()"}, {"types", {"Ingress", "Egress"}}}),
            false));
        CHECK_FALSE(denies_by_default(
            network_policy("crd.projectcalico.org/v1", {{"selector", "all()"},
                                                        {"types", {"Ingress"}},
                                                        {"ingress", {{{"action", "Allow"}}}}}),
            true));
    }

    TEST_CASE("admission: Kyverno and Gatekeeper in enforce mode, scoped") {
        const json kyverno = {
            {"apiVersion", "kyverno.io/v1"},
            {"kind", "ClusterPolicy"},
            {"metadata", {{"name", "baseline"}}},
            {"spec",
             {{"validationFailureAction", "Enforce"},
              {"rules",
               {{{"name", "r"},
                 {"match", {{"any", {{{"resources", {{"kinds", {"Pod"}}}}}}}}},
                 {"validate", {{"podSecurity", {{"level", "baseline"}}}}},
                 {"exclude", {{"any", {{{"resources", {{"namespaces", {"kube-*"}}}}}}}}}}}}}}};
        CHECK(engine::enforces_in(kyverno, "shop"));
        CHECK_FALSE(engine::enforces_in(kyverno, "kube-system"));
        json audit = kyverno;
        audit["spec"]["validationFailureAction"] = "Audit";
        CHECK_FALSE(engine::enforces_in(audit, "shop"));
        // A rule about another kind (exec into a pod, a subresource) admits pods unchecked.
        json exec = kyverno;
        exec["spec"]["rules"][0]["match"]["any"][0]["resources"]["kinds"] = {"Pod/exec"};
        CHECK_FALSE(engine::enforces_in(exec, "shop"));
        exec["spec"]["rules"][0]["match"]["any"][0]["resources"]["kinds"] = {"apps/v1/Deployment"};
        CHECK(engine::enforces_in(exec, "shop"));
        const json gatekeeper = {{"apiVersion", "constraints.gatekeeper.sh/v1beta1"},
                                 {"kind", "K8sPSPPrivilegedContainer"},
                                 {"metadata", {{"name", "no-privileged"}}},
                                 {"spec", {{"match", {{"namespaces", {"shop"}}}}}}};
        CHECK(engine::enforces_in(gatekeeper, "shop"));
        CHECK_FALSE(engine::enforces_in(gatekeeper, "other"));
        json dry = gatekeeper;
        dry["spec"]["enforcementAction"] = "dryrun";
        CHECK_FALSE(engine::enforces_in(dry, "shop"));
    }

    TEST_CASE("ingress hosts and TLS") {
        const json ingress = {
            {"apiVersion", "networking.k8s.io/v1"},
            {"kind", "Ingress"},
            {"metadata", {{"name", "web"}, {"namespace", "shop"}}},
            {"spec",
             {{"tls", {{{"hosts", {"shop.example.com"}}, {"secretName", "tls"}}}},
              {"rules", {{{"host", "shop.example.com"}}, {{"host", "admin.example.com"}}}}}}};
        auto items = collect(
            [&](const engine::ItemSink& sink) { engine::ingress_host_items(ingress, sink); });
        REQUIRE(items.size() == 2);
        CHECK(items[0].view["tls"] == true);
        CHECK(items[1].view["tls"] == false);
        CHECK(items[1].label == "rules[1] (admin.example.com)");
    }

    // The pattern table: each pattern finds its credential and leaves look-alikes alone.
    TEST_CASE("literal credential patterns") {
        using parse::credential_in;
        CHECK(credential_in("", "AKIAIOSFODNN7EXAMPLE") == "AWS access key id");
        CHECK(credential_in("", "key=AKIAIOSFODNN7EXAMPL") == "");  // 15 characters after AKIA
        CHECK(credential_in("", "-----BEGIN RSA PRIVATE KEY-----\nMIIE...") == "PEM private key");
        CHECK(credential_in("", "-----BEGIN PRIVATE KEY-----") == "PEM private key");
        CHECK(credential_in("", "-----BEGIN CERTIFICATE-----") == "");
        CHECK(
            credential_in("",
                          "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_"
                          "XgL0n3I9PlFUP0THsR8U") == "JSON web token");
        CHECK(credential_in("", "Authorization: Bearer abcdefghijklmnop0123") == "bearer token");
        CHECK(credential_in("", "postgres://app:s3cr3t@db:5432/shop") == "URL with a password");
        CHECK(credential_in("", "postgres://app:$(DB_PASSWORD)@db:5432/shop") == "");
        CHECK(credential_in("", "https://example.com/path") == "");
        CHECK(credential_in("", "--db-password=hunter2") ==
              "secret-named flag with a literal value");
        CHECK(credential_in("", "--password=$(PW)") == "");
        CHECK(credential_in("DB_PASSWORD", "hunter2") ==
              "variable named like a credential with a literal value");
        CHECK(credential_in("apiKey", "abc") ==
              "variable named like a credential with a literal value");
        CHECK(credential_in("GITHUB_TOKEN", "x") ==
              "variable named like a credential with a literal value");
        CHECK(credential_in("DB_PASSWORD", "") == "");                // empty: nothing written
        CHECK(credential_in("DB_PASSWORD", "$(FROM_SECRET)") == "");  // a reference
        CHECK(credential_in("DB_PASSWORD_FILE", "/run/secrets/db") == "");
        CHECK(credential_in("SECRET_NAME", "db-credentials") == "");
        CHECK(credential_in("LOG_LEVEL", "debug") == "");
        CHECK(credential_in("", "hunter2") == "");  // no name: only the value patterns
    }

    TEST_CASE("credential items name where, never the value") {
        const std::string canary = "canary-value-8c1f";
        const json pod = {
            {"apiVersion", "v1"},
            {"kind", "Pod"},
            {"metadata",
             {{"name", "app"},
              {"namespace", "shop"},
              {"annotations", {{"example.com/note", "postgres://u:" + canary + "@db/x"}}}}},
            {"spec",
             {{"containers",
               {{{"name", "app"},
                 {"image", "app:1"},
                 {"args", {"--api-key=" + canary}},
                 {"env",
                  {{{"name", "DB_PASSWORD"}, {"value", canary}},
                   {{"name", "TOKEN"}, {"valueFrom", {{"secretKeyRef", {{"name", "t"}}}}}},
                   {{"name", "MODE"}, {"value", "fast"}}}}}}}}}};
        auto items = collect(
            [&](const engine::ItemSink& sink) { engine::workload_credential_items(pod, sink); });
        REQUIRE(items.size() == 4);  // annotation, two env values with a literal, one arg
        int found = 0;
        for (const auto& item : items) {
            CHECK(item.view.dump().find(canary) == std::string::npos);
            CHECK(item.label.find(canary) == std::string::npos);
            found += item.view["credential"].get<std::string>().empty() ? 0 : 1;
        }
        CHECK(found == 3);
        CHECK(items[1].label == "containers[0] (app) env DB_PASSWORD");
        const json configmap = {{"apiVersion", "v1"},
                                {"kind", "ConfigMap"},
                                {"metadata", {{"name", "cfg"}, {"namespace", "shop"}}},
                                {"data", {{"db-password", canary}, {"mode", "fast"}}}};
        auto data = collect([&](const engine::ItemSink& sink) {
            engine::configmap_credential_items(configmap, sink);
        });
        REQUIRE(data.size() == 2);
        CHECK(data[0].label == "data db-password");
        CHECK(data[0].view["credential"] ==
              "variable named like a credential with a literal value");
        CHECK(data[0].view.dump().find(canary) == std::string::npos);
    }
}
