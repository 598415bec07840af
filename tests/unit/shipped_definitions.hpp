#pragma once

#include "app/definitions.hpp"
#include "loader/loader.hpp"
#include "model/check.hpp"

namespace kubeproof::test {

/// The shipped definitions, loaded from their YAML (not the compiled copy) once for the whole
/// test binary. Tests that check how they load use loader::load_definitions themselves.
inline const model::Definitions& shipped_definitions() {
    static const model::Definitions defs = [] {
        parse::Diagnostics diagnostics;
        return loader::load_definitions(app::embedded_sources(), diagnostics);
    }();
    return defs;
}

}  // namespace kubeproof::test
