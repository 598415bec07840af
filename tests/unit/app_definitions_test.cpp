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
        const auto compiled = model::to_binary(defs);
        const auto loaded = model::to_binary(from_yaml);
        CHECK(compiled.core == loaded.core);
        CHECK(compiled.sections == loaded.sections);
        CHECK(compiled.frameworks == loaded.frameworks);
    }
}

TEST_SUITE("model/serialize") {
    TEST_CASE("compiled bytes that are not a whole archive of this format are refused") {
        parse::Diagnostics diagnostics;
        const auto defs = loader::load_definitions(app::embedded_sources(), diagnostics);
        REQUIRE(diagnostics.empty());
        const auto compiled = model::to_binary(defs);
        const auto& bytes = compiled.sections.at("cis-1.12");
        std::string error;
        REQUIRE(model::sections_from_binary(bytes, error));

        auto refused = [&](std::vector<uint8_t> changed, std::string_view expected) {
            std::string why;
            const bool decoded = model::sections_from_binary(changed, why).has_value();
            CHECK_FALSE(decoded);
            CHECK(why.find(expected) != std::string::npos);
        };
        refused({bytes.begin(), bytes.begin() + static_cast<long>(bytes.size() / 2)}, "corrupt");
        refused({}, "corrupt");
        auto longer = bytes;
        longer.push_back(0);
        refused(longer, "bytes after the end");
        auto other_version = bytes;
        other_version[8 + 18] ^= 0x01;  // the format version, after the length-prefixed magic
        refused(other_version, "unknown format");
        auto longer_id = bytes;
        // the first section's id length (after magic and version, the vector's 8-byte count),
        // little-endian: 1 MiB, past the end of these bytes, is refused, not read
        const size_t at = 8 + 18 + 4 + 8;
        for (size_t i = 0; i < 8; ++i) longer_id[at + i] = 0;
        longer_id[at + 2] = 0x10;
        refused(longer_id, "corrupt");

        std::map<std::string, std::span<const uint8_t>> sections;
        for (const auto& [id, encoded] : compiled.sections) sections[id] = encoded;
        CHECK(model::definitions_from_binary(compiled.core, sections, compiled.frameworks, error));
        sections.erase("cis-1.12");
        CHECK_FALSE(
            model::definitions_from_binary(compiled.core, sections, compiled.frameworks, error));
        CHECK(error == "compiled definitions lack the sections of benchmark cis-1.12");
        // one kind of archive read as another
        CHECK_FALSE(model::definitions_from_binary(bytes, sections, compiled.frameworks, error));
        CHECK(error == "compiled definitions have an unknown format");
        CHECK_FALSE(model::sections_from_binary(compiled.frameworks, error));
        CHECK(error == "compiled sections have an unknown format");
    }
}
