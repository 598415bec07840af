// The decisions the OSCAL period writer makes before it writes anything (every UUID, which
// trail problem names which scan, what each waiver covered) and its small builders. See
// period_oscal_writer.cpp for the design.
#include <algorithm>

#include <fmt/format.h>

#include "report/oscal_ids.hpp"
#include "report/period_oscal.hpp"

namespace kubeproof::report {

namespace oscal {

using history::PeriodReport;
using period::Json;
using period::JsonOut;

namespace {

std::string scope_of(const PeriodReport& r) {
    std::string scope = fmt::format("{}:{}:{}", r.framework, history::to_rfc3339(r.from),
                                    history::to_rfc3339(r.to));
    if (!r.clusters.empty()) scope += fmt::format(":{}", fmt::join(r.clusters, ","));
    return scope;
}

/// The UUIDs of a scan's observation and report file: by the report's bytes, so the same scan
/// has the same ones in every period report.
void decide_scans(Context& c) {
    std::map<std::string, size_t> seen;
    for (const auto& s : c.report.scans) {
        const size_t n = ++seen[s.sha256];
        const std::string suffix = n == 1 ? "" : fmt::format(":{}", n);
        c.scan_observation.push_back(name_uuid(fmt::format("scan:{}{}", s.sha256, suffix)));
        c.scan_resource.push_back(name_uuid(fmt::format("report-file:{}{}", s.sha256, suffix)));
    }
}

void decide_trail(Context& c) {
    const PeriodReport& r = c.report;
    std::map<std::string, size_t> scan_of_file;
    for (size_t s = 0; s < r.scans.size(); ++s) scan_of_file.emplace(r.scans[s].file, s);
    for (size_t p = 0; p < r.trail.problems.size(); ++p) {
        const auto& problem = r.trail.problems[p];
        // A gap is written once, as its missed-scans observation, which knows the node.
        c.problem_observation.push_back(
            problem.kind == "gap" ? std::string()
                                  : name_uuid(fmt::format("trail-problem:{}:{}:{}:{}", c.scope, p,
                                                          problem.kind, problem.path)));
        const auto scan = scan_of_file.find(problem.path);
        c.problem_scan.push_back(scan == scan_of_file.end() ? std::nullopt
                                                            : std::optional(scan->second));
        if (scan != scan_of_file.end()) c.scan_problems[scan->second].push_back(p);
    }
    for (const auto& m : r.missed) {
        c.missed_observation.push_back(name_uuid(fmt::format(
            "missed-scans:{}/{}:{}:{}:{}", m.cluster, m.node, m.series, m.start, m.end)));
    }
    for (const auto& u : r.unreported) {
        c.unreported_observation.push_back(
            name_uuid(fmt::format("unreported-node:{}:{}/{}", c.scope, u.cluster, u.node)));
    }
}

void decide_subjects(Context& c) {
    const PeriodReport& r = c.report;
    auto add = [&](const std::string& cluster, const std::string& node) {
        c.clusters.emplace(cluster, name_uuid("cluster:" + cluster));
        c.nodes.emplace(std::pair(cluster, node),
                        name_uuid(fmt::format("node:{}/{}", cluster, node)));
    };
    for (const auto& n : r.nodes) add(n.cluster, n.node);
    for (const auto& m : r.missed) add(m.cluster, m.node);
    for (const auto& u : r.unreported) add(u.cluster, u.node);
}

/// One pass over every exception: which scans each waiver was attached to, and when it held.
void decide_waivers(Context& c) {
    const PeriodReport& r = c.report;
    c.waivers.resize(r.waivers.size());
    for (size_t w = 0; w < r.waivers.size(); ++w) {
        c.risk.push_back(name_uuid(fmt::format("waiver:{}:W{}:{}:{}", c.scope, w + 1,
                                               r.waivers[w].source, r.waivers[w].check)));
    }
    for (const auto& check : r.checks) {
        for (const auto& node : check.nodes) {
            for (const auto& e : node.exceptions) {
                if (e.waiver < 0) continue;
                WaiverFacts& f = c.waivers[static_cast<size_t>(e.waiver)];
                const size_t scan = e.scan;
                auto [count, first, last] =
                    e.covered() ? std::tie(f.covered, f.first_covered, f.last_covered)
                                : std::tie(f.expired, f.first_expired, f.last_expired);
                ++count;
                first = std::min(first.value_or(scan), scan);
                last = std::max(last.value_or(scan), scan);
                f.scans.push_back(e.scan);
            }
        }
    }
    for (auto& f : c.waivers) {
        std::sort(f.scans.begin(), f.scans.end());
        f.scans.erase(std::unique(f.scans.begin(), f.scans.end()), f.scans.end());
    }
}

}  // namespace

Context::Context(const PeriodReport& r)
    : report(r), scope(scope_of(r)), tool(name_uuid("component:kubeproof")) {
    decide_scans(*this);
    decide_trail(*this);
    decide_subjects(*this);
    decide_waivers(*this);
    if (r.sample) {
        for (size_t i = 0; i < r.sample->chosen.size(); ++i)
            sample_position.emplace(r.sample->chosen[i], i);
    }
}

std::string time_of(const PeriodReport& r, std::optional<size_t> scan) {
    return scan ? history::to_rfc3339(r.scans[*scan].started) : std::string();
}

std::string fragment(const std::string& uuid) { return fmt::format("#{}", uuid); }

std::string one_line(std::string_view text) {
    std::string out;
    for (char c : text) out += static_cast<unsigned char>(c) < 0x20 || c == 0x7F ? ' ' : c;
    const auto first = out.find_first_not_of(' ');
    if (first == std::string::npos) return {};
    return out.substr(first, out.find_last_not_of(' ') - first + 1);
}

Props& Props::add(std::string_view name, std::string_view value) {
    const std::string text = one_line(value);
    if (!text.empty()) m_list.push_back({{"name", name}, {"ns", k_props_ns}, {"value", text}});
    return *this;
}

Props& Props::add(std::string_view name, std::string_view value, std::string_view group) {
    const std::string text = one_line(value);
    if (!text.empty())
        m_list.push_back({{"name", name}, {"ns", k_props_ns}, {"value", text}, {"group", group}});
    return *this;
}

void Props::write(JsonOut& j) const {
    if (!m_list.empty()) j.member("props", m_list);
}

Json tool_origins(const Context& c) {
    return Json::array({{{"actors", Json::array({{{"type", "tool"}, {"actor-uuid", c.tool}}})}}});
}

Json subjects(const Context& c, const std::string& cluster, const std::string& node) {
    return Json::array({{{"subject-uuid", c.node(cluster, node)},
                         {"type", "inventory-item"},
                         {"title", fmt::format("{}/{}", cluster, node)}},
                        {{"subject-uuid", c.clusters.at(cluster)},
                         {"type", "component"},
                         {"title", "cluster " + cluster}}});
}

}  // namespace oscal

}  // namespace kubeproof::report
