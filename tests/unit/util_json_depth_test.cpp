#include <doctest/doctest.h>

#include <optional>
#include <string>

#include "util/json_depth.hpp"

using kubeproof::util::json_nesting_past;
using kubeproof::util::json_too_deep;
using kubeproof::util::k_max_json_depth;

namespace {

std::string nested(std::size_t levels) {
    return std::string(levels, '[') + std::string(levels, ']');
}

}  // namespace

TEST_SUITE("util/json_depth") {
    TEST_CASE("the limit itself is read; one level more is refused at its bracket") {
        CHECK_FALSE(json_nesting_past(nested(k_max_json_depth)));
        CHECK(json_nesting_past(nested(k_max_json_depth + 1)) == k_max_json_depth);
        CHECK(json_nesting_past(nested(1'000'000)) == k_max_json_depth);
        CHECK(json_nesting_past(R"({"a": [{"b": 1}]})", 3) == std::nullopt);
        CHECK(json_nesting_past(R"({"a": [{"b": [1]}]})", 3) == 13);
    }

    TEST_CASE("objects and arrays count alike; siblings do not add up") {
        CHECK(json_nesting_past(R"([{}, {}, [], {"a": {}}])", 2) == 19);
        CHECK_FALSE(json_nesting_past(R"([{}, {}, [], {"a": 1}])", 2));
    }

    TEST_CASE("brackets inside strings are text, escaped quotes and backslashes included") {
        CHECK_FALSE(json_nesting_past(R"({"a": "[[[[{{{{"})", 1));
        CHECK_FALSE(json_nesting_past(R"({"a": "\"[[[[", "b": "\\"})", 1));
        CHECK(json_nesting_past(R"({"a": "\\", "b": [1]})", 1) == 17);
    }

    TEST_CASE("text that is not valid JSON is still measured, closers never go below zero") {
        CHECK_FALSE(json_nesting_past("]]]]]]", 1));
        CHECK(json_nesting_past("]]]][[", 1) == 5);
        CHECK(json_nesting_past(std::string(5000, '{'), 4999) == 4999);
        CHECK_FALSE(json_nesting_past("", 0));
        CHECK(json_too_deep() == "nested deeper than 1000 levels, the most kubeproof reads");
    }
}
