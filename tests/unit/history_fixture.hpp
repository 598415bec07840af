#pragma once

#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "history/report_file.hpp"

namespace kubeproof::test {

/// One result as a stored report has it: evidence a single process flag.
inline nlohmann::ordered_json stored_result(const std::string& id, const std::string& key,
                                            const std::string& status,
                                            const std::string& value = "--profiling=false",
                                            const std::string& reason = "") {
    nlohmann::ordered_json r{
        {"id", id},
        {"benchmark", "cis-1.12"},
        {"target", "master"},
        {"group", id.substr(0, id.rfind('.'))},
        {"title", "Ensure " + id},
        {"status", status},
        {"automated", true},
        {"expected", "as expected"},
        {"actual", status == "PASS" ? "as expected" : "not as expected"},
        {"evidence",
         {{{"source", "process"}, {"ref", "kube-apiserver pid 4624"}, {"value", value}}}},
        {"remediation", "Fix it."},
        {"controls", {{"soc2", {"CC6.1"}}}},
        {"group_title", "API Server"}};
    if (!key.empty()) r["key"] = key;
    if (!reason.empty()) r["reason"] = reason;
    return r;
}

/// A stored node report of `node` with these results; cluster fields only when given.
inline nlohmann::ordered_json stored_report(const std::string& node,
                                            std::vector<nlohmann::ordered_json> results,
                                            const std::string& cluster_name = "",
                                            const std::string& cluster_uid = "") {
    nlohmann::ordered_json scan{{"id", "scan-" + node},
                                {"started_at", "2026-01-01T00:00:00Z"},
                                {"finished_at", "2026-01-01T00:00:05Z"},
                                {"host", node},
                                {"benchmark", "cis-1.12"},
                                {"kubernetes_version", "1.32"},
                                {"targets", {"master", "node"}},
                                {"benchmark_title", "CIS Kubernetes Benchmark v1.12.0"},
                                {"detected", {"apiserver"}},
                                {"scope", "node"},
                                {"node", node}};
    if (!cluster_name.empty() || !cluster_uid.empty()) {
        scan["cluster"] = nlohmann::ordered_json::object();
        if (!cluster_name.empty()) scan["cluster"]["name"] = cluster_name;
        if (!cluster_uid.empty()) scan["cluster"]["uid"] = cluster_uid;
    }
    return {{"schema", "kubeproof.report/v1"},
            {"tool", {{"name", "kubeproof"}, {"version", "0.1.0"}}},
            {"scan", scan},
            {"results", std::move(results)},
            {"totals", nlohmann::ordered_json::object()},
            {"frameworks",
             {{"soc2", {{"CC6.1", {{"title", "Logical access"}, {"checks", {"1.2.15"}}}}}}}}};
}

/// Reads a stored report back as history does.
inline history::ReportFile read_stored(const nlohmann::ordered_json& doc,
                                       const std::string& name = "r.json") {
    auto read = history::read_report(doc.dump(), name);
    REQUIRE_MESSAGE(read, (read ? "" : read.error().message));
    return *read;
}

}  // namespace kubeproof::test
