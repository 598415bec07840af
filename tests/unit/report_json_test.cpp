#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "report/json_stream.hpp"
#include "report/json_writer.hpp"
#include "report_fixture.hpp"

using kubeproof::report::to_json;
using OrderedJson = nlohmann::ordered_json;

namespace {

constexpr std::string_view k_tiny_json = R"json({
  "schema": "kubeproof.report/v1",
  "tool": {
    "name": "kubeproof",
    "version": "0.1.0"
  },
  "scan": {
    "id": "scan-1",
    "started_at": "2025-01-02T03:04:05Z",
    "finished_at": "2025-01-02T03:04:06Z",
    "host": "node-1",
    "benchmark": "cis-1.12",
    "kubernetes_version": "1.31",
    "targets": [
      "master"
    ],
    "benchmark_title": "CIS Kubernetes Benchmark v1.12.0",
    "detected": [
      "kube-apiserver"
    ]
  },
  "results": [
    {
      "id": "1.2.15",
      "benchmark": "cis-1.12",
      "target": "master",
      "group": "1.2",
      "title": "Ensure that the --profiling argument is set to false",
      "status": "FAIL",
      "automated": true,
      "expected": "--profiling is false",
      "actual": "--profiling not set (default true)",
      "evidence": [
        {
          "source": "process",
          "ref": "kube-apiserver pid 4624",
          "value": "--profiling absent"
        }
      ],
      "remediation": "Set --profiling=false in the API server manifest.",
      "controls": {
        "pci-dss": [
          "2.2.4"
        ],
        "soc2": [
          "CC6.1",
          "CC6.6"
        ]
      },
      "group_title": "API Server"
    }
  ],
  "totals": {
    "PASS": 0,
    "FAIL": 1,
    "WARN": 0,
    "SKIP": 0,
    "NA": 0,
    "ERROR": 0
  },
  "frameworks": {
    "pci-dss": {
      "2.2.4": {
        "PASS": 0,
        "FAIL": 1,
        "WARN": 0,
        "SKIP": 0,
        "NA": 0,
        "ERROR": 0,
        "checks": [
          "1.2.15"
        ]
      }
    },
    "soc2": {
      "CC6.1": {
        "PASS": 0,
        "FAIL": 1,
        "WARN": 0,
        "SKIP": 0,
        "NA": 0,
        "ERROR": 0,
        "checks": [
          "1.2.15"
        ]
      },
      "CC6.6": {
        "PASS": 0,
        "FAIL": 1,
        "WARN": 0,
        "SKIP": 0,
        "NA": 0,
        "ERROR": 0,
        "checks": [
          "1.2.15"
        ]
      }
    }
  }
}
)json";

std::vector<std::string> keys_of(const OrderedJson& object) {
    std::vector<std::string> keys;
    for (const auto& item : object.items()) keys.push_back(item.key());
    return keys;
}

}  // namespace

TEST_SUITE("report/json_writer") {
    TEST_CASE("a one-result report is written exactly, 2-space indented, with a trailing newline") {
        CHECK(to_json(kubeproof::test::tiny_report()) == k_tiny_json);
    }

    TEST_CASE("fields appear in DESIGN.md's order") {
        const OrderedJson json = OrderedJson::parse(to_json(kubeproof::test::sample_report()));
        CHECK(keys_of(json) == std::vector<std::string>{"schema", "tool", "scan", "results",
                                                        "totals", "frameworks"});
        CHECK(keys_of(json["scan"]) == std::vector<std::string>{"id", "started_at", "finished_at",
                                                                "host", "benchmark",
                                                                "kubernetes_version", "targets",
                                                                "benchmark_title", "detected"});
        CHECK(keys_of(json["results"][1]) ==
              std::vector<std::string>{"id", "benchmark", "target", "group", "title", "status",
                                       "automated", "expected", "actual", "evidence", "remediation",
                                       "controls", "group_title", "reason"});
    }

    TEST_CASE(
        "results carry status, automation, reason only when set, and controls always as an "
        "object") {
        const OrderedJson json = OrderedJson::parse(to_json(kubeproof::test::sample_report()));
        const OrderedJson& results = json["results"];
        REQUIRE(results.size() == 6);
        std::vector<std::string> statuses;
        for (const auto& result : results) statuses.push_back(result["status"]);
        CHECK(statuses == std::vector<std::string>{"PASS", "WARN", "FAIL", "SKIP", "NA", "ERROR"});
        CHECK(results[1]["automated"] == false);
        CHECK(results[1]["reason"] == "manual check: review anonymous access");
        CHECK_FALSE(results[2].contains("reason"));
        CHECK(results[3]["controls"] == OrderedJson::object());
        CHECK(results[3]["evidence"] == OrderedJson::array());
        CHECK(results[0]["controls"]["soc2"] == OrderedJson{"CC6.1"});
    }

    TEST_CASE("totals always list all six statuses") {
        const OrderedJson json = OrderedJson::parse(to_json(kubeproof::test::sample_report()));
        CHECK(json["totals"] ==
              OrderedJson{
                  {"PASS", 1}, {"FAIL", 1}, {"WARN", 1}, {"SKIP", 1}, {"NA", 1}, {"ERROR", 1}});
        kubeproof::model::Report empty;
        CHECK(OrderedJson::parse(to_json(empty))["totals"] ==
              OrderedJson{
                  {"PASS", 0}, {"FAIL", 0}, {"WARN", 0}, {"SKIP", 0}, {"NA", 0}, {"ERROR", 0}});
    }

    TEST_CASE("frameworks summarise each criterion over the results mapped to it") {
        const OrderedJson json = OrderedJson::parse(to_json(kubeproof::test::sample_report()));
        const OrderedJson& cc61 = json["frameworks"]["soc2"]["CC6.1"];
        CHECK(cc61["PASS"] == 1);
        CHECK(cc61["FAIL"] == 1);
        CHECK(cc61["ERROR"] == 0);
        CHECK(cc61["checks"] == OrderedJson{"1.1.1", "1.2.15"});
        CHECK(json["frameworks"]["soc2"]["CC6.6"]["checks"] == OrderedJson{"1.2.15"});
        CHECK(keys_of(json["frameworks"]) == std::vector<std::string>{"pci-dss", "soc2"});
    }

    TEST_CASE("frameworks is an empty object when no result has controls") {
        auto report = kubeproof::test::sample_report();
        for (auto& result : report.results) result.controls.clear();
        CHECK(OrderedJson::parse(to_json(report))["frameworks"] == OrderedJson::object());
    }

    TEST_CASE("criteria are ordered with numbers compared as numbers") {
        auto report = kubeproof::test::tiny_report();
        report.results[0].controls = {{"pci-dss", {"10.2.1", "2.2.4", "2.2.10", "2.2.5"}},
                                      {"soc2", {"CC6.10", "CC6.2", "CC6.1", "CC7.2"}}};
        const OrderedJson json = OrderedJson::parse(to_json(report));
        CHECK(keys_of(json["frameworks"]["pci-dss"]) ==
              std::vector<std::string>{"2.2.4", "2.2.5", "2.2.10", "10.2.1"});
        CHECK(keys_of(json["frameworks"]["soc2"]) ==
              std::vector<std::string>{"CC6.1", "CC6.2", "CC6.10", "CC7.2"});
        CHECK(json["results"][0]["controls"]["soc2"] ==
              OrderedJson{"CC6.10", "CC6.2", "CC6.1", "CC7.2"});
    }

    TEST_CASE("invalid UTF-8 in evidence is replaced, never thrown") {
        auto report = kubeproof::test::tiny_report();
        report.results[0].evidence[0].value = "bad \xff byte";
        std::string json;
        CHECK_NOTHROW(json = to_json(report));
        CHECK(OrderedJson::parse(json)["results"][0]["evidence"][0]["value"] ==
              "bad \xEF\xBF\xBD byte");
    }

    TEST_CASE("output is byte-stable for the same input") {
        const auto report = kubeproof::test::sample_report();
        CHECK(to_json(report) == to_json(report));
    }

    TEST_CASE("a waived result carries its waiver; the report names the file, counts and stale") {
        const OrderedJson json = OrderedJson::parse(to_json(kubeproof::test::waived_report()));
        const OrderedJson& accepted = json["results"][0];
        CHECK(accepted["status"] == "FAIL");
        CHECK(accepted["waiver"] ==
              OrderedJson::parse(R"({"source": "waivers.yaml:2", "check": "1.2.15",
            "node": "node-1", "owner": "alice", "approver": "bob",
            "reason": "profiling is on for the load test", "ticket": "SEC-12",
            "created": "2025-01-01", "expires": "2025-03-31", "state": "active"})"));
        CHECK(keys_of(accepted["waiver"]) ==
              std::vector<std::string>{"source", "check", "node", "owner", "approver", "reason",
                                       "ticket", "created", "expires", "state"});
        CHECK(
            json["results"][1]["waiver"] ==
            OrderedJson::parse(R"({"source": "waivers.yaml:11", "check": "apiserver.audit-log-path",
                  "owner": "carol", "expires": "2024-12-31", "state": "expired"})"));
        CHECK(json["waivers"] == OrderedJson::parse(R"({"file": "waivers.yaml", "sha256": ")" +
                                                    std::string(64, 'a') + R"(", "active": 1,
            "expired": 1, "stale": [{"source": "waivers.yaml:15", "check": "4.2.1"}]})"));
        CHECK(json["totals"]["FAIL"] == 2);  // real statuses are counted
        CHECK(keys_of(json).back() == "waivers");
    }

    TEST_CASE("object scopes, labels and findings of section 5 results") {
        auto report = kubeproof::test::tiny_report();
        auto& result = report.results[0];
        result.findings = 1;
        result.evidence = {
            {"manifest", "Deployment prod/web", "privileged", "k8s/web.yaml", 3, {{"app", "web"}}}};
        kubeproof::model::Waiver waiver;
        waiver.source = "w.yaml:2";
        waiver.check = "5.2.2";
        waiver.namespace_name = "prod";
        waiver.object = "Deployment/web";
        waiver.selector = {{"app", "web"}};
        waiver.owner = "alice";
        waiver.expires = "2026-03-31T12:00:00Z";
        result.waiver = {waiver, kubeproof::model::WaiverState::Active};
        const OrderedJson json = OrderedJson::parse(to_json(report));
        CHECK(json["results"][0]["findings"] == 1);
        CHECK(json["results"][0]["evidence"][0]["labels"] == OrderedJson{{"app", "web"}});
        CHECK(json["results"][0]["waiver"] ==
              OrderedJson::parse(R"({"source": "w.yaml:2", "check": "5.2.2", "namespace": "prod",
                  "object": "Deployment/web", "selector": {"app": "web"}, "owner": "alice",
                  "expires": "2026-03-31T12:00:00Z", "state": "active"})"));
        CHECK_FALSE(json.contains("waivers"));
    }
}

TEST_SUITE("report/json_stream") {
    // What nlohmann/json itself writes for the same document: the bytes JsonStream must match.
    std::string dumped(const std::string& text) {
        return OrderedJson::parse(text).dump(2, ' ', false, OrderedJson::error_handler_t::replace);
    }

    TEST_CASE("the layout and escaping are nlohmann/json's dump(2), byte for byte") {
        std::string out;
        kubeproof::report::JsonStream stream(out);
        stream.begin_object();
        stream.key("empty object").begin_object();
        stream.end_object();
        stream.key("empty array").begin_array();
        stream.end_array();
        stream.key("strings").begin_array();
        for (const std::string& text : std::vector<std::string>{
                 "", "plain", "quote \" backslash \\ slash /", "tab\tnew\nline\rcr", "\x01\x1f\x7f",
                 "esc \x1b[31m bel \x07", "caf\xc3\xa9 \xe2\x80\xae bidi", "bad \xff byte",
                 "cut \xe2\x80", "\xf0\x9f\x98\x80 emoji", std::string("nul \0 inside", 13)})
            stream.value(text);
        stream.end_array();
        stream.key("numbers").begin_array();
        stream.value(0);
        stream.value(-7);
        stream.value(int64_t{-9223372036854775807} - 1);
        stream.value(uint64_t{18446744073709551615U});
        stream.end_array();
        stream.key("flags").begin_array();
        stream.value(true);
        stream.value(false);
        stream.null();
        stream.end_array();
        stream.key("nested").begin_object();
        stream.key("a").begin_array();
        stream.begin_object();
        stream.member("k\x01y", "v");
        stream.end_object();
        stream.begin_array();
        stream.end_array();
        stream.end_array();
        stream.end_object();
        stream.end_object();
        CHECK(out == dumped(out));
        CHECK(out.find("\"empty object\": {},\n") != std::string::npos);
        CHECK(out.find("bad \xEF\xBF\xBD byte") != std::string::npos);
    }

    TEST_CASE("a whole report streams as nlohmann/json would dump it") {
        for (const auto& report : {kubeproof::test::tiny_report(), kubeproof::test::sample_report(),
                                   kubeproof::test::waived_report()}) {
            const std::string text = to_json(report);
            CHECK(text == dumped(text) + "\n");
        }
        auto odd = kubeproof::test::sample_report();
        odd.results[0].evidence.push_back(
            {"file", "/etc/x", "\x1b]0;title\x07 \xc0\xaf \"q\"", "", 0, {{"a\"b", "\xff"}}});
        odd.scan.link = kubeproof::model::SeriesLink{"series", 3, ""};
        odd.scan.insecure_tls = true;
        const std::string text = to_json(odd);
        CHECK(text == dumped(text) + "\n");
        CHECK(text.find("\"previous\": null") != std::string::npos);
    }
}
