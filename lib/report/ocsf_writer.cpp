// OCSF Compliance Finding (class 2003) records, after the ocsf-schema's
// events/findings/compliance_finding.json, finding.json and base_event.json (see
// docs: the "SIEM formats" section of README.md for the choices made here).
#include <cstdint>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "history/verify.hpp"
#include "report/siem.hpp"
#include "report/siem_writers.hpp"

namespace kubeproof::report {

namespace {

using Json = nlohmann::ordered_json;
using model::Status;

constexpr int k_category_findings = 2;
constexpr int k_class_compliance_finding = 2003;

// activity_id: 1 Create, 2 Update, 3 Close.
enum class Activity { Create = 1, Update = 2, Close = 3 };

// The finding's lifecycle status_id: 1 New, 3 Suppressed, 4 Resolved (2 In Progress, 5 Archived
// and 6 Deleted are a SIEM user's to set); 99 Other for NA and SKIP, which neither open nor
// close a finding.
enum class Lifecycle { New = 1, Suppressed = 3, Resolved = 4, Other = 99 };

// compliance.status_id: 1 Pass, 2 Warning (no result: information missing), 3 Fail, 99 Other
// (OCSF's value for a status the enum does not name; the status string says which).
enum class ComplianceStatus { Pass = 1, Warning = 2, Fail = 3, Other = 99 };

Activity activity(Status status) {
    if (status == Status::Pass) return Activity::Close;
    if (status == Status::NA || status == Status::Skip) return Activity::Update;
    return Activity::Create;
}

std::string_view activity_name(Activity a) {
    switch (a) {
        case Activity::Create:
            return "Create";
        case Activity::Update:
            return "Update";
        case Activity::Close:
            return "Close";
    }
    return "Create";
}

Lifecycle lifecycle(const SiemRow& row) {
    if (row.status == Status::Pass) return Lifecycle::Resolved;
    if (row.status == Status::NA || row.status == Status::Skip) return Lifecycle::Other;
    // A merged report's node rows share the result's waiver only when it is the result's own.
    if (row.result->nodes.empty() && model::is_accepted(*row.result)) return Lifecycle::Suppressed;
    return Lifecycle::New;
}

std::string_view lifecycle_name(Lifecycle l) {
    switch (l) {
        case Lifecycle::New:
            return "New";
        case Lifecycle::Suppressed:
            return "Suppressed";
        case Lifecycle::Resolved:
            return "Resolved";
        case Lifecycle::Other:
            return "Other";
    }
    return "New";
}

ComplianceStatus ocsf_compliance_status(Status status) {
    switch (status) {
        case Status::Pass:
            return ComplianceStatus::Pass;
        case Status::Fail:
            return ComplianceStatus::Fail;
        case Status::Warn:
        case Status::Error:
            return ComplianceStatus::Warning;
        case Status::NA:
        case Status::Skip:
            break;
    }
    return ComplianceStatus::Other;
}

std::string_view compliance_status_name(Status status) {
    switch (status) {
        case Status::Pass:
            return "Pass";
        case Status::Fail:
            return "Fail";
        case Status::Warn:
        case Status::Error:
            return "Warning";
        case Status::NA:
            return "Not Applicable";
        case Status::Skip:
            return "Skipped";
    }
    return "Other";
}

std::string_view severity_name(SiemSeverity severity) {
    switch (severity) {
        case SiemSeverity::Informational:
            return "Informational";
        case SiemSeverity::Low:
            return "Low";
        case SiemSeverity::Medium:
            return "Medium";
        case SiemSeverity::High:
            return "High";
        case SiemSeverity::Critical:
            return "Critical";
    }
    return "Informational";
}

int64_t time_ms(const model::Report& report) {
    const std::string& at =
        report.scan.finished_at.empty() ? report.scan.started_at : report.scan.finished_at;
    const auto seconds = history::parse_rfc3339(at);
    return seconds ? static_cast<int64_t>(*seconds) * 1000 : 0;
}

Json resources_json(const model::Report& report, const SiemRow& row) {
    Json resources = Json::array();
    const std::string& cluster =
        report.scan.cluster_name.empty() ? report.scan.cluster_uid : report.scan.cluster_name;
    if (!row.node.empty()) {
        Json node{{"type", "Kubernetes Node"}, {"name", row.node}, {"uid", row.node}};
        if (!cluster.empty()) node["group"] = Json{{"name", cluster}};
        resources.push_back(std::move(node));
    }
    if (!cluster.empty()) {
        Json json{{"type", "Kubernetes Cluster"}, {"name", cluster}};
        if (!report.scan.cluster_uid.empty()) json["uid"] = report.scan.cluster_uid;
        resources.push_back(std::move(json));
    }
    return resources;
}

Json record_json(const model::Report& report, const SiemRow& row, int64_t time) {
    const model::Result& result = *row.result;
    const Activity act = activity(row.status);
    const Lifecycle life = lifecycle(row);
    const SiemSeverity severity = siem_severity(row);
    const int type_uid = k_class_compliance_finding * 100 + static_cast<int>(act);

    Json compliance{{"standards", siem_standards(report, result)}};
    if (auto requirements = siem_requirements(result); !requirements.empty())
        compliance["requirements"] = std::move(requirements);
    compliance["control"] = result.id;
    compliance["status_id"] = static_cast<int>(ocsf_compliance_status(row.status));
    compliance["status"] = compliance_status_name(row.status);
    compliance["status_detail"] = siem_description(row);

    Json finding{{"uid", siem_finding_id(report, row)},
                 {"title", result.title.empty() ? result.id : result.title},
                 {"desc", siem_description(row)}};

    Json record{{"activity_id", static_cast<int>(act)},
                {"activity_name", activity_name(act)},
                {"category_uid", k_category_findings},
                {"category_name", "Findings"},
                {"class_uid", k_class_compliance_finding},
                {"class_name", "Compliance Finding"},
                {"type_uid", type_uid},
                {"type_name", fmt::format("Compliance Finding: {}", activity_name(act))},
                {"severity_id", static_cast<int>(severity)},
                {"severity", severity_name(severity)},
                {"status_id", static_cast<int>(life)},
                {"status", lifecycle_name(life)},
                {"time", time},
                {"message",
                 fmt::format("{} {}: {}", result.id, model::to_string(row.status), result.title)},
                {"metadata", Json{{"version", k_ocsf_version},
                                  {"product", Json{{"name", "kubeproof"},
                                                   {"vendor_name", "kubeproof"},
                                                   {"version", report.tool_version}}},
                                  {"correlation_uid", report.scan.id}}},
                {"finding_info", std::move(finding)},
                {"compliance", std::move(compliance)}};
    if (Json resources = resources_json(report, row); !resources.empty())
        record["resources"] = std::move(resources);
    if (!result.remediation.empty()) record["remediation"] = Json{{"desc", result.remediation}};
    return record;
}

}  // namespace

std::string to_ocsf(const model::Report& report) {
    const int64_t time = time_ms(report);
    std::string out;
    for (const auto& row : siem_rows(report)) {
        out += record_json(report, row, time).dump(-1, ' ', false, Json::error_handler_t::replace);
        out += '\n';
    }
    return out;
}

}  // namespace kubeproof::report
