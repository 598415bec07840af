#pragma once

// Facts snapshots as files on the operator's machine: what `collect` keeps of a recording, and
// reading one back for `run --facts`.

#include <string>

#include "app/scan.hpp"
#include "host/snapshot_file.hpp"
#include "util/expected.hpp"

namespace kubeproof::app {

/// The recording without its secrets: file contents through parse::redact_secrets, process
/// arguments through parse::redact_argv, environment values of sensitive names redacted.
host::Recording redact(host::Recording calls);

/// Reads the facts snapshot at `path`; exit 2, naming the file, when it cannot be read or is not
/// a snapshot of the schema this kubeproof reads.
util::Expected<host::Snapshot, ScanError> read_facts(const std::string& path);

}  // namespace kubeproof::app
