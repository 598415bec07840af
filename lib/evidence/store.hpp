#pragma once

#include <functional>
#include <string>

#include "evidence/signing.hpp"
#include "model/result.hpp"
#include "util/expected.hpp"

namespace kubeproof::evidence {

/// What was stored.
struct Stored {
    std::string path;            ///< the report's path
    std::string signature_path;  ///< its envelope's path; "" when unsigned
    std::string bytes;           ///< the report's exact bytes
};

/// Stores a report in the store `dir` (a plain folder: a volume, or one synced to object
/// storage), at the place history::report_path gives it: under the series' lock, it links the
/// report to the series' last one (seq + 1 and the SHA-256 of that report's exact bytes, or seq 1
/// at the start), renders it with `render` (the JSON writer), writes the DSSE envelope signed with
/// `key` beside it when given, then the report, and never replaces a file. Two scans of one series
/// at once get consecutive seqs.
util::Expected<Stored, std::string> store_report(
    const std::string& dir, model::Report& report,
    const std::function<std::string(const model::Report&)>& render, const Ed25519Key* key);

}  // namespace kubeproof::evidence
