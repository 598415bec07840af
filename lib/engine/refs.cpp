#include "engine/refs.hpp"

#include <fmt/format.h>

namespace kubeproof::engine {

namespace {

const ComponentFacts* component_of(const NodeFacts& facts, const std::string& id) {
    auto it = facts.components.find(id);
    return it == facts.components.end() ? nullptr : &it->second;
}

}  // namespace

std::vector<FoundPath> resolve_ref(const NodeFacts& facts, const std::string& ref,
                                   const std::string& component) {
    if (!ref.empty() && ref.front() == '/') return {{ref, "fixed path"}};
    if (ref.starts_with("flag:")) {
        const ComponentFacts* c = component_of(facts, component);
        std::string flag = ref.substr(5);
        auto value = c == nullptr ? std::nullopt : c->flags.last(flag);
        if (!value || value->empty()) return {};  // an empty value names no file
        return {{*value, fmt::format("from {} ({})", flag, c->how)}};
    }
    auto dot = ref.find('.');
    const ComponentFacts* c = component_of(facts, ref.substr(0, dot));
    if (c == nullptr || dot == std::string::npos) return {};
    auto it = c->roles.find(ref.substr(dot + 1));
    return it == c->roles.end() ? std::vector<FoundPath>{} : it->second;
}

std::string describe_search(const NodeFacts& facts, const std::string& ref,
                            const std::string& component) {
    if (!ref.empty() && ref.front() == '/') return ref;
    if (ref.starts_with("flag:")) {
        const ComponentFacts* c = component_of(facts, component);
        const std::string flag = ref.substr(5);
        bool empty = c != nullptr && c->flags.has(flag);
        return fmt::format("{} is {} on {}", flag, empty ? "set to an empty value" : "not set",
                           c == nullptr ? component : c->name);
    }
    auto dot = ref.find('.');
    const ComponentFacts* c = component_of(facts, ref.substr(0, dot));
    if (c == nullptr || dot == std::string::npos) return ref;
    auto it = c->looked.find(ref.substr(dot + 1));
    if (it == c->looked.end() || it->second.empty()) return "no known location";
    return fmt::format("looked in {}", fmt::join(it->second, ", "));
}

std::vector<Unlisted> unlisted_for_ref(const NodeFacts& facts, const std::string& ref) {
    auto dot = ref.find('.');
    if (ref.empty() || ref.front() == '/' || ref.starts_with("flag:") || dot == std::string::npos)
        return {};
    const ComponentFacts* c = component_of(facts, ref.substr(0, dot));
    if (c == nullptr) return {};
    auto it = c->unlisted.find(ref.substr(dot + 1));
    return it == c->unlisted.end() ? std::vector<Unlisted>{} : it->second;
}

}  // namespace kubeproof::engine
