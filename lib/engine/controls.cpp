#include "engine/controls.hpp"

#include <algorithm>

namespace kubeproof::engine {

std::map<std::string, std::vector<std::string>> controls_for(
    const std::string& key, const std::map<std::string, model::Framework>& frameworks) {
    std::map<std::string, std::vector<std::string>> out;
    for (const auto& [id, fw] : frameworks) {
        auto links = fw.mappings.find(key);
        if (links == fw.mappings.end()) continue;
        std::vector<std::string>& criteria = out[id];
        for (const auto& criterion : fw.criteria) {  // catalogue order, each once
            bool linked =
                std::any_of(links->second.begin(), links->second.end(),
                            [&](const model::FrameworkLink& l) { return l.id == criterion.id; });
            if (linked) criteria.push_back(criterion.id);
        }
    }
    return out;
}

void attach_controls(std::vector<model::Result>& results,
                     const std::map<std::string, model::Framework>& frameworks) {
    for (auto& result : results) result.controls = controls_for(result.key, frameworks);
}

model::FrameworkInfo framework_info(const model::Framework& framework) {
    model::FrameworkInfo info{framework.id, framework.title, {}};
    for (const auto& c : framework.criteria) info.criteria.emplace_back(c.id, c.title);
    return info;
}

}  // namespace kubeproof::engine
