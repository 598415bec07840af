#pragma once

#include "loader/yaml_reader.hpp"
#include "model/check.hpp"

namespace kubeproof::loader {

/// Reads checks/components.yaml.
model::Catalogue read_catalogue(const YamlContext& ctx, const YAML::Node& root);

}  // namespace kubeproof::loader
