#pragma once

#include "loader/derived.hpp"
#include "loader/yaml_reader.hpp"
#include "model/check.hpp"

namespace kubeproof::loader {

/// Reads a benchmark.yaml into id, title, versions, platform, base, the section file names and
/// how it differs from its base.
model::Benchmark read_benchmark_header(const YamlContext& ctx, const YAML::Node& root,
                                       std::vector<std::string>& section_files, Delta& delta);

/// Reads one section file; its `uses:` stubs are added to `stubs` (their section index left 0).
model::Section read_section(const YamlContext& ctx, const YAML::Node& root,
                            std::vector<Stub>& stubs);

/// Reads one check: a whole definition, or a stub (`uses: KEY`) whose patch goes to `stub` (its
/// `where` set only then).
model::Check read_check(const YamlContext& ctx, const YAML::Node& node, CheckPatch* stub);

}  // namespace kubeproof::loader
