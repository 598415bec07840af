#include <doctest/doctest.h>

#include <fmt/format.h>

#include "history/merge.hpp"
#include "history_fixture.hpp"
#include "report/json_writer.hpp"

using namespace kubeproof;
using model::Status;
using test::read_stored;
using test::stored_report;
using test::stored_result;
using OrderedJson = nlohmann::ordered_json;

namespace {

history::MergeInput input(const std::string& file, const OrderedJson& doc) {
    return {file, std::string(64, 'a'), read_stored(doc, file)};
}

history::MergeOptions options(const std::string& cluster = "", bool latest = false) {
    return {cluster, latest, "0d6f0c3e-6a2b-4c7e-9f1a-2b3c4d5e6f70", "0.1.0"};
}

/// The message merge refuses with.
std::string refusal(std::vector<history::MergeInput> inputs, const history::MergeOptions& o) {
    auto merged = history::merge(std::move(inputs), o);
    REQUIRE_FALSE(merged);
    return merged.error().message;
}

/// Three nodes of one cluster: two control planes and a worker.
std::vector<history::MergeInput> three_nodes() {
    return {
        input("worker-1.json",
              stored_report("worker-1",
                            {stored_result("1.2.15", "apiserver.profiling", "NA", "",
                                           "kube-apiserver is not running on this node"),
                             stored_result("4.2.1", "kubelet.anonymous-auth", "PASS", "false")})),
        input("cp-2.json",
              stored_report("cp-2", {stored_result("1.2.15", "apiserver.profiling", "FAIL",
                                                   "--profiling not set"),
                                     stored_result("4.2.1", "kubelet.anonymous-auth", "ERROR", "",
                                                   "config.yaml: Permission denied")})),
        input(
            "cp-1.json",
            stored_report(
                "cp-1", {stored_result("1.2.15", "apiserver.profiling", "FAIL", "--profiling=true"),
                         stored_result("4.2.1", "kubelet.anonymous-auth", "PASS", "false")})),
    };
}

}  // namespace

TEST_SUITE("history/merge") {
    TEST_CASE("the benchmark choice is kept when the nodes agree, and named per node when not") {
        auto chosen = [](const std::string& node, const std::string& rule, const char* warning) {
            OrderedJson doc = stored_report(
                node, {stored_result("4.2.1", "kubelet.anonymous-auth", "PASS", "false")});
            doc["scan"]["benchmark_selected_by"] = {{"rule", rule}, {"detail", "found " + rule}};
            doc["scan"]["benchmark_warnings"] = OrderedJson::array();
            if (warning != nullptr) doc["scan"]["benchmark_warnings"].push_back(warning);
            return input(node + ".json", doc);
        };
        auto same = history::merge({chosen("cp-1", "static-pod-image", nullptr),
                                    chosen("cp-2", "static-pod-image", nullptr)},
                                   options("demo"));
        REQUIRE(same);
        REQUIRE(same->report.scan.benchmark_selected_by);
        CHECK(same->report.scan.benchmark_selected_by->rule == "static-pod-image");
        CHECK(same->report.scan.benchmark_selected_by->detail == "found static-pod-image");
        CHECK(same->report.scan.benchmark_warnings.empty());
        auto mixed = history::merge({chosen("cp-1", "static-pod-image", nullptr),
                                     chosen("worker-1", "fallback", "nothing detected"),
                                     chosen("worker-2", "fallback", "nothing detected")},
                                    options("demo"));
        REQUIRE(mixed);
        const auto& by = mixed->report.scan.benchmark_selected_by;
        REQUIRE(by);
        CHECK(by->rule == "merged");
        CHECK(by->detail ==
              "the nodes' reports chose it by: fallback (worker-1, worker-2); "
              "static-pod-image (cp-1)");
        CHECK(mixed->report.scan.benchmark_warnings ==
              std::vector<std::string>{"nothing detected"});
        // Written and read back: the merged report keeps both fields.
        const auto text = report::to_json(mixed->report);
        const auto back = test::read_stored(OrderedJson::parse(text), "merged.json");
        REQUIRE(back.header.benchmark_selected_by);
        CHECK(back.header.benchmark_selected_by->rule == "merged");
        CHECK(back.header.benchmark_warnings == std::vector<std::string>{"nothing detected"});
        // Reports from before the choice: nothing is made up.
        auto old = history::merge(three_nodes(), options("demo"));
        REQUIRE(old);
        CHECK_FALSE(old->report.scan.benchmark_selected_by);
    }

    TEST_CASE("the worst status is on top, and every node keeps its own status and evidence") {
        auto merged = history::merge(three_nodes(), options("demo"));
        REQUIRE(merged);
        const auto& results = merged->report.results;
        REQUIRE(results.size() == 2);

        const auto& profiling = results[0];
        CHECK(profiling.id == "1.2.15");
        CHECK(profiling.key == "apiserver.profiling");
        CHECK(profiling.status == Status::Fail);
        CHECK(profiling.actual == "FAIL on 2 of 3 nodes: cp-1, cp-2; NA on 1: worker-1");
        CHECK(profiling.reason.empty());
        REQUIRE(profiling.evidence.size() == 2);
        CHECK(profiling.evidence[0].ref == "cp-1: kube-apiserver pid 4624");
        CHECK(profiling.evidence[0].value == "--profiling=true");
        CHECK(profiling.evidence[1].ref == "cp-2: kube-apiserver pid 4624");
        CHECK(profiling.remediation == "Fix it.");
        CHECK(profiling.controls.at("soc2") == std::vector<std::string>{"CC6.1"});
        REQUIRE(profiling.nodes.size() == 3);
        CHECK(profiling.nodes[2].node == "worker-1");
        CHECK(profiling.nodes[2].status == Status::NA);
        CHECK(profiling.nodes[2].reason == "kube-apiserver is not running on this node");
        CHECK(profiling.nodes[1].evidence.at(0).ref == "kube-apiserver pid 4624");
        CHECK(profiling.nodes[1].evidence.at(0).value == "--profiling not set");

        const auto& anonymous = results[1];
        CHECK(anonymous.status == Status::Error);
        CHECK(anonymous.actual == "ERROR on 1 of 3 nodes: cp-2; PASS on 2: cp-1, worker-1");
        CHECK(anonymous.reason == "cp-2: config.yaml: Permission denied");
    }

    TEST_CASE("the merged scan is the cluster's, and names every report it was made of") {
        auto merged = history::merge(three_nodes(), options("demo"));
        REQUIRE(merged);
        const auto& scan = merged->report.scan;
        CHECK(scan.scope == "cluster");
        CHECK(scan.node.empty());
        CHECK(scan.host.empty());
        CHECK(scan.cluster_name == "demo");
        CHECK(scan.id == "0d6f0c3e-6a2b-4c7e-9f1a-2b3c4d5e6f70");
        CHECK(scan.targets == std::vector<std::string>{"master", "node"});
        CHECK(scan.kubernetes_version == "1.32");
        REQUIRE(scan.merged.size() == 3);
        CHECK(scan.merged[0].file == "cp-1.json");
        CHECK(scan.merged[0].node == "cp-1");
        CHECK(scan.merged[0].scan_id == "scan-cp-1");
        CHECK(scan.merged[1].totals[Status::Error] == 1);
        CHECK(scan.merged[1].totals[Status::Fail] == 1);
        CHECK(merged->merged == std::vector<std::string>{"cp-1 (cp-1.json)", "cp-2 (cp-2.json)",
                                                         "worker-1 (worker-1.json)"});
        CHECK(merged->warnings.empty());
        CHECK(model::count(merged->report)[Status::Fail] == 1);
    }

    TEST_CASE("the ranking: ERROR > FAIL > WARN > PASS > NA > SKIP, ERROR never under a PASS") {
        const std::vector<std::string> order = {"ERROR", "FAIL", "WARN", "PASS", "NA", "SKIP"};
        for (size_t worse = 0; worse < order.size(); ++worse) {
            for (size_t better = worse + 1; better < order.size(); ++better) {
                auto merged = history::merge(
                    {input("a.json", stored_report("a", {stored_result("1.1.1", "k", order[better],
                                                                       "", "why")})),
                     input("b.json", stored_report("b", {stored_result("1.1.1", "k", order[worse],
                                                                       "", "why")}))},
                    options("demo"));
                REQUIRE(merged);
                CHECK(model::to_string(merged->report.results.at(0).status) == order[worse]);
            }
        }
    }

    TEST_CASE("the merged report is written with its nodes, and reads back") {
        auto merged = history::merge(three_nodes(), options("demo"));
        REQUIRE(merged);
        const auto doc = OrderedJson::parse(report::to_json(merged->report));
        CHECK(doc["scan"]["scope"] == "cluster");
        CHECK_FALSE(doc["scan"].contains("node"));
        CHECK(doc["scan"]["cluster"] == OrderedJson{{"name", "demo"}});
        CHECK(doc["scan"]["merged"][0] ==
              OrderedJson{
                  {"file", "cp-1.json"},
                  {"sha256", std::string(64, 'a')},
                  {"node", "cp-1"},
                  {"scan_id", "scan-cp-1"},
                  {"started_at", "2026-01-01T00:00:00Z"},
                  {"totals",
                   {{"PASS", 1}, {"FAIL", 1}, {"WARN", 0}, {"SKIP", 0}, {"NA", 0}, {"ERROR", 0}}}});
        CHECK(doc["results"][0]["nodes"][2] ==
              OrderedJson{
                  {"node", "worker-1"},
                  {"status", "NA"},
                  {"actual", "not as expected"},
                  {"reason", "kube-apiserver is not running on this node"},
                  {"evidence",
                   {{{"source", "process"}, {"ref", "kube-apiserver pid 4624"}, {"value", ""}}}}});
        CHECK(doc["frameworks"]["soc2"]["CC6.1"]["title"] == "Logical access");
        const auto back = read_stored(doc, "merged.json");
        CHECK(back.header.merged.size() == 3);
        CHECK(back.results[0].node_results.size() == 3);
    }

    TEST_CASE("reports of different clusters are refused, naming the files") {
        CHECK(refusal({input("a.json", stored_report("cp-1", {}, "prod", "u1")),
                       input("b.json", stored_report("cp-2", {}, "prod", "u2"))},
                      options()) ==
              "cannot merge reports of different clusters: cluster prod (uid u1): a.json; "
              "cluster prod (uid u2): b.json");
        CHECK(refusal({input("a.json", stored_report("cp-1", {}, "prod")),
                       input("b.json", stored_report("cp-2", {}, "staging"))},
                      options()) ==
              "cannot merge reports of different clusters: cluster prod: a.json; cluster staging: "
              "b.json");
        CHECK(refusal({input("a.json", stored_report("cp-1", {}, "prod")),
                       input("b.json", stored_report("cp-2", {}, "prod"))},
                      options("demo")) ==
              "a.json is a report of cluster prod, not of demo (--cluster)");
    }

    TEST_CASE("reports that do not say their cluster need --cluster") {
        auto unnamed = [] {
            return std::vector{input("a.json", stored_report("cp-1", {})),
                               input("b.json", stored_report("cp-2", {}))};
        };
        CHECK(refusal(unnamed(), options()) ==
              "cannot tell that these reports are of one cluster: no cluster: a.json, b.json; give "
              "--cluster NAME if they belong together");
        CHECK(refusal({input("a.json", stored_report("cp-1", {}, "", "u1")),
                       input("b.json", stored_report("cp-2", {}, "prod"))},
                      options()) ==
              "cannot tell that these reports are of one cluster: cluster uid u1: a.json; cluster "
              "prod: b.json; give --cluster NAME if they belong together");
        auto merged = history::merge(unnamed(), options("demo"));
        REQUIRE(merged);
        CHECK(merged->report.scan.cluster_name == "demo");
    }

    TEST_CASE("one cluster uid under two names is one cluster, with a warning") {
        auto merged =
            history::merge({input("a.json", stored_report("cp-1", {}, "prod", "u1")),
                            input("b.json", stored_report("cp-2", {}, "production", "u1"))},
                           options());
        REQUIRE(merged);
        CHECK(merged->report.scan.cluster_uid == "u1");
        CHECK(merged->report.scan.cluster_name == "prod");
        CHECK(merged->warnings ==
              std::vector<std::string>{
                  "the reports name their cluster differently (cluster prod (uid u1): a.json; "
                  "cluster production (uid u1): b.json); the merged report names it prod"});
    }

    TEST_CASE("different benchmarks or versions are refused; different definitions are a warning") {
        auto older = stored_report("cp-2", {});
        older["scan"]["benchmark"] = "cis-1.11";
        older["scan"]["benchmark_title"] = "CIS Kubernetes Benchmark v1.11.0";
        CHECK(refusal({input("a.json", stored_report("cp-1", {})), input("b.json", older)},
                      options("demo")) ==
              "cannot merge reports of different benchmarks or benchmark versions: cis-1.12 (CIS "
              "Kubernetes Benchmark v1.12.0): a.json; cis-1.11 (CIS Kubernetes Benchmark "
              "v1.11.0): b.json");
        auto judged = stored_report("cp-2", {});
        judged["tool"]["definitions_sha256"] = std::string(64, 'b');
        auto merged = history::merge(
            {input("a.json", stored_report("cp-1", {})), input("b.json", judged)}, options("demo"));
        REQUIRE(merged);
        CHECK(merged->warnings ==
              std::vector<std::string>{
                  "the reports were judged by different check definitions: no "
                  "definitions digest: a.json; definitions bbbbbbbbbbbb: b.json"});
        CHECK(merged->report.definitions_sha256.empty());
    }

    TEST_CASE("two reports of one node are refused, or with --latest the newest is kept") {
        auto later =
            stored_report("cp-1", {stored_result("1.2.15", "apiserver.profiling", "PASS")});
        later["scan"]["started_at"] = "2026-01-02T00:00:00Z";
        auto reports = [&] {
            return std::vector{
                input("later.json", later),
                input("earlier.json",
                      stored_report("cp-1",
                                    {stored_result("1.2.15", "apiserver.profiling", "FAIL")}))};
        };
        CHECK(refusal(reports(), options("demo")) ==
              "two reports of node cp-1: earlier.json and later.json (give --latest to keep the "
              "newest of each node)");
        auto merged = history::merge(reports(), options("demo", true));
        REQUIRE(merged);
        CHECK(merged->merged == std::vector<std::string>{"cp-1 (later.json)"});
        CHECK(merged->report.results.at(0).status == Status::Pass);
        CHECK(merged->warnings ==
              std::vector<std::string>{"--latest: node cp-1: later.json (started "
                                       "2026-01-02T00:00:00Z) replaces earlier.json (started "
                                       "2026-01-01T00:00:00Z)"});
    }

    TEST_CASE("--latest never lets a narrower report stand for a node's FAILs") {
        // The newer report ran --targets node: it holds no result for the master check the
        // older one failed, so it cannot replace it.
        auto narrow =
            stored_report("cp-1", {stored_result("4.2.1", "kubelet.anonymous-auth", "PASS")});
        narrow["scan"]["started_at"] = "2026-01-02T00:00:00Z";
        auto full =
            stored_report("cp-1", {stored_result("1.2.15", "apiserver.profiling", "FAIL"),
                                   stored_result("4.2.1", "kubelet.anonymous-auth", "PASS")});
        std::vector inputs{input("narrow.json", narrow), input("full.json", full)};
        CHECK(refusal(inputs, options("demo", true)) ==
              "--latest: node cp-1: narrow.json (started 2026-01-02T00:00:00Z) has no result for "
              "1 check that full.json judged (1.2.15): it was narrowed with --targets, --check or "
              "--framework, so it cannot replace it; merge reports that judged the same checks");
    }

    TEST_CASE("a merged report is not merged again, and an unknown status is refused") {
        auto merged = history::merge(three_nodes(), options("demo"));
        REQUIRE(merged);
        const auto doc = OrderedJson::parse(report::to_json(merged->report));
        CHECK(refusal({input("m.json", doc), input("cp-3.json", stored_report("cp-3", {}))},
                      options("demo")) ==
              "m.json is a merged report already: merge the per-node reports it was made of");
        CHECK(refusal(
                  {input("a.json", stored_report("cp-1", {stored_result("1.1.1", "k", "MAYBE")}))},
                  options("demo")) == "a.json: check 1.1.1 has an unknown status 'MAYBE'");
    }

    TEST_CASE("a node that scanned a check's target without judging it is never covered") {
        // cp-2 was scanned with --check 1.2.15: its report has no 1.1.1, though it scanned the
        // master target. Before, cp-1's PASS stood for the cluster.
        auto merged = history::merge(
            {input("cp-1.json", stored_report("cp-1", {stored_result("1.1.1", "a.mode", "PASS"),
                                                       stored_result("1.2.15", "b.flag", "PASS")})),
             input("cp-2.json",
                   stored_report("cp-2", {stored_result("1.2.15", "b.flag", "PASS")}))},
            options("demo"));
        REQUIRE(merged);
        REQUIRE(merged->report.results.size() == 2);
        const auto& first = merged->report.results[0];
        CHECK(first.id == "1.1.1");
        CHECK(first.status == model::Status::Error);
        CHECK(first.actual == "ERROR on 1 of 2 nodes: cp-2; PASS on 1: cp-1");
        REQUIRE(first.nodes.size() == 2);
        CHECK(first.nodes[1].node == "cp-2");
        CHECK(first.nodes[1].status == model::Status::Error);
        CHECK(first.nodes[1].actual == "not evaluated");
        CHECK(first.nodes[1].reason ==
              "the report of cp-2 has no result for this check, though it scanned its target "
              "master (a --check selection, or other check definitions)");
        CHECK(merged->report.results[1].status == model::Status::Pass);
    }

    TEST_CASE("checks and criteria some nodes lack keep benchmark and catalogue order") {
        auto worker =
            stored_report("worker-1", {stored_result("4.2.1", "kubelet.anonymous-auth", "PASS"),
                                       stored_result("4.2.10", "kubelet.tls", "PASS")});
        worker["frameworks"]["soc2"] =
            OrderedJson{{"CC6.1", {{"checks", {"4.2.1"}}}},
                        {"CC6.6", {{"title", "Boundaries"}, {"checks", {"4.2.1"}}}},
                        {"CC7.1", {{"checks", {"4.2.10"}}}}};
        auto cp =
            stored_report("cp-1", {stored_result("1.2.15", "apiserver.profiling", "PASS"),
                                   stored_result("4.2.2", "kubelet.authorization-mode", "PASS")});
        cp["frameworks"]["soc2"] =
            OrderedJson{{"CC6.1", {{"title", "Logical access"}, {"checks", {"1.2.15"}}}},
                        {"CC7.1", {{"title", "Monitoring"}, {"checks", {"4.2.2"}}}}};
        worker["scan"]["targets"] = {"node"};  // a worker does not scan the master checks
        auto merged =
            history::merge({input("w.json", worker), input("c.json", cp)}, options("demo"));
        REQUIRE(merged);
        std::vector<std::string> ids;
        for (const auto& r : merged->report.results) ids.push_back(r.id);
        CHECK(ids == std::vector<std::string>{"1.2.15", "4.2.1", "4.2.2", "4.2.10"});
        CHECK(merged->report.results[0].actual == "PASS on 1 of 1 node: cp-1");
        // The fixture's checks are all of the master target, which cp-1 scanned: the ones its
        // report lacks were not judged there.
        CHECK(merged->report.results[1].status == model::Status::Error);
        CHECK(merged->report.results[1].actual ==
              "ERROR on 1 of 2 nodes: cp-1; PASS on 1: worker-1");
        CHECK(merged->report.results[2].actual == "PASS on 1 of 1 node: cp-1");
        REQUIRE(merged->report.frameworks.size() == 1);
        CHECK(merged->report.frameworks[0].criteria ==
              std::vector<std::pair<std::string, std::string>>{
                  {"CC6.1", "Logical access"}, {"CC6.6", "Boundaries"}, {"CC7.1", "Monitoring"}});
    }
}

TEST_SUITE("history/merge") {
    TEST_CASE("insecure TLS is read back from a report and kept by a merge when any input has it") {
        const auto text = report::to_json([] {
            model::Report report;
            report.scan.id = "scan-1";
            report.scan.insecure_tls = true;
            return report;
        }());
        CHECK(OrderedJson::parse(text)["scan"]["insecure_tls"] == true);
        CHECK(read_stored(OrderedJson::parse(text), "insecure.json").header.insecure_tls);
        CHECK_FALSE(read_stored(stored_report("cp-1", {}), "cp-1.json").header.insecure_tls);
        OrderedJson insecure = stored_report(
            "cp-3", {stored_result("4.2.1", "kubelet.anonymous-auth", "PASS", "false")});
        insecure["scan"]["insecure_tls"] = true;
        auto nodes = three_nodes();
        auto plain = history::merge(three_nodes(), options("demo"));
        REQUIRE(plain);
        CHECK_FALSE(plain->report.scan.insecure_tls);
        CHECK_FALSE(
            OrderedJson::parse(report::to_json(plain->report))["scan"].contains("insecure_tls"));
        nodes.push_back(input("cp-3.json", insecure));
        auto merged = history::merge(std::move(nodes), options("demo"));
        REQUIRE(merged);
        CHECK(merged->report.scan.insecure_tls);
    }
}
