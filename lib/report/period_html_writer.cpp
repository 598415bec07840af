// The HTML period report: one self-contained page that opens from an email attachment and
// prints to a clean PDF. Inline <style> and SVG only, no script, and a Content-Security-Policy
// that has the browser itself refuse any load. Top to bottom: the trail (loud when it is not
// intact), a summary read in ten seconds, the facts of the period, one section per criterion with
// its chart and table, every exception, the sample. Written as it goes, like the text and JSON
// reports; every string from the reports is escaped.
#include <algorithm>
#include <array>

#include "report/period_html.hpp"
#include "report/period_output.hpp"
#include "report/period_writers.hpp"

namespace kubeproof::report {

namespace html {

namespace {

constexpr std::array<bool, 256> k_needs_reference = [] {
    std::array<bool, 256> table{};
    for (char c : std::string_view("&<>\"'")) table[static_cast<unsigned char>(c)] = true;
    return table;
}();

std::string_view reference(char c) {
    switch (c) {
        case '&':
            return "&amp;";
        case '<':
            return "&lt;";
        case '>':
            return "&gt;";
        case '"':
            return "&quot;";
        default:
            return "&#39;";
    }
}

}  // namespace

void put_escaped(period::Out& out, std::string_view text) {
    // A table, not find_first_of: that looks each character up in the set with memchr, and a
    // year's exceptions are hundreds of millions of characters.
    size_t done = 0;
    for (size_t i = 0; i < text.size(); ++i) {
        if (!k_needs_reference[static_cast<unsigned char>(text[i])]) continue;
        out.put(text.substr(done, i - done));
        out.put(reference(text[i]));
        done = i + 1;
    }
    out.put(text.substr(done));
}

bool needs_escaping(std::string_view text) {
    return std::any_of(text.begin(), text.end(),
                       [](char c) { return k_needs_reference[static_cast<unsigned char>(c)]; });
}

std::string escape(std::string_view text) {
    std::string result;
    const Sink sink = [&](std::string_view piece) { result += piece; };
    period::Out out(sink);
    put_escaped(out, text);
    out.flush();
    return result;
}

std::string_view verdict_class(history::Verdict verdict) {
    switch (verdict) {
        case history::Verdict::PassingThroughout:
            return "passing";
        case history::Verdict::WithExceptions:
            return "exceptions";
        case history::Verdict::NeverEvidenced:
            return "never";
    }
    return "never";
}

void cell(period::Out& out, std::string_view text, std::string_view css) {
    if (css.empty())
        out.put("<td>");
    else
        out.print(R"(<td class="{}">)", css);
    put_escaped(out, text);
    out.put("</td>");
}

void number_cell(period::Out& out, size_t n) { out.print(R"(<td class="n">{}</td>)", n); }

void table_head(period::Out& out, std::initializer_list<std::string_view> headings) {
    out.put("<table><thead><tr>");
    for (std::string_view h : headings) {
        if (h.front() == '#')
            out.print(R"(<th class="n">{}</th>)", h.substr(1));
        else
            out.print("<th>{}</th>", h);
    }
    out.put("</tr></thead><tbody>\n");
}

void put_node(period::Out& out, std::string_view cluster, std::string_view node) {
    put_escaped(out, cluster);
    out.put('/');
    put_escaped(out, node);
}

std::string plural(size_t n, std::string_view one, std::string_view many) {
    return fmt::format("{} {}", n, n == 1 ? one : many);
}

}  // namespace html

namespace {

using history::PeriodReport;
using html::cell;
using html::number_cell;
using html::plural;
using html::put_escaped;
using html::table_head;
using html::verdict_class;
using period::Out;

constexpr std::string_view k_csp = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

void head(const PeriodReport& r, Out& out) {
    out.print(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<title>kubeproof period report: ",
        k_csp);
    put_escaped(out, r.framework);
    out.print(", {} to {}</title>\n<style>", history::to_rfc3339(r.from),
              history::to_rfc3339(r.to));
    out.put(html::k_stylesheet);
    out.put("</style>\n</head>\n<body>\n");
}

void header(const PeriodReport& r, Out& out) {
    out.put("<header>\n<h1>Period report: ");
    put_escaped(out, r.framework);
    if (!r.framework_title.empty()) {
        out.put(" (");
        put_escaped(out, r.framework_title);
        out.put(")");
    }
    out.print("</h1>\n<p class=\"meta\">Period <b>{}</b> to <b>{}</b> (from {}, to {}); ",
              history::to_rfc3339(r.from), history::to_rfc3339(r.to), period::from_source(r),
              period::to_source(r));
    if (r.every)
        out.print("one scan expected every {}; ", history::describe_duration(*r.every));
    else
        out.put("no interval given (--every): expected and missed scans not computed; ");
    out.put("clusters: ");
    put_escaped(out, r.clusters.empty() ? "all" : fmt::format("{}", fmt::join(r.clusters, ", ")));
    out.print(".</p>\n<p class=\"meta\">Generated {} by kubeproof ",
              history::to_rfc3339(r.generated_at));
    put_escaped(out, r.tool_version);
    out.put(".</p>\n</header>\n");
}

void trail(const PeriodReport& r, Out& out) {
    out.print(R"(<section id="trail" class="trail{}"><h2>TRAIL: )", r.intact() ? "" : " broken");
    put_escaped(out, period::trail_outcome(r.trail));
    out.print("</h2>\n<p>{} reports of {} series; {}.</p>\n", r.trail.reports,
              r.trail.series.size(),
              r.trail.signatures_checked
                  ? "signatures checked"
                  : "<b>signatures NOT checked</b> (give the public keys with --key)");
    if (!r.trail.problems.empty()) {
        out.put("<ul>\n");
        for (const auto& p : r.trail.problems) {
            out.put("<li><b>[FAIL] ");
            put_escaped(out, p.kind);
            out.put("</b>: ");
            put_escaped(out, p.message);
            out.put("</li>\n");
        }
        out.put("</ul>\n");
    }
    out.put("</section>\n");
}

void count_box(const PeriodReport& r, history::Verdict verdict, Out& out) {
    std::vector<size_t> ids;
    for (size_t i = 0; i < r.criteria.size(); ++i)
        if (r.criteria[i].verdict == verdict) ids.push_back(i);
    const std::string_view css = verdict_class(verdict);
    out.print(R"(<div class="count {0}"><span class="n" id="count-{0}">{1}</span>)"
              R"(<span class="what">{2} {3}</span><div class="ids">)",
              css, ids.size(), ids.size() == 1 ? "criterion" : "criteria",
              history::to_string(verdict));
    for (size_t n = 0; n < ids.size(); ++n) {
        out.print(R"({}<a href="#criterion-{}">)", n > 0 ? ", " : "", ids[n]);
        put_escaped(out, r.criteria[ids[n]].id);
        out.put("</a>");
    }
    out.put("</div></div>\n");
}

void summary(const PeriodReport& r, Out& out) {
    out.print(R"(<section id="summary"><h2>Summary: {} of )",
              plural(r.criteria.size(), "criterion", "criteria"));
    put_escaped(out, r.framework);
    out.put("</h2>\n<div class=\"counts\">\n");
    for (auto verdict : {history::Verdict::PassingThroughout, history::Verdict::WithExceptions,
                         history::Verdict::NeverEvidenced})
        count_box(r, verdict, out);
    size_t covered = 0;
    for (const auto& c : r.checks)
        for (const auto& f : c.nodes) covered += f.covered;
    int64_t missed_seconds = 0;
    for (const auto& m : r.missed) missed_seconds += m.seconds;
    out.print("</div>\n<ul class=\"figures\"><li><b>{}</b> scans</li><li><b>{}</b> nodes</li>",
              r.scans.size(), r.nodes.size());
    if (r.every)
        out.print(R"(<li{}><b>{}</b> missed-scan {} ({} in all)</li>)",
                  r.missed.empty() ? "" : R"( class="bad")", r.missed.size(),
                  r.missed.size() == 1 ? "gap" : "gaps",
                  history::describe_duration(missed_seconds));
    else
        out.put("<li>missed scans not computed (no --every)</li>");
    out.print(
        "<li><b>{}</b> exceptions ({} covered by a waiver)</li>"
        R"(<li{}><b>{}</b> FAIL or ERROR not covered by a waiver</li></ul>)"
        "\n</section>\n",
        r.exceptions, covered, r.uncovered_failures > 0 ? R"( class="bad")" : "",
        r.uncovered_failures);
}

void population(const PeriodReport& r, Out& out) {
    out.print(R"(<section id="population"><h2>Population</h2><p>{} of {}; expected per node: )",
              plural(r.scans.size(), "scan", "scans"), plural(r.nodes.size(), "node", "nodes"));
    if (r.every)
        out.print("{} (the whole intervals of {} in the period of {}).</p>\n",
                  r.nodes.front().expected.value_or(0), history::describe_duration(*r.every),
                  history::describe_duration(r.to - r.from));
    else
        out.put("not computed (no --every).</p>\n");
    table_head(out, {"Node", "#Expected", "#Found", "Missed", "First scan", "Last scan", "Series"});
    for (size_t n = 0; n < r.nodes.size(); ++n) {
        const auto& node = r.nodes[n];
        out.put("<tr>");
        cell(out, period::node_name(r, n));
        if (node.expected)
            number_cell(out, static_cast<size_t>(*node.expected));
        else
            cell(out, "not computed");
        number_cell(out, node.found);
        cell(out, !r.every ? std::string("not computed")
                  : node.missed.empty()
                      ? std::string("none")
                      : fmt::format("{}, {}", plural(node.missed.size(), "gap", "gaps"),
                                    history::describe_duration(node.missed_seconds)));
        cell(out, r.scans[node.first_scan].started_at, "mono");
        cell(out, r.scans[node.last_scan].started_at, "mono");
        cell(out, fmt::format("{}", fmt::join(node.series, ", ")), "mono");
        out.put("</tr>\n");
    }
    out.put("</tbody></table>\n</section>\n");
}

void missed(const PeriodReport& r, Out& out) {
    out.put(R"(<section id="missed"><h2>Missed scans (PCI DSS 10.7.3)</h2>)");
    if (!r.every) {
        out.put("<p>Not computed: no interval given (--every).</p>\n</section>\n");
        return;
    }
    if (r.missed.empty()) {
        out.put("<p>None: no node went longer than the interval without a scan.</p>\n</section>\n");
        return;
    }
    out.print(
        "<p>{}: no scan for longer than {}, each from the last scan before the hole (or "
        "the period's start) to the first after it (or the period's end).</p>\n",
        plural(r.missed.size(), "gap", "gaps"), history::describe_duration(*r.every));
    table_head(out, {"Node", "Series", "No scan from", "To", "Duration", "#Seconds"});
    for (const auto& m : r.missed) {
        out.put("<tr>");
        out.put("<td>");
        html::put_node(out, m.cluster, m.node);
        out.put("</td>");
        cell(out, m.series, "mono");
        cell(out, m.start, "mono");
        cell(out, m.end, "mono");
        cell(out, history::describe_duration(m.seconds));
        out.print(R"(<td class="n">{}</td>)", m.seconds);
        out.put("</tr>\n");
    }
    out.put("</tbody></table>\n</section>\n");
}

void inventory_and_versions(const PeriodReport& r, Out& out) {
    out.put(R"(<section id="unreported"><h2>Inventory nodes without reports</h2>)");
    if (r.unreported.empty()) {
        out.put("<p>None: every node a cluster scan listed sent reports.</p>\n");
    } else {
        table_head(out, {"Node", "#Listed by cluster scans", "First listed", "Last listed"});
        for (const auto& u : r.unreported) {
            out.put("<tr>");
            out.put("<td>");
            html::put_node(out, u.cluster, u.node);
            out.put("</td>");
            number_cell(out, u.listings);
            cell(out, u.first_listed, "mono");
            cell(out, u.last_listed, "mono");
            out.put("</tr>\n");
        }
        out.put("</tbody></table>\n");
    }
    out.put("</section>\n<section id=\"versions\"><h2>Tool and definitions</h2>\n");
    table_head(out, {"kubeproof", "Definitions SHA-256", "#Scans", "First used", "Last used"});
    for (const auto& v : r.versions) {
        out.put("<tr>");
        cell(out, v.tool_version.empty() ? "(unknown)" : v.tool_version);
        cell(out, v.definitions_sha256.empty() ? "(not recorded)" : v.definitions_sha256, "mono");
        number_cell(out, v.scans);
        cell(out, v.first_started, "mono");
        cell(out, v.last_started, "mono");
        out.put("</tr>\n");
    }
    out.put("</tbody></table>\n</section>\n");
}

}  // namespace

void write_period_html(const PeriodReport& report, const Sink& sink) {
    Out out(sink);
    head(report, out);
    header(report, out);
    trail(report, out);
    summary(report, out);
    population(report, out);
    missed(report, out);
    inventory_and_versions(report, out);
    html::write_waivers(report, out);
    html::write_criteria(report, out);
    html::write_exceptions(report, out);
    html::write_sample(report, out);
    out.print("<footer><p>SUMMARY: trail ");
    put_escaped(out, period::trail_outcome(report.trail));
    out.print("; {} exceptions, {} FAIL or ERROR not covered by a waiver.</p></footer>\n",
              report.exceptions, report.uncovered_failures);
    out.put("</body>\n</html>\n");
    out.flush();
}

}  // namespace kubeproof::report
