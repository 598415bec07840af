#pragma once

#include <string>

#include "model/result.hpp"

namespace kubeproof::report {

/// Renders the report as DESIGN.md's "kubeproof.report/v1" JSON, pretty-printed, ending in a
/// newline.
std::string to_json(const model::Report& report);

}  // namespace kubeproof::report
