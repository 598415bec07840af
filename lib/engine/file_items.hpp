#pragma once

#include <string>

#include "engine/node_facts.hpp"
#include "engine/outcome.hpp"
#include "model/check.hpp"

namespace kubeproof::engine {

/// Evaluates a file, files or tree test item (mode, owner, existence) against the node's facts.
ItemOutcome evaluate_file_item(const model::TestItem& item, const std::string& component,
                               const engine::NodeFacts& facts);

/// True when `mode` sets no permission bit outside `mask` ("at most as permissive").
bool mode_within(uint32_t mode, uint32_t mask);

}  // namespace kubeproof::engine
