#include <doctest/doctest.h>

#include <algorithm>

#include "embedded/embedded.hpp"

TEST_SUITE("embedded") {
    TEST_CASE("files are sorted by path and come from checks/ or frameworks/") {
        const auto files = kubeproof::embedded::files();
        CHECK(std::is_sorted(files.begin(), files.end(),
                             [](const auto& a, const auto& b) { return a.path < b.path; }));
        for (const auto& file : files) {
            INFO("path: ", file.path);
            CHECK((file.path.starts_with("checks/") || file.path.starts_with("frameworks/")));
            CHECK(file.path.ends_with(".yaml"));
        }
    }
}
