#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "history/report_file.hpp"

namespace kubeproof::history {

/// What changed about a check (or a node) between two reports, in the order a reviewer reads
/// them.
enum class ChangeKind {
    NodeAdded,    ///< a node the old report did not have (merged reports)
    NodeRemoved,  ///< a node the new report no longer has
    Regressed,    ///< PASS, NA or SKIP -> FAIL, WARN or ERROR: a new finding
    Fixed,        ///< FAIL, WARN or ERROR -> PASS
    Cleared,      ///< FAIL, WARN or ERROR -> NA or SKIP: the finding is gone, but not judged
    Changed,      ///< any other status change (FAIL -> WARN, PASS -> NA, ...)
    Drifted,      ///< same status, different evidence
    Added,        ///< a check only the new report has
    Removed,      ///< a check only the old report has
};

/// Every kind, in report order.
inline constexpr std::array<ChangeKind, 9> k_change_kinds = {
    ChangeKind::NodeAdded, ChangeKind::NodeRemoved, ChangeKind::Regressed,
    ChangeKind::Fixed,     ChangeKind::Cleared,     ChangeKind::Changed,
    ChangeKind::Drifted,   ChangeKind::Added,       ChangeKind::Removed};

/// "node-added", "node-removed", "regressed", "fixed", "cleared", "changed", "drifted", "added",
/// "removed".
std::string_view to_string(ChangeKind kind);

/// One evidence reference whose values differ (drift): the values seen there before and now.
struct EvidenceChange {
    std::string source;
    std::string ref;
    std::vector<std::string> old_values;  ///< empty: the reference is new
    std::vector<std::string> new_values;  ///< empty: the reference is gone
};

/// One change.
struct Change {
    ChangeKind kind = ChangeKind::Changed;
    std::string id;      ///< the check's id in the new report (the old one when removed)
    std::string old_id;  ///< its id in the old report ("" when added; differs across versions)
    std::string key;
    std::string node;  ///< the node concerned; "" for a check added or removed as a whole
    std::string title;
    std::string old_status;  ///< "" when added
    std::string new_status;  ///< "" when removed
    std::string actual;      ///< what the report that has the check now says (actual, or reason)
    std::vector<EvidenceChange> evidence;  ///< drift only
};

/// The side of a diff: what one report is about.
struct DiffSide {
    std::string file;
    std::string scan_id;
    std::string started_at;
    std::string benchmark;
    std::string cluster;             ///< name, else uid; "" when unknown
    std::vector<std::string> nodes;  ///< the node of a node report; a merged report's nodes
    bool merged = false;
};

/// Everything diff found, sorted: by kind, then check id (benchmark order), then node.
struct DiffOutcome {
    DiffSide old_side;
    DiffSide new_side;
    std::vector<Change> changes;
    /// A node the old report did not cover (NODE-ADDED) has a finding (FAIL, WARN, ERROR).
    bool added_node_findings = false;

    /// Whether a check regressed anywhere, a node added has a finding, or a check the old report
    /// lacked is a finding (FAIL, WARN, ERROR) in the new one: diff's exit 1.
    bool regressed() const;
    /// How many changes are of `kind`.
    size_t count(ChangeKind kind) const;
};

/// Compares two reports. Checks are matched by key (so reports of different benchmark versions
/// match), a result without a key by id. Each node of a merged report is compared with the same
/// node of the other (a plain node report counts as a report of its one node; two plain reports
/// are compared with each other, whatever their nodes). Pure: reads nothing.
DiffOutcome diff(const ReportFile& old_report, const std::string& old_file,
                 const ReportFile& new_report, const std::string& new_file);

}  // namespace kubeproof::history
