#include <doctest/doctest.h>

#include <string>

#include "history/waivers.hpp"

using namespace kubeproof;
using model::Status;

namespace {

constexpr std::time_t k_end_of_march = 1774915200 + 86400;  // 2026-04-01T00:00:00Z

model::Waiver waiver(std::string check, std::string source = "w.yaml:2") {
    model::Waiver w;
    w.source = std::move(source);
    w.check = std::move(check);
    w.owner = "alice";
    w.expires = "2026-03-31";
    w.expires_at = k_end_of_march;
    return w;
}

model::Result node_result(Status status = Status::Fail) {
    model::Result r;
    r.id = "1.2.15";
    r.key = "apiserver.profiling";
    r.target = "master";
    r.status = status;
    r.evidence = {{"process", "kube-apiserver pid 4624", "--profiling absent"}};
    return r;
}

model::Evidence object(std::string ref, std::map<std::string, std::string> labels = {}) {
    return {"manifest", std::move(ref),   "securityContext.privileged=true", "k8s/app.yaml",
            3,          std::move(labels)};
}

/// A section 5 WARN whose findings are the given objects.
model::Result policy_result(std::vector<model::Evidence> evidence) {
    model::Result r;
    r.id = "5.2.2";
    r.key = "pods.privileged";
    r.target = "policies";
    r.status = Status::Warn;
    r.automated = false;
    r.findings = static_cast<int>(evidence.size());
    r.evidence = std::move(evidence);
    return r;
}

model::ScanInfo node_scan(std::string node = "cp-1") {
    model::ScanInfo scan;
    scan.scope = "node";
    scan.node = std::move(node);
    return scan;
}

model::ScanInfo cluster_scan() {
    model::ScanInfo scan;
    scan.scope = "cluster";
    return scan;
}

}  // namespace

TEST_SUITE("history/waivers") {
    TEST_CASE("a waiver names a check by its id or its key") {
        CHECK(history::covers(waiver("1.2.15"), node_result(), node_scan()));
        CHECK(history::covers(waiver("apiserver.profiling"), node_result(), node_scan()));
        CHECK_FALSE(history::covers(waiver("1.2.16"), node_result(), node_scan()));
        CHECK_FALSE(history::covers(waiver("apiserver"), node_result(), node_scan()));
    }

    TEST_CASE("only findings are covered: FAIL, WARN and ERROR") {
        for (Status s : {Status::Fail, Status::Warn, Status::Error})
            CHECK(history::covers(waiver("1.2.15"), node_result(s), node_scan()));
        for (Status s : {Status::Pass, Status::NA, Status::Skip})
            CHECK_FALSE(history::covers(waiver("1.2.15"), node_result(s), node_scan()));
    }

    TEST_CASE("a node scope covers the scan of that node only") {
        auto w = waiver("1.2.15");
        w.node = "cp-1";
        CHECK(history::covers(w, node_result(), node_scan("cp-1")));
        CHECK_FALSE(history::covers(w, node_result(), node_scan("cp-2")));
        CHECK_FALSE(history::covers(w, node_result(), cluster_scan()));
    }

    TEST_CASE("object refs as section 5 evidence writes them") {
        auto namespaced = history::object_ref("Deployment prod/web");
        REQUIRE(namespaced);
        CHECK((namespaced->kind == "Deployment" && namespaced->namespace_name == "prod" &&
               namespaced->name == "web"));
        auto cluster = history::object_ref("ClusterRoleBinding admins");
        REQUIRE(cluster);
        CHECK((cluster->kind == "ClusterRoleBinding" && cluster->namespace_name.empty() &&
               cluster->name == "admins"));
        for (const char* none : {"", "/etc/kubernetes/admin.conf", "kube-apiserver pid 4624",
                                 "Pod prod/", "Pod /web", "Pod a/b/c", " Pod web"}) {
            CAPTURE(none);
            CHECK_FALSE(history::object_ref(none).has_value());
        }
    }

    TEST_CASE("a namespace scope covers the objects in it, and the Namespace itself") {
        auto w = waiver("5.2.2");
        w.namespace_name = "monitoring";
        CHECK(history::covers(w, policy_result({object("DaemonSet monitoring/node-exporter")}),
                              cluster_scan()));
        CHECK(history::covers(w, policy_result({object("Namespace monitoring")}), cluster_scan()));
        CHECK_FALSE(history::covers(w, policy_result({object("Namespace other")}), cluster_scan()));
        CHECK_FALSE(history::covers(w, policy_result({object("DaemonSet kube-system/cilium")}),
                                    cluster_scan()));
        // A manifest that gives no namespace: kubectl would choose one, kubeproof does not guess.
        CHECK_FALSE(history::covers(w, policy_result({object("Deployment web")}), cluster_scan()));
    }

    TEST_CASE("an object scope: a name, or a kind and a name") {
        auto by_name = waiver("5.2.2");
        by_name.object = "web";
        auto by_kind = waiver("5.2.2");
        by_kind.object = "Deployment/web";
        const auto deployment = policy_result({object("Deployment prod/web")});
        const auto pod = policy_result({object("Pod prod/web")});
        CHECK(history::covers(by_name, deployment, cluster_scan()));
        CHECK(history::covers(by_name, pod, cluster_scan()));
        CHECK(history::covers(by_kind, deployment, cluster_scan()));
        CHECK_FALSE(history::covers(by_kind, pod, cluster_scan()));
        CHECK_FALSE(history::covers(by_name, policy_result({object("Deployment prod/web-2")}),
                                    cluster_scan()));
    }

    TEST_CASE("a selector covers objects that carry every one of its labels") {
        auto w = waiver("5.2.2");
        w.selector = {{"app", "web"}, {"tier", "front"}};
        CHECK(history::covers(
            w,
            policy_result(
                {object("Deployment prod/web", {{"app", "web"}, {"tier", "front"}, {"x", "y"}})}),
            cluster_scan()));
        CHECK_FALSE(history::covers(
            w, policy_result({object("Deployment prod/web", {{"app", "web"}})}), cluster_scan()));
        CHECK_FALSE(history::covers(
            w, policy_result({object("Deployment prod/web", {{"app", "web"}, {"tier", "back"}})}),
            cluster_scan()));
    }

    TEST_CASE("an object scope covers a result only when it covers every object at fault") {
        auto w = waiver("5.2.2");
        w.namespace_name = "monitoring";
        auto both = policy_result(
            {object("DaemonSet monitoring/node-exporter"), object("Deployment prod/web")});
        CHECK_FALSE(history::covers(w, both, cluster_scan()));
        w.namespace_name.clear();
        w.selector = {{"team", "ops"}};
        both.evidence[0].labels = {{"team", "ops"}};
        CHECK_FALSE(history::covers(w, both, cluster_scan()));
        both.evidence[1].labels = {{"team", "ops"}};
        CHECK(history::covers(w, both, cluster_scan()));
    }

    TEST_CASE("an object scope never covers what the evidence does not list by object") {
        auto w = waiver("5.2.2");
        w.namespace_name = "monitoring";
        auto r = policy_result({object("DaemonSet monitoring/node-exporter")});
        r.findings = 101;  // more at fault than the evidence lists
        CHECK_FALSE(history::covers(w, r, cluster_scan()));
        r.findings = std::nullopt;  // not a list of objects (a requirement not met)
        CHECK_FALSE(history::covers(w, r, cluster_scan()));
        r.findings = 0;
        r.evidence.clear();
        CHECK_FALSE(history::covers(w, r, cluster_scan()));
        auto error = policy_result({object("DaemonSet monitoring/node-exporter")});
        error.status = Status::Error;  // an object no check could judge is not a finding about it
        CHECK_FALSE(history::covers(w, error, cluster_scan()));
        auto other = policy_result({{"api", "daemonsets.apps", "list refused", "", 0}});
        CHECK_FALSE(history::covers(w, other, cluster_scan()));
        // Without object scopes the whole check is waived, whatever its evidence.
        CHECK(history::covers(waiver("5.2.2"), r, cluster_scan()));
        CHECK(history::covers(waiver("5.2.2"), error, cluster_scan()));
    }

    TEST_CASE("the last second of the expiry day is active, the midnight after is expired") {
        model::Report report;
        report.scan = node_scan();
        report.results = {node_result()};
        model::WaiverFile file{"w.yaml", "abc", {waiver("1.2.15")}};
        auto summary = history::apply_waivers(report, file, k_end_of_march - 1);
        REQUIRE(report.results[0].waiver);
        CHECK(report.results[0].waiver->state == model::WaiverState::Active);
        CHECK(model::is_accepted(report.results[0]));
        CHECK(report.results[0].status == Status::Fail);  // the real status stays
        CHECK((summary.active == 1 && summary.expired == 0 && summary.stale.empty()));
        CHECK((summary.file == "w.yaml" && summary.sha256 == "abc"));

        report.results = {node_result()};
        summary = history::apply_waivers(report, file, k_end_of_march);
        REQUIRE(report.results[0].waiver);
        CHECK(report.results[0].waiver->state == model::WaiverState::Expired);
        CHECK_FALSE(model::is_accepted(report.results[0]));
        CHECK((summary.active == 0 && summary.expired == 1 && summary.stale.empty()));
    }

    TEST_CASE("an active waiver wins over an expired one; waivers that covered nothing are stale") {
        model::Report report;
        report.scan = node_scan();
        model::Result pass = node_result(Status::Pass);
        pass.id = "1.2.16";
        pass.key = "apiserver.other";
        report.results = {node_result(), pass};
        auto old = waiver("1.2.15", "w.yaml:2");
        old.expires_at = 1000;
        auto current = waiver("apiserver.profiling", "w.yaml:7");
        current.node = "cp-1";
        auto on_a_pass = waiver("1.2.16", "w.yaml:12");
        auto other_node = waiver("1.2.15", "w.yaml:17");
        other_node.node = "cp-2";
        model::WaiverFile file{"w.yaml", "", {old, current, on_a_pass, other_node}};
        auto summary = history::apply_waivers(report, file, 2000);
        REQUIRE(report.results[0].waiver);
        CHECK(report.results[0].waiver->waiver.source == "w.yaml:7");
        CHECK(report.results[0].waiver->state == model::WaiverState::Active);
        CHECK_FALSE(report.results[1].waiver);
        CHECK((summary.active == 1 && summary.expired == 0));
        REQUIRE(summary.stale.size() == 2);
        CHECK(summary.stale[0].source == "w.yaml:12");
        CHECK(summary.stale[1].source == "w.yaml:17");
    }
}
