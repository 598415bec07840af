#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "app/scan.hpp"
#include "model/result.hpp"
#include "util/expected.hpp"

namespace kubeproof::app {

/// Where a stored report went.
struct KeptReport {
    std::string path;            ///< the report in the store
    std::string signature_path;  ///< its DSSE envelope; "" when unsigned
};

/// Stores the report in `options.store` (when given): the series link (seq, previous) is set on
/// `report` before it is rendered, and the JSON bytes stored are the bytes signed with
/// `options.sign_key` (when given). A failure is exit 3: the scan ran, the record could not be
/// written.
util::Expected<std::optional<KeptReport>, ScanError> keep_report(model::Report& report,
                                                                 const ScanOptions& options);

/// Why the Ed25519 private key in `key_file` cannot sign (exit 2), or nullopt when it can: what
/// `run` checks before it scans, so that a bad key costs no scan and leaves no report behind.
std::optional<ScanError> check_sign_key(const std::string& key_file);

/// The DSSE envelope of `payload` of `payload_type` signed with the private key in `key_file`.
util::Expected<std::string, ScanError> sign_payload(std::string_view payload,
                                                    std::string_view payload_type,
                                                    const std::string& key_file);

/// The DSSE envelope of `bytes` signed with the Ed25519 private key in `key_file` (exit 2 when the
/// key cannot be used; the key's bytes never appear in a message).
util::Expected<std::string, ScanError> sign_bytes(std::string_view bytes,
                                                  const std::string& key_file);

}  // namespace kubeproof::app
