#pragma once

#include <string>
#include <vector>

#include "model/check.hpp"
#include "parse/diagnostics.hpp"

namespace kubeproof::loader {

/// A definition file's text and the name diagnostics use for it.
struct SourceFile {
    std::string path;     ///< relative to the definitions root: "checks/cis-1.12/master.yaml"
    std::string display;  ///< what diagnostics print (the path as the user gave it)
    std::string content;
};

/// Loads the catalogue and every benchmark from the files; problems go to `diagnostics`.
model::Definitions load_definitions(const std::vector<SourceFile>& files,
                                    parse::Diagnostics& diagnostics);

}  // namespace kubeproof::loader
