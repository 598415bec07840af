#pragma once

#include <span>
#include <string_view>

namespace kubeproof::embedded {

/// One definition file compiled into the binary.
struct File {
    std::string_view path;     ///< relative to the repo root, e.g. "checks/cis-1.12/master.yaml"
    std::string_view content;  ///< the file's exact bytes
};

/// Every embedded check and framework file, sorted by path.
std::span<const File> files();

/// The same definitions loaded and validated at build time, as cereal binary archives
/// (model/serialize.hpp): the core; empty in the build-time compiler itself.
std::span<const unsigned char> compiled_definitions();

/// One benchmark's sections, compiled apart from the core so that a run decodes only its own.
struct CompiledSections {
    std::string_view benchmark;
    std::span<const unsigned char> bytes;
};

/// Every benchmark's compiled sections, by benchmark id.
std::span<const CompiledSections> compiled_sections();

/// The frameworks with the rationale of every link (the core's links have only their criteria).
std::span<const unsigned char> compiled_frameworks();

/// The digest of the embedded files (evidence::definitions_sha256), computed at build time.
std::string_view definitions_sha256();

}  // namespace kubeproof::embedded
