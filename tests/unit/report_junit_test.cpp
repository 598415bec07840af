#include <doctest/doctest.h>

#include "report/junit_writer.hpp"
#include "report_fixture.hpp"

using kubeproof::report::to_junit;
using kubeproof::report::xml_escape;

namespace {

bool contains(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
}

size_t occurrences(const std::string& text, std::string_view part) {
    size_t found = 0;
    for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1))
        ++found;
    return found;
}

}  // namespace

TEST_SUITE("report/junit_writer") {
    TEST_CASE("the document has the XML declaration and overall counts") {
        const std::string xml = to_junit(kubeproof::test::sample_report());
        CHECK(xml.starts_with(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<testsuites name=\"kubeproof cis-1.12\" tests=\"6\" failures=\"1\" errors=\"1\" "
            "skipped=\"3\">\n"));
        CHECK(xml.ends_with("  </testsuite>\n</testsuites>\n"));
    }

    TEST_CASE("one testsuite per section with results, with its own counts, time and host") {
        const std::string xml = to_junit(kubeproof::test::sample_report());
        CHECK(occurrences(xml, "<testsuite ") == 2);
        CHECK(occurrences(xml, "<testcase ") == 6);
        CHECK(contains(xml,
                       "  <testsuite name=\"1 Control Plane Security Configuration\" tests=\"3\" "
                       "failures=\"1\" "
                       "errors=\"0\" skipped=\"1\" timestamp=\"2025-01-02T03:04:05Z\" "
                       "hostname=\"node-1\">\n"));
        CHECK(contains(
            xml,
            "  <testsuite name=\"4 Worker Node Security Configuration\" tests=\"3\" failures=\"0\" "
            "errors=\"1\" skipped=\"2\" timestamp=\"2025-01-02T03:04:05Z\" "
            "hostname=\"node-1\">\n"));
        CHECK_FALSE(contains(xml, "Etcd"));
    }

    TEST_CASE(
        "a PASS testcase has only properties: status, automated and one per framework criterion") {
        const std::string xml = to_junit(kubeproof::test::sample_report());
        CHECK(contains(
            xml,
            "    <testcase name=\"1.1.1 Ensure that the API server pod specification file "
            "permissions "
            "are set to 600\" classname=\"cis-1.12 1.1 Control Plane Node Configuration Files\">\n"
            "      <properties>\n"
            "        <property name=\"status\" value=\"PASS\"/>\n"
            "        <property name=\"automated\" value=\"true\"/>\n"
            "        <property name=\"soc2\" value=\"CC6.1\"/>\n"
            "      </properties>\n"
            "    </testcase>\n"));
    }

    TEST_CASE("FAIL maps to a failure with expected, actual, evidence and remediation") {
        const std::string xml = to_junit(kubeproof::test::sample_report());
        CHECK(contains(xml,
                       "        <property name=\"pci-dss\" value=\"2.2.4\"/>\n"
                       "        <property name=\"soc2\" value=\"CC6.1\"/>\n"
                       "        <property name=\"soc2\" value=\"CC6.6\"/>\n"));
        CHECK(
            contains(xml,
                     "      <failure message=\"--profiling not set (default true)\" type=\"FAIL\">"
                     "expected: --profiling is false\n"
                     "actual: --profiling not set (default true)\n"
                     "evidence: process kube-apiserver pid 4624: --profiling absent\n"
                     "remediation: Set --profiling=false in the API server manifest.</failure>\n"));
    }

    TEST_CASE("WARN, SKIP and NA map to skipped; ERROR maps to error") {
        const std::string xml = to_junit(kubeproof::test::sample_report());
        CHECK(
            contains(xml,
                     "<property name=\"automated\" value=\"false\"/>\n      </properties>\n"
                     "      <skipped message=\"WARN: manual check: review anonymous access\"/>\n"));
        CHECK(contains(xml, "      <skipped message=\"SKIP: excluded by --skip\"/>\n"));
        CHECK(contains(xml, "      <skipped message=\"NA: kubelet service file not found\"/>\n"));
        CHECK(contains(xml,
                       "      <error message=\"/var/lib/kubelet/config.yaml: Permission denied\" "
                       "type=\"ERROR\"/>\n"));
        CHECK(occurrences(xml, "<skipped ") == 3);
        CHECK(occurrences(xml, "<failure ") == 1);
        CHECK(occurrences(xml, "<error ") == 1);
    }

    TEST_CASE("a WARN without a reason falls back to the actual value") {
        auto report = kubeproof::test::tiny_report();
        report.results[0].status = kubeproof::model::Status::Warn;
        CHECK(contains(to_junit(report),
                       "<skipped message=\"WARN: --profiling not set (default true)\"/>"));
    }

    TEST_CASE("titles, evidence and attributes are escaped") {
        auto report = kubeproof::test::tiny_report();
        report.results[0].title = "Ensure <a> & \"b\" 'c'";
        report.results[0].actual = "x < y\nz";
        report.results[0].evidence[0].value = "<script>&amp;</script>";
        const std::string xml = to_junit(report);
        CHECK(contains(xml, "name=\"1.2.15 Ensure &lt;a&gt; &amp; &quot;b&quot; &apos;c&apos;\""));
        CHECK(contains(xml, "<failure message=\"x &lt; y&#10;z\" type=\"FAIL\">"));
        CHECK(contains(xml, "actual: x &lt; y\nz\n"));
        CHECK(contains(
            xml,
            "evidence: process kube-apiserver pid 4624: &lt;script&gt;&amp;amp;&lt;/script&gt;\n"));
    }

    TEST_CASE("characters XML 1.0 forbids and invalid UTF-8 become U+FFFD") {
        CHECK(xml_escape("a\x01"
                         "b\x1b"
                         "c",
                         false) ==
              "a\xEF\xBF\xBD"
              "b\xEF\xBF\xBD"
              "c");
        CHECK(xml_escape("bad \xff\xfe end", false) == "bad \xEF\xBF\xBD\xEF\xBF\xBD end");
        CHECK(xml_escape("\xC0\xAF", false) == "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong '/'
        CHECK(xml_escape("\xED\xA0\x80", false) ==
              "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");               // surrogate
        CHECK(xml_escape("\xEF\xBF\xBE", false) == "\xEF\xBF\xBD");  // U+FFFE
        CHECK(xml_escape("caf\xC3\xA9 \xF0\x9F\x94\x92", false) == "caf\xC3\xA9 \xF0\x9F\x94\x92");
        CHECK(xml_escape("tab\there\r\n", false) == "tab\there&#13;\n");
        CHECK(xml_escape("tab\there\r\n", true) == "tab&#9;here&#13;&#10;");
    }

    TEST_CASE("output is byte-stable for the same input") {
        const auto report = kubeproof::test::sample_report();
        CHECK(to_junit(report) == to_junit(report));
    }

    TEST_CASE("a waived finding is skipped, naming its real status; an expired one fails") {
        const std::string xml = to_junit(kubeproof::test::waived_report());
        CHECK(contains(xml,
                       "<testsuites name=\"kubeproof cis-1.12\" tests=\"2\" failures=\"1\" "
                       "errors=\"0\" skipped=\"1\">"));
        CHECK(contains(xml,
                       "<skipped message=\"waived: FAIL: --profiling not set (default true); "
                       "owner alice, expires 2025-03-31 (waivers.yaml:2)\"/>"));
        CHECK(contains(xml, "<property name=\"waiver\" value=\"active\"/>"));
        CHECK(contains(xml, "<property name=\"waiver.ticket\" value=\"SEC-12\"/>"));
        CHECK(contains(xml,
                       "<failure message=\"--audit-log-path not set (waiver expired "
                       "2024-12-31, waivers.yaml:11)\" type=\"FAIL\">"));
        CHECK(contains(xml, "<property name=\"waiver\" value=\"expired\"/>"));
        CHECK(occurrences(xml, "<failure ") == 1);
    }
}
