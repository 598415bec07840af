#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/result.hpp"

namespace kubeproof::engine {

/// The result of one test item before it becomes a check status.
struct ItemOutcome {
    enum class Kind { Pass, Fail, NA, Error };
    Kind kind = Kind::Error;
    std::vector<std::string> expected;  ///< expectations in words
    std::vector<std::string> actual;    ///< what was found, in words
    std::vector<model::Evidence> evidence;
    std::string reason;  ///< for NA and Error
    /// Objects tests: the items found at fault, each in `evidence` up to its limit; unset when
    /// the outcome is not such a list (a requirement, a refused list, a node test).
    std::optional<int> findings;
};

/// Combines child outcomes: `all` fails if any fails; `any` passes if any passes.
ItemOutcome combine(std::vector<ItemOutcome> children, bool all);

}  // namespace kubeproof::engine
