#pragma once

#include <array>
#include <string>
#include <vector>

#include "history/report_file.hpp"
#include "model/result.hpp"
#include "util/expected.hpp"

namespace kubeproof::history {

/// How merge ranks the statuses of one check on several nodes, worst first: the status on top of
/// a merged result is the first of these that any node has. ERROR leads (a node that could not be
/// judged may hide anything, so it is never covered by another node's FAIL or PASS); then the
/// findings FAIL and WARN; then PASS (judged and met where the check applies); then NA (the check
/// does not apply on that node) and last SKIP (the user excluded it).
inline constexpr std::array<model::Status, 6> k_merge_order = {
    model::Status::Error, model::Status::Fail, model::Status::Warn,
    model::Status::Pass,  model::Status::NA,   model::Status::Skip};

/// One per-node report to merge, as the caller read it.
struct MergeInput {
    std::string file;    ///< as named on the command line
    std::string sha256;  ///< of its exact bytes
    ReportFile report;
};

/// What merge is told besides the reports.
struct MergeOptions {
    std::string cluster;  ///< --cluster: the cluster the reports belong to; "" to take theirs
    bool latest = false;  ///< --latest: of several reports of one node, keep the newest
    std::string scan_id;  ///< the merged report's scan id (the caller derives it)
    std::string tool_version;
};

/// Why the reports cannot be merged (exit 2): a sentence naming the files.
struct MergeProblem {
    std::string message;
};

/// The merged report and what to tell the user about it.
struct MergeOutcome {
    model::Report report;
    std::vector<std::string> merged;    ///< "cp-1 (cp-1.json)", by node
    std::vector<std::string> warnings;  ///< e.g. reports judged by different definitions
};

/// Joins the reports of the nodes of one cluster into one cluster report: per check the worst
/// status on top (k_merge_order), `actual` saying which nodes have which status, each node's own
/// status, actual, reason and evidence in `nodes`, and the inputs in `scan.merged`. Refuses
/// reports of different clusters (cluster uid when both have one, else cluster name; reports that
/// cannot be told apart need `cluster`), of different benchmarks or benchmark versions, two
/// reports of one node (unless `latest`), and reports that are merged already. Pure: reads
/// nothing.
util::Expected<MergeOutcome, MergeProblem> merge(std::vector<MergeInput> inputs,
                                                 const MergeOptions& options);

}  // namespace kubeproof::history
