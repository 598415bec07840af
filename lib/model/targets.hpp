#pragma once

#include <array>
#include <span>
#include <string_view>

#include "model/check.hpp"

namespace kubeproof::model {

/// A section's target: what its checks inspect.
struct Target {
    std::string_view name;
    bool objects = false;  ///< the cluster's objects (API server or manifests), not a node
};

/// The target whose checks judge the cluster's objects.
inline constexpr std::string_view k_objects_target = "policies";

/// Every target, in benchmark order (the order of sections in a report).
inline constexpr std::array<Target, 5> k_targets = {{
    {"master", false},
    {"etcd", false},
    {"controlplane", false},
    {"node", false},
    {k_objects_target, true},
}};

/// The target of a name; null when there is none.
inline const Target* find_target(std::string_view name) {
    for (const auto& target : k_targets) {
        if (target.name == name) return &target;
    }
    return nullptr;
}

/// Whether a target's checks inspect a node (all but the objects target).
inline bool is_node_target(std::string_view name) {
    const Target* target = find_target(name);
    return target != nullptr && !target->objects;
}

/// Calls `visit(section, group, check)` for every check of a benchmark, in benchmark order.
template <typename Visit>
void for_each_check(const Benchmark& benchmark, Visit&& visit) {
    for (const auto& section : benchmark.sections) {
        for (const auto& group : section.groups) {
            for (const auto& check : group.checks) visit(section, group, check);
        }
    }
}

}  // namespace kubeproof::model
