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

Json inventory_json(const std::vector<model::InventoryNode>& nodes) {
    Json json = Json::array();
    for (const auto& node : nodes) {
        json.push_back(Json{{"name", node.name},
                            {"kubelet_version", node.kubelet_version},
                            {"provider_id", node.provider_id},
                            {"created_at", node.created_at}});
    }
    return json;
}

Json merged_json(const std::vector<model::MergedReport>& merged) {
    Json json = Json::array();
    for (const auto& m : merged) {
        json.push_back(Json{{"file", m.file},
                            {"sha256", m.sha256},
                            {"node", m.node},
                            {"scan_id", m.scan_id},
                            {"started_at", m.started_at},
                            {"totals", totals_json(m.totals)}});
    }
    return json;
}

// The fields kubeproof.report/v1 has always had, then the scan's identity (added later: readers of
// the first reports ignore what they do not know).
Json scan_json(const model::ScanInfo& scan) {
    Json json{{"id", scan.id},
              {"started_at", scan.started_at},
              {"finished_at", scan.finished_at},
              {"host", scan.host},
              {"benchmark", scan.benchmark},
              {"kubernetes_version", scan.kubernetes_version},
              {"targets", scan.targets},
              {"benchmark_title", scan.benchmark_title},
              {"detected", scan.detected}};
    if (scan.benchmark_selected_by) {
        json["benchmark_selected_by"] = Json{{"rule", scan.benchmark_selected_by->rule},
                                             {"detail", scan.benchmark_selected_by->detail}};
        json["benchmark_warnings"] = scan.benchmark_warnings;
    }
    if (!scan.benchmarks.empty()) json["benchmarks"] = scan.benchmarks;
    if (const auto& ns = scan.namespace_scope) {
        Json scope = Json::object();
        if (!ns->namespaces.empty()) scope["namespaces"] = ns->namespaces;
        if (!ns->selector.empty()) {
            scope["selector"] = ns->selector;
            scope["selected"] = ns->selected;
        }
        if (!ns->excluded.empty()) {
            scope["excluded"] = ns->excluded;
            scope["excluded_by"] = ns->excluded_by;
        }
        json["namespace_scope"] = std::move(scope);
    }
    if (scan.insecure_tls) json["insecure_tls"] = true;
    if (!scan.scope.empty()) json["scope"] = scan.scope;
    if (!scan.cluster_name.empty() || !scan.cluster_uid.empty()) {
        Json cluster = Json::object();
        if (!scan.cluster_name.empty()) cluster["name"] = scan.cluster_name;
        if (!scan.cluster_uid.empty()) cluster["uid"] = scan.cluster_uid;
        json["cluster"] = std::move(cluster);
    }
    if (!scan.node.empty()) json["node"] = scan.node;
    if (!scan.nodes.empty()) json["nodes"] = inventory_json(scan.nodes);
    if (scan.link) {
        json["series"] = scan.link->series;
        json["seq"] = scan.link->seq;
        json["previous"] = scan.link->previous.empty() ? Json(nullptr) : Json(scan.link->previous);
    }
    if (!scan.merged.empty()) json["merged"] = merged_json(scan.merged);
    return json;
}

Json tool_json(const model::Report& report) {
    Json json{{"name", k_tool_name}, {"version", report.tool_version}};
    if (!report.definitions_sha256.empty()) json["definitions_sha256"] = report.definitions_sha256;
    return json;
}

Json evidence_json(const std::vector<model::Evidence>& evidence) {
    Json json = Json::array();
    for (const auto& item : evidence) {
        Json item_json{{"source", item.source}, {"ref", item.ref}, {"value", item.value}};
        if (!item.file.empty()) item_json["file"] = item.file;
        if (item.line > 0) item_json["line"] = item.line;
        if (!item.labels.empty()) item_json["labels"] = item.labels;
        json.push_back(std::move(item_json));
    }
    return json;
}

Json controls_json(const std::map<std::string, std::vector<std::string>>& controls) {
    Json json = Json::object();
    for (const auto& [framework, criteria] : controls) json[framework] = criteria;
    return json;
}

Json node_results_json(const std::vector<model::NodeResult>& nodes) {
    Json json = Json::array();
    for (const auto& node : nodes) {
        Json item{{"node", node.node},
                  {"status", model::to_string(node.status)},
                  {"actual", node.actual}};
        if (!node.reason.empty()) item["reason"] = node.reason;
        item["evidence"] = evidence_json(node.evidence);
        json.push_back(std::move(item));
    }
    return json;
}

// The waiver as its file states it: its place, check and scope, then who, why and until when.
Json waiver_json(const model::Waiver& waiver) {
    Json json{{"source", waiver.source}, {"check", waiver.check}};
    if (!waiver.node.empty()) json["node"] = waiver.node;
    if (!waiver.namespace_name.empty()) json["namespace"] = waiver.namespace_name;
    if (!waiver.object.empty()) json["object"] = waiver.object;
    if (!waiver.selector.empty()) json["selector"] = waiver.selector;
    json["owner"] = waiver.owner;
    const auto given = [&](const char* name, const std::string& value) {
        if (!value.empty()) json[name] = value;
    };
    given("approver", waiver.approver);
    given("reason", waiver.reason);
    given("ticket", waiver.ticket);
    given("created", waiver.created);
    json["expires"] = waiver.expires;
    return json;
}

Json waivers_json(const model::WaiverSummary& summary) {
    Json stale = Json::array();
    for (const auto& waiver : summary.stale)
        stale.push_back(Json{{"source", waiver.source}, {"check", waiver.check}});
    return Json{{"file", summary.file},
                {"sha256", summary.sha256},
                {"active", summary.active},
                {"expired", summary.expired},
                {"stale", std::move(stale)}};
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
    if (!result.nodes.empty()) json["nodes"] = node_results_json(result.nodes);
    if (result.findings) json["findings"] = *result.findings;
    if (result.waiver) {
        json["waiver"] = waiver_json(result.waiver->waiver);
        json["waiver"]["state"] = model::to_string(result.waiver->state);
    }
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
    Json document{{"schema", k_schema},
                  {"tool", tool_json(report)},
                  {"scan", scan_json(report.scan)},
                  {"results", std::move(results)},
                  {"totals", totals_json(model::count(report))},
                  {"frameworks", frameworks_json(report)}};
    if (report.waivers) document["waivers"] = waivers_json(*report.waivers);
    return document.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace kubeproof::report
