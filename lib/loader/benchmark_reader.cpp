#include "loader/benchmark_reader.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>
#include <re2/re2.h>

#include "loader/test_item_reader.hpp"
#include "model/targets.hpp"
#include "util/text.hpp"

namespace kubeproof::loader {

namespace {

/// The pattern of a check's key, compiled on first use: a scan of the embedded definitions never
/// reads YAML, and compiling it at start-up cost every run (`version` among them) a regex.
const RE2& key_pattern() {
    static const RE2* const k_pattern =
        new RE2("[a-z0-9]+([.-][a-z0-9]+)*");  // never destroyed: used at exit
    return *k_pattern;
}

void read_check_tests(const YamlContext& ctx, MapReader& map, model::Check& check) {
    int forms =
        (map.has("test") ? 1 : 0) + (map.has("tests") ? 1 : 0) + (map.has("manual") ? 1 : 0);
    if (forms != 1) {
        ctx.error(
            map.node(),
            fmt::format("check '{}' needs exactly one of 'test', 'tests' or 'manual'", check.id));
    }
    check.manual = map.string("manual");
    std::string match = map.string("match");
    if (!match.empty() && match != "all" && match != "any") {
        ctx.error(map.node()["match"],
                  fmt::format("invalid match '{}': expected all or any", match));
    }
    auto combine = match == "any" ? model::Subject::Any : model::Subject::All;
    if (YAML::Node one = map.take("test"); one.IsDefined()) {
        check.test.subject = combine;
        check.test.children.push_back(read_test_item(ctx, one));
    } else if (YAML::Node many = map.take("tests"); many.IsDefined()) {
        check.test = read_test_list(ctx, many, combine);
    } else {
        check.test.subject = combine;
    }
}

}  // namespace

model::Check read_check(const YamlContext& ctx, const YAML::Node& node, CheckPatch* stub) {
    model::Check check;
    check.where = ctx.where(node);
    MapReader map(ctx, node, "check");
    if (!map.ok()) return check;
    if (map.has("uses")) {
        CheckPatch patch;
        check = read_stub(ctx, map, patch);
        if (stub != nullptr) *stub = std::move(patch);
        return check;
    }
    check.id = map.string("id", true);
    YAML::Node key = map.take("key");
    check.key = key.IsDefined() ? scalar_of(ctx, key, "'key'").value_or("") : "";
    if (!key.IsDefined()) {
        ctx.error(node, "check is missing required key 'key'");
    } else if (!RE2::FullMatch(check.key, key_pattern())) {
        ctx.error(key, fmt::format("invalid key '{}': expected lowercase words joined by '.' or "
                                   "'-', e.g. apiserver.profiling",
                                   check.key));
    }
    check.title = map.string("title", true);
    std::string cis = map.string("cis", true);
    if (!cis.empty() && cis != "automated" && cis != "manual") {
        ctx.error(map.node()["cis"],
                  fmt::format("invalid cis label '{}': expected automated or manual", cis));
    }
    check.automated = cis != "manual";
    check.components = map.strings("components", true);
    read_check_tests(ctx, map, check);
    check.expect = map.string("expect");
    check.remediation = map.string("remediation", true);
    check.notes = map.string("notes");
    map.finish();
    return check;
}

namespace {

model::Group read_group(const YamlContext& ctx, const YAML::Node& node, std::vector<Stub>& stubs,
                        size_t group_index) {
    model::Group group;
    MapReader map(ctx, node, "group");
    if (!map.ok()) return group;
    group.id = map.string("id", true);
    group.title = map.string("title", true);
    YAML::Node checks = map.take("checks");
    if (!checks.IsSequence()) {
        ctx.error(checks.IsDefined() ? checks : node,
                  fmt::format("group '{}' needs a 'checks' list", group.id));
    } else {
        for (const auto& c : checks) {
            Stub stub;
            group.checks.push_back(read_check(ctx, c, &stub.patch));
            if (stub.patch.where.line == 0) continue;
            stub.group = group_index;
            stub.check = group.checks.size() - 1;
            stubs.push_back(std::move(stub));
        }
    }
    map.finish();
    return group;
}

}  // namespace

model::Benchmark read_benchmark_header(const YamlContext& ctx, const YAML::Node& root,
                                       std::vector<std::string>& section_files, Delta& delta) {
    model::Benchmark benchmark;
    MapReader map(ctx, root, "benchmark");
    if (!map.ok()) return benchmark;
    benchmark.id = map.string("id", true);
    benchmark.title = map.string("title", true);
    benchmark.kubernetes = map.strings("kubernetes");
    if (YAML::Node platform = map.take("platform"); platform.IsDefined()) {
        benchmark.platform = scalar_of(ctx, platform, "'platform'").value_or("");
        static constexpr std::array<std::string_view, 6> k_platforms = {"generic", "k3s", "rke2",
                                                                        "eks",     "gke", "aks"};
        if (std::find(k_platforms.begin(), k_platforms.end(), benchmark.platform) ==
            k_platforms.end()) {
            ctx.error(platform, fmt::format("invalid platform '{}': expected generic, k3s, rke2, "
                                            "eks, gke or aks",
                                            benchmark.platform));
        }
    }
    benchmark.base = map.string("base");
    if (YAML::Node system = map.take("system_namespaces"); system.IsDefined()) {
        if (!system.IsSequence()) ctx.error(system, "'system_namespaces' must be a list of names");
        for (const auto& name : system) {
            const std::string text = scalar_of(ctx, name, "a system namespace").value_or("");
            if (!util::is_dns_name(text))
                ctx.error(name, fmt::format("invalid namespace name '{}' in system_namespaces: "
                                            "expected a DNS-1123 label (lower-case letters, "
                                            "digits and '-')",
                                            text));
            benchmark.system_namespaces.push_back(text);
        }
    }
    section_files = map.strings("sections", benchmark.base.empty());
    delta = read_delta(ctx, map);
    if (!delta.empty() && benchmark.base.empty())
        ctx.error(root, "drop, change, groups, add and not_applicable need a 'base' benchmark");
    map.finish();
    return benchmark;
}

model::Section read_section(const YamlContext& ctx, const YAML::Node& root,
                            std::vector<Stub>& stubs) {
    model::Section section;
    section.file = ctx.file;
    MapReader map(ctx, root, "section");
    if (!map.ok()) return section;
    section.id = map.string("section", true);
    YAML::Node target = map.take("target");
    section.target = target.IsScalar() ? target.Scalar() : "";
    if (model::find_target(section.target) == nullptr) {
        ctx.error(target.IsDefined() ? target : root,
                  fmt::format(
                      "invalid target '{}': expected master, etcd, controlplane, node or policies",
                      section.target));
    }
    section.title = map.string("title", true);
    YAML::Node groups = map.take("groups");
    if (!groups.IsSequence()) {
        ctx.error(groups.IsDefined() ? groups : root, "a section needs a 'groups' list");
    } else {
        for (const auto& g : groups)
            section.groups.push_back(read_group(ctx, g, stubs, section.groups.size()));
    }
    map.finish();
    return section;
}

}  // namespace kubeproof::loader
