// kubeproof_period_render_bench: how long each period report format takes to render a decided
// report of a year of a fleet, and how large it is. A benchmark program that prints figures; not
// a test.
//
// The report is made in memory, not read from a store (that is kubeproof_verify_bench's and
// `kubeproof report`'s part): --nodes nodes scanned daily for --days days, 130 checks of which
// --failing fail in every scan of every node (100 x 365 x 32 = 1,168,000 exceptions, what the
// year of tests/bench/README.md has), the first of them covered by a waiver for the first 100
// days, each check supporting three of 61 criteria, one missed-scan gap per node. Each format is
// rendered --runs times to a sink that only counts bytes; the median wall time is printed.
// --format NAME renders only that format.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "history/period.hpp"
#include "report/period_writers.hpp"

namespace {

namespace history = kubeproof::history;
namespace report = kubeproof::report;
using Clock = std::chrono::steady_clock;

constexpr std::time_t k_first_day = 1767225600;  // 2026-01-01T00:00:00Z
constexpr int64_t k_day = 86400;
constexpr size_t k_checks = 130;
constexpr size_t k_criteria = 61;

struct Args {
    size_t nodes = 100;
    size_t days = 365;
    size_t failing = 32;
    int runs = 3;
    std::string format;  ///< only this format; all when empty
};

Args parse(int argc, char** argv) {
    Args a;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string name = argv[i];
        const size_t value = std::strtoul(argv[i + 1], nullptr, 10);
        if (name == "--format")
            a.format = argv[i + 1];
        else if (name == "--nodes")
            a.nodes = value;
        else if (name == "--days")
            a.days = value;
        else if (name == "--failing")
            a.failing = value;
        else if (name == "--runs")
            a.runs = static_cast<int>(value);
    }
    return a;
}

void population(const Args& a, history::PeriodReport& r) {
    for (size_t d = 0; d < a.days; ++d) {
        for (size_t n = 0; n < a.nodes; ++n) {
            const std::time_t t = k_first_day + static_cast<int64_t>(d) * k_day;
            const std::string node = fmt::format("node-{:03}", n);
            const std::string series = "node." + node + ".cis-1.12.master+etcd+controlplane+node";
            r.scans.push_back({fmt::format("/reports/prod/{}/{}/{:06}-x.json", series, d, d + 1),
                               fmt::format("{:064x}", d * a.nodes + n), "prod", node, series, d + 1,
                               history::to_rfc3339(t), t, "0.1.0", std::string(64, 'd')});
        }
    }
    for (size_t n = 0; n < a.nodes; ++n) {
        const auto& last = r.scans[(a.days - 1) * a.nodes + n];
        r.nodes.push_back({"prod",
                           last.node,
                           static_cast<int64_t>(a.days),
                           a.days,
                           n,
                           (a.days - 1) * a.nodes + n,
                           {last.series},
                           {n},
                           2 * k_day});
        r.missed.push_back({"prod", last.node, last.series, r.scans[n].started_at,
                            r.scans[2 * a.nodes + n].started_at, 2 * k_day});
    }
}

history::CheckOnNode on_node(const Args& a, size_t c, size_t n, const history::PeriodReport& r) {
    history::CheckOnNode f;
    f.node = n;
    f.scans = a.days;
    f.now_scan = r.nodes[n].last_scan;
    if (c >= a.failing) {
        f.passed = a.days;
        f.share_passed = 1;
        f.status_now = 1;
        return f;
    }
    f.status_now = 0;
    for (size_t d = 0; d < a.days; ++d) {
        const bool waived = c == 0 && d < 100;
        f.exceptions.push_back({static_cast<uint32_t>(d * a.nodes + n), 0,
                                waived ? history::WaiverState::Active : history::WaiverState::None,
                                waived ? 0 : -1});
        if (waived) ++f.covered;
    }
    f.longest = history::Streak{
        a.days, n, f.now_scan, std::nullopt, static_cast<int64_t>(a.days) * k_day, true};
    if (c == 0) f.waivers = {{0, f.covered, 0, n, 99 * a.nodes + n, std::nullopt}};
    return f;
}

history::PeriodReport make(const Args& a) {
    history::PeriodReport r;
    r.framework = "soc2";
    r.framework_title = "SOC 2";
    r.tool_version = "0.1.0";
    r.from = k_first_day;
    r.to = k_first_day + static_cast<int64_t>(a.days) * k_day;
    r.every = k_day;
    r.trail.reports = a.nodes * a.days;
    r.trail.signatures_checked = true;
    r.statuses = {"FAIL", "PASS"};
    r.waivers = {{"waivers.yaml:2",
                  "1.1.1",
                  "alice",
                  "bob",
                  "a reason",
                  "SEC-1",
                  "2026-01-01",
                  "2026-04-10",
                  {}}};
    population(a, r);
    for (size_t k = 0; k < k_criteria; ++k)
        r.criteria.push_back({fmt::format("CC{}.{}", k / 10, k % 10),
                              "A criterion",
                              true,
                              history::Verdict::PassingThroughout,
                              {},
                              {},
                              0,
                              0,
                              {}});
    for (size_t c = 0; c < k_checks; ++c) {
        history::PeriodCheck check{fmt::format("1.{}.{}", c / 20, c % 20),
                                   fmt::format("key.{}", c),
                                   "Ensure that a setting is set",
                                   {},
                                   {},
                                   true,
                                   {}};
        for (size_t n = 0; n < a.nodes; ++n) check.nodes.push_back(on_node(a, c, n, r));
        for (size_t k : {c % k_criteria, (c + 20) % k_criteria, (c + 40) % k_criteria}) {
            auto& criterion = r.criteria[k];
            criterion.checks.push_back(c);
            check.criteria.push_back(criterion.id);
            for (const auto& f : check.nodes) {
                criterion.exceptions += f.exceptions.size();
                criterion.covered += f.covered;
            }
            if (criterion.exceptions > 0) criterion.verdict = history::Verdict::WithExceptions;
        }
        for (const auto& f : check.nodes) {
            r.exceptions += f.exceptions.size();
            r.uncovered_failures += f.uncovered();
        }
        r.checks.push_back(std::move(check));
    }
    return r;
}

}  // namespace

int main(int argc, char** argv) {
    const Args a = parse(argc, argv);
    const auto made = Clock::now();
    const history::PeriodReport r = make(a);
    fmt::print("report: {} scans, {} checks, {} criteria, {} exceptions (made in {:.2f} s)\n",
               r.scans.size(), r.checks.size(), r.criteria.size(), r.exceptions,
               std::chrono::duration<double>(Clock::now() - made).count());
    for (const auto& writer : report::period_writers()) {
        if (!a.format.empty() && writer.format != a.format) continue;
        std::vector<double> times;
        size_t bytes = 0;
        for (int run = 0; run < a.runs; ++run) {
            bytes = 0;
            const auto start = Clock::now();
            writer.render(r, [&](std::string_view piece) { bytes += piece.size(); });
            times.push_back(std::chrono::duration<double>(Clock::now() - start).count());
        }
        if (times.empty()) continue;
        std::sort(times.begin(), times.end());
        const double median = times[times.size() / 2];
        const double megabytes = static_cast<double>(bytes) / 1e6;
        fmt::print("{:<5} {:8.1f} MB  median {:.3f} s  ({} runs, fastest {:.3f} s, {:.0f} MB/s)\n",
                   writer.format, megabytes, median, a.runs, times.front(), megabytes / median);
    }
    return 0;
}
