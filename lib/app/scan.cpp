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
#include "parse/values.hpp"
#include "util/contains.hpp"
#include "util/escape.hpp"
#include "util/text.hpp"

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

// Lists every resource type policy checks read and judges the objects in scope as they stream by;
// `selected` gets the namespaces a --namespace-selector matched.
util::Expected<engine::PolicyOutcomes, ScanError> evaluate_policies(
    k8s::ObjectSource& source, const std::vector<const model::Check*>& checks,
    const engine::NamespaceScope& scope, std::vector<std::string>& selected) {
    std::vector<const model::Check*> policy_checks;
    for (const auto* c : checks) {
        if (c->is_policy_check()) policy_checks.push_back(c);
    }
    std::vector<model::ResourceType> types =
        engine::types_read_by(policy_checks, k8s::policy_resource_types());
    // A selector is resolved from the Namespaces, listed first (stage 0) whatever the checks read.
    const bool namespaces_listed = std::any_of(types.begin(), types.end(), [](const auto& type) {
        return type.kind == "Namespace" && type.group.empty();
    });
    if (scope.selects() && !namespaces_listed && !policy_checks.empty()) {
        for (const auto& type : k8s::policy_resource_types()) {
            if (type.kind == "Namespace" && type.group.empty()) types.insert(types.begin(), type);
        }
    }
    for (auto& type : types) type.ignored_fields = engine::fields_never_read(type.kind);
    engine::PolicyRun run(policy_checks, types, scope);
    const auto outcomes = source.list_all(
        k8s::policy_list_stages(types), [&](nlohmann::json&& object, const model::Origin& origin) {
            run.add(std::move(object), origin);
        });
    for (const auto& outcome : outcomes) run.record(outcome);
    auto results = run.finish();
    selected = run.selected_namespaces();
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
    scan.insecure_tls = objects.insecure_tls;
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

// The options that name parts of the benchmark (or of the benchmarks scanned together): the
// targets and checks must be in it.
std::optional<ScanError> validate_for_benchmark(const model::Benchmark& bench,
                                                const ScanOptions& options) {
    for (const auto& t : options.targets) {
        if (!has_target(bench, t)) {
            return ScanError{
                2, fmt::format("benchmark {} has no target '{}' (it has: {})", bench.id, t,
                               fmt::join(benchmark_targets(bench), ", "))};
        }
    }
    for (const auto* list : {&options.only, &options.skip}) {
        for (const auto& id : *list) {
            if (!has_check(bench, id)) {
                return ScanError{
                    2, fmt::format("unknown check id '{}' in {} (benchmark {})", id,
                                   list == &options.only ? "--check" : "--skip", bench.id)};
            }
        }
    }
    return std::nullopt;
}

// The benchmarks --benchmark names, in order: each known (or "detect", at most once), none twice.
util::Expected<std::vector<std::string>, ScanError> named_benchmarks(const model::Definitions& defs,
                                                                     const std::string& text) {
    std::vector<std::string> ids = parse::split_list(text);
    if (ids.empty()) ids.emplace_back("detect");
    for (size_t i = 0; i < ids.size(); ++i) {
        const std::string& id = ids[i];
        if (std::find(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(i), id) !=
            ids.begin() + static_cast<std::ptrdiff_t>(i))
            return util::unexpected(ScanError{2, fmt::format("--benchmark names {} twice", id)});
        if (id == "detect" || defs.benchmarks.count(id) != 0) continue;
        std::vector<std::string> known;
        for (const auto& entry : defs.benchmarks) known.push_back(entry.first);
        return util::unexpected(ScanError{
            2, fmt::format("unknown benchmark '{}' (known: {})", id, fmt::join(known, ", "))});
    }
    return ids;
}

// Several benchmarks as one to scan: their sections in the order named, each keeping its
// benchmark's id for its results. Their check ids and section ids must differ, since reports,
// waivers, diffs and --check name checks by id alone (two CIS editions share theirs).
util::Expected<model::Benchmark, ScanError> combine_benchmarks(
    const model::Definitions& defs, const std::vector<std::string>& ids) {
    model::Benchmark combined;
    std::vector<std::string> titles;
    std::map<std::string, std::string> owners;  // section or check id -> its benchmark
    auto claim = [&](const std::string& what, const std::string& id,
                     const std::string& benchmark) -> std::optional<ScanError> {
        const auto found = owners.emplace(what + " " + id, benchmark);
        if (found.second) return std::nullopt;
        return ScanError{2, fmt::format("benchmarks {} and {} cannot be scanned together: both "
                                        "have {} {} (scan them separately)",
                                        found.first->second, benchmark, what, id)};
    };
    for (const auto& id : ids) {
        const model::Benchmark& bench = defs.benchmark(id);
        if (combined.id.empty()) {
            combined.platform = bench.platform;
            combined.kubernetes = bench.kubernetes;
        }
        combined.id += (combined.id.empty() ? "" : "+") + id;
        titles.push_back(bench.title);
        for (model::Section section : bench.sections) {
            if (auto clash = claim("section", section.id, id)) return util::unexpected(*clash);
            for (const auto& group : section.groups) {
                for (const auto& check : group.checks) {
                    if (auto clash = claim("check", check.id, id)) return util::unexpected(*clash);
                }
            }
            section.benchmark = id;
            combined.sections.push_back(std::move(section));
        }
    }
    combined.title = fmt::format("{}", fmt::join(titles, " + "));
    return combined;
}

// A label selector of one LABEL=VALUE, as Kubernetes spells label keys and values.
bool valid_selector(const std::string& selector) {
    const size_t equals = selector.find('=');
    if (equals == std::string::npos) return false;
    const std::string key = selector.substr(0, equals);
    const std::string value = selector.substr(equals + 1);
    auto name_part = [](std::string_view text, bool empty_ok) {
        if (text.empty()) return empty_ok;
        auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
        return text.size() <= 63 && alnum(text.front()) && alnum(text.back()) &&
               std::all_of(text.begin(), text.end(),
                           [&](char c) { return alnum(c) || c == '-' || c == '_' || c == '.'; });
    };
    const size_t slash = key.find('/');
    if (slash != std::string::npos &&
        !util::is_dns_name(std::string_view(key).substr(0, slash), true))
        return false;
    return name_part(slash == std::string::npos ? std::string_view(key)
                                                : std::string_view(key).substr(slash + 1),
                     false) &&
           name_part(value, true);
}

// --namespaces and --namespace-selector: one or the other, well-formed.
std::optional<ScanError> validate_scope(const ScanOptions& options) {
    if (!options.namespaces.empty() && !options.namespace_selector.empty())
        return ScanError{2, "use either --namespaces or --namespace-selector, not both"};
    for (const auto& name : options.namespaces) {
        if (!util::is_dns_name(name))
            return ScanError{2, fmt::format("invalid namespace '{}' in --namespaces: a namespace "
                                            "name has lower-case letters, digits and '-'",
                                            name)};
    }
    if (!options.namespace_selector.empty() && !valid_selector(options.namespace_selector))
        return ScanError{2, fmt::format("invalid --namespace-selector '{}': expected LABEL=VALUE, "
                                        "e.g. pci-scope=cde",
                                        options.namespace_selector)};
    return std::nullopt;
}

// The namespaces the policy checks judge: the options' scope, else the system namespaces of the
// benchmarks that leave them out (their checks only).
engine::NamespaceScope namespace_scope(const ScanOptions& options, const model::Benchmark& bench,
                                       const model::Definitions& defs) {
    engine::NamespaceScope scope;
    scope.only = {options.namespaces.begin(), options.namespaces.end()};
    if (const size_t equals = options.namespace_selector.find('='); equals != std::string::npos) {
        scope.label = options.namespace_selector.substr(0, equals);
        scope.value = options.namespace_selector.substr(equals + 1);
    }
    for (const auto& section : bench.sections) {
        const auto owner =
            defs.benchmarks.find(section.benchmark.empty() ? bench.id : section.benchmark);
        if (owner == defs.benchmarks.end() || owner->second.system_namespaces.empty()) continue;
        scope.system.insert(owner->second.system_namespaces.begin(),
                            owner->second.system_namespaces.end());
        for (const auto& group : section.groups) {
            for (const auto& check : group.checks) scope.excluding.insert(check.id);
        }
    }
    return scope;
}

// What the report says of the scope: nothing when no option and no system exclusion applied.
std::optional<model::NamespaceScopeInfo> scope_info(const engine::NamespaceScope& scope,
                                                    const model::Benchmark& bench,
                                                    const model::Definitions& defs,
                                                    std::vector<std::string> selected) {
    if (!scope.named() && scope.system.empty()) return std::nullopt;
    model::NamespaceScopeInfo info;
    info.namespaces = {scope.only.begin(), scope.only.end()};
    if (scope.selects()) info.selector = scope.label + "=" + scope.value;
    info.selected = std::move(selected);
    if (!scope.named()) {
        info.excluded = {scope.system.begin(), scope.system.end()};
        for (const auto& section : bench.sections) {
            const std::string& owner = section.benchmark.empty() ? bench.id : section.benchmark;
            const auto found = defs.benchmarks.find(owner);
            if (found != defs.benchmarks.end() && !found->second.system_namespaces.empty() &&
                !util::contains(info.excluded_by, owner))
                info.excluded_by.push_back(owner);
        }
    }
    return info;
}

}  // namespace

std::optional<ScanError> validate_options(const model::Definitions& defs,
                                          const ScanOptions& options) {
    if (auto problem = validate_general(defs, options)) return problem;
    if (auto problem = validate_scope(options)) return problem;
    auto ids = named_benchmarks(defs, options.benchmark);
    if (!ids) return ids.error();
    if (util::contains(*ids, std::string("detect"))) return std::nullopt;
    if (ids->size() == 1) return validate_for_benchmark(defs.benchmark(ids->front()), options);
    auto combined = combine_benchmarks(defs, *ids);
    if (!combined) return combined.error();
    return validate_for_benchmark(*combined, options);
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
    // The benchmark is chosen before the node scan, which gathers the facts of its checks: the
    // one detected (or the first named), with any others named beside it.
    auto ids = named_benchmarks(defs, asked.benchmark);
    if (!ids) return util::unexpected(ids.error());
    const auto detect_at = std::find(ids->begin(), ids->end(), "detect");
    ScanOptions options = asked;
    options.benchmark = detect_at != ids->end() ? "detect" : ids->front();
    engine::BenchmarkChoice choice = detect_benchmark(defs, options, *node, *objects, node_wanted);
    if (!choice.error.empty()) return util::unexpected(ScanError{2, choice.error});
    if (detect_at != ids->end()) {
        if (util::contains(*ids, choice.benchmark))
            return util::unexpected(ScanError{
                2, fmt::format("--benchmark names {}, which detection chose for 'detect' too",
                               choice.benchmark)});
        *detect_at = choice.benchmark;
    }
    if (ids->size() > 1) {
        std::vector<std::string> others;
        for (const auto& id : *ids) {
            if (id != choice.benchmark) others.push_back(id);
        }
        choice.detail +=
            fmt::format("; scanned with {} (named by --benchmark)", fmt::join(others, ", "));
    }
    std::optional<model::Benchmark> combined;
    if (ids->size() > 1) {
        auto together = combine_benchmarks(defs, *ids);
        if (!together) return util::unexpected(together.error());
        combined = std::move(*together);
    }
    const model::Benchmark& bench = combined ? *combined : defs.benchmark(ids->front());
    options.benchmark = bench.id;
    if (auto problem = validate_for_benchmark(bench, options)) return util::unexpected(*problem);
    for (const auto& w : choice.warnings) warnings.push_back(w);
    if (auto other = snapshot_mismatch(asked, *node, choice.benchmark)) warnings.push_back(*other);
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
    // The node checks, whose facts the node scan and the API's mirror pods gather.
    const std::vector<const model::Check*> node_checks = engine::selected_checks(bench, selection);
    if (node_wanted) {
        // k3s hides its arguments; the API server keeps them on the node object.
        std::optional<facts::RecordedServerArgs> recorded;
        if (objects->api != nullptr)
            recorded = recorded_server_args(
                *objects->api, options.node_name.empty() ? host.hostname() : options.node_name,
                warnings);
        auto scanned = scan_node(host, defs.catalogue, node_checks, node->root,
                                 recorded ? &*recorded : nullptr);
        if (!scanned) return util::unexpected(scanned.error());
        facts = std::move(*scanned);
    }
    warnings.insert(warnings.end(), facts.warnings.begin(), facts.warnings.end());
    if (node_wanted && source != nullptr && !objects->objects_only) {
        // managed or remote control planes, and the files their flags name under --root
        components_and_files_from_api(*source, host, defs.catalogue, node_checks, facts, warnings);
    }
    if (facts.kubernetes_version.empty()) facts.kubernetes_version = objects->server_version;
    if (facts.kubernetes_version.empty()) facts.kubernetes_version = choice.minor;
    selection.targets =
        default_targets(bench, defs, facts, options.targets, source != nullptr, node_wanted);
    std::optional<engine::PolicyOutcomes> policies;
    const engine::NamespaceScope scope = namespace_scope(options, bench, defs);
    std::optional<model::NamespaceScopeInfo> scoped;
    if (source != nullptr && has_target(selection.targets, model::k_objects_target)) {
        std::vector<std::string> selected;
        auto evaluated =
            evaluate_policies(*source, engine::selected_checks(bench, selection), scope, selected);
        if (!evaluated) return util::unexpected(evaluated.error());
        policies = std::move(*evaluated);
        if (scope.selects() && selected.empty())
            warnings.push_back(fmt::format(
                "--namespace-selector {} matched no Namespace object: the policy checks judged no "
                "namespaced object",
                options.namespace_selector));
        scoped = scope_info(scope, bench, defs, std::move(selected));
    } else if (scope.named()) {
        warnings.emplace_back(
            "--namespaces and --namespace-selector limit the policy checks, and this scan judges "
            "no Kubernetes objects (give --manifests or a kubeconfig)");
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
    if (ids->size() > 1) report.scan.benchmarks = *ids;
    report.scan.namespace_scope = std::move(scoped);
    report.definitions_sha256 = options.definitions_sha256;
    identify(report.scan, options, defs.catalogue, facts, *objects, warnings);
    note_deadline(*objects, warnings);
    if (waivers) report.waivers = history::apply_waivers(report, *waivers, started);
    return report;
}

}  // namespace kubeproof::app
