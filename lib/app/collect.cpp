#include "app/collect.hpp"

#include "app/facts_snapshot.hpp"
#include "app/node_scan.hpp"
#include "engine/benchmark_choice.hpp"
#include "engine/evaluator.hpp"
#include "facts/platform_clues.hpp"
#include "host/recording_host.hpp"

#ifndef KUBEPROOF_VERSION
#define KUBEPROOF_VERSION "0.0.0-dev"
#endif

namespace kubeproof::app {

util::Expected<std::string, ScanError> collect_facts(const model::Definitions& defs,
                                                     const CollectOptions& options,
                                                     std::vector<std::string>& warnings) {
    ScanOptions scan;
    scan.benchmark = options.benchmark;
    scan.root = options.root;
    if (auto problem = validate_options(defs, scan)) return util::unexpected(*problem);
    const std::time_t collected = options.fixed_time.value_or(std::time(nullptr));
    const auto node = host::make_real_host(options.root, options.proc);
    const host::RecordingHost recording(*node);
    // The node's clues are read through the recording too, whatever the benchmark: `run --facts`
    // then detects from the snapshot what a live scan detects from the node.
    const engine::BenchmarkChoice choice = engine::choose_benchmark(
        defs, {options.benchmark, facts::node_clues(recording, defs.catalogue)});
    if (!choice.error.empty()) return util::unexpected(ScanError{2, choice.error});
    scan.benchmark = choice.benchmark;
    if (auto problem = validate_options(defs, scan)) return util::unexpected(*problem);
    const model::Benchmark& bench = defs.benchmark(scan.benchmark);
    const auto checks = engine::selected_checks(bench, {node_targets(bench), {}, {}});
    auto facts = scan_node(recording, defs.catalogue, checks, options.root);
    if (!facts) return util::unexpected(facts.error());
    warnings.insert(warnings.end(), facts->warnings.begin(), facts->warnings.end());
    const host::SnapshotInfo info{KUBEPROOF_VERSION, options.definitions_sha256,
                                  bench.id,          rfc3339(collected),
                                  options.root,      options.proc};
    return host::write_snapshot({info, redact(recording.recording())});
}

}  // namespace kubeproof::app
