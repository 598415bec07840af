#pragma once

// The period report: what the stored reports of a period show for each criterion of one
// framework. Pure: the reports (already read), the period and the clock come in; the decided
// report comes out, for writers to render (lib/report/period_*_writer.cpp). Nothing here reads a
// file or the time.

#include <cstdint>
#include <ctime>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "history/report_rows.hpp"
#include "history/verify.hpp"
#include "model/check.hpp"
#include "util/expected.hpp"

namespace kubeproof::history {

// ---- input

/// How a result counts in a period.
enum class Outcome : uint8_t {
    Passed,        ///< PASS
    Exception,     ///< it did not pass: FAIL, WARN, ERROR, or a status this version does not know
    NotEvaluated,  ///< NA or SKIP: neither a pass nor a failure
};

/// The outcome of a status as reports write it.
Outcome outcome_of(std::string_view status);

/// A check as the reports state it; a check renumbered between benchmark versions, or retitled,
/// has several (one key, several ids or titles).
struct CheckVariant {
    std::string id;
    std::string key;  ///< "" in reports without keys
    std::string title;
    std::vector<std::string> criteria;  ///< of the framework
};

/// A waiver as results carry it (`result.waiver`), without its state: the same waiver appears in
/// every report it covers, active in some and expired in later ones.
struct Waiver {
    std::string source;  ///< "waivers.yaml:12"
    std::string check;
    std::string owner;
    std::string approver;
    std::string reason;
    std::string ticket;
    std::string created;  ///< as written ("2026-01-01")
    std::string expires;
    std::vector<std::pair<std::string, std::string>> scope;  ///< any other fields, in order
};

/// A waiver's state in one result.
enum class WaiverState : uint8_t {
    None,     ///< no waiver
    Active,   ///< "active": the waiver covers the result
    Expired,  ///< "expired": the waiver no longer covers it
    Unknown,  ///< another state: it does not cover it
};

/// One result, compact: a year of a fleet's reports keeps 8 bytes per result.
struct ScanResult {
    uint16_t variant = 0;  ///< index in PeriodTables::variants
    uint8_t status = 0;    ///< index in PeriodTables::statuses
    WaiverState state = WaiverState::None;
    int32_t waiver = -1;  ///< index in PeriodTables::waivers; -1: none
};

/// The checks, statuses and waivers the compact results point at. Filled report by report in
/// whatever order the reports are read; period() puts everything in a canonical order, so the
/// outcome does not depend on that order.
struct PeriodTables {
    std::vector<CheckVariant> variants;
    std::vector<std::string> statuses;
    std::vector<Waiver> waivers;

    /// The compact results of one report's rows; an error when the reports name more than 65,535
    /// distinct checks, statuses beyond 255 or waivers beyond 2^31. Not thread-safe.
    util::Expected<std::vector<ScanResult>, std::string> intern(const std::vector<ResultRow>& rows);

    /// The compact result of one row (the same limits).
    util::Expected<ScanResult, std::string> intern(const ResultRow& row);

private:
    std::string m_key;  ///< reused by intern()
    std::map<std::string, uint16_t, std::less<>> m_variants;
    std::map<std::string, uint8_t, std::less<>> m_statuses;
    std::map<std::string, int32_t, std::less<>> m_waivers;
};

/// A check the definitions map to the framework, for criteria whose checks never ran.
struct MappedCheck {
    std::string id;  ///< in the first benchmark that has it, "" when none does
    std::string key;
    std::string title;
    std::vector<std::string> criteria;
};

/// Everything read for a period report.
struct PeriodInput {
    std::string framework;  ///< its id ("soc2")
    std::string framework_title;
    std::vector<model::Criterion> catalogue;  ///< the framework's criteria, in catalogue order
    std::vector<MappedCheck> mapped;          ///< the definitions' checks mapped to it
    PeriodTables tables;
    std::vector<VerifyInput> reports;              ///< every report read (after --cluster)
    std::vector<std::vector<ScanResult>> results;  ///< per report: its rows for the framework
};

/// `--sample N --seed S`.
struct SampleRequest {
    size_t size = 0;
    uint64_t seed = 0;
};

/// What the period report is asked for.
struct PeriodOptions {
    std::optional<std::time_t> from;      ///< --from; default: the first report's start
    std::optional<std::time_t> to;        ///< --to; default: see period()
    std::optional<int64_t> every;         ///< --every, in seconds
    std::vector<std::string> clusters;    ///< the --cluster filter, as given (shown)
    std::optional<SampleRequest> sample;  ///< --sample and --seed
    std::time_t generated_at = 0;         ///< the clock (SOURCE_DATE_EPOCH, else now)
    std::string tool_version;             ///< of the kubeproof writing the period report
    /// `report --waivers`: the file every result's waiver was decided from (path as given, and
    /// its SHA-256); none when the results carry the waivers their scans gave them.
    std::optional<std::pair<std::string, std::string>> waivers_file;
    /// With waivers_file: the (source, check) of its waivers that covered no result of the
    /// period's scans, in file order.
    std::vector<std::pair<std::string, std::string>> stale_waivers;
};

// ---- the period report

/// One scan of the population: a report started inside the period.
struct PeriodScan {
    std::string file;  ///< the path it was read from
    std::string sha256;
    std::string cluster;  ///< its cluster's folder in the store
    std::string node;     ///< subject_node(): the node, "cluster" for the cluster's objects
    std::string series;
    uint64_t seq = 0;
    std::string started_at;  ///< RFC 3339
    std::time_t started = 0;
    std::string tool_version;
    std::string definitions_sha256;
};

/// A hole in a series longer than the interval (verify's `gap`): the PCI DSS 10.7.3 record.
struct MissedScans {
    std::string cluster;
    std::string node;
    std::string series;
    std::string start;  ///< the last scan before the hole, or the period's start
    std::string end;    ///< the first scan after it, or the period's end
    int64_t seconds = 0;
};

/// One node (or the cluster's objects) of the population.
struct PeriodNode {
    std::string cluster;
    std::string node;
    std::optional<int64_t> expected;  ///< floor((to - from) / every); none without --every
    size_t found = 0;                 ///< its scans started inside the period
    size_t first_scan = 0;            ///< index in PeriodReport::scans
    size_t last_scan = 0;
    std::vector<std::string> series;
    std::vector<size_t> missed;  ///< indices in PeriodReport::missed
    int64_t missed_seconds = 0;
    bool cluster_objects = false;  ///< the cluster's own objects (cluster-scope scans), no node
    /// The scans of each of its series in the period (as `series`): with `expected`, one with
    /// fewer ran less often than the interval, though no hole was long enough to be a gap.
    std::vector<size_t> series_found{};
    /// The trail's problems about its scans' reports (signature, link, missing, moved, ...; not
    /// the gaps, which are `missed`, nor the inventory's): indices in PeriodReport::trail.problems.
    std::vector<size_t> trail_problems{};
};

/// A node of a cluster scan's inventory (`scan.nodes`) with no node report in the period.
struct UnreportedNode {
    std::string cluster;
    std::string node;
    size_t listings = 0;  ///< cluster scans of the period that list it
    std::string first_listed;
    std::string last_listed;
};

/// A series with no scan in the period whose trail shows problems in it: its reports of the period
/// were deleted, or its node stopped being scanned. Its checks are evidenced nowhere there.
struct AbsentSeries {
    std::string cluster;
    std::string node;              ///< subject_node() of its reports
    bool cluster_objects = false;  ///< a cluster-scope series
    std::string series;
    std::vector<size_t> problems;  ///< indices in PeriodReport::trail.problems
};

/// A tool version and definitions digest, and the scans that used them.
struct VersionUse {
    std::string tool_version;
    std::string definitions_sha256;
    size_t scans = 0;
    std::string first_started;
    std::string last_started;
};

/// One scan in which a check did not pass.
struct PeriodException {
    uint32_t scan = 0;   ///< index in PeriodReport::scans (12 bytes an exception: a year of a
                         ///< fleet's can be a million)
    uint8_t status = 0;  ///< index in PeriodReport::statuses
    WaiverState state = WaiverState::None;
    int32_t waiver = -1;  ///< index in PeriodReport::waivers; -1: no waiver

    /// Whether an active waiver covered it.
    bool covered() const { return state == WaiverState::Active; }
};

/// The longest run of consecutive scans (of one node that have the check) in which it did not
/// pass. It ends at the next scan in which the check did not fail (PASS, NA or SKIP); one still
/// running at the period's last scan is `ongoing`, measured to the period's end.
struct Streak {
    size_t scans = 0;
    size_t first = 0;                ///< index in PeriodReport::scans
    size_t last = 0;                 ///< its last failing scan
    std::optional<size_t> ended_by;  ///< the scan that ended it; none when ongoing
    int64_t seconds = 0;  ///< from the first failing scan to the one that ended it (or `to`)
    bool ongoing = false;
};

/// One waiver's part in a check's exceptions.
struct WaiverUse {
    size_t waiver = 0;   ///< index in PeriodReport::waivers
    size_t covered = 0;  ///< exceptions it covered (active)
    size_t expired = 0;  ///< exceptions it was attached to but did not cover (expired, unknown)
    std::optional<size_t> first_covered;  ///< scans, indices in PeriodReport::scans
    std::optional<size_t> last_covered;
    std::optional<size_t> first_expired;
};

/// One check on one node over the period.
struct CheckOnNode {
    size_t node = 0;   ///< index in PeriodReport::nodes
    size_t scans = 0;  ///< the node's scans that have a result for the check (may be 0)
    size_t passed = 0;
    size_t not_evaluated = 0;  ///< NA, SKIP
    /// The node's scans with no result for the check, though they ran the definitions (digest),
    /// benchmark and targets of a scan (of any node) that judged it: narrowed with --check or
    /// --framework. Never a pass; such a node may have no scan with a result.
    size_t without_result = 0;
    size_t covered = 0;       ///< exceptions an active waiver covered
    double share_passed = 0;  ///< passed / scans, rounded to 4 decimals; 0 without scans
    std::optional<Streak> longest;
    /// The check's status in the node's last scan of the period; none when that scan has no
    /// result for it (index in PeriodReport::statuses).
    std::optional<uint8_t> status_now;
    size_t now_scan = 0;                      ///< the node's last scan
    std::vector<PeriodException> exceptions;  ///< in scan order
    std::vector<WaiverUse> waivers;           ///< by waiver

    size_t uncovered() const { return exceptions.size() - covered; }
};

/// A check over the period: every node that reported it.
struct PeriodCheck {
    std::string id;  ///< as the newest scan has it
    std::string key;
    std::string title;
    std::vector<std::string> other_ids;  ///< other ids it had in the period (renumbered)
    std::vector<std::string> criteria;
    bool ran = true;  ///< false: mapped by the definitions, in no report of the period
    std::vector<CheckOnNode> nodes;  ///< in node order
};

/// Whether a criterion's evidence held over the period.
enum class Verdict {
    PassingThroughout,  ///< every scan of every supporting check passed where evaluated; no gap
    WithExceptions,     ///< a failing scan, missed scans, a check not evaluated in some scans
                        ///< (NA, SKIP, or no result where a like scan had one), a trail
                        ///< problem of a node's reports, or a node of the cluster's inventory
                        ///< that sent no report
    NeverEvidenced,     ///< no supporting check was evaluated (PASS, FAIL, WARN, ERROR) at all
};

/// "passing throughout", "with exceptions", "never evidenced".
std::string_view to_string(Verdict verdict);

/// One criterion of the framework over the period.
struct PeriodCriterion {
    std::string id;
    std::string title;
    bool in_catalogue = true;  ///< false: named by reports, unknown to the definitions
    Verdict verdict = Verdict::NeverEvidenced;
    std::vector<std::string> reasons;  ///< why the verdict, one sentence each
    std::vector<size_t> checks;        ///< indices in PeriodReport::checks
    size_t exceptions = 0;
    size_t covered = 0;
    std::vector<WaiverUse> waivers;  ///< over its checks and nodes, by waiver

    size_t uncovered() const { return exceptions - covered; }
};

/// `--sample`: the scans drawn, in the order they were drawn.
struct PeriodSample {
    uint64_t seed = 0;
    size_t requested = 0;
    size_t population = 0;
    std::vector<size_t> chosen;  ///< indices in PeriodReport::scans
};

/// The decided period report.
struct PeriodReport {
    std::string framework;
    std::string framework_title;
    std::string tool_version;
    std::time_t generated_at = 0;
    std::time_t from = 0;
    std::time_t to = 0;
    bool from_given = false;  ///< --from; else the first report's start
    bool to_given = false;    ///< --to; else the last report's start plus the interval (or 1 s)
    std::optional<int64_t> every;
    std::vector<std::string> clusters;  ///< the --cluster filter, as given
    VerifyOutcome trail;                ///< history::verify over the same reports and period
    std::vector<std::string> statuses;  ///< the statuses exceptions point at, sorted
    std::vector<Waiver> waivers;        ///< sorted by source, check, owner
    /// PeriodOptions::waivers_file: the waivers were decided from this file at each scan's time.
    std::optional<std::pair<std::string, std::string>> waivers_file;
    std::vector<std::pair<std::string, std::string>> stale_waivers;  ///< PeriodOptions's
    std::vector<PeriodScan> scans;    ///< the population: by start, node, file
    std::vector<PeriodNode> nodes;    ///< by cluster, node
    std::vector<MissedScans> missed;  ///< by cluster, node, start
    std::vector<UnreportedNode> unreported;
    std::vector<AbsentSeries> absent;       ///< by cluster, series
    std::vector<VersionUse> versions;       ///< by first use
    std::vector<PeriodCheck> checks;        ///< by id (natural order), then key
    std::vector<PeriodCriterion> criteria;  ///< catalogue order, then criteria reports add
    std::optional<PeriodSample> sample;
    size_t exceptions = 0;          ///< over all checks and nodes
    size_t uncovered_failures = 0;  ///< FAIL or ERROR exceptions no active waiver covered

    /// Whether verify found nothing wrong with the reports of the period.
    bool intact() const { return trail.problems.empty(); }
};

/// Decides the period report:
/// - the period is [from, to): from defaults to the first report's start; to to the last
///   report's start plus the interval with --every (so that each scan stands for one interval),
///   or plus one second without it;
/// - a node's expected scans are floor((to - from) / every): the whole intervals that fit in the
///   period (none without --every); found are its reports started inside the period;
/// - the trail is history::verify over the same reports, interval and period (a period that
///   starts at its first report cuts no series); its gaps are the missed scans;
/// - the population is the scans of the period by start, node and file; the sample draws from it
///   (draw_sample).
/// An error when no report started inside the period.
util::Expected<PeriodReport, std::string> period(const PeriodInput& input,
                                                 const PeriodOptions& options);

/// Draws `size` of `population` items (all of them when size >= population) reproducibly:
/// std::mt19937_64 seeded with `seed`, then a partial Fisher–Yates shuffle of [0, population):
/// for i = 0, 1, ...: r = population - i; draw 64-bit words until one is below
/// 2^64 - (2^64 mod r) (so every j is equally likely); j = i + word mod r; swap items i and j.
/// Returns the first `size` items, in the order drawn.
std::vector<size_t> draw_sample(size_t population, size_t size, uint64_t seed);

/// The cluster of a report as the store names its folder (cluster_folder()).
std::string cluster_of(const ReportHeader& header);

/// Whether a report is of one of the clusters (its folder name or its scan.cluster.name); any
/// report when `clusters` is empty.
bool in_clusters(const ReportHeader& header, const std::vector<std::string>& clusters);

}  // namespace kubeproof::history
