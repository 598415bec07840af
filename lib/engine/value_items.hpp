#pragma once

#include <string>

#include "engine/node_facts.hpp"
#include "engine/outcome.hpp"
#include "model/check.hpp"

namespace kubeproof::engine {

/// Evaluates a flag, config key, feature gate or document test item against the node's facts.
ItemOutcome evaluate_value_item(const model::TestItem& item, const std::string& component,
                                const model::Catalogue& catalogue, const engine::NodeFacts& facts);

}  // namespace kubeproof::engine
