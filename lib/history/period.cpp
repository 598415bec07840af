// period(): the population, the trail and the period's own figures; the checks and criteria are
// decided in period_checks.cpp.
#include "history/period.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>

#include <fmt/format.h>

#include "history/period_checks.hpp"
#include "util/text.hpp"

namespace kubeproof::history {

namespace {

std::time_t started(const VerifyInput& r) { return parse_rfc3339(r.header.started_at).value_or(0); }

/// [from, to): the options, else from the first report's start to just after the last one.
std::pair<std::time_t, std::time_t> window_of(const PeriodInput& input,
                                              const PeriodOptions& options) {
    std::time_t first = std::numeric_limits<std::time_t>::max();
    std::time_t last = std::numeric_limits<std::time_t>::min();
    for (const auto& r : input.reports) {
        first = std::min(first, started(r));
        last = std::max(last, started(r));
    }
    if (input.reports.empty()) first = last = 0;
    return {options.from.value_or(first),
            options.to ? *options.to : last + options.every.value_or(1)};
}

/// The reports started inside the period, by start, node and file.
std::vector<size_t> population(const PeriodInput& input, std::time_t from, std::time_t to) {
    struct Key {
        std::time_t started;
        std::string node;
        const std::string* path;
        size_t index;
    };
    std::vector<Key> keys;
    for (size_t i = 0; i < input.reports.size(); ++i) {
        const auto& r = input.reports[i];
        const std::time_t t = started(r);
        if (t >= from && t < to) keys.push_back({t, subject_node(r.header), &r.path, i});
    }
    std::sort(keys.begin(), keys.end(), [](const Key& a, const Key& b) {
        return std::tie(a.started, a.node, *a.path) < std::tie(b.started, b.node, *b.path);
    });
    std::vector<size_t> out;
    out.reserve(keys.size());
    for (const auto& k : keys) out.push_back(k.index);
    return out;
}

PeriodScan scan_of(const VerifyInput& r) {
    return {r.path,
            r.sha256,
            cluster_of(r.header),
            subject_node(r.header),
            r.header.series,
            r.header.seq,
            r.header.started_at,
            started(r),
            r.header.tool_version,
            r.header.definitions_sha256};
}

bool node_less(const PeriodNode& a, const PeriodNode& b) {
    if (a.cluster != b.cluster) return util::natural_less(a.cluster, b.cluster);
    return util::natural_less(a.node, b.node);
}

/// The nodes of the population, and the node of each scan.
std::vector<size_t> decide_nodes(PeriodReport& report) {
    std::map<std::pair<std::string, std::string>, size_t> index;
    for (const auto& s : report.scans) {
        if (index.emplace(std::pair(s.cluster, s.node), report.nodes.size()).second)
            report.nodes.push_back(PeriodNode{s.cluster, s.node, {}, 0, 0, 0, {}, {}, 0});
    }
    std::sort(report.nodes.begin(), report.nodes.end(), node_less);
    for (size_t i = 0; i < report.nodes.size(); ++i)
        index[{report.nodes[i].cluster, report.nodes[i].node}] = i;
    std::vector<size_t> node_of(report.scans.size());
    for (size_t s = 0; s < report.scans.size(); ++s) {
        const auto& scan = report.scans[s];
        PeriodNode& node = report.nodes[index[{scan.cluster, scan.node}]];
        node_of[s] = index[{scan.cluster, scan.node}];
        if (node.found++ == 0) node.first_scan = s;
        node.last_scan = s;
        if (std::find(node.series.begin(), node.series.end(), scan.series) == node.series.end())
            node.series.push_back(scan.series);
    }
    std::map<std::pair<size_t, std::string>, size_t> in_series;
    for (size_t s = 0; s < report.scans.size(); ++s)
        ++in_series[{node_of[s], report.scans[s].series}];
    for (size_t n = 0; n < report.nodes.size(); ++n) {
        PeriodNode& node = report.nodes[n];
        std::sort(node.series.begin(), node.series.end());
        for (const auto& series : node.series) node.series_found.push_back(in_series[{n, series}]);
        if (report.every)
            node.expected = std::max<int64_t>(0, (report.to - report.from) / *report.every);
    }
    return node_of;
}

/// The gaps verify found, each with its node, attached to the nodes.
void decide_missed(const PeriodInput& input, PeriodReport& report) {
    std::map<std::pair<std::string, std::string>, std::string> node_of_series;
    for (const auto& r : input.reports)
        node_of_series[{cluster_of(r.header), r.header.series}] = subject_node(r.header);
    for (const auto& p : report.trail.problems) {
        if (p.kind != "gap") continue;
        report.missed.push_back({p.cluster, node_of_series[{p.cluster, p.series}], p.series,
                                 p.start, p.end, p.seconds});
    }
    std::sort(report.missed.begin(), report.missed.end(),
              [](const MissedScans& a, const MissedScans& b) {
                  return std::tie(a.cluster, a.node, a.start, a.series) <
                         std::tie(b.cluster, b.node, b.start, b.series);
              });
    for (size_t m = 0; m < report.missed.size(); ++m) {
        for (auto& node : report.nodes) {
            if (node.cluster != report.missed[m].cluster || node.node != report.missed[m].node)
                continue;
            node.missed.push_back(m);
            node.missed_seconds += report.missed[m].seconds;
        }
    }
}

/// The trail's problems about each node's reports: a report altered, unsigned, moved, deleted
/// (a seq missing), duplicated or out of order. Gaps are the missed scans; an inventory node
/// without a report is an unreported node. A problem of a series with no scan in the period (its
/// reports deleted, its node no longer scanned) makes it an absent series.
void decide_trail_of_nodes(const PeriodInput& input, const std::vector<size_t>& node_of,
                           PeriodReport& report) {
    std::unordered_map<std::string, size_t> node_of_file;
    std::map<std::pair<std::string, std::string>, size_t> node_of_series;
    for (size_t s = 0; s < report.scans.size(); ++s) {
        const PeriodScan& scan = report.scans[s];
        node_of_file.emplace(scan.file, node_of[s]);
        node_of_series.emplace(std::pair(scan.cluster, scan.series), node_of[s]);
    }
    std::map<std::pair<std::string, std::string>, const ReportHeader*> header_of_series;
    for (const auto& r : input.reports)
        header_of_series.emplace(std::pair(cluster_of(r.header), r.header.series), &r.header);
    std::map<std::pair<std::string, std::string>, AbsentSeries> absent;
    for (size_t p = 0; p < report.trail.problems.size(); ++p) {
        const Problem& problem = report.trail.problems[p];
        if (problem.kind == "node") continue;
        const std::pair key(problem.cluster, problem.series);
        const auto in_series = node_of_series.find(key);
        if (problem.kind == "gap" && in_series != node_of_series.end()) continue;  // `missed`
        if (const auto file = node_of_file.find(problem.path); file != node_of_file.end()) {
            report.nodes[file->second].trail_problems.push_back(p);
        } else if (in_series != node_of_series.end()) {
            report.nodes[in_series->second].trail_problems.push_back(p);
        } else if (const auto header = header_of_series.find(key);
                   header != header_of_series.end()) {
            AbsentSeries& a = absent[key];
            a.cluster = problem.cluster;
            a.node = subject_node(*header->second);
            a.cluster_objects = header->second->scope == "cluster";
            a.series = problem.series;
            a.problems.push_back(p);
        }
    }
    for (auto& [key, a] : absent) report.absent.push_back(std::move(a));
}

/// The nodes cluster scans of the period list that sent no node report in it.
void decide_unreported(const PeriodInput& input, const std::vector<size_t>& members,
                       PeriodReport& report) {
    std::set<std::pair<std::string, std::string>> reporting;
    for (const auto& n : report.nodes) reporting.emplace(n.cluster, n.node);
    std::map<std::pair<std::string, std::string>, UnreportedNode> unreported;
    for (size_t s = 0; s < members.size(); ++s) {
        const auto& header = input.reports[members[s]].header;
        if (header.scope != "cluster") continue;
        for (const auto& listed : header.nodes) {
            const std::pair key(report.scans[s].cluster, listed.name);
            if (reporting.count(key) != 0) continue;
            auto& u = unreported[key];
            if (u.listings++ == 0) u = {key.first, key.second, 1, header.started_at, {}};
            u.last_listed = header.started_at;
        }
    }
    for (auto& [key, u] : unreported) report.unreported.push_back(std::move(u));
}

void decide_versions(PeriodReport& report) {
    std::map<std::pair<std::string, std::string>, size_t> index;
    for (const auto& s : report.scans) {
        auto [it, added] =
            index.emplace(std::pair(s.tool_version, s.definitions_sha256), report.versions.size());
        if (added)
            report.versions.push_back(
                {s.tool_version, s.definitions_sha256, 0, s.started_at, s.started_at});
        VersionUse& use = report.versions[it->second];
        ++use.scans;
        use.last_started = s.started_at;
    }
}

}  // namespace

util::Expected<PeriodReport, std::string> period(const PeriodInput& input,
                                                 const PeriodOptions& options) {
    PeriodReport report;
    report.framework = input.framework;
    report.framework_title = input.framework_title;
    report.tool_version = options.tool_version;
    report.waivers_file = options.waivers_file;
    report.stale_waivers = options.stale_waivers;
    report.generated_at = options.generated_at;
    std::tie(report.from, report.to) = window_of(input, options);
    report.from_given = options.from.has_value();
    report.to_given = options.to.has_value();
    report.every = options.every;
    report.clusters = options.clusters;
    const std::vector<size_t> members = population(input, report.from, report.to);
    if (members.empty()) {
        return util::unexpected(
            fmt::format("no report started in the period {} to {} ({} reports read)",
                        to_rfc3339(report.from), to_rfc3339(report.to), input.reports.size()));
    }
    if (members.size() > std::numeric_limits<uint32_t>::max())
        return util::unexpected(std::string("more than 2^32 reports in the period"));
    VerifyOptions check{options.every, report.from, report.to, report.from_given};
    report.trail = verify(input.reports, check);
    ScanOrigins origins{members, {}};
    for (size_t index : members) report.scans.push_back(scan_of(input.reports[index]));
    origins.node = decide_nodes(report);
    for (size_t s = 0; s < members.size(); ++s) {
        if (input.reports[members[s]].header.scope == "cluster")
            report.nodes[origins.node[s]].cluster_objects = true;
    }
    decide_missed(input, report);
    decide_trail_of_nodes(input, origins.node, report);
    decide_unreported(input, members, report);
    decide_versions(report);
    decide_checks(input, origins, report);
    decide_criteria(input, report);
    if (options.sample) {
        report.sample = PeriodSample{
            options.sample->seed, options.sample->size, report.scans.size(),
            draw_sample(report.scans.size(), options.sample->size, options.sample->seed)};
    }
    return report;
}

}  // namespace kubeproof::history
