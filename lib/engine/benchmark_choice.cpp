#include "engine/benchmark_choice.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "parse/kube_version.hpp"

namespace kubeproof::engine {

namespace {

const Clue* first_with(const std::vector<Clue>& clues, std::string Clue::*field) {
    for (const auto& clue : clues) {
        if (!(clue.*field).empty()) return &clue;
    }
    return nullptr;
}

std::string written_for(const model::Benchmark& bench) {
    return bench.kubernetes.empty() ? std::string("no stated Kubernetes version")
                                    : fmt::format("{}", fmt::join(bench.kubernetes, ", "));
}

bool covers(const model::Benchmark& bench, const std::string& minor) {
    return std::find(bench.kubernetes.begin(), bench.kubernetes.end(), minor) !=
           bench.kubernetes.end();
}

// The warning when a known minor is not one the benchmark states it covers.
void warn_outside(const model::Definitions& defs, BenchmarkChoice& choice) {
    auto bench = defs.benchmarks.find(choice.benchmark);
    if (choice.minor.empty() || bench == defs.benchmarks.end() ||
        bench->second.kubernetes.empty() || covers(bench->second, choice.minor))
        return;
    choice.warnings.push_back(
        fmt::format("this cluster runs Kubernetes {}, but {} is written for {}: checks may be "
                    "missing or judged by another version's rules",
                    choice.minor, choice.benchmark, written_for(bench->second)));
}

// The benchmark of a platform and minor, by the mapping; adds the warning when the minor lies
// outside every range or is unknown.
std::string lookup(const model::PlatformChoice& platform, const std::string& name,
                   const std::string& minor, std::vector<std::string>& warnings) {
    if (minor.empty()) {
        warnings.push_back(fmt::format(
            "the Kubernetes version could not be detected: the {} platform's newest benchmark, "
            "{}, is used (pass --k8s-version X.Y to choose by version)",
            name, platform.newer));
        return platform.newer;
    }
    if (auto found = platform.minors.find(minor); found != platform.minors.end())
        return found->second;
    const bool older =
        std::all_of(platform.minors.begin(), platform.minors.end(),
                    [&](const auto& m) { return parse::compare_minors(minor, m.first) < 0; });
    const bool newer =
        std::all_of(platform.minors.begin(), platform.minors.end(),
                    [&](const auto& m) { return parse::compare_minors(minor, m.first) > 0; });
    const std::string& chosen = older ? platform.older : platform.newer;
    warnings.push_back(
        fmt::format("Kubernetes {} is {} every version kubeproof has a benchmark for "
                    "on the {} platform: {} is used",
                    minor,
                    older   ? "older than"
                    : newer ? "newer than"
                            : "between",
                    name, chosen));
    return chosen;
}

std::string version_text(const Clue& clue) {
    return fmt::format("Kubernetes {} {}", clue.version, clue.source);
}

}  // namespace

BenchmarkChoice choose_benchmark(const model::Definitions& defs, const ChoiceInput& input) {
    BenchmarkChoice choice;
    const Clue* version = first_with(input.clues, &Clue::minor);
    const Clue* platform = first_with(input.clues, &Clue::platform);
    choice.minor = version != nullptr ? version->minor : std::string();
    choice.platform = platform != nullptr ? platform->platform : "generic";
    if (!input.benchmark.empty() && input.benchmark != "detect") {
        choice.benchmark = input.benchmark;
        choice.rule = "benchmark-flag";
        choice.detail = fmt::format("--benchmark {}", input.benchmark);
        if (version != nullptr)
            choice.detail += fmt::format(" (detected: {})", version_text(*version));
        warn_outside(defs, choice);
        return choice;
    }
    const auto& mapping = defs.selection;
    if (mapping.platforms.empty()) {
        // A definitions tree without checks/benchmarks.yaml: its only benchmark, else ask.
        if (defs.benchmarks.size() == 1) {
            choice.benchmark = defs.benchmarks.begin()->first;
            choice.rule = "only-benchmark";
            choice.detail = fmt::format("the definitions hold one benchmark, {}", choice.benchmark);
            warn_outside(defs, choice);
        } else {
            choice.error =
                "these definitions have no checks/benchmarks.yaml to choose a benchmark with: pass "
                "--benchmark";
        }
        return choice;
    }
    if (version == nullptr && platform == nullptr) {
        choice.benchmark = mapping.fallback;
        choice.rule = "fallback";
        choice.detail = fmt::format("nothing detected → {}", mapping.fallback);
        choice.warnings.push_back(fmt::format(
            "neither the Kubernetes version nor the platform could be detected (no flag, no API "
            "server answer, no static pod image tag, no k3s or RKE2 files): {} is used; pass "
            "--k8s-version and --platform, or --benchmark",
            mapping.fallback));
        warn_outside(defs, choice);
        return choice;
    }
    std::string platform_name = choice.platform;
    auto entry = mapping.platforms.find(platform_name);
    if (entry == mapping.platforms.end()) {
        choice.warnings.push_back(fmt::format(
            "no benchmark is mapped for the {} platform: the generic one is used", platform_name));
        entry = mapping.platforms.find("generic");
    }
    if (entry ==
        mapping.platforms.end()) {  // the loader insists on generic; a hand-built one may not
        choice.benchmark = mapping.fallback;
        choice.rule = "fallback";
        choice.detail = fmt::format("no generic mapping → {}", mapping.fallback);
        return choice;
    }
    const std::size_t before = choice.warnings.size();
    choice.benchmark = lookup(entry->second, entry->first, choice.minor, choice.warnings);
    const bool warned = choice.warnings.size() > before;
    const Clue* lead = version != nullptr ? version : platform;
    choice.rule = lead->rule;
    std::string platform_text = fmt::format("{} platform", choice.platform);
    if (platform != nullptr && platform != version) platform_text += " " + platform->source;
    choice.detail =
        version != nullptr
            ? fmt::format("{}; {} → {}", version_text(*version), platform_text, choice.benchmark)
            : fmt::format("Kubernetes version unknown; {} → {}", platform_text, choice.benchmark);
    if (!warned) warn_outside(defs, choice);
    return choice;
}

}  // namespace kubeproof::engine
