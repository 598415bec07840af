#include "history/merge.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <tuple>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "history/merge_results.hpp"
#include "model/targets.hpp"
#include "util/text.hpp"

namespace kubeproof::history {

namespace {

using Inputs = std::vector<MergeInput>;

util::Unexpected<MergeProblem> refuse(std::string message) {
    return util::unexpected(MergeProblem{std::move(message)});
}

/// The files of each value of `label`: "cis-1.12: a.json, b.json; cis-1.11: c.json".
template <typename Label>
std::string grouped(const Inputs& inputs, Label label) {
    std::vector<std::pair<std::string, std::vector<std::string>>> groups;
    for (const auto& in : inputs) {
        const std::string value = label(in);
        auto it = std::find_if(groups.begin(), groups.end(),
                               [&](const auto& g) { return g.first == value; });
        if (it == groups.end()) it = groups.insert(groups.end(), {value, {}});
        it->second.push_back(in.file);
    }
    std::vector<std::string> parts;
    parts.reserve(groups.size());
    for (const auto& [value, files] : groups)
        parts.push_back(fmt::format("{}: {}", value, fmt::join(files, ", ")));
    return fmt::format("{}", fmt::join(parts, "; "));
}

std::optional<MergeProblem> check_input(const MergeInput& in) {
    for (const auto& r : in.report.results) {
        if (!model::parse_status(r.status))
            return MergeProblem{
                fmt::format("{}: check {} has an unknown status '{}'", in.file, r.id, r.status)};
    }
    if (is_merged(in.report))
        return MergeProblem{fmt::format(
            "{} is a merged report already: merge the per-node reports it was made of", in.file)};
    return std::nullopt;
}

std::optional<MergeProblem> check_benchmarks(const Inputs& inputs) {
    auto benchmark = [](const MergeInput& in) {
        return fmt::format("{} ({})", in.report.header.benchmark, in.report.header.benchmark_title);
    };
    for (const auto& in : inputs) {
        if (benchmark(in) != benchmark(inputs.front()))
            return MergeProblem{
                "cannot merge reports of different benchmarks or benchmark versions: " +
                grouped(inputs, benchmark)};
    }
    return std::nullopt;
}

/// "cluster prod (uid 0d6f...)", "cluster prod", "cluster uid 0d6f...", "no cluster".
std::string cluster_of(const MergeInput& in) {
    const ReportHeader& h = in.report.header;
    if (!h.cluster_name.empty() && !h.cluster_uid.empty())
        return fmt::format("cluster {} (uid {})", h.cluster_name, h.cluster_uid);
    if (!h.cluster_name.empty()) return "cluster " + h.cluster_name;
    if (!h.cluster_uid.empty()) return "cluster uid " + h.cluster_uid;
    return "no cluster";
}

/// Whether two reports are of different clusters (true), of one (false), or cannot be told apart
/// (nullopt): the uids when both have one, else the names when both have one.
std::optional<bool> different_clusters(const ReportHeader& a, const ReportHeader& b) {
    if (!a.cluster_uid.empty() && !b.cluster_uid.empty()) return a.cluster_uid != b.cluster_uid;
    if (!a.cluster_name.empty() && !b.cluster_name.empty()) return a.cluster_name != b.cluster_name;
    return std::nullopt;
}

std::optional<MergeProblem> check_clusters(const Inputs& inputs, const std::string& cluster) {
    bool unknown = false;
    for (const auto& a : inputs) {
        if (!cluster.empty() && !a.report.header.cluster_name.empty() &&
            a.report.header.cluster_name != cluster)
            return MergeProblem{fmt::format("{} is a report of cluster {}, not of {} (--cluster)",
                                            a.file, a.report.header.cluster_name, cluster)};
        for (const auto& b : inputs) {
            if (&a == &b) continue;
            const auto different = different_clusters(a.report.header, b.report.header);
            if (different.value_or(false))
                return MergeProblem{"cannot merge reports of different clusters: " +
                                    grouped(inputs, cluster_of)};
            unknown = unknown || !different;
        }
    }
    if (unknown && cluster.empty())
        return MergeProblem{
            "cannot tell that these reports are of one cluster: " + grouped(inputs, cluster_of) +
            "; give --cluster NAME if they belong together"};
    return std::nullopt;
}

/// Keeps one report per node: refuses two of one node, or with `latest` keeps the newest.
std::optional<MergeProblem> one_per_node(Inputs& inputs, bool latest,
                                         std::vector<std::string>& warnings) {
    Inputs kept;
    for (auto& in : inputs) {
        const std::string node = subject_node(in.report.header);
        if (kept.empty() || subject_node(kept.back().report.header) != node) {
            kept.push_back(std::move(in));
            continue;
        }
        if (!latest)
            return MergeProblem{fmt::format(
                "two reports of node {}: {} and {} (give --latest to keep the newest of each node)",
                node, kept.back().file, in.file)};
        // The newer report stands for the node only if it judged every check the older one did:
        // one narrowed with --targets, --check or --framework would drop the older FAILs unseen.
        std::set<std::string> judged;
        for (const auto& r : in.report.results) judged.insert(r.key.empty() ? r.id : r.key);
        std::vector<std::string> dropped;
        for (const auto& r : kept.back().report.results) {
            if (judged.count(r.key.empty() ? r.id : r.key) == 0) dropped.push_back(r.id);
        }
        const size_t missing = dropped.size();
        const size_t shown = std::min<size_t>(missing, 5);
        dropped.resize(shown == dropped.size() ? shown : shown + 1);
        if (dropped.size() > shown) dropped.back() = "…";
        if (!dropped.empty())
            return MergeProblem{fmt::format(
                "--latest: node {}: {} (started {}) has no result for {} check{} that {} judged "
                "({}): it was narrowed with --targets, --check or --framework, so it cannot "
                "replace it; merge reports that judged the same checks",
                node, in.file, in.report.header.started_at, missing, missing == 1 ? "" : "s",
                kept.back().file, fmt::join(dropped, ", "))};
        warnings.push_back(fmt::format(
            "--latest: node {}: {} (started {}) replaces {} (started {})", node, in.file,
            in.report.header.started_at, kept.back().file, kept.back().report.header.started_at));
        kept.back() = std::move(in);
    }
    inputs = std::move(kept);
    return std::nullopt;
}

/// The value all inputs agree on, or "".
template <typename Field>
std::string common(const Inputs& inputs, Field field) {
    for (const auto& in : inputs) {
        if (field(in) != field(inputs.front())) return {};
    }
    return field(inputs.front());
}

/// Distinct non-empty values in natural order.
template <typename Field>
std::vector<std::string> distinct(const Inputs& inputs, Field field) {
    std::vector<std::string> out;
    for (const auto& in : inputs) {
        for (const std::string& value : field(in)) {
            if (!value.empty() && std::find(out.begin(), out.end(), value) == out.end())
                out.push_back(value);
        }
    }
    std::sort(out.begin(), out.end(),
              [](const std::string& a, const std::string& b) { return util::natural_less(a, b); });
    return out;
}

/// A field of the header as a list of one, for distinct().
auto one_of(std::string ReportHeader::*field) {
    return [field](const MergeInput& in) { return std::vector{in.report.header.*field}; };
}

std::string first_non_empty(const Inputs& inputs, std::string ReportHeader::*field) {
    for (const auto& in : inputs) {
        if (!(in.report.header.*field).empty()) return in.report.header.*field;
    }
    return {};
}

std::vector<std::string> merged_targets(const Inputs& inputs) {
    std::vector<std::string> out;
    for (const auto& target : model::k_targets) {
        const bool scanned = std::any_of(inputs.begin(), inputs.end(), [&](const MergeInput& in) {
            const auto& t = in.report.header.targets;
            return std::find(t.begin(), t.end(), target.name) != t.end();
        });
        if (scanned) out.emplace_back(target.name);
    }
    return out;
}

std::vector<model::InventoryNode> merged_inventory(const Inputs& inputs) {
    std::map<std::string, model::InventoryNode> by_name;
    for (const auto& in : inputs) {
        for (const auto& node : in.report.header.nodes) by_name.emplace(node.name, node);
    }
    std::vector<model::InventoryNode> out;
    out.reserve(by_name.size());
    for (auto& [name, node] : by_name) out.push_back(node);
    return out;
}

// The choice of benchmark the inputs state: theirs when they agree, else each node's rule.
std::optional<model::BenchmarkSelectedBy> merged_selection(const Inputs& inputs) {
    std::map<std::pair<std::string, std::string>, std::vector<std::string>> by_choice;
    for (const auto& in : inputs) {
        if (const auto& by = in.report.header.benchmark_selected_by)
            by_choice[{by->rule, by->detail}].push_back(subject_node(in.report.header));
    }
    if (by_choice.empty()) return std::nullopt;
    if (by_choice.size() == 1)
        return model::BenchmarkSelectedBy{by_choice.begin()->first.first,
                                          by_choice.begin()->first.second};
    std::vector<std::string> parts;
    parts.reserve(by_choice.size());
    for (const auto& [choice, nodes] : by_choice)
        parts.push_back(fmt::format("{} ({})", choice.first, fmt::join(nodes, ", ")));
    return model::BenchmarkSelectedBy{
        "merged", fmt::format("the nodes' reports chose it by: {}", fmt::join(parts, "; "))};
}

model::ScanInfo merged_scan(const Inputs& inputs, const MergeOptions& options) {
    const auto started = distinct(inputs, one_of(&ReportHeader::started_at));
    const auto finished = distinct(inputs, one_of(&ReportHeader::finished_at));
    model::ScanInfo scan;
    scan.id = options.scan_id;
    scan.started_at = started.empty() ? std::string() : started.front();
    scan.finished_at = finished.empty() ? std::string() : finished.back();
    scan.benchmark = inputs.front().report.header.benchmark;
    scan.benchmark_title = inputs.front().report.header.benchmark_title;
    scan.benchmarks = inputs.front().report.header.benchmarks;  // the same: see check_benchmarks
    scan.namespace_scope = inputs.front().report.header.namespace_scope;
    scan.kubernetes_version = fmt::format(
        "{}", fmt::join(distinct(inputs, one_of(&ReportHeader::kubernetes_version)), ", "));
    scan.targets = merged_targets(inputs);
    scan.detected =
        distinct(inputs, [](const MergeInput& in) { return in.report.header.detected; });
    scan.cluster_name = options.cluster.empty()
                            ? first_non_empty(inputs, &ReportHeader::cluster_name)
                            : options.cluster;
    scan.cluster_uid = first_non_empty(inputs, &ReportHeader::cluster_uid);
    scan.scope = "cluster";
    scan.nodes = merged_inventory(inputs);
    scan.benchmark_selected_by = merged_selection(inputs);
    scan.insecure_tls = std::any_of(inputs.begin(), inputs.end(), [](const MergeInput& in) {
        return in.report.header.insecure_tls;
    });
    if (scan.benchmark_selected_by)
        scan.benchmark_warnings = distinct(
            inputs, [](const MergeInput& in) { return in.report.header.benchmark_warnings; });
    for (const auto& in : inputs) {
        model::Totals totals;
        for (const auto& r : in.report.results) totals.add(*model::parse_status(r.status));
        scan.merged.push_back({in.file, in.sha256, subject_node(in.report.header),
                               in.report.header.id, in.report.header.started_at, totals});
    }
    return scan;
}

void warn_about_differences(const Inputs& inputs, const model::ScanInfo& scan,
                            std::vector<std::string>& warnings) {
    auto digest = [](const MergeInput& in) {
        const std::string& d = in.report.header.definitions_sha256;
        return d.empty() ? std::string("no definitions digest") : "definitions " + d.substr(0, 12);
    };
    if (common(inputs, digest).empty())
        warnings.push_back("the reports were judged by different check definitions: " +
                           grouped(inputs, digest));
    const auto names = distinct(inputs, one_of(&ReportHeader::cluster_name));
    if (names.size() > 1)
        warnings.push_back(
            fmt::format("the reports name their cluster differently ({}); the "
                        "merged report names it {}",
                        grouped(inputs, cluster_of), scan.cluster_name));
}

}  // namespace

util::Expected<MergeOutcome, MergeProblem> merge(std::vector<MergeInput> inputs,
                                                 const MergeOptions& options) {
    if (inputs.empty()) return refuse("no reports to merge");
    // By node, then time: the outcome and every message are the same in any argument order.
    std::sort(inputs.begin(), inputs.end(), [](const MergeInput& a, const MergeInput& b) {
        return std::tuple(subject_node(a.report.header), a.report.header.started_at, a.file) <
               std::tuple(subject_node(b.report.header), b.report.header.started_at, b.file);
    });
    for (const auto& in : inputs) {
        if (auto problem = check_input(in)) return refuse(problem->message);
    }
    if (auto problem = check_benchmarks(inputs)) return refuse(problem->message);
    if (auto problem = check_clusters(inputs, options.cluster)) return refuse(problem->message);
    MergeOutcome outcome;
    if (auto problem = one_per_node(inputs, options.latest, outcome.warnings))
        return refuse(problem->message);
    outcome.report.tool_version = options.tool_version;
    outcome.report.definitions_sha256 =
        common(inputs, [](const MergeInput& in) { return in.report.header.definitions_sha256; });
    outcome.report.scan = merged_scan(inputs, options);
    warn_about_differences(inputs, outcome.report.scan, outcome.warnings);
    std::vector<NodeReport> nodes;
    nodes.reserve(inputs.size());
    for (const auto& in : inputs) nodes.push_back({subject_node(in.report.header), &in.report});
    outcome.report.results = merge_results(nodes);
    outcome.report.frameworks = merge_frameworks(nodes);
    for (const auto& in : inputs)
        outcome.merged.push_back(fmt::format("{} ({})", subject_node(in.report.header), in.file));
    return outcome;
}

}  // namespace kubeproof::history
