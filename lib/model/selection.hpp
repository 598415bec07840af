#pragma once

#include <map>
#include <string>
#include <vector>

namespace kubeproof::model {

/// Which benchmark one platform's clusters get, by Kubernetes minor (checks/benchmarks.yaml).
struct PlatformChoice {
    std::map<std::string, std::string> minors;  ///< "1.31" -> "cis-1.11"
    std::string older;  ///< for a minor older than every one listed (with a warning)
    std::string newer;  ///< for a minor newer than every one listed, or none known (with a warning)
};

/// The mapping from what a scan detects to the benchmark it uses.
struct BenchmarkSelection {
    std::map<std::string, PlatformChoice> platforms;  ///< "generic", "k3s", ... -> choice
    std::string fallback;  ///< when nothing at all was detected (with a warning)
};

}  // namespace kubeproof::model
