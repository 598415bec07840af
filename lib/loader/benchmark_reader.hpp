#pragma once

#include "loader/yaml_reader.hpp"
#include "model/check.hpp"

namespace kubeproof::loader {

/// Reads a benchmark.yaml into id, title, versions and the section file names.
model::Benchmark read_benchmark_header(const YamlContext& ctx, const YAML::Node& root,
                                       std::vector<std::string>& section_files);

/// Reads one section file.
model::Section read_section(const YamlContext& ctx, const YAML::Node& root);

}  // namespace kubeproof::loader
