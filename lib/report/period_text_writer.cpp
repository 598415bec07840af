// The text period report: for a person reading it top to bottom, the trail first.
#include <algorithm>

#include "report/period_output.hpp"
#include "report/period_writers.hpp"

namespace kubeproof::report {

namespace {

using history::PeriodReport;
using period::Out;

void header(const PeriodReport& r, Out& out) {
    out.print("kubeproof period report for {}{}\n", r.framework,
              r.framework_title.empty() ? "" : ": " + r.framework_title);
    out.print("period {} to {} (from {}, to {}), {}; clusters {}\n", history::to_rfc3339(r.from),
              history::to_rfc3339(r.to), period::from_source(r), period::to_source(r),
              r.every ? "every " + history::describe_duration(*r.every)
                      : std::string("no interval given (--every): expected scans not computed"),
              r.clusters.empty() ? "all" : fmt::format("{}", fmt::join(r.clusters, ", ")));
    out.print("generated {} by kubeproof {}\n\n", history::to_rfc3339(r.generated_at),
              r.tool_version);
}

void trail(const PeriodReport& r, Out& out) {
    out.print("TRAIL: {} in {} reports of {} series; {}\n", period::trail_outcome(r.trail),
              r.trail.reports, r.trail.series.size(),
              r.trail.signatures_checked
                  ? "signatures checked"
                  : "signatures NOT checked (give the public keys with --key)");
    for (const auto& p : r.trail.problems) out.print("  [FAIL] {}: {}\n", p.kind, p.message);
    out.put("\n");
}

void population(const PeriodReport& r, Out& out) {
    out.print("POPULATION: {} scans of {} nodes; ", r.scans.size(), r.nodes.size());
    if (r.every)
        out.print("expected per node: {} (the whole intervals of {} in the period of {})\n",
                  r.nodes.front().expected.value_or(0), history::describe_duration(*r.every),
                  history::describe_duration(r.to - r.from));
    else
        out.put("expected per node: not computed (no --every)\n");
    for (size_t n = 0; n < r.nodes.size(); ++n) {
        const auto& node = r.nodes[n];
        out.print("  {}: expected {}, found {}; first {}, last {}; missed {}; series {}\n",
                  period::node_name(r, n),
                  node.expected ? fmt::format("{}", *node.expected) : "not computed", node.found,
                  r.scans[node.first_scan].started_at, r.scans[node.last_scan].started_at,
                  !r.every ? std::string("not computed")
                  : node.missed.empty()
                      ? std::string("none")
                      : fmt::format("{} {}, {}", node.missed.size(),
                                    node.missed.size() == 1 ? "gap" : "gaps",
                                    history::describe_duration(node.missed_seconds)),
                  fmt::join(node.series, ", "));
    }
}

void period_facts(const PeriodReport& r, Out& out) {
    if (!r.every)
        out.put("MISSED SCANS (PCI DSS 10.7.3): not computed (no --every)\n");
    else
        out.print("MISSED SCANS (PCI DSS 10.7.3): {}\n",
                  r.missed.empty() ? std::string("none") : fmt::format("{}", r.missed.size()));
    for (const auto& m : r.missed) {
        out.print("  {}/{} (series {}): no scan from {} to {}: {}\n", m.cluster, m.node, m.series,
                  m.start, m.end, history::describe_duration(m.seconds));
    }
    out.print("INVENTORY NODES WITHOUT REPORTS: {}\n",
              r.unreported.empty() ? std::string("none") : fmt::format("{}", r.unreported.size()));
    for (const auto& u : r.unreported) {
        out.print("  {}/{}: listed by {} cluster scans, {} to {}\n", u.cluster, u.node, u.listings,
                  u.first_listed, u.last_listed);
    }
    out.put("TOOL AND DEFINITIONS:\n");
    for (const auto& v : r.versions) {
        out.print("  kubeproof {}, definitions {}: {} scans, {} to {}\n",
                  v.tool_version.empty() ? "(unknown)" : v.tool_version,
                  v.definitions_sha256.empty() ? "(not recorded)" : v.definitions_sha256, v.scans,
                  v.first_started, v.last_started);
    }
    out.print("WAIVERS: {}\n",
              r.waivers.empty() ? std::string("none") : fmt::format("{}", r.waivers.size()));
    if (r.waivers_file)
        out.print(
            "  decided from {} (sha256 {}) at each scan's time, in place of the waivers the scans "
            "carried\n",
            r.waivers_file->first, r.waivers_file->second);
    if (r.waivers_file) {
        out.put("  stale (covered no result of the period):");
        if (r.stale_waivers.empty()) out.put(" none");
        for (const auto& [source, check] : r.stale_waivers)
            out.print(" {} (check {});", source, check);
        out.put("\n");
    }
    for (size_t i = 0; i < r.waivers.size(); ++i) {
        const auto& w = r.waivers[i];
        // Approver, creation date, ticket and reason are optional: only those given are shown.
        out.print("  W{} {}: check {}, owner {}", i + 1, w.source, w.check, w.owner);
        if (!w.approver.empty()) out.print(", approver {}", w.approver);
        if (!w.created.empty()) out.print(", created {}", w.created);
        out.print(", expires {}", w.expires);
        if (!w.ticket.empty()) out.print(", ticket {}", w.ticket);
        if (!w.reason.empty()) out.print(": {}", w.reason);
        for (const auto& [name, value] : w.scope) out.print("; {} {}", name, value);
        out.put("\n");
    }
    out.put("\n");
}

std::string waiver_use(const PeriodReport& r, const history::WaiverUse& use) {
    const auto& w = r.waivers[use.waiver];
    std::string text = fmt::format("W{} ({}, owner {}, expires {}): covered {} scans",
                                   use.waiver + 1, w.source, w.owner, w.expires, use.covered);
    if (use.covered > 0)
        text += fmt::format(", {} to {}", period::scan_time(r, use.first_covered),
                            period::scan_time(r, use.last_covered));
    if (use.expired > 0)
        text += fmt::format("; attached but not covering (expired) on {} scans from {}",
                            use.expired, period::scan_time(r, use.first_expired));
    return text;
}

std::string check_name(const history::PeriodCheck& c) { return c.id.empty() ? c.key : c.id; }

void criteria(const PeriodReport& r, Out& out) {
    size_t counts[3] = {0, 0, 0};
    for (const auto& k : r.criteria) ++counts[static_cast<size_t>(k.verdict)];
    out.print("CRITERIA: {}: {} passing throughout, {} with exceptions, {} never evidenced\n",
              r.criteria.size(), counts[0], counts[1], counts[2]);
    for (const auto& k : r.criteria) {
        out.print("{} {}: {}{}\n", k.id, k.title.empty() ? "(not in the catalogue)" : k.title,
                  history::to_string(k.verdict), k.in_catalogue ? "" : " (named by reports only)");
        std::vector<std::string> ran, never;
        for (size_t c : k.checks)
            (r.checks[c].ran ? ran : never).push_back(check_name(r.checks[c]));
        if (!ran.empty()) out.print("  checks: {}\n", fmt::join(ran, ", "));
        if (!never.empty())
            out.print("  checks in no report of the period: {}\n", fmt::join(never, ", "));
        for (const auto& reason : k.reasons) out.print("  - {}\n", reason);
        if (k.exceptions > 0)
            out.print("  exceptions: {}, covered by a waiver: {}, not covered: {}\n", k.exceptions,
                      k.covered, k.uncovered());
        for (const auto& use : k.waivers) out.print("  {}\n", waiver_use(r, use));
    }
    out.put("\n");
}

std::string streak_text(const PeriodReport& r, const history::Streak& s) {
    return fmt::format("{} scans, {}, from {} {}", s.scans, history::describe_duration(s.seconds),
                       r.scans[s.first].started_at,
                       s.ended_by ? "until " + r.scans[*s.ended_by].started_at
                                  : std::string("and ongoing at the period's end"));
}

std::string exception_waiver(const history::PeriodException& e) {
    if (e.waiver < 0) return "no waiver";
    return fmt::format("waiver W{} {}{}", e.waiver + 1, period::state_name(e.state),
                       e.covered() ? "" : " (not covered)");
}

void check_node(const PeriodReport& r, const history::CheckOnNode& f, Out& out) {
    out.print(
        "  {}: {} scans: passed {} ({:.1f}%), exceptions {} ({} covered by a waiver), not "
        "evaluated {}, without a result {}; status now {} ({})\n",
        period::node_name(r, f.node), f.scans, f.passed, f.share_passed * 100, f.exceptions.size(),
        f.covered, f.not_evaluated, f.without_result,
        f.status_now ? r.statuses[*f.status_now] : std::string("not in its last scan"),
        r.scans[f.now_scan].started_at);
    if (!f.exceptions.empty()) {
        out.print("    first failure {}, last failure {}; longest failing streak: {}\n",
                  r.scans[f.exceptions.front().scan].started_at,
                  r.scans[f.exceptions.back().scan].started_at, streak_text(r, *f.longest));
    }
    for (const auto& e : f.exceptions) {
        const auto& s = r.scans[e.scan];
        out.print("    [{}] {} {}/{} {} sha256 {} {}\n", r.statuses[e.status], s.started_at,
                  s.cluster, s.node, s.file, s.sha256, exception_waiver(e));
    }
    for (const auto& use : f.waivers) out.print("    {}\n", waiver_use(r, use));
}

void checks(const PeriodReport& r, Out& out) {
    out.print("CHECKS: {}\n", r.checks.size());
    for (const auto& c : r.checks) {
        out.print("{} {}: {}\n", check_name(c), c.key.empty() ? "(no key)" : c.key, c.title);
        out.print("  criteria: {}{}\n", fmt::join(c.criteria, ", "),
                  c.other_ids.empty()
                      ? ""
                      : fmt::format(" (also numbered {})", fmt::join(c.other_ids, ", ")));
        if (!c.ran) out.put("  in no report of the period\n");
        for (const auto& f : c.nodes) check_node(r, f, out);
    }
    out.put("\n");
}

void sample(const PeriodReport& r, Out& out) {
    if (!r.sample) return;
    const auto& s = *r.sample;
    out.print("SAMPLE: {} of {} scans, seed {}\n", s.chosen.size(), s.population, s.seed);
    out.print(
        "  population: the {} scans of the period ordered by start, node and file, numbered "
        "from 1; drawn with std::mt19937_64 and a partial Fisher-Yates shuffle\n",
        s.population);
    if (s.requested > s.population)
        out.print("  asked for {}: the population has only {}, so every scan is listed\n",
                  s.requested, s.population);
    for (size_t i = 0; i < s.chosen.size(); ++i) {
        const auto& scan = r.scans[s.chosen[i]];
        out.print("  {}. #{} {} {}/{} {} sha256 {}\n", i + 1, s.chosen[i] + 1, scan.started_at,
                  scan.cluster, scan.node, scan.file, scan.sha256);
    }
    out.put("\n");
}

void summary(const PeriodReport& r, Out& out) {
    out.print("SUMMARY: trail {}; {} exceptions, {} FAIL or ERROR not covered by a waiver\n",
              period::trail_outcome(r.trail), r.exceptions, r.uncovered_failures);
}

}  // namespace

void write_period_text(const PeriodReport& report, const Sink& sink) {
    Out out(sink);
    header(report, out);
    trail(report, out);
    population(report, out);
    period_facts(report, out);
    criteria(report, out);
    checks(report, out);
    sample(report, out);
    summary(report, out);
    out.flush();
}

}  // namespace kubeproof::report
