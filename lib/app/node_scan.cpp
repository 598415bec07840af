#include "app/node_scan.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "app/facts_snapshot.hpp"
#include "facts/collector.hpp"
#include "host/snapshot_host.hpp"
#include "model/targets.hpp"
#include "util/text.hpp"

namespace kubeproof::app {

namespace {

// Why a snapshot may lack what this scan reads: it was collected with other check definitions.
// (Another benchmark is said once the scan's benchmark is chosen: app::snapshot_mismatch.)
std::optional<std::string> collected_for_other_checks(const host::SnapshotInfo& info,
                                                      const ScanOptions& options) {
    if (info.definitions_sha256 == options.definitions_sha256) return std::nullopt;
    return fmt::format(
        "the facts in {} were collected with other check definitions: what they do not hold "
        "counts as not found on the node",
        options.facts);
}

}  // namespace

util::Expected<OpenedNode, ScanError> open_node(const ScanOptions& options,
                                                std::vector<std::string>& warnings) {
    if (options.facts.empty())
        return OpenedNode{host::make_real_host(options.root, options.proc), options.root};
    auto snapshot = read_facts(options.facts);
    if (!snapshot) return util::unexpected(snapshot.error());
    if (auto other = collected_for_other_checks(snapshot->info, options))
        warnings.push_back(*other);
    return OpenedNode{std::make_unique<host::SnapshotHost>(std::move(snapshot->calls)),
                      snapshot->info.root, snapshot->info.benchmark};
}

std::vector<std::string> node_targets(const model::Benchmark& bench) {
    std::vector<std::string> out;
    for (const auto& target : model::k_targets) {
        const bool in_bench = std::any_of(bench.sections.begin(), bench.sections.end(),
                                          [&](const auto& s) { return s.target == target.name; });
        if (in_bench && model::is_node_target(target.name)) out.emplace_back(target.name);
    }
    return out;
}

std::optional<ScanError> unreadable_root(const host::Host& host, const std::string& root) {
    if (auto top = host.stat("/"); !top || top->type != host::FileInfo::Type::Directory) {
        std::string why = top ? "not a directory" : util::reason_of(top.error().message);
        return ScanError{
            3, fmt::format("cannot scan: the node root {} is not readable ({})", root, why)};
    }
    return std::nullopt;
}

util::Expected<engine::NodeFacts, ScanError> scan_node(
    const host::Host& host, const model::Catalogue& catalogue,
    const std::vector<const model::Check*>& checks, const std::string& root,
    const facts::RecordedServerArgs* recorded) {
    if (auto unreadable = unreadable_root(host, root)) return util::unexpected(*unreadable);
    engine::NodeFacts facts = facts::collect(host, catalogue, checks, {}, recorded);
    if (!facts.process_error.empty()) {
        return util::unexpected(
            ScanError{3, "cannot scan: cannot list the node's processes: " + facts.process_error});
    }
    return facts;
}

}  // namespace kubeproof::app
