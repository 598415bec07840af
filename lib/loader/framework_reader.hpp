#pragma once

#include "loader/yaml_reader.hpp"
#include "model/check.hpp"

namespace kubeproof::loader {

/// Reads one frameworks/<id>.yaml: its catalogue of criteria and its mapping of check keys.
model::Framework read_framework(const YamlContext& ctx, const YAML::Node& root);

}  // namespace kubeproof::loader
