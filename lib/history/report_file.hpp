#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/result.hpp"
#include "util/expected.hpp"

namespace kubeproof::history {

/// Who and what a stored report is about, and where it sits in its series: everything but the
/// results, so that a store of a year of reports can be checked without reading them.
struct ReportHeader {
    std::string schema;              ///< "kubeproof.report/v1"
    std::string tool_version;        ///< tool.version
    std::string definitions_sha256;  ///< tool.definitions_sha256 ("" in reports older than it)
    std::string id;
    std::string started_at;   ///< RFC 3339
    std::string finished_at;  ///< RFC 3339
    std::string host;
    std::string benchmark;
    std::vector<std::string> targets;
    std::string cluster_name;
    std::string cluster_uid;
    std::string node;
    std::string scope;
    std::string series;                   ///< "" when the report was not stored
    uint64_t seq = 0;                     ///< 0 when the report was not stored
    std::optional<std::string> previous;  ///< SHA-256 of the previous report; nullopt at the start
    std::vector<model::InventoryNode> nodes;
};

/// One result as a report states it.
struct ReportResult {
    std::string id;
    std::string key;  ///< stable across benchmark versions; "" in reports without it
    std::string target;
    std::string title;
    std::string status;  ///< PASS, FAIL, WARN, SKIP, NA, ERROR
    std::string actual;
    std::string reason;
    nlohmann::json evidence;                                ///< as the report has it
    nlohmann::json node_results = nlohmann::json::array();  ///< `nodes` of a merged report
};

/// A whole report.
struct ReportFile {
    ReportHeader header;
    std::vector<ReportResult> results;
};

/// Why a report could not be read: "path:line:col: message".
struct ReadProblem {
    std::string message;
};

/// Reads the schema, tool and scan of a report, stopping where its results begin.
util::Expected<ReportHeader, ReadProblem> read_header(std::string_view bytes,
                                                      const std::string& name);

/// Reads a whole report.
util::Expected<ReportFile, ReadProblem> read_report(std::string_view bytes,
                                                    const std::string& name);

}  // namespace kubeproof::history
