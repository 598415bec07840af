#pragma once

#include <map>
#include <string>
#include <vector>

#include "model/check.hpp"
#include "model/result.hpp"

namespace kubeproof::engine {

/// The criteria of every framework that a check key supports, in each catalogue's order.
std::map<std::string, std::vector<std::string>> controls_for(
    const std::string& key, const std::map<std::string, model::Framework>& frameworks);

/// Tags every result with the criteria its check supports.
void attach_controls(std::vector<model::Result>& results,
                     const std::map<std::string, model::Framework>& frameworks);

/// A framework as reports summarise it.
model::FrameworkInfo framework_info(const model::Framework& framework);

}  // namespace kubeproof::engine
