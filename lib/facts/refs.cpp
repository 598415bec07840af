#include "facts/refs.hpp"

#include <fmt/format.h>

namespace kubeproof::facts {

namespace {

const ComponentFacts* component_of(const NodeFacts& facts, const std::string& id) {
    auto it = facts.components.find(id);
    return it == facts.components.end() ? nullptr : &it->second;
}

}  // namespace

std::vector<FoundPath> resolve_ref(const NodeFacts& facts, const std::string& ref, const std::string& component) {
    if (!ref.empty() && ref.front() == '/') return {{ref, "fixed path"}};
    if (ref.starts_with("flag:")) {
        const ComponentFacts* c = component_of(facts, component);
        std::string flag = ref.substr(5);
        if (c == nullptr || !c->flags.has(flag)) return {};
        return {{*c->flags.last(flag), fmt::format("from {} ({})", flag, c->how)}};
    }
    auto dot = ref.find('.');
    const ComponentFacts* c = component_of(facts, ref.substr(0, dot));
    if (c == nullptr || dot == std::string::npos) return {};
    auto it = c->roles.find(ref.substr(dot + 1));
    return it == c->roles.end() ? std::vector<FoundPath>{} : it->second;
}

std::string describe_search(const NodeFacts& facts, const std::string& ref, const std::string& component) {
    if (!ref.empty() && ref.front() == '/') return ref;
    if (ref.starts_with("flag:")) {
        const ComponentFacts* c = component_of(facts, component);
        return fmt::format("{} is not set on {}", ref.substr(5), c == nullptr ? component : c->name);
    }
    auto dot = ref.find('.');
    const ComponentFacts* c = component_of(facts, ref.substr(0, dot));
    if (c == nullptr || dot == std::string::npos) return ref;
    auto it = c->looked.find(ref.substr(dot + 1));
    if (it == c->looked.end() || it->second.empty()) return "no known location";
    return fmt::format("looked in {}", fmt::join(it->second, ", "));
}

}  // namespace kubeproof::facts
