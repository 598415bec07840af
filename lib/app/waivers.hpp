#pragma once

#include <ctime>
#include <string>
#include <string_view>
#include <vector>

#include "app/scan.hpp"
#include "model/check.hpp"
#include "model/waiver.hpp"
#include "parse/diagnostics.hpp"
#include "util/expected.hpp"

namespace kubeproof::app {

/// A waivers file read and checked against a benchmark, with what was wrong with it.
struct LoadedWaivers {
    model::WaiverFile file;
    parse::Diagnostics errors;    ///< each with file:line:col; any of them makes the file unusable
    parse::Diagnostics warnings;  ///< entries without a reason
    std::string unreadable;       ///< why the file could not be read ("" when it was)
};

/// Reads the waivers file at `path` (its SHA-256 too) and checks it against `benchmark`.
LoadedWaivers load_waivers(const std::string& path, const model::Benchmark& benchmark);

/// The waivers of `path` for a scan (or a period report): every warning appended to `warnings`;
/// an unreadable or invalid file is exit 2, naming every problem with file:line:col, the message
/// ending with `refused` (what did not happen because of it).
util::Expected<model::WaiverFile, ScanError> waivers_for_scan(
    const std::string& path, const model::Benchmark& benchmark, std::vector<std::string>& warnings,
    std::string_view refused = "nothing was scanned");

/// What `validate --waivers` prints for a valid file: how many waivers, how many are in force at
/// `now`, and each one that has expired.
std::string describe_waivers(const model::WaiverFile& file, const std::string& benchmark,
                             std::time_t now);

}  // namespace kubeproof::app
