#pragma once

#include "loader/yaml_reader.hpp"
#include "model/check.hpp"

namespace kubeproof::loader {

/// Reads the `objects:` subject of a policy test item: iterator, kinds, violation/require/exclude.
void read_objects_subject(const YamlContext& ctx, MapReader& map, model::TestItem& item);

/// Reads a condition: `{field: PATH, <assertions>}`, `{all: [...]}`, `{any: [...]}` or `{not:
/// COND}`.
model::Condition read_condition(const YamlContext& ctx, const YAML::Node& node);

/// The iterators policy tests may name.
bool is_known_iterator(std::string_view name);

}  // namespace kubeproof::loader
