#pragma once

// Reading stored reports from the operator's disk, shared by `verify` and `report`: the public
// keys, the report files under the paths given, each report's signature, and reading them on
// several threads. Internal to lib/app.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/scan.hpp"
#include "evidence/signing.hpp"
#include "history/verify.hpp"
#include "util/expected.hpp"

namespace kubeproof::app {

/// The Ed25519 public keys given with --key, by key id.
using PublicKeys = std::map<std::string, evidence::Ed25519Key>;

/// A report file to read, and where it was found.
struct FoundReport {
    std::string path;
    std::string relative;  ///< relative to the folder it was found under; "" for a file named alone
};

/// Loads the --key files; a file that is not an Ed25519 public key is exit 2.
util::Expected<PublicKeys, ScanError> load_keys(const std::vector<std::string>& files);

/// Every *.json under the store folders and files given, by path; none at all is exit 2.
util::Expected<std::vector<FoundReport>, ScanError> find_reports(
    const std::vector<std::string>& inputs);

/// The state of a report's signature, from its envelope beside it (`path`.sig); NotChecked
/// without keys. `detail` gets the key id or why the envelope could not be read.
history::SignatureState check_signature(const std::string& path, const std::string& bytes,
                                        const PublicKeys& keys, std::string& detail);

/// Whether one of `keys` signed `payload` in `envelope`: Valid; Invalid when one of them signed
/// but the signature does not hold; UnknownKey when none of them signed it. What both a report's
/// and the store index's envelopes are checked with.
history::SignatureState envelope_state(const evidence::Envelope& envelope, std::string_view payload,
                                       const PublicKeys& keys);

/// Runs `work(i)` for every i below `count` on up to four threads; the problem of the smallest i
/// that had one, if any.
std::optional<std::string> for_each_report(
    size_t count, const std::function<std::optional<std::string>(size_t)>& work);

}  // namespace kubeproof::app
