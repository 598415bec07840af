#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/node_scan.hpp"
#include "app/objects.hpp"
#include "app/scan.hpp"
#include "engine/benchmark_choice.hpp"
#include "facts/distribution.hpp"
#include "model/check.hpp"

namespace kubeproof::app {

/// The platforms --platform accepts.
bool is_platform(const std::string& name);

/// What --k8s-version and --platform say, as clues (rule `flag`).
std::vector<engine::Clue> flag_clues(const ScanOptions& options);

/// What the API server says: its /version gitVersion (rule `api-version`: the version, and the
/// platform of a -eks-, -gke., +k3s or +rke2 suffix), then a node (the scanned one when named,
/// else the first listed; rule `api-node`): AKS by the label kubernetes.azure.com/cluster or an
/// azure:// providerID, and its kubelet version. A failed request gives no clue, not an error.
std::vector<engine::Clue> api_clues(k8s::ApiSource& api, const std::string& node_name);

/// Chooses the scan's benchmark before the node is scanned: --benchmark, else from the flags, the
/// API server (the opened one, or in-cluster credentials when KUBERNETES_SERVICE_HOST is set) and
/// the node when it is scanned (`node_wanted`; facts::node_clues; for --facts, the snapshot, which
/// `collect` recorded them into).
engine::BenchmarkChoice detect_benchmark(const model::Definitions& defs, const ScanOptions& options,
                                         const OpenedNode& node, const OpenedObjects& objects,
                                         bool node_wanted);

/// The k3s server arguments the API server holds for the scanned node (`node_name`, a DNS-1123
/// name): its annotation k3s.io/node-args. None when there is no such node or annotation; an
/// annotation that is not a JSON list of strings is a warning and ignored.
std::optional<facts::RecordedServerArgs> recorded_server_args(k8s::ApiSource& api,
                                                              const std::string& node_name,
                                                              std::vector<std::string>& warnings);

/// The warning when a facts snapshot was collected for another benchmark than the one chosen.
std::optional<std::string> snapshot_mismatch(const ScanOptions& options, const OpenedNode& node,
                                             const std::string& benchmark);

}  // namespace kubeproof::app
