#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "engine/node_facts.hpp"
#include "engine/outcome.hpp"
#include "model/check.hpp"
#include "model/result.hpp"

namespace kubeproof::engine {

/// Which checks a scan covers.
struct Selection {
    std::vector<std::string> targets;  ///< sections to run, by target
    std::set<std::string> only;        ///< --check ids (empty: all)
    std::set<std::string> skip;        ///< --skip ids
};

/// The checks of a benchmark that a selection covers, in benchmark order.
std::vector<const model::Check*> selected_checks(const model::Benchmark& benchmark,
                                                 const Selection& selection);

/// Outcomes of the policy (section 5) checks by check id; null when no object source was given.
using PolicyOutcomes = std::map<std::string, ItemOutcome>;

/// Evaluates one check against the facts (and, for policy checks, the policy outcomes). Pure.
model::Result evaluate_check(const model::Check& check, const model::Catalogue& catalogue,
                             const engine::NodeFacts& facts,
                             const PolicyOutcomes* policies = nullptr);

/// Evaluates every selected check; results are in benchmark order, sections in `sections`.
std::vector<model::Result> evaluate(const model::Benchmark& benchmark,
                                    const model::Catalogue& catalogue,
                                    const engine::NodeFacts& facts, const Selection& selection,
                                    const PolicyOutcomes* policies = nullptr);

/// The targets whose components were found on the node, or are known to be absent for a reason
/// (k3s with SQLite: etcd), in benchmark order.
std::vector<std::string> detected_targets(const model::Catalogue& catalogue,
                                          const engine::NodeFacts& facts);

}  // namespace kubeproof::engine
