#include <doctest/doctest.h>

#include <algorithm>

#include <fmt/format.h>

#include "history/layout.hpp"
#include "history/report_file.hpp"
#include "history/verify.hpp"

using namespace kubeproof;
using history::SignatureState;

namespace {

// A daily series of a node, as the store writes it: seq 1.., each linked to the one before.
std::vector<history::VerifyInput> daily_series(int days, int first_day = 1) {
    std::vector<history::VerifyInput> out;
    for (int i = 0; i < days; ++i) {
        history::VerifyInput r;
        r.header.schema = "kubeproof.report/v1";
        r.header.tool_version = "0.1.0";
        r.header.definitions_sha256 = std::string(64, 'd');
        r.header.cluster_name = "prod";
        r.header.scope = "node";
        r.header.node = "cp-1";
        r.header.benchmark = "cis-1.12";
        r.header.targets = {"master", "node"};
        r.header.series = "node.cp-1.cis-1.12.master+node";
        r.header.seq = static_cast<uint64_t>(i + 1);
        r.header.started_at = fmt::format("2026-01-{:02}T02:00:00Z", first_day + i);
        r.sha256 = fmt::format("{:064}", i + 1);
        if (i > 0) r.header.previous = out.back().sha256;
        history::SeriesKey key{"prod", "", "node", "cp-1", "cis-1.12", {"master", "node"}};
        r.relative = history::report_path(key, r.header.started_at, r.header.seq);
        r.path = "store/" + r.relative;
        r.signature = SignatureState::Valid;
        out.push_back(std::move(r));
    }
    return out;
}

std::vector<std::string> kinds(const history::VerifyOutcome& outcome) {
    std::vector<std::string> out;
    for (const auto& p : outcome.problems) out.push_back(p.kind);
    return out;
}

}  // namespace

TEST_SUITE("history/verify") {
    TEST_CASE("an intact daily series verifies clean, with its summary") {
        auto outcome = history::verify(daily_series(5), {86400, std::nullopt, std::nullopt});
        CHECK(outcome.problems.empty());
        REQUIRE(outcome.series.size() == 1);
        CHECK(outcome.series[0].cluster == "prod");
        CHECK(outcome.series[0].last_seq == 5);
        CHECK(outcome.signatures_checked);
    }

    TEST_CASE("the five tamperings an auditor tests for") {
        SUBCASE("one byte changed: the signature fails and the next report's link breaks") {
            auto reports = daily_series(4);
            reports[1].signature = SignatureState::Invalid;
            reports[1].sha256 = std::string(64, 'f');
            auto outcome = history::verify(reports, {});
            CHECK(kinds(outcome) == std::vector<std::string>{"signature", "link"});
            CHECK(outcome.problems[1].path == reports[2].path);
        }
        SUBCASE("a middle report deleted") {
            auto reports = daily_series(4);
            reports.erase(reports.begin() + 2);
            auto outcome = history::verify(reports, {});
            REQUIRE(kinds(outcome) == std::vector<std::string>{"missing"});
            CHECK(outcome.problems[0].message.find("seq 3 is missing between") !=
                  std::string::npos);
        }
        SUBCASE("two reports swapped: each is not where its content belongs") {
            auto reports = daily_series(4);
            std::swap(reports[1].relative, reports[2].relative);
            std::swap(reports[1].path, reports[2].path);
            CHECK(kinds(history::verify(reports, {})) ==
                  std::vector<std::string>{"moved", "moved"});
        }
        SUBCASE("re-signed with another key") {
            auto reports = daily_series(3);
            reports[2].signature = SignatureState::UnknownKey;
            reports[2].signature_detail = std::string(64, 'a');
            auto outcome = history::verify(reports, {});
            REQUIRE(kinds(outcome) == std::vector<std::string>{"unknown-key"});
            CHECK(outcome.problems[0].message.find("signed by key aaaa") != std::string::npos);
        }
        SUBCASE("a three-day hole in a daily series") {
            auto reports = daily_series(3);
            auto later = daily_series(3, 7);
            for (auto& r : later) {
                r.header.seq += 3;
                r.relative = history::report_path(
                    {"prod", "", "node", "cp-1", "cis-1.12", {"master", "node"}},
                    r.header.started_at, r.header.seq);
                r.path = "store/" + r.relative;
            }
            later[0].header.previous = reports.back().sha256;
            later[1].header.previous = later[0].sha256;
            later[2].header.previous = later[1].sha256;
            reports.insert(reports.end(), later.begin(), later.end());
            auto outcome = history::verify(reports, {86400, std::nullopt, std::nullopt});
            REQUIRE(kinds(outcome) == std::vector<std::string>{"gap"});
            CHECK(outcome.problems[0].start == "2026-01-03T02:00:00Z");
            CHECK(outcome.problems[0].end == "2026-01-07T02:00:00Z");
            CHECK(outcome.problems[0].seconds == 4 * 86400);
            CHECK(outcome.problems[0].message ==
                  "series node.cp-1.cis-1.12.master+node: no scan for 4d 0h 0m between "
                  "2026-01-03T02:00:00Z and 2026-01-07T02:00:00Z");
        }
    }

    TEST_CASE("times never go backwards, and the rules change only with the tool") {
        auto reports = daily_series(3);
        reports[2].header.started_at = "2026-01-01T00:00:00Z";
        reports[2].relative =
            history::report_path({"prod", "", "node", "cp-1", "cis-1.12", {"master", "node"}},
                                 reports[2].header.started_at, 3);
        reports[1].header.definitions_sha256 = std::string(64, 'e');
        CHECK(kinds(history::verify(reports, {})) ==
              std::vector<std::string>{"definitions", "order", "definitions"});
        reports[1].header.tool_version = "0.2.0";
        reports[2].header.tool_version = "0.2.0";
        reports[2].header.definitions_sha256 = std::string(64, 'e');
        CHECK(kinds(history::verify(reports, {})) == std::vector<std::string>{"order"});
    }

    TEST_CASE("a series that starts late is missing its beginning, unless a window was asked for") {
        auto reports = daily_series(4);
        reports.erase(reports.begin());
        CHECK(kinds(history::verify(reports, {})) == std::vector<std::string>{"missing"});
        auto from = history::parse_rfc3339("2026-01-02T00:00:00Z");
        CHECK(history::verify(reports, {std::nullopt, from, std::nullopt}).problems.empty());
    }

    TEST_CASE("the edges of the window count as holes too") {
        auto reports = daily_series(2, 10);
        auto outcome =
            history::verify(reports, {86400, history::parse_rfc3339("2026-01-05T00:00:00Z"),
                                      history::parse_rfc3339("2026-01-20T00:00:00Z")});
        REQUIRE(kinds(outcome) ==
                std::vector<std::string>{"gap", "gap"});  // a window: its start is not missing
        CHECK(outcome.problems[0].start == "2026-01-05T00:00:00Z");
        CHECK(outcome.problems[1].end == "2026-01-20T00:00:00Z");
    }

    TEST_CASE("a window's reports are linked to their neighbours: a deletion at an edge shows") {
        const auto day = [](int d) {
            return *history::parse_rfc3339(fmt::format("2026-01-{:02}T00:00:00Z", d));
        };
        const history::VerifyOptions window{86400, day(4), day(8)};
        const history::VerifyOptions unpaced{std::nullopt, day(4), day(8)};
        const auto without = [](std::vector<int> seqs) {
            auto reports = daily_series(9);  // seq n started on day n
            std::erase_if(reports, [&](const history::VerifyInput& r) {
                return std::find(seqs.begin(), seqs.end(), static_cast<int>(r.header.seq)) !=
                       seqs.end();
            });
            return reports;
        };
        CHECK(history::verify(without({}), window).problems.empty());
        CHECK(history::verify(without({1, 2, 9}), window).problems.empty());  // outside: unseen
        // The first report of the window deleted: seq 3 (before it) links to seq 5.
        CHECK(kinds(history::verify(without({4}), unpaced)) == std::vector<std::string>{"missing"});
        // The last: seq 8 (after it) does not follow seq 6.
        CHECK(kinds(history::verify(without({7}), unpaced)) == std::vector<std::string>{"missing"});
        // Every report of the window: the series is not in the window, and still not intact.
        auto all = history::verify(without({4, 5, 6, 7}), window);
        CHECK(kinds(all) == std::vector<std::string>{"missing", "gap"});
        CHECK(all.problems[1].start == "2026-01-04T00:00:00Z");
        CHECK(all.problems[1].end == "2026-01-08T00:00:00Z");
        CHECK(all.series.empty());
        CHECK(kinds(history::verify(without({4, 5, 6, 7}), unpaced)) ==
              std::vector<std::string>{"missing"});
        // A node no longer scanned: its series ended before the window (or before the newest
        // scan of the store, without one), while another ran on.
        auto stopped = daily_series(9);
        auto other = daily_series(3);
        for (auto& r : other) {
            r.header.node = "cp-2";
            r.header.series = "node.cp-2.cis-1.12.master+node";
            r.relative =
                history::report_path({"prod", "", "node", "cp-2", "cis-1.12", {"master", "node"}},
                                     r.header.started_at, r.header.seq);
            r.path = "store/" + r.relative;
            stopped.push_back(r);
        }
        auto ended = history::verify(stopped, {86400, std::nullopt, std::nullopt});
        REQUIRE(kinds(ended) == std::vector<std::string>{"gap"});
        CHECK(ended.problems[0].series == "node.cp-2.cis-1.12.master+node");
        CHECK(ended.problems[0].end == "2026-01-09T02:00:00Z");
        CHECK(kinds(history::verify(stopped, window)) == std::vector<std::string>{"gap"});
        // One that ended long before the window (a node taken out of service) was not due in it.
        CHECK(history::verify(stopped, {86400, day(8), day(10)}).problems.empty());
    }

    TEST_CASE("nodes of the cluster inventory need node reports around each cluster scan") {
        auto reports = daily_series(2);
        history::VerifyInput cluster = reports[0];
        cluster.header.scope = "cluster";
        cluster.header.node = "";
        cluster.header.series = "cluster.cis-1.12.policies";
        cluster.header.targets = {"policies"};
        cluster.header.seq = 1;
        cluster.header.previous.reset();
        cluster.header.nodes = {{"cp-1", "v1.31.2", "", ""}, {"worker-9", "v1.31.2", "", ""}};
        cluster.relative = "";
        reports.push_back(cluster);
        auto outcome = history::verify(reports, {86400, std::nullopt, std::nullopt});
        REQUIRE(kinds(outcome) == std::vector<std::string>{"node"});
        CHECK(outcome.problems[0].message.find(
                  "node worker-9 of the cluster's inventory has no node report") !=
              std::string::npos);
    }

    TEST_CASE(
        "unsigned reports are named when keys were given; without keys signatures are not "
        "checked") {
        auto reports = daily_series(2);
        reports[1].signature = SignatureState::Missing;
        CHECK(kinds(history::verify(reports, {})) == std::vector<std::string>{"unsigned"});
        for (auto& r : reports) r.signature = SignatureState::NotChecked;
        auto outcome = history::verify(reports, {});
        CHECK(outcome.problems.empty());
        CHECK_FALSE(outcome.signatures_checked);
    }
}

TEST_SUITE("history/layout") {
    TEST_CASE("stored reports list by cluster, series and time") {
        const history::SeriesKey node{"prod eu/1", "",         "node",
                                      "cp-1",      "cis-1.12", {"master", "node"}};
        CHECK(history::cluster_folder(node) == "prod_eu_1");
        CHECK(history::series_name(node) == "node.cp-1.cis-1.12.master+node");
        CHECK(history::report_path(node, "2026-03-04T05:06:07Z", 42) ==
              "prod_eu_1/node.cp-1.cis-1.12.master+node/2026/03/04/000042-20260304T050607Z.json");
        const history::SeriesKey cluster{"", "4f1c", "cluster", "", "cis-1.12", {"policies"}};
        CHECK(history::cluster_folder(cluster) == "uid-4f1c");
        CHECK(history::series_name(cluster) == "cluster.cis-1.12.policies");
        CHECK(history::cluster_folder({"", "", "node", "x", "b", {}}) == "unknown-cluster");
        CHECK(history::seq_in_file_name("000042-20260304T050607Z.json") == 42);
        CHECK(history::seq_in_file_name("000042-20260304T050607Z.json.sig") == 0);
        CHECK(history::seq_in_file_name(".lock") == 0);
    }

    TEST_CASE("durations and times") {
        CHECK(history::describe_duration(45) == "45s");
        CHECK(history::describe_duration(3 * 86400 + 3600 + 120) == "3d 1h 2m");
        CHECK(history::parse_rfc3339("2026-01-01T00:00:00Z") == 1767225600);
        CHECK_FALSE(history::parse_rfc3339("2026-01-01 00:00:00"));
    }
}

TEST_SUITE("history/report_file") {
    TEST_CASE("the header is read without the results, and a broken report names its place") {
        const std::string text =
            R"({"schema": "kubeproof.report/v1", "tool": {"name": "kubeproof", "version": "0.1.0"},
 "scan": {"id": "x", "started_at": "2026-01-01T00:00:00Z", "series": "s", "seq": 7, "previous": null,
          "cluster": {"name": "prod", "uid": "u"}, "nodes": [{"name": "n1", "kubelet_version": "v1.31.2"}]},
 "results": [this is not read)";
        auto header = history::read_header(text, "r.json");
        REQUIRE(header);
        CHECK(header->seq == 7);
        CHECK_FALSE(header->previous);
        CHECK(header->cluster_uid == "u");
        CHECK(header->nodes.at(0).kubelet_version == "v1.31.2");
        auto whole = history::read_report(text, "r.json");
        REQUIRE_FALSE(whole);
        CHECK(whole.error().message.rfind("r.json:4:14: ", 0) == 0);
        auto other = history::read_header(R"({"schema": "other/v2"})", "o.json");
        REQUIRE_FALSE(other);
        CHECK(other.error().message ==
              "o.json: not a kubeproof report (schema is not kubeproof.report/v1)");
    }

    TEST_CASE("a number beyond a double is a read problem, not an abort") {
        // Found by fuzz_report: nlohmann throws out_of_range (not parse_error) for it, which
        // read_report let escape, ending diff, merge and report --waivers with std::terminate.
        auto bare = history::read_report("5e11011", "r.json");
        REQUIRE_FALSE(bare);
        CHECK(bare.error().message == "r.json: number overflow parsing '5e11011'");
        auto inside =
            history::read_report(R"({"schema": "kubeproof.report/v1", "seq": 1e400})", "s.json");
        REQUIRE_FALSE(inside);
        CHECK(inside.error().message == "s.json: number overflow parsing '1e400'");
        CHECK_FALSE(
            history::read_header(R"({"schema": "kubeproof.report/v1", "seq": 1e400})", "s.json"));
    }
}
