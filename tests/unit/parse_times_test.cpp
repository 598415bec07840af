#include <doctest/doctest.h>

#include "parse/times.hpp"

using namespace kubeproof::parse;

TEST_SUITE("parse/times") {
    TEST_CASE("a date is midnight UTC at its start") {
        auto date = parse_date_or_time("2026-03-31");
        REQUIRE(date);
        CHECK(date->date_only);
        CHECK(date->at == 1774915200);  // date -u -d 2026-03-31 +%s
        CHECK(parse_date_or_time("1970-01-01")->at == 0);
        CHECK(parse_date_or_time("2024-02-29")->at == 1709164800);
    }

    TEST_CASE("RFC 3339 times with Z, an offset or a fraction") {
        auto utc = parse_date_or_time("2026-03-31T18:00:00Z");
        REQUIRE(utc);
        CHECK_FALSE(utc->date_only);
        CHECK(utc->at == 1774915200 + 18 * 3600);
        CHECK(parse_date_or_time("2026-03-31T20:00:00+02:00")->at == utc->at);
        CHECK(parse_date_or_time("2026-03-31T12:30:00-05:30")->at == utc->at);
        CHECK(parse_date_or_time("2026-03-31t18:00:00.999z")->at == utc->at);
    }

    TEST_CASE("anything else is refused") {
        for (const char* bad :
             {"", "2026-3-31", "2026-02-30", "2025-02-29", "2026-13-01", "2026-00-10", "31.03.2026",
              "2026-03-31 ", "2026-03-31T18:00:00", "2026-03-31T18:00Z", "2026-03-31T24:00:00Z",
              "2026-03-31T18:00:00+2:00", "2026-03-31T18:00:00+24:00", "2026-03-31T18:00:00.Z",
              "2026-03-31 18:00:00Z", "tomorrow", "20260331"}) {
            CAPTURE(bad);
            CHECK_FALSE(parse_date_or_time(bad).has_value());
        }
    }

    TEST_CASE("utc_midnight knows the calendar") {
        CHECK(utc_midnight(2000, 2, 29) == 951782400);
        CHECK_FALSE(utc_midnight(1900, 2, 29).has_value());
        CHECK_FALSE(utc_midnight(2026, 4, 31).has_value());
        CHECK(utc_midnight(1969, 12, 31) == -86400);
    }
}
