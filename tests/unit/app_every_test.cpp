#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdint>
#include <string>

#include "app/every.hpp"
#include "local/store_files.hpp"

using kubeproof::app::EverySchedule;
using kubeproof::app::first_delay;
using kubeproof::app::next_scan;
using kubeproof::app::parse_schedule;

namespace {

constexpr int64_t k_s = 1'000'000'000;
constexpr int64_t k_h = 3600 * k_s;

}  // namespace

TEST_SUITE("app/every") {
    TEST_CASE("the next scan starts one interval after the last start") {
        const auto next = next_scan(10 * k_s, 100 * k_s, 103 * k_s);
        CHECK(next.start_ns == 110 * k_s);
        CHECK(next.late_ns == 0);
    }

    TEST_CASE("a scan that ends exactly on time is not late") {
        const auto next = next_scan(10 * k_s, 100 * k_s, 110 * k_s);
        CHECK(next.start_ns == 110 * k_s);
        CHECK(next.late_ns == 0);
    }

    TEST_CASE("an overrun starts the next scan right away, without catching up") {
        // Three intervals long: one scan now, not three in a burst.
        const auto next = next_scan(10 * k_s, 100 * k_s, 135 * k_s);
        CHECK(next.start_ns == 135 * k_s);
        CHECK(next.late_ns == 25 * k_s);
        // And the one after is an interval after that start.
        CHECK(next_scan(10 * k_s, next.start_ns, 136 * k_s).start_ns == 145 * k_s);
    }

    TEST_CASE("the first delay is below min(interval, jitter)") {
        const EverySchedule schedule{24 * k_h, 2 * k_h};
        CHECK(first_delay(schedule, 0.0) == 0);
        CHECK(first_delay(schedule, 0.5) == k_h);
        CHECK(first_delay(schedule, 0.999999999999) < 2 * k_h);
        CHECK(first_delay(schedule, 1.0) == 2 * k_h - 1);
        CHECK(first_delay({10 * k_s, 100 * k_s}, 0.5) == 5 * k_s);  // capped by the interval
        CHECK(first_delay({10 * k_s, 0}, 0.7) == 0);                // --jitter 0
    }

    TEST_CASE("--every and --jitter are Go durations, the jitter a tenth by default") {
        auto schedule = parse_schedule("24h", "");
        REQUIRE(schedule);
        CHECK(schedule->interval_ns == 24 * k_h);
        CHECK(schedule->jitter_ns == 24 * k_h / 10);
        schedule = parse_schedule("2s", "0");
        REQUIRE(schedule);
        CHECK(schedule->interval_ns == 2 * k_s);
        CHECK(schedule->jitter_ns == 0);
        CHECK(parse_schedule("1h30m", "90s")->jitter_ns == 90 * k_s);
    }

    TEST_CASE("bad schedules are usage errors with their reason") {
        CHECK(parse_schedule("daily", "").error() ==
              "--every: not a duration: \"daily\" (e.g. 24h, 90m)");
        CHECK(parse_schedule("500ms", "").error() ==
              "--every must be between 1s and 8784h, not 500ms");
        CHECK(parse_schedule("9000h", "").error() ==
              "--every must be between 1s and 8784h, not 9000h");
        CHECK(parse_schedule("24h", "-1m").error() ==
              "--jitter must be between 0s and 8784h, not -1m");
    }
}

TEST_SUITE("local/store_files") {
    TEST_CASE("try_acquire refuses a lock another open file holds") {
        const std::string path =
            "/tmp/kubeproof-unit-every-" + std::to_string(::getpid()) + ".lock";
        auto first = kubeproof::local::FileLock::try_acquire(path);
        REQUIRE(first);
        CHECK(first->has_value());
        auto second = kubeproof::local::FileLock::try_acquire(path);  // another open file
        REQUIRE(second);
        CHECK_FALSE(second->has_value());
        first->reset();
        auto third = kubeproof::local::FileLock::try_acquire(path);
        REQUIRE(third);
        CHECK(third->has_value());
        ::unlink(path.c_str());
    }
}
