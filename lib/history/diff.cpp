#include "history/diff.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <utility>

#include "history/json_text.hpp"
#include "util/text.hpp"

namespace kubeproof::history {

namespace {

/// One node's outcome of a check.
struct NodeState {
    std::string status;
    std::string actual;  ///< actual, else reason
    const nlohmann::json* evidence = nullptr;
};

/// One check of a report, per node.
struct CheckView {
    const ReportResult* result = nullptr;
    std::map<std::string, NodeState> nodes;
};

/// A report as diff compares it: its checks, each per node, and the nodes it covers.
struct ReportView {
    std::vector<CheckView> checks;
    std::set<std::string> nodes;
    bool merged = false;
};

std::string actual_of(const std::string& actual, const std::string& reason) {
    return actual.empty() ? reason : actual;
}

/// The checks of a report per node; a plain report is one node, named `label`.
ReportView view_of(const ReportFile& report, const std::string& label) {
    ReportView view;
    view.merged = is_merged(report);
    for (const auto& m : report.header.merged) view.nodes.insert(m.node);
    if (!view.merged) view.nodes.insert(label);
    for (const auto& r : report.results) {
        CheckView check{&r, {}};
        if (!view.merged)
            check.nodes[label] = {r.status, actual_of(r.actual, r.reason), &r.evidence};
        if (view.merged && r.node_results.is_array()) {
            for (const auto& n : r.node_results) {
                if (!n.is_object()) continue;
                const std::string node = text_at(n, "node");
                const auto evidence = n.find("evidence");
                check.nodes[node] = {text_at(n, "status"),
                                     actual_of(text_at(n, "actual"), text_at(n, "reason")),
                                     evidence == n.end() ? nullptr : &*evidence};
                view.nodes.insert(node);
            }
        }
        view.checks.push_back(std::move(check));
    }
    return view;
}

/// Pairs of (old index, new index): by key, then by id where a side has no key.
std::vector<std::pair<size_t, size_t>> match(const ReportView& old_view,
                                             const ReportView& new_view) {
    std::vector<std::pair<size_t, size_t>> pairs;
    std::vector<bool> old_used(old_view.checks.size());
    std::vector<bool> new_used(new_view.checks.size());
    std::map<std::string, size_t> by_key;
    for (size_t j = 0; j < new_view.checks.size(); ++j) {
        if (!new_view.checks[j].result->key.empty())
            by_key.emplace(new_view.checks[j].result->key, j);
    }
    for (size_t i = 0; i < old_view.checks.size(); ++i) {
        const auto found = by_key.find(old_view.checks[i].result->key);
        if (found == by_key.end() || new_used[found->second]) continue;
        pairs.emplace_back(i, found->second);
        old_used[i] = new_used[found->second] = true;
    }
    std::map<std::string, size_t> by_id;
    for (size_t j = 0; j < new_view.checks.size(); ++j) {
        if (!new_used[j]) by_id.emplace(new_view.checks[j].result->id, j);
    }
    for (size_t i = 0; i < old_view.checks.size(); ++i) {
        const auto found = old_used[i] ? by_id.end() : by_id.find(old_view.checks[i].result->id);
        if (found == by_id.end() || new_used[found->second]) continue;
        if (!old_view.checks[i].result->key.empty() &&
            !new_view.checks[found->second].result->key.empty())
            continue;  // two different checks that happen to share a number
        pairs.emplace_back(i, found->second);
        old_used[i] = new_used[found->second] = true;
    }
    return pairs;
}

bool is_finding(const std::string& status) {
    return status == "FAIL" || status == "WARN" || status == "ERROR";
}

ChangeKind classify(const std::string& before, const std::string& after) {
    if (!is_finding(before) && is_finding(after)) return ChangeKind::Regressed;
    if (is_finding(before) && after == "PASS") return ChangeKind::Fixed;
    if (is_finding(before) && (after == "NA" || after == "SKIP")) return ChangeKind::Cleared;
    return ChangeKind::Changed;
}

/// The values of each (source, ref), in the order the references first appear.
using EvidenceMap =
    std::vector<std::pair<std::pair<std::string, std::string>, std::vector<std::string>>>;

EvidenceMap evidence_map(const nlohmann::json* evidence) {
    EvidenceMap out;
    if (evidence == nullptr || !evidence->is_array()) return out;
    for (const auto& item : *evidence) {
        std::pair<std::string, std::string> where{text_at(item, "source"), text_at(item, "ref")};
        auto it =
            std::find_if(out.begin(), out.end(), [&](const auto& e) { return e.first == where; });
        if (it == out.end()) it = out.insert(out.end(), {where, {}});
        it->second.push_back(text_at(item, "value"));
    }
    return out;
}

std::vector<EvidenceChange> evidence_changes(const nlohmann::json* before,
                                             const nlohmann::json* after) {
    const EvidenceMap old_map = evidence_map(before);
    const EvidenceMap new_map = evidence_map(after);
    auto values_in = [](const EvidenceMap& map, const auto& where) {
        const auto it =
            std::find_if(map.begin(), map.end(), [&](const auto& e) { return e.first == where; });
        return it == map.end() ? std::vector<std::string>{} : it->second;
    };
    std::vector<EvidenceChange> out;
    for (const auto& [where, values] : new_map) {
        auto old_values = values_in(old_map, where);
        if (old_values != values)
            out.push_back({where.first, where.second, std::move(old_values), values});
    }
    for (const auto& [where, values] : old_map) {
        if (values_in(new_map, where).empty())
            out.push_back({where.first, where.second, values, {}});
    }
    return out;
}

Change node_change(ChangeKind kind, std::string node) {
    return {kind, "", "", "", std::move(node), "", "", "", "", {}};
}

Change change(ChangeKind kind, const ReportResult* before, const ReportResult* after,
              std::string node) {
    const ReportResult& now = after != nullptr ? *after : *before;
    return {kind,
            now.id,
            before != nullptr ? before->id : "",
            now.key,
            std::move(node),
            now.title,
            "",
            "",
            "",
            {}};
}

/// The changes of one check present in both reports, node by node.
void compare_check(const CheckView& before, const CheckView& after, const ReportView& old_view,
                   const ReportView& new_view, std::vector<Change>& out) {
    for (const auto& [node, now] : after.nodes) {
        const auto was = before.nodes.find(node);
        if (was == before.nodes.end()) {
            if (!old_view.nodes.contains(node)) continue;  // the node is new: NodeAdded says so
            Change c = change(ChangeKind::Added, before.result, after.result, node);
            c.new_status = now.status;
            c.actual = now.actual;
            out.push_back(std::move(c));
            continue;
        }
        const bool same = was->second.status == now.status;
        auto evidence = same ? evidence_changes(was->second.evidence, now.evidence)
                             : std::vector<EvidenceChange>{};
        if (same && evidence.empty()) continue;
        Change c = change(same ? ChangeKind::Drifted : classify(was->second.status, now.status),
                          before.result, after.result, node);
        c.old_status = was->second.status;
        c.new_status = now.status;
        c.actual = now.actual;
        c.evidence = std::move(evidence);
        out.push_back(std::move(c));
    }
    for (const auto& [node, was] : before.nodes) {
        if (after.nodes.contains(node) || !new_view.nodes.contains(node)) continue;
        Change c = change(ChangeKind::Removed, before.result, nullptr, node);
        c.old_status = was.status;
        c.actual = was.actual;
        out.push_back(std::move(c));
    }
}

/// A check only one report has, as a whole.
Change whole_check(ChangeKind kind, const CheckView& check) {
    const ReportResult& r = *check.result;
    Change c = change(kind, kind == ChangeKind::Removed ? &r : nullptr,
                      kind == ChangeKind::Added ? &r : nullptr, "");
    (kind == ChangeKind::Added ? c.new_status : c.old_status) = r.status;
    c.actual = actual_of(r.actual, r.reason);
    return c;
}

DiffSide side_of(const ReportFile& report, const std::string& file, const ReportView& view) {
    const ReportHeader& h = report.header;
    return {file,
            h.id,
            h.started_at,
            h.benchmark,
            h.cluster_name.empty() ? h.cluster_uid : h.cluster_name,
            view.merged ? std::vector<std::string>(view.nodes.begin(), view.nodes.end())
                        : std::vector<std::string>{subject_node(h)},
            view.merged};
}

bool change_less(const Change& a, const Change& b) {
    if (a.kind != b.kind) return a.kind < b.kind;
    if (a.id != b.id) return util::natural_less(a.id, b.id);
    return std::tie(a.node, a.key, a.old_id) < std::tie(b.node, b.key, b.old_id);
}

}  // namespace

std::string_view to_string(ChangeKind kind) {
    static constexpr std::array<std::string_view, k_change_kinds.size()> k_names = {
        "node-added", "node-removed", "regressed", "fixed",  "cleared",
        "changed",    "drifted",      "added",     "removed"};
    return k_names[static_cast<size_t>(kind)];
}

bool DiffOutcome::regressed() const {
    // A check the old report did not have (a narrower old scan, a newer benchmark) that is a
    // finding now is a new finding too: a gate on the exit code must not let it through.
    return added_node_findings || std::any_of(changes.begin(), changes.end(), [](const Change& c) {
               return c.kind == ChangeKind::Regressed ||
                      (c.kind == ChangeKind::Added && is_finding(c.new_status));
           });
}

size_t DiffOutcome::count(ChangeKind kind) const {
    return static_cast<size_t>(std::count_if(changes.begin(), changes.end(),
                                             [kind](const Change& c) { return c.kind == kind; }));
}

DiffOutcome diff(const ReportFile& old_report, const std::string& old_file,
                 const ReportFile& new_report, const std::string& new_file) {
    // Two plain reports are one node each: compared with each other under the new report's node.
    const std::string new_label = subject_node(new_report.header);
    const bool plain = !is_merged(old_report) && !is_merged(new_report);
    const ReportView old_view =
        view_of(old_report, plain ? new_label : subject_node(old_report.header));
    const ReportView new_view = view_of(new_report, new_label);
    DiffOutcome outcome{
        side_of(old_report, old_file, old_view), side_of(new_report, new_file, new_view), {}};
    auto& out = outcome.changes;
    for (const auto& node : new_view.nodes) {
        if (!old_view.nodes.contains(node)) out.push_back(node_change(ChangeKind::NodeAdded, node));
    }
    for (const auto& check : new_view.checks) {
        for (const auto& [node, state] : check.nodes) {
            if (!old_view.nodes.contains(node) && is_finding(state.status))
                outcome.added_node_findings = true;
        }
    }
    for (const auto& node : old_view.nodes) {
        if (!new_view.nodes.contains(node))
            out.push_back(node_change(ChangeKind::NodeRemoved, node));
    }
    std::vector<bool> old_matched(old_view.checks.size());
    std::vector<bool> new_matched(new_view.checks.size());
    for (const auto& [i, j] : match(old_view, new_view)) {
        compare_check(old_view.checks[i], new_view.checks[j], old_view, new_view, out);
        old_matched[i] = new_matched[j] = true;
    }
    for (size_t j = 0; j < new_view.checks.size(); ++j) {
        if (!new_matched[j]) out.push_back(whole_check(ChangeKind::Added, new_view.checks[j]));
    }
    for (size_t i = 0; i < old_view.checks.size(); ++i) {
        if (!old_matched[i]) out.push_back(whole_check(ChangeKind::Removed, old_view.checks[i]));
    }
    std::sort(out.begin(), out.end(), change_less);
    return outcome;
}

}  // namespace kubeproof::history
