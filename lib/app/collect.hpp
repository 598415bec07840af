#pragma once

#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "app/scan.hpp"
#include "model/check.hpp"
#include "util/expected.hpp"

namespace kubeproof::app {

/// What `kubeproof collect` was asked for.
struct CollectOptions {
    std::string benchmark =
        "detect";            ///< --benchmark; "detect": chosen from the node, as `run` does
    std::string root = "/";  ///< the node's root file system (--root)
    std::string proc;        ///< the node's proc directory (--proc; empty: <root>/proc)
    std::optional<std::time_t> fixed_time;  ///< SOURCE_DATE_EPOCH: when it says it was collected
    std::string definitions_sha256;         ///< digest of the definitions loaded
};

/// Reads every fact the benchmark's node checks (all node targets) read from the node, through a
/// host that records each call, and returns the facts snapshot as JSON text, its secrets redacted
/// (app::redact). An unknown benchmark is exit 2, an unreadable node exit 3, as for `run`;
/// `warnings` gets what discovery noticed.
util::Expected<std::string, ScanError> collect_facts(const model::Definitions& defs,
                                                     const CollectOptions& options,
                                                     std::vector<std::string>& warnings);

}  // namespace kubeproof::app
