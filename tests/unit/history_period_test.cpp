#include <doctest/doctest.h>

#include <algorithm>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "history/layout.hpp"
#include "history/period.hpp"
#include "history/report_rows.hpp"
#include "history_fixture.hpp"
#include "report/period_writers.hpp"

using namespace kubeproof;
using history::ResultRow;
using history::Verdict;

namespace {

constexpr int64_t k_day = 86400;

ResultRow row(const std::string& id, const std::string& key, const std::string& status,
              std::vector<std::string> criteria = {"CC6.1"},
              std::vector<std::pair<std::string, std::string>> waiver = {}) {
    return {id, key, "Ensure " + id, status, std::move(criteria), std::move(waiver)};
}

/// A waiver of 1.2.15 as `run --waivers` attaches it, in a state.
std::vector<std::pair<std::string, std::string>> waiver_state(const std::string& state) {
    return {{"source", "waivers.yaml:12"}, {"check", "1.2.15"},       {"owner", "alice"},
            {"approver", "bob"},           {"reason", "vendor fix"},  {"ticket", "SEC-1"},
            {"created", "2026-01-01"},     {"expires", "2026-01-04"}, {"state", state},
            {"namespace", "kube-system"}};
}

/// Stored node reports of a period, linked series by series as the store links them.
struct Store {
    history::PeriodInput input;
    std::map<std::string, std::pair<uint64_t, std::string>> last;  ///< node -> seq, sha256

    Store() {
        input.framework = "soc2";
        input.framework_title = "SOC 2";
        input.catalogue = {{"CC6.1", "Logical access"},
                           {"CC7.2", "Monitoring"},
                           {"CC1.1", "Integrity and ethics"},
                           {"CC9.1", "Risk mitigation"}};
        input.mapped = {{"9.9.9", "never.runs", "Ensure never", {"CC9.1"}}};
    }

    /// A scan of `node` on day `day` of January 2026 (00:00 UTC) with these results; its seq is
    /// the next of its series unless given.
    void scan(const std::string& node, int day, const std::vector<ResultRow>& rows,
              uint64_t given_seq = 0, const std::string& cluster = "demo",
              const std::vector<std::string>& targets = {"master", "node"}) {
        history::VerifyInput r;
        auto& h = r.header;
        h.schema = "kubeproof.report/v1";
        h.tool_version = "0.1.0";
        h.definitions_sha256 = std::string(64, 'd');
        h.cluster_name = cluster;
        h.scope = "node";
        h.node = node;
        h.host = node;
        h.benchmark = "cis-1.12";
        h.targets = targets;
        h.series = history::series_name({cluster, "", "node", node, "cis-1.12", h.targets});
        h.started_at = fmt::format("2026-01-{:02}T00:00:00Z", day);
        auto& [seq, sha] = last[cluster + "/" + node];
        h.seq = given_seq > 0 ? given_seq : ++seq;
        if (!sha.empty()) h.previous = sha;
        r.sha256 = fmt::format("{:0>64}", fmt::format("{}{}{}", node.size(), day, h.seq));
        sha = r.sha256;
        r.relative = history::report_path({cluster, "", "node", node, "cis-1.12", h.targets},
                                          h.started_at, h.seq);
        r.path = "store/" + r.relative;
        input.reports.push_back(std::move(r));
        auto results = input.tables.intern(rows);
        REQUIRE(results);
        input.results.push_back(std::move(*results));
    }

    /// A cluster-scope scan of `cluster` on day `day` whose inventory lists `nodes`.
    void cluster_scan(int day, const std::vector<ResultRow>& rows,
                      const std::vector<std::string>& nodes, const std::string& cluster = "demo") {
        scan("", day, rows, 0, cluster);
        auto& h = input.reports.back().header;
        h.scope = "cluster";
        h.host = "";
        h.targets = {"policies"};
        const history::SeriesKey key{cluster, "", "cluster", "", "cis-1.12", h.targets};
        h.series = history::series_name(key);
        input.reports.back().relative = history::report_path(key, h.started_at, h.seq);
        input.reports.back().path = "store/" + input.reports.back().relative;
        for (const auto& n : nodes) h.nodes.push_back({n, "v1.33.1", "", ""});
    }
};

history::PeriodReport decide(const Store& store, std::optional<int64_t> every = k_day,
                             std::optional<std::time_t> from = std::nullopt,
                             std::optional<std::time_t> to = std::nullopt) {
    history::PeriodOptions options;
    options.every = every;
    options.from = from;
    options.to = to;
    options.generated_at = 1767225600;
    options.tool_version = "0.1.0";
    auto report = history::period(store.input, options);
    REQUIRE_MESSAGE(report, (report ? "" : report.error()));
    return *report;
}

std::time_t day(int d) { return 1767225600 + (d - 1) * k_day; }

const history::PeriodCheck& check(const history::PeriodReport& r, const std::string& id) {
    auto it = std::find_if(r.checks.begin(), r.checks.end(),
                           [&](const history::PeriodCheck& c) { return c.id == id; });
    REQUIRE(it != r.checks.end());
    return *it;
}

const history::PeriodCriterion& criterion(const history::PeriodReport& r, const std::string& id) {
    auto it = std::find_if(r.criteria.begin(), r.criteria.end(),
                           [&](const history::PeriodCriterion& k) { return k.id == id; });
    REQUIRE(it != r.criteria.end());
    return *it;
}

std::string render(const history::PeriodReport& r, const std::string& format) {
    std::string out;
    report::find_period_writer(format)->render(r, [&](std::string_view piece) { out += piece; });
    return out;
}

}  // namespace

TEST_SUITE("history/period") {
    TEST_CASE("rows: the framework's results with their waiver, read by SAX, nothing else") {
        auto waived = test::stored_result("1.2.15", "apiserver.profiling", "FAIL");
        waived["controls"] = {{"soc2", {"CC6.1", "CC7.2"}}, {"pci-dss", {"2.2.4"}}};
        waived["waiver"] = {{"source", "waivers.yaml:12"},
                            {"state", "active"},
                            {"namespaces", {"a", "b"}},
                            {"limit", 3},
                            {"selector", {{"app", "web"}, {"tier", "front"}}},
                            {"nested", {{"deeper", {{"ignored", true}}}}}};
        auto other = test::stored_result("1.1.1", "apiserver.manifest.mode", "PASS");
        other["controls"] = {{"pci-dss", {"2.2.4"}}};
        auto doc = test::stored_report("cp-1", {waived, other}, "demo");
        auto rows = history::read_rows(doc.dump(2), "r.json", "soc2");
        REQUIRE(rows);
        CHECK(rows->header.node == "cp-1");
        CHECK(rows->header.cluster_name == "demo");
        REQUIRE(rows->results.size() == 1);
        const auto& r = rows->results[0];
        CHECK(r.id == "1.2.15");
        CHECK(r.key == "apiserver.profiling");
        CHECK(r.title == "Ensure 1.2.15");
        CHECK(r.status == "FAIL");
        CHECK(r.criteria == std::vector<std::string>{"CC6.1", "CC7.2"});
        CHECK(r.waiver ==
              std::vector<std::pair<std::string, std::string>>{{"source", "waivers.yaml:12"},
                                                               {"state", "active"},
                                                               {"namespaces", "a, b"},
                                                               {"limit", "3"},
                                                               {"selector", "app=web, tier=front"},
                                                               {"nested", ""}});
        CHECK(history::read_rows(doc.dump(), "r.json", "pci-dss")->results.size() == 2);
    }

    TEST_CASE("rows: a report broken inside its results is an error naming the place") {
        std::string text =
            test::stored_report("cp-1", {test::stored_result("1.1.1", "k", "PASS")}).dump(2);
        text.insert(text.find("\"status\""), "\n  }}");
        auto rows = history::read_rows(text, "broken.json", "soc2");
        REQUIRE_FALSE(rows);
        CHECK(rows.error().message.rfind("broken.json:", 0) == 0);
        auto header_only = history::read_header(text, "broken.json");
        CHECK(header_only);  // the header stops before the results
    }

    TEST_CASE("population: the whole intervals of the period, the scans found, the gaps") {
        Store store;
        for (int d = 1; d <= 8; ++d) {
            if (d != 5) store.scan("cp-1", d, {row("1.1.1", "a", "PASS")});
            store.scan("worker-1", d, {row("1.1.1", "a", "PASS")});
        }
        auto r = decide(store);
        CHECK(r.from == day(1));
        CHECK(r.to == day(9));  // the last report plus the interval
        REQUIRE(r.nodes.size() == 2);
        CHECK(r.nodes[0].node == "cp-1");
        CHECK(r.nodes[0].expected == 8);
        CHECK(r.nodes[0].found == 7);
        CHECK(r.nodes[1].found == 8);
        REQUIRE(r.missed.size() == 1);
        CHECK(r.missed[0].node == "cp-1");
        CHECK(r.missed[0].start == "2026-01-04T00:00:00Z");
        CHECK(r.missed[0].end == "2026-01-06T00:00:00Z");
        CHECK(r.missed[0].seconds == 2 * k_day);
        CHECK(r.nodes[0].missed_seconds == 2 * k_day);
        CHECK_FALSE(r.intact());
        CHECK(r.scans.size() == 15);
        CHECK(r.scans[0].node == "cp-1");  // by start, then node
        CHECK(r.scans[1].node == "worker-1");

        auto unpaced = decide(store, std::nullopt);
        CHECK(unpaced.to == day(8) + 1);
        CHECK_FALSE(unpaced.nodes[0].expected);
        CHECK(unpaced.missed.empty());
        CHECK(unpaced.intact());

        auto window = decide(store, k_day, day(3), day(6));
        CHECK(window.nodes[0].expected == 3);
        CHECK(window.nodes[0].found == 2);
        CHECK(window.scans.size() == 5);
    }

    TEST_CASE("exceptions, the longest failing streak and the status now") {
        Store store;
        const char* statuses[] = {"PASS", "FAIL", "FAIL", "PASS", "WARN", "ERROR", "NA", "FAIL"};
        for (int d = 1; d <= 8; ++d) store.scan("cp-1", d, {row("1.2.15", "p", statuses[d - 1])});
        auto r = decide(store);
        const auto& f = check(r, "1.2.15").nodes.at(0);
        CHECK(f.scans == 8);
        CHECK(f.passed == 2);
        CHECK(f.not_evaluated == 1);
        CHECK(f.exceptions.size() == 5);
        CHECK(f.share_passed == doctest::Approx(0.25));
        std::vector<std::string> seen;
        for (const auto& e : f.exceptions) seen.push_back(r.statuses[e.status]);
        CHECK(seen == std::vector<std::string>{"FAIL", "FAIL", "WARN", "ERROR", "FAIL"});
        REQUIRE(f.longest);
        CHECK(f.longest->scans == 2);  // days 2-3; days 5-6 tie and come later
        CHECK(r.scans[f.longest->first].started_at == "2026-01-02T00:00:00Z");
        CHECK(r.scans[*f.longest->ended_by].started_at == "2026-01-04T00:00:00Z");
        CHECK(f.longest->seconds == 2 * k_day);
        CHECK_FALSE(f.longest->ongoing);
        REQUIRE(f.status_now);
        CHECK(r.statuses[*f.status_now] == "FAIL");
        CHECK(r.uncovered_failures == 4);  // FAIL and ERROR; the WARN needs a person

        Store ongoing;
        for (int d = 1; d <= 4; ++d)
            ongoing.scan("cp-1", d, {row("1.2.15", "p", d == 1 ? "PASS" : "FAIL")});
        auto o = decide(ongoing);
        const auto& s = *check(o, "1.2.15").nodes.at(0).longest;
        CHECK(s.scans == 3);
        CHECK(s.ongoing);
        CHECK_FALSE(s.ended_by);
        CHECK(s.seconds == 3 * k_day);  // from day 2 to the period's end (day 5)
    }

    TEST_CASE("verdicts: passing throughout, with exceptions, never evidenced") {
        Store store;
        for (int d = 1; d <= 3; ++d) {
            store.scan("cp-1", d,
                       {row("1.1.1", "a", "PASS", {"CC6.1"}),
                        row("1.2.15", "p", d == 2 ? "FAIL" : "PASS", {"CC7.2"}),
                        row("4.2.1", "n", "NA", {"CC1.1"}), row("5.5.5", "x", "PASS", {"CC99.9"})});
        }
        auto r = decide(store);
        CHECK(criterion(r, "CC6.1").verdict == Verdict::PassingThroughout);
        CHECK(criterion(r, "CC6.1").reasons.empty());
        const auto& failing = criterion(r, "CC7.2");
        CHECK(failing.verdict == Verdict::WithExceptions);
        CHECK(failing.reasons == std::vector<std::string>{
                                     "1.2.15: did not pass in 1 of 3 scans on 1 node (demo/cp-1), "
                                     "0 covered by a waiver"});
        CHECK(criterion(r, "CC1.1").verdict == Verdict::NeverEvidenced);
        CHECK(criterion(r, "CC1.1").reasons ==
              std::vector<std::string>{"its checks (4.2.1) were not evaluated (NA or SKIP) in any "
                                       "scan of the period"});
        CHECK(criterion(r, "CC9.1").verdict == Verdict::NeverEvidenced);
        CHECK(criterion(r, "CC9.1").reasons ==
              std::vector<std::string>{"its checks (9.9.9) are in no report of the period"});
        CHECK_FALSE(check(r, "9.9.9").ran);
        CHECK_FALSE(criterion(r, "CC99.9").in_catalogue);
        CHECK(r.criteria.back().id == "CC99.9");  // after the catalogue
        CHECK(r.criteria.front().id == "CC6.1");  // catalogue order

        Store empty;
        empty.input.catalogue.push_back({"CC2.1", "Information"});
        empty.scan("cp-1", 1, {row("1.1.1", "a", "PASS")});
        CHECK(criterion(decide(empty), "CC2.1").reasons ==
              std::vector<std::string>{"no check supports it"});
    }

    TEST_CASE("verdicts: a missed scan or a check not evaluated in some scans is an exception") {
        Store store;
        for (int d : {1, 2, 4}) store.scan("cp-1", d, {row("1.1.1", "a", "PASS")});
        for (int d : {1, 2, 3, 4})
            store.scan("cp-2", d, {row("1.1.1", "a", d == 3 ? "NA" : "PASS")});
        auto r = decide(store);
        const auto& k = criterion(r, "CC6.1");
        CHECK(k.verdict == Verdict::WithExceptions);
        CHECK(k.reasons ==
              std::vector<std::string>{"1.1.1: not evaluated (NA or SKIP) in 1 of 7 scans on 1 "
                                       "node (demo/cp-2) where other scans evaluated it",
                                       "demo/cp-1: missed scans: 1 gap, 2d 0h 0m in all"});
        CHECK(criterion(decide(store, std::nullopt), "CC6.1").reasons.size() == 1);
    }

    TEST_CASE("verdicts: a scan narrowed with --check is no pass of the checks it left out") {
        Store store;
        for (int d = 1; d <= 4; ++d) {
            // cp-1 ran every check for two days, then only 1.2.15 (run --check 1.2.15).
            if (d <= 2)
                store.scan(
                    "cp-1", d,
                    {row("1.1.1", "a", "PASS", {"CC6.1"}), row("1.2.15", "p", "PASS", {"CC7.2"})});
            else
                store.scan("cp-1", d, {row("1.2.15", "p", "PASS", {"CC7.2"})});
            // cp-2 never ran 1.1.1, with the same definitions, benchmark and targets.
            store.scan("cp-2", d, {row("1.2.15", "p", "PASS", {"CC7.2"})});
            // Other definitions (a version without 1.1.1), and a worker's targets: not counted.
            store.scan("cp-3", d, {row("1.2.15", "p", "PASS", {"CC7.2"})});
            store.input.reports.back().header.definitions_sha256 = std::string(64, 'e');
            store.scan("w-1", d, {row("4.2.1", "n", "PASS", {"CC1.1"})}, 0, "demo", {"node"});
        }
        auto r = decide(store);
        const auto& nodes = check(r, "1.1.1").nodes;
        REQUIRE(nodes.size() == 2);
        CHECK(r.nodes[nodes[0].node].node == "cp-1");
        CHECK(nodes[0].scans == 2);
        CHECK(nodes[0].passed == 2);
        CHECK(nodes[0].without_result == 2);
        CHECK_FALSE(nodes[0].status_now);  // not in its last scan
        CHECK(r.nodes[nodes[1].node].node == "cp-2");
        CHECK(nodes[1].scans == 0);
        CHECK(nodes[1].without_result == 4);
        CHECK(nodes[1].share_passed == 0.0);
        CHECK_FALSE(nodes[1].status_now);
        for (const auto& f : check(r, "1.2.15").nodes) CHECK(f.without_result == 0);

        const auto& k = criterion(r, "CC6.1");
        CHECK(k.verdict == Verdict::WithExceptions);
        CHECK(k.reasons == std::vector<std::string>{
                               "1.1.1: no result in 6 scans on 2 nodes (demo/cp-1, demo/cp-2) that "
                               "ran the definitions, benchmark and targets of a scan that judged "
                               "it (narrowed with --check or --framework)"});
        CHECK(criterion(r, "CC7.2").verdict == Verdict::PassingThroughout);
        CHECK(criterion(r, "CC1.1").verdict == Verdict::PassingThroughout);

        const auto json = nlohmann::json::parse(render(r, "json"));
        for (const auto& c : json["checks"]) {
            if (c["id"] != "1.1.1") continue;
            CHECK(c["nodes"][0]["without_result"] == 2);
            CHECK(c["nodes"][1]["without_result"] == 4);
            CHECK(c["nodes"][1]["scans"] == 0);
        }
        CHECK(render(r, "text").find("0 scans: passed 0 (0.0%), exceptions 0 (0 covered by a "
                                     "waiver), not evaluated 0, without a result 4") !=
              std::string::npos);
    }

    TEST_CASE("verdicts: a node of the inventory that sent no report is no pass of the cluster") {
        Store store;
        for (int d = 1; d <= 3; ++d) {
            store.scan("cp-1", d, {row("1.1.1", "a", "PASS", {"CC6.1"})});
            // The cluster's objects pass; its inventory names worker-9, which never reported.
            store.cluster_scan(d, {row("5.1.1", "r", "PASS", {"CC7.2"})}, {"cp-1", "worker-9"});
            // Another cluster's worker: no node of its cluster is missing.
            store.scan("w-1", d, {row("4.2.1", "n", "PASS", {"CC1.1"})}, 0, "other", {"node"});
        }
        for (auto every : {std::optional<int64_t>(k_day), std::optional<int64_t>()}) {
            auto r = decide(store, every);
            REQUIRE(r.unreported.size() == 1);
            CHECK(r.unreported[0].node == "worker-9");
            const auto& k = criterion(r, "CC6.1");
            CHECK(k.verdict == Verdict::WithExceptions);
            CHECK(k.reasons == std::vector<std::string>{
                                   "demo/worker-9: in the cluster's inventory (3 cluster scans "
                                   "from 2026-01-01T00:00:00Z to 2026-01-03T00:00:00Z) but no "
                                   "report of the node in the period: its checks were not "
                                   "evidenced there"});
            // Checks of the cluster's own objects, and other clusters' nodes, are not affected.
            CHECK(criterion(r, "CC7.2").verdict == Verdict::PassingThroughout);
            CHECK(criterion(r, "CC1.1").verdict == Verdict::PassingThroughout);
        }
    }

    TEST_CASE("verdicts: a node whose trail is not intact is no pass, with or without --every") {
        Store store;
        for (int d = 1; d <= 3; ++d) {
            store.scan("cp-1", d, {row("1.1.1", "a", "PASS", {"CC6.1"})});
            if (d == 2) store.input.reports.back().signature = history::SignatureState::Invalid;
            // w-1's report of day 2 was deleted: seq 1, then 3 and 4.
            store.scan("w-1", d, {row("4.2.1", "n", "PASS", {"CC1.1"})}, d == 1 ? 1 : d + 1, "demo",
                       {"node"});
            store.scan("w-2", d, {row("1.2.15", "p", "PASS", {"CC7.2"})}, 0, "demo", {"etcd"});
        }
        for (auto every : {std::optional<int64_t>(k_day), std::optional<int64_t>()}) {
            auto r = decide(store, every);
            CHECK_FALSE(r.trail.problems.empty());
            CHECK(criterion(r, "CC6.1").verdict == Verdict::WithExceptions);
            CHECK(criterion(r, "CC6.1").reasons ==
                  std::vector<std::string>{
                      "demo/cp-1: the trail of its reports is not intact (signature: 1): a report "
                      "altered, unsigned, moved, deleted, duplicated or out of order is no "
                      "evidence of the period"});
            CHECK(criterion(r, "CC1.1").verdict == Verdict::WithExceptions);
            CHECK(criterion(r, "CC1.1").reasons ==
                  std::vector<std::string>{
                      "demo/w-1: the trail of its reports is not intact (missing: 1): a report "
                      "altered, unsigned, moved, deleted, duplicated or out of order is no "
                      "evidence of the period"});
            CHECK(criterion(r, "CC7.2").verdict == Verdict::PassingThroughout);
        }
    }

    TEST_CASE("verdicts: a node whose reports of the period were deleted, or who ran too seldom") {
        Store store;
        for (int d = 1; d <= 9; ++d) {
            store.scan("cp-1", d, {row("1.1.1", "a", "PASS", {"CC6.1"})});
            // w-1's reports of days 4 to 7 were deleted: the period from day 4 to day 8 has none.
            if (d < 4 || d > 7)
                store.scan("w-1", d, {row("4.2.1", "n", "PASS", {"CC1.1"})}, d, "demo", {"node"});
        }
        for (auto every : {std::optional<int64_t>(k_day), std::optional<int64_t>()}) {
            auto r = decide(store, every, day(4), day(8));
            REQUIRE(r.nodes.size() == 1);
            REQUIRE(r.absent.size() == 1);
            CHECK(r.absent[0].node == "w-1");
            const auto& k = criterion(r, "CC6.1");
            CHECK(k.verdict == Verdict::WithExceptions);
            CHECK(k.reasons ==
                  std::vector<std::string>{fmt::format(
                      "demo/w-1: no scan in the period, though its series node.w-1.cis-1.12.node "
                      "ran into it ({}): its checks were not evidenced there",
                      every ? "gap: 1, missing: 1" : "missing: 1")});
            CHECK(criterion(r, "CC1.1").verdict == Verdict::NeverEvidenced);
        }

        // Scans every 36 hours against an interval of 24: no gap (a hole is 1.5 intervals), but
        // fewer scans than the period expects.
        Store seldom;
        for (int h = 0; h <= 216; h += 36) {
            seldom.scan("cp-1", 1, {row("1.1.1", "a", "PASS", {"CC6.1"})});
            auto& stored = seldom.input.reports.back();
            stored.header.started_at = history::to_rfc3339(day(1) + h * 3600);
            stored.relative =
                history::report_path({"demo", "", "node", "cp-1", "cis-1.12", {"master", "node"}},
                                     stored.header.started_at, stored.header.seq);
            stored.path = "store/" + stored.relative;
        }
        auto r = decide(seldom, k_day, day(1), day(10) + 12 * 3600);
        CHECK(r.missed.empty());
        CHECK(criterion(r, "CC6.1").verdict == Verdict::WithExceptions);
        CHECK(criterion(r, "CC6.1").reasons ==
              std::vector<std::string>{
                  "demo/cp-1: 7 of 9 expected scans in series node.cp-1.cis-1.12.master+node (one "
                  "every 1d 0h 0m): it ran less often than the interval"});
        CHECK(criterion(decide(seldom, std::nullopt, day(1), day(10)), "CC6.1").verdict ==
              Verdict::PassingThroughout);
    }

    TEST_CASE("a check twice in one scan counts once, with its worst status") {
        Store store;
        store.scan("cp-1", 1, {row("1.1.1", "a", "PASS")});
        // A report no run writes: the same check listed twice, its PASS first.
        store.scan("cp-1", 2, {row("1.1.1", "a", "PASS"), row("1.1.1", "a", "FAIL")});
        auto r = decide(store);
        const auto& f = check(r, "1.1.1").nodes.at(0);
        CHECK(f.scans == 2);
        CHECK(f.passed == 1);
        CHECK(f.exceptions.size() == 1);
        CHECK(criterion(r, "CC6.1").verdict == Verdict::WithExceptions);
    }

    TEST_CASE("waivers: covered while active, not once expired, counted per waiver") {
        Store store;
        for (int d = 1; d <= 6; ++d) {
            const auto w = d <= 3   ? waiver_state("active")
                           : d <= 5 ? waiver_state("expired")
                                    : std::vector<std::pair<std::string, std::string>>();
            store.scan("cp-1", d, {row("1.2.15", "p", "FAIL", {"CC6.1"}, w)});
        }
        auto r = decide(store);
        REQUIRE(r.waivers.size() == 1);
        CHECK(r.waivers[0].source == "waivers.yaml:12");
        CHECK(r.waivers[0].expires == "2026-01-04");
        CHECK(r.waivers[0].scope ==
              std::vector<std::pair<std::string, std::string>>{{"namespace", "kube-system"}});
        const auto& f = check(r, "1.2.15").nodes.at(0);
        CHECK(f.exceptions.size() == 6);
        CHECK(f.covered == 3);
        CHECK(f.uncovered() == 3);
        CHECK(f.exceptions[0].covered());
        CHECK(f.exceptions[3].state == history::WaiverState::Expired);
        CHECK(f.exceptions[5].waiver == -1);
        REQUIRE(f.waivers.size() == 1);
        CHECK(f.waivers[0].covered == 3);
        CHECK(f.waivers[0].expired == 2);
        CHECK(r.scans[*f.waivers[0].first_covered].started_at == "2026-01-01T00:00:00Z");
        CHECK(r.scans[*f.waivers[0].last_covered].started_at == "2026-01-03T00:00:00Z");
        CHECK(r.scans[*f.waivers[0].first_expired].started_at == "2026-01-04T00:00:00Z");
        CHECK(r.uncovered_failures == 3);
        const auto& k = criterion(r, "CC6.1");
        CHECK((k.exceptions == 6 && k.covered == 3 && k.uncovered() == 3));
        REQUIRE(k.waivers.size() == 1);
        CHECK(k.waivers[0].covered == 3);
        CHECK(k.reasons.front() ==
              "1.2.15: did not pass in 6 of 6 scans on 1 node (demo/cp-1), 3 covered by a waiver");
    }

    TEST_CASE("the report does not depend on the order the reports were read") {
        Store forward;
        for (int d = 1; d <= 4; ++d) {
            forward.scan(
                "cp-1", d,
                {row("1.2.15", "p", d > 2 ? "FAIL" : "PASS", {"CC6.1"}, waiver_state("active")),
                 row("1.1.1", "a", "WARN")});
            forward.scan("w-1", d, {row("1.1.1", "a", "NA")});
        }
        // The same reports, read the other way round.
        Store backward = forward;
        std::reverse(backward.input.reports.begin(), backward.input.reports.end());
        std::reverse(backward.input.results.begin(), backward.input.results.end());
        auto a = decide(forward);
        auto b = decide(backward);
        CHECK(a.trail.problems.empty());
        for (const auto& format : {"text", "json", "csv"})
            CHECK(render(a, format) == render(b, format));
    }

    TEST_CASE("the sample: std::mt19937_64 and a partial Fisher-Yates, re-performable") {
        // Pinned from an independent implementation (Python) of the documented algorithm.
        CHECK(history::draw_sample(10, 3, 42) == std::vector<size_t>{6, 0, 4});
        CHECK(history::draw_sample(100, 5, 2026) == std::vector<size_t>{1, 43, 31, 97, 54});
        CHECK(history::draw_sample(5, 9, 7) == std::vector<size_t>{0, 3, 2, 1, 4});
        CHECK(history::draw_sample(1000, 30, 1) == history::draw_sample(1000, 30, 1));
        CHECK(history::draw_sample(1000, 30, 1) != history::draw_sample(1000, 30, 2));
        auto all = history::draw_sample(50, 50, 9);
        std::sort(all.begin(), all.end());
        CHECK(std::adjacent_find(all.begin(), all.end()) == all.end());
        CHECK(all.back() == 49);
        CHECK(history::draw_sample(0, 3, 1).empty());

        Store store;
        for (int d = 1; d <= 5; ++d) store.scan("cp-1", d, {row("1.1.1", "a", "PASS")});
        history::PeriodOptions options;
        options.sample = history::SampleRequest{3, 42};
        auto r = history::period(store.input, options);
        REQUIRE(r);
        REQUIRE(r->sample);
        CHECK(r->sample->population == 5);
        CHECK(r->sample->chosen == history::draw_sample(5, 3, 42));
    }

    TEST_CASE("the --cluster filter and a period with no report") {
        history::ReportHeader h;
        h.cluster_name = "prod";
        CHECK(history::in_clusters(h, {}));
        CHECK(history::in_clusters(h, {"staging", "prod"}));
        CHECK_FALSE(history::in_clusters(h, {"staging"}));
        h.cluster_name.clear();
        h.cluster_uid = "6f1c";
        CHECK(history::in_clusters(h, {"uid-6f1c"}));

        Store store;
        store.scan("cp-1", 1, {row("1.1.1", "a", "PASS")});
        history::PeriodOptions options;
        options.from = day(5);
        auto r = history::period(store.input, options);
        REQUIRE_FALSE(r);
        CHECK(r.error() ==
              "no report started in the period 2026-01-05T00:00:00Z to 2026-01-01T00:00:01Z (1 "
              "reports read)");
    }
}

TEST_SUITE("report/period_writers") {
    TEST_CASE("every format puts the trail first; CSV quotes as RFC 4180 says") {
        Store store;
        for (int d = 1; d <= 3; ++d)
            store.scan("cp-1", d, {row("1.2.15", "p", d == 3 ? "FAIL" : "PASS", {"CC6.1"})});
        store.input.reports[1].signature = history::SignatureState::Invalid;
        store.input.catalogue[0].title = "Logical access, \"quoted\"";
        auto r = decide(store);
        REQUIRE_FALSE(r.intact());

        const std::string text = render(r, "text");
        CHECK(text.rfind("kubeproof period report for soc2: SOC 2\n", 0) == 0);
        const auto trail = text.find("TRAIL: NOT intact: 1 problem (signature: 1) in 3 reports");
        CHECK(trail != std::string::npos);
        CHECK(trail < text.find("POPULATION:"));
        CHECK(text.find("[FAIL] 2026-01-03T00:00:00Z demo/cp-1 store/demo/") != std::string::npos);

        const auto json = nlohmann::ordered_json::parse(render(r, "json"));
        CHECK(json.begin().key() == "schema");
        CHECK(std::next(json.begin()).key() == "trail");
        CHECK(json["trail"]["intact"] == false);
        CHECK(json["trail"]["problems"][0]["kind"] == "signature");

        const std::string csv = render(r, "csv");
        const std::string first_row = csv.substr(csv.find("\r\n") + 2);
        CHECK(first_row.rfind("NOT intact: 1 problem (signature: 1),soc2,", 0) == 0);
        CHECK(first_row.find(",CC6.1,\"Logical access, \"\"quoted\"\"\",with exceptions,1.2.15,p,"
                             "demo,cp-1,3,3,3,2,0.6667,1,0,") != std::string::npos);
        CHECK(csv.rfind("trail,framework,period from,period to,criterion,", 0) == 0);
    }

    TEST_CASE("oscal: the trail first, an observation per scan, a finding per criterion") {
        Store store;
        store.input.catalogue.push_back({"1.2.3", "A PCI DSS-style id"});
        for (int d = 1; d <= 4; ++d) {
            const auto w = d == 1   ? waiver_state("active")
                           : d == 2 ? waiver_state("expired")
                                    : std::vector<std::pair<std::string, std::string>>();
            store.scan("cp-1", d, {row("1.2.15", "p", d <= 2 ? "FAIL" : "PASS", {"CC6.1"}, w)});
        }
        store.input.reports[2].signature = history::SignatureState::Invalid;
        const auto r = decide(store);
        const std::string text = render(r, "oscal");
        CHECK(text == render(r, "oscal"));
        const auto doc = nlohmann::json::parse(text).at("assessment-results");
        CHECK(doc["metadata"]["oscal-version"] == "1.0.6");
        CHECK(doc["metadata"]["last-modified"] == "2026-01-01T00:00:00Z");
        const auto& result = doc["results"].at(0);
        CHECK(result["start"] == "2026-01-01T00:00:00Z");
        CHECK(result["end"] == "2026-01-05T00:00:00Z");
        CHECK(result["title"].get<std::string>().rfind("[TRAIL NOT INTACT] SOC 2 (soc2)", 0) == 0);
        CHECK(result["description"].get<std::string>().rfind(
                  "TRAIL: NOT intact: 1 problem (signature: 1) in 4 reports of 1 series;", 0) == 0);

        // The signature problem, then the four scans; the tampered scan says so.
        const auto& observations = result["observations"];
        REQUIRE(observations.size() == 5);
        CHECK(observations[0]["props"][0]["value"] == "signature");
        CHECK(observations[0]["relevant-evidence"][0]["href"] ==
              observations[3]["relevant-evidence"][0]["href"]);
        for (int d = 1; d <= 4; ++d) {
            const auto& o = observations[static_cast<size_t>(d)];
            CHECK(o["collected"] == fmt::format("2026-01-{:02}T00:00:00Z", d));
            CHECK(o["methods"] == nlohmann::json::array({"TEST"}));
        }
        CHECK(observations[3]["remarks"].get<std::string>().rfind(
                  "The evidence trail is NOT intact at this report:", 0) == 0);

        // The trail's finding first, then one per criterion, a PCI-style id mapped.
        const auto& findings = result["findings"];
        REQUIRE(findings.size() == 1 + r.criteria.size());
        CHECK(findings[0]["target"]["target-id"] == "kubeproof-evidence-trail");
        CHECK(findings[0]["target"]["status"]["state"] == "not-satisfied");
        std::vector<std::string> controls;
        for (const auto& c :
             result["reviewed-controls"]["control-selections"][0]["include-controls"])
            controls.push_back(c["control-id"]);
        CHECK(controls == std::vector<std::string>{"CC6.1", "CC7.2", "CC1.1", "CC9.1", "_1.2.3"});
        const auto& cc61 = findings[1];
        CHECK(cc61["target"]["target-id"] == "CC6.1");
        CHECK(cc61["target"]["status"]["state"] == "not-satisfied");
        CHECK(cc61["target"]["status"]["reason"] == "fail");
        CHECK(cc61["related-observations"] ==
              nlohmann::json::array({{{"observation-uuid", observations[1]["uuid"]}},
                                     {{"observation-uuid", observations[2]["uuid"]}}}));
        CHECK(findings[5]["target"]["target-id"] == "_1.2.3");
        CHECK(findings[5]["target"]["props"][0]["value"] == "1.2.3");
        CHECK(findings[5]["target"]["status"]["reason"] == "other");

        // The waiver: a risk, covered once then expired once, the state at the end "open".
        REQUIRE(result["risks"].size() == 1);
        const auto& risk = result["risks"][0];
        CHECK(risk["status"] == "open");
        CHECK(risk["risk-log"]["entries"].size() == 2);
        CHECK(risk["risk-log"]["entries"][1]["start"] == "2026-01-02T00:00:00Z");
        CHECK(cc61["related-risks"][0]["risk-uuid"] == risk["uuid"]);

        // Each scan's report file in back-matter, with its SHA-256.
        const auto& resources = doc["back-matter"]["resources"];
        REQUIRE(resources.size() == 5);
        CHECK(doc["import-ap"]["href"] == "#" + resources[0]["uuid"].get<std::string>());
        CHECK(observations[1]["relevant-evidence"][0]["href"] ==
              "#" + resources[1]["uuid"].get<std::string>());
        CHECK(resources[1]["rlinks"][0]["href"] == r.scans[0].file);
        CHECK(resources[1]["rlinks"][0]["hashes"][0] ==
              nlohmann::json({{"algorithm", "SHA-256"}, {"value", r.scans[0].sha256}}));
    }
}
