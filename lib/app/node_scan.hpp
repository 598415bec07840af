#pragma once

// The node side of a scan, shared by `run` and `collect`: which host to read, and the facts read
// through it.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/scan.hpp"
#include "engine/node_facts.hpp"
#include "facts/distribution.hpp"
#include "host/host.hpp"
#include "model/check.hpp"
#include "util/expected.hpp"

namespace kubeproof::app {

/// The host a scan reads the node through, and the node root its messages name.
struct OpenedNode {
    std::unique_ptr<host::Host> host;
    std::string root;
    std::string snapshot_benchmark = {};  ///< --facts: the benchmark it was collected for
};

/// The node of a scan: the facts snapshot of `options.facts` when given (a warning when it was
/// collected for another benchmark or with other definitions; one that cannot be read is exit 2),
/// else the real node under `options.root` and `options.proc`.
util::Expected<OpenedNode, ScanError> open_node(const ScanOptions& options,
                                                std::vector<std::string>& warnings);

/// The benchmark's targets that are about a node (all but policies).
std::vector<std::string> node_targets(const model::Benchmark& bench);

/// Exit 3 when the node root (`root` in the message) is not a readable directory.
std::optional<ScanError> unreadable_root(const host::Host& host, const std::string& root);

/// Discovers the node and gathers the facts `checks` need; exit 3 when the node root (`root` in
/// the message) or its process table is unreadable.
util::Expected<engine::NodeFacts, ScanError> scan_node(
    const host::Host& host, const model::Catalogue& catalogue,
    const std::vector<const model::Check*>& checks, const std::string& root,
    const facts::RecordedServerArgs* recorded = nullptr);

}  // namespace kubeproof::app
