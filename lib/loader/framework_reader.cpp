#include "loader/framework_reader.hpp"

#include <set>

#include <fmt/format.h>

namespace kubeproof::loader {

namespace {

void read_criteria(const YamlContext& ctx, const YAML::Node& node, const YAML::Node& root,
                   model::Framework& fw) {
    if (!node.IsSequence()) {
        ctx.error(node.IsDefined() ? node : root, "a framework needs a 'criteria' list");
        return;
    }
    std::set<std::string> seen;
    for (const auto& item : node) {
        MapReader map(ctx, item, "criterion");
        model::Criterion c{map.string("id", true), map.string("title", true)};
        map.finish();
        if (!c.id.empty() && !seen.insert(c.id).second)
            ctx.error(item, fmt::format("duplicate criterion '{}'", c.id));
        fw.criteria.push_back(std::move(c));
    }
}

model::FrameworkLink read_link(const YamlContext& ctx, const YAML::Node& node) {
    MapReader map(ctx, node, "mapping link");
    model::FrameworkLink link{map.string("id", true), map.string("why", true),
                              map.string("source", true), ctx.where(node)};
    map.finish();
    return link;
}

void read_mappings(const YamlContext& ctx, const YAML::Node& node, model::Framework& fw) {
    if (!node.IsDefined()) return;
    if (!node.IsMap()) {
        ctx.error(node, "'mappings' must be a mapping from check keys to lists of links");
        return;
    }
    for (const auto& entry : node) {
        const std::string key = entry.first.Scalar();
        fw.mapping_where[key] = ctx.where(entry.first);
        if (!entry.second.IsSequence()) {
            ctx.error(entry.second,
                      fmt::format("the mapping of '{}' must be a list of links", key));
            continue;
        }
        for (const auto& link : entry.second) fw.mappings[key].push_back(read_link(ctx, link));
    }
}

}  // namespace

model::Framework read_framework(const YamlContext& ctx, const YAML::Node& root) {
    model::Framework fw;
    fw.where = ctx.where(root);
    MapReader map(ctx, root, "framework");
    if (!map.ok()) return fw;
    fw.id = map.string("framework", true);
    fw.title = map.string("title", true);
    fw.required = map.boolean("required", false);
    read_criteria(ctx, map.take("criteria"), root, fw);
    read_mappings(ctx, map.take("mappings"), fw);
    map.finish();
    return fw;
}

}  // namespace kubeproof::loader
