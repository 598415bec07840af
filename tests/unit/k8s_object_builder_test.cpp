#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "k8s/object_builder.hpp"
#include "util/json_depth.hpp"

using kubeproof::k8s::build_object;
using kubeproof::k8s::ObjectBuilder;
using json = nlohmann::json;

namespace {

const std::vector<std::string> k_workload_ignored = {"status", "metadata.managedFields"};

const char* const k_page = R"({"kind": "PodList", "apiVersion": "v1",
  "metadata": {"resourceVersion": "7", "continue": "abc"},
  "items": [
    {"metadata": {"name": "a", "managedFields": [{"manager": "kubectl"}], "labels": {"status": "x"}},
     "spec": {"containers": [{"name": "c", "status": "kept"}]},
     "status": {"phase": "Running", "containerStatuses": [{"name": "c"}]}},
    "not an object",
    {"metadata": {"name": "b"}, "spec": {}, "status": {}}
  ]})";

}  // namespace

TEST_SUITE("k8s/object_builder") {
    TEST_CASE("a page's items are handed over one at a time, without the fields nobody reads") {
        std::vector<json> items;
        std::vector<std::size_t> indexes;
        ObjectBuilder builder(k_workload_ignored, [&](json&& item, std::size_t index) {
            items.push_back(std::move(item));
            indexes.push_back(index);
        });
        REQUIRE(build_object(k_page, builder));
        REQUIRE(items.size() == 2);
        CHECK(builder.items_delivered() == 2);
        CHECK(indexes == std::vector<std::size_t>{0, 2});
        CHECK(items[0] == json::parse(R"({"metadata": {"name": "a", "labels": {"status": "x"}},
                                          "spec": {"containers": [{"name": "c", "status": "kept"}]}})"));
        CHECK(items[1] == json::parse(R"({"metadata": {"name": "b"}, "spec": {}})"));
        // The page keeps its own fields, and what was not an object, for the caller to refuse.
        const json& page = builder.result();
        CHECK(page["metadata"]["continue"] == "abc");
        CHECK(page["items"] == json::array({"not an object"}));
        CHECK(builder.error().empty());
    }

    TEST_CASE("without an item callback, the fields are left out of the value itself") {
        ObjectBuilder builder(k_workload_ignored);
        REQUIRE(build_object(R"({"kind": "Pod", "status": {"phase": "Running"},
                                 "metadata": {"name": "p", "managedFields": [], "status": 1},
                                 "items": [{"status": 2}]})",
                             builder));
        CHECK(builder.result() ==
              json::parse(R"({"kind": "Pod", "metadata": {"name": "p", "status": 1},
                                                  "items": [{"status": 2}]})"));
        ObjectBuilder keep_all({});
        REQUIRE(build_object(k_page, keep_all));
        CHECK(keep_all.result() == json::parse(k_page));
    }

    TEST_CASE("every JSON type is built as nlohmann/json builds it") {
        const char* const text =
            R"({"a": null, "b": true, "c": -3, "d": 18446744073709551615, "e": 1.5,
                                     "f": "s", "g": [[], {}, [1, [2]]], "h": {"i": {"j": []}}})";
        ObjectBuilder builder({});
        REQUIRE(build_object(text, builder));
        CHECK(builder.result() == json::parse(text));
        CHECK(builder.result()["d"].is_number_unsigned());
    }

    TEST_CASE("a syntax error is reported, not thrown") {
        ObjectBuilder builder({});
        CHECK_FALSE(build_object(R"({"a": [1, 2})", builder));
        CHECK(builder.error().find("parse error") != std::string::npos);
    }

    TEST_CASE("a value nested deeper than the limit stops the parse, in an item or skipped") {
        const std::size_t limit = kubeproof::util::k_max_json_depth;
        auto page = [](std::string field, std::size_t levels) {
            return R"({"kind": "PodList", "items": [{"metadata": {"name": "a"}, ")" + field +
                   R"(": )" + std::string(levels, '[') + std::string(levels, ']') + "}]}";
        };
        std::size_t delivered = 0;
        ObjectBuilder deep(k_workload_ignored, [&](json&&, std::size_t) { ++delivered; });
        CHECK_FALSE(build_object(page("spec", 1'000'000), deep));
        CHECK(deep.error() == kubeproof::util::json_too_deep());
        CHECK(delivered == 0);
        ObjectBuilder skipped(k_workload_ignored, [&](json&&, std::size_t) { ++delivered; });
        CHECK_FALSE(build_object(page("status", 1'000'000), skipped));
        CHECK(skipped.error() == kubeproof::util::json_too_deep());
        // The page, "items" and the item are 3 levels: the field may take the rest.
        ObjectBuilder fits(k_workload_ignored, [&](json&&, std::size_t) { ++delivered; });
        CHECK(build_object(page("spec", limit - 3), fits));
        CHECK(delivered == 1);
        ObjectBuilder over(k_workload_ignored, [&](json&&, std::size_t) { ++delivered; });
        CHECK_FALSE(build_object(page("spec", limit - 2), over));
        ObjectBuilder past({});
        CHECK_FALSE(build_object(std::string(limit + 1, '[') + std::string(limit + 1, ']'), past));
        ObjectBuilder at({});
        CHECK(build_object(std::string(limit, '[') + std::string(limit, ']'), at));
    }
}
