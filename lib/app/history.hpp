#pragma once

#include <string>
#include <vector>

#include "app/scan.hpp"
#include "util/expected.hpp"

namespace kubeproof::app {

/// What `kubeproof diff` was asked to compare.
struct DiffRequest {
    std::string old_report;
    std::string new_report;
    std::string format = "text";  ///< text or json
};

/// The rendered changes and whether anything regressed.
struct DiffResult {
    std::string output;
    bool regressed = false;
};

/// Reads two reports, compares them with history::diff and renders the changes. An unreadable
/// report is exit 2 naming file:line:col.
util::Expected<DiffResult, ScanError> diff_reports(const DiffRequest& request);

/// What `kubeproof merge` was asked to join.
struct MergeRequest {
    std::vector<std::string> inputs;  ///< per-node report files
    std::string cluster;              ///< --cluster
    bool latest = false;              ///< --latest
};

/// The merged report (kubeproof.report/v1 JSON) and what to tell the user on stderr.
struct MergeResult {
    std::string report;
    std::vector<std::string> merged;  ///< "cp-1 (cp-1.json)", by node
    std::vector<std::string> warnings;
};

/// Reads the reports (each hashed), merges them with history::merge and renders the result as
/// JSON. Unreadable reports, and reports that must not be merged, are exit 2 naming the files.
util::Expected<MergeResult, ScanError> merge_reports(const MergeRequest& request);

}  // namespace kubeproof::app
