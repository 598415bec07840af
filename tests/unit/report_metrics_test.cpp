#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <string_view>

#include "model/result.hpp"
#include "report/metrics_writer.hpp"
#include "report_fixture.hpp"

using namespace kubeproof;
using report::to_metrics;

namespace {

/// The exposition of tiny_report (one FAIL, started 03:04:05, finished a second later).
constexpr std::string_view k_tiny_metrics =
    R"(# HELP kubeproof_check_status 1 for each check of the last completed scan, labelled with its status and whether an active waiver accepts it
# TYPE kubeproof_check_status gauge
kubeproof_check_status{benchmark="cis-1.12",check="1.2.15",section="1.2",status="FAIL",waived="false"} 1
# HELP kubeproof_checks Checks of the last completed scan with each status
# TYPE kubeproof_checks gauge
kubeproof_checks{benchmark="cis-1.12",scope="node",status="ERROR"} 0
kubeproof_checks{benchmark="cis-1.12",scope="node",status="FAIL"} 1
kubeproof_checks{benchmark="cis-1.12",scope="node",status="NA"} 0
kubeproof_checks{benchmark="cis-1.12",scope="node",status="PASS"} 0
kubeproof_checks{benchmark="cis-1.12",scope="node",status="SKIP"} 0
kubeproof_checks{benchmark="cis-1.12",scope="node",status="WARN"} 0
# HELP kubeproof_definitions_info 1, labelled with the digest of the check and framework definitions that judged the last completed scan and the kubeproof version
# TYPE kubeproof_definitions_info gauge
kubeproof_definitions_info{benchmark="cis-1.12",definitions_sha256="ab12",scope="node",version="0.1.0"} 1
# HELP kubeproof_last_success_timestamp_seconds When the last scan that ran to completion and wrote its report finished, in seconds since the epoch
# TYPE kubeproof_last_success_timestamp_seconds gauge
kubeproof_last_success_timestamp_seconds{benchmark="cis-1.12",scope="node"} 1735787046
# HELP kubeproof_scan_duration_seconds How long the last completed scan took, in whole seconds
# TYPE kubeproof_scan_duration_seconds gauge
kubeproof_scan_duration_seconds{benchmark="cis-1.12",scope="node"} 1
# HELP kubeproof_scan_timestamp_seconds When the last completed scan started, in seconds since the epoch
# TYPE kubeproof_scan_timestamp_seconds gauge
kubeproof_scan_timestamp_seconds{benchmark="cis-1.12",scope="node"} 1735787045
# HELP kubeproof_waived_findings Findings of the last completed scan that an active waiver accepts
# TYPE kubeproof_waived_findings gauge
kubeproof_waived_findings{benchmark="cis-1.12",scope="node"} 0
)";

model::Report node_report(model::Report report) {
    report.scan.scope = "node";
    report.definitions_sha256 = "ab12";
    return report;
}

/// The lines of `text` that start with `prefix`, joined.
std::string lines_starting(const std::string& text, std::string_view prefix) {
    std::string out;
    size_t at = 0;
    while (at < text.size()) {
        size_t end = text.find('\n', at);
        if (end == std::string::npos) end = text.size();
        std::string_view line(text.data() + at, end - at);
        if (line.starts_with(prefix)) {
            out += line;
            out += '\n';
        }
        at = end + 1;
    }
    return out;
}

}  // namespace

TEST_SUITE("report/metrics_writer") {
    TEST_CASE("the exposition of a one-check report, exactly") {
        CHECK(to_metrics(node_report(test::tiny_report())) == k_tiny_metrics);
    }

    TEST_CASE("every check once, sorted by its labels, whatever the report order") {
        const std::string text = to_metrics(node_report(test::sample_report()));
        CHECK(lines_starting(text, "kubeproof_check_status{") ==
              "kubeproof_check_status{benchmark=\"cis-1.12\",check=\"1.1.1\",section=\"1.1\","
              "status=\"PASS\",waived=\"false\"} 1\n"
              "kubeproof_check_status{benchmark=\"cis-1.12\",check=\"1.2.1\",section=\"1.2\","
              "status=\"WARN\",waived=\"false\"} 1\n"
              "kubeproof_check_status{benchmark=\"cis-1.12\",check=\"1.2.15\",section=\"1.2\","
              "status=\"FAIL\",waived=\"false\"} 1\n"
              "kubeproof_check_status{benchmark=\"cis-1.12\",check=\"4.1.1\",section=\"4.1\","
              "status=\"SKIP\",waived=\"false\"} 1\n"
              "kubeproof_check_status{benchmark=\"cis-1.12\",check=\"4.1.2\",section=\"4.1\","
              "status=\"NA\",waived=\"false\"} 1\n"
              "kubeproof_check_status{benchmark=\"cis-1.12\",check=\"4.2.1\",section=\"4.2\","
              "status=\"ERROR\",waived=\"false\"} 1\n");
        model::Report reversed = node_report(test::sample_report());
        std::reverse(reversed.results.begin(), reversed.results.end());
        CHECK(to_metrics(reversed) == text);
    }

    TEST_CASE("the totals count every status, 0 included") {
        model::Report report = node_report(test::sample_report());
        report.results.push_back(report.results[2]);  // a second FAIL
        report.results.back().id = "1.2.16";
        CHECK(lines_starting(to_metrics(report), "kubeproof_checks{") ==
              "kubeproof_checks{benchmark=\"cis-1.12\",scope=\"node\",status=\"ERROR\"} 1\n"
              "kubeproof_checks{benchmark=\"cis-1.12\",scope=\"node\",status=\"FAIL\"} 2\n"
              "kubeproof_checks{benchmark=\"cis-1.12\",scope=\"node\",status=\"NA\"} 1\n"
              "kubeproof_checks{benchmark=\"cis-1.12\",scope=\"node\",status=\"PASS\"} 1\n"
              "kubeproof_checks{benchmark=\"cis-1.12\",scope=\"node\",status=\"SKIP\"} 1\n"
              "kubeproof_checks{benchmark=\"cis-1.12\",scope=\"node\",status=\"WARN\"} 1\n");
    }

    TEST_CASE("label values escape backslash, double quote and line feed") {
        CHECK(report::escape_label_value("a\\b\"c\nd") == "a\\\\b\\\"c\\nd");
        CHECK(report::escape_label_value("plain 1.2.3") == "plain 1.2.3");
        model::Report report = node_report(test::tiny_report());
        report.results[0].id = "x\"y\\z\nw";
        report.results[0].benchmark = "b\\";
        CHECK(lines_starting(to_metrics(report), "kubeproof_check_status{") ==
              "kubeproof_check_status{benchmark=\"b\\\\\",check=\"x\\\"y\\\\z\\nw\",section="
              "\"1.2\",status=\"FAIL\",waived=\"false\"} 1\n");
    }

    TEST_CASE("no free text: titles, reasons, evidence and the node stay out") {
        model::Report report = node_report(test::waived_report());
        report.scan.node = "node-1";
        const std::string text = to_metrics(report);
        CHECK(text.find("profiling") == std::string::npos);
        CHECK(text.find("node-1") == std::string::npos);
        CHECK(text.find("alice") == std::string::npos);
        CHECK(text.find("kube-apiserver") == std::string::npos);
    }

    TEST_CASE("a finding an active waiver accepts is waived; one whose waiver expired is not") {
        const std::string text = to_metrics(node_report(test::waived_report()));
        CHECK(lines_starting(text, "kubeproof_check_status{") ==
              "kubeproof_check_status{benchmark=\"cis-1.12\",check=\"1.2.15\",section=\"1.2\","
              "status=\"FAIL\",waived=\"true\"} 1\n"
              "kubeproof_check_status{benchmark=\"cis-1.12\",check=\"1.2.16\",section=\"1.2\","
              "status=\"FAIL\",waived=\"false\"} 1\n");
        CHECK(lines_starting(text, "kubeproof_waived_findings{") ==
              "kubeproof_waived_findings{benchmark=\"cis-1.12\",scope=\"node\"} 1\n");
    }

    TEST_CASE("times the report does not hold as RFC 3339 leave their metrics out") {
        model::Report report = node_report(test::tiny_report());
        report.scan.finished_at = "";
        const std::string text = to_metrics(report);
        CHECK(text.find("kubeproof_last_success_timestamp_seconds") == std::string::npos);
        CHECK(text.find("kubeproof_scan_duration_seconds") == std::string::npos);
        CHECK(lines_starting(text, "kubeproof_scan_timestamp_seconds{") ==
              "kubeproof_scan_timestamp_seconds{benchmark=\"cis-1.12\",scope=\"node\"} "
              "1735787045\n");
    }

    TEST_CASE("a result twice is one series, not a duplicate the scrape refuses") {
        model::Report report = node_report(test::tiny_report());
        report.results.push_back(report.results[0]);
        CHECK(lines_starting(to_metrics(report), "kubeproof_check_status{").size() ==
              lines_starting(std::string(k_tiny_metrics), "kubeproof_check_status{").size());
    }
}
