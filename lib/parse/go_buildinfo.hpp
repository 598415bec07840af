#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace kubeproof::parse {

/// Reads `length` bytes of a file at `offset`; fewer at its end; nullopt when it cannot.
using ByteReader = std::function<std::optional<std::string>(uint64_t offset, std::size_t length)>;

/// Where a section lies in an ELF file.
struct ElfSection {
    uint64_t offset = 0;
    uint64_t size = 0;
};

/// Finds a section by name in an ELF file (32 or 64 bit, either byte order), reading only the
/// file header, the section header table and the section name table through `read`, each read
/// bounded. No offset or count in the file is trusted: every one is checked against what was read.
/// nullopt with `error` saying why (too short, no ELF magic, no such section, ...).
std::optional<ElfSection> find_elf_section(const ByteReader& read, std::string_view name,
                                           std::string& error);

/// The Go build information of a binary (Go 1.18 and later): the toolchain and the module text
/// (`path`, `mod`, `dep` and `=>` lines, tab-separated).
struct GoBuildInfo {
    std::string go_version;  ///< "go1.22.5"
    std::string modules;     ///< the module info text, without its sentinels
};

/// Parses the contents of a `.go.buildinfo` section: the 16-byte magic "\xff Go buildinf:",
/// pointer size, flags (bit 1: strings inline), then two varint-length strings. Only the
/// inline form (Go 1.18+) is read; nullopt with `error` for older binaries and bad input.
std::optional<GoBuildInfo> parse_go_buildinfo(std::string_view section, std::string& error);

/// A module dependency as the build info lists it, after its replacement if there is one.
struct GoModule {
    std::string path;                 ///< "k8s.io/kubernetes"
    std::string version;              ///< "v1.31.2"
    std::string replaced_by;          ///< "github.com/k3s-io/kubernetes"; "" when not replaced
    std::string replacement_version;  ///< "v1.31.2-k3s1"
};

/// The dependency `path` in the module text; nullopt when it is not listed.
std::optional<GoModule> find_go_module(std::string_view modules, std::string_view path);

/// The main module's path (the `path` line: "github.com/k3s-io/k3s"); "" when absent.
std::string go_main_path(std::string_view modules);

}  // namespace kubeproof::parse
