#include <doctest/doctest.h>

#include "app/definitions.hpp"

#include "engine/audit_policy.hpp"
#include "engine/audit_requirements.hpp"
#include "engine/evaluator.hpp"
#include "facts/collector.hpp"
#include "host/fake_host.hpp"
#include "loader/loader.hpp"
#include "shipped_definitions.hpp"

using namespace kubeproof;
using engine::AuditLevel;

namespace {

engine::AuditPolicy policy_of(const std::string& rules) {
    auto doc = parse::parse_document("/p.yaml",
                                     "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n" + rules);
    REQUIRE(doc.loaded);
    auto policy = engine::read_audit_policy(doc);
    REQUIRE(policy.has_value());
    return *policy;
}

engine::RequestClass request(std::string verb, std::string group, std::string resource,
                             std::string sub = {}, bool namespaced = true) {
    return {std::move(verb), std::move(group), std::move(resource), std::move(sub), namespaced};
}

// The problems of one requirement, joined, or "" when it holds.
std::string problems(const engine::AuditPolicy& policy, const char* name) {
    const auto* req = engine::find_audit_requirement(name);
    REQUIRE(req != nullptr);
    auto verdict = engine::judge_audit_requirement(policy, *req);
    std::string out;
    for (const auto& p : verdict.problems) out += p + "\n";
    return out;
}

const char* k_good = R"(  - level: None
    users: ["system:kube-proxy"]
    verbs: ["watch"]
    resources:
      - group: ""
        resources: ["endpoints", "services"]
  - level: Metadata
    resources:
      - group: ""
        resources: ["secrets", "configmaps"]
      - group: "authentication.k8s.io"
        resources: ["tokenreviews"]
  - level: RequestResponse
    resources:
      - group: "rbac.authorization.k8s.io"
  - level: Request
    verbs: ["create", "update", "patch", "delete", "deletecollection"]
  - level: Metadata
)";

// 3.2.1 and 3.2.2 of the shipped cis-1.12 on a node whose API server has these flags.
std::vector<model::Result> scan_audit(host::FakeHost& host, std::vector<std::string> argv) {
    host.add_process(4624, std::move(argv), "kube-apiserver");
    const auto& bench = test::shipped_definitions().benchmarks.at("cis-1.12");
    engine::Selection selection{{"controlplane"}, {"3.2.1", "3.2.2"}, {}};
    auto facts = facts::collect(host, test::shipped_definitions().catalogue,
                                engine::selected_checks(bench, selection));
    return engine::evaluate(bench, test::shipped_definitions().catalogue, facts, selection);
}

bool mentions(const model::Result& r, const std::string& text) {
    for (const auto& e : r.evidence) {
        if (e.ref.find(text) != std::string::npos || e.value.find(text) != std::string::npos)
            return true;
    }
    return r.actual.find(text) != std::string::npos;
}

}  // namespace

TEST_SUITE("engine/audit_policy") {
    TEST_CASE("rules match in order: the first rule matching every request decides") {
        auto policy = policy_of(k_good);
        auto d = engine::decide_audit(policy, request("get", "", "secrets"));
        REQUIRE(d.decider.has_value());
        CHECK(d.decider->rule->index == 1);
        CHECK(d.decider->rule->line == 10);
        CHECK(d.level() == AuditLevel::Metadata);
        CHECK(d.narrower.empty());
        auto write = engine::decide_audit(policy, request("patch", "apps", "deployments"));
        CHECK(write.decider->rule->index == 3);
        CHECK(write.level() == AuditLevel::Request);
        auto read = engine::decide_audit(policy, request("get", "apps", "deployments"));
        CHECK(read.decider->rule->index == 4);
    }

    TEST_CASE("a rule restricted to some users decides only part of the class") {
        auto policy = policy_of(k_good);
        auto d = engine::decide_audit(policy, request("watch", "", "services"));
        REQUIRE(d.narrower.size() == 1);
        CHECK(d.narrower[0].rule->index == 0);
        CHECK(d.narrower[0].only == "users [system:kube-proxy]");
        CHECK(d.decider->rule->index == 4);
    }

    TEST_CASE("the hardened policy meets every requirement") {
        auto policy = policy_of(k_good);
        for (const auto& req : engine::audit_requirements()) {
            CAPTURE(req.name);
            CHECK(engine::judge_audit_requirement(policy, req).problems.empty());
        }
    }

    TEST_CASE("wildcards: '*', '*/sub' and 'resource/*'") {
        auto policy = policy_of(R"(  - level: None
    resources: [{group: "", resources: ["*/exec"]}]
  - level: Request
    resources: [{group: "", resources: ["pods/*"]}]
  - level: Metadata
    resources: [{group: "apps", resources: ["*"]}]
)");
        CHECK(engine::decide_audit(policy, request("create", "", "pods", "exec")).level() ==
              AuditLevel::None);
        CHECK(engine::decide_audit(policy, request("create", "", "pods", "attach")).level() ==
              AuditLevel::Request);
        CHECK(engine::decide_audit(policy, request("create", "", "pods")).level() ==
              AuditLevel::Request);
        CHECK(engine::decide_audit(policy, request("create", "apps", "deployments", "scale"))
                  .level() == AuditLevel::Metadata);
        // A group is matched exactly: "" is the core group only.
        CHECK_FALSE(engine::decide_audit(policy, request("create", "", "services")).decider);
    }

    TEST_CASE("a subresource is not its resource") {
        auto policy = policy_of(R"(  - level: Metadata
    resources: [{group: "", resources: ["pods"]}]
)");
        CHECK(engine::decide_audit(policy, request("create", "", "pods")).decider);
        CHECK_FALSE(engine::decide_audit(policy, request("create", "", "pods", "exec")).decider);
        CHECK(problems(policy, "pod-access-logged")
                  .find("no rule matches every request of get, create of pods/exec: they are "
                        "not logged") != std::string::npos);
    }

    TEST_CASE("level None first swallows everything after it") {
        auto policy = policy_of("  - level: None\n  - level: Metadata\n");
        CHECK(problems(policy, "pod-access-logged")
                  .find("pod-access-logged: rule 1 (/p.yaml:4) level None matches all requests "
                        "of get, create of pods/exec: they are not logged") != std::string::npos);
        CHECK(problems(policy, "writes-logged") ==
              "writes-logged: rule 1 (/p.yaml:4) level None matches all requests of create, "
              "update, patch, delete, deletecollection of every resource: they are not "
              "logged\n");
    }

    TEST_CASE("an earlier narrower None rule fails the requirement for those users") {
        auto policy = policy_of(R"(  - level: None
    userGroups: ["system:masters"]
  - level: Metadata
)");
        CHECK(
            problems(policy, "rbac-changes-logged")
                .find("rbac-changes-logged: rule 1 (/p.yaml:4) level None matches create, "
                      "update, patch, delete, deletecollection of roles.rbac.authorization.k8s.io "
                      "by groups [system:masters]: they are not logged") != std::string::npos);
    }

    TEST_CASE("a narrower rule of a namespace or of named objects decides only those") {
        auto policy = policy_of(R"(  - level: None
    namespaces: ["kube-system"]
  - level: None
    resources: [{group: "", resources: ["secrets"], resourceNames: ["token"]}]
  - level: Metadata
)");
        auto d = engine::decide_audit(policy, request("get", "", "secrets"));
        REQUIRE(d.narrower.size() == 2);
        CHECK(d.narrower[0].only == "namespaces [kube-system]");
        CHECK(d.narrower[1].only == "objects named [token]");
        // Cluster-scoped requests have no namespace, so a namespaced rule misses them.
        auto cluster = engine::decide_audit(
            policy, request("create", "rbac.authorization.k8s.io", "clusterroles", {}, false));
        CHECK(cluster.narrower.empty());
        CHECK(cluster.decider->rule->index == 2);
    }

    TEST_CASE("RequestResponse on secrets is a finding that names the rule") {
        auto policy = policy_of(R"(  - level: RequestResponse
    resources:
      - group: ""
        resources: ["secrets"]
  - level: Metadata
)");
        CHECK(problems(policy, "secrets-metadata-only")
                  .find("secrets-metadata-only: rule 1 (/p.yaml:4) level RequestResponse matches "
                        "all requests of get, list, watch, create, update, patch, delete, "
                        "deletecollection of secrets: they are logged at RequestResponse, which "
                        "writes the request and response bodies into the log") !=
              std::string::npos);
        CHECK(problems(policy, "writes-logged").empty());
    }

    TEST_CASE("rules of non-resource URLs never match resource requests") {
        auto policy = policy_of(R"(  - level: None
    nonResourceURLs: ["/healthz*"]
  - level: Metadata
)");
        CHECK(engine::decide_audit(policy, request("get", "", "secrets")).decider->rule->index ==
              1);
    }

    TEST_CASE("a rule omitting every stage of a request logs nothing") {
        auto policy = policy_of(R"(  - level: RequestResponse
    omitStages: ["RequestReceived", "ResponseComplete"]
)");
        CHECK(engine::decide_audit(policy, request("create", "", "pods")).level() ==
              AuditLevel::None);
        CHECK(problems(policy, "workload-changes-logged")
                  .find("level RequestResponse (it omits every stage of a request) matches all "
                        "requests of create, update, patch, delete, deletecollection of pods: "
                        "they are not logged") != std::string::npos);
    }

    TEST_CASE("v1beta1 is read; empty rules fail has-rules") {
        auto doc =
            parse::parse_document("/p.yaml", "apiVersion: audit.k8s.io/v1beta1\nkind: Policy\n");
        auto policy = engine::read_audit_policy(doc);
        REQUIRE(policy.has_value());
        CHECK(policy->api_version == "audit.k8s.io/v1beta1");
        CHECK(problems(*policy, "has-rules") ==
              "has-rules: /p.yaml has no rules, so nothing is logged\n");
        CHECK(problems(*policy, "writes-logged").find("no rule matches every request of create") !=
              std::string::npos);
    }

    TEST_CASE("a document that is not a Policy, or a rule the API server refuses") {
        auto not_policy = engine::read_audit_policy(
            parse::parse_document("/p.yaml", "apiVersion: v1\nkind: ConfigMap\n"));
        REQUIRE_FALSE(not_policy.has_value());
        CHECK(not_policy.error().line == 2);
        CHECK(not_policy.error().message ==
              "not an audit policy: apiVersion 'v1', kind 'ConfigMap' (expected audit.k8s.io/v1 "
              "or v1beta1 Policy)");
        auto bad_level = engine::read_audit_policy(parse::parse_document(
            "/p.yaml",
            "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: Everything\n"));
        REQUIRE_FALSE(bad_level.has_value());
        CHECK(bad_level.error().line == 4);
        CHECK(bad_level.error().message ==
              "rule 1 has level 'Everything' (expected None, Metadata, Request or "
              "RequestResponse)");
        auto bad_list = engine::read_audit_policy(
            parse::parse_document("/p.yaml",
                                  "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: "
                                  "None\n    verbs: get\n"));
        REQUIRE_FALSE(bad_list.has_value());
        CHECK(bad_list.error().line == 5);
        CHECK(bad_list.error().message == "verbs must be a list of strings");
    }

    TEST_CASE("the requirement table names every requirement once") {
        CHECK(engine::audit_requirement_names() ==
              "has-rules, writes-logged, secrets-metadata-only, workload-changes-logged, "
              "pod-access-logged, rbac-changes-logged");
        CHECK(engine::find_audit_requirement("nope") == nullptr);
    }

    TEST_CASE("3.2.1 and 3.2.2 read the file --audit-policy-file names") {
        host::FakeHost host;
        host.add_file("/etc/kubernetes/audit.yaml",
                      std::string("apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n") + k_good);
        auto results =
            scan_audit(host, {"kube-apiserver", "--audit-policy-file=/etc/kubernetes/audit.yaml"});
        REQUIRE(results.size() == 2);
        CHECK(results[0].status == model::Status::Pass);
        CHECK(results[1].status == model::Status::Pass);
        CHECK(mentions(results[1], "/etc/kubernetes/audit.yaml:10"));
        CHECK(mentions(
            results[1],
            "level: Metadata [secrets-metadata-only] rule 2 (/etc/kubernetes/audit.yaml:10) "
            "level Metadata matches all requests of get, list"));
    }

    TEST_CASE("no flag or no file fails (WARN: CIS marks them Manual); a YAML error is ERROR") {
        host::FakeHost unset;
        auto results = scan_audit(unset, {"kube-apiserver"});
        CHECK(results[0].status == model::Status::Warn);
        CHECK(results[0].actual == "--audit-policy-file is not set on kube-apiserver");
        CHECK(results[1].status == model::Status::Warn);
        host::FakeHost absent;
        auto gone = scan_audit(absent, {"kube-apiserver", "--audit-policy-file=/nope.yaml"});
        CHECK(gone[0].status == model::Status::Warn);
        CHECK(gone[0].actual == "/nope.yaml does not exist");
        host::FakeHost broken;
        broken.add_file("/a.yaml", "apiVersion: audit.k8s.io/v1\nrules: [unclosed\n");
        auto error = scan_audit(broken, {"kube-apiserver", "--audit-policy-file=/a.yaml"});
        CHECK(error[0].status == model::Status::Error);
        CHECK(error[0].reason.find("/a.yaml:") == 0);
        host::FakeHost other;
        other.add_file("/a.yaml", "apiVersion: v1\nkind: ConfigMap\n");
        auto wrong = scan_audit(other, {"kube-apiserver", "--audit-policy-file=/a.yaml"});
        CHECK(wrong[0].status == model::Status::Warn);
        CHECK(wrong[0].actual.find("/a.yaml:2: not an audit policy") == 0);
    }
}
