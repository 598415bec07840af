#pragma once

#include <string>

#include "loader/diagnostics.hpp"
#include "model/check.hpp"

namespace kubeproof::app {

/// Definitions and the problems found while loading them.
struct LoadedDefinitions {
    model::Definitions definitions;
    loader::Diagnostics diagnostics;
};

/// Loads the embedded definitions, or those of `checks_dir` (a folder laid out like checks/)
/// when it is not empty.
LoadedDefinitions load_definitions(const std::string& checks_dir);

}  // namespace kubeproof::app
