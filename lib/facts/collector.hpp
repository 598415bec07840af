#pragma once

#include <vector>

#include "facts/node_facts.hpp"
#include "host/host.hpp"
#include "model/check.hpp"

namespace kubeproof::facts {

/// Gathers every fact the given checks need from the node: components, the files and
/// directory trees their tests name, and the documents they read. All I/O goes through `host`.
NodeFacts collect(const host::Host& host, const model::Catalogue& catalogue, const std::vector<const model::Check*>& checks);

/// What stat says about one path, with owner names from the node's passwd/group files.
FileFact stat_fact(const host::Host& host, const std::string& path);

}  // namespace kubeproof::facts
