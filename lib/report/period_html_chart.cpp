// The trend chart of a criterion in the HTML period report, as inline SVG.
//
// What it shows, exactly (README "Answering an auditor" says the same):
// - the period [from, to) is cut into buckets of one width (chart_buckets): the --every interval
//   when that gives at most 120 buckets; else whole days (1 day) when that does and the interval
//   is at most a day; else whole weeks (the fewest weeks per bucket that give at most 120 and
//   are no shorter than the interval). Bucket i is [from + i * width, from + (i + 1) * width),
//   the last one cut at `to`;
// - each bucket's bar stacks the exceptions of the criterion's checks (a scan in which a
//   supporting check did not pass, on any node) whose scan started in the bucket: those no
//   active waiver covered (red, at the bottom) and those an active waiver covered (amber, on
//   top). The bars' counts add up to the criterion's exceptions;
// - grey bands are the missed-scan gaps (verify's gaps: from the last scan before the hole, or
//   the period's start, to the first scan after it, or the period's end) of the nodes the
//   criterion's checks were evaluated on;
// - heights are to scale against the tallest bar, whose count labels the y axis; the x axis is
//   labelled with the buckets' start dates and the period's end. Every bar and band has a
//   <title> with its exact times and counts, so nothing is read off a scale.
#include <algorithm>

#include "report/period_html.hpp"

namespace kubeproof::report::html {

namespace {

using history::PeriodCriterion;
using history::PeriodReport;

constexpr int64_t k_day = 86400;
constexpr int64_t k_week = 7 * k_day;

// The SVG's geometry, in its own units (it scales to the page's width).
constexpr double k_width = 720;
constexpr double k_left = 44;  // room for the y axis' labels
constexpr double k_right = 14;
constexpr double k_top = 10;
constexpr double k_plot = 120;  // the plot's height
constexpr double k_height = k_top + k_plot + 22;
constexpr double k_plot_width = k_width - k_left - k_right;

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// Whether a check on a node counts for the criterion: it was evaluated there (as decide() in
/// lib/history/period_checks.cpp has it).
bool evaluated(const history::CheckOnNode& f) { return f.passed + f.exceptions.size() > 0; }

/// The chart's x of a time.
double x_of(const ChartBuckets& b, std::time_t t) {
    const double span = static_cast<double>(b.count * b.width);
    return k_left + static_cast<double>(t - b.start) * k_plot_width / span;
}

std::string bucket_time(std::time_t t, int64_t width) {
    const std::string text = history::to_rfc3339(t);
    // Whole days from midnight: the date says it all; else the day and the time.
    if (width % k_day == 0 && t % k_day == 0) return text.substr(0, 10);
    return text.substr(5, 11);
}

void axes(const ChartBuckets& b, std::time_t to, size_t tallest, period::Out& out) {
    const double base = k_top + k_plot;
    out.print(R"(<line class="axis" x1="{:.1f}" y1="{:.1f}" x2="{:.1f}" y2="{:.1f}"/>)", k_left,
              base, k_width - k_right, base);
    out.print(R"(<text class="y" x="{:.1f}" y="{:.1f}">0</text>)", k_left - 6, base + 4);
    if (tallest > 0) {
        out.print(R"(<line class="grid" x1="{:.1f}" y1="{:.1f}" x2="{:.1f}" y2="{:.1f}"/>)", k_left,
                  k_top, k_width - k_right, k_top);
        out.print(R"(<text class="y" x="{:.1f}" y="{:.1f}">{}</text>)", k_left - 6, k_top + 4,
                  tallest);
    }
    // At most six dates along the bottom, then the period's end at the right.
    const int64_t step = ceil_div(b.count, 6);
    const double end_x = x_of(b, to);
    for (int64_t i = 0; i < b.count; i += step) {
        const std::time_t t = b.start + i * b.width;
        const double x = x_of(b, t);
        if (i > 0 && end_x - x < 80) break;  // it would run into the end's label
        out.print(R"(<line class="tick" x1="{0:.1f}" y1="{1:.1f}" x2="{0:.1f}" y2="{2:.1f}"/>)", x,
                  base, base + 4);
        out.print(R"(<text class="x{}" x="{:.1f}" y="{:.1f}">{}</text>)", i == 0 ? " first" : "", x,
                  base + 16, bucket_time(t, b.width));
    }
    out.print(R"(<text class="x last" x="{:.1f}" y="{:.1f}">{}</text>)", end_x, base + 16,
              bucket_time(to, b.width));
}

void gap_bands(const PeriodReport& r, const ChartBuckets& b, const std::vector<size_t>& gaps,
               period::Out& out) {
    for (size_t g : gaps) {
        const auto& m = r.missed[g];
        const auto start = history::parse_rfc3339(m.start);
        const auto end = history::parse_rfc3339(m.end);
        if (!start || !end) continue;
        const double x1 = x_of(b, std::clamp(*start, r.from, r.to));
        const double x2 = x_of(b, std::clamp(*end, r.from, r.to));
        out.print(R"(<rect class="missed" x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}">)",
                  x1, k_top, std::max(x2 - x1, 1.0), k_plot);
        out.put("<title>missed scans: ");
        put_node(out, m.cluster, m.node);
        out.put(", no scan from ");
        put_escaped(out, m.start);
        out.put(" to ");
        put_escaped(out, m.end);
        out.print(" ({})</title></rect>", history::describe_duration(m.seconds));
    }
}

void bars(const PeriodReport& r, const ChartBuckets& b, const std::vector<ChartBar>& counts,
          size_t tallest, period::Out& out) {
    const double slot = k_plot_width / static_cast<double>(b.count);
    const double base = k_top + k_plot;
    const double scale = tallest > 0 ? k_plot / static_cast<double>(tallest) : 0;
    for (size_t i = 0; i < counts.size(); ++i) {
        const std::time_t start = b.start + static_cast<int64_t>(i) * b.width;
        const std::time_t end = std::min<std::time_t>(start + b.width, r.to);
        const double x = k_left + static_cast<double>(i) * slot;
        out.print(R"(<g class="bar"><title>{} to {}: {} not covered by a waiver, {} covered by an )"
                  R"(active waiver</title>)",
                  history::to_rfc3339(start), history::to_rfc3339(end), counts[i].uncovered,
                  counts[i].covered);
        // The whole column answers the pointer, so an empty bucket's title shows too.
        out.print(R"(<rect class="hit" x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}"/>)", x,
                  k_top, slot, k_plot);
        double y = base;
        for (const auto& [count, name] : {std::pair{counts[i].uncovered, "uncovered"},
                                          std::pair{counts[i].covered, "covered"}}) {
            if (count == 0) continue;
            const double h = static_cast<double>(count) * scale;
            y -= h;
            out.print(R"(<rect class="{}" x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}"/>)",
                      name, x + slot * 0.1, y, slot * 0.8, h);
        }
        out.put("</g>");
    }
}

}  // namespace

ChartBuckets chart_buckets(std::time_t from, std::time_t to, std::optional<int64_t> every) {
    const int64_t span = std::max<int64_t>(to - from, 1);
    int64_t width = 0;
    if (every && *every > 0 && ceil_div(span, *every) <= k_max_buckets) {
        width = *every;
    } else if ((!every || *every <= k_day) && ceil_div(span, k_day) <= k_max_buckets) {
        width = k_day;
    } else {
        const int64_t at_least = std::max(ceil_div(span, k_max_buckets), every.value_or(0));
        width = k_week * ceil_div(at_least, k_week);
    }
    return {from, width, ceil_div(span, width)};
}

std::vector<ChartBar> chart_bars(const PeriodReport& report, const PeriodCriterion& criterion,
                                 const ChartBuckets& buckets) {
    std::vector<ChartBar> out(static_cast<size_t>(buckets.count));
    for (size_t c : criterion.checks) {
        for (const auto& f : report.checks[c].nodes) {
            for (const auto& e : f.exceptions) {
                const int64_t i = (report.scans[e.scan].started - buckets.start) / buckets.width;
                auto& bar = out[static_cast<size_t>(std::clamp<int64_t>(i, 0, buckets.count - 1))];
                ++(e.covered() ? bar.covered : bar.uncovered);
            }
        }
    }
    return out;
}

std::vector<size_t> chart_gaps(const PeriodReport& report, const PeriodCriterion& criterion) {
    std::vector<bool> node_counts(report.nodes.size(), false);
    for (size_t c : criterion.checks) {
        for (const auto& f : report.checks[c].nodes)
            if (evaluated(f)) node_counts[f.node] = true;
    }
    std::vector<size_t> gaps;
    for (size_t n = 0; n < report.nodes.size(); ++n) {
        if (node_counts[n])
            gaps.insert(gaps.end(), report.nodes[n].missed.begin(), report.nodes[n].missed.end());
    }
    std::sort(gaps.begin(), gaps.end());
    return gaps;
}

void write_chart(const PeriodReport& r, const PeriodCriterion& k, period::Out& out) {
    const ChartBuckets b = chart_buckets(r.from, r.to, r.every);
    const std::vector<ChartBar> counts = chart_bars(r, k, b);
    const std::vector<size_t> gaps = chart_gaps(r, k);
    size_t tallest = 0;
    for (const auto& bar : counts) tallest = std::max(tallest, bar.uncovered + bar.covered);
    const std::string every = history::describe_duration(b.width);

    out.put(R"(<figure class="chart"><svg role="img" aria-label="Exceptions of )");
    put_escaped(out, k.id);
    out.print(
        " per bucket of {} from {} to {}: {} not covered by a waiver, {} covered by an active "
        "waiver; {} missed-scan {}\" viewBox=\"0 0 {} {}\" preserveAspectRatio=\"xMinYMin "
        "meet\">",
        every, history::to_rfc3339(r.from), history::to_rfc3339(r.to), k.uncovered(), k.covered,
        gaps.size(), gaps.size() == 1 ? "gap" : "gaps", k_width, k_height);
    gap_bands(r, b, gaps, out);
    bars(r, b, counts, tallest, out);
    axes(b, r.to, tallest, out);
    if (tallest == 0)
        out.print(R"(<text class="empty" x="{:.1f}" y="{:.1f}">no exceptions in the period</text>)",
                  k_left + k_plot_width / 2, k_top + k_plot / 2);
    out.put("</svg>\n<figcaption>");
    out.print(
        "Exceptions per bucket of {} ({} {} from {}), by the start of their scan: "
        R"(<span class="swatch uncovered">&#9632;</span> not covered by a waiver: {}, )"
        R"(<span class="swatch covered">&#9632;</span> covered by an active waiver: {}, )"
        R"(<span class="swatch missed">&#9632;</span> missed scans: {} {}. Tallest bar: {}.)",
        every, b.count, b.count == 1 ? "bucket" : "buckets", history::to_rfc3339(r.from),
        k.uncovered(), k.covered, gaps.size(), gaps.size() == 1 ? "gap" : "gaps", tallest);
    out.put("</figcaption></figure>\n");
}

}  // namespace kubeproof::report::html
