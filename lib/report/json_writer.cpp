#include "report/json_writer.hpp"

#include <string_view>

#include "report/criteria.hpp"
#include "report/json_stream.hpp"

namespace kubeproof::report {

namespace {

// The report is written as it is walked (JsonStream), not built as a tree and dumped: it was most
// of the time a node scan spent after evaluating. Members are written in the order readers of
// kubeproof.report/v1 have always seen them.

constexpr std::string_view k_schema = "kubeproof.report/v1";
constexpr std::string_view k_tool_name = "kubeproof";

void stream_totals(JsonStream& out, const model::Totals& totals) {
    for (model::Status status : model::k_all_statuses)
        out.key(model::to_string(status)).value(totals[status]);
}

void stream_totals_object(JsonStream& out, const model::Totals& totals) {
    out.begin_object();
    stream_totals(out, totals);
    out.end_object();
}

void stream_inventory(JsonStream& out, const std::vector<model::InventoryNode>& nodes) {
    out.begin_array();
    for (const auto& node : nodes) {
        out.begin_object();
        out.member("name", node.name);
        out.member("kubelet_version", node.kubelet_version);
        out.member("provider_id", node.provider_id);
        out.member("created_at", node.created_at);
        out.end_object();
    }
    out.end_array();
}

void stream_merged(JsonStream& out, const std::vector<model::MergedReport>& merged) {
    out.begin_array();
    for (const auto& m : merged) {
        out.begin_object();
        out.member("file", m.file);
        out.member("sha256", m.sha256);
        out.member("node", m.node);
        out.member("scan_id", m.scan_id);
        out.member("started_at", m.started_at);
        out.key("totals");
        stream_totals_object(out, m.totals);
        out.end_object();
    }
    out.end_array();
}

void stream_namespace_scope(JsonStream& out, const model::NamespaceScopeInfo& ns) {
    out.begin_object();
    if (!ns.namespaces.empty()) out.key("namespaces").value(ns.namespaces);
    if (!ns.selector.empty()) {
        out.member("selector", ns.selector);
        out.key("selected").value(ns.selected);
    }
    if (!ns.excluded.empty()) {
        out.key("excluded").value(ns.excluded);
        out.key("excluded_by").value(ns.excluded_by);
    }
    out.end_object();
}

// The fields kubeproof.report/v1 has always had, then the scan's identity (added later: readers of
// the first reports ignore what they do not know).
void stream_scan(JsonStream& out, const model::ScanInfo& scan) {
    out.begin_object();
    out.member("id", scan.id);
    out.member("started_at", scan.started_at);
    out.member("finished_at", scan.finished_at);
    out.member("host", scan.host);
    out.member("benchmark", scan.benchmark);
    out.member("kubernetes_version", scan.kubernetes_version);
    out.key("targets").value(scan.targets);
    out.member("benchmark_title", scan.benchmark_title);
    out.key("detected").value(scan.detected);
    if (scan.benchmark_selected_by) {
        out.key("benchmark_selected_by").begin_object();
        out.member("rule", scan.benchmark_selected_by->rule);
        out.member("detail", scan.benchmark_selected_by->detail);
        out.end_object();
        out.key("benchmark_warnings").value(scan.benchmark_warnings);
    }
    if (!scan.benchmarks.empty()) out.key("benchmarks").value(scan.benchmarks);
    if (scan.namespace_scope) {
        out.key("namespace_scope");
        stream_namespace_scope(out, *scan.namespace_scope);
    }
    if (scan.insecure_tls) out.key("insecure_tls").value(true);
    if (!scan.scope.empty()) out.member("scope", scan.scope);
    if (!scan.cluster_name.empty() || !scan.cluster_uid.empty()) {
        out.key("cluster").begin_object();
        if (!scan.cluster_name.empty()) out.member("name", scan.cluster_name);
        if (!scan.cluster_uid.empty()) out.member("uid", scan.cluster_uid);
        out.end_object();
    }
    if (!scan.node.empty()) out.member("node", scan.node);
    if (!scan.nodes.empty()) {
        out.key("nodes");
        stream_inventory(out, scan.nodes);
    }
    if (scan.link) {
        out.member("series", scan.link->series);
        out.key("seq").value(scan.link->seq);
        out.key("previous");
        if (scan.link->previous.empty())
            out.null();
        else
            out.value(scan.link->previous);
    }
    if (!scan.merged.empty()) {
        out.key("merged");
        stream_merged(out, scan.merged);
    }
    out.end_object();
}

void stream_tool(JsonStream& out, const model::Report& report) {
    out.begin_object();
    out.member("name", k_tool_name);
    out.member("version", report.tool_version);
    if (!report.definitions_sha256.empty())
        out.member("definitions_sha256", report.definitions_sha256);
    out.end_object();
}

void stream_evidence(JsonStream& out, const std::vector<model::Evidence>& evidence) {
    out.begin_array();
    for (const auto& item : evidence) {
        out.begin_object();
        out.member("source", item.source);
        out.member("ref", item.ref);
        out.member("value", item.value);
        if (!item.file.empty()) out.member("file", item.file);
        if (item.line > 0) out.key("line").value(item.line);
        if (!item.labels.empty()) {
            out.key("labels").begin_object();
            for (const auto& [name, value] : item.labels) out.member(name, value);
            out.end_object();
        }
        out.end_object();
    }
    out.end_array();
}

void stream_controls(JsonStream& out, const std::map<std::string, std::vector<std::string>>& map) {
    out.begin_object();
    for (const auto& [framework, criteria] : map) out.key(framework).value(criteria);
    out.end_object();
}

void stream_node_results(JsonStream& out, const std::vector<model::NodeResult>& nodes) {
    out.begin_array();
    for (const auto& node : nodes) {
        out.begin_object();
        out.member("node", node.node);
        out.member("status", model::to_string(node.status));
        out.member("actual", node.actual);
        if (!node.reason.empty()) out.member("reason", node.reason);
        out.key("evidence");
        stream_evidence(out, node.evidence);
        out.end_object();
    }
    out.end_array();
}

// The waiver as its file states it: its place, check and scope, then who, why and until when,
// then its state in this scan.
void stream_waiver(JsonStream& out, const model::AppliedWaiver& applied) {
    const model::Waiver& waiver = applied.waiver;
    out.begin_object();
    out.member("source", waiver.source);
    out.member("check", waiver.check);
    const auto given = [&](std::string_view name, const std::string& value) {
        if (!value.empty()) out.member(name, value);
    };
    given("node", waiver.node);
    given("namespace", waiver.namespace_name);
    given("object", waiver.object);
    if (!waiver.selector.empty()) {
        out.key("selector").begin_object();
        for (const auto& [label, value] : waiver.selector) out.member(label, value);
        out.end_object();
    }
    out.member("owner", waiver.owner);
    given("approver", waiver.approver);
    given("reason", waiver.reason);
    given("ticket", waiver.ticket);
    given("created", waiver.created);
    out.member("expires", waiver.expires);
    out.member("state", model::to_string(applied.state));
    out.end_object();
}

void stream_waivers(JsonStream& out, const model::WaiverSummary& summary) {
    out.begin_object();
    out.member("file", summary.file);
    out.member("sha256", summary.sha256);
    out.key("active").value(summary.active);
    out.key("expired").value(summary.expired);
    out.key("stale").begin_array();
    for (const auto& waiver : summary.stale) {
        out.begin_object();
        out.member("source", waiver.source);
        out.member("check", waiver.check);
        out.end_object();
    }
    out.end_array();
    out.end_object();
}

void stream_result(JsonStream& out, const model::Result& result) {
    out.begin_object();
    out.member("id", result.id);
    out.member("benchmark", result.benchmark);
    out.member("target", result.target);
    out.member("group", result.group);
    out.member("title", result.title);
    out.member("status", model::to_string(result.status));
    out.key("automated").value(result.automated);
    out.member("expected", result.expected);
    out.member("actual", result.actual);
    out.key("evidence");
    stream_evidence(out, result.evidence);
    out.member("remediation", result.remediation);
    out.key("controls");
    stream_controls(out, result.controls);
    out.member("group_title", result.group_title);
    if (!result.key.empty()) out.member("key", result.key);
    if (!result.reason.empty()) out.member("reason", result.reason);
    if (!result.guidance.empty()) out.member("guidance", result.guidance);
    if (!result.nodes.empty()) {
        out.key("nodes");
        stream_node_results(out, result.nodes);
    }
    if (result.findings) out.key("findings").value(*result.findings);
    if (result.waiver) {
        out.key("waiver");
        stream_waiver(out, *result.waiver);
    }
    out.end_object();
}

void stream_frameworks(JsonStream& out, const model::Report& report) {
    out.begin_object();
    for (const auto& framework : summarise_frameworks(report)) {
        out.key(framework.id).begin_object();
        for (const auto& row : framework.rows) {
            out.key(row.id).begin_object();
            if (!row.title.empty()) out.member("title", row.title);
            stream_totals(out, row.totals);
            out.key("checks").value(row.checks);
            out.end_object();
        }
        out.end_object();
    }
    out.end_object();
}

}  // namespace

std::string to_json(const model::Report& report) {
    std::string text;
    text.reserve(4096 + report.results.size() * 2048);
    JsonStream out(text);
    out.begin_object();
    out.member("schema", k_schema);
    out.key("tool");
    stream_tool(out, report);
    out.key("scan");
    stream_scan(out, report.scan);
    out.key("results").begin_array();
    for (const auto& result : report.results) stream_result(out, result);
    out.end_array();
    out.key("totals");
    stream_totals_object(out, model::count(report));
    out.key("frameworks");
    stream_frameworks(out, report);
    if (report.waivers) {
        out.key("waivers");
        stream_waivers(out, *report.waivers);
    }
    out.end_object();
    text += '\n';
    return text;
}

}  // namespace kubeproof::report
