#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace kubeproof::history {

/// What names a scan's place in a store.
struct SeriesKey {
    std::string cluster_name;
    std::string cluster_uid;
    std::string scope;  ///< "node" or "cluster"
    std::string node;   ///< the node (node scope); the host when no node was named
    std::string benchmark;
    std::vector<std::string> targets;
};

/// The folder of a cluster in a store: its name, else "uid-<kube-system uid>", else
/// "unknown-cluster", as one safe path component.
std::string cluster_folder(const SeriesKey& key);

/// The name of a series: one cluster, one scope (a node, or the cluster's objects), one
/// benchmark, one set of targets ("node.cp-1.cis-1.12.master+etcd+controlplane+node",
/// "cluster.cis-1.12.policies"): the reports that must follow each other without a gap.
std::string series_name(const SeriesKey& key);

/// A report's path relative to the store:
/// "<cluster>/<series>/<yyyy>/<mm>/<dd>/<seq, 6 digits>-<yyyymmddThhmmssZ>.json", so that a plain
/// listing sorts by cluster, series and time. Its DSSE envelope is beside it, with ".sig" added.
std::string report_path(const SeriesKey& key, const std::string& started_at, uint64_t seq);

/// The seq a stored report's file name starts with ("000042-....json" -> 42); 0 for other names.
uint64_t seq_in_file_name(const std::string& name);

}  // namespace kubeproof::history
