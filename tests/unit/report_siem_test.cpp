// The OCSF and ASFF writers: required fields and value sets as /work/shared/reference/evidence.md
// ("OCSF Compliance Finding", "AWS ASFF") lists them, lengths, stable ids, UTF-8 truncation,
// escaping.
#include <doctest/doctest.h>

#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/result.hpp"
#include "report/siem.hpp"
#include "report/siem_writers.hpp"
#include "report/writers.hpp"
#include "report_fixture.hpp"

using namespace kubeproof;
using Json = nlohmann::json;

namespace {

const report::AsffOptions k_aws{"123456789012", "eu-west-1"};

std::vector<Json> lines(const std::string& text) {
    std::vector<Json> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(Json::parse(line));
    return out;
}

std::vector<Json> asff_findings(const model::Report& report) {
    std::vector<Json> out;
    for (const auto& batch : lines(report::to_asff(report, k_aws))) {
        REQUIRE(batch.size() == 1);
        for (const auto& finding : batch.at("Findings")) out.push_back(finding);
    }
    return out;
}

bool is_valid_utf8(const std::string& text) {
    try {
        (void)Json(text).dump();
        return true;
    } catch (const Json::exception&) {
        return false;
    }
}

/// The reference's required OCSF fields and enums (evidence.md, "OCSF Compliance Finding").
void check_ocsf_record(const Json& r) {
    for (const char* field : {"activity_id", "category_uid", "class_uid", "type_uid", "severity_id",
                              "time", "metadata", "finding_info", "compliance"})
        CHECK_MESSAGE(r.contains(field), field);
    CHECK(r["class_uid"] == 2003);
    CHECK(r["category_uid"] == 2);
    const int activity = r["activity_id"];
    CHECK(std::set<int>{1, 2, 3}.count(activity) == 1);
    CHECK(r["type_uid"] == 2003 * 100 + activity);
    const int severity = r["severity_id"];
    CHECK((severity >= 0 && severity <= 6));
    CHECK(r["time"].is_number_integer());
    CHECK(r["metadata"]["product"]["name"] == "kubeproof");
    CHECK(r["metadata"]["version"] == "1.5.0");
    CHECK(!r["finding_info"]["uid"].get<std::string>().empty());
    CHECK(!r["finding_info"]["title"].get<std::string>().empty());
    CHECK(!r["compliance"]["standards"].empty());
    CHECK(std::set<int>{1, 2, 3, 99}.count(r["compliance"]["status_id"].get<int>()) == 1);
    CHECK(std::set<int>{1, 3, 4, 99}.count(r["status_id"].get<int>()) == 1);
}

/// The reference's required ASFF fields, value sets and limits (evidence.md, "AWS ASFF"; the
/// API reference for the lengths).
void check_asff_finding(const Json& f) {
    for (const char* field :
         {"SchemaVersion", "Id", "ProductArn", "GeneratorId", "AwsAccountId", "CreatedAt",
          "UpdatedAt", "Title", "Description", "Resources", "Severity", "Types"})
        CHECK_MESSAGE(f.contains(field), field);
    CHECK(f["SchemaVersion"] == "2018-10-08");
    CHECK(f["AwsAccountId"] == "123456789012");
    CHECK(f["ProductArn"] ==
          "arn:aws:securityhub:eu-west-1:123456789012:product/123456789012/default");
    CHECK(f["Title"].get<std::string>().size() <= 256);
    CHECK(f["Description"].get<std::string>().size() <= 1024);
    CHECK(!f["Description"].get<std::string>().empty());
    const std::set<std::string> labels{"INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"};
    CHECK(labels.count(f["Severity"]["Label"]) == 1);
    const std::set<std::string> statuses{"PASSED", "WARNING", "FAILED", "NOT_AVAILABLE"};
    CHECK(statuses.count(f["Compliance"]["Status"]) == 1);
    CHECK(f["RecordState"] == "ACTIVE");
    const std::set<std::string> workflows{"NEW", "NOTIFIED", "RESOLVED", "SUPPRESSED"};
    CHECK(workflows.count(f["Workflow"]["Status"]) == 1);
    REQUIRE(f["Resources"].size() == 1);
    CHECK(f["Resources"][0]["Type"] == "Other");
    CHECK(!f["Resources"][0]["Id"].get<std::string>().empty());
    if (f["Compliance"].contains("RelatedRequirements"))
        CHECK(f["Compliance"]["RelatedRequirements"].size() <= 32);
}

}  // namespace

TEST_CASE("siem: ocsf writes one valid Compliance Finding per result, PASS included") {
    const auto report = test::sample_report();
    const auto records = lines(report::to_ocsf(report));
    REQUIRE(records.size() == report.results.size());
    for (const auto& r : records) check_ocsf_record(r);
    // sample_report: PASS, WARN, FAIL, SKIP, NA, ERROR.
    std::vector<int> compliance, lifecycle, activity, severity;
    for (const auto& r : records) {
        compliance.push_back(r["compliance"]["status_id"]);
        lifecycle.push_back(r["status_id"]);
        activity.push_back(r["activity_id"]);
        severity.push_back(r["severity_id"]);
    }
    CHECK(compliance == std::vector<int>{1, 2, 3, 99, 99, 2});
    CHECK(lifecycle == std::vector<int>{4, 1, 1, 99, 99, 1});
    CHECK(activity == std::vector<int>{3, 1, 1, 2, 2, 1});
    CHECK(severity == std::vector<int>{1, 3, 4, 1, 1, 3});
    CHECK(records[3]["compliance"]["status"] == "Skipped");
    CHECK(records[4]["compliance"]["status"] == "Not Applicable");
    CHECK(records[0]["type_uid"] == 200303);
    CHECK(records[2]["type_uid"] == 200301);
    CHECK(records[2]["time"] == 1735787046000);  // 2025-01-02T03:04:06Z, the scan's finish
}

TEST_CASE("siem: ocsf compliance names the benchmark, frameworks, criteria and control") {
    const auto records = lines(report::to_ocsf(test::tiny_report()));
    REQUIRE(records.size() == 1);
    const Json& c = records[0]["compliance"];
    CHECK(c["standards"] ==
          Json::array({"CIS Kubernetes Benchmark v1.12.0", "PCI DSS v4.0.1", "SOC 2"}));
    CHECK(c["requirements"] == Json::array({"PCI DSS v4.0.1 2.2.4", "SOC 2 CC6.1", "SOC 2 CC6.6"}));
    CHECK(c["control"] == "1.2.15");
    CHECK(c["status"] == "Fail");
    CHECK(records[0]["finding_info"]["uid"] == "kubeproof/-/-/1.2.15");
    CHECK(records[0]["remediation"]["desc"] == "Set --profiling=false in the API server manifest.");
    CHECK(records[0]["metadata"]["product"]["version"] == "0.1.0");
}

TEST_CASE("siem: a PASS after a FAIL keeps the finding id and closes it") {
    auto report = test::tiny_report();
    report.scan.cluster_name = "prod";
    report.scan.node = "cp-1";
    report.results[0].key = "apiserver.profiling";
    const auto failing = lines(report::to_ocsf(report));
    const auto failing_asff = asff_findings(report);
    report.results[0].status = model::Status::Pass;
    const auto passing = lines(report::to_ocsf(report));
    const auto passing_asff = asff_findings(report);
    CHECK(failing[0]["finding_info"]["uid"] == "kubeproof/prod/cp-1/apiserver.profiling");
    CHECK(passing[0]["finding_info"]["uid"] == failing[0]["finding_info"]["uid"]);
    CHECK(failing[0]["status"] == "New");
    CHECK(passing[0]["status_id"] == 4);
    CHECK(passing[0]["status"] == "Resolved");
    CHECK(passing[0]["activity_id"] == 3);
    CHECK(passing[0]["compliance"]["status_id"] == 1);
    CHECK(failing_asff[0]["Id"] == "kubeproof/prod/cp-1/apiserver.profiling");
    CHECK(passing_asff[0]["Id"] == failing_asff[0]["Id"]);
    CHECK(failing_asff[0]["Compliance"]["Status"] == "FAILED");
    CHECK(failing_asff[0]["Severity"]["Label"] == "HIGH");
    CHECK(passing_asff[0]["Compliance"]["Status"] == "PASSED");
    CHECK(passing_asff[0]["Severity"]["Label"] == "INFORMATIONAL");
    CHECK(passing_asff[0]["Workflow"]["Status"] == "RESOLVED");
}

TEST_CASE("siem: finding ids percent-encode what would shift their parts") {
    auto report = test::tiny_report();
    report.scan.cluster_name = "arn:aws:eks:eu-west-1:123456789012:cluster/prod one";
    report.scan.node = "ip-10-0-0-1.ec2.internal";
    const auto rows = report::siem_rows(report);
    REQUIRE(rows.size() == 1);
    CHECK(report::siem_finding_id(report, rows[0]) ==
          "kubeproof/arn:aws:eks:eu-west-1:123456789012:cluster%2Fprod%20one/"
          "ip-10-0-0-1.ec2.internal/1.2.15");
    report.scan.cluster_name.clear();
    report.scan.cluster_uid = "0b6f1c2e-uid";
    CHECK(report::siem_finding_id(report, report::siem_rows(report)[0]) ==
          "kubeproof/0b6f1c2e-uid/ip-10-0-0-1.ec2.internal/1.2.15");
}

TEST_CASE("siem: a merged report gives one finding per node, each with its own status") {
    auto report = test::tiny_report();
    report.results[0].nodes = {{"cp-1", model::Status::Fail, "--profiling not set", "", {}},
                               {"cp-2", model::Status::Pass, "--profiling=false", "", {}}};
    const auto records = lines(report::to_ocsf(report));
    REQUIRE(records.size() == 2);
    CHECK(records[0]["finding_info"]["uid"] == "kubeproof/-/cp-1/1.2.15");
    CHECK(records[0]["compliance"]["status"] == "Fail");
    CHECK(records[1]["finding_info"]["uid"] == "kubeproof/-/cp-2/1.2.15");
    CHECK(records[1]["compliance"]["status"] == "Pass");
    CHECK(records[1]["resources"][0]["name"] == "cp-2");
}

TEST_CASE("siem: asff findings carry every required field within the limits") {
    auto report = test::sample_report();
    report.scan.node = "cp-1";
    const auto findings = asff_findings(report);
    REQUIRE(findings.size() == report.results.size());
    std::set<std::string> ids;
    for (const auto& f : findings) {
        check_asff_finding(f);
        ids.insert(f["Id"]);
    }
    CHECK(ids.size() == findings.size());
    std::vector<std::string> statuses, labels;
    for (const auto& f : findings) {
        statuses.push_back(f["Compliance"]["Status"]);
        labels.push_back(f["Severity"]["Label"]);
    }
    CHECK(statuses == std::vector<std::string>{"PASSED", "WARNING", "FAILED", "NOT_AVAILABLE",
                                               "NOT_AVAILABLE", "WARNING"});
    CHECK(labels == std::vector<std::string>{"INFORMATIONAL", "MEDIUM", "HIGH", "INFORMATIONAL",
                                             "INFORMATIONAL", "MEDIUM"});
    CHECK(findings[0]["Types"] == Json::array({"Software and Configuration Checks/Industry and "
                                               "Regulatory Standards/CIS Kubernetes Benchmark"}));
    CHECK(findings[2]["CreatedAt"] == "2025-01-02T03:04:06Z");
    CHECK(findings[2]["GeneratorId"] == "kubeproof/cis-1.12/1.2.15");
    CHECK(findings[2]["Compliance"]["RelatedRequirements"] ==
          Json::array({"PCI DSS v4.0.1 2.2.4", "SOC 2 CC6.1", "SOC 2 CC6.6"}));
    CHECK(findings[2]["Resources"][0]["Id"] == "kubernetes://-/nodes/cp-1");
    CHECK(findings[2]["Description"] ==
          "--profiling not set (default true). Expected: --profiling is false");
    CHECK(findings[2]["ProductFields"]["kubeproof/Status"] == "FAIL");
}

TEST_CASE("siem: asff batches at most 100 findings a line, nothing for no results") {
    auto report = test::tiny_report();
    const model::Result one = report.results[0];
    report.results.clear();
    CHECK(report::to_asff(report, k_aws).empty());
    for (int i = 0; i < 250; ++i) {
        report.results.push_back(one);
        report.results.back().id = "9." + std::to_string(i);
    }
    const auto batches = lines(report::to_asff(report, k_aws));
    REQUIRE(batches.size() == 3);
    CHECK(batches[0]["Findings"].size() == 100);
    CHECK(batches[1]["Findings"].size() == 100);
    CHECK(batches[2]["Findings"].size() == 50);
    CHECK(batches[2]["Findings"][49]["Id"] == "kubeproof/-/-/9.249");
}

TEST_CASE("siem: asff keeps long texts and many requirements within the limits") {
    auto report = test::tiny_report();
    std::string title;
    while (title.size() < 400) title += "Kubernetes \xC3\xA9t\xC3\xA9 \xE2\x9C\x93 ";  // é, ✓
    report.results[0].title = title;
    report.results[0].actual = std::string(2000, 'x') + "\"quoted\"\n\ttab \\ back";
    report.results[0].remediation = std::string(600, 'r');
    for (int i = 0; i < 40; ++i)
        report.results[0].controls["soc2"].push_back("CC" + std::to_string(i));
    const auto findings = asff_findings(report);
    REQUIRE(findings.size() == 1);
    const Json& f = findings[0];
    check_asff_finding(f);
    const std::string asff_title = f["Title"];
    CHECK(asff_title.size() <= 256);
    CHECK(asff_title.ends_with("..."));
    CHECK(is_valid_utf8(asff_title));
    CHECK(f["Description"].get<std::string>().size() == 1024);
    CHECK(f["Remediation"]["Recommendation"]["Text"].get<std::string>().size() == 512);
    CHECK(f["Compliance"]["RelatedRequirements"].size() == 32);
    // Escaping: quotes, control characters and backslashes survive the JSON round trip.
    const auto records = lines(report::to_ocsf(report));
    REQUIRE(records.size() == 1);
    CHECK(records[0]["compliance"]["status_detail"].get<std::string>().starts_with(
        std::string(2000, 'x') + "\"quoted\"\n\ttab \\ back"));
    CHECK(report::to_ocsf(report).find('\n') == report::to_ocsf(report).size() - 1);
}

TEST_CASE("siem: utf8_truncate never cuts a character") {
    CHECK(report::utf8_truncate("short", 10) == "short");
    CHECK(report::utf8_truncate("abcdefghij", 10) == "abcdefghij");
    CHECK(report::utf8_truncate("abcdefghijk", 10) == "abcdefg...");
    // "é" is two bytes: a cut at its second byte backs off to before it.
    CHECK(report::utf8_truncate("abcdef\xC3\xA9zzzz", 10) == "abcdef...");
    CHECK(report::utf8_truncate("\xE2\x9C\x93\xE2\x9C\x93\xE2\x9C\x93", 7) == "\xE2\x9C\x93...");
    CHECK(report::utf8_truncate("\xE2\x9C\x93\xE2\x9C\x93", 2).empty());
}

TEST_CASE("siem: account ids and Regions") {
    CHECK(report::valid_aws_account_id("123456789012"));
    CHECK_FALSE(report::valid_aws_account_id("12345678901"));
    CHECK_FALSE(report::valid_aws_account_id("1234567890123"));
    CHECK_FALSE(report::valid_aws_account_id("12345678901a"));
    CHECK_FALSE(report::valid_aws_account_id(""));
    CHECK(report::valid_aws_region("eu-west-1"));
    CHECK(report::valid_aws_region("us-gov-west-1"));
    CHECK_FALSE(report::valid_aws_region("eu-west"));
    CHECK_FALSE(report::valid_aws_region("EU-WEST-1"));
    CHECK_FALSE(report::valid_aws_region("eu--west-1"));
    CHECK_FALSE(report::valid_aws_region("-eu-west-1"));
    CHECK_FALSE(report::valid_aws_region(""));
    auto report = test::tiny_report();
    const std::string china = report::to_asff(report, {"123456789012", "cn-north-1"});
    CHECK(china.find("\"arn:aws-cn:securityhub:cn-north-1:123456789012:product/123456789012/"
                     "default\"") != std::string::npos);
}

TEST_CASE("siem: both formats are in the writer registry and byte-stable") {
    const auto report = test::waived_report();
    const auto* ocsf = report::find_writer("ocsf");
    const auto* asff = report::find_writer("asff");
    REQUIRE(ocsf != nullptr);
    REQUIRE(asff != nullptr);
    report::WriterOptions options;
    options.aws_account_id = "123456789012";
    options.aws_region = "eu-west-1";
    CHECK(ocsf->render(report, options) == ocsf->render(report, options));
    CHECK(asff->render(report, options) == asff->render(report, options));
    // An active waiver suppresses the finding; an expired one does not.
    const auto records = lines(ocsf->render(report, options));
    REQUIRE(records.size() == 2);
    CHECK(records[0]["status"] == "Suppressed");
    CHECK(records[1]["status"] == "New");
    const auto findings = asff_findings(report);
    CHECK(findings[0]["Workflow"]["Status"] == "SUPPRESSED");
    CHECK(findings[0]["ProductFields"]["kubeproof/WaiverOwner"] == "alice");
    CHECK(findings[1]["Workflow"]["Status"] == "NEW");
}
