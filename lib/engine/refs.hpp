#pragma once

#include <string>
#include <vector>

#include "engine/node_facts.hpp"

namespace kubeproof::engine {

/// The paths a definition's path reference names on this node: an absolute path,
/// `component.role`, or `flag:--name` (the flag's value on `component`).
std::vector<FoundPath> resolve_ref(const NodeFacts& facts, const std::string& ref,
                                   const std::string& component);

/// Where a reference was looked for, in words, for "not found" reasons.
std::string describe_search(const NodeFacts& facts, const std::string& ref,
                            const std::string& component);

/// The directories that resolving a `component.role` reference had to list and could not (the
/// role may have more files than were found); empty for absolute paths and flags.
std::vector<Unlisted> unlisted_for_ref(const NodeFacts& facts, const std::string& ref);

}  // namespace kubeproof::engine
