#pragma once

#include <string>

#include "loader/loader.hpp"
#include "model/check.hpp"
#include "parse/diagnostics.hpp"

namespace kubeproof::app {

/// Definitions and the problems found while loading them.
struct LoadedDefinitions {
    model::Definitions definitions;
    parse::Diagnostics diagnostics;
    /// SHA-256 of the definition files that were loaded (each path, size and content, by path):
    /// which rules judged a scan.
    std::string sha256;
};

/// Loads the embedded definitions, or those of `checks_dir` (a folder laid out like checks/)
/// when it is not empty. The embedded benchmarks' sections are decoded only when `lazy` is false;
/// otherwise on first use (model::Definitions::benchmark), so that a scan decodes its own only.
LoadedDefinitions load_definitions(const std::string& checks_dir, bool lazy = false);

/// The digest the embedded definitions were compiled with (tool.definitions_sha256), without
/// decoding them.
std::string embedded_definitions_sha256();

/// The definition files compiled into the binary, as the loader reads them.
std::vector<loader::SourceFile> embedded_sources();

}  // namespace kubeproof::app
