#include <doctest/doctest.h>

#include <cstdint>
#include <string>

#include "parse/go_buildinfo.hpp"

using namespace kubeproof::parse;

namespace {

void put(std::string& bytes, std::size_t at, uint64_t value, std::size_t width, bool little) {
    if (bytes.size() < at + width) bytes.resize(at + width, '\0');
    for (std::size_t i = 0; i < width; ++i) {
        const std::size_t byte = little ? i : width - 1 - i;
        bytes[at + byte] = static_cast<char>((value >> (8 * i)) & 0xffU);
    }
}

// A minimal ELF file: header, a payload section, the name table, and the section header table
// (null, payload, names), in the given class and byte order.
std::string make_elf(const std::string& payload, const std::string& name, bool is64, bool little) {
    const std::size_t header = is64 ? 64 : 52;
    const std::size_t entry = is64 ? 64 : 40;
    const std::string names = std::string("\0", 1) + name + std::string("\0.shstrtab\0", 11);
    const std::size_t payload_at = header;
    const std::size_t names_at = payload_at + payload.size();
    const std::size_t table_at = names_at + names.size();
    std::string elf(table_at + 3 * entry, '\0');
    elf.replace(0, 4,
                "\x7f"
                "ELF");
    elf[4] = static_cast<char>(is64 ? 2 : 1);
    elf[5] = static_cast<char>(little ? 1 : 2);
    elf[6] = 1;
    elf.replace(payload_at, payload.size(), payload);
    elf.replace(names_at, names.size(), names);
    put(elf, is64 ? 0x28 : 0x20, table_at, is64 ? 8 : 4, little);
    put(elf, is64 ? 0x3a : 0x2e, entry, 2, little);
    put(elf, is64 ? 0x3c : 0x30, 3, 2, little);
    put(elf, is64 ? 0x3e : 0x32, 2, 2, little);
    auto section = [&](int index, uint64_t name_at, uint64_t offset, uint64_t size) {
        const std::size_t at = table_at + static_cast<std::size_t>(index) * entry;
        put(elf, at, name_at, 4, little);
        put(elf, at + (is64 ? 24 : 16), offset, is64 ? 8 : 4, little);
        put(elf, at + (is64 ? 32 : 20), size, is64 ? 8 : 4, little);
    };
    section(1, 1, payload_at, payload.size());
    section(2, 1 + name.size() + 1, names_at, names.size());
    return elf;
}

ByteReader reader_of(const std::string& bytes) {
    return [&bytes](uint64_t offset, std::size_t length) -> std::optional<std::string> {
        if (offset >= bytes.size()) return std::string();
        return bytes.substr(static_cast<std::size_t>(offset), length);
    };
}

std::string varint_string(const std::string& text) {
    std::string out;
    uint64_t n = text.size();
    while (n >= 0x80) {
        out += static_cast<char>((n & 0x7fU) | 0x80U);
        n >>= 7U;
    }
    out += static_cast<char>(n);
    return out + text;
}

// The 16-byte markers the Go linker puts around the module text.
const std::string k_sentinel_start(
    "0w\xaf\x0c\x92t\x08\x02"
    "A\xe1\xc1\x07\xe6\xd6\x18\xe6",
    16);
const std::string k_sentinel_end(
    "\xf9"
    "2C1\x86\x18 r\x00\x82"
    "B\x10"
    "A\x16\xd8\xf2",
    16);

std::string buildinfo(const std::string& go, const std::string& modules) {
    std::string header("\xff Go buildinf:", 14);
    header += '\x08';  // pointer size
    header += '\x02';  // flags: inline strings
    header.resize(32, '\0');
    return header + varint_string(go) + varint_string(k_sentinel_start + modules + k_sentinel_end);
}

const std::string k_k3s_modules =
    "path\tgithub.com/k3s-io/k3s\n"
    "mod\tgithub.com/k3s-io/k3s\t(devel)\t\n"
    "dep\tk8s.io/api\tv0.31.2\t\n"
    "=>\tgithub.com/k3s-io/kubernetes/staging/src/k8s.io/api\tv1.31.2-k3s1\t\n"
    "dep\tk8s.io/kubernetes\tv1.31.2\t\n"
    "=>\tgithub.com/k3s-io/kubernetes\tv1.31.2-k3s1\th1:abc=\n"
    "build\t-compiler=gc\n";

}  // namespace

TEST_SUITE("parse/go_buildinfo") {
    TEST_CASE("a section is found in 64-bit little-endian and 32-bit big-endian ELF files") {
        for (bool is64 : {true, false}) {
            for (bool little : {true, false}) {
                CAPTURE(is64);
                CAPTURE(little);
                const std::string elf = make_elf("PAYLOAD!", ".go.buildinfo", is64, little);
                std::string error;
                auto found = find_elf_section(reader_of(elf), ".go.buildinfo", error);
                REQUIRE_MESSAGE(found.has_value(), error);
                CHECK(elf.substr(static_cast<std::size_t>(found->offset),
                                 static_cast<std::size_t>(found->size)) == "PAYLOAD!");
                CHECK_FALSE(find_elf_section(reader_of(elf), ".text", error).has_value());
                CHECK(error == "the ELF file has no .text section");
            }
        }
    }

    TEST_CASE("bad and truncated ELF input is refused with a reason, never read out of bounds") {
        const std::string elf = make_elf("PAYLOAD!", ".go.buildinfo", true, true);
        std::string error;
        CHECK_FALSE(find_elf_section(reader_of(std::string()), "x", error).has_value());
        CHECK(error == "not an ELF file");
        CHECK_FALSE(find_elf_section(reader_of("#!/bin/sh\necho hi\n"), "x", error).has_value());
        CHECK(error == "not an ELF file");
        // Every prefix of the file: an error, or (once the tables are whole) the section.
        for (std::size_t cut = 0; cut < elf.size(); ++cut) {
            const std::string part = elf.substr(0, cut);
            auto found = find_elf_section(reader_of(part), ".go.buildinfo", error);
            CHECK_FALSE(found.has_value());
        }
        std::string huge_count = elf;
        put(huge_count, 0x3c, 0xffff, 2, true);
        CHECK_FALSE(find_elf_section(reader_of(huge_count), ".go.buildinfo", error).has_value());
        CHECK(error == "the ELF section header table is malformed");
        std::string far_table = elf;
        put(far_table, 0x28, 0xffffffffffff0000ULL, 8, true);
        CHECK_FALSE(find_elf_section(reader_of(far_table), ".go.buildinfo", error).has_value());
        CHECK(error == "the file ends inside the ELF section header table");
        std::string small_entries = elf;
        put(small_entries, 0x3a, 8, 2, true);
        CHECK_FALSE(find_elf_section(reader_of(small_entries), ".go.buildinfo", error).has_value());
        CHECK(error == "the ELF section header table is malformed");
        const ByteReader failing = [](uint64_t, std::size_t) -> std::optional<std::string> {
            return std::nullopt;
        };
        CHECK_FALSE(find_elf_section(failing, "x", error).has_value());
        CHECK(error == "cannot read the ELF header");
    }

    TEST_CASE("the build info gives the Go version and the module text") {
        std::string error;
        auto info = parse_go_buildinfo(buildinfo("go1.22.8", k_k3s_modules), error);
        REQUIRE_MESSAGE(info.has_value(), error);
        CHECK(info->go_version == "go1.22.8");
        CHECK(info->modules == k_k3s_modules);
        CHECK(go_main_path(info->modules) == "github.com/k3s-io/k3s");
        auto kubernetes = find_go_module(info->modules, "k8s.io/kubernetes");
        REQUIRE(kubernetes.has_value());
        CHECK(kubernetes->version == "v1.31.2");
        CHECK(kubernetes->replaced_by == "github.com/k3s-io/kubernetes");
        CHECK(kubernetes->replacement_version == "v1.31.2-k3s1");
        CHECK_FALSE(find_go_module(info->modules, "k8s.io/client-go").has_value());
        auto api = find_go_module(info->modules, "k8s.io/api");
        REQUIRE(api.has_value());
        CHECK(api->replacement_version == "v1.31.2-k3s1");
    }

    TEST_CASE("bad and truncated build info is refused with a reason") {
        const std::string good = buildinfo("go1.22.8", k_k3s_modules);
        std::string error;
        CHECK_FALSE(parse_go_buildinfo("", error).has_value());
        CHECK(error == "no Go build information (magic missing)");
        std::string old = good;
        old[15] = 0;
        CHECK_FALSE(parse_go_buildinfo(old, error).has_value());
        CHECK(error == "Go build information of a Go release before 1.18 (not read)");
        for (std::size_t cut = 32; cut < good.size(); ++cut) {
            CAPTURE(cut);
            CHECK_FALSE(parse_go_buildinfo(good.substr(0, cut), error).has_value());
            CHECK(error == "the Go build information is truncated");
        }
        std::string endless = good.substr(0, 32) + std::string(12, '\xff');
        CHECK_FALSE(parse_go_buildinfo(endless, error).has_value());
        CHECK(error == "the Go build information is truncated");
    }
}
