#pragma once

#include <map>
#include <string>

#include "loader/yaml_reader.hpp"
#include "model/check.hpp"

namespace kubeproof::loader {

/// Reads checks/benchmarks.yaml, the mapping from a cluster's platform and Kubernetes minor to
/// the benchmark a scan uses, and checks it against the benchmarks loaded: every benchmark it
/// names exists and states the platform it is listed under, every minor is "X.Y", no minor is
/// listed twice for one platform.
model::BenchmarkSelection read_selection(const YamlContext& ctx, const YAML::Node& root,
                                         const std::map<std::string, model::Benchmark>& benchmarks);

}  // namespace kubeproof::loader
