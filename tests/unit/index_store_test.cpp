#include <doctest/doctest.h>

#include <unistd.h>
#include <cstdio>
#include <fstream>
#include <string>

#include "history/report_rows.hpp"
#include "index/store_index.hpp"

using namespace kubeproof;

namespace {

/// A fresh path for an index file in /tmp, removed when the test ends.
struct TempIndex {
    std::string path;
    TempIndex() {
        char name[] = "/tmp/kubeproof-index-test-XXXXXX";
        const int fd = ::mkstemp(name);
        REQUIRE(fd >= 0);
        ::close(fd);
        ::unlink(name);
        path = name;
    }
    TempIndex(const TempIndex&) = delete;
    TempIndex& operator=(const TempIndex&) = delete;
    ~TempIndex() { std::remove(path.c_str()); }
};

index::Entry entry(const std::string& relative, uint64_t seq) {
    index::Entry e;
    e.relative = relative;
    e.report = {42 + seq, 1000 + seq, 1'700'000'000'000'000'000 + static_cast<int64_t>(seq), 7};
    e.envelope = seq == 1 ? "" : "9:10:11:12";
    e.keys = "abc,def";
    e.signature = seq == 1 ? history::SignatureState::Missing : history::SignatureState::Valid;
    e.signature_detail = seq == 1 ? "" : "abc";
    e.sha256 = std::string(64, static_cast<char>('0' + seq));
    auto& h = e.header;
    h.schema = "kubeproof.report/v1";
    h.tool_version = "0.1.0";
    h.definitions_sha256 = std::string(64, 'd');
    h.id = "scan-" + std::to_string(seq);
    h.started_at = "2026-01-0" + std::to_string(seq) + "T00:00:00Z";
    h.finished_at = h.started_at;
    h.host = "cp-1";
    h.benchmark = "cis-1.12";
    h.benchmark_title = "CIS Kubernetes Benchmark v1.12.0";
    h.kubernetes_version = "1.33.1";
    h.targets = {"master", "etcd"};
    h.detected = {"kube-apiserver"};
    h.cluster_name = "demo";
    h.node = "cp-1";
    h.scope = "node";
    h.series = "node.cp-1";
    h.seq = seq;
    if (seq > 1) h.previous = std::string(64, static_cast<char>('0' + seq - 1));
    if (seq == 2) {
        h.nodes = {{"cp-1", "v1.33.1", "aws:///eu-west-1a/i-1", "2026-01-01T00:00:00Z"}};
        model::MergedReport merged{"a.json", std::string(64, 'a'),   "cp-1",
                                   "scan-a", "2026-01-01T00:00:00Z", {}};
        merged.totals.counts = {1, 2, 3, 4, 5, 6};
        h.merged = {merged};
    }
    return e;
}

history::ResultRow row(const std::string& id, const std::string& status,
                       std::vector<std::pair<std::string, std::string>> waiver = {}) {
    return {id,
            "key." + id,
            "Ensure " + id,
            status,
            {"soc2\tCC6.1", "pci-dss\t2.2.1"},
            std::move(waiver)};
}

}  // namespace

TEST_CASE("the index gives back what was put, and replaces a report put again") {
    TempIndex temp;
    auto idx = index::Index::open(temp.path, true);
    REQUIRE(idx);
    const std::vector<history::ResultRow> first = {
        row("1.1.1", "PASS"), row("1.2.15", "FAIL", {{"source", "w.yaml:2"}, {"state", "active"}}),
        row("1.1.1", "PASS")};
    const std::vector<history::ResultRow> second = {
        row("1.1.1", "FAIL"),
        row("1.2.15", "FAIL", {{"source", "w.yaml:2"}, {"state", "expired"}})};
    REQUIRE_FALSE(idx->begin());
    REQUIRE_FALSE(idx->put(entry("a/1.json", 1), first));
    REQUIRE_FALSE(idx->put(entry("a/2.json", 2), second));
    REQUIRE_FALSE(idx->commit());

    auto reopened = index::Index::open(temp.path, false);
    REQUIRE(reopened);
    auto snapshot = reopened->load();
    REQUIRE(snapshot);
    CHECK(snapshot->kinds.size() == 4);  // PASS and FAIL of 1.1.1, 1.2.15 active and expired
    REQUIRE(snapshot->reports.size() == 2);
    const index::Entry& one = snapshot->reports.at("a/1.json");
    const index::Entry expected = entry("a/1.json", 1);
    CHECK(one.report == expected.report);
    CHECK(one.envelope == "");
    CHECK(one.signature == history::SignatureState::Missing);
    CHECK(one.sha256 == expected.sha256);
    CHECK_FALSE(one.header.previous.has_value());
    REQUIRE(one.results.size() == 3);
    CHECK(one.results[0] == one.results[2]);
    const history::ResultRow& waived = snapshot->kinds[one.results[1]];
    CHECK(waived.id == "1.2.15");
    CHECK(waived.criteria == std::vector<std::string>{"soc2\tCC6.1", "pci-dss\t2.2.1"});
    CHECK(waived.waiver == std::vector<std::pair<std::string, std::string>>{{"source", "w.yaml:2"},
                                                                            {"state", "active"}});

    const index::Entry& two = snapshot->reports.at("a/2.json");
    const auto& h = two.header;
    const auto& want = entry("a/2.json", 2).header;
    CHECK(h.previous == want.previous);
    CHECK(h.targets == want.targets);
    CHECK(h.detected == want.detected);
    REQUIRE(h.nodes.size() == 1);
    CHECK(h.nodes[0].provider_id == "aws:///eu-west-1a/i-1");
    REQUIRE(h.merged.size() == 1);
    CHECK(h.merged[0].totals.counts == want.merged[0].totals.counts);
    CHECK(two.signature == history::SignatureState::Valid);
    CHECK(two.signature_detail == "abc");
    CHECK(two.keys == "abc,def");

    // Opened for reading, it cannot be written.
    REQUIRE_FALSE(reopened->begin());
    CHECK(reopened->put(entry("a/3.json", 3), second).has_value());
    // Put again: the same path is replaced, not added; removed paths are gone.
    reopened = index::Index::open(temp.path, true);
    REQUIRE(reopened);
    REQUIRE_FALSE(reopened->begin());
    REQUIRE_FALSE(reopened->put(entry("a/1.json", 1), second));
    REQUIRE_FALSE(reopened->remove("a/2.json"));
    REQUIRE_FALSE(reopened->commit());
    snapshot = index::Index::open(temp.path, false)->load();
    REQUIRE(snapshot);
    REQUIRE(snapshot->reports.size() == 1);
    CHECK(snapshot->reports.at("a/1.json").results.size() == 2);
}

TEST_CASE("nothing is changed before commit") {
    TempIndex temp;
    {
        auto idx = index::Index::open(temp.path, true);
        REQUIRE(idx);
        REQUIRE_FALSE(idx->begin());
        REQUIRE_FALSE(idx->put(entry("a/1.json", 1), {row("1.1.1", "PASS")}));
    }  // destroyed without commit
    auto snapshot = index::Index::open(temp.path, false)->load();
    REQUIRE(snapshot);
    CHECK(snapshot->reports.empty());
}

TEST_CASE("a file that is not an index is refused for reading and started again for writing") {
    TempIndex temp;
    CHECK_FALSE(index::Index::open(temp.path, false));  // missing
    { std::ofstream(temp.path) << "kubeproof was here"; }
    auto refused = index::Index::open(temp.path, false);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().find(temp.path) != std::string::npos);
    auto rebuilt = index::Index::open(temp.path, true);
    REQUIRE(rebuilt);
    auto snapshot = rebuilt->load();
    REQUIRE(snapshot);
    CHECK(snapshot->reports.empty());
}

TEST_CASE("the rows of every framework, each criterion with its framework") {
    const std::string report = R"({"schema": "kubeproof.report/v1",
      "tool": {"name": "kubeproof", "version": "0.1.0"},
      "scan": {"id": "s", "started_at": "2026-01-01T00:00:00Z", "finished_at": "2026-01-01T00:00:01Z",
               "host": "cp-1", "benchmark": "cis-1.12", "targets": ["master"]},
      "results": [
        {"id": "1.1.1", "key": "k1", "title": "t1", "status": "PASS",
         "controls": {"soc2": ["CC6.1", "CC7.1"], "pci-dss": ["2.2.1"]}},
        {"id": "1.1.2", "key": "k2", "title": "t2", "status": "FAIL"},
        {"id": "1.1.3", "key": "k3", "title": "t3", "status": "WARN", "controls": {"pci-dss": ["1.2.3"]}}
      ]})";
    std::vector<history::ResultRow> rows;
    auto header =
        history::read_rows_into(report, "r.json", std::string(history::k_every_framework), rows);
    REQUIRE(header);
    REQUIRE(rows.size() == 3);  // every result, also one that supports nothing
    CHECK(rows[0].criteria ==
          std::vector<std::string>{"soc2\tCC6.1", "soc2\tCC7.1", "pci-dss\t2.2.1"});
    CHECK(rows[1].criteria.empty());
    CHECK(rows[2].criteria == std::vector<std::string>{"pci-dss\t1.2.3"});
    auto soc2 = history::read_rows(report, "r.json", "soc2");
    REQUIRE(soc2);
    REQUIRE(soc2->results.size() == 1);
    CHECK(soc2->results[0].criteria == std::vector<std::string>{"CC6.1", "CC7.1"});
}
