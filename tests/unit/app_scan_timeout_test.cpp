#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "app/scan_timeout.hpp"

using kubeproof::app::ScanOptions;
using kubeproof::app::set_scan_timeout;
using namespace std::chrono_literals;

TEST_SUITE("app/scan_timeout") {
    TEST_CASE("--timeout: a duration from 1s to 24h, kept as written for messages") {
        ScanOptions options;
        CHECK(options.timeout == 10min);
        CHECK(options.timeout_text == "10m");
        CHECK_FALSE(set_scan_timeout(options, "90s"));
        CHECK(options.timeout == 90s);
        CHECK(options.timeout_text == "90s");
        CHECK_FALSE(set_scan_timeout(options, "1m30s"));
        CHECK(options.timeout == 90s);
        CHECK_FALSE(set_scan_timeout(options, "24h"));
        CHECK(options.timeout == 24h);
    }

    TEST_CASE("--timeout: what is refused, and the messages") {
        ScanOptions options;
        CHECK(set_scan_timeout(options, "soon").value_or("") ==
              "--timeout: not a duration: \"soon\" (e.g. 90s, 10m)");
        CHECK(set_scan_timeout(options, "90").value_or("") ==
              "--timeout: not a duration: \"90\" (e.g. 90s, 10m)");
        CHECK(set_scan_timeout(options, "500ms").value_or("") ==
              "--timeout must be between 1s and 24h, not 500ms");
        CHECK(set_scan_timeout(options, "0").value_or("") ==
              "--timeout must be between 1s and 24h, not 0");
        CHECK(set_scan_timeout(options, "25h").value_or("") ==
              "--timeout must be between 1s and 24h, not 25h");
        CHECK(options.timeout == 10min);  // unchanged by a refused value
    }
}
