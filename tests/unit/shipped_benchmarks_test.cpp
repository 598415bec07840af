#include <doctest/doctest.h>

#include <map>
#include <string>

#include "app/definitions.hpp"
#include "loader/loader.hpp"
#include "model/check.hpp"
#include "model/targets.hpp"

// Every shipped benchmark, not only the check library, loads cleanly and is fully mapped:
// mappings are keyed by check key, so a benchmark that reuses the library by key is mapped with
// no new work, and a check with a new key fails here until it is mapped.
TEST_SUITE("loader/shipped-benchmarks") {
    namespace {
    kubeproof::model::Definitions shipped() {
        kubeproof::parse::Diagnostics diagnostics;
        auto defs =
            kubeproof::loader::load_definitions(kubeproof::app::embedded_sources(), diagnostics);
        CHECK(diagnostics.format() == "");
        return defs;
    }

    size_t check_count(const kubeproof::model::Benchmark& benchmark) {
        size_t count = 0;
        kubeproof::model::for_each_check(benchmark,
                                         [&](const auto&, const auto&, const auto&) { ++count; });
        return count;
    }
    }  // namespace

    TEST_CASE("every check of every shipped benchmark is mapped to SOC 2 and PCI DSS") {
        const auto defs = shipped();
        for (const char* framework : {"soc2", "pci-dss"}) {
            REQUIRE(defs.frameworks.count(framework) == 1);
            const auto& mappings = defs.frameworks.at(framework).mappings;
            for (const auto& entry : defs.benchmarks) {
                const std::string& id = entry.first;
                kubeproof::model::for_each_check(
                    entry.second,
                    [&](const auto&, const auto&, const kubeproof::model::Check& check) {
                        auto found = mappings.find(check.key);
                        CHECK_MESSAGE((found != mappings.end() && !found->second.empty()),
                                      id << " " << check.id << " (" << check.key
                                         << ") is not mapped to " << framework);
                    });
            }
        }
    }

    TEST_CASE("the managed-platform benchmarks load with their platform and all their checks") {
        const auto defs = shipped();
        const std::map<std::string, std::pair<std::string, size_t>> expected = {
            {"eks-1.8.0", {"eks", 50}}, {"gke-1.9.0", {"gke", 57}}, {"aks-1.8", {"aks", 51}}};
        for (const auto& entry : expected) {
            const std::string& id = entry.first;
            const auto& want = entry.second;
            CAPTURE(id);
            REQUIRE(defs.benchmarks.count(id) == 1);
            const auto& benchmark = defs.benchmarks.at(id);
            CHECK(benchmark.platform == want.first);
            CHECK(benchmark.base == "cis-1.12");
            CHECK(!benchmark.kubernetes.empty());
            CHECK(check_count(benchmark) == want.second);
        }
    }
}
