#include "engine/controls.hpp"

#include <algorithm>
#include <string_view>
#include <unordered_map>

namespace kubeproof::engine {

namespace {

// A framework's criteria by id: where each stands in its catalogue.
using CriterionIndex = std::unordered_map<std::string_view, size_t>;

CriterionIndex index_criteria(const model::Framework& framework) {
    CriterionIndex index;
    for (size_t i = 0; i < framework.criteria.size(); ++i)
        index.emplace(framework.criteria[i].id, i);  // the first of a repeated id
    return index;
}

std::map<std::string, std::vector<std::string>> controls_indexed(
    const std::string& key, const std::map<std::string, model::Framework>& frameworks,
    const std::map<std::string, CriterionIndex>& indexes) {
    std::map<std::string, std::vector<std::string>> out;
    for (const auto& [id, fw] : frameworks) {
        auto links = fw.mappings.find(key);
        if (links == fw.mappings.end()) continue;
        const CriterionIndex& index = indexes.at(id);
        std::vector<size_t> positions;  // catalogue order, each once; links to no criterion dropped
        for (const auto& link : links->second) {
            const auto found = index.find(link.id);
            if (found != index.end()) positions.push_back(found->second);
        }
        std::sort(positions.begin(), positions.end());
        positions.erase(std::unique(positions.begin(), positions.end()), positions.end());
        std::vector<std::string>& criteria = out[id];
        for (const size_t at : positions) criteria.push_back(fw.criteria[at].id);
    }
    return out;
}

std::map<std::string, CriterionIndex> index_frameworks(
    const std::map<std::string, model::Framework>& frameworks) {
    std::map<std::string, CriterionIndex> indexes;
    for (const auto& [id, fw] : frameworks) indexes.emplace(id, index_criteria(fw));
    return indexes;
}

}  // namespace

std::map<std::string, std::vector<std::string>> controls_for(
    const std::string& key, const std::map<std::string, model::Framework>& frameworks) {
    return controls_indexed(key, frameworks, index_frameworks(frameworks));
}

void attach_controls(std::vector<model::Result>& results,
                     const std::map<std::string, model::Framework>& frameworks) {
    const auto indexes = index_frameworks(frameworks);
    for (auto& result : results)
        result.controls = controls_indexed(result.key, frameworks, indexes);
}

model::FrameworkInfo framework_info(const model::Framework& framework) {
    model::FrameworkInfo info{framework.id, framework.title, {}};
    for (const auto& c : framework.criteria) info.criteria.emplace_back(c.id, c.title);
    return info;
}

}  // namespace kubeproof::engine
