#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "delivery/pending.hpp"
#include "host_tree_fixture.hpp"

using namespace kubeproof;
namespace fs = std::filesystem;

TEST_SUITE("delivery/pending") {
    TEST_CASE("an entry names one report inside the store") {
        const std::string rel = "c1/node.n1.cis-1.12.node/2026/12/06/000001-20261206T200000Z.json";
        CHECK(delivery::pending_text(rel) == "kubeproof.pending/v1\n" + rel + "\n");
        auto parsed = delivery::parse_pending(delivery::pending_text(rel), "q");
        REQUIRE(parsed);
        CHECK(*parsed == rel);
        CHECK(delivery::pending_name(42, rel) ==
              "00000000000000000042-000001-20261206T200000Z.json.pending");
    }

    TEST_CASE("a corrupt entry is an error naming its file") {
        const std::pair<const char*, const char*> cases[] = {
            {"", "q.pending: not a pending upload (the first line is not kubeproof.pending/v1)"},
            {"kubeproof.pending/v2\na.json\n",
             "q.pending: not a pending upload (the first line is not kubeproof.pending/v1)"},
            {"kubeproof.pending/v1\n../outside.json\n",
             "q.pending: the second line is not a report's path inside the store"},
            {"kubeproof.pending/v1\n/etc/passwd.json\n",
             "q.pending: the second line is not a report's path inside the store"},
            {"kubeproof.pending/v1\na//b.json\n",
             "q.pending: the second line is not a report's path inside the store"},
            {"kubeproof.pending/v1\na/b.txt\n",
             "q.pending: the second line is not a report's path inside the store"},
            {"kubeproof.pending/v1\na.json\nb.json\n",
             "q.pending: the second line is not a report's path inside the store"},
        };
        for (const auto& entry : cases) {
            const auto& text = entry.first;
            const auto& message = entry.second;
            CAPTURE(text);
            auto parsed = delivery::parse_pending(text, "q.pending");
            REQUIRE_FALSE(parsed);
            CHECK(parsed.error() == message);
        }
    }

    TEST_CASE("the queue is read oldest first; corrupt entries are kept and named") {
        const test::TempRoot store;
        REQUIRE_FALSE(delivery::enqueue(store.path(), "c/s/000001-a.json"));
        REQUIRE_FALSE(delivery::enqueue(store.path(), "c/s/000002-b.json"));
        const std::string bad = store.path() + "/.pending/00000000000000000001-x.json.pending";
        std::ofstream(bad) << "garbage\n";
        std::ofstream(store.path() + "/.pending/leftover.tmp.abcdef") << "ignored";
        const auto queue = delivery::read_queue(store.path());
        REQUIRE(queue.entries.size() == 2);
        CHECK(queue.entries[0].report == "c/s/000001-a.json");
        CHECK(queue.entries[1].report == "c/s/000002-b.json");
        CHECK(queue.entries[0].file.starts_with(store.path() + "/.pending/"));
        REQUIRE(queue.problems.size() == 1);
        CHECK(queue.problems[0] ==
              bad + ": not a pending upload (the first line is not kubeproof.pending/v1)");
        CHECK(fs::exists(bad));
        for (const auto& entry : fs::recursive_directory_iterator(store.path()))
            CHECK_FALSE(entry.path().extension() == ".json");
    }

    TEST_CASE("a store without a queue has nothing pending") {
        const test::TempRoot store;
        const auto queue = delivery::read_queue(store.path());
        CHECK(queue.entries.empty());
        CHECK(queue.problems.empty());
    }
}
