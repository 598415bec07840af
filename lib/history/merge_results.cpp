#include "history/merge_results.hpp"

#include <algorithm>
#include <deque>
#include <map>

#include <fmt/format.h>

#include "history/json_text.hpp"
#include "history/merge.hpp"
#include "util/text.hpp"

namespace kubeproof::history {

namespace {

/// One node's result of a check.
struct Seen {
    std::string node;
    const ReportResult* result = nullptr;
    model::Status status = model::Status::Error;
};

/// Lower is worse.
size_t rank(model::Status status) {
    return static_cast<size_t>(std::find(k_merge_order.begin(), k_merge_order.end(), status) -
                               k_merge_order.begin());
}

/// The evidence of a stored result, each ref after `prefix`.
std::vector<model::Evidence> evidence_of(const nlohmann::json& evidence,
                                         const std::string& prefix) {
    std::vector<model::Evidence> out;
    if (!evidence.is_array()) return out;
    for (const auto& item : evidence) {
        if (!item.is_object()) continue;
        const auto line = item.find("line");
        out.push_back({text_at(item, "source"), prefix + text_at(item, "ref"),
                       text_at(item, "value"), text_at(item, "file"),
                       line != item.end() && line->is_number_integer() ? line->get<int>() : 0});
    }
    return out;
}

/// "FAIL on 2 of 3 nodes: cp-1, cp-2; PASS on 1: worker-1".
std::string summary(const std::vector<Seen>& seen) {
    std::vector<std::string> parts;
    for (model::Status status : k_merge_order) {
        std::vector<std::string> names;
        for (const auto& s : seen) {
            if (s.status == status) names.push_back(s.node);
        }
        if (names.empty()) continue;
        parts.push_back(
            parts.empty() ? fmt::format("{} on {} of {} {}: {}", model::to_string(status),
                                        names.size(), seen.size(),
                                        seen.size() == 1 ? "node" : "nodes", fmt::join(names, ", "))
                          : fmt::format("{} on {}: {}", model::to_string(status), names.size(),
                                        fmt::join(names, ", ")));
    }
    return fmt::format("{}", fmt::join(parts, "; "));
}

/// The reasons of the nodes with the worst status, each once with its nodes: "cp-1, cp-2: why".
std::string reasons(const std::vector<Seen>& seen, model::Status worst) {
    std::vector<std::pair<std::string, std::vector<std::string>>> by_reason;
    for (const auto& s : seen) {
        if (s.status != worst || s.result->reason.empty()) continue;
        auto it = std::find_if(by_reason.begin(), by_reason.end(),
                               [&](const auto& r) { return r.first == s.result->reason; });
        if (it == by_reason.end()) it = by_reason.insert(by_reason.end(), {s.result->reason, {}});
        it->second.push_back(s.node);
    }
    std::vector<std::string> parts;
    parts.reserve(by_reason.size());
    for (const auto& [reason, nodes] : by_reason)
        parts.push_back(fmt::format("{}: {}", fmt::join(nodes, ", "), reason));
    return fmt::format("{}", fmt::join(parts, "; "));
}

model::Result merged_result(const std::vector<Seen>& seen) {
    const auto lead = std::min_element(seen.begin(), seen.end(), [](const Seen& a, const Seen& b) {
        return rank(a.status) < rank(b.status);
    });
    const ReportResult& r = *lead->result;
    model::Result out;
    out.id = r.id;
    out.key = r.key;
    out.benchmark = r.benchmark;
    out.target = r.target;
    out.group = r.group;
    out.group_title = r.group_title;
    out.title = r.title;
    out.status = lead->status;
    out.automated = r.automated;
    out.expected = r.expected;
    out.actual = summary(seen);
    out.reason = reasons(seen, lead->status);
    out.guidance = r.guidance;
    out.remediation = r.remediation;
    out.controls = r.controls;
    for (const auto& s : seen) {
        if (s.status == lead->status) {
            auto evidence = evidence_of(s.result->evidence, s.node + ": ");
            out.evidence.insert(out.evidence.end(), evidence.begin(), evidence.end());
        }
        out.nodes.push_back({s.node, s.status, s.result->actual, s.result->reason,
                             evidence_of(s.result->evidence, "")});
    }
    return out;
}

/// Inserts the items of `more` missing from `into` where `more` places them: before the next item
/// both lists have, else after the previous one, else at the end.
void merge_order(std::vector<std::pair<std::string, std::string>>& into,
                 const std::vector<std::pair<std::string, std::string>>& more) {
    auto position = [&](const std::string& id) {
        return std::find_if(into.begin(), into.end(), [&](const auto& c) { return c.first == id; });
    };
    for (size_t i = 0; i < more.size(); ++i) {
        const auto found = position(more[i].first);
        if (found != into.end()) {
            if (found->second.empty()) found->second = more[i].second;
            continue;
        }
        auto at = into.end();
        for (size_t next = i + 1; next < more.size() && at == into.end(); ++next)
            at = position(more[next].first);
        for (size_t previous = i; previous > 0 && at == into.end(); --previous) {
            const auto before = position(more[previous - 1].first);
            if (before != into.end()) at = before + 1;
        }
        into.insert(at, more[i]);
    }
}

}  // namespace

std::vector<model::Result> merge_results(const std::vector<NodeReport>& nodes) {
    std::map<std::string, std::vector<Seen>> by_check;
    for (const auto& node : nodes) {
        for (const auto& r : node.report->results) {
            const std::string check = r.key.empty() ? "id " + r.id : "key " + r.key;
            by_check[check].push_back({node.node, &r, *model::parse_status(r.status)});
        }
    }
    // A node whose report scanned a check's target but holds no result for it (run with --check,
    // or with other definitions) did not judge it: ERROR for that node, so that no other node's
    // PASS stands for the cluster. A node that did not scan the target (a worker and the master
    // checks) is simply not among the check's nodes.
    std::deque<ReportResult> unjudged;
    for (auto& [check, seen] : by_check) {
        const ReportResult& any = *seen.front().result;
        for (const auto& node : nodes) {
            const auto& targets = node.report->header.targets;
            const bool judged = std::any_of(seen.begin(), seen.end(),
                                            [&](const Seen& s) { return s.node == node.node; });
            if (judged || std::find(targets.begin(), targets.end(), any.target) == targets.end())
                continue;
            ReportResult& missing = unjudged.emplace_back(any);
            missing.status = "ERROR";
            missing.actual = "not evaluated";
            missing.reason = fmt::format(
                "the report of {} has no result for this check, though it scanned its target {} "
                "(a --check selection, or other check definitions)",
                node.node, any.target);
            missing.evidence = nlohmann::json::array();
            missing.findings.reset();
            missing.node_results = nlohmann::json::array();
            seen.push_back({node.node, &missing, model::Status::Error});
        }
    }
    std::vector<model::Result> out;
    out.reserve(by_check.size());
    for (const auto& [check, seen] : by_check) out.push_back(merged_result(seen));
    std::stable_sort(out.begin(), out.end(), [](const model::Result& a, const model::Result& b) {
        return util::natural_less(a.id, b.id);
    });
    return out;
}

std::vector<model::FrameworkInfo> merge_frameworks(const std::vector<NodeReport>& nodes) {
    std::vector<model::FrameworkInfo> out;
    for (const auto& node : nodes) {
        for (const auto& framework : node.report->frameworks) {
            auto it = std::find_if(out.begin(), out.end(), [&](const model::FrameworkInfo& f) {
                return f.id == framework.id;
            });
            if (it == out.end()) it = out.insert(out.end(), {framework.id, framework.title, {}});
            merge_order(it->criteria, framework.criteria);
        }
    }
    return out;
}

}  // namespace kubeproof::history
