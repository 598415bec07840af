#pragma once

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "app/scan.hpp"
#include "util/expected.hpp"

namespace kubeproof::app {

/// What `kubeproof verify` was asked to check.
struct VerifyRequest {
    std::vector<std::string> inputs;  ///< store folders and report files
    std::vector<std::string>
        key_files;                 ///< Ed25519 public keys (PEM); none: signatures not checked
    std::optional<int64_t> every;  ///< expected seconds between scans of a series
    std::optional<std::time_t> from;
    std::optional<std::time_t> to;
    std::string format = "text";  ///< text or json
};

/// The rendered outcome and whether the reports are intact.
struct VerifyResult {
    std::string output;
    bool intact = false;
};

/// A --from/--to value: a date ("2026-01-31", midnight UTC) or an RFC 3339 UTC time.
std::optional<std::time_t> parse_time(const std::string& text);

/// An --every value in seconds: a Go duration ("24h", "90m") or whole days ("1d", "7d").
std::optional<int64_t> parse_interval(const std::string& text);

/// Reads every report under the inputs (two threads: each report's bytes are hashed and its
/// signature checked), decides with history::verify, and renders the outcome. Unreadable input —
/// a file that is not a report, a key that is not an Ed25519 public key, nothing to verify — is
/// exit 2.
util::Expected<VerifyResult, ScanError> verify_reports(const VerifyRequest& request);

}  // namespace kubeproof::app
