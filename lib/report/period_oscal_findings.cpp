// The findings and risks of kubeproof's OSCAL assessment results: the trail's finding first, then
// one per criterion of the framework with the scans in which its checks did not pass, and each
// waiver as a risk with the time it held and the time it had expired. See
// period_oscal_writer.cpp for the design.
#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "report/oscal_ids.hpp"
#include "report/period_oscal.hpp"
#include "report/period_output.hpp"

namespace kubeproof::report::oscal {

namespace {

using history::PeriodReport;
using period::Json;
using period::JsonOut;

Json related_observations(const std::vector<std::string>& uuids) {
    Json list = Json::array();
    for (const auto& uuid : uuids) list.push_back({{"observation-uuid", uuid}});
    return list;
}

void trail_finding(const Context& c, JsonOut& j) {
    const PeriodReport& r = c.report;
    j.open_object();
    j.member("uuid", name_uuid("trail:" + c.scope));
    j.member("title", fmt::format("Evidence trail: {}", period::trail_outcome(r.trail)));
    std::string description = fmt::format(
        "kubeproof verified the {} reports of the period ({} series): {}; each report in the "
        "place of the store its content names, the previous links and seq steps of every series, "
        "times, definitions digests{}.",
        r.trail.reports, r.trail.series.size(),
        r.trail.signatures_checked ? "every signature against the public keys given"
                                   : "signatures NOT checked (no public keys were given)",
        r.every ? ", holes longer than the interval and inventory nodes without reports" : "");
    if (!r.trail.problems.empty()) description += "\n";
    for (const auto& p : r.trail.problems)
        description += fmt::format("\n- {}: {}", p.kind, p.message);
    j.member("description", description);
    Props()
        .add("trail", r.intact() ? "intact" : "not-intact")
        .add("signatures-checked", r.trail.signatures_checked ? "true" : "false")
        .add("reports", fmt::format("{}", r.trail.reports))
        .add("problems", fmt::format("{}", r.trail.problems.size()))
        .write(j);
    j.member("origins", tool_origins(c));
    j.member("target",
             {{"type", "objective-id"},
              {"target-id", k_trail_objective},
              {"title", "The evidence is complete and unaltered"},
              {"description",
               "kubeproof's own objective, not a criterion of the framework: "
               "every report of the period is in place, linked and numbered "
               "without a hole and, with public keys, signed by one of them; with "
               "an interval, no scan was missed."},
              {"status",
               {{"state", r.intact() ? "satisfied" : "not-satisfied"},
                {"reason", r.intact() ? "pass" : "fail"},
                {"remarks", period::trail_outcome(r.trail) +
                                (r.trail.signatures_checked ? "" : "; signatures NOT checked")}}}});
    std::vector<std::string> related;
    for (const auto& uuid : c.problem_observation) {
        if (!uuid.empty()) related.push_back(uuid);
    }
    related.insert(related.end(), c.missed_observation.begin(), c.missed_observation.end());
    if (!related.empty()) j.member("related-observations", related_observations(related));
    j.close();
}

std::string_view status_reason(history::Verdict verdict) {
    switch (verdict) {
        case history::Verdict::PassingThroughout:
            return "pass";
        case history::Verdict::WithExceptions:
            return "fail";
        case history::Verdict::NeverEvidenced:
            return "other";
    }
    return "other";
}

/// The scans in which a supporting check of the criterion did not pass, each once.
std::vector<std::string> exception_scans(const Context& c, const history::PeriodCriterion& k) {
    std::vector<uint32_t> scans;
    for (size_t check : k.checks) {
        for (const auto& node : c.report.checks[check].nodes) {
            for (const auto& e : node.exceptions) scans.push_back(e.scan);
        }
    }
    std::sort(scans.begin(), scans.end());
    scans.erase(std::unique(scans.begin(), scans.end()), scans.end());
    std::vector<std::string> uuids;
    uuids.reserve(scans.size());
    for (uint32_t s : scans) uuids.push_back(c.scan_observation[s]);
    return uuids;
}

std::string streak_text(const PeriodReport& r, const history::Streak& s) {
    return fmt::format("{} scans ({}) from {}{}", s.scans, history::describe_duration(s.seconds),
                       time_of(r, s.first),
                       s.ended_by ? fmt::format(" until {}", time_of(r, s.ended_by))
                                  : std::string(", ongoing at the period's end"));
}

/// One line per check and node with exceptions: how many, of which status, when the first and
/// the last were, the longest failing streak, the status now and each waiver's part.
std::string exception_lines(const Context& c, const history::PeriodCriterion& k) {
    const PeriodReport& r = c.report;
    std::string text;
    for (size_t check : k.checks) {
        const auto& ch = r.checks[check];
        for (const auto& f : ch.nodes) {
            if (f.exceptions.empty()) continue;
            std::map<std::string, size_t> statuses;
            for (const auto& e : f.exceptions) ++statuses[r.statuses[e.status]];
            std::vector<std::string> counts;
            counts.reserve(statuses.size());
            for (const auto& [status, count] : statuses)
                counts.push_back(fmt::format("{} {}", status, count));
            text += fmt::format(
                "\n- {} on {}: did not pass in {} of {} scans ({}), first {}, last {}",
                ch.id.empty() ? ch.key : ch.id, period::node_name(r, f.node), f.exceptions.size(),
                f.scans, fmt::join(counts, ", "), time_of(r, f.exceptions.front().scan),
                time_of(r, f.exceptions.back().scan));
            if (f.longest) text += "; longest failing streak " + streak_text(r, *f.longest);
            text += fmt::format(
                "; status now {} ({})",
                f.status_now ? r.statuses[*f.status_now] : std::string("not in its last scan"),
                time_of(r, f.now_scan));
            for (const auto& use : f.waivers) {
                text += fmt::format("; waiver W{} covered {}", use.waiver + 1, use.covered);
                if (use.covered > 0)
                    text += fmt::format(" ({} to {})", time_of(r, use.first_covered),
                                        time_of(r, use.last_covered));
                if (use.expired > 0)
                    text += fmt::format(", expired on {} from {}", use.expired,
                                        time_of(r, use.first_expired));
            }
        }
    }
    return text;
}

void criterion_finding(const Context& c, const history::PeriodCriterion& k, JsonOut& j) {
    const PeriodReport& r = c.report;
    const std::string verdict(history::to_string(k.verdict));
    j.open_object();
    j.member("uuid",
             name_uuid(fmt::format(
                 "criterion:{}:{}:{}:{}{}", r.framework, k.id, history::to_rfc3339(r.from),
                 history::to_rfc3339(r.to),
                 r.clusters.empty() ? "" : fmt::format(":{}", fmt::join(r.clusters, ",")))));
    j.member("title", fmt::format("{}{}: {}", k.id, k.title.empty() ? "" : " " + k.title, verdict));
    std::string description = fmt::format("Verdict over the period: {}.", verdict);
    if (!k.reasons.empty()) description += "\n";
    for (const auto& reason : k.reasons) description += "\n- " + reason;
    j.member("description", description);
    Props props;
    props.add("verdict", verdict);
    if (!k.in_catalogue) props.add("in-catalogue", "false");
    for (size_t check : k.checks) {
        const auto& ch = r.checks[check];
        props.add(ch.ran ? "check" : "check-in-no-report", ch.id.empty() ? ch.key : ch.id);
    }
    props.add("exceptions", fmt::format("{}", k.exceptions))
        .add("covered-by-waiver", fmt::format("{}", k.covered))
        .add("not-covered", fmt::format("{}", k.uncovered()))
        .write(j);
    j.member("origins", tool_origins(c));
    Json target = {{"type", "objective-id"}, {"target-id", control_id(k.id)}};
    if (!k.title.empty()) target["title"] = k.title;
    target["props"] =
        Json::array({{{"name", "criterion-id"},
                      {"ns", k_props_ns},
                      {"value", one_line(k.id).empty() ? "(none)" : one_line(k.id)}}});
    std::string remarks = verdict;
    if (!k.reasons.empty()) remarks += fmt::format(": {}", fmt::join(k.reasons, "; "));
    target["status"] = {
        {"state", k.verdict == history::Verdict::PassingThroughout ? "satisfied" : "not-satisfied"},
        {"reason", status_reason(k.verdict)},
        {"remarks", remarks}};
    j.member("target", target);
    const auto scans = exception_scans(c, k);
    if (!scans.empty()) j.member("related-observations", related_observations(scans));
    if (!k.waivers.empty()) {
        Json risks = Json::array();
        for (const auto& use : k.waivers) risks.push_back({{"risk-uuid", c.risk[use.waiver]}});
        j.member("related-risks", risks);
    }
    const std::string lines = exception_lines(c, k);
    if (!lines.empty())
        j.member("remarks", fmt::format("Exceptions, check by check and node by node:\n{}", lines));
    j.close();
}

std::string waiver_name(const PeriodReport& r, size_t w) {
    return fmt::format("W{} ({})", w + 1, r.waivers[w].source);
}

Json risk_log(const Context& c, size_t w) {
    const PeriodReport& r = c.report;
    const WaiverFacts& f = c.waivers[w];
    const std::string name = c.risk[w];
    Json entries = Json::array();
    if (f.covered > 0) {
        entries.push_back(
            {{"uuid", name_uuid(fmt::format("waiver-active:{}:W{}", c.scope, w + 1))},
             {"title", "Waiver active"},
             {"description",
              fmt::format("The waiver covered {} exceptions, from the scan of {} to that of {}.",
                          f.covered, time_of(r, f.first_covered), time_of(r, f.last_covered))},
             {"start", time_of(r, f.first_covered)},
             {"end", time_of(r, f.last_covered)},
             {"status-change", "deviation-approved"}});
    }
    if (f.expired > 0) {
        entries.push_back(
            {{"uuid", name_uuid(fmt::format("waiver-expired:{}:W{}", c.scope, w + 1))},
             {"title", "Waiver expired"},
             {"description",
              fmt::format("The waiver (expires {}) no longer covered the {} exceptions it was "
                          "still attached to, from the scan of {} to that of {}.",
                          r.waivers[w].expires, f.expired, time_of(r, f.first_expired),
                          time_of(r, f.last_expired))},
             {"start", time_of(r, f.first_expired)},
             {"end", time_of(r, f.last_expired)},
             {"status-change", "open"}});
    }
    return entries;
}

void risk(const Context& c, size_t w, JsonOut& j) {
    const PeriodReport& r = c.report;
    const history::Waiver& waiver = r.waivers[w];
    const WaiverFacts& f = c.waivers[w];
    j.open_object();
    j.member("uuid", c.risk[w]);
    j.member("title", fmt::format("Waiver {}: check {}", waiver_name(r, w), waiver.check));
    j.member("description",
             waiver.reason.empty() ? std::string("(no reason given)") : waiver.reason);
    std::string statement = fmt::format(
        "Accepted risk: check {} did not pass; owner {}, approved by {}, created {}, expires {}, "
        "ticket {}. A waived result keeps its status and stays an exception. It covered {} "
        "exceptions",
        waiver.check, waiver.owner, waiver.approver, waiver.created, waiver.expires,
        waiver.ticket.empty() ? "(none)" : waiver.ticket, f.covered);
    if (f.covered > 0)
        statement +=
            fmt::format(" ({} to {})", time_of(r, f.first_covered), time_of(r, f.last_covered));
    if (f.expired > 0)
        statement += fmt::format(
            " and was attached to {} more after it expired, which it did not cover ({} to {})",
            f.expired, time_of(r, f.first_expired), time_of(r, f.last_expired));
    j.member("statement", statement + ".");
    Props props;
    props.add("waiver", fmt::format("W{}", w + 1))
        .add("waiver-source", waiver.source)
        .add("check", waiver.check)
        .add("owner", waiver.owner)
        .add("approver", waiver.approver)
        .add("ticket", waiver.ticket)
        .add("created", waiver.created)
        .add("expires", waiver.expires);
    for (const auto& [name, value] : waiver.scope)
        props.add("scope", fmt::format("{}: {}", name, value));
    props.add("covered", fmt::format("{}", f.covered))
        .add("first-covered", time_of(r, f.first_covered))
        .add("last-covered", time_of(r, f.last_covered))
        .add("expired", fmt::format("{}", f.expired))
        .add("first-expired", time_of(r, f.first_expired))
        .add("last-expired", time_of(r, f.last_expired))
        .write(j);
    // The state at the period's end: approved while it covered all it was attached to.
    j.member("status", f.expired > 0 ? "open" : "deviation-approved");
    j.member("origins", tool_origins(c));
    const Json entries = risk_log(c, w);
    if (!entries.empty()) j.member("risk-log", {{"entries", entries}});
    if (!f.scans.empty()) {
        Json related = Json::array();
        for (uint32_t s : f.scans) related.push_back({{"observation-uuid", c.scan_observation[s]}});
        j.member("related-observations", related);
    }
    j.close();
}

}  // namespace

void write_risks(const Context& c, JsonOut& j) {
    const PeriodReport& r = c.report;
    if (r.waivers.empty()) return;
    j.key("risks");
    j.open_list();
    for (size_t w = 0; w < r.waivers.size(); ++w) risk(c, w, j);
    j.close();
}

void write_findings(const Context& c, JsonOut& j) {
    j.key("findings");
    j.open_list();
    trail_finding(c, j);
    for (const auto& k : c.report.criteria) criterion_finding(c, k, j);
    j.close();
}

}  // namespace kubeproof::report::oscal
