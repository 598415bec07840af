// The observations of kubeproof's OSCAL assessment results: what the trail's verification found
// (each problem, each hole in a series, each inventory node without a report), then one per scan
// of the population with its report file as evidence. See period_oscal_writer.cpp for the design.
#include <fmt/format.h>

#include "report/period_oscal.hpp"

namespace kubeproof::report::oscal {

namespace {

using history::PeriodReport;
using period::Json;
using period::JsonOut;

/// What every observation starts with.
void open_observation(JsonOut& j, const std::string& uuid, const std::string& title,
                      const std::string& description) {
    j.open_object();
    j.member("uuid", uuid);
    j.member("title", title);
    j.member("description", description);
}

/// What every observation of the trail's verification has after its props: made by the tool
/// when the period report was written.
void verification_tail(const Context& c, JsonOut& j, const Json& subjects) {
    j.member("methods", Json::array({"TEST"}));
    j.member("types", Json::array({"finding"}));
    j.member("origins", tool_origins(c));
    if (!subjects.empty()) j.member("subjects", subjects);
}

void problem(const Context& c, size_t index, JsonOut& j) {
    const PeriodReport& r = c.report;
    const history::Problem& p = r.trail.problems[index];
    open_observation(
        j, c.problem_observation[index],
        fmt::format("Evidence trail problem ({}){}", p.kind, p.path.empty() ? "" : ": " + p.path),
        p.message);
    Props()
        .add("trail-problem", p.kind)
        .add("report-file", p.path)
        .add("cluster", p.cluster)
        .add("series", p.series)
        .add("seq", p.seq > 0 ? fmt::format("{}", p.seq) : "")
        .write(j);
    verification_tail(c, j, Json::array());
    if (const auto scan = c.problem_scan[index]) {
        j.member("relevant-evidence",
                 Json::array({{{"href", fragment(c.scan_resource[*scan])},
                               {"description", "The report this problem is about."}}}));
    }
    j.member("collected", history::to_rfc3339(r.generated_at));
    j.close();
}

void missed(const Context& c, size_t index, JsonOut& j) {
    const PeriodReport& r = c.report;
    const history::MissedScans& m = r.missed[index];
    const std::string duration = history::describe_duration(m.seconds);
    open_observation(
        j, c.missed_observation[index],
        fmt::format("Missed scans: {}/{} from {} to {} ({})", m.cluster, m.node, m.start, m.end,
                    duration),
        fmt::format("No scan of {}/{} (series {}) from {} to {}: {} ({} s), longer than the "
                    "interval of {}. The scanner did not run, or its reports are missing: the "
                    "record PCI DSS 10.7.3 asks for of a failed security testing tool, with its "
                    "start, end and duration.",
                    m.cluster, m.node, m.series, m.start, m.end, duration, m.seconds,
                    r.every ? history::describe_duration(*r.every) : std::string("(none)")));
    Props()
        .add("trail-problem", "gap")
        .add("cluster", m.cluster)
        .add("node", m.node)
        .add("series", m.series)
        .add("gap-start", m.start)
        .add("gap-end", m.end)
        .add("gap-seconds", fmt::format("{}", m.seconds))
        .write(j);
    verification_tail(c, j, subjects(c, m.cluster, m.node));
    j.member("collected", history::to_rfc3339(r.generated_at));
    j.close();
}

void unreported(const Context& c, size_t index, JsonOut& j) {
    const PeriodReport& r = c.report;
    const history::UnreportedNode& u = r.unreported[index];
    open_observation(
        j, c.unreported_observation[index], fmt::format("No node report: {}/{}", u.cluster, u.node),
        fmt::format("Node {} is in the inventory of {} cluster scans of {} ({} to {}) but sent no "
                    "node report in the period.",
                    u.node, u.listings, u.cluster, u.first_listed, u.last_listed));
    Props()
        .add("cluster", u.cluster)
        .add("node", u.node)
        .add("listings", fmt::format("{}", u.listings))
        .add("first-listed", u.first_listed)
        .add("last-listed", u.last_listed)
        .write(j);
    verification_tail(c, j, subjects(c, u.cluster, u.node));
    j.member("collected", history::to_rfc3339(r.generated_at));
    j.close();
}

std::string scanned(const history::PeriodScan& s) {
    if (s.node == "cluster") return fmt::format("the Kubernetes objects of cluster {}", s.cluster);
    return fmt::format("node {} of cluster {}", s.node, s.cluster);
}

void scan(const Context& c, size_t index, JsonOut& j) {
    const PeriodReport& r = c.report;
    const history::PeriodScan& s = r.scans[index];
    const auto problems = c.scan_problems.find(index);
    const bool tainted = problems != c.scan_problems.end();
    open_observation(
        j, c.scan_observation[index],
        fmt::format("Scan of {}/{} at {}{}", s.cluster, s.node, s.started_at,
                    tainted ? " (evidence trail problem)" : ""),
        fmt::format("kubeproof {} scanned {} (series {}, seq {}). The report it wrote is the "
                    "relevant evidence, with its SHA-256; the findings name the scans in which a "
                    "check did not pass.",
                    s.tool_version.empty() ? "(version unknown)" : s.tool_version, scanned(s),
                    s.series, s.seq));
    Props props;
    props.add("cluster", s.cluster)
        .add("node", s.node)
        .add("series", s.series)
        .add("seq", fmt::format("{}", s.seq))
        .add("tool-version", s.tool_version)
        .add("definitions-sha256", s.definitions_sha256);
    if (tainted) {
        for (size_t p : problems->second) props.add("trail-problem", r.trail.problems[p].kind);
    }
    const auto drawn = c.sample_position.find(index);
    if (drawn != c.sample_position.end())
        props.add("sample-position", fmt::format("{}", drawn->second + 1));
    props.write(j);
    j.member("methods", Json::array({"TEST"}));
    j.member("types", Json::array({"control-objective"}));
    j.member("origins", tool_origins(c));
    j.member("subjects", subjects(c, s.cluster, s.node));
    j.member("relevant-evidence", Json::array({{{"href", fragment(c.scan_resource[index])},
                                                {"description",
                                                 "The kubeproof report of this scan (JSON); its "
                                                 "back-matter resource holds its SHA-256."}}}));
    j.member("collected", history::to_rfc3339(s.started));
    if (tainted) {
        std::string remarks = "The evidence trail is NOT intact at this report:";
        for (size_t p : problems->second) remarks += "\n\n" + r.trail.problems[p].message;
        j.member("remarks", remarks);
    }
    j.close();
}

}  // namespace

void write_observations(const Context& c, JsonOut& j) {
    const PeriodReport& r = c.report;
    j.key("observations");
    j.open_list();
    for (size_t p = 0; p < r.trail.problems.size(); ++p) {
        if (!c.problem_observation[p].empty()) problem(c, p, j);
    }
    for (size_t m = 0; m < r.missed.size(); ++m) missed(c, m, j);
    for (size_t u = 0; u < r.unreported.size(); ++u) unreported(c, u, j);
    for (size_t s = 0; s < r.scans.size(); ++s) scan(c, s, j);
    j.close();
}

}  // namespace kubeproof::report::oscal
