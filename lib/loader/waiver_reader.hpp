#pragma once

#include <string>
#include <string_view>

#include "model/check.hpp"
#include "model/waiver.hpp"
#include "parse/diagnostics.hpp"

namespace kubeproof::loader {

/// Reads a waivers file (a top-level `waivers:` list) whose checks are those of `benchmark`.
/// Every problem goes to `errors` as file:line:col: an unknown key, a missing check, owner or
/// expiry, a check the benchmark does not have, a scope that does not fit the check, a date that
/// does not parse, an expiry not after the creation, two entries with the same check and scope.
/// An entry without a reason goes to `warnings`. `sha256` is left to the caller.
model::WaiverFile read_waivers(const std::string& file, std::string_view text,
                               const model::Benchmark& benchmark, parse::Diagnostics& errors,
                               parse::Diagnostics& warnings);

}  // namespace kubeproof::loader
