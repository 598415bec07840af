#pragma once

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
};

/// Combines child outcomes: `all` fails if any fails; `any` passes if any passes.
ItemOutcome combine(std::vector<ItemOutcome> children, bool all);

}  // namespace kubeproof::engine
