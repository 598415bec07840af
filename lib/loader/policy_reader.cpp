#include "loader/policy_reader.hpp"

#include <array>

#include <fmt/format.h>

#include "engine/policy_iterators.hpp"
#include "loader/test_item_reader.hpp"

namespace kubeproof::loader {

namespace {

using model::Condition;

Condition read_group(const YamlContext& ctx, const YAML::Node& node, Condition::Kind kind) {
    Condition c;
    c.kind = kind;
    c.where = ctx.where(node);
    if (!node.IsSequence() || node.size() == 0) {
        ctx.error(node, "'all' and 'any' need a non-empty list of conditions");
        return c;
    }
    for (const auto& child : node) c.children.push_back(read_condition(ctx, child));
    return c;
}

std::vector<Condition> optional_condition(const YamlContext& ctx, MapReader& map,
                                          std::string_view key) {
    YAML::Node node = map.take(key);
    if (!node.IsDefined()) return {};
    return {read_condition(ctx, node)};
}

}  // namespace

std::string known_iterators() {
    std::vector<std::string_view> names;
    for (const auto& it : engine::policy_iterators()) names.push_back(it.name);
    return fmt::format("{}", fmt::join(names, ", "));
}

Condition read_condition(const YamlContext& ctx, const YAML::Node& node) {
    Condition c;
    c.where = ctx.where(node);
    MapReader map(ctx, node, "condition");
    if (!map.ok()) return c;
    if (map.has("all"))
        c = read_group(ctx, map.take("all"), Condition::Kind::All);
    else if (map.has("any"))
        c = read_group(ctx, map.take("any"), Condition::Kind::Any);
    else if (YAML::Node inner = map.take("not"); inner.IsDefined()) {
        c.kind = Condition::Kind::Not;
        c.children.push_back(read_condition(ctx, inner));
    } else {
        c.field = map.string("field", true);
        read_type(ctx, map, c.type);
        read_value_assertions(ctx, map, c.assertions, {"field", "type"});
        if (c.assertions.empty() && !c.field.empty())
            ctx.error(node, fmt::format("condition on '{}' has no assertion", c.field));
    }
    map.finish();
    return c;
}

void read_objects_subject(const YamlContext& ctx, MapReader& map, model::TestItem& item) {
    YAML::Node iterator = map.take("objects");
    item.iterator = scalar_of(ctx, iterator, "'objects'").value_or("");
    if (engine::find_iterator(item.iterator) == nullptr) {
        ctx.error(iterator, fmt::format("unknown iterator '{}' (known: {})", item.iterator,
                                        known_iterators()));
    }
    const engine::PolicyIterator* known = engine::find_iterator(item.iterator);
    item.kinds = map.strings(
        "kinds", known != nullptr && known->kinds.empty());  // it judges the kinds it is given
    item.violation = optional_condition(ctx, map, "violation");
    item.require = optional_condition(ctx, map, "require");
    item.exclude = optional_condition(ctx, map, "exclude");
    if (item.violation.size() + item.require.size() != 1) {
        ctx.error(map.node(), "an objects test needs exactly one of 'violation' or 'require'");
    }
}

}  // namespace kubeproof::loader
