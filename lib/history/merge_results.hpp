#pragma once

#include <string>
#include <vector>

#include "history/report_file.hpp"
#include "model/result.hpp"

namespace kubeproof::history {

/// One node's report, as merge_results reads it.
struct NodeReport {
    std::string node;
    const ReportFile* report = nullptr;
};

/// One result per check (matched by key, else id) over the nodes' reports, in benchmark order:
/// the worst status on top (k_merge_order), `actual` naming the nodes of each status ("FAIL on 2
/// of 3 nodes: cp-1, cp-2; PASS on 1: cp-3"), the reasons and evidence of the worst nodes (each
/// evidence ref prefixed with its node), and every node's own outcome in `nodes`. The nodes are
/// in the order given; their statuses must be valid.
std::vector<model::Result> merge_results(const std::vector<NodeReport>& nodes);

/// The frameworks the reports summarise, with the criteria of all of them in catalogue order.
std::vector<model::FrameworkInfo> merge_frameworks(const std::vector<NodeReport>& nodes);

}  // namespace kubeproof::history
