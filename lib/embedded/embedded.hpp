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

/// The same definitions loaded and validated at build time, as CBOR (model/serialize.hpp);
/// empty in the build-time compiler itself.
std::span<const unsigned char> compiled_definitions();

}  // namespace kubeproof::embedded
