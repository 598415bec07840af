#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "app/definitions.hpp"
#include "evidence/signing.hpp"
#include "loader/loader.hpp"
#include "model/serialize.hpp"

using namespace kubeproof;

TEST_SUITE("app/definitions") {
    TEST_CASE("the digest compiled in is the digest of the embedded files, as reports had it") {
        const auto sources = app::embedded_sources();
        REQUIRE_FALSE(sources.empty());
        // The streamed digest is the SHA-256 of PATH\nSIZE\nBYTES of each file in path order.
        auto sorted = sources;
        std::sort(sorted.begin(), sorted.end(),
                  [](const auto& a, const auto& b) { return a.path < b.path; });
        std::string all;
        for (const auto& file : sorted)
            all += file.path + "\n" + std::to_string(file.content.size()) + "\n" + file.content;
        const std::string expected = evidence::sha256_hex(all);
        CHECK(app::embedded_definitions_sha256() == expected);
        CHECK(app::load_definitions("").sha256 == expected);
        CHECK(app::load_definitions("", true).sha256 == expected);
    }

    TEST_CASE("lazily loaded definitions decode to exactly what the YAML loads") {
        auto lazy = app::load_definitions("", true);
        REQUIRE(lazy.diagnostics.empty());
        const model::Definitions& defs = lazy.definitions;
        REQUIRE(defs.encoded_sections.count("cis-1.12") == 1);
        CHECK(defs.benchmarks.at("cis-1.12").sections.empty());  // a header until used
        CHECK(defs.benchmarks.at("cis-1.12").title == "CIS Kubernetes Benchmark v1.12.0");
        const auto& frameworks = defs.frameworks;
        REQUIRE(frameworks.count("soc2") == 1);
        const auto& links = frameworks.at("soc2").mappings.begin()->second;
        REQUIRE_FALSE(links.empty());
        CHECK_FALSE(links.front().id.empty());
        CHECK(links.front().why.empty());  // the rationale stays encoded until explain needs it

        const model::Benchmark& cis = defs.benchmark("cis-1.12");
        CHECK(cis.sections.size() >= 5);
        CHECK(defs.encoded_sections.count("cis-1.12") == 0);
        CHECK(&defs.benchmark("cis-1.12") == &cis);  // decoded once

        defs.decode_all();
        CHECK(defs.encoded_sections.empty());
        CHECK_FALSE(defs.frameworks.at("soc2").mappings.begin()->second.front().why.empty());

        parse::Diagnostics diagnostics;
        const auto from_yaml = loader::load_definitions(app::embedded_sources(), diagnostics);
        REQUIRE(diagnostics.empty());
        const auto compiled = model::to_cbor(defs);
        const auto loaded = model::to_cbor(from_yaml);
        CHECK(compiled.core == loaded.core);
        CHECK(compiled.sections == loaded.sections);
        CHECK(compiled.frameworks == loaded.frameworks);
    }
}
