#include <doctest/doctest.h>

#include <regex>

#include <fmt/format.h>

#include "history/period.hpp"
#include "report/period_html.hpp"
#include "report/period_writers.hpp"

using namespace kubeproof;
using report::html::chart_buckets;

namespace {

constexpr int64_t k_day = 86400;
constexpr int64_t k_week = 7 * k_day;

std::time_t day(int d) { return 1767225600 + (d - 1) * k_day; }  // 2026-01-0d, 00:00 UTC

/// A decided period report by hand: one node named like markup, eight daily scans, 1.2.15
/// failing on days 1, 3 (covered by a waiver whose fields are hostile) and 6 (expired), a gap
/// from day 3 to day 5, and a criterion no check supports.
history::PeriodReport small_report() {
    history::PeriodReport r;
    r.framework = "soc2";
    r.framework_title = "SOC <2>";
    r.tool_version = "0.1.0";
    r.generated_at = day(10);
    r.from = day(1);
    r.to = day(9);
    r.every = k_day;
    r.statuses = {"FAIL", "PASS"};
    r.waivers = {{"w.yaml:2",
                  "1.2.15",
                  "<script>alert(1)</script>",
                  "bob",
                  "load tests & \"profiling\" 'on'",
                  "SEC-1",
                  "2026-01-01",
                  "2026-01-04",
                  {{"node", "<b>cp</b>"}}}};
    const std::string node = "<b>cp</b>";
    for (int d = 1; d <= 8; ++d) {
        r.scans.push_back({fmt::format("store/<{}>.json", d), std::string(64, 'a'), "demo", node,
                           "series", static_cast<uint64_t>(d), history::to_rfc3339(day(d)), day(d),
                           "0.1.0", std::string(64, 'd')});
    }
    r.missed = {{"demo", node, "series", history::to_rfc3339(day(3)), history::to_rfc3339(day(5)),
                 2 * k_day}};
    r.nodes = {{"demo", node, 8, 8, 0, 7, {"series"}, {0}, 2 * k_day}};
    r.trail.reports = 8;
    history::Problem gap;
    gap.kind = "gap";
    gap.message = "no scan for 2d 0h 0m <between>";
    r.trail.problems = {gap};

    history::CheckOnNode f;
    f.scans = 8;
    f.passed = 5;
    f.covered = 2;
    f.share_passed = 0.625;
    f.exceptions = {{0, 0, history::WaiverState::Active, 0},
                    {2, 0, history::WaiverState::Active, 0},
                    {5, 0, history::WaiverState::Expired, 0}};
    f.longest = history::Streak{1, 0, 0, 1, k_day, false};
    f.status_now = 1;
    f.now_scan = 7;
    f.waivers = {{0, 2, 1, 0, 2, 5}};
    r.checks = {{"1.2.15", "p", "Ensure <profiling> is off", {}, {"CC6.1"}, true, {f}},
                {"9.9.9", "never", "Ensure never", {}, {"CC1.1"}, false, {}}};
    r.criteria = {{"CC6.1",
                   "Logical access",
                   true,
                   history::Verdict::WithExceptions,
                   {"1.2.15: did not pass <in> 3 of 8 scans"},
                   {0},
                   3,
                   2,
                   {{0, 2, 1, 0, 2, 5}}},
                  {"CC1.1",
                   "Ethics",
                   true,
                   history::Verdict::NeverEvidenced,
                   {"its checks (9.9.9) are in no report of the period"},
                   {1},
                   0,
                   0,
                   {}}};
    r.exceptions = 3;
    r.uncovered_failures = 1;
    return r;
}

std::string render(const history::PeriodReport& r) {
    std::string out;
    report::write_period_html(r, [&](std::string_view piece) { out += piece; });
    return out;
}

size_t count(const std::string& text, const std::string& what) {
    size_t n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

}  // namespace

TEST_SUITE("report/period_html") {
    TEST_CASE("buckets: one per interval up to 120, else whole days, else whole weeks") {
        const std::time_t from = day(1);
        auto check = [&](int64_t span, std::optional<int64_t> every, int64_t width,
                         int64_t buckets) {
            const auto b = chart_buckets(from, from + span, every);
            CHECK(b.start == from);
            CHECK(b.width == width);
            CHECK(b.count == buckets);
        };
        check(8 * k_day, k_day, k_day, 8);                 // the e2e store: a bar a day
        check(10 * k_day, 6 * 3600, 6 * 3600, 40);         // 6h over 10 days: 40 fit
        check(120 * k_day, k_day, k_day, 120);             // exactly 120
        check(121 * k_day, k_day, k_week, 18);             // one too many: weeks
        check(10 * k_day, 3600, k_day, 10);                // 240 hours: whole days
        check(8 * k_day, std::nullopt, k_day, 8);          // no interval: days
        check(365 * k_day, k_day, k_week, 53);             // a year: 52 weeks and a day
        check(3 * 365 * k_day, k_day, 2 * k_week, 79);     // three years: two weeks a bar
        check(365 * k_day, 2 * k_day, k_week, 53);         // 183 two-day bars are too many
        check(3000 * k_day, 30 * k_day, 30 * k_day, 100);  // a monthly scan: its interval
        check(2 * 3600, std::nullopt, k_day, 1);           // two hours: one day
        check(0, k_day, k_day, 1);                         // never an empty chart
    }

    TEST_CASE("escaping: the five characters markup and attributes need") {
        CHECK(report::html::escape(R"(<script>alert("x") & 'y'</script>)") ==
              "&lt;script&gt;alert(&quot;x&quot;) &amp; &#39;y&#39;&lt;/script&gt;");
        CHECK(report::html::escape("plain text, no change") == "plain text, no change");
        CHECK(report::html::escape("") == "");
        CHECK(report::html::escape("&amp;") == "&amp;amp;");
    }

    TEST_CASE("bars: every exception in the bucket its scan started in; gaps of the nodes") {
        auto r = small_report();
        const auto buckets = chart_buckets(r.from, r.to, r.every);
        const auto bars = report::html::chart_bars(r, r.criteria[0], buckets);
        REQUIRE(bars.size() == 8);
        CHECK((bars[0].covered == 1 && bars[0].uncovered == 0));
        CHECK((bars[2].covered == 1 && bars[2].uncovered == 0));
        CHECK((bars[5].covered == 0 && bars[5].uncovered == 1));
        size_t total = 0;
        for (const auto& bar : bars) total += bar.covered + bar.uncovered;
        CHECK(total == r.criteria[0].exceptions);
        CHECK(report::html::chart_gaps(r, r.criteria[0]) == std::vector<size_t>{0});
        CHECK(report::html::chart_gaps(r, r.criteria[1]).empty());
        // Weekly buckets over the same scans: days 1 to 7 in the first, day 8 in the second.
        const auto weekly = report::html::chart_bars(r, r.criteria[0], {r.from, k_week, 2});
        CHECK((weekly[0].covered == 2 && weekly[0].uncovered == 1 && weekly[1].covered == 0));
        // A node whose check was never evaluated there brings no gaps.
        r.checks[0].nodes[0].passed = 0;
        r.checks[0].nodes[0].exceptions.clear();
        CHECK(report::html::chart_gaps(r, r.criteria[0]).empty());
    }

    TEST_CASE("the page: self-contained, every report string escaped, a chart where evidenced") {
        const std::string page = render(small_report());
        CHECK(page.rfind("<!DOCTYPE html>\n<html lang=\"en\">", 0) == 0);
        CHECK(page.find(R"(<meta http-equiv="Content-Security-Policy" content="default-src )"
                        R"('none'; style-src 'unsafe-inline'; img-src data:">)") !=
              std::string::npos);
        for (const char* absent : {"<script", "<link", "http:", "https:", "@import", "url(",
                                   "<b>cp</b>", "<profiling>", "<between>", "<in>", "SOC <2>"})
            CHECK_MESSAGE(page.find(absent) == std::string::npos, absent);
        CHECK(page.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
        CHECK(page.find("load tests &amp; &quot;profiling&quot; &#39;on&#39;") !=
              std::string::npos);
        CHECK(page.find("demo/&lt;b&gt;cp&lt;/b&gt;") != std::string::npos);
        CHECK(page.find("store/&lt;6&gt;.json") != std::string::npos);
        // The order: trail, summary, population, missed scans, waivers, criteria, exceptions.
        size_t last = 0;
        for (const char* part :
             {R"(<section id="trail" class="trail broken">)", R"(<section id="summary">)",
              R"(<section id="population">)", R"(<section id="missed">)",
              R"(<section id="waivers">)", R"(<section id="criteria">)",
              R"(<section id="exceptions">)", "<footer>"}) {
            const size_t at = page.find(part);
            CHECK_MESSAGE(at != std::string::npos, part);
            CHECK_MESSAGE(at > last, part);
            last = at;
        }
        CHECK(page.find("TRAIL: NOT intact: 1 problem (gap: 1)</h2>") != std::string::npos);
        CHECK(page.find(R"(<span class="n" id="count-passing">0</span>)") != std::string::npos);
        CHECK(page.find(R"(<span class="n" id="count-exceptions">1</span>)") != std::string::npos);
        CHECK(page.find(R"(<span class="n" id="count-never">1</span>)") != std::string::npos);
        // One chart (CC6.1; CC1.1 was never evidenced), eight bars, one band, three exceptions.
        CHECK(count(page, "<svg ") == 1);
        CHECK(count(page, R"(<g class="bar">)") == 8);
        CHECK(count(page, R"(<rect class="missed")") == 1);
        CHECK(page.find("<title>2026-01-06T00:00:00Z to 2026-01-07T00:00:00Z: 1 not covered by a "
                        "waiver, 0 covered by an active waiver</title>") != std::string::npos);
        CHECK(page.find("No chart: no supporting check was evaluated") != std::string::npos);
        CHECK(page.find(
                  R"(<tr><td colspan="12" class="none">in no report of the period</td></tr>)") !=
              std::string::npos);
        CHECK(count(page, "<tr><td class=\"time\">2026-01-0") == 3);
        CHECK(page.find("W1 expired (not covered)</td>") != std::string::npos);
        CHECK(count(page, "W1 active (covered)</td>") == 2);
        CHECK(page.find("covered 2 scans, from 2026-01-01T00:00:00Z to 2026-01-03T00:00:00Z (2d 0h "
                        "0m from the first to the last); attached but not covering (expired) on 1 "
                        "scan from 2026-01-06T00:00:00Z") != std::string::npos);
        // Every tag the page opens it closes (the sections, tables, SVG and details).
        for (const char* tag : {"section", "table", "svg", "details", "figure", "ul", "tr"}) {
            CHECK_MESSAGE(
                count(page, fmt::format("<{}>", tag)) + count(page, fmt::format("<{} ", tag)) ==
                    count(page, fmt::format("</{}>", tag)),
                tag);
        }
        const std::regex script("<\\s*script", std::regex::icase);
        CHECK_FALSE(std::regex_search(page, script));
    }

    TEST_CASE("the page: the sample, and a report without an interval") {
        auto r = small_report();
        r.sample = history::PeriodSample{7, 9, 8, {3, 0}};
        r.every.reset();
        r.missed.clear();
        r.nodes[0].expected.reset();
        r.nodes[0].missed.clear();
        const std::string page = render(r);
        CHECK(page.find("<h2>Sample: 2 of 8 scans, seed 7</h2>") != std::string::npos);
        CHECK(page.find("Asked for 9: the population has only 8") != std::string::npos);
        CHECK(page.find(R"(<tr><td class="n">1</td><td class="n">4</td><td class="mono">)"
                        "2026-01-04T00:00:00Z") != std::string::npos);
        CHECK(page.find("<p>Not computed: no interval given (--every).</p>") != std::string::npos);
        CHECK(page.find("<li>missed scans not computed (no --every)</li>") != std::string::npos);
        CHECK(page.find(R"(<td class="n">not computed / 8</td>)") != std::string::npos);
    }
    TEST_CASE(
        "the page lists the first and last 20 exceptions of a check on a node, and counts the "
        "rest") {
        history::PeriodReport r = small_report();
        auto& f = r.checks[0].nodes[0];
        f.exceptions.clear();
        r.scans.clear();
        for (int d = 1; d <= 50; ++d) {
            r.scans.push_back({fmt::format("store/{}.json", d), std::string(64, 'a'), "demo", "cp",
                               "series", static_cast<uint64_t>(d),
                               history::to_rfc3339(day(1) + (d - 1) * 3600),
                               day(1) + (d - 1) * 3600, "0.1.0", std::string(64, 'd')});
            f.exceptions.push_back(
                {static_cast<uint32_t>(d - 1), 0, history::WaiverState::None, -1});
        }
        r.nodes[0].last_scan = 49;
        f.scans = 50;
        f.waivers.clear();
        f.covered = 0;
        const std::string page = render(r);
        for (int d = 1; d <= 50; ++d) {
            const bool listed = d <= 20 || d > 30;
            CHECK_MESSAGE(
                (page.find(fmt::format("store/{}.json<", d)) != std::string::npos) == listed, d);
        }
        CHECK(page.find("10 more exceptions, from " + history::to_rfc3339(day(1) + 20 * 3600) +
                        " to " + history::to_rfc3339(day(1) + 29 * 3600) +
                        ": every one is in the text and JSON reports") != std::string::npos);
        f.exceptions.resize(40);  // 40: every one listed
        const std::string all = render(r);
        CHECK(all.find("more exceptions, from") == std::string::npos);
        CHECK(all.find("store/30.json<") != std::string::npos);
    }
}
