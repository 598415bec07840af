#pragma once

#include <string>
#include <string_view>

#include "model/result.hpp"

namespace kubeproof::report {

/// Choices for the SARIF log.
struct SarifOptions {
    /// Artifact for FAIL results without a file location (e.g. the scanned manifests directory).
    /// When empty those results have no location, which SARIF allows but GitHub code scanning
    /// rejects.
    std::string unlocated_uri;
};

/// Renders the report as a SARIF 2.1.0 log for GitHub code scanning: one rule per check in the
/// report; one result per FAIL or WARN evidence item that has a file location ("error" and
/// "warning"), and one per FAIL result without any (so that cluster-level findings are not lost).
/// Pretty-printed, ending in a newline, byte-stable for the same report.
std::string to_sarif(const model::Report& report, const SarifOptions& options = {});

/// A SARIF artifact URI for a manifest path as given: "./" dropped, backslashes made slashes,
/// characters a URI cannot hold percent-encoded; an absolute path becomes a file:// URI.
std::string sarif_uri(std::string_view path);

/// 64-bit FNV-1a of the text, as 16 lower-case hex digits: the results' partial fingerprint.
std::string fnv1a_hex(std::string_view text);

}  // namespace kubeproof::report
