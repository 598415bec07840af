#include "report/json_writer.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <string_view>

#include <nlohmann/json.hpp>

#include "report/criteria.hpp"

namespace kubeproof::report {

namespace {

using Json = nlohmann::ordered_json;

constexpr std::string_view k_schema = "kubeproof.report/v1";
constexpr std::string_view k_tool_name = "kubeproof";

Json totals_json(const model::Totals& totals) {
    Json json = Json::object();
    for (model::Status status : model::k_all_statuses)
        json[std::string(model::to_string(status))] = totals[status];
    return json;
}

Json scan_json(const model::ScanInfo& scan) {
    return Json{{"id", scan.id},
                {"started_at", scan.started_at},
                {"finished_at", scan.finished_at},
                {"host", scan.host},
                {"benchmark", scan.benchmark},
                {"kubernetes_version", scan.kubernetes_version},
                {"targets", scan.targets},
                {"benchmark_title", scan.benchmark_title},
                {"detected", scan.detected}};
}

Json evidence_json(const std::vector<model::Evidence>& evidence) {
    Json json = Json::array();
    for (const auto& item : evidence) {
        Json item_json{{"source", item.source}, {"ref", item.ref}, {"value", item.value}};
        if (!item.file.empty()) item_json["file"] = item.file;
        if (item.line > 0) item_json["line"] = item.line;
        json.push_back(std::move(item_json));
    }
    return json;
}

Json controls_json(const std::map<std::string, std::vector<std::string>>& controls) {
    Json json = Json::object();
    for (const auto& [framework, criteria] : controls) json[framework] = criteria;
    return json;
}

Json result_json(const model::Result& result) {
    Json json{{"id", result.id},
              {"benchmark", result.benchmark},
              {"target", result.target},
              {"group", result.group},
              {"title", result.title},
              {"status", model::to_string(result.status)},
              {"automated", result.automated},
              {"expected", result.expected},
              {"actual", result.actual},
              {"evidence", evidence_json(result.evidence)},
              {"remediation", result.remediation},
              {"controls", controls_json(result.controls)},
              {"group_title", result.group_title}};
    if (!result.key.empty()) json["key"] = result.key;
    if (!result.reason.empty()) json["reason"] = result.reason;
    if (!result.guidance.empty()) json["guidance"] = result.guidance;
    return json;
}

Json frameworks_json(const model::Report& report) {
    Json json = Json::object();
    for (const auto& framework : summarise_frameworks(report)) {
        Json& framework_json = json[framework.id] = Json::object();
        for (const auto& row : framework.rows) {
            Json criterion_json = Json::object();
            if (!row.title.empty()) criterion_json["title"] = row.title;
            criterion_json.update(totals_json(row.totals));
            criterion_json["checks"] = row.checks;
            framework_json[row.id] = std::move(criterion_json);
        }
    }
    return json;
}

}  // namespace

std::string to_json(const model::Report& report) {
    Json results = Json::array();
    for (const auto& result : report.results) results.push_back(result_json(result));
    const Json document{{"schema", k_schema},
                        {"tool", Json{{"name", k_tool_name}, {"version", report.tool_version}}},
                        {"scan", scan_json(report.scan)},
                        {"results", std::move(results)},
                        {"totals", totals_json(model::count(report))},
                        {"frameworks", frameworks_json(report)}};
    return document.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace kubeproof::report
