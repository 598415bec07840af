#pragma once

#include <string>
#include <vector>

#include "model/check.hpp"

namespace kubeproof::engine {

/// One thing found about the cluster's Kubernetes version or platform, and where.
struct Clue {
    std::string rule;  ///< stable id of its source: "flag", "api-version", "static-pod-image", ...
    std::string version;   ///< "1.31.2" (or "1.31"); "" when the clue says nothing about it
    std::string minor;     ///< "1.31"; "" with `version`
    std::string platform;  ///< "k3s", "eks", ...; "" when the clue says nothing about it
    std::string source;    ///< where it was found: "from the API server's /version (v1.32.3-eks-1)"
};

/// What the choice is made from: --benchmark ("" or "detect": choose) and the clues, most
/// trusted first (the flags, then the API server, then the node).
struct ChoiceInput {
    std::string benchmark;
    std::vector<Clue> clues;
};

/// The benchmark chosen, by which rule, and the warnings a user must see.
struct BenchmarkChoice {
    std::string benchmark;  ///< "" with `error`
    std::string rule;       ///< "benchmark-flag", "flag", "api-version", ..., "fallback"
    std::string detail;     ///< one sentence: what was found where, and what it led to
    std::string minor;      ///< the Kubernetes minor it was chosen for; "" when unknown
    std::string platform;   ///< the platform it was chosen for
    std::vector<std::string> warnings;
    std::string error;  ///< set when no benchmark can be chosen (no mapping, several benchmarks)
};

/// Chooses the benchmark: --benchmark when given; else the platform of the first clue that names
/// one (generic when none does) and the minor of the first clue that has one, looked up in the
/// definitions' mapping (checks/benchmarks.yaml). A minor outside every range gets the platform's
/// `older` or `newer` benchmark, an unknown minor its `newer`, nothing detected at all the
/// mapping's fallback, each with a warning; so does a minor the chosen benchmark does not state it
/// covers. Pure.
BenchmarkChoice choose_benchmark(const model::Definitions& definitions, const ChoiceInput& input);

}  // namespace kubeproof::engine
