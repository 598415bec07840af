#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <fmt/format.h>

#include "evidence/signing.hpp"
#include "evidence/store.hpp"
#include "local/store_files.hpp"
#include "test_keys.hpp"

using namespace kubeproof;
namespace fs = std::filesystem;

namespace {

/// An empty store in a fresh temporary folder, removed afterwards.
struct TempStore {
    std::string dir;
    TempStore() {
        char pattern[] = "/tmp/kubeproof-store-XXXXXX";
        REQUIRE(::mkdtemp(pattern) != nullptr);
        dir = pattern;
    }
    ~TempStore() { fs::remove_all(dir); }
    TempStore(const TempStore&) = delete;
    TempStore& operator=(const TempStore&) = delete;
};

model::Report node_report(const std::string& started_at) {
    model::Report report;
    report.scan.started_at = started_at;
    report.scan.benchmark = "cis-1.10";
    report.scan.targets = {"master", "node"};
    report.scan.scope = "node";
    report.scan.node = "n-1";
    report.scan.cluster_name = "demo";
    return report;
}

/// A stand-in for the JSON writer: the link is all these tests look at.
std::string render(const model::Report& report) {
    return fmt::format("seq {} after {}\n", report.scan.link->seq, report.scan.link->previous);
}

std::string read_all(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

}  // namespace

TEST_SUITE("evidence/store") {
    TEST_CASE("reports of a series are numbered and each links its predecessor's bytes") {
        TempStore store;
        model::Report first = node_report("2026-01-01T00:00:00Z");
        auto one = evidence::store_report(store.dir, first, render, nullptr);
        REQUIRE(one.has_value());
        CHECK(first.scan.link->seq == 1);
        CHECK(first.scan.link->previous.empty());
        model::Report second = node_report("2026-01-02T00:00:00Z");
        auto two = evidence::store_report(store.dir, second, render, nullptr);
        REQUIRE(two.has_value());
        CHECK(second.scan.link->seq == 2);
        CHECK(second.scan.link->previous == evidence::sha256_hex(read_all(one->path)));
        CHECK(two->path.find("/2026/01/02/000002-20260102T000000Z.json") != std::string::npos);
    }

    TEST_CASE(
        "the link is to the report, never to its envelope, whichever the folder lists first") {
        TempStore store;
        // The envelope's bytes differ from the report's, so a link to the wrong file shows.
        auto key = evidence::Ed25519Key::from_pem(test::new_private_pem(), "k.pem");
        REQUIRE(key.has_value());
        for (int day = 1; day <= 3; ++day) {
            model::Report report = node_report(fmt::format("2026-01-{:02}T00:00:00Z", day));
            REQUIRE(evidence::store_report(store.dir, report, render, &*key).has_value());
        }
        model::Report fourth = node_report("2026-01-03T06:00:00Z");
        auto stored = evidence::store_report(store.dir, fourth, render, &*key);
        REQUIRE(stored.has_value());
        const std::string third =
            stored->path.substr(0, stored->path.rfind('/')) + "/000003-20260103T000000Z.json";
        CHECK(fourth.scan.link->previous == evidence::sha256_hex(read_all(third)));
    }

    TEST_CASE("a seq once used is never used again: a run that died after its envelope") {
        TempStore store;
        model::Report first = node_report("2026-01-01T00:00:00Z");
        auto one = evidence::store_report(store.dir, first, render, nullptr);
        REQUIRE(one.has_value());
        const std::string day = one->path.substr(0, one->path.rfind('/'));
        // What a run killed between writing the envelope and the report leaves behind.
        std::ofstream(day + "/000002-20260101T120000Z.json.sig") << "{}";
        model::Report next = node_report("2026-01-01T18:00:00Z");
        REQUIRE(evidence::store_report(store.dir, next, render, nullptr).has_value());
        CHECK(next.scan.link->seq == 3);
        CHECK(next.scan.link->previous == evidence::sha256_hex(read_all(one->path)));
    }

    TEST_CASE(
        "a deleted newest report keeps its seq: the next one links to it, so the hole shows") {
        TempStore store;
        std::string third_path, third_bytes;
        for (int day = 1; day <= 3; ++day) {
            model::Report report = node_report(fmt::format("2026-01-{:02}T00:00:00Z", day));
            auto stored = evidence::store_report(store.dir, report, render, nullptr);
            REQUIRE(stored.has_value());
            third_path = stored->path;
            third_bytes = stored->bytes;
        }
        // Its FAIL removed from the store before anyone copied it; the scan is run again.
        REQUIRE(fs::remove(third_path));
        model::Report again = node_report("2026-01-03T01:00:00Z");
        REQUIRE(evidence::store_report(store.dir, again, render, nullptr).has_value());
        CHECK(again.scan.link->seq == 4);
        CHECK(again.scan.link->previous == evidence::sha256_hex(third_bytes));
    }

    TEST_CASE("an existing file is never replaced, and nothing half-written stays") {
        TempStore store;
        const std::string path = store.dir + "/000001-20260101T000000Z.json";
        REQUIRE_FALSE(local::create_file_exclusive(path, "first").has_value());
        auto refused = local::create_file_exclusive(path, "second");
        REQUIRE(refused.has_value());
        CHECK(refused->find("exists already; a stored report is never replaced") !=
              std::string::npos);
        CHECK(read_all(path) == "first");
        CHECK_FALSE(fs::exists(path + ".partial"));
    }
}
