#pragma once

#include <cstdint>
#include <ctime>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/scan.hpp"
#include "model/check.hpp"
#include "model/waiver.hpp"
#include "util/expected.hpp"

namespace kubeproof::app {

/// What `kubeproof report` was asked for.
struct PeriodRequest {
    std::vector<std::string> inputs;     ///< store folders and report files
    std::vector<std::string> key_files;  ///< Ed25519 public keys (PEM); none: not checked
    std::string framework;               ///< --framework
    std::vector<std::string> clusters;   ///< --cluster, repeatable; none: every cluster
    std::optional<int64_t> every;        ///< seconds between two scans of a node
    std::optional<std::time_t> from;
    std::optional<std::time_t> to;
    std::optional<size_t> sample;  ///< --sample N
    std::optional<uint64_t> seed;  ///< --seed S
    std::string format = "text";   ///< a period writer (report/period_writers.hpp)
    std::time_t now = 0;           ///< the report's time (SOURCE_DATE_EPOCH, else the clock)
    bool use_index = true;         ///< take unchanged reports from a store's index (--no-index)
    /// --waivers: decides every result's waiver at its scan's time, in place of the waivers the
    /// scans carried (each report is then read whole, never from the index).
    std::optional<model::WaiverFile> waivers;
};

/// What decides the exit code.
struct PeriodResult {
    bool intact = false;            ///< verify found nothing wrong in the period
    size_t uncovered_failures = 0;  ///< FAIL or ERROR scans no active waiver covered
    size_t scans = 0;               ///< the population
};

/// The names of the period report formats, for --format.
std::vector<std::string> period_formats();

/// Reads every report under the inputs on several threads (each report's bytes hashed, its
/// signature checked, its header and the framework's rows read by SAX), keeps those of the
/// --cluster filter, decides the period report with history::period and renders it to `sink`
/// piece by piece. Unusable input — an unknown framework, a file that is not a report, a key that
/// is not an Ed25519 public key, no report, a --cluster with no report, no report in the period —
/// is exit 2, before anything reaches the sink.
util::Expected<PeriodResult, ScanError> period_report(
    const model::Definitions& definitions, const PeriodRequest& request,
    const std::function<void(std::string_view)>& sink);

}  // namespace kubeproof::app
