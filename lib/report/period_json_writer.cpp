// The kubeproof.period/v1 JSON (docs/period.schema.json), written as it goes: objects and lists
// one member per line, each record (a scan, an exception, a problem) on one line.
#include "report/period_json_out.hpp"
#include "report/period_output.hpp"
#include "report/period_writers.hpp"

namespace kubeproof::report {

namespace {

using history::PeriodReport;
using period::Json;
using period::JsonOut;

Json nullable(const std::string& text) { return text.empty() ? Json(nullptr) : Json(text); }

void trail(const PeriodReport& r, JsonOut& j) {
    j.key("trail");
    j.open_object();
    j.member("intact", r.intact());
    j.member("outcome", period::trail_outcome(r.trail));
    j.member("reports", r.trail.reports);
    j.member("signatures_checked", r.trail.signatures_checked);
    j.key("problems");
    j.open_list();
    for (const auto& p : r.trail.problems) {
        Json item{{"kind", p.kind},
                  {"message", p.message},
                  {"path", nullable(p.path)},
                  {"cluster", nullable(p.cluster)},
                  {"series", nullable(p.series)},
                  {"seq", p.seq > 0 ? Json(p.seq) : Json(nullptr)}};
        if (p.kind == "gap")
            item.update({{"start", p.start}, {"end", p.end}, {"seconds", p.seconds}});
        j.value(item);
    }
    j.close();
    j.key("series");
    j.open_list();
    for (const auto& s : r.trail.series) {
        j.value({{"cluster", s.cluster},
                 {"series", s.series},
                 {"reports", s.reports},
                 {"first_seq", s.first_seq},
                 {"last_seq", s.last_seq},
                 {"first_started", s.first_started},
                 {"last_started", s.last_started}});
    }
    j.close();
    j.close();
}

void period_of(const PeriodReport& r, JsonOut& j) {
    j.key("period");
    j.open_object();
    j.member("from", history::to_rfc3339(r.from));
    j.member("to", history::to_rfc3339(r.to));
    j.member("from_source", r.from_given ? "--from" : "first report");
    j.member("to_source", r.to_given ? "--to"
                          : r.every  ? "last report plus interval"
                                     : "last report plus 1 second");
    j.member("seconds", r.to - r.from);
    j.member("every_seconds", r.every ? Json(*r.every) : Json(nullptr));
    j.member("expected_per_node",
             r.every ? Json(r.nodes.front().expected.value_or(0)) : Json(nullptr));
    j.close();
    j.member("clusters", r.clusters);
}

void population(const PeriodReport& r, JsonOut& j) {
    j.key("population");
    j.open_object();
    j.member("scans", r.scans.size());
    j.key("nodes");
    j.open_list();
    for (const auto& n : r.nodes) {
        j.value({{"cluster", n.cluster},
                 {"node", n.node},
                 {"expected", n.expected ? Json(*n.expected) : Json(nullptr)},
                 {"found", n.found},
                 {"first_scan", n.first_scan},
                 {"last_scan", n.last_scan},
                 {"first_started", r.scans[n.first_scan].started_at},
                 {"last_started", r.scans[n.last_scan].started_at},
                 {"series", n.series},
                 {"missed", n.missed},
                 {"missed_seconds", r.every ? Json(n.missed_seconds) : Json(nullptr)}});
    }
    j.close();
    j.key("missed_scans");
    if (!r.every) {
        j.value(nullptr);
    } else {
        j.open_list();
        for (const auto& m : r.missed) {
            j.value({{"cluster", m.cluster},
                     {"node", m.node},
                     {"series", m.series},
                     {"start", m.start},
                     {"end", m.end},
                     {"seconds", m.seconds}});
        }
        j.close();
    }
    j.key("unreported_nodes");
    j.open_list();
    for (const auto& u : r.unreported) {
        j.value({{"cluster", u.cluster},
                 {"node", u.node},
                 {"listings", u.listings},
                 {"first_listed", u.first_listed},
                 {"last_listed", u.last_listed}});
    }
    j.close();
    j.key("versions");
    j.open_list();
    for (const auto& v : r.versions) {
        j.value({{"tool_version", v.tool_version},
                 {"definitions_sha256", nullable(v.definitions_sha256)},
                 {"scans", v.scans},
                 {"first_started", v.first_started},
                 {"last_started", v.last_started}});
    }
    j.close();
    j.close();
}

void waivers(const PeriodReport& r, JsonOut& j) {
    Json from = nullptr;
    if (r.waivers_file) {
        Json stale = Json::array();
        for (const auto& [source, check] : r.stale_waivers)
            stale.push_back({{"source", source}, {"check", check}});
        from = {{"file", r.waivers_file->first},
                {"sha256", r.waivers_file->second},
                {"stale", std::move(stale)}};
    }
    j.member("waivers_decided_from", from);
    j.key("waivers");
    j.open_list();
    for (const auto& w : r.waivers) {
        Json scope = Json::object();
        for (const auto& [name, value] : w.scope) scope[name] = value;
        j.value({{"source", w.source},
                 {"check", w.check},
                 {"owner", w.owner},
                 {"approver", w.approver},
                 {"reason", w.reason},
                 {"ticket", w.ticket},
                 {"created", w.created},
                 {"expires", w.expires},
                 {"scope", std::move(scope)}});
    }
    j.close();
}

Json time_of(const PeriodReport& r, std::optional<size_t> scan) {
    return scan ? Json(r.scans[*scan].started_at) : Json(nullptr);
}

Json waiver_use(const PeriodReport& r, const history::WaiverUse& u) {
    return {{"waiver", u.waiver},
            {"covered", u.covered},
            {"expired", u.expired},
            {"first_covered", time_of(r, u.first_covered)},
            {"last_covered", time_of(r, u.last_covered)},
            {"first_expired", time_of(r, u.first_expired)}};
}

void criteria(const PeriodReport& r, JsonOut& j) {
    j.key("criteria");
    j.open_list();
    for (const auto& k : r.criteria) {
        j.open_object();
        j.member("id", k.id);
        j.member("title", nullable(k.title));
        j.member("in_catalogue", k.in_catalogue);
        j.member("verdict", std::string(history::to_string(k.verdict)));
        j.member("reasons", k.reasons);
        j.member("checks", k.checks);
        j.member("exceptions_count", k.exceptions);
        j.member("covered", k.covered);
        j.member("uncovered", k.uncovered());
        Json uses = Json::array();
        for (const auto& u : k.waivers) uses.push_back(waiver_use(r, u));
        j.member("waivers", uses);
        j.close();
    }
    j.close();
}

Json streak(const PeriodReport& r, const std::optional<history::Streak>& s) {
    if (!s) return nullptr;
    return {{"scans", s->scans},
            {"seconds", s->seconds},
            {"first", r.scans[s->first].started_at},
            {"last", r.scans[s->last].started_at},
            {"ended_by", time_of(r, s->ended_by)},
            {"ongoing", s->ongoing}};
}

Json exception(const PeriodReport& r, const history::PeriodException& e) {
    const auto& s = r.scans[e.scan];
    return {{"scan", e.scan},
            {"started_at", s.started_at},
            {"node", s.node},
            {"status", r.statuses[e.status]},
            {"file", s.file},
            {"sha256", s.sha256},
            {"waiver", e.waiver < 0 ? Json(nullptr) : Json(e.waiver)},
            {"waiver_state", std::string(period::state_name(e.state))},
            {"covered", e.covered()}};
}

void check_node(const PeriodReport& r, const history::CheckOnNode& f, JsonOut& j) {
    const auto& node = r.nodes[f.node];
    j.open_object();
    j.member("cluster", node.cluster);
    j.member("node", node.node);
    j.member("expected", node.expected ? Json(*node.expected) : Json(nullptr));
    j.member("found", node.found);
    j.member("scans", f.scans);
    j.member("passed", f.passed);
    j.member("share_passed", f.share_passed);
    j.member("exceptions_count", f.exceptions.size());
    j.member("not_evaluated", f.not_evaluated);
    j.member("without_result", f.without_result);
    j.member("covered", f.covered);
    j.member("uncovered", f.uncovered());
    j.member("first_failure", f.exceptions.empty()
                                  ? Json(nullptr)
                                  : Json(r.scans[f.exceptions.front().scan].started_at));
    j.member("last_failure", f.exceptions.empty()
                                 ? Json(nullptr)
                                 : Json(r.scans[f.exceptions.back().scan].started_at));
    j.member("longest_failing_streak", streak(r, f.longest));
    j.member("status_now", f.status_now ? Json(r.statuses[*f.status_now]) : Json(nullptr));
    j.member("status_now_at", r.scans[f.now_scan].started_at);
    Json uses = Json::array();
    for (const auto& u : f.waivers) uses.push_back(waiver_use(r, u));
    j.member("waivers", uses);
    j.key("exceptions");
    j.open_list();
    for (const auto& e : f.exceptions) j.value(exception(r, e));
    j.close();
    j.close();
}

void checks(const PeriodReport& r, JsonOut& j) {
    j.key("checks");
    j.open_list();
    for (const auto& c : r.checks) {
        j.open_object();
        j.member("id", nullable(c.id));
        j.member("key", nullable(c.key));
        j.member("title", nullable(c.title));
        j.member("other_ids", c.other_ids);
        j.member("criteria", c.criteria);
        j.member("ran", c.ran);
        j.key("nodes");
        j.open_list();
        for (const auto& f : c.nodes) check_node(r, f, j);
        j.close();
        j.close();
    }
    j.close();
}

void sample(const PeriodReport& r, JsonOut& j) {
    j.key("sample");
    if (!r.sample) {
        j.value(nullptr);
        return;
    }
    const auto& s = *r.sample;
    j.open_object();
    j.member("seed", s.seed);
    j.member("requested", s.requested);
    j.member("population", s.population);
    j.member("algorithm", "mt19937_64 partial Fisher-Yates");
    j.key("chosen");
    j.open_list();
    for (size_t scan : s.chosen) {
        const auto& x = r.scans[scan];
        j.value({{"scan", scan},
                 {"started_at", x.started_at},
                 {"node", x.node},
                 {"file", x.file},
                 {"sha256", x.sha256}});
    }
    j.close();
    j.close();
}

void scans(const PeriodReport& r, JsonOut& j) {
    j.key("scans");
    j.open_list();
    for (size_t i = 0; i < r.scans.size(); ++i) {
        const auto& s = r.scans[i];
        j.value({{"scan", i},
                 {"started_at", s.started_at},
                 {"cluster", s.cluster},
                 {"node", s.node},
                 {"series", s.series},
                 {"seq", s.seq},
                 {"file", s.file},
                 {"sha256", s.sha256},
                 {"tool_version", s.tool_version},
                 {"definitions_sha256", nullable(s.definitions_sha256)}});
    }
    j.close();
}

}  // namespace

void write_period_json(const PeriodReport& report, const Sink& sink) {
    period::Out out(sink);
    JsonOut j(out);
    j.open_object();
    j.member("schema", "kubeproof.period/v1");
    trail(report, j);
    j.member("tool", Json{{"name", "kubeproof"}, {"version", report.tool_version}});
    j.member("generated_at", history::to_rfc3339(report.generated_at));
    j.member("framework",
             Json{{"id", report.framework}, {"title", nullable(report.framework_title)}});
    period_of(report, j);
    population(report, j);
    waivers(report, j);
    criteria(report, j);
    checks(report, j);
    sample(report, j);
    scans(report, j);
    j.member("summary", Json{{"intact", report.intact()},
                             {"exceptions", report.exceptions},
                             {"uncovered_failures", report.uncovered_failures}});
    j.close();
    out.put("\n");
    out.flush();
}

}  // namespace kubeproof::report
