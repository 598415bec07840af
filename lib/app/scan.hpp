#pragma once

#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "host/host.hpp"
#include "k8s/objects.hpp"
#include "model/check.hpp"
#include "model/result.hpp"
#include "util/expected.hpp"

namespace kubeproof::app {

/// What `kubeproof run` was asked to scan.
struct ScanOptions {
    std::string benchmark = "cis-1.12";
    std::vector<std::string> targets;  ///< empty: what was detected
    std::vector<std::string> only;     ///< --check
    std::vector<std::string> skip;     ///< --skip
    std::string framework;             ///< --framework: only checks mapped to it, with its summary
    std::optional<std::time_t> fixed_time;  ///< SOURCE_DATE_EPOCH, for reproducible reports
    std::string root = "/";                 ///< the node root as the user named it, for messages
    k8s::ObjectSource* objects = nullptr;  ///< the API server or manifests, for the policies target
    bool objects_only = false;   ///< without --targets, scan only the policies (manifests in CI)
    std::string server_version;  ///< the API server's version, when known
};

/// Why a scan did not produce a report, with the exit code that says so.
struct ScanError {
    int exit_code = 3;
    std::string message;
};

/// Checks that the options name things that exist (exit code 2 otherwise).
std::optional<ScanError> validate_options(const model::Definitions& defs,
                                          const ScanOptions& options);

/// Scans a node through `host` and builds the report.
util::Expected<model::Report, ScanError> run_scan(const model::Definitions& defs,
                                                  const host::Host& host,
                                                  const ScanOptions& options,
                                                  std::vector<std::string>& warnings);

/// RFC 3339 UTC text of a time ("2026-11-22T05:13:02Z").
std::string rfc3339(std::time_t when);

}  // namespace kubeproof::app
