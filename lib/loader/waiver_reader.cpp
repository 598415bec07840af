#include "loader/waiver_reader.hpp"

#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "loader/yaml_reader.hpp"
#include "model/targets.hpp"
#include "parse/times.hpp"

namespace kubeproof::loader {

namespace {

constexpr std::time_t k_day = 86400;

/// A check a waiver may name, by its id or its key.
struct NamedCheck {
    std::string id;
    std::string target;
};

/// One scalar of an entry and where it is.
struct Field {
    std::string text;
    YAML::Node node;
};

struct Reading {
    const YamlContext& ctx;
    parse::Diagnostics& warnings;
    const model::Benchmark& benchmark;
    std::map<std::string, NamedCheck> checks;   ///< id or key -> the check
    std::map<std::string, std::string> scopes;  ///< check and scope -> the first entry's source
};

std::map<std::string, NamedCheck> checks_of(const model::Benchmark& benchmark) {
    std::map<std::string, NamedCheck> out;
    model::for_each_check(benchmark, [&](const auto& section, const auto&, const auto& check) {
        out[check.id] = {check.id, section.target};
        if (!check.key.empty()) out[check.key] = {check.id, section.target};
    });
    return out;
}

// Keys written twice in one mapping: the reader would silently take the first.
void report_duplicate_keys(const YamlContext& ctx, const YAML::Node& map, std::string_view what) {
    std::set<std::string> seen;
    for (const auto& entry : map) {
        if (entry.first.IsScalar() && !seen.insert(entry.first.Scalar()).second)
            ctx.error(entry.first,
                      fmt::format("duplicate key '{}' in {}", entry.first.Scalar(), what));
    }
}

// A scalar of an entry, consumed; a present value must not be empty.
Field field(MapReader& map, std::string_view key, bool required = false) {
    Field out{"", map.take(key)};
    if (!out.node.IsDefined()) {
        if (required)
            map.context().error(map.node(),
                                fmt::format("waiver is missing required key '{}'", key));
        return out;
    }
    auto text = scalar_of(map.context(), out.node, fmt::format("'{}'", key));
    if (text && text->empty())
        map.context().error(out.node, fmt::format("'{}' must not be empty", key));
    out.text = text.value_or("");
    return out;
}

// `selector`: a mapping of label names to values, all of which an object must carry.
std::map<std::string, std::string> read_selector(const YamlContext& ctx, const YAML::Node& node) {
    std::map<std::string, std::string> out;
    if (!node.IsDefined()) return out;
    if (!node.IsMap() || node.size() == 0) {
        ctx.error(node, "'selector' must be a mapping of label names to values (app: web)");
        return out;
    }
    report_duplicate_keys(ctx, node, "selector");
    for (const auto& entry : node) {
        auto name = scalar_of(ctx, entry.first, "a label name");
        auto value = scalar_of(ctx, entry.second, "a label value");
        if (name && value) out.emplace(*name, *value);
    }
    return out;
}

// `object`: "web" or "Deployment/web"; Kubernetes names hold neither '/' nor spaces.
void check_object(const YamlContext& ctx, const Field& object) {
    if (object.text.empty()) return;
    const size_t slash = object.text.find('/');
    const bool bad =
        object.text.find_first_of(" \t") != std::string::npos || slash == 0 ||
        slash + 1 == object.text.size() ||
        (slash != std::string::npos && object.text.find('/', slash + 1) != std::string::npos);
    if (bad)
        ctx.error(object.node,
                  "'object' must be a name (web) or a kind and a name (Deployment/web)");
}

// `created` or `expires`: a date or an RFC 3339 time.
std::optional<parse::WrittenTime> read_time(const YamlContext& ctx, const Field& field,
                                            std::string_view key) {
    if (field.text.empty()) return std::nullopt;
    auto parsed = parse::parse_date_or_time(field.text);
    if (!parsed)
        ctx.error(field.node, fmt::format("'{}' must be a date (2026-03-31) or an RFC 3339 time "
                                          "(2026-03-31T18:00:00Z), not '{}'",
                                          key, field.text));
    return parsed;
}

// The scopes a check can be narrowed by: a node for node checks, objects for section 5 ones.
void check_scope(Reading& r, const NamedCheck& check,
                 const std::map<std::string_view, Field>& scopes) {
    const bool objects = check.target == model::k_objects_target;
    for (const auto& [key, field] : scopes) {
        if (!field.node.IsDefined() || (key == "node") != objects) continue;
        r.ctx.error(field.node,
                    objects ? fmt::format("'node' narrows node checks; {} judges the cluster's "
                                          "objects: use namespace, object or selector",
                                          check.id)
                            : fmt::format("'{}' narrows section 5 checks, which judge the "
                                          "cluster's objects; {} is a {} check: use node",
                                          key, check.id, check.target));
    }
}

// The same check (by id or key) with the same scope twice.
void check_duplicate(Reading& r, const model::Waiver& w, const YAML::Node& entry) {
    const auto named = r.checks.find(w.check);
    std::string key =
        fmt::format("{}\n{}\n{}\n{}", named == r.checks.end() ? w.check : named->second.id, w.node,
                    w.namespace_name, w.object);
    for (const auto& [label, value] : w.selector) key += fmt::format("\n{}={}", label, value);
    const auto [first, added] = r.scopes.emplace(key, w.source);
    if (!added)
        r.ctx.error(entry, fmt::format("duplicate waiver: the same check and scope as the waiver "
                                       "at {}",
                                       first->second));
}

void read_dates(Reading& r, MapReader& map, model::Waiver& w) {
    const Field created = field(map, "created");
    const Field expires = field(map, "expires", true);
    w.created = created.text;
    w.expires = expires.text;
    const auto created_at = read_time(r.ctx, created, "created");
    const auto expires_at = read_time(r.ctx, expires, "expires");
    if (!expires_at) return;
    // A date is valid through its last second: it expires at the next midnight UTC.
    w.expires_at = expires_at->at + (expires_at->date_only ? k_day : 0);
    if (created_at && w.expires_at <= created_at->at)
        r.ctx.error(expires.node, fmt::format("'expires' {} is not after 'created' {}: the waiver "
                                              "would never apply",
                                              w.expires, w.created));
}

std::optional<model::Waiver> read_waiver(Reading& r, const YAML::Node& entry) {
    MapReader map(r.ctx, entry, "waiver");
    if (!map.ok()) return std::nullopt;
    report_duplicate_keys(r.ctx, entry, "waiver");
    model::Waiver w;
    w.source = fmt::format("{}:{}", r.ctx.file, r.ctx.where(entry).line);
    const Field check = field(map, "check", true);
    std::map<std::string_view, Field> scopes;
    for (std::string_view key : {"node", "namespace", "object"})
        scopes.emplace(key, field(map, key));
    scopes.emplace("selector", Field{"", map.take("selector")});
    w.check = check.text;
    w.node = scopes.at("node").text;
    w.namespace_name = scopes.at("namespace").text;
    w.object = scopes.at("object").text;
    w.selector = read_selector(r.ctx, scopes.at("selector").node);
    check_object(r.ctx, scopes.at("object"));
    w.owner = field(map, "owner", true).text;
    w.approver = field(map, "approver").text;
    w.reason = field(map, "reason").text;
    w.ticket = field(map, "ticket").text;
    read_dates(r, map, w);
    map.finish();
    if (!w.check.empty()) {
        const auto named = r.checks.find(w.check);
        if (named == r.checks.end())
            r.ctx.error(check.node, fmt::format("'check' {} is neither a check id nor a check key "
                                                "of benchmark {}",
                                                w.check, r.benchmark.id));
        else
            check_scope(r, named->second, scopes);
    }
    check_duplicate(r, w, entry);
    if (w.reason.empty()) {
        const auto at = r.ctx.where(entry);
        r.warnings.add(r.ctx.file, at.line, at.column,
                       fmt::format("the waiver for {} gives no 'reason': say why the risk is "
                                   "accepted",
                                   w.check.empty() ? "?" : w.check),
                       r.ctx.text);
    }
    return w;
}

}  // namespace

model::WaiverFile read_waivers(const std::string& file, std::string_view text,
                               const model::Benchmark& benchmark, parse::Diagnostics& errors,
                               parse::Diagnostics& warnings) {
    model::WaiverFile out;
    out.path = file;
    const YamlContext ctx{file, text, &errors};
    const auto root = parse_yaml(ctx);
    if (!root) return out;
    if (!root->IsMap()) {
        ctx.error(*root, "a waivers file is a mapping with a top-level 'waivers' list");
        return out;
    }
    report_duplicate_keys(ctx, *root, "the waivers file");
    MapReader map(ctx, *root, "the waivers file");
    const YAML::Node list = map.take("waivers");
    map.finish();
    if (!list.IsDefined()) {
        ctx.error(*root, "a waivers file needs a top-level 'waivers' list");
        return out;
    }
    if (!list.IsSequence()) {
        ctx.error(list, "'waivers' must be a list of waivers");
        return out;
    }
    Reading reading{ctx, warnings, benchmark, checks_of(benchmark), {}};
    for (const auto& entry : list) {
        if (auto waiver = read_waiver(reading, entry)) out.waivers.push_back(std::move(*waiver));
    }
    return out;
}

}  // namespace kubeproof::loader
