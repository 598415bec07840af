#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "loader/yaml_reader.hpp"
#include "model/check.hpp"

namespace kubeproof::loader {

/// What a benchmark built on another changes in one of the base's checks: a `uses:` stub in a
/// section file, or an entry of `change:` in benchmark.yaml. Unset fields keep the base's.
struct CheckPatch {
    std::optional<std::string> id;
    std::optional<std::string> title;
    std::optional<bool> automated;
    std::optional<std::string> remediation;
    std::optional<std::string> notes;
    std::optional<std::string> expect;
    std::vector<model::Assertion> thresholds;  ///< `set:` operator -> new operand
    model::SourceLocation where;
};

/// The `uses:` stubs of a benchmark's own section files, by the position of the stub's check
/// (section, group, check index): the check there holds only its id and key until resolved.
struct Stub {
    size_t section = 0;
    size_t group = 0;
    size_t check = 0;
    CheckPatch patch;
};

/// Checks a delta adds to one group.
struct GroupAddition {
    std::string group;
    std::vector<model::Check> checks;
    std::vector<Stub> stubs;  ///< section 0, group 0, check = index in `checks`
    model::SourceLocation where;
};

/// How a benchmark differs from its base (benchmark.yaml: drop, change, groups, add,
/// not_applicable, remediation_notes).
struct Delta {
    std::vector<std::pair<std::string, model::SourceLocation>> drop;
    std::map<std::string, CheckPatch> change;
    std::map<std::string, std::pair<CheckPatch, model::SourceLocation>> groups;  ///< id, title
    std::vector<GroupAddition> add;
    std::map<std::string, std::pair<std::string, model::SourceLocation>> not_applicable;
    /// component -> a paragraph added to the remediation of every check of that component (how
    /// the distribution sets what the check asks for)
    std::map<std::string, std::pair<std::string, model::SourceLocation>> remediation_notes;
    bool empty() const {
        return drop.empty() && change.empty() && groups.empty() && add.empty() &&
               not_applicable.empty() && remediation_notes.empty();
    }
};

/// Reads a check entry that reuses a base check (`uses: KEY`): the returned check holds the id
/// and the key, `patch` everything else the entry states.
model::Check read_stub(const YamlContext& ctx, MapReader& map, CheckPatch& patch);

/// Reads benchmark.yaml's delta keys from `map` (they are consumed).
Delta read_delta(const YamlContext& ctx, MapReader& map);

/// Makes `bench` whole from its resolved `base`: fills its stubs from the base's checks by key,
/// or, when it has no sections of its own, starts from the base's; then applies the delta.
/// Problems are reported through `report(where, message)`.
void resolve_benchmark(
    model::Benchmark& bench, const model::Benchmark& base, const std::vector<Stub>& stubs,
    const Delta& delta,
    const std::function<void(const model::SourceLocation&, const std::string&)>& report);

/// Applies `patch` to a copy of the base's check; a threshold no assertion of the check has is
/// reported.
model::Check patched(const model::Check& base, const CheckPatch& patch, std::string& problem);

/// Orders a group's checks by id, dotted numbers compared as numbers (5.2.9 before 5.2.10).
void sort_checks(std::vector<model::Check>& checks);

}  // namespace kubeproof::loader
