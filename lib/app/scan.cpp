#include "app/scan.hpp"

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "app/api_components.hpp"
#include "app/benchmark_detect.hpp"
#include "app/node_scan.hpp"
#include "app/objects.hpp"
#include "app/waivers.hpp"
#include "engine/controls.hpp"
#include "engine/evaluator.hpp"
#include "engine/policy.hpp"
#include "history/waivers.hpp"
#include "k8s/resource_types.hpp"
#include "model/targets.hpp"
#include "parse/kube_version.hpp"
#include "util/contains.hpp"
#include "util/escape.hpp"

#ifndef KUBEPROOF_VERSION
#define KUBEPROOF_VERSION "0.0.0-dev"
#endif

namespace kubeproof::app {

namespace {

bool has_check(const model::Benchmark& b, const std::string& id) {
    bool found = false;
    model::for_each_check(
        b, [&](const auto&, const auto&, const model::Check& c) { found = found || c.id == id; });
    return found;
}

bool has_target(const model::Benchmark& b, std::string_view target) {
    return std::any_of(b.sections.begin(), b.sections.end(),
                       [&](const auto& s) { return s.target == target; });
}

std::vector<std::string> benchmark_targets(const model::Benchmark& b) {
    std::vector<std::string> out;
    for (const auto& t : model::k_targets) {
        if (has_target(b, t.name)) out.emplace_back(t.name);
    }
    return out;
}

uint64_t fnv1a(std::string_view text) {
    uint64_t hash = 1469598103934665603ULL;
    for (unsigned char c : text) hash = (hash ^ c) * 1099511628211ULL;
    return hash;
}

std::string scan_id(const ScanOptions& options, const std::string& benchmark,
                    const std::string& host, std::time_t started) {
    uint64_t a = fnv1a(fmt::format("{}|{}|{}", host, benchmark, started));
    uint64_t b = fnv1a(fmt::format("{}|{}", a, fmt::join(options.targets, ",")));
    if (!options.fixed_time) {
        std::random_device random;
        a ^= (static_cast<uint64_t>(random()) << 32) | random();
        b ^= (static_cast<uint64_t>(random()) << 32) | random();
    }
    return fmt::format("{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}", a >> 32, (a >> 16) & 0xffff,
                       a & 0xfff, b >> 52, b & 0xffffffffffffULL);
}

std::vector<model::SectionInfo> sections_of(const model::Benchmark& b,
                                            const std::vector<std::string>& targets) {
    std::vector<model::SectionInfo> out;
    for (const auto& s : b.sections) {
        if (std::find(targets.begin(), targets.end(), s.target) != targets.end())
            out.push_back({s.id, s.target, s.title});
    }
    return out;
}

std::vector<std::string> present_components(const engine::NodeFacts& facts) {
    std::vector<std::string> out;
    for (const auto& [id, c] : facts.components) {
        if (c.present) out.push_back(id);
    }
    return out;
}

bool has_target(const std::vector<std::string>& targets, std::string_view target) {
    return std::find(targets.begin(), targets.end(), target) != targets.end();
}

bool has_node_target(const std::vector<std::string>& targets) {
    return std::any_of(targets.begin(), targets.end(),
                       [](const std::string& t) { return model::is_node_target(t); });
}

// --targets, else what was detected on the node (all node targets when nothing was), plus policies
// when kubeproof has objects to judge.
std::vector<std::string> default_targets(const model::Benchmark& bench,
                                         const model::Definitions& defs,
                                         const engine::NodeFacts& facts,
                                         const std::vector<std::string>& asked, bool have_objects,
                                         bool node_wanted) {
    if (!asked.empty()) return asked;
    std::vector<std::string> targets;
    if (node_wanted) {
        targets = engine::detected_targets(defs.catalogue, facts);
        if (targets.empty()) targets = node_targets(bench);
        // A managed platform's cloud-side sections (control plane logging, managed services) are
        // guidance about the cluster the worker belongs to: shown with the worker's own checks.
        const bool managed =
            bench.platform == "eks" || bench.platform == "gke" || bench.platform == "aks";
        if (managed && util::contains(targets, std::string("node")) &&
            !util::contains(targets, std::string("controlplane")) &&
            has_target(bench, "controlplane"))
            targets.insert(targets.begin(), "controlplane");
    }
    if (have_objects && has_target(bench, model::k_objects_target))
        targets.emplace_back(model::k_objects_target);
    return targets;
}

// Objects from manifest files that no API server would accept are invalid input (exit 2, with
// file:line), as a syntax error is; from the API they only make the checks that read them ERROR.
std::optional<ScanError> malformed_manifests(
    const std::vector<engine::MalformedObject>& malformed) {
    // One line per object in the details, each field escaped there: a file name is one field,
    // whatever it holds, and the lines are printed as they are.
    std::string lines;
    size_t count = 0;
    for (const auto& object : malformed) {
        if (object.origin.file.empty()) continue;
        lines += fmt::format("{}:{}: {}: {}\n", util::escape_text(object.origin.file),
                             object.origin.line, util::escape_text(object.name),
                             util::escape_text(object.problem));
        ++count;
    }
    if (count == 0) return std::nullopt;
    return ScanError{
        2,
        fmt::format("the manifests cannot be scanned: {} {} no API server would accept", count,
                    count == 1 ? "object" : "objects"),
        std::move(lines)};
}

// Lists every resource type policy checks read and judges the objects as they stream by.
util::Expected<engine::PolicyOutcomes, ScanError> evaluate_policies(
    k8s::ObjectSource& source, const std::vector<const model::Check*>& checks) {
    std::vector<const model::Check*> policy_checks;
    for (const auto* c : checks) {
        if (c->is_policy_check()) policy_checks.push_back(c);
    }
    std::vector<model::ResourceType> types =
        engine::types_read_by(policy_checks, k8s::policy_resource_types());
    for (auto& type : types) type.ignored_fields = engine::fields_never_read(type.kind);
    engine::PolicyRun run(policy_checks, types);
    const auto outcomes = source.list_all(
        k8s::policy_list_stages(types), [&](nlohmann::json&& object, const model::Origin& origin) {
            run.add(std::move(object), origin);
        });
    for (const auto& outcome : outcomes) run.record(outcome);
    auto results = run.finish();
    if (auto invalid = malformed_manifests(run.malformed())) return util::unexpected(*invalid);
    return results;
}

// Keeps the results mapped to `framework` (all when empty) and lists the frameworks to summarise.
void apply_framework(model::Report& report, const model::Definitions& defs,
                     const std::string& framework) {
    for (const auto& [id, fw] : defs.frameworks) {
        if (framework.empty() || id == framework)
            report.frameworks.push_back(engine::framework_info(fw));
    }
    if (framework.empty()) return;
    auto unmapped = [&](const model::Result& r) { return r.controls.count(framework) == 0; };
    report.results.erase(std::remove_if(report.results.begin(), report.results.end(), unmapped),
                         report.results.end());
}

// The node a node scan is about: --node-name (or NODE_NAME), else the name a component was told
// to use for its node (the kubelet's --hostname-override), else the node's host name.
std::string node_name(const ScanOptions& options, const model::Catalogue& catalogue,
                      const engine::NodeFacts& facts) {
    if (!options.node_name.empty()) return options.node_name;
    for (const auto& [id, component] : catalogue.components) {
        const auto found = facts.components.find(id);
        if (component.node_name_flag.empty() || found == facts.components.end() ||
            !found->second.present)
            continue;
        if (auto name = found->second.flags.last(component.node_name_flag); name && !name->empty())
            return *name;
    }
    return facts.hostname;
}

// Who and what the scan is about: its scope, node, cluster and, for a cluster scan, the inventory
// of nodes that should have node reports of their own.
void identify(model::ScanInfo& scan, const ScanOptions& options, const model::Catalogue& catalogue,
              const engine::NodeFacts& facts, const OpenedObjects& objects,
              std::vector<std::string>& warnings) {
    const bool cluster =
        std::none_of(scan.targets.begin(), scan.targets.end(),
                     [](const std::string& t) { return model::is_node_target(t); });
    scan.scope = cluster ? "cluster" : "node";
    if (!cluster) scan.node = node_name(options, catalogue, facts);
    scan.cluster_name = options.cluster.empty() ? objects.cluster_name : options.cluster;
    scan.cluster_uid = objects.cluster_uid;
    if (cluster) scan.nodes = list_inventory(objects, warnings);
}

}  // namespace

std::string rfc3339(std::time_t when) {
    return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(when));
}

namespace {

// The options that do not depend on the benchmark: the framework, the root, the version and
// platform flags.
std::optional<ScanError> validate_general(const model::Definitions& defs,
                                          const ScanOptions& options) {
    if (!options.framework.empty() && defs.frameworks.count(options.framework) == 0) {
        std::vector<std::string> known;
        for (const auto& [id, fw] : defs.frameworks) known.push_back(id);
        return ScanError{2, fmt::format("unknown framework '{}' (known: {})", options.framework,
                                        fmt::join(known, ", "))};
    }
    // An empty --root used to scan the machine's own root, silently: a scan of the wrong node that
    // looks like the right one.
    if (options.root.empty())
        return ScanError{2, "--root needs a directory: \"\" is not one (the default is /)"};
    if (!options.k8s_version.empty() && !parse::parse_minor_flag(options.k8s_version))
        return ScanError{2, fmt::format("invalid --k8s-version '{}': expected X.Y or X.Y.Z, e.g. "
                                        "1.31 or 1.31.2",
                                        options.k8s_version)};
    if (!options.platform.empty() && !is_platform(options.platform))
        return ScanError{2, fmt::format("invalid --platform '{}': expected generic, k3s, rke2, "
                                        "eks, gke or aks",
                                        options.platform)};
    return std::nullopt;
}

// The options that name parts of the benchmark: it must exist, and have the targets and checks.
std::optional<ScanError> validate_for_benchmark(const model::Definitions& defs,
                                                const ScanOptions& options) {
    auto bench = defs.benchmarks.find(options.benchmark);
    if (bench == defs.benchmarks.end()) {
        std::vector<std::string> known;
        for (const auto& [id, b] : defs.benchmarks) known.push_back(id);
        return ScanError{2, fmt::format("unknown benchmark '{}' (known: {})", options.benchmark,
                                        fmt::join(known, ", "))};
    }
    for (const auto& t : options.targets) {
        if (!has_target(bench->second, t)) {
            return ScanError{
                2, fmt::format("benchmark {} has no target '{}' (it has: {})", options.benchmark, t,
                               fmt::join(benchmark_targets(bench->second), ", "))};
        }
    }
    for (const auto* list : {&options.only, &options.skip}) {
        for (const auto& id : *list) {
            if (!has_check(bench->second, id)) {
                return ScanError{2, fmt::format("unknown check id '{}' in {} (benchmark {})", id,
                                                list == &options.only ? "--check" : "--skip",
                                                options.benchmark)};
            }
        }
    }
    return std::nullopt;
}

}  // namespace

std::optional<ScanError> validate_options(const model::Definitions& defs,
                                          const ScanOptions& options) {
    if (auto problem = validate_general(defs, options)) return problem;
    if (options.benchmark.empty() || options.benchmark == "detect") return std::nullopt;
    return validate_for_benchmark(defs, options);
}

util::Expected<model::Report, ScanError> run_scan(const model::Definitions& defs,
                                                  const ScanOptions& asked,
                                                  std::vector<std::string>& warnings) {
    if (auto problem = validate_options(defs, asked)) return util::unexpected(*problem);
    auto node = open_node(asked, warnings);
    if (!node) return util::unexpected(node.error());
    const host::Host& host = *node->host;
    auto objects = open_objects(asked, warnings);
    if (!objects) return util::unexpected(objects.error());
    const bool node_wanted =
        asked.targets.empty() ? !objects->objects_only : has_node_target(asked.targets);
    if (node_wanted) {
        if (auto unreadable = unreadable_root(host, node->root))
            return util::unexpected(*unreadable);
    }
    // The benchmark is chosen before the node scan, which gathers the facts of its checks.
    const engine::BenchmarkChoice choice =
        detect_benchmark(defs, asked, *node, *objects, node_wanted);
    if (!choice.error.empty()) return util::unexpected(ScanError{2, choice.error});
    ScanOptions options = asked;
    options.benchmark = choice.benchmark;
    if (auto problem = validate_for_benchmark(defs, options)) return util::unexpected(*problem);
    for (const auto& w : choice.warnings) warnings.push_back(w);
    if (auto other = snapshot_mismatch(asked, *node, choice.benchmark)) warnings.push_back(*other);
    const model::Benchmark& bench = defs.benchmarks.at(options.benchmark);
    std::optional<model::WaiverFile> waivers;
    if (!options.waivers.empty()) {
        auto read = waivers_for_scan(options.waivers, bench, warnings);
        if (!read) return util::unexpected(read.error());
        waivers = std::move(*read);
    }
    std::time_t started = options.fixed_time.value_or(std::time(nullptr));
    engine::Selection selection{node_targets(bench),
                                {options.only.begin(), options.only.end()},
                                {options.skip.begin(), options.skip.end()}};
    k8s::ObjectSource* source = objects->source.get();
    engine::NodeFacts facts;
    facts.hostname = host.hostname();
    if (node_wanted) {
        // k3s hides its arguments; the API server keeps them on the node object.
        std::optional<facts::RecordedServerArgs> recorded;
        if (objects->api != nullptr)
            recorded = recorded_server_args(
                *objects->api, options.node_name.empty() ? host.hostname() : options.node_name,
                warnings);
        auto scanned = scan_node(host, defs.catalogue, engine::selected_checks(bench, selection),
                                 node->root, recorded ? &*recorded : nullptr);
        if (!scanned) return util::unexpected(scanned.error());
        facts = std::move(*scanned);
    }
    warnings.insert(warnings.end(), facts.warnings.begin(), facts.warnings.end());
    if (node_wanted && source != nullptr && !objects->objects_only) {
        // managed or remote control planes, and the files their flags name under --root
        components_and_files_from_api(*source, host, defs.catalogue,
                                      engine::selected_checks(bench, selection), facts, warnings);
    }
    if (facts.kubernetes_version.empty()) facts.kubernetes_version = objects->server_version;
    if (facts.kubernetes_version.empty()) facts.kubernetes_version = choice.minor;
    selection.targets =
        default_targets(bench, defs, facts, options.targets, source != nullptr, node_wanted);
    std::optional<engine::PolicyOutcomes> policies;
    if (source != nullptr && has_target(selection.targets, model::k_objects_target)) {
        auto evaluated = evaluate_policies(*source, engine::selected_checks(bench, selection));
        if (!evaluated) return util::unexpected(evaluated.error());
        policies = std::move(*evaluated);
    }
    model::Report report;
    report.tool_version = KUBEPROOF_VERSION;
    report.results =
        engine::evaluate(bench, defs.catalogue, facts, selection, policies ? &*policies : nullptr);
    engine::attach_controls(report.results, defs.frameworks);
    apply_framework(report, defs, options.framework);
    report.sections = sections_of(bench, selection.targets);
    std::time_t finished = options.fixed_time.value_or(std::time(nullptr));
    report.scan = {scan_id(options, bench.id, facts.hostname, started),
                   rfc3339(started),
                   rfc3339(finished),
                   facts.hostname,
                   bench.id,
                   bench.title,
                   facts.kubernetes_version,
                   selection.targets,
                   present_components(facts)};
    report.scan.benchmark_selected_by = model::BenchmarkSelectedBy{choice.rule, choice.detail};
    report.scan.benchmark_warnings = choice.warnings;
    report.definitions_sha256 = options.definitions_sha256;
    identify(report.scan, options, defs.catalogue, facts, *objects, warnings);
    if (waivers) report.waivers = history::apply_waivers(report, *waivers, started);
    return report;
}

}  // namespace kubeproof::app
