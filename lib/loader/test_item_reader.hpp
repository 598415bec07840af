#pragma once

#include <set>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "loader/yaml_reader.hpp"
#include "model/check.hpp"

namespace kubeproof::loader {

/// Reads one test item (a subject with assertions, or an all/any group), reporting problems.
model::TestItem read_test_item(const YamlContext& ctx, const YAML::Node& node);

/// Consumes every key of `map` that names a value operator into `out`; keys in `other_keys` are
/// left alone, any other key is reported as an unknown operator.
void read_value_assertions(const YamlContext& ctx, MapReader& map,
                           std::vector<model::Assertion>& out,
                           const std::set<std::string>& other_keys);

/// Reads a `set:` mapping of thresholds (mode, owner or value operators with their operands),
/// each checked as a test item's would be.
std::vector<model::Assertion> read_thresholds(const YamlContext& ctx, const YAML::Node& node);

/// Reads an optional `type:` (bool, int, duration, string, list) into `type`.
void read_type(const YamlContext& ctx, MapReader& map, model::ValueType& type);

/// Reads a sequence of test items into an All or Any root.
model::TestItem read_test_list(const YamlContext& ctx, const YAML::Node& node,
                               model::Subject combine);

}  // namespace kubeproof::loader
