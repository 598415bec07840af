#include "loader/selection_reader.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "parse/kube_version.hpp"

namespace kubeproof::loader {

namespace {

constexpr std::array<std::string_view, 6> k_selection_platforms = {"generic", "k3s", "rke2",
                                                                   "eks",     "gke", "aks"};

struct SelectionReading {
    const YamlContext& ctx;
    const std::map<std::string, model::Benchmark>& benchmarks;

    // A benchmark id the mapping names: it must exist and, under a platform, be that platform's.
    std::string benchmark(MapReader& map, std::string_view key, std::string_view platform) {
        const YAML::Node at = map.node()[std::string(key)];
        std::string id = map.string(key, true);
        if (id.empty()) return id;
        auto found = benchmarks.find(id);
        if (found == benchmarks.end()) {
            std::vector<std::string> known;
            for (const auto& [name, b] : benchmarks) known.push_back(name);
            ctx.error(
                at, fmt::format("unknown benchmark '{}' (known: {})", id, fmt::join(known, ", ")));
        } else if (!platform.empty() && found->second.platform != platform) {
            ctx.error(at, fmt::format("benchmark '{}' is for platform {}, not {}", id,
                                      found->second.platform, platform));
        }
        return id;
    }

    void range(const YAML::Node& node, std::string_view platform, model::PlatformChoice& choice) {
        MapReader map(ctx, node, "range");
        if (!map.ok()) return;
        const std::string id = benchmark(map, "benchmark", platform);
        const YAML::Node minors = map.node()["minors"];
        for (const auto& minor : map.strings("minors", true)) {
            if (!parse::is_minor(minor)) {
                ctx.error(minors, fmt::format("invalid Kubernetes minor '{}': expected X.Y, e.g. "
                                              "\"1.32\" (quoted)",
                                              minor));
                continue;
            }
            auto [it, fresh] = choice.minors.emplace(minor, id);
            if (!fresh)
                ctx.error(minors, fmt::format("Kubernetes {} is mapped twice for platform {} ({} "
                                              "and {})",
                                              minor, platform, it->second, id));
        }
        map.finish();
    }

    model::PlatformChoice platform(const YAML::Node& node, std::string_view name) {
        model::PlatformChoice choice;
        MapReader map(ctx, node, fmt::format("platform {}", name));
        if (!map.ok()) return choice;
        YAML::Node ranges = map.take("ranges");
        if (!ranges.IsSequence() || ranges.size() == 0) {
            ctx.error(ranges.IsDefined() ? ranges : node,
                      fmt::format("platform {} needs a 'ranges' list", name));
        } else {
            for (const auto& r : ranges) range(r, name, choice);
        }
        choice.older = benchmark(map, "older", name);
        choice.newer = benchmark(map, "newer", name);
        map.finish();
        return choice;
    }
};

}  // namespace

model::BenchmarkSelection read_selection(
    const YamlContext& ctx, const YAML::Node& root,
    const std::map<std::string, model::Benchmark>& benchmarks) {
    model::BenchmarkSelection selection;
    SelectionReading r{ctx, benchmarks};
    MapReader map(ctx, root, "benchmark selection");
    if (!map.ok()) return selection;
    selection.fallback = r.benchmark(map, "fallback", "");
    YAML::Node platforms = map.take("platforms");
    if (!platforms.IsMap()) {
        ctx.error(platforms.IsDefined() ? platforms : root, "'platforms' must be a mapping");
    } else {
        for (const auto& entry : platforms) {
            const std::string name = entry.first.Scalar();
            if (std::find(k_selection_platforms.begin(), k_selection_platforms.end(), name) ==
                k_selection_platforms.end()) {
                ctx.error(entry.first, fmt::format("invalid platform '{}': expected generic, k3s, "
                                                   "rke2, eks, gke or aks",
                                                   name));
                continue;
            }
            selection.platforms[name] = r.platform(entry.second, name);
        }
        if (selection.platforms.count("generic") == 0)
            ctx.error(platforms, "'platforms' needs an entry for generic");
    }
    map.finish();
    return selection;
}

}  // namespace kubeproof::loader
