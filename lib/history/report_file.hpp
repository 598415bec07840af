#pragma once

#include <cstdint>
#include <functional>
#include <map>
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
    std::string benchmark_title;
    std::string kubernetes_version;
    std::vector<std::string> targets;
    std::vector<std::string> detected;
    std::string cluster_name;
    std::string cluster_uid;
    std::string node;
    std::string scope;
    std::string series;                   ///< "" when the report was not stored
    uint64_t seq = 0;                     ///< 0 when the report was not stored
    std::optional<std::string> previous;  ///< SHA-256 of the previous report; nullopt at the start
    std::vector<model::InventoryNode> nodes;
    std::vector<model::MergedReport> merged;  ///< the inputs of a merged report
    std::optional<model::BenchmarkSelectedBy> benchmark_selected_by = {};  ///< unset in older ones
    std::vector<std::string> benchmark_warnings = {};
    std::vector<std::string> benchmarks = {};  ///< a scan of several benchmarks together
    std::optional<model::NamespaceScopeInfo> namespace_scope = {};
    bool insecure_tls =
        false;  ///< scan.insecure_tls: the API server's certificate was not verified
};

/// One result as a report states it.
struct ReportResult {
    std::string id;
    std::string key;  ///< stable across benchmark versions; "" in reports without it
    std::string benchmark;
    std::string target;
    std::string group;
    std::string group_title;
    std::string title;
    std::string status;  ///< PASS, FAIL, WARN, SKIP, NA, ERROR
    bool automated = true;
    std::string expected;
    std::string actual;
    std::string reason;
    std::string guidance;
    std::string remediation;
    std::map<std::string, std::vector<std::string>> controls;  ///< framework id -> criteria ids
    nlohmann::json evidence;                                   ///< as the report has it
    std::optional<int> findings;  ///< section 5: the items at fault, each an evidence item
    nlohmann::json node_results = nlohmann::json::array();  ///< `nodes` of a merged report
};

/// A whole report.
struct ReportFile {
    ReportHeader header;
    std::vector<ReportResult> results;
    /// The criteria each framework summary names, in the report's (catalogue) order, with their
    /// titles; framework titles are not in reports and stay empty.
    std::vector<model::FrameworkInfo> frameworks;
};

/// Why a report could not be read: "path:line:col: message".
struct ReadProblem {
    std::string message;
};

/// Reads the schema, tool and scan of a report, stopping where its results begin.
util::Expected<ReportHeader, ReadProblem> read_header(const std::string& bytes,
                                                      const std::string& name);

/// read_header, once the whole text has been read as JSON: a report cut short or broken anywhere
/// (after its header too) is a problem naming its line and column, and one nested deeper than
/// util::k_max_json_depth is refused. What `verify` reads, so that it never calls a store intact
/// while `report` cannot read one of its reports.
util::Expected<ReportHeader, ReadProblem> read_header_of_whole(const std::string& bytes,
                                                               const std::string& name);

/// Makes the handler of a report's results for read_header_then(). It may be called twice for one
/// report (a fast read that gives up is followed by nlohmann's): each call starts a fresh handler.
using ResultsHandler = std::function<nlohmann::json_sax<nlohmann::json>*()>;

/// Reads the header as read_header does, then hands the handler `results` makes every event of the
/// report's results value, its own start and end included, and stops when that value ends: a
/// reader that needs a few fields of each result, without a DOM of them. A parse error inside the
/// results is an error too. The text is read by RapidJSON (`sax_read_fast`) and, when that gives
/// up, by nlohmann's parser, whose errors name the line and column.
util::Expected<ReportHeader, ReadProblem> read_header_then(const std::string& bytes,
                                                           const std::string& name,
                                                           const ResultsHandler& results);

/// The node a report is about: scan.node, else "cluster" for a cluster-scope report, else its
/// host.
std::string subject_node(const ReportHeader& header);

/// Whether a report was written by merge: it lists what it merged, or its results have nodes.
bool is_merged(const ReportFile& report);

/// Reads a whole report.
util::Expected<ReportFile, ReadProblem> read_report(std::string_view bytes,
                                                    const std::string& name);

}  // namespace kubeproof::history
