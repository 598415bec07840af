#include <doctest/doctest.h>

#include "report/text_writer.hpp"
#include "report_fixture.hpp"

using kubeproof::report::TextOptions;
using kubeproof::report::to_text;

namespace {

constexpr std::string_view k_sample_text = R"text([INFO] 1 Control Plane Security Configuration
[INFO] 1.1 Control Plane Node Configuration Files
[PASS] 1.1.1 Ensure that the API server pod specification file permissions are set to 600 (Automated)
[INFO] 1.2 API Server
[WARN] 1.2.1 Ensure that the --anonymous-auth argument is set to false (Manual)
      reason: manual check: review anonymous access
[FAIL] 1.2.15 Ensure that the --profiling argument is set to false (Automated)
      expected: --profiling is false
      actual: --profiling not set (default true)

== Remediations master ==
1.2.1 Review the need for anonymous requests.

1.2.15 Set --profiling=false in the API server manifest.

== Summary master ==
1 checks PASS
1 checks FAIL
1 checks WARN
0 checks SKIP
0 checks NA
0 checks ERROR

[INFO] 4 Worker Node Security Configuration
[INFO] 4.1 Worker Node Configuration Files
[SKIP] 4.1.1 Ensure that the kubelet service file permissions are set to 600 (Automated)
      reason: excluded by --skip
[NA] 4.1.2 Ensure that the kubelet service file ownership is set to root:root (Automated)
      reason: kubelet service file not found
[INFO] 4.2 Kubelet
[ERROR] 4.2.1 Ensure that the --anonymous-auth argument is set to false (Automated)
      expected: authentication.anonymous.enabled is false
      reason: /var/lib/kubelet/config.yaml: Permission denied

== Remediations node ==
4.2.1 could not be evaluated: /var/lib/kubelet/config.yaml: Permission denied

== Summary node ==
0 checks PASS
0 checks FAIL
0 checks WARN
1 checks SKIP
1 checks NA
1 checks ERROR

== Summary total ==
1 checks PASS
1 checks FAIL
1 checks WARN
1 checks SKIP
1 checks NA
1 checks ERROR
)text";

bool contains(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
}

TextOptions coloured() {
    TextOptions options;
    options.colour = true;
    return options;
}

TextOptions with_framework(std::string framework) {
    TextOptions options;
    options.framework = std::move(framework);
    return options;
}

TextOptions without_remediations() {
    TextOptions options;
    options.remediations = false;
    return options;
}

}  // namespace

TEST_SUITE("report/text_writer") {
    TEST_CASE(
        "the sample report is laid out like kube-bench, section by section, with colour off") {
        CHECK(to_text(kubeproof::test::sample_report(), TextOptions{}) == k_sample_text);
    }

    TEST_CASE("colour off writes no escape codes") {
        CHECK_FALSE(contains(to_text(kubeproof::test::sample_report(), TextOptions{}), "\x1b"));
    }

    TEST_CASE("colour on wraps only the tag in ANSI codes") {
        const std::string text = to_text(kubeproof::test::sample_report(), coloured());
        CHECK(contains(text, "\x1b[32m[PASS]\x1b[0m 1.1.1 Ensure"));
        CHECK(contains(text, "\x1b[31m[FAIL]\x1b[0m 1.2.15 Ensure"));
        CHECK(contains(text, "\x1b[33m[WARN]\x1b[0m 1.2.1 Ensure"));
        CHECK(contains(text, "\x1b[34m[INFO]\x1b[0m 1 Control Plane"));
        CHECK(contains(text, "\x1b[90m[SKIP]\x1b[0m 4.1.1"));
        CHECK(contains(text, "\x1b[90m[NA]\x1b[0m 4.1.2"));
        CHECK(contains(text, "\x1b[1m\x1b[91m[ERROR]\x1b[0m 4.2.1"));
        CHECK(contains(text, "\n== Summary total ==\n1 checks PASS\n"));
    }

    TEST_CASE("with a framework, each result line ends with its criteria") {
        const std::string text = to_text(kubeproof::test::sample_report(), with_framework("soc2"));
        CHECK(contains(
            text,
            "[PASS] 1.1.1 Ensure that the API server pod specification file permissions are set "
            "to 600 (Automated)  [CC6.1]\n"));
        CHECK(contains(
            text,
            "[FAIL] 1.2.15 Ensure that the --profiling argument is set to false (Automated)  "
            "[CC6.1 CC6.6]\n"));
        CHECK(contains(text, "(Manual)\n"));
        const std::string pci =
            to_text(kubeproof::test::sample_report(), with_framework("pci-dss"));
        CHECK(contains(pci, "(Automated)  [2.2.4]\n"));
    }

    TEST_CASE("remediations can be left out") {
        const std::string text = to_text(kubeproof::test::sample_report(), without_remediations());
        CHECK_FALSE(contains(text, "== Remediations"));
        CHECK(contains(
            text, "      actual: --profiling not set (default true)\n\n== Summary master ==\n"));
    }

    TEST_CASE("multi-line values are indented and control characters are escaped") {
        auto report = kubeproof::test::tiny_report();
        // What the node said is one line: a line feed in a file name cannot start a line.
        report.results[0].actual = "first\n[PASS] 9.9.9 forged";
        report.results[0].reason =
            "/etc/a\xC2\x9B"
            "2J\xE2\x80\xAE"
            "b\xFF";
        report.results[0].title = "evil \x1b[2J title\t\xE2\x81\xA6";
        report.results[0].remediation = "step one\nstep two\n";
        const std::string text = to_text(report, TextOptions{});
        CHECK(contains(text, "      actual: first\\n[PASS] 9.9.9 forged\n"));
        CHECK(contains(text, "      reason: /etc/a\\u009b2J\\u202eb\\xff\n"));
        CHECK(contains(text, "[FAIL] 1.2.15 evil \\x1b[2J title\\t\\u2066 (Automated)\n"));
        CHECK(contains(text, "1.2.15 step one\n        step two\n\n== Summary master ==\n"));
    }

    TEST_CASE("results outside every declared section still appear, under their own section") {
        auto report = kubeproof::test::tiny_report();
        report.sections.clear();
        const std::string text = to_text(report, TextOptions{});
        CHECK(text.starts_with("[INFO] 1\n[INFO] 1.2 API Server\n[FAIL] 1.2.15 "));
        CHECK(contains(text, "== Summary master ==\n0 checks PASS\n1 checks FAIL\n"));
    }

    TEST_CASE("an empty report prints only the total summary") {
        CHECK(to_text(kubeproof::model::Report{}, TextOptions{}) ==
              "== Summary total ==\n0 checks PASS\n0 checks FAIL\n0 checks WARN\n0 checks SKIP\n0 "
              "checks NA\n"
              "0 checks ERROR\n");
    }

    TEST_CASE("a waived finding keeps its status, tagged [WAIVED]; the summary lists the waivers") {
        const std::string text = to_text(kubeproof::test::waived_report(), TextOptions{});
        CHECK(text == R"text([INFO] 1 Control Plane Security Configuration
[INFO] 1.2 API Server
[FAIL] [WAIVED] 1.2.15 Ensure that the --profiling argument is set to false (Automated)
      expected: --profiling is false
      actual: --profiling not set (default true)
      waived: owner alice, approved by bob, ticket SEC-12, expires 2025-03-31 (waivers.yaml:2)
      waiver reason: profiling is on for the load test
[FAIL] 1.2.16 Ensure that the --audit-log-path argument is set (Automated)
      expected: --audit-log-path is set
      actual: --audit-log-path not set
      waiver expired 2024-12-31 (waivers.yaml:11): owner carol; the finding counts again

== Remediations master ==
1.2.15 Set --profiling=false in the API server manifest.

1.2.16 Set --profiling=false in the API server manifest.

== Summary master ==
0 checks PASS
2 checks FAIL
0 checks WARN
0 checks SKIP
0 checks NA
0 checks ERROR

== Summary total ==
0 checks PASS
2 checks FAIL
0 checks WARN
0 checks SKIP
0 checks NA
0 checks ERROR

== Waivers waivers.yaml ==
1 finding waived (accepted: not counted for --fail-on)
1 finding counted again (waiver expired)
expired: waivers.yaml:11 apiserver.audit-log-path, expired 2024-12-31 (owner carol)
stale: waivers.yaml:15 4.2.1 covered no finding of this scan (owner dave)
)text");
    }

    TEST_CASE("the [WAIVED] tag has a colour of its own") {
        TextOptions options;
        options.colour = true;
        const std::string text = to_text(kubeproof::test::waived_report(), options);
        CHECK(text.find("\x1b[36m[WAIVED]\x1b[0m 1.2.15") != std::string::npos);
    }
}

TEST_SUITE("report/text_writer") {
    TEST_CASE("a scan over unverified TLS says so in the header, before any result") {
        auto report = kubeproof::test::sample_report();
        CHECK_FALSE(contains(to_text(report, TextOptions{}), "insecure TLS"));
        report.scan.insecure_tls = true;
        const std::string text = to_text(report, TextOptions{});
        CHECK(
            text.starts_with("[WARNING] insecure TLS: the API server's certificate was not "
                             "verified (insecure-skip-tls-verify)\n\n"));
    }
}
