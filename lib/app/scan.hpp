#pragma once

#include <chrono>
#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "model/check.hpp"
#include "model/result.hpp"
#include "util/expected.hpp"

namespace kubeproof::app {

/// What `kubeproof run` was asked to scan.
struct ScanOptions {
    /// --benchmark: one id, or several separated by commas to scan together; "detect" (alone or
    /// in the list) for the one chosen by version and platform.
    std::string benchmark = "detect";
    std::string k8s_version;           ///< --k8s-version X.Y[.Z]: overrides detection
    std::string platform;              ///< --platform generic|k3s|rke2|eks|gke|aks
    std::vector<std::string> targets;  ///< empty: what was detected
    std::vector<std::string> only;     ///< --check
    std::vector<std::string> skip;     ///< --skip
    std::string framework;             ///< --framework: only checks mapped to it, with its summary
    std::optional<std::time_t> fixed_time;  ///< SOURCE_DATE_EPOCH, for reproducible reports
    std::string root = "/";                 ///< the node's root file system (--root)
    std::string proc;   ///< the node's proc directory (--proc; empty: <root>/proc)
    std::string facts;  ///< --facts: a facts snapshot (`collect`) to evaluate instead of the node
    /// Where the policies target's objects come from: manifest files ("-" for stdin), or the API
    /// server (a kubeconfig and context; in-cluster when both are empty and policies are wanted).
    std::vector<std::string> manifests;
    std::string kubeconfig;
    std::string context;
    std::string cluster;             ///< --cluster: the cluster's name in reports and the store
    std::string node_name;           ///< --node-name (or NODE_NAME): the node a node scan is about
    std::string definitions_sha256;  ///< digest of the definitions loaded (tool.definitions_sha256)
    std::string store;               ///< --store: keep the JSON report in this store
    std::string sign_key;            ///< --sign-key: Ed25519 private key (PEM) to sign it with
    std::string waivers;             ///< --waivers: the risk acceptances to mark findings with
    std::vector<std::string> namespaces;  ///< --namespaces: the policy checks judge only these
    std::string namespace_selector;       ///< --namespace-selector LABEL=VALUE
    /// --timeout: every API request of the scan ends this long after it connects to the API
    /// server, and what is unfinished then is ERROR; `timeout_text` names it in those reasons.
    std::chrono::milliseconds timeout{std::chrono::minutes(10)};
    std::string timeout_text = "10m";
};

/// Why a scan did not produce a report, with the exit code that says so.
struct ScanError {
    int exit_code = 3;
    std::string message;
    std::string details =
        {};  ///< shown before the message as it is (diagnostics with source lines)
};

/// Checks that the options name things that exist (exit code 2 otherwise). With --benchmark
/// detect, what depends on the benchmark (--targets, --check, --skip) is checked once it is chosen.
std::optional<ScanError> validate_options(const model::Definitions& defs,
                                          const ScanOptions& options);

/// Scans the node under `options.root` (or its facts snapshot, `options.facts`) and the cluster's
/// objects (manifests or the API server) and builds the report, its findings marked with the
/// waivers that cover them at the scan's time; unusable inputs (an invalid waivers file among
/// them, before anything is scanned) are exit 2, an unreadable node exit 3.
util::Expected<model::Report, ScanError> run_scan(const model::Definitions& defs,
                                                  const ScanOptions& options,
                                                  std::vector<std::string>& warnings);

/// RFC 3339 UTC text of a time ("2026-11-22T05:13:02Z").
std::string rfc3339(std::time_t when);

}  // namespace kubeproof::app
