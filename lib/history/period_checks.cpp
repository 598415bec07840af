// The checks of a period report, node by node, and the verdict of each criterion.
#include "history/period_checks.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "history/merge.hpp"
#include "util/text.hpp"

namespace kubeproof::history {

namespace {

/// A canonical order of a table's entries: old index -> new index, and the sorted entries.
template <typename T, typename Less>
std::vector<size_t> canonical(const std::vector<T>& entries, std::vector<T>& sorted, Less less) {
    std::vector<size_t> order(entries.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(),
              [&](size_t a, size_t b) { return less(entries[a], entries[b]); });
    std::vector<size_t> new_index(entries.size());
    sorted.clear();
    for (size_t i = 0; i < order.size(); ++i) {
        new_index[order[i]] = i;
        sorted.push_back(entries[order[i]]);
    }
    return new_index;
}

bool waiver_less(const Waiver& a, const Waiver& b) {
    return std::tie(a.source, a.check, a.owner, a.approver, a.expires, a.created, a.reason,
                    a.ticket, a.scope) < std::tie(b.source, b.check, b.owner, b.approver, b.expires,
                                                  b.created, b.reason, b.ticket, b.scope);
}

/// One check on one node while the scans are walked.
struct Accumulator {
    CheckOnNode figures;
    std::map<size_t, WaiverUse> waivers;
    size_t run = 0;  ///< the failing streak going on: its length, first and last scan
    size_t run_first = 0;
    size_t run_last = 0;
    size_t last_scan = 0;
    uint8_t last_status = 0;
};

/// One check (all its variants) while the scans are walked.
struct Group {
    size_t latest_variant = 0;  ///< of the newest scan that has it
    std::set<std::string> ids;
    std::set<std::string> criteria;
    std::map<size_t, Accumulator> nodes;  ///< by node index
    std::vector<bool> judged_in;          ///< by scan kind: a scan of that kind has a result
};

void use_waiver(WaiverUse& use, size_t scan, WaiverState state) {
    if (state == WaiverState::Active) {
        ++use.covered;
        if (!use.first_covered) use.first_covered = scan;
        use.last_covered = scan;
        return;
    }
    ++use.expired;
    if (!use.first_expired) use.first_expired = scan;
}

/// Ends the failing streak going on (at `ended_by`, or ongoing at the period's end).
void close_run(Accumulator& a, std::optional<size_t> ended_by, const PeriodReport& report) {
    if (a.run == 0) return;
    const std::time_t end = ended_by ? report.scans[*ended_by].started : report.to;
    const Streak streak{a.run,
                        a.run_first,
                        a.run_last,
                        ended_by,
                        end - report.scans[a.run_first].started,
                        !ended_by.has_value()};
    if (!a.figures.longest || streak.scans > a.figures.longest->scans) a.figures.longest = streak;
    a.run = 0;
}

/// One result of one scan.
void step(Accumulator& a, size_t scan, uint8_t status, const std::string& text, size_t waiver,
          WaiverState state, const PeriodReport& report) {
    CheckOnNode& f = a.figures;
    ++f.scans;
    a.last_scan = scan;
    a.last_status = status;
    const Outcome outcome = outcome_of(text);
    if (outcome == Outcome::Exception) {
        if (a.run++ == 0) a.run_first = scan;
        a.run_last = scan;
        const int32_t index = state == WaiverState::None ? -1 : static_cast<int32_t>(waiver);
        f.exceptions.push_back({static_cast<uint32_t>(scan), status, state, index});
        if (state == WaiverState::Active) ++f.covered;
        if (index >= 0) use_waiver(a.waivers[waiver], scan, state);
        return;
    }
    close_run(a, scan, report);
    if (outcome == Outcome::Passed)
        ++f.passed;
    else
        ++f.not_evaluated;
}

/// The identity of a check over benchmark versions: its key, else its id.
std::string identity(const CheckVariant& v) {
    return v.key.empty() ? "id:" + v.id : "key:" + v.key;
}

std::vector<std::string> natural_sorted(const std::set<std::string>& values) {
    std::vector<std::string> out(values.begin(), values.end());
    std::sort(out.begin(), out.end(),
              [](const std::string& a, const std::string& b) { return util::natural_less(a, b); });
    return out;
}

PeriodCheck check_of(const PeriodInput& input, Group& group, const PeriodReport& report) {
    const CheckVariant& latest = input.tables.variants[group.latest_variant];
    PeriodCheck check{latest.id, latest.key, latest.title, {}, natural_sorted(group.criteria),
                      true,      {}};
    group.ids.erase(latest.id);
    check.other_ids = natural_sorted(group.ids);
    for (auto& [node, a] : group.nodes) {
        close_run(a, std::nullopt, report);
        CheckOnNode& f = a.figures;
        f.node = node;
        f.now_scan = report.nodes[node].last_scan;
        if (f.scans > 0 && a.last_scan == f.now_scan) f.status_now = a.last_status;
        f.share_passed = f.scans == 0 ? 0.0
                                      : std::round(static_cast<double>(f.passed) * 10000.0 /
                                                   static_cast<double>(f.scans)) /
                                            10000.0;
        for (auto& [waiver, use] : a.waivers) {
            use.waiver = waiver;
            f.waivers.push_back(use);
        }
        f.exceptions.shrink_to_fit();
        check.nodes.push_back(std::move(f));
    }
    return check;
}

bool check_less(const PeriodCheck& a, const PeriodCheck& b) {
    const std::string& x = a.id.empty() ? a.key : a.id;
    const std::string& y = b.id.empty() ? b.key : b.id;
    if (x != y) return util::natural_less(x, y);
    return a.key < b.key;
}

std::string node_name(const PeriodReport& report, size_t node) {
    return fmt::format("{}/{}", report.nodes[node].cluster, report.nodes[node].node);
}

std::string plural(size_t n, const char* one, const char* many) {
    return fmt::format("{} {}", n, n == 1 ? one : many);
}

/// Why a criterion none of whose checks was evaluated is never evidenced.
std::string never_reason(const PeriodCriterion& k, const PeriodReport& report) {
    if (k.checks.empty()) return "no check supports it";
    std::vector<std::string> names;
    bool any_ran = false;
    for (size_t c : k.checks) {
        any_ran = any_ran || report.checks[c].ran;
        names.push_back(report.checks[c].id.empty() ? report.checks[c].key : report.checks[c].id);
    }
    if (!any_ran)
        return fmt::format("its checks ({}) are in no report of the period",
                           fmt::join(names, ", "));
    return fmt::format("its checks ({}) were not evaluated (NA or SKIP) in any scan of the period",
                       fmt::join(names, ", "));
}

/// How bad a status is, in merge's order (k_merge_order: higher is worse); a status this version
/// does not know is an exception, ranked as WARN.
size_t status_rank(const std::string& status) {
    const model::Status known = model::parse_status(status).value_or(model::Status::Warn);
    return static_cast<size_t>(k_merge_order.end() -
                               std::find(k_merge_order.begin(), k_merge_order.end(), known));
}

/// The reasons one check gives a criterion: its failing scans, scans in which it was not
/// evaluated on a node where it was evaluated in others, and scans with no result for it.
void check_reasons(const PeriodCheck& check, const PeriodReport& report,
                   std::vector<std::string>& reasons) {
    size_t failing = 0, covered = 0, unevaluated = 0, scans = 0, without = 0;
    std::vector<std::string> failing_nodes, unevaluated_nodes, without_nodes;
    for (const auto& f : check.nodes) {
        scans += f.scans;
        if (f.without_result > 0) {
            without += f.without_result;
            without_nodes.push_back(node_name(report, f.node));
        }
        if (!f.exceptions.empty()) {
            failing += f.exceptions.size();
            covered += f.covered;
            failing_nodes.push_back(node_name(report, f.node));
        }
        if (f.not_evaluated > 0 && f.passed + f.exceptions.size() > 0) {
            unevaluated += f.not_evaluated;
            unevaluated_nodes.push_back(node_name(report, f.node));
        }
    }
    if (failing > 0) {
        reasons.push_back(fmt::format(
            "{}: did not pass in {} of {} on {} ({}), {} covered by a waiver", check.id, failing,
            plural(scans, "scan", "scans"), plural(failing_nodes.size(), "node", "nodes"),
            fmt::join(failing_nodes, ", "), covered));
    }
    if (unevaluated > 0) {
        reasons.push_back(fmt::format(
            "{}: not evaluated (NA or SKIP) in {} of {} on {} ({}) where other scans evaluated it",
            check.id, unevaluated, plural(scans, "scan", "scans"),
            plural(unevaluated_nodes.size(), "node", "nodes"), fmt::join(unevaluated_nodes, ", ")));
    }
    if (without > 0) {
        reasons.push_back(fmt::format(
            "{}: no result in {} on {} ({}) that ran the definitions, benchmark and targets of a "
            "scan that judged it (narrowed with --check or --framework)",
            check.id, plural(without, "scan", "scans"),
            plural(without_nodes.size(), "node", "nodes"), fmt::join(without_nodes, ", ")));
    }
}

void decide(PeriodCriterion& k, const PeriodReport& report) {
    bool evaluated = false;
    std::set<size_t> nodes;
    std::map<size_t, WaiverUse> waivers;
    for (size_t c : k.checks) {
        const PeriodCheck& check = report.checks[c];
        for (const auto& f : check.nodes) {
            if (f.passed + f.exceptions.size() == 0) continue;
            evaluated = true;
            nodes.insert(f.node);
            k.exceptions += f.exceptions.size();
            k.covered += f.covered;
            for (const auto& use : f.waivers) {
                WaiverUse& sum = waivers[use.waiver];
                sum.waiver = use.waiver;
                sum.covered += use.covered;
                sum.expired += use.expired;
                if (use.first_covered &&
                    (!sum.first_covered || *use.first_covered < *sum.first_covered))
                    sum.first_covered = use.first_covered;
                if (use.last_covered &&
                    (!sum.last_covered || *use.last_covered > *sum.last_covered))
                    sum.last_covered = use.last_covered;
                if (use.first_expired &&
                    (!sum.first_expired || *use.first_expired < *sum.first_expired))
                    sum.first_expired = use.first_expired;
            }
        }
        check_reasons(check, report, k.reasons);
    }
    for (auto& [index, use] : waivers) k.waivers.push_back(use);
    if (!evaluated) {
        k.verdict = Verdict::NeverEvidenced;
        k.reasons = {never_reason(k, report)};
        return;
    }
    for (size_t n : nodes) {
        const PeriodNode& node = report.nodes[n];
        if (node.missed.empty()) {
            if (!node.expected) continue;
            for (size_t i = 0; i < node.series.size(); ++i) {
                if (static_cast<int64_t>(node.series_found[i]) >= *node.expected) continue;
                k.reasons.push_back(fmt::format(
                    "{}: {} of {} expected scans in series {} (one every {}): it ran less "
                    "often than the interval",
                    node_name(report, n), node.series_found[i], *node.expected, node.series[i],
                    describe_duration(*report.every)));
            }
            continue;
        }
        k.reasons.push_back(fmt::format("{}: missed scans: {}, {} in all", node_name(report, n),
                                        plural(node.missed.size(), "gap", "gaps"),
                                        describe_duration(node.missed_seconds)));
    }
    for (size_t n : nodes) {
        const PeriodNode& node = report.nodes[n];
        if (node.trail_problems.empty()) continue;
        k.reasons.push_back(fmt::format(
            "{}: the trail of its reports is not intact ({}): a report altered, unsigned, moved, "
            "deleted, duplicated or out of order is no evidence of the period",
            node_name(report, n), count_kinds(report.trail.problems, node.trail_problems)));
    }
    // Whether a supporting check was evaluated on the cluster's nodes (or on its own objects).
    const auto evidenced_in = [&](const std::string& cluster, bool cluster_objects) {
        return std::any_of(nodes.begin(), nodes.end(), [&](size_t n) {
            return report.nodes[n].cluster_objects == cluster_objects &&
                   report.nodes[n].cluster == cluster;
        });
    };
    for (const auto& a : report.absent) {
        if (!evidenced_in(a.cluster, a.cluster_objects)) continue;
        k.reasons.push_back(fmt::format(
            "{}/{}: no scan in the period, though its series {} ran into it ({}): its checks "
            "were not evidenced there",
            a.cluster, a.node, a.series, count_kinds(report.trail.problems, a.problems)));
    }
    // A node of a cluster's inventory that sent no report: which of its checks it would have run
    // is unknown (the inventory has no roles), so every criterion a node of that cluster evidenced
    // lacks its evidence. Never "passing throughout" on the nodes that did report.
    for (const auto& u : report.unreported) {
        if (!evidenced_in(u.cluster, false)) continue;
        k.reasons.push_back(fmt::format(
            "{}/{}: in the cluster's inventory ({} from {} to {}) but no report of the node in "
            "the period: its checks were not evidenced there",
            u.cluster, u.node, plural(u.listings, "cluster scan", "cluster scans"), u.first_listed,
            u.last_listed));
    }
    k.verdict = k.reasons.empty() ? Verdict::PassingThroughout : Verdict::WithExceptions;
}

}  // namespace

void decide_checks(const PeriodInput& input, const ScanOrigins& origins, PeriodReport& report) {
    const auto& tables = input.tables;
    const auto status_index = canonical(tables.statuses, report.statuses, std::less<>());
    const auto waiver_index = canonical(tables.waivers, report.waivers, waiver_less);
    std::map<std::string, size_t> group_index;
    std::vector<size_t> group_of(tables.variants.size());
    for (size_t v = 0; v < tables.variants.size(); ++v)
        group_of[v] =
            group_index.emplace(identity(tables.variants[v]), group_index.size()).first->second;
    // A scan's kind: its definitions, benchmark and targets. Scans of one kind judge the same
    // checks, so one that holds no result for a check that a scan of its kind judged (of this node
    // or another) was narrowed (--check, --framework): counted, never passed over
    // (CheckOnNode::without_result). A check that other definitions add or drop is not counted.
    std::map<std::string, size_t> kinds;
    std::vector<size_t> kind_of(report.scans.size());
    for (size_t s = 0; s < report.scans.size(); ++s) {
        const ReportHeader& header = input.reports[origins.report[s]].header;
        std::string kind = header.definitions_sha256 + '\t' + header.benchmark;
        for (const auto& target : header.targets) kind += '\t' + target;
        kind_of[s] = kinds.emplace(std::move(kind), kinds.size()).first->second;
    }
    std::vector<Group> groups(group_index.size());
    for (auto& group : groups) group.judged_in.resize(kinds.size());
    // A check twice in one scan (a report no run writes: a benchmark never repeats a key) counts
    // once, with its worst status, never with the PASS that happens to come first.
    std::vector<size_t> rank(tables.statuses.size());
    for (size_t i = 0; i < rank.size(); ++i) rank[i] = status_rank(tables.statuses[i]);
    std::vector<const ScanResult*> worst;
    std::vector<size_t> seen_in(groups.size(), report.scans.size());  // the scan it was last in
    std::vector<size_t> slot(groups.size());
    for (size_t s = 0; s < report.scans.size(); ++s) {
        worst.clear();
        for (const ScanResult& r : input.results[origins.report[s]]) {
            const size_t g = group_of[r.variant];
            if (seen_in[g] != s) {
                seen_in[g] = s;
                slot[g] = worst.size();
                worst.push_back(&r);
            } else if (rank[r.status] > rank[worst[slot[g]]->status]) {
                worst[slot[g]] = &r;
            }
        }
        for (const ScanResult* chosen : worst) {
            const ScanResult& r = *chosen;
            Group& group = groups[group_of[r.variant]];
            group.judged_in[kind_of[s]] = true;
            const CheckVariant& variant = tables.variants[r.variant];
            group.latest_variant = r.variant;
            group.ids.insert(variant.id);
            group.criteria.insert(variant.criteria.begin(), variant.criteria.end());
            Accumulator& a = group.nodes[origins.node[s]];
            const auto status = static_cast<uint8_t>(status_index[r.status]);
            step(a, s, status, report.statuses[status],
                 r.waiver < 0 ? 0 : waiver_index[static_cast<size_t>(r.waiver)], r.state, report);
        }
    }
    std::vector<bool> has_result(groups.size());
    for (size_t s = 0; s < report.scans.size(); ++s) {
        std::fill(has_result.begin(), has_result.end(), false);
        for (const ScanResult& r : input.results[origins.report[s]])
            has_result[group_of[r.variant]] = true;
        for (size_t g = 0; g < groups.size(); ++g) {
            if (!has_result[g] && groups[g].judged_in[kind_of[s]])
                ++groups[g].nodes[origins.node[s]].figures.without_result;
        }
    }
    std::set<std::string> ran;
    for (const auto& [id, g] : group_index) {
        if (groups[g].nodes.empty()) continue;
        ran.insert(id);
        report.checks.push_back(check_of(input, groups[g], report));
    }
    for (const auto& m : input.mapped) {
        if (ran.count("key:" + m.key) != 0) continue;
        report.checks.push_back({m.id, m.key, m.title, {}, m.criteria, false, {}});
    }
    std::sort(report.checks.begin(), report.checks.end(), check_less);
    for (const auto& check : report.checks) {
        for (const auto& f : check.nodes) {
            report.exceptions += f.exceptions.size();
            for (const auto& e : f.exceptions) {
                const std::string& status = report.statuses[e.status];
                if (!e.covered() && (status == "FAIL" || status == "ERROR"))
                    ++report.uncovered_failures;
            }
        }
    }
}

void decide_criteria(const PeriodInput& input, PeriodReport& report) {
    std::map<std::string, size_t> index;
    for (const auto& c : input.catalogue) {
        index.emplace(c.id, report.criteria.size());
        report.criteria.emplace_back();
        report.criteria.back().id = c.id;
        report.criteria.back().title = c.title;
    }
    std::set<std::string> unknown;
    for (const auto& check : report.checks) {
        for (const auto& id : check.criteria) {
            if (index.count(id) == 0) unknown.insert(id);
        }
    }
    for (const auto& id : natural_sorted(unknown)) {
        index.emplace(id, report.criteria.size());
        report.criteria.emplace_back();
        report.criteria.back().id = id;
        report.criteria.back().in_catalogue = false;
    }
    for (size_t c = 0; c < report.checks.size(); ++c) {
        for (const auto& id : report.checks[c].criteria)
            report.criteria[index[id]].checks.push_back(c);
    }
    for (auto& k : report.criteria) decide(k, report);
}

}  // namespace kubeproof::history
