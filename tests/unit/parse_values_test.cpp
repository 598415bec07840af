#include <doctest/doctest.h>

#include "parse/values.hpp"

using namespace kubeproof::parse;

TEST_SUITE("parse/values") {
    TEST_CASE("booleans parse the way Go's ParseBool does") {
        for (const char* t : {"1", "t", "T", "true", "TRUE", "True"}) CHECK(parse_bool(t) == true);
        for (const char* f : {"0", "f", "F", "false", "FALSE", "False"})
            CHECK(parse_bool(f) == false);
        CHECK_FALSE(parse_bool("yes").has_value());
        CHECK_FALSE(parse_bool("").has_value());
    }

    TEST_CASE("durations are Go durations, compared as nanoseconds") {
        CHECK(parse_duration("0") == 0);
        CHECK(parse_duration("0s") == 0);
        CHECK(parse_duration("4h0m0s") == 4LL * 3600 * 1000000000);
        CHECK(parse_duration("4h") == parse_duration("240m"));
        CHECK(parse_duration("300ms") == 300000000);
        CHECK(parse_duration("1.5h") == 5400LL * 1000000000);
        CHECK(parse_duration("1m30s") == 90LL * 1000000000);
        CHECK(parse_duration("-5s") == -5LL * 1000000000);
        CHECK_FALSE(parse_duration("5").has_value());
        CHECK_FALSE(parse_duration("5x").has_value());
        CHECK_FALSE(parse_duration("").has_value());
        CHECK_FALSE(parse_duration("h").has_value());
    }

    TEST_CASE("integers must be whole") {
        CHECK(parse_int("10255") == 10255);
        CHECK(parse_int("-1") == -1);
        CHECK(parse_int("+3") == 3);
        CHECK_FALSE(parse_int("30s").has_value());
        CHECK_FALSE(parse_int("").has_value());
        CHECK_FALSE(parse_int("1.5").has_value());
    }

    TEST_CASE("lists are split on commas, trimmed, empty elements dropped") {
        CHECK(split_list("Node,RBAC") == std::vector<std::string>{"Node", "RBAC"});
        CHECK(split_list(" A, B,") == std::vector<std::string>{"A", "B"});
        CHECK(split_list("").empty());
        CHECK(join_list({"a", "b"}) == "a,b");
    }

    TEST_CASE("modes are three or four octal digits") {
        CHECK(parse_mode("600") == 0600u);
        CHECK(parse_mode("0644") == 0644u);
        CHECK(parse_mode("1777") == 01777u);
        CHECK_FALSE(parse_mode("800").has_value());
        CHECK_FALSE(parse_mode("60").has_value());
        CHECK(format_mode(0644) == "644");
        CHECK(format_mode(0600) == "600");
        CHECK(format_mode(01777) == "1777");
    }
}
