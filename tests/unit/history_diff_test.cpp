#include <doctest/doctest.h>

#include <fmt/format.h>

#include "history/diff.hpp"
#include "history/merge.hpp"
#include "history_fixture.hpp"
#include "report/json_writer.hpp"

using namespace kubeproof;
using test::read_stored;
using test::stored_report;
using test::stored_result;

namespace {

/// "regressed 1.2.15 cp-1 PASS->FAIL", one line per change, in outcome order.
std::vector<std::string> lines(const history::DiffOutcome& outcome) {
    std::vector<std::string> out;
    for (const auto& c : outcome.changes) {
        std::string line = fmt::format("{} {}", history::to_string(c.kind), c.id);
        if (!c.old_id.empty() && c.old_id != c.id) line += " was " + c.old_id;
        if (!c.node.empty()) line += " " + c.node;
        if (!c.old_status.empty() || !c.new_status.empty())
            line += fmt::format(" {}->{}", c.old_status, c.new_status);
        out.push_back(line);
    }
    return out;
}

/// A merged report of node reports (each node: one 1.2.15 result of this status), read back.
history::ReportFile merged_of(const std::vector<std::pair<std::string, std::string>>& nodes) {
    std::vector<history::MergeInput> inputs;
    for (const auto& [node, status] : nodes) {
        auto doc = stored_report(node, {stored_result("1.2.15", "apiserver.profiling", status, "v",
                                                      status == "NA" ? "not here" : "")});
        inputs.push_back({node + ".json", std::string(64, 'a'), read_stored(doc)});
    }
    auto merged = history::merge(std::move(inputs), {"demo", false, "merged-1", "0.1.0"});
    REQUIRE(merged);
    return read_stored(nlohmann::ordered_json::parse(report::to_json(merged->report)));
}

}  // namespace

TEST_SUITE("history/diff") {
    TEST_CASE("a report compared with itself has no changes") {
        const auto report = read_stored(
            stored_report("cp-1", {stored_result("1.2.15", "apiserver.profiling", "FAIL"),
                                   stored_result("1.2.16", "apiserver.audit-log-path", "PASS")}));
        const auto outcome = history::diff(report, "a.json", report, "a.json");
        CHECK(outcome.changes.empty());
        CHECK_FALSE(outcome.regressed());
        CHECK(outcome.old_side.nodes == std::vector<std::string>{"cp-1"});
        CHECK(outcome.new_side.file == "a.json");
        CHECK_FALSE(outcome.new_side.merged);
    }

    TEST_CASE("status changes are named as a reviewer reads them, sorted by kind then check") {
        const auto old_report = read_stored(stored_report(
            "cp-1", {stored_result("1.1.1", "a", "PASS"), stored_result("1.2.1", "b", "FAIL"),
                     stored_result("1.2.2", "c", "WARN"), stored_result("1.2.3", "d", "FAIL"),
                     stored_result("1.2.9", "e", "PASS", "mode 600"),
                     stored_result("1.2.10", "f", "NA", "", "not found")}));
        auto new_report = read_stored(stored_report(
            "cp-1",
            {stored_result("1.1.1", "a", "FAIL"), stored_result("1.2.1", "b", "PASS"),
             stored_result("1.2.2", "c", "NA", "", "gone"), stored_result("1.2.3", "d", "WARN"),
             stored_result("1.2.9", "e", "PASS", "mode 644"),
             stored_result("1.2.10", "f", "ERROR", "", "Permission denied")}));
        new_report.results.back().actual.clear();
        const auto outcome = history::diff(old_report, "old.json", new_report, "new.json");
        CHECK(lines(outcome) == std::vector<std::string>{
                                    "regressed 1.1.1 cp-1 PASS->FAIL",
                                    "regressed 1.2.10 cp-1 NA->ERROR",
                                    "fixed 1.2.1 cp-1 FAIL->PASS",
                                    "cleared 1.2.2 cp-1 WARN->NA",
                                    "changed 1.2.3 cp-1 FAIL->WARN",
                                    "drifted 1.2.9 cp-1 PASS->PASS",
                                });
        CHECK(outcome.regressed());
        CHECK(outcome.count(history::ChangeKind::Regressed) == 2);
        CHECK(outcome.changes[1].actual == "Permission denied");  // no actual: the reason
        const auto& drift = outcome.changes.back().evidence;
        REQUIRE(drift.size() == 1);
        CHECK(drift[0].source == "process");
        CHECK(drift[0].ref == "kube-apiserver pid 4624");
        CHECK(drift[0].old_values == std::vector<std::string>{"mode 600"});
        CHECK(drift[0].new_values == std::vector<std::string>{"mode 644"});
    }

    TEST_CASE("checks match by key across benchmark versions, and by id where a side has no key") {
        const auto old_report = read_stored(
            stored_report("cp-1", {stored_result("1.2.15", "apiserver.profiling", "PASS"),
                                   stored_result("1.2.20", "apiserver.audit-log-path", "PASS"),
                                   stored_result("4.1.1", "", "PASS")}));
        const auto new_report = read_stored(
            stored_report("cp-1", {stored_result("1.2.16", "apiserver.profiling", "FAIL"),
                                   stored_result("1.2.20", "apiserver.request-timeout", "PASS"),
                                   stored_result("4.1.1", "kubelet.service.mode", "PASS")}));
        const auto outcome = history::diff(old_report, "old.json", new_report, "new.json");
        CHECK(lines(outcome) == std::vector<std::string>{
                                    "regressed 1.2.16 was 1.2.15 cp-1 PASS->FAIL",
                                    "added 1.2.20 ->PASS",
                                    "removed 1.2.20 PASS->",
                                });
        CHECK(outcome.changes[1].key == "apiserver.request-timeout");
        CHECK(outcome.changes[2].key == "apiserver.audit-log-path");
        CHECK(outcome.changes[1].title == "Ensure 1.2.20");
        CHECK(outcome.regressed());

        // A check the old report lacked (it was narrower) that fails now is a new finding too, and
        // so is a finding on a node the old report did not cover; a new PASS is not.
        const auto narrow = read_stored(
            stored_report("cp-1", {stored_result("4.1.1", "kubelet.service.mode", "PASS")}));
        const auto wide = read_stored(
            stored_report("cp-1", {stored_result("1.1.1", "apiserver.manifest.mode", "FAIL"),
                                   stored_result("4.1.1", "kubelet.service.mode", "PASS")}));
        CHECK(history::diff(narrow, "old.json", wide, "new.json").regressed());
        CHECK_FALSE(history::diff(wide, "old.json", narrow, "new.json").regressed());
        CHECK(history::diff(merged_of({{"cp-1", "PASS"}}), "old.json",
                            merged_of({{"cp-1", "PASS"}, {"cp-2", "FAIL"}}), "new.json")
                  .regressed());
        CHECK_FALSE(history::diff(merged_of({{"cp-1", "PASS"}}), "old.json",
                                  merged_of({{"cp-1", "PASS"}, {"cp-2", "PASS"}}), "new.json")
                        .regressed());
    }

    TEST_CASE("two node reports are compared with each other, whatever their nodes") {
        const auto old_report = read_stored(
            stored_report("cp-1", {stored_result("1.2.15", "apiserver.profiling", "PASS")}));
        const auto new_report = read_stored(
            stored_report("cp-2", {stored_result("1.2.15", "apiserver.profiling", "FAIL")}));
        const auto outcome = history::diff(old_report, "old.json", new_report, "new.json");
        CHECK(lines(outcome) == std::vector<std::string>{"regressed 1.2.15 cp-2 PASS->FAIL"});
        CHECK(outcome.old_side.nodes == std::vector<std::string>{"cp-1"});
        CHECK(outcome.new_side.nodes == std::vector<std::string>{"cp-2"});
    }

    TEST_CASE("merged reports are compared node by node, with nodes added and removed") {
        const auto old_report = merged_of({{"cp-1", "PASS"}, {"worker-1", "NA"}});
        const auto new_report = merged_of({{"cp-1", "FAIL"}, {"cp-2", "PASS"}});
        const auto outcome = history::diff(old_report, "old.json", new_report, "new.json");
        CHECK(lines(outcome) == std::vector<std::string>{
                                    "node-added  cp-2",
                                    "node-removed  worker-1",
                                    "regressed 1.2.15 cp-1 PASS->FAIL",
                                });
        CHECK(outcome.new_side.merged);
        CHECK(outcome.new_side.cluster == "demo");
        CHECK(outcome.new_side.nodes == std::vector<std::string>{"cp-1", "cp-2"});
    }

    TEST_CASE("a node report against a merged report: its node is compared, the others are new") {
        const auto old_report = read_stored(
            stored_report("cp-1", {stored_result("1.2.15", "apiserver.profiling", "FAIL", "v")}));
        const auto new_report = merged_of({{"cp-1", "PASS"}, {"cp-2", "PASS"}});
        const auto outcome = history::diff(old_report, "old.json", new_report, "new.json");
        CHECK(lines(outcome) == std::vector<std::string>{
                                    "node-added  cp-2",
                                    "fixed 1.2.15 cp-1 FAIL->PASS",
                                });
        CHECK_FALSE(outcome.regressed());
    }

    TEST_CASE("a check a node no longer reports is removed on that node") {
        auto old_doc =
            stored_report("cp-1", {stored_result("1.2.15", "apiserver.profiling", "PASS"),
                                   stored_result("1.2.16", "apiserver.x", "PASS")});
        auto new_doc =
            stored_report("cp-1", {stored_result("1.2.15", "apiserver.profiling", "PASS")});
        const auto outcome =
            history::diff(read_stored(old_doc), "old.json", read_stored(new_doc), "new.json");
        CHECK(lines(outcome) == std::vector<std::string>{"removed 1.2.16 PASS->"});
        CHECK(outcome.changes[0].node.empty());
    }

    TEST_CASE("change kinds have stable names") {
        std::vector<std::string> names;
        names.reserve(history::k_change_kinds.size());
        for (auto kind : history::k_change_kinds) names.emplace_back(history::to_string(kind));
        CHECK(names == std::vector<std::string>{"node-added", "node-removed", "regressed", "fixed",
                                                "cleared", "changed", "drifted", "added",
                                                "removed"});
    }
}
