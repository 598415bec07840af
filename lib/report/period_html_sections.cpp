// The HTML period report's sections after the facts of the period: the waivers with what each
// covered, one section per criterion (verdict, reasons, trend chart, a row per check and node),
// every exception per check and node, the sample.
#include "report/period_html.hpp"

namespace kubeproof::report::html {

namespace {

using history::CheckOnNode;
using history::PeriodReport;
using period::Out;

std::string check_name(const history::PeriodCheck& c) { return c.id.empty() ? c.key : c.id; }

/// The id of the list of a check's exceptions on a node.
std::string exceptions_anchor(size_t check, size_t node) {
    return fmt::format("x-{}-{}", check, node);
}

/// "covered 4 scans, from … to … (3d 0h 0m from the first to the last); attached but not
/// covering (expired) on 3 scans from …".
void put_use(const PeriodReport& r, const history::WaiverUse& u, Out& out) {
    out.print("covered {}", plural(u.covered, "scan", "scans"));
    if (u.first_covered && u.last_covered) {
        const auto& first = r.scans[*u.first_covered];
        const auto& last = r.scans[*u.last_covered];
        out.put(", from ");
        put_escaped(out, first.started_at);
        out.put(" to ");
        put_escaped(out, last.started_at);
        out.print(" ({} from the first to the last)",
                  history::describe_duration(last.started - first.started));
    }
    if (u.expired > 0 && u.first_expired) {
        out.print("; attached but not covering (expired) on {} from ",
                  plural(u.expired, "scan", "scans"));
        put_escaped(out, r.scans[*u.first_expired].started_at);
    }
}

/// "W1 (waivers.yaml:2, owner alice, expires 2026-01-05)".
void put_waiver_name(const PeriodReport& r, size_t waiver, Out& out) {
    const auto& w = r.waivers[waiver];
    out.print("<b>W{}</b> (", waiver + 1);
    put_escaped(out, w.source);
    out.put(", owner ");
    put_escaped(out, w.owner);
    out.put(", expires ");
    put_escaped(out, w.expires);
    out.put(")");
}

struct Use {
    size_t check;
    const CheckOnNode* node;
    const history::WaiverUse* use;
};

void waiver_row(const PeriodReport& r, size_t i, Out& out) {
    const auto& w = r.waivers[i];
    out.print(R"(<tr id="waiver-{}"><td>W{}</td>)", i, i + 1);
    cell(out, w.source, "mono");
    cell(out, w.check);
    std::string scope;
    for (const auto& [name, value] : w.scope)
        scope += fmt::format("{}{} {}", scope.empty() ? "" : "; ", name, value);
    cell(out, scope);
    for (const std::string* field : {&w.owner, &w.approver, &w.created, &w.expires, &w.ticket})
        cell(out, *field);
    cell(out, w.reason);
    out.put("</tr>\n");
}

/// "2 scans, 3d 0h 0m", then "from …" and "until …" (or "ongoing at the period's end") on lines
/// of their own.
void put_streak(const PeriodReport& r, const history::Streak& s, Out& out) {
    out.print(R"(<td class="time">{}, {}<br>from )", plural(s.scans, "scan", "scans"),
              history::describe_duration(s.seconds));
    put_escaped(out, r.scans[s.first].started_at);
    if (s.ended_by) {
        out.put("<br>until ");
        put_escaped(out, r.scans[*s.ended_by].started_at);
        out.put("</td>");
    } else {
        out.put("<br>ongoing at the period's end</td>");
    }
}

/// One row of a criterion's table: a check on a node.
void check_row(const PeriodReport& r, size_t c, const CheckOnNode& f, Out& out) {
    const auto& node = r.nodes[f.node];
    out.put("<tr>");
    cell(out, period::node_name(r, f.node));
    out.put(R"(<td class="n">)");
    if (node.expected)
        out.print("{}", *node.expected);
    else
        out.put("not computed");
    out.print(" / {}</td>", node.found);
    number_cell(out, f.scans);
    number_cell(out, f.passed);
    out.print(R"(<td class="n">{:.1f}%</td>)", f.share_passed * 100);
    number_cell(out, f.not_evaluated);
    number_cell(out, f.without_result);
    if (f.exceptions.empty())
        out.put(R"(<td class="n">0</td>)");
    else
        out.print(R"(<td class="n"><a href="#{}">{}</a></td>)", exceptions_anchor(c, f.node),
                  f.exceptions.size());
    number_cell(out, f.covered);
    if (f.exceptions.empty()) {
        out.put("<td></td>");
    } else {
        out.put(R"(<td class="time">)");
        put_escaped(out, r.scans[f.exceptions.front().scan].started_at);
        out.put("<br>");
        put_escaped(out, r.scans[f.exceptions.back().scan].started_at);
        out.put("</td>");
    }
    if (f.longest)
        put_streak(r, *f.longest, out);
    else
        cell(out, "none");
    out.put(R"(<td class="time">)");
    put_escaped(out, f.status_now ? r.statuses[*f.status_now] : "not in its last scan");
    out.put("<br>");
    put_escaped(out, r.scans[f.now_scan].started_at);
    out.put("</td>");
    out.put("<td>");
    for (const auto& u : f.waivers) {
        out.print("<a href=\"#waiver-{}\">W{}</a>: covered {}, expired {}<br>", u.waiver,
                  u.waiver + 1, u.covered, u.expired);
    }
    out.put("</td></tr>\n");
}

/// A check's rows: a row naming it across the table, then one row per node.
void check_rows(const PeriodReport& r, size_t c, Out& out) {
    const auto& check = r.checks[c];
    out.put(R"(<tr class="check"><th colspan="12" scope="rowgroup"><span class="mono">)");
    put_escaped(out, check_name(check));
    out.put("</span> ");
    put_escaped(out, check.title);
    if (!check.other_ids.empty()) {
        out.put(" (also numbered ");
        put_escaped(out, fmt::format("{}", fmt::join(check.other_ids, ", ")));
        out.put(")");
    }
    out.put("</th></tr>\n");
    if (check.nodes.empty())
        out.put(R"(<tr><td colspan="12" class="none">in no report of the period</td></tr>)"
                "\n");
    for (const auto& f : check.nodes) check_row(r, c, f, out);
}

void criterion_header(const PeriodReport& r, const history::PeriodCriterion& k, Out& out) {
    out.put(R"(<header><h3><span class="id">)");
    put_escaped(out, k.id);
    out.put("</span> ");
    put_escaped(out, k.title.empty() ? "(not in the catalogue)" : k.title);
    out.print(R"( <span class="verdict {}">{}</span></h3>)", verdict_class(k.verdict),
              history::to_string(k.verdict));
    if (!k.in_catalogue) out.put("<p>Named by reports only: not in the framework's catalogue.</p>");
    out.put("\n<ul class=\"reasons\">");
    for (const auto& reason : k.reasons) {
        out.put("<li>");
        put_escaped(out, reason);
        out.put("</li>");
    }
    out.put("</ul>\n");
    if (k.exceptions > 0)
        out.print("<p>Exceptions: {}, covered by a waiver: {}, not covered: {}.</p>\n",
                  k.exceptions, k.covered, k.uncovered());
    for (const auto& u : k.waivers) {
        out.put("<p>");
        put_waiver_name(r, u.waiver, out);
        out.put(": ");
        put_use(r, u, out);
        out.put(".</p>\n");
    }
    out.put("</header>\n");
}

void criterion(const PeriodReport& r, size_t i, Out& out) {
    const auto& k = r.criteria[i];
    out.print(R"(<section class="criterion{}" id="criterion-{}">)",
              k.checks.empty() ? "" : " checked", i);
    criterion_header(r, k, out);
    if (k.verdict != history::Verdict::NeverEvidenced)
        write_chart(r, k, out);
    else if (!k.checks.empty())  // without checks, the reason says it all
        out.put(R"(<p class="none">No chart: no supporting check was evaluated in the period.</p>)"
                "\n");
    if (!k.checks.empty()) {
        table_head(out,
                   {"Node", "#Expected / found", "#Scans with a result", "#Passed", "#Share passed",
                    "#Not evaluated", "#Without a result", "#Exceptions", "#Covered by a waiver",
                    "First / last failure", "Longest failing streak", "Status now", "Waivers"});
        for (size_t c : k.checks) check_rows(r, c, out);
        out.put("</tbody></table>\n");
    }
    out.put("</section>\n");
}

/// The exceptions of one check on one node the page lists at each end of the period: a year of a
/// fleet's daily scans has a million exceptions, which no browser opens as one page.
constexpr size_t k_listed_exceptions = 20;

/// Whether each scan's strings are free of characters to escape: found once per scan rather than
/// once per exception (a scan has dozens), since a year's exception lists are most of the page.
std::vector<bool> plain_scans(const PeriodReport& r) {
    std::vector<bool> plain(r.scans.size());
    for (size_t i = 0; i < r.scans.size(); ++i) {
        const auto& s = r.scans[i];
        plain[i] = !needs_escaping(s.started_at) && !needs_escaping(s.cluster) &&
                   !needs_escaping(s.node) && !needs_escaping(s.file) && !needs_escaping(s.sha256);
    }
    return plain;
}

void exception_row(const PeriodReport& r, const history::PeriodException& e, bool plain, Out& out) {
    const auto& s = r.scans[e.scan];
    auto text = [&](std::string_view t) { plain ? out.put(t) : put_escaped(out, t); };
    out.put("<tr><td class=\"time\">");
    text(s.started_at);
    out.put("</td><td>");
    text(s.cluster);
    out.put('/');
    text(s.node);
    out.put("</td><td>");
    put_escaped(out, r.statuses[e.status]);
    out.put("</td><td class=\"mono\">");
    text(s.file);
    out.put("</td><td class=\"mono\">");
    text(s.sha256);
    if (e.waiver < 0)
        out.put("</td><td>no waiver</td></tr>\n");
    else
        out.print("</td><td>W{} {} ({})</td></tr>\n", e.waiver + 1, period::state_name(e.state),
                  e.covered() ? "covered" : "not covered");
}

}  // namespace

void write_waivers(const PeriodReport& r, Out& out) {
    out.put(R"(<section id="waivers"><h2>Waivers</h2>)");
    if (r.waivers.empty()) {
        out.put("<p>None: no scan of the period carried a waiver.</p>\n</section>\n");
        return;
    }
    std::vector<std::vector<Use>> uses(r.waivers.size());
    for (size_t c = 0; c < r.checks.size(); ++c) {
        for (const auto& f : r.checks[c].nodes)
            for (const auto& u : f.waivers) uses[u.waiver].push_back({c, &f, &u});
    }
    if (r.waivers_file) {
        out.put("<p>Decided from the waivers file <span class=\"mono\">");
        put_escaped(out, r.waivers_file->first);
        out.put("</span> (SHA-256 <span class=\"mono\">");
        put_escaped(out, r.waivers_file->second);
        out.put(
            "</span>) at each scan's time (report --waivers), in place of the waivers the scans "
            "carried. Stale (covered no result of the period): ");
        if (r.stale_waivers.empty()) out.put("none");
        for (size_t i = 0; i < r.stale_waivers.size(); ++i) {
            if (i > 0) out.put(", ");
            put_escaped(out, r.stale_waivers[i].first);
            out.put(" (check ");
            put_escaped(out, r.stale_waivers[i].second);
            out.put(")");
        }
        out.put(".");
    } else {
        out.put("<p>As the scans carried them (run --waivers).");
    }
    out.put(
        " A waived result keeps its status: it is still an exception, covered while its waiver "
        "was active.</p>\n");
    table_head(out, {"Waiver", "Source", "Check", "Scope", "Owner", "Approver", "Created",
                     "Expires", "Ticket", "Reason"});
    for (size_t i = 0; i < r.waivers.size(); ++i) waiver_row(r, i, out);
    out.put("</tbody></table>\n");
    for (size_t i = 0; i < r.waivers.size(); ++i) {
        out.put("<p>");
        put_waiver_name(r, i, out);
        out.put(uses[i].empty() ? ": attached to no exception.</p>\n" : ":</p>\n<ul>");
        for (const Use& use : uses[i]) {
            out.print(R"(<li><a href="#{}">)", exceptions_anchor(use.check, use.node->node));
            put_escaped(out, check_name(r.checks[use.check]));
            out.put(" on ");
            put_escaped(out, period::node_name(r, use.node->node));
            out.put("</a>: ");
            put_use(r, *use.use, out);
            out.put("</li>\n");
        }
        if (!uses[i].empty()) out.put("</ul>\n");
    }
    out.put("</section>\n");
}

void write_criteria(const PeriodReport& r, Out& out) {
    out.print(R"(<section id="criteria"><h2>Criteria: {}</h2>)",
              plural(r.criteria.size(), "criterion", "criteria"));
    out.put("\n");
    for (size_t i = 0; i < r.criteria.size(); ++i) criterion(r, i, out);
    out.put("</section>\n");
}

void write_exceptions(const PeriodReport& r, Out& out) {
    out.print(R"(<section id="exceptions"><h2>Exceptions: {}</h2>)", r.exceptions);
    out.print(
        "\n<p>Every scan in which a check did not pass (FAIL, WARN, ERROR or a status this "
        "version does not know), per check and node, with the report that says so. Where a check "
        "did not pass on a node in more than {} scans, the page lists the first {} and the last "
        "{} and counts those between: a page must open and print. The text and JSON reports list "
        "every one.</p>\n",
        2 * k_listed_exceptions, k_listed_exceptions, k_listed_exceptions);
    const std::vector<bool> plain = plain_scans(r);
    for (size_t c = 0; c < r.checks.size(); ++c) {
        const auto& check = r.checks[c];
        for (const auto& f : check.nodes) {
            if (f.exceptions.empty()) continue;
            out.print(R"(<details id="{}" data-check=")", exceptions_anchor(c, f.node));
            put_escaped(out, check_name(check));
            out.put(R"("><summary><span class="mono">)");
            put_escaped(out, check_name(check));
            out.put("</span> ");
            put_escaped(out, check.title);
            out.put(" on ");
            put_escaped(out, period::node_name(r, f.node));
            out.print(": {}, {} covered by a waiver</summary><div>",
                      plural(f.exceptions.size(), "exception", "exceptions"), f.covered);
            table_head(out, {"Scan started", "Node", "Status", "Report file", "SHA-256", "Waiver"});
            const size_t n = f.exceptions.size();
            for (size_t i = 0; i < n; ++i) {
                if (n > 2 * k_listed_exceptions && i == k_listed_exceptions) {
                    const size_t skipped = n - 2 * k_listed_exceptions;
                    out.print(R"(<tr class="more"><td colspan="6">{} more {}, from )", skipped,
                              skipped == 1 ? "exception" : "exceptions");
                    put_escaped(out, r.scans[f.exceptions[i].scan].started_at);
                    out.put(" to ");
                    put_escaped(out,
                                r.scans[f.exceptions[n - k_listed_exceptions - 1].scan].started_at);
                    out.put(": every one is in the text and JSON reports</td></tr>\n");
                    i = n - k_listed_exceptions - 1;
                    continue;
                }
                exception_row(r, f.exceptions[i], plain[f.exceptions[i].scan], out);
            }
            out.put("</tbody></table></div></details>\n");
        }
    }
    out.put("</section>\n");
}

void write_sample(const PeriodReport& r, Out& out) {
    if (!r.sample) return;
    const auto& s = *r.sample;
    out.print(R"(<section id="sample"><h2>Sample: {} of {}, seed {}</h2>)", s.chosen.size(),
              plural(s.population, "scan", "scans"), s.seed);
    out.print(
        "\n<p>Population: the {} of the period ordered by start, node and file, numbered from "
        "1; drawn with std::mt19937_64 and a partial Fisher-Yates shuffle.",
        plural(s.population, "scan", "scans"));
    if (s.requested > s.population)
        out.print(" Asked for {}: the population has only {}, so every scan is listed.",
                  s.requested, s.population);
    out.put("</p>\n");
    table_head(out, {"#Drawn", "#Position", "Scan started", "Node", "Report file", "SHA-256"});
    for (size_t i = 0; i < s.chosen.size(); ++i) {
        const auto& scan = r.scans[s.chosen[i]];
        out.print(R"(<tr><td class="n">{}</td><td class="n">{}</td>)", i + 1, s.chosen[i] + 1);
        cell(out, scan.started_at, "mono");
        out.put("<td>");
        put_node(out, scan.cluster, scan.node);
        out.put("</td>");
        cell(out, scan.file, "mono");
        cell(out, scan.sha256, "mono");
        out.put("</tr>\n");
    }
    out.put("</tbody></table>\n</section>\n");
}

}  // namespace kubeproof::report::html
