#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "app/scan.hpp"
#include "util/expected.hpp"

namespace kubeproof::app {

/// What `kubeproof index` was asked for.
struct IndexRequest {
    std::string store;                   ///< a store folder
    std::vector<std::string> key_files;  ///< Ed25519 public keys: signatures checked and kept
    std::string sign_key;                ///< Ed25519 private key: signs the index (`.sig`)
    bool rebuild = false;                ///< start from an empty index
    std::string export_format;           ///< "", "csv" or "jsonl": the status rows afterwards
};

/// What indexing did.
struct IndexResult {
    std::string path;  ///< the index file
    size_t reports = 0;
    size_t read = 0;       ///< new or changed reports read
    size_t unchanged = 0;  ///< taken from the index without reading them
    size_t removed = 0;    ///< entries of reports no longer in the store
};

/// The formats of the status rows export.
std::vector<std::string> index_export_formats();

/// Brings the store's index up to date: reads (on several threads) the reports that are new or
/// changed since they were indexed, drops those that are gone, and commits it all at once; then,
/// with an export format, renders every result of every indexed report to `sink`, report by
/// report in the order they started. A file that is not a report, or a key that is not an Ed25519
/// public key, is exit 2 and changes nothing.
util::Expected<IndexResult, ScanError> index_store(
    const IndexRequest& request, const std::function<void(std::string_view)>& sink);

}  // namespace kubeproof::app
