#include "loader/derived.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "loader/benchmark_reader.hpp"
#include "loader/test_item_reader.hpp"
#include "model/targets.hpp"

namespace kubeproof::loader {

namespace {

using Reporter = std::function<void(const model::SourceLocation&, const std::string&)>;

std::optional<std::string> optional_string(const YamlContext& ctx, MapReader& map,
                                           std::string_view key) {
    YAML::Node node = map.take(key);
    if (!node.IsDefined()) return std::nullopt;
    return scalar_of(ctx, node, fmt::format("'{}'", key));
}

std::optional<bool> optional_cis(const YamlContext& ctx, MapReader& map) {
    YAML::Node node = map.take("cis");
    if (!node.IsDefined()) return std::nullopt;
    std::string cis = scalar_of(ctx, node, "'cis'").value_or("");
    if (cis != "automated" && cis != "manual") {
        ctx.error(node, fmt::format("invalid cis label '{}': expected automated or manual", cis));
        return std::nullopt;
    }
    return cis == "automated";
}

// The fields a patch may state, read from `map` (a `uses:` stub or a `change:` entry).
CheckPatch read_patch_fields(const YamlContext& ctx, MapReader& map) {
    CheckPatch patch;
    patch.where = ctx.where(map.node());
    patch.title = optional_string(ctx, map, "title");
    patch.automated = optional_cis(ctx, map);
    patch.remediation = optional_string(ctx, map, "remediation");
    patch.notes = optional_string(ctx, map, "notes");
    patch.expect = optional_string(ctx, map, "expect");
    if (YAML::Node set = map.take("set"); set.IsDefined())
        patch.thresholds = read_thresholds(ctx, set);
    return patch;
}

void set_thresholds(model::TestItem& item, const model::Assertion& to, int& replaced) {
    for (auto& a : item.assertions) {
        if (a.op != to.op) continue;
        a.value = to.value;
        a.values = to.values;
        ++replaced;
    }
    for (auto& child : item.children) set_thresholds(child, to, replaced);
}

// "5.2.10" -> {5, 2, 10}; a part that is not a number sorts after the numbers, by its text.
std::vector<std::pair<long, std::string>> id_parts(const std::string& id) {
    std::vector<std::pair<long, std::string>> parts;
    size_t start = 0;
    while (start <= id.size()) {
        size_t dot = id.find('.', start);
        std::string part =
            id.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        bool digits =
            !part.empty() && part.size() < 10 &&
            std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; });
        parts.emplace_back(digits ? std::stol(part) : 1L << 40, digits ? "" : part);
        if (dot == std::string::npos) break;
        start = dot + 1;
    }
    return parts;
}

model::Check* find_by_key(model::Benchmark& bench, const std::string& key) {
    for (auto& section : bench.sections)
        for (auto& group : section.groups)
            for (auto& check : group.checks)
                if (check.key == key) return &check;
    return nullptr;
}

model::Group* find_group(model::Benchmark& bench, const std::string& id) {
    for (auto& section : bench.sections)
        for (auto& group : section.groups)
            if (group.id == id) return &group;
    return nullptr;
}

const model::Check* base_check(const model::Benchmark& base, const std::string& key) {
    const model::Check* found = nullptr;
    model::for_each_check(base, [&](const auto&, const auto&, const model::Check& check) {
        if (found == nullptr && check.key == key) found = &check;
    });
    return found;
}

// The check a stub stands for: the base's check under its key, patched.
model::Check resolve_stub(const model::Check& stub, const CheckPatch& patch,
                          const model::Benchmark& base, const Reporter& report) {
    const model::Check* from = base_check(base, stub.key);
    if (from == nullptr) {
        report(stub.where, fmt::format("check '{}' uses '{}', but {} has no check with that key",
                                       stub.id, stub.key, base.id));
        return stub;
    }
    std::string problem;
    model::Check check = patched(*from, patch, problem);
    if (!problem.empty()) report(patch.where, problem);
    check.id = stub.id;
    check.where = stub.where;
    return check;
}

void apply_delta(model::Benchmark& bench, const model::Benchmark& base, const Delta& delta,
                 const Reporter& report) {
    for (const auto& dropping : delta.drop) {
        const std::string& key = dropping.first;
        const model::SourceLocation& where = dropping.second;
        bool dropped = false;
        for (auto& section : bench.sections)
            for (auto& group : section.groups) {
                auto gone = std::remove_if(group.checks.begin(), group.checks.end(),
                                           [&key](const model::Check& c) { return c.key == key; });
                dropped = dropped || gone != group.checks.end();
                group.checks.erase(gone, group.checks.end());
            }
        if (!dropped)
            report(where, fmt::format("drop: {} has no check with the key '{}'", base.id, key));
    }
    for (const auto& [key, patch] : delta.change) {
        model::Check* check = find_by_key(bench, key);
        if (check == nullptr) {
            report(patch.where, fmt::format("change: no check has the key '{}'", key));
            continue;
        }
        std::string problem;
        model::SourceLocation where = check->where;
        *check = patched(*check, patch, problem);
        check->where = where;
        if (!problem.empty()) report(patch.where, problem);
    }
    for (const auto& [id, change] : delta.groups) {
        model::Group* group = find_group(bench, id);
        if (group == nullptr) {
            report(change.second, fmt::format("groups: {} has no group '{}'", base.id, id));
            continue;
        }
        if (change.first.id) group->id = *change.first.id;
        if (change.first.title) group->title = *change.first.title;
    }
    for (const auto& addition : delta.add) {
        model::Group* group = find_group(bench, addition.group);
        if (group == nullptr) {
            report(addition.where, fmt::format("add: there is no group '{}'", addition.group));
            continue;
        }
        std::vector<model::Check> checks = addition.checks;
        for (const auto& stub : addition.stubs)
            checks[stub.check] = resolve_stub(checks[stub.check], stub.patch, base, report);
        for (auto& check : checks) group->checks.push_back(std::move(check));
    }
    for (const auto& [key, reason] : delta.not_applicable) {
        model::Check* check = find_by_key(bench, key);
        if (check == nullptr) {
            report(reason.second, fmt::format("not_applicable: no check has the key '{}'", key));
            continue;
        }
        check->not_applicable = reason.first;
    }
    for (const auto& [component, note] : delta.remediation_notes) {
        bool used = false;
        for (auto& section : bench.sections)
            for (auto& group : section.groups)
                for (auto& check : group.checks) {
                    if (check.components.empty() || check.components.front() != component ||
                        !check.not_applicable.empty())
                        continue;
                    used = true;
                    if (!check.remediation.empty() && check.remediation.back() != '\n')
                        check.remediation += '\n';
                    check.remediation += note.first;
                }
        if (!used)
            report(note.second,
                   fmt::format("remediation_notes: no check of component '{}'", component));
    }
}

}  // namespace

model::Check read_stub(const YamlContext& ctx, MapReader& map, CheckPatch& patch) {
    model::Check check;
    check.where = ctx.where(map.node());
    check.id = map.string("id", true);
    check.key = map.string("uses", true);
    patch = read_patch_fields(ctx, map);
    if (!patch.title) ctx.error(map.node(), fmt::format("check '{}' needs a 'title'", check.id));
    if (!patch.automated)
        ctx.error(map.node(), fmt::format("check '{}' needs a 'cis' label", check.id));
    map.finish();
    return check;
}

Delta read_delta(const YamlContext& ctx, MapReader& map) {
    Delta delta;
    if (YAML::Node drop = map.take("drop"); drop.IsDefined()) {
        if (!drop.IsSequence()) ctx.error(drop, "'drop' must be a list of check keys");
        for (const auto& key : drop)
            delta.drop.emplace_back(scalar_of(ctx, key, "each key").value_or(""), ctx.where(key));
    }
    auto each_entry = [&](const char* name, auto&& read) {
        YAML::Node node = map.take(name);
        if (!node.IsDefined()) return;
        if (!node.IsMap()) {
            ctx.error(node, fmt::format("'{}' must be a mapping", name));
            return;
        }
        for (const auto& entry : node) {
            auto key = scalar_of(ctx, entry.first, "a key");
            if (key) read(*key, entry.second);
        }
    };
    each_entry("change", [&](const std::string& key, const YAML::Node& value) {
        MapReader entry(ctx, value, "change");
        if (!entry.ok()) return;
        CheckPatch patch;
        patch.id = optional_string(ctx, entry, "id");
        CheckPatch fields = read_patch_fields(ctx, entry);
        fields.id = patch.id;
        entry.finish();
        delta.change[key] = std::move(fields);
    });
    each_entry("groups", [&](const std::string& id, const YAML::Node& value) {
        MapReader entry(ctx, value, "group change");
        if (!entry.ok()) return;
        CheckPatch patch;
        patch.id = optional_string(ctx, entry, "id");
        patch.title = optional_string(ctx, entry, "title");
        entry.finish();
        delta.groups[id] = {patch, ctx.where(value)};
    });
    each_entry("remediation_notes", [&](const std::string& component, const YAML::Node& value) {
        auto note = scalar_of(ctx, value, "the note");
        delta.remediation_notes[component] = {note.value_or(""), ctx.where(value)};
    });
    each_entry("not_applicable", [&](const std::string& key, const YAML::Node& value) {
        auto reason = scalar_of(ctx, value, "the reason");
        if (reason && reason->empty()) ctx.error(value, "a not_applicable reason cannot be empty");
        delta.not_applicable[key] = {reason.value_or(""), ctx.where(value)};
    });
    if (YAML::Node add = map.take("add"); add.IsDefined()) {
        if (!add.IsSequence()) ctx.error(add, "'add' must be a list of {group, checks}");
        for (const auto& node : add) {
            MapReader entry(ctx, node, "addition");
            if (!entry.ok()) continue;
            GroupAddition addition;
            addition.where = ctx.where(node);
            addition.group = entry.string("group", true);
            YAML::Node checks = entry.take("checks");
            if (!checks.IsSequence()) {
                ctx.error(checks.IsDefined() ? checks : YAML::Node(node),
                          "an addition needs a 'checks' list");
            } else {
                std::vector<Stub> stubs;
                for (const auto& c : checks) {
                    Stub stub;
                    addition.checks.push_back(read_check(ctx, c, &stub.patch));
                    if (stub.patch.where.line != 0) {
                        stub.check = addition.checks.size() - 1;
                        addition.stubs.push_back(std::move(stub));
                    }
                }
            }
            entry.finish();
            delta.add.push_back(std::move(addition));
        }
    }
    return delta;
}

model::Check patched(const model::Check& base, const CheckPatch& patch, std::string& problem) {
    model::Check check = base;
    if (patch.id) check.id = *patch.id;
    if (patch.title) check.title = *patch.title;
    if (patch.automated) check.automated = *patch.automated;
    if (patch.remediation) check.remediation = *patch.remediation;
    if (patch.notes) check.notes = *patch.notes;
    if (patch.expect) check.expect = *patch.expect;
    for (const auto& to : patch.thresholds) {
        int replaced = 0;
        set_thresholds(check.test, to, replaced);
        if (replaced == 0)
            problem = fmt::format("set: check {} ({}) has no '{}' assertion to change", base.id,
                                  base.key, to.op);
    }
    return check;
}

void sort_checks(std::vector<model::Check>& checks) {
    std::stable_sort(checks.begin(), checks.end(),
                     [](const model::Check& a, const model::Check& b) {
                         return id_parts(a.id) < id_parts(b.id);
                     });
}

void resolve_benchmark(model::Benchmark& bench, const model::Benchmark& base,
                       const std::vector<Stub>& stubs, const Delta& delta, const Reporter& report) {
    if (bench.sections.empty()) {
        bench.sections = base.sections;
    } else {
        for (const auto& stub : stubs) {
            model::Check& check =
                bench.sections[stub.section].groups[stub.group].checks[stub.check];
            check = resolve_stub(check, stub.patch, base, report);
        }
    }
    if (delta.empty()) return;
    apply_delta(bench, base, delta, report);
    for (auto& section : bench.sections)
        for (auto& group : section.groups) sort_checks(group.checks);
}

}  // namespace kubeproof::loader
