#pragma once

// What the HTML period report is made of besides the page itself: escaping, and the trend chart
// of a criterion (its buckets, its bars, its SVG). Internal to lib/report; the unit tests read
// the buckets and the escaping directly.

#include <cstdint>
#include <ctime>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "history/period.hpp"
#include "report/period_output.hpp"

namespace kubeproof::report::html {

/// Appends `text` with &, <, >, " and ' replaced by character references: safe as element
/// content and as a quoted attribute value.
void put_escaped(period::Out& out, std::string_view text);

/// Whether put_escaped() would change `text`.
bool needs_escaping(std::string_view text);

/// `text` escaped as put_escaped() writes it.
std::string escape(std::string_view text);

/// A <td> of escaped text, with a class when given.
void cell(period::Out& out, std::string_view text, std::string_view css = "");

/// A <td> of a number, right-aligned.
void number_cell(period::Out& out, size_t n);

/// Opens a table and writes its head row; a heading that starts with '#' is a number column
/// (the '#' is not shown).
void table_head(period::Out& out, std::initializer_list<std::string_view> headings);

/// "cluster/node", escaped.
void put_node(period::Out& out, std::string_view cluster, std::string_view node);

/// "1 gap", "2 gaps".
std::string plural(size_t n, std::string_view one, std::string_view many);

/// The CSS class of a verdict: "passing", "exceptions", "never".
std::string_view verdict_class(history::Verdict verdict);

/// The page's sections after the facts of the period (period_html_sections.cpp): the waivers
/// with what each covered, one section per criterion, every exception, the sample.
void write_waivers(const history::PeriodReport& report, period::Out& out);
void write_criteria(const history::PeriodReport& report, period::Out& out);
void write_exceptions(const history::PeriodReport& report, period::Out& out);
void write_sample(const history::PeriodReport& report, period::Out& out);

/// At most this many bars in a chart (about one per 5 px of a 720 px wide chart).
inline constexpr int64_t k_max_buckets = 120;

/// The buckets a chart cuts the period [from, to) into: bucket i is
/// [start + i * width, min(start + (i + 1) * width, to)).
struct ChartBuckets {
    std::time_t start = 0;
    int64_t width = 0;  ///< seconds
    int64_t count = 0;
};

/// The chart's buckets: one per `every` interval when that gives at most k_max_buckets; else
/// whole days (when `every` is at most a day) and, when still too many, whole weeks (one week, or
/// the fewest weeks per bucket that give at most k_max_buckets and are no shorter than `every`).
ChartBuckets chart_buckets(std::time_t from, std::time_t to, std::optional<int64_t> every);

/// One bar: the exceptions of a criterion's checks in the scans that started in one bucket.
struct ChartBar {
    size_t uncovered = 0;  ///< no active waiver covered them
    size_t covered = 0;    ///< an active waiver covered them
};

/// The bars of a criterion: every exception of its checks, on every node they were evaluated on,
/// counted in the bucket its scan started in.
std::vector<ChartBar> chart_bars(const history::PeriodReport& report,
                                 const history::PeriodCriterion& criterion,
                                 const ChartBuckets& buckets);

/// The missed-scan gaps (indices in PeriodReport::missed) of the nodes a criterion's checks were
/// evaluated on, in order.
std::vector<size_t> chart_gaps(const history::PeriodReport& report,
                               const history::PeriodCriterion& criterion);

/// The page's stylesheet, inline in its <style>: screen and print (A4).
extern const std::string_view k_stylesheet;

/// The trend chart of a criterion as a <figure> holding an inline SVG (role="img", an
/// aria-label, a <title> on every bar and every missed-scan band) and its legend.
void write_chart(const history::PeriodReport& report, const history::PeriodCriterion& criterion,
                 period::Out& out);

}  // namespace kubeproof::report::html
