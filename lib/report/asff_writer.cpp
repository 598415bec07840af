// AWS Security Finding Format (ASFF 2018-10-08) findings for BatchImportFindings. Required
// fields and value sets after the Security Hub service model (botocore) and the API reference's
// AwsSecurityFinding, Compliance, Resource and Workflow pages; see the "SIEM formats" section of
// README.md for the choices made here.
#include <algorithm>
#include <cctype>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "report/siem.hpp"
#include "report/siem_writers.hpp"

namespace kubeproof::report {

namespace {

using Json = nlohmann::ordered_json;
using model::Status;

constexpr std::string_view k_schema_version = "2018-10-08";
constexpr std::string_view k_type =
    "Software and Configuration Checks/Industry and Regulatory Standards/CIS Kubernetes Benchmark";

// Limits of the API reference (AwsSecurityFinding, Compliance, Remediation, ProductFields), in
// bytes, which also keeps them in characters.
constexpr size_t k_title_max = 256;
constexpr size_t k_description_max = 1024;
constexpr size_t k_recommendation_max = 512;
constexpr size_t k_product_field_max = 2048;
constexpr size_t k_related_requirements_max = 32;
constexpr size_t k_details_value_max = 1024;

std::string_view asff_compliance_status(Status status) {
    switch (status) {
        case Status::Pass:
            return "PASSED";
        case Status::Fail:
            return "FAILED";
        case Status::Warn:
        case Status::Error:  // the check could not decide: information is missing
            return "WARNING";
        case Status::NA:
        case Status::Skip:
            break;
    }
    return "NOT_AVAILABLE";
}

/// The workflow a finding starts in. Security Hub takes it only when it creates the finding (the
/// workflow is the customer's afterwards); it resets RESOLVED to NEW by itself when
/// Compliance.Status leaves PASSED.
std::string_view workflow_status(const SiemRow& row) {
    if (row.status == Status::Pass) return "RESOLVED";
    if (row.result->nodes.empty() && model::is_accepted(*row.result)) return "SUPPRESSED";
    return "NEW";
}

/// "aws", or the partition of a China or GovCloud Region.
std::string_view aws_partition(std::string_view region) {
    if (region.starts_with("cn-")) return "aws-cn";
    if (region.starts_with("us-gov-")) return "aws-us-gov";
    return "aws";
}

Json resources_json(const model::Report& report, const SiemRow& row, const AsffOptions& options) {
    const std::string& cluster =
        report.scan.cluster_name.empty() ? report.scan.cluster_uid : report.scan.cluster_name;
    const std::string id = fmt::format("kubernetes://{}/nodes/{}", cluster.empty() ? "-" : cluster,
                                       row.node.empty() ? "-" : row.node);
    Json details{{"Other", Json{{"kubernetes.node", row.node.empty() ? "-" : row.node}}}};
    if (!cluster.empty())
        details["Other"]["kubernetes.cluster"] = utf8_truncate(cluster, k_details_value_max);
    return Json::array({Json{{"Type", "Other"},
                             {"Id", id},
                             {"Partition", aws_partition(options.region)},
                             {"Region", options.region},
                             {"Details", std::move(details)}}});
}

Json product_fields_json(const model::Report& report, const SiemRow& row) {
    const model::Result& result = *row.result;
    Json fields{{"kubeproof/Status", model::to_string(row.status)},
                {"kubeproof/CheckId", result.id},
                {"kubeproof/Benchmark", result.benchmark},
                {"kubeproof/ScanId", report.scan.id},
                {"kubeproof/ToolVersion", report.tool_version}};
    if (!result.key.empty()) fields["kubeproof/CheckKey"] = result.key;
    if (row.result->nodes.empty() && result.waiver) {
        const auto& waiver = result.waiver->waiver;
        fields["kubeproof/WaiverOwner"] = waiver.owner;
        fields["kubeproof/WaiverExpires"] = waiver.expires;
    }
    for (auto& value : fields) value = utf8_truncate(value.get<std::string>(), k_product_field_max);
    return fields;
}

Json finding_json(const model::Report& report, const SiemRow& row, const AsffOptions& options) {
    const model::Result& result = *row.result;
    const std::string product_arn =
        fmt::format("arn:{}:securityhub:{}:{}:product/{}/default", aws_partition(options.region),
                    options.region, options.account_id, options.account_id);
    const std::string& at =
        report.scan.finished_at.empty() ? report.scan.started_at : report.scan.finished_at;

    Json compliance{{"Status", asff_compliance_status(row.status)}};
    auto requirements = siem_requirements(result);
    if (requirements.size() > k_related_requirements_max)
        requirements.resize(k_related_requirements_max);
    for (auto& requirement : requirements) requirement = utf8_truncate(requirement, k_title_max);
    if (!requirements.empty()) compliance["RelatedRequirements"] = std::move(requirements);

    Json finding{
        {"SchemaVersion", k_schema_version},
        {"Id", siem_finding_id(report, row)},
        {"ProductArn", product_arn},
        {"GeneratorId", fmt::format("kubeproof/{}/{}", result.benchmark,
                                    result.key.empty() ? result.id : result.key)},
        {"AwsAccountId", options.account_id},
        {"Types", Json::array({k_type})},
        {"CreatedAt", at},
        {"UpdatedAt", at},
        {"Severity", Json{{"Label", asff_severity_label(siem_severity(row))}}},
        {"Title", utf8_truncate(fmt::format("{} {}", result.id,
                                            result.title.empty() ? result.id : result.title),
                                k_title_max)},
        {"Description", utf8_truncate(siem_description(row), k_description_max)},
        {"ProductName", "kubeproof"},
        {"CompanyName", "kubeproof"}};
    if (!result.remediation.empty())
        finding["Remediation"] =
            Json{{"Recommendation",
                  Json{{"Text", utf8_truncate(result.remediation, k_recommendation_max)}}}};
    finding["ProductFields"] = product_fields_json(report, row);
    finding["Resources"] = resources_json(report, row, options);
    finding["Compliance"] = std::move(compliance);
    finding["Workflow"] = Json{{"Status", workflow_status(row)}};
    finding["RecordState"] = "ACTIVE";
    return finding;
}

}  // namespace

std::string to_asff(const model::Report& report, const AsffOptions& options) {
    std::string out;
    Json batch = Json::array();
    auto flush = [&] {
        if (batch.empty()) return;
        out += Json{{"Findings", std::move(batch)}}.dump(-1, ' ', false,
                                                         Json::error_handler_t::replace);
        out += '\n';
        batch = Json::array();
    };
    for (const auto& row : siem_rows(report)) {
        batch.push_back(finding_json(report, row, options));
        if (batch.size() == k_asff_batch) flush();
    }
    flush();
    return out;
}

bool valid_aws_account_id(std::string_view text) {
    return text.size() == 12 && std::all_of(text.begin(), text.end(), [](char c) {
               return std::isdigit(static_cast<unsigned char>(c)) != 0;
           });
}

bool valid_aws_region(std::string_view text) {
    if (text.empty() || text.size() > 32 || text.front() == '-' || text.back() == '-') return false;
    if (std::isdigit(static_cast<unsigned char>(text.back())) == 0) return false;
    if (text.find("--") != std::string_view::npos || text.find('-') == std::string_view::npos)
        return false;
    return std::all_of(text.begin(), text.end(), [](char c) {
        const auto byte = static_cast<unsigned char>(c);
        return std::islower(byte) != 0 || std::isdigit(byte) != 0 || c == '-';
    });
}

}  // namespace kubeproof::report
