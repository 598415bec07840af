#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/waiver.hpp"

namespace kubeproof::model {

/// The outcome of one check, with DESIGN.md's meanings.
enum class Status { Pass, Fail, Warn, Skip, NA, Error };

/// All statuses in report order.
inline constexpr std::array<Status, 6> k_all_statuses = {Status::Pass, Status::Fail, Status::Warn,
                                                         Status::Skip, Status::NA,   Status::Error};

/// "PASS", "FAIL", "WARN", "SKIP", "NA" or "ERROR".
std::string_view to_string(Status status);

/// Parses the upper-case status name; nullopt when unknown.
std::optional<Status> parse_status(std::string_view text);

/// One thing that was looked at to reach a result.
struct Evidence {
    std::string source;  ///< "file", "process", "manifest", "config", "env", "default", "discovery"
    std::string
        ref;  ///< what: a path, "kube-apiserver pid 4624", "/var/lib/kubelet/config.yaml:12"
    std::string value;   ///< what was seen there (secrets redacted)
    std::string file{};  ///< manifest file the evidence is in, when it comes from one
    int line = 0;        ///< 1-based line in `file`, 0 when unknown
    std::map<std::string, std::string> labels{};  ///< an object's metadata.labels (section 5)
};

/// One node's own outcome of a check in a merged report.
struct NodeResult {
    std::string node;
    Status status = Status::Error;
    std::string actual;
    std::string reason;
    std::vector<Evidence> evidence;
};

/// The evaluated result of one check.
struct Result {
    std::string id;
    std::string key;  ///< the check's stable key
    std::string benchmark;
    std::string target;
    std::string group;
    std::string group_title;
    std::string title;
    Status status = Status::Error;
    bool automated = true;
    std::string expected;
    std::string actual;
    std::string reason;    ///< why SKIP/NA/ERROR/WARN, empty otherwise
    std::string guidance;  ///< for manual checks: how a person verifies it
    std::vector<Evidence> evidence;
    std::string remediation;
    std::map<std::string, std::vector<std::string>> controls;  ///< framework id -> criteria ids
    std::vector<NodeResult> nodes = {};  ///< merged reports: each node's own outcome, by node
    /// Section 5: how many object items the check found at fault, each one evidence item while
    /// there are at most 100; unset when the outcome is not such a list (a requirement not met,
    /// a list the server refused, node checks).
    std::optional<int> findings = {};
    std::optional<AppliedWaiver> waiver = {};  ///< the waiver that covers this finding, if any
};

/// Per-status counts.
struct Totals {
    std::array<int, 6> counts{};
    int& operator[](Status s) { return counts[static_cast<size_t>(s)]; }
    int operator[](Status s) const { return counts[static_cast<size_t>(s)]; }
    void add(Status s) { ++(*this)[s]; }
};

/// A section of a benchmark as it appears in reports ("1 Control Plane Security Configuration").
struct SectionInfo {
    std::string id;
    std::string target;
    std::string title;
};

/// A node of the cluster's inventory, as `list nodes` shows it (cluster-scope scans).
struct InventoryNode {
    std::string name;
    std::string kubelet_version;  ///< status.nodeInfo.kubeletVersion
    std::string provider_id;      ///< spec.providerID ("" on bare metal)
    std::string created_at;       ///< metadata.creationTimestamp
};

/// Where a scan sits in a store's series (`run --store`); empty when it was not stored.
struct SeriesLink {
    std::string series;    ///< "node-cp-1.cis-1.12.master-etcd-controlplane-node"
    uint64_t seq = 0;      ///< 1, 2, 3 ... within the series
    std::string previous;  ///< SHA-256 (hex) of the previous report's exact bytes; "" at the start
};

/// One report a merged report was made of.
struct MergedReport {
    std::string file;    ///< the file name it was read from
    std::string sha256;  ///< of its exact bytes
    std::string node;
    std::string scan_id;
    std::string started_at;  ///< RFC 3339
    Totals totals;
};

/// How a scan's benchmark was chosen (`scan.benchmark_selected_by`).
struct BenchmarkSelectedBy {
    std::string rule;    ///< stable id: "static-pod-image", "api-version", "flag", "fallback", ...
    std::string detail;  ///< one sentence: what was found where, and what it led to
};

/// The namespaces a scan's policy checks judged (`scan.namespace_scope`): set when a scope option
/// was given or a benchmark leaves its system namespaces out.
struct NamespaceScopeInfo {
    std::vector<std::string> namespaces;   ///< --namespaces: only these
    std::string selector;                  ///< --namespace-selector LABEL=VALUE
    std::vector<std::string> selected;     ///< the namespaces the selector matched
    std::vector<std::string> excluded;     ///< system namespaces left out (no scope option given)
    std::vector<std::string> excluded_by;  ///< the benchmarks whose checks leave them out
};

/// Identity of one scan.
struct ScanInfo {
    std::string id;
    std::string started_at;   ///< RFC 3339
    std::string finished_at;  ///< RFC 3339
    std::string host;
    std::string benchmark;
    std::string benchmark_title;
    std::string kubernetes_version;
    std::vector<std::string> targets;
    std::vector<std::string> detected;  ///< components detected on the node
    std::string cluster_name =
        {};  ///< --cluster, else the kubeconfig context's cluster; "" when unknown
    std::string cluster_uid = {};  ///< the kube-system namespace's uid when the API was reachable
    std::string node = {};         ///< the node a node-scope scan is about; "" for cluster scope
    std::string scope = {};        ///< "node" (node targets) or "cluster" (only the objects target)
    std::vector<InventoryNode> nodes = {};  ///< the cluster's nodes, when listed (cluster scope)
    std::optional<SeriesLink> link = {};    ///< set when the report was stored
    std::vector<MergedReport> merged = {};  ///< a merged report's inputs, by node
    std::optional<BenchmarkSelectedBy> benchmark_selected_by = {};  ///< unset in older reports
    /// Loud warnings about the choice: a Kubernetes minor outside the benchmark's stated range,
    /// nothing detected.
    std::vector<std::string> benchmark_warnings = {};
    /// The benchmarks of a scan of several together (`--benchmark cis-1.12,k8s-controls-1.0`):
    /// `benchmark` is then their ids joined with '+'; empty for one benchmark.
    std::vector<std::string> benchmarks = {};
    std::optional<NamespaceScopeInfo> namespace_scope = {};
    /// The API server was reached without verifying its certificate (insecure-skip-tls-verify):
    /// what the report says about the cluster may not come from the cluster.
    bool insecure_tls = false;
};

/// A framework as reports summarise it: its criteria in catalogue order.
struct FrameworkInfo {
    std::string id;
    std::string title;
    std::vector<std::pair<std::string, std::string>> criteria;  ///< id, title
};

/// A whole report: what writers consume. Results are in benchmark order.
struct Report {
    std::string tool_version;
    std::string
        definitions_sha256;  ///< digest of the check and framework definitions that judged it
    ScanInfo scan;
    std::vector<SectionInfo> sections;
    std::vector<Result> results;
    std::vector<FrameworkInfo> frameworks;      ///< the frameworks to summarise per criterion
    std::optional<WaiverSummary> waivers = {};  ///< set when the scan was given a waivers file
};

/// Whether a status is a finding: FAIL, WARN or ERROR.
inline bool is_finding(Status status) {
    return status == Status::Fail || status == Status::Warn || status == Status::Error;
}

/// Whether a result is a finding an active waiver accepts: it keeps its status in reports but
/// does not count for --fail-on.
inline bool is_accepted(const Result& result) {
    return result.waiver && result.waiver->state == WaiverState::Active;
}

/// Counts the results of one target ("" for all).
Totals count(const Report& report, std::string_view target = {});

}  // namespace kubeproof::model
