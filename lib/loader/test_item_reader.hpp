#pragma once

#include <yaml-cpp/yaml.h>

#include "loader/yaml_reader.hpp"
#include "model/check.hpp"

namespace kubeproof::loader {

/// Reads one test item (a subject with assertions, or an all/any group), reporting problems.
model::TestItem read_test_item(const YamlContext& ctx, const YAML::Node& node);

/// Reads a sequence of test items into an All or Any root.
model::TestItem read_test_list(const YamlContext& ctx, const YAML::Node& node, model::Subject combine);

}  // namespace kubeproof::loader
