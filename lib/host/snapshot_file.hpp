#pragma once

// The facts snapshot file: a recording of the Host seam as JSON (schema kubeproof.facts/v1), with
// where and when it was collected.

#include <string>
#include <string_view>

#include "host/recording_host.hpp"
#include "util/expected.hpp"

namespace kubeproof::host {

/// The schema name and version every facts snapshot carries.
inline constexpr std::string_view k_snapshot_schema = "kubeproof.facts/v1";

/// Where, when and by what a snapshot was collected.
struct SnapshotInfo {
    std::string tool_version;
    std::string definitions_sha256;  ///< of the definitions whose checks decided what was read
    std::string benchmark;
    std::string collected_at;  ///< RFC 3339
    std::string root;          ///< --root as given
    std::string proc;          ///< --proc as given ("" for <root>/proc)
};

/// A node's facts snapshot: the recorded calls of a full node collection.
struct Snapshot {
    SnapshotInfo info;
    Recording calls;
};

/// The snapshot as JSON text, byte-stable for the same snapshot. Text that is not UTF-8 (a file,
/// an argument) is kept exactly as {"bytes": "..."}, one character U+0000-U+00FF per byte.
std::string write_snapshot(const Snapshot& snapshot);

/// Reads the text write_snapshot wrote; the error says why it is not a snapshot of this schema
/// ("not a facts snapshot: not JSON (...)", "a facts snapshot of schema kubeproof.facts/v2; this
/// kubeproof reads kubeproof.facts/v1", "not a valid kubeproof.facts/v1 snapshot (...)").
util::Expected<Snapshot, std::string> read_snapshot(std::string_view text);

}  // namespace kubeproof::host
