#include "history/verify.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <tuple>

#include <fmt/format.h>

#include "history/layout.hpp"

namespace kubeproof::history {

namespace {

using Series = std::vector<const VerifyInput*>;

SeriesKey key_of(const ReportHeader& h) {
    return {h.cluster_name, h.cluster_uid, h.scope, h.node.empty() ? h.host : h.node,
            h.benchmark,    h.targets};
}

std::time_t started(const VerifyInput& r) { return parse_rfc3339(r.header.started_at).value_or(0); }

/// A scan more than half an interval late means at least one scan is missing.
bool is_hole(int64_t seconds, int64_t every) { return seconds > every + every / 2; }

Problem problem(const std::string& kind, const VerifyInput& r, std::string message) {
    return {kind,
            r.path,
            r.header.series,
            cluster_folder(key_of(r.header)),
            r.header.seq,
            std::move(message),
            {},
            {},
            0};
}

void check_signature(const VerifyInput& r, std::vector<Problem>& out) {
    switch (r.signature) {
        case SignatureState::NotChecked:
        case SignatureState::Valid:
            return;
        case SignatureState::Missing:
            out.push_back(
                problem("unsigned", r,
                        fmt::format("{}: unsigned: there is no envelope {}.sig", r.path, r.path)));
            return;
        case SignatureState::UnknownKey:
            out.push_back(
                problem("unknown-key", r,
                        fmt::format("{}: signed by key {}, which is none of the keys given", r.path,
                                    r.signature_detail)));
            return;
        case SignatureState::Invalid:
            out.push_back(
                problem("signature", r,
                        fmt::format("{}: the signature does not match the report's bytes: it was "
                                    "altered after it was signed",
                                    r.path)));
            return;
        case SignatureState::Unreadable:
            out.push_back(problem(
                "signature", r,
                fmt::format("{}: the envelope cannot be read: {}", r.path, r.signature_detail)));
            return;
    }
}

// A stored report must sit where its own content puts it: a moved, renamed or swapped file shows.
void check_place(const VerifyInput& r, std::vector<Problem>& out) {
    if (r.relative.empty() || r.header.series.empty()) return;
    const std::string expected = report_path(key_of(r.header), r.header.started_at, r.header.seq);
    if (expected == r.relative) return;
    out.push_back(problem(
        "moved", r,
        fmt::format("{}: its content is seq {} of series {}, started {}, which is stored at {}: "
                    "the file was moved, renamed or swapped",
                    r.path, r.header.seq, r.header.series, r.header.started_at, expected)));
}

void check_start(const VerifyInput& first, bool partial, std::vector<Problem>& out) {
    const uint64_t seq = first.header.seq;
    if (seq == 1 && first.header.previous) {
        out.push_back(problem("link", first,
                              fmt::format("{}: seq 1 of series {} links to a previous report",
                                          first.path, first.header.series)));
    }
    if (seq > 1 && !partial) {
        out.push_back(problem("missing", first,
                              fmt::format("{}: series {} starts at seq {}: seq 1 to {} are missing",
                                          first.path, first.header.series, seq, seq - 1)));
    }
}

void check_step(const VerifyInput& prev, const VerifyInput& cur, std::vector<Problem>& out) {
    const uint64_t p = prev.header.seq;
    const uint64_t c = cur.header.seq;
    if (c == p) {
        out.push_back(problem("duplicate", cur,
                              fmt::format("{}: seq {} of series {} is also {}", cur.path, c,
                                          cur.header.series, prev.path)));
        return;
    }
    if (c > p + 1) {
        const std::string which = c - 1 == p + 1 ? fmt::format("seq {} is", p + 1)
                                                 : fmt::format("seq {} to {} are", p + 1, c - 1);
        out.push_back(
            problem("missing", cur,
                    fmt::format("series {}: {} missing between {} and {}: reports were deleted or "
                                "never stored",
                                cur.header.series, which, prev.path, cur.path)));
        return;
    }
    // A neighbour of the window read only to the end of its header has no digest: its seq
    // still counts (a report deleted next to it shows), its bytes are outside the period.
    if (!prev.sha256.empty() && cur.header.previous.value_or("") != prev.sha256) {
        out.push_back(problem(
            "link", cur,
            fmt::format("{}: its previous link does not match the SHA-256 of seq {} ({}): that "
                        "report was altered or replaced",
                        cur.path, p, prev.path)));
    }
}

void check_times(const VerifyInput& prev, const VerifyInput& cur, std::vector<Problem>& out) {
    if (started(cur) < started(prev)) {
        out.push_back(problem(
            "order", cur,
            fmt::format("{}: seq {} started {}, before seq {} ({}): the reports are out of order",
                        cur.path, cur.header.seq, cur.header.started_at, prev.header.seq,
                        prev.header.started_at)));
    }
    const auto& a = prev.header;
    const auto& b = cur.header;
    if (!a.definitions_sha256.empty() && a.definitions_sha256 != b.definitions_sha256 &&
        a.tool_version == b.tool_version) {
        out.push_back(problem(
            "definitions", cur,
            fmt::format(
                "{}: the check definitions changed from {} to {} with the same tool version {}: "
                "the rules that judged the scans were changed",
                cur.path, a.definitions_sha256.substr(0, 12), b.definitions_sha256.substr(0, 12),
                b.tool_version)));
    }
}

Problem gap(const VerifyInput& r, const std::string& start, const std::string& end,
            int64_t seconds) {
    const std::string& series = r.header.series;
    return {"gap",
            "",
            series,
            cluster_folder(key_of(r.header)),
            0,
            fmt::format("series {}: no scan for {} between {} and {}", series,
                        describe_duration(seconds), start, end),
            start,
            end,
            seconds};
}

/// The holes of a series' reports inside the window: from its start (when given) to the first,
/// between two, and from the last to `end` (the window's end, else the newest scan verified).
void check_gaps(const Series& s, const VerifyOptions& options, std::optional<std::time_t> end,
                std::vector<Problem>& out) {
    if (!options.every) return;
    const int64_t every = *options.every;
    if (options.from && is_hole(started(*s.front()) - *options.from, every))
        out.push_back(gap(*s.front(), to_rfc3339(*options.from), s.front()->header.started_at,
                          started(*s.front()) - *options.from));
    for (size_t i = 1; i < s.size(); ++i) {
        const int64_t seconds = started(*s[i]) - started(*s[i - 1]);
        if (is_hole(seconds, every))
            out.push_back(
                gap(*s[i], s[i - 1]->header.started_at, s[i]->header.started_at, seconds));
    }
    if (end && is_hole(*end - started(*s.back()), every))
        out.push_back(gap(*s.back(), s.back()->header.started_at, to_rfc3339(*end),
                          *end - started(*s.back())));
}

SeriesSummary summary_of(const Series& s) {
    return {cluster_folder(key_of(s.front()->header)),
            s.front()->header.series,
            s.front()->header.seq,
            s.back()->header.seq,
            s.size(),
            s.front()->header.started_at,
            s.back()->header.started_at};
}

bool in_window(const VerifyInput& r, const VerifyOptions& options) {
    const std::time_t t = started(r);
    return (!options.from || t >= *options.from) && (!options.to || t < *options.to);
}

/// A series with no report in the window, though it has one before it: the reports of the window
/// were deleted (a report after it shows the seq jump), or the node stopped being scanned while
/// the period ran. `before` and `after` are its neighbours of the window, in seq order.
void check_absent_series(const VerifyInput* before, const VerifyInput* after,
                         const VerifyOptions& options, std::optional<std::time_t> end,
                         std::vector<Problem>& out) {
    if (before == nullptr) return;  // it began after the window
    if (after != nullptr) check_step(*before, *after, out);
    if (!options.every || !options.from || !end) return;
    const int64_t every = *options.every;
    // A series still running at the window's start was due in it; one that ended long before (a
    // node taken out of service) was not.
    const bool due = !is_hole(*options.from - started(*before), every) || after != nullptr;
    if (due && is_hole(*end - *options.from, every)) {
        Problem hole =
            gap(*before, to_rfc3339(*options.from), to_rfc3339(*end), *end - *options.from);
        hole.message += fmt::format(
            " (no report of the series in the period; its last before is {})", before->path);
        out.push_back(std::move(hole));
    }
}

/// Checks one series: its reports in the window, linked to the reports just before and after the
/// window (a report deleted at an edge of the window shows), and their holes.
void check_series(Series& all, const VerifyOptions& options, std::optional<std::time_t> end,
                  VerifyOutcome& out) {
    std::sort(all.begin(), all.end(), [](const VerifyInput* a, const VerifyInput* b) {
        return std::tie(a->header.seq, a->path) < std::tie(b->header.seq, b->path);
    });
    std::vector<size_t> inside;
    for (size_t i = 0; i < all.size(); ++i) {
        if (in_window(*all[i], options)) inside.push_back(i);
    }
    if (inside.empty()) {
        const VerifyInput* before = nullptr;
        const VerifyInput* after = nullptr;
        for (const auto* r : all) {
            if (options.from && started(*r) < *options.from) before = r;
            if (options.to && started(*r) >= *options.to && after == nullptr) after = r;
        }
        check_absent_series(before, after, options, end, out.problems);
        return;
    }
    const size_t first = inside.front();
    const size_t last = inside.back();
    if (first == 0)
        check_start(*all[0], options.from.has_value() && options.from_cuts_series, out.problems);
    // The steps from the report before the window to the report after it.
    const size_t lo = first > 0 ? first - 1 : first;
    const size_t hi = last + 1 < all.size() ? last + 1 : last;
    for (size_t i = lo + 1; i <= hi; ++i) {
        check_step(*all[i - 1], *all[i], out.problems);
        check_times(*all[i - 1], *all[i], out.problems);
    }
    Series s;
    for (size_t i : inside) s.push_back(all[i]);
    check_gaps(s, options, end, out.problems);
    out.series.push_back(summary_of(s));
}

// Every node of a cluster's inventory must have a node report within one interval of it.
void check_inventory(const std::vector<const VerifyInput*>& reports, int64_t every,
                     std::vector<Problem>& out) {
    std::map<std::pair<std::string, std::string>, std::vector<std::time_t>> node_scans;
    for (const auto* r : reports) {
        if (r->header.scope != "cluster")
            node_scans[{cluster_folder(key_of(r->header)), key_of(r->header).node}].push_back(
                started(*r));
    }
    for (auto& [key, times] : node_scans) std::sort(times.begin(), times.end());
    for (const auto* r : reports) {
        if (r->header.scope != "cluster") continue;
        const std::time_t at = started(*r);
        for (const auto& node : r->header.nodes) {
            const auto& times = node_scans[{cluster_folder(key_of(r->header)), node.name}];
            const auto near = std::lower_bound(times.begin(), times.end(), at - every);
            if (near != times.end() && *near <= at + every) continue;
            out.push_back(problem(
                "node", *r,
                fmt::format(
                    "{}: node {} of the cluster's inventory has no node report within {} of "
                    "this scan ({})",
                    r->path, node.name, describe_duration(every), r->header.started_at)));
        }
    }
}

}  // namespace

VerifyOutcome verify(const std::vector<VerifyInput>& inputs, const VerifyOptions& options) {
    VerifyOutcome out;
    std::vector<const VerifyInput*> kept;
    // Every series with all its reports: those outside the window are its neighbours.
    std::map<std::pair<std::string, std::string>, Series> series;
    std::optional<std::time_t> newest;
    for (const auto& r : inputs) {
        if (!r.header.series.empty())
            series[{cluster_folder(key_of(r.header)), r.header.series}].push_back(&r);
        if (!in_window(r, options)) continue;
        kept.push_back(&r);
        newest = std::max(newest.value_or(started(r)), started(r));
        out.signatures_checked =
            out.signatures_checked || r.signature != SignatureState::NotChecked;
        check_signature(r, out.problems);
        check_place(r, out.problems);
    }
    out.reports = kept.size();
    // A series ends on time when it runs to the window's end, or without one to the newest scan.
    const std::optional<std::time_t> end = options.to ? options.to : newest;
    for (auto& [key, reports] : series) check_series(reports, options, end, out);
    if (options.every) check_inventory(kept, *options.every, out.problems);
    return out;
}

namespace {

std::string kinds_counted(const std::map<std::string, size_t>& kinds) {
    std::string list;
    for (const auto& [kind, count] : kinds) {
        if (!list.empty()) list += ", ";
        list += fmt::format("{}: {}", kind, count);
    }
    return list;
}

}  // namespace

std::string count_kinds(const std::vector<Problem>& problems) {
    std::map<std::string, size_t> kinds;
    for (const auto& p : problems) ++kinds[p.kind];
    return kinds_counted(kinds);
}

std::string count_kinds(const std::vector<Problem>& problems, const std::vector<size_t>& which) {
    std::map<std::string, size_t> kinds;
    for (size_t p : which) ++kinds[problems[p].kind];
    return kinds_counted(kinds);
}

std::optional<std::time_t> parse_rfc3339(const std::string& text) {
    std::tm utc{};
    char zone = 0;
    int consumed = 0;
    if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c%n", &utc.tm_year, &utc.tm_mon,
                    &utc.tm_mday, &utc.tm_hour, &utc.tm_min, &utc.tm_sec, &zone, &consumed) != 7 ||
        zone != 'Z' || static_cast<size_t>(consumed) != text.size()) {
        return std::nullopt;
    }
    utc.tm_year -= 1900;
    utc.tm_mon -= 1;
    const std::tm given = utc;
    const std::time_t when = timegm(&utc);
    // timegm carries 2026-02-30 into March: a time that does not come back the same is no time.
    std::tm back{};
    gmtime_r(&when, &back);
    if (std::tie(back.tm_year, back.tm_mon, back.tm_mday, back.tm_hour, back.tm_min, back.tm_sec) !=
        std::tie(given.tm_year, given.tm_mon, given.tm_mday, given.tm_hour, given.tm_min,
                 given.tm_sec))
        return std::nullopt;
    return when;
}

std::string to_rfc3339(std::time_t when) {
    std::tm utc{};
    gmtime_r(&when, &utc);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", utc.tm_year + 1900, utc.tm_mon + 1,
                       utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec);
}

std::string describe_duration(int64_t seconds) {
    if (seconds < 60) return fmt::format("{}s", seconds);
    const int64_t days = seconds / 86400;
    const int64_t hours = seconds % 86400 / 3600;
    const int64_t minutes = seconds % 3600 / 60;
    std::string out;
    if (days > 0) out += fmt::format("{}d ", days);
    if (hours > 0 || days > 0) out += fmt::format("{}h ", hours);
    out += fmt::format("{}m", minutes);
    return out;
}

}  // namespace kubeproof::history
