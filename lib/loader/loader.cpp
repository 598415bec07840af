#include "loader/loader.hpp"

#include <map>
#include <set>

#include <fmt/format.h>

#include "loader/benchmark_reader.hpp"
#include "loader/catalogue_reader.hpp"
#include "loader/framework_reader.hpp"
#include "loader/selection_reader.hpp"
#include "model/targets.hpp"

namespace kubeproof::loader {

namespace {

constexpr std::string_view k_catalogue_path = "checks/components.yaml";

struct Loading {
    const std::vector<SourceFile>& files;
    parse::Diagnostics& diagnostics;
    std::map<std::string, std::string_view> text_by_display;

    const SourceFile* find(std::string_view path) const {
        for (const auto& f : files) {
            if (f.path == path) return &f;
        }
        return nullptr;
    }
    YamlContext context(const SourceFile& file) const {
        return {file.display, file.content, &diagnostics};
    }
    void error_at(const model::SourceLocation& at, const std::string& message) {
        auto it = text_by_display.find(at.file);
        diagnostics.add(at.file, at.line, at.column, message,
                        it == text_by_display.end() ? std::string_view{} : it->second);
    }
};

std::string dir_of(std::string_view path) { return std::string(path.substr(0, path.rfind('/'))); }

void validate_ref(Loading& l, const model::Catalogue& cat, const std::string& ref,
                  const model::SourceLocation& at) {
    if (ref.empty() || ref.front() == '/' || ref.starts_with("flag:-")) return;
    auto dot = ref.find('.');
    auto comp = cat.components.find(ref.substr(0, dot));
    if (dot == std::string::npos || comp == cat.components.end()) {
        l.error_at(
            at,
            fmt::format("unknown path reference '{}': expected an absolute path or component.role",
                        ref));
    } else if (comp->second.roles.count(ref.substr(dot + 1)) == 0) {
        l.error_at(at, fmt::format("component '{}' has no file role '{}'", comp->first,
                                   ref.substr(dot + 1)));
    }
}

bool compares_as_bool(const model::TestItem& item) {
    if (item.type == model::ValueType::Bool) return true;
    for (const auto& a : item.assertions) {
        if ((a.op == "eq" || a.op == "noteq") && (a.value == "true" || a.value == "false"))
            return true;
    }
    return false;
}

// A flag a check compares as a boolean must be parsed as one (see bool_flags in the catalogue).
void validate_bool_flag(Loading& l, const model::TestItem& item, const std::string& comp_id,
                        const model::Component& comp) {
    if (item.subject != model::Subject::Flag || item.flag.empty() || !compares_as_bool(item))
        return;
    if (comp.flag_syntax.bool_flags.count(item.flag) == 0) {
        l.error_at(item.where, fmt::format("flag '{}' is compared as a boolean, but component '{}' "
                                           "does not list it in bool_flags",
                                           item.flag, comp_id));
    }
}

void validate_item(Loading& l, const model::Catalogue& cat, const model::Check& check,
                   const model::TestItem& item) {
    for (const auto& child : item.children) validate_item(l, cat, check, child);
    for (const auto& ref : item.refs) validate_ref(l, cat, ref, item.where);
    if (!item.component.empty() && cat.components.count(item.component) == 0) {
        l.error_at(item.where, fmt::format("unknown component '{}'", item.component));
    }
    bool reads_config = (item.subject == model::Subject::Key) ||
                        (item.subject == model::Subject::Flag && !item.key.empty());
    const std::string& comp_id =
        item.component.empty()
            ? (check.components.empty() ? std::string() : check.components.front())
            : item.component;
    auto comp = cat.components.find(comp_id);
    if (reads_config && comp != cat.components.end() && comp->second.config_role.empty()) {
        l.error_at(item.where,
                   fmt::format("key '{}' needs a config file, but component '{}' has none",
                               item.key, comp_id));
    }
    if (comp != cat.components.end()) validate_bool_flag(l, item, comp_id, comp->second);
}

void validate_keys(Loading& l, const model::Benchmark& bench) {
    std::map<std::string, const model::Check*> seen;
    model::for_each_check(bench, [&](const auto&, const auto&, const model::Check& check) {
        if (check.key.empty()) return;
        auto [it, fresh] = seen.emplace(check.key, &check);
        if (!fresh) {
            l.error_at(check.where, fmt::format("duplicate check key '{}' (also used by check {})",
                                                check.key, it->second->id));
        }
    });
}

void validate_benchmark(Loading& l, const model::Catalogue& cat, const model::Benchmark& bench) {
    validate_keys(l, bench);
    std::map<std::string, model::SourceLocation> seen;
    for (const auto& section : bench.sections) {
        for (const auto& group : section.groups) {
            for (const auto& check : group.checks) {
                auto [it, fresh] = seen.emplace(check.id, check.where);
                if (!fresh && !check.id.empty()) {
                    l.error_at(check.where,
                               fmt::format("duplicate check id '{}' (first defined at {}:{})",
                                           check.id, it->second.file, it->second.line));
                }
                const bool policies = section.target == model::k_objects_target;
                if (policies != check.components.empty()) {
                    l.error_at(
                        check.where,
                        policies
                            ? fmt::format(
                                  "policy check '{}' takes no components (write components: [])",
                                  check.id)
                            : fmt::format("check '{}' needs at least one component", check.id));
                }
                for (const auto& comp : check.components) {
                    if (cat.components.count(comp) == 0)
                        l.error_at(
                            check.where,
                            fmt::format("check '{}' names unknown component '{}'", check.id, comp));
                }
                validate_item(l, cat, check, check.test);
            }
        }
    }
}

// A benchmark as read, before the checks it takes from its base are filled in.
struct ReadBenchmark {
    model::Benchmark bench;
    std::vector<Stub> stubs;
    Delta delta;
    const SourceFile* header = nullptr;
    enum class State { Read, Resolving, Done } state = State::Read;
    bool clean = true;  ///< read, resolved and validated without a diagnostic
};

ReadBenchmark read_benchmark(Loading& l, const SourceFile& header) {
    auto ctx = l.context(header);
    std::vector<std::string> section_files;
    ReadBenchmark read;
    read.header = &header;
    const size_t before = l.diagnostics.size();
    if (auto root = parse_yaml(ctx))
        read.bench = read_benchmark_header(ctx, *root, section_files, read.delta);
    for (const auto& name : section_files) {
        const SourceFile* file = l.find(dir_of(header.path) + "/" + name);
        if (file == nullptr) {
            l.diagnostics.add(header.display, 0, 0,
                              fmt::format("section file '{}' does not exist", name));
            continue;
        }
        auto section_ctx = l.context(*file);
        auto root = parse_yaml(section_ctx);
        if (!root) continue;
        std::vector<Stub> stubs;
        read.bench.sections.push_back(read_section(section_ctx, *root, stubs));
        for (auto& stub : stubs) {
            stub.section = read.bench.sections.size() - 1;
            read.stubs.push_back(std::move(stub));
        }
    }
    read.clean = l.diagnostics.size() == before;
    return read;
}

// Fills in a benchmark's checks from its base (resolved first), once, and validates it; a missing
// base or a cycle of bases is reported. A benchmark whose base has problems is left alone: the
// base's diagnostics say what is wrong, and repeating them for every benchmark built on it would
// bury them.
void resolve(Loading& l, const model::Catalogue& catalogue,
             std::map<std::string, ReadBenchmark>& all, ReadBenchmark& read) {
    if (read.state == ReadBenchmark::State::Done) return;
    const std::string& display = read.header->display;
    if (read.state == ReadBenchmark::State::Resolving) {
        l.diagnostics.add(
            display, 0, 0,
            fmt::format("benchmark {} is its own base (through its bases)", read.bench.id));
        read.clean = false;
        return;
    }
    read.state = ReadBenchmark::State::Resolving;
    const size_t before = l.diagnostics.size();
    if (read.bench.base.empty()) {
        for (const auto& stub : read.stubs) {
            const auto& check =
                read.bench.sections[stub.section].groups[stub.group].checks[stub.check];
            l.error_at(check.where, fmt::format("check '{}' uses '{}', but benchmark {} has no "
                                                "'base' to take it from",
                                                check.id, check.key, read.bench.id));
        }
    } else if (auto base = all.find(read.bench.base); base == all.end()) {
        l.diagnostics.add(display, 0, 0,
                          fmt::format("base benchmark '{}' does not exist", read.bench.base));
    } else {
        resolve(l, catalogue, all, base->second);
        if (!base->second.clean) {
            read.clean = false;
            read.state = ReadBenchmark::State::Done;
            return;
        }
        resolve_benchmark(read.bench, base->second.bench, read.stubs, read.delta,
                          [&](const model::SourceLocation& at, const std::string& message) {
                              l.error_at(at, message);
                          });
    }
    validate_benchmark(l, catalogue, read.bench);
    read.clean = read.clean && l.diagnostics.size() == before;
    read.state = ReadBenchmark::State::Done;
}

// The definitions root as the user named it: "mychecks" for "mychecks/cis-1.12/master.yaml".
std::string display_root(const std::vector<SourceFile>& files) {
    for (const auto& f : files) {
        if (!f.path.starts_with("checks/")) continue;
        std::string_view relative =
            std::string_view(f.path).substr(std::string_view("checks/").size());
        std::string_view display = f.display;
        if (display.size() > relative.size() && display.ends_with(relative)) {
            return std::string(display.substr(0, display.size() - relative.size() - 1));
        }
    }
    return "checks";
}

bool is_framework_file(std::string_view path) {
    return path.starts_with("frameworks/") && path.find('/', 11) == std::string_view::npos &&
           (path.ends_with(".yaml") || path.ends_with(".yml"));
}

void validate_framework(Loading& l, const model::Definitions& defs, const model::Framework& fw) {
    std::set<std::string> criteria;
    for (const auto& c : fw.criteria) criteria.insert(c.id);
    std::map<std::string, const model::Check*> checks;
    for (const auto& [id, bench] : defs.benchmarks)
        model::for_each_check(bench, [&](const auto&, const auto&, const model::Check& c) {
            checks.emplace(c.key, &c);
        });
    for (const auto& [key, links] : fw.mappings) {
        if (checks.count(key) == 0)
            l.error_at(fw.mapping_where.at(key), fmt::format("no check has the key '{}'", key));
        for (const auto& link : links) {
            if (criteria.count(link.id) == 0)
                l.error_at(link.where,
                           fmt::format("'{}' is not a criterion of {}", link.id, fw.id));
        }
    }
    if (!fw.required) return;
    for (const auto& [key, check] : checks) {
        if (key.empty() || fw.mappings.count(key) != 0) continue;
        l.error_at(check->where, fmt::format("check {} ({}) is not mapped to {} ({})", check->id,
                                             key, fw.id, fw.where.file));
    }
}

// Reads every framework file; cross-checks them against the checks only when the checks loaded
// cleanly, since a broken check file would make every one of its keys look unknown.
void load_frameworks(Loading& l, model::Definitions& defs, bool checks_clean) {
    for (const auto& f : l.files) {
        if (!is_framework_file(f.path)) continue;
        auto ctx = l.context(f);
        auto root = parse_yaml(ctx);
        if (!root) continue;
        model::Framework fw = read_framework(ctx, *root);
        if (fw.id.empty()) continue;
        if (defs.frameworks.count(fw.id) != 0) {
            l.diagnostics.add(f.display, 0, 0, fmt::format("duplicate framework id '{}'", fw.id));
            continue;
        }
        defs.frameworks[fw.id] = std::move(fw);
    }
    if (!checks_clean) return;
    for (const auto& [id, fw] : defs.frameworks) validate_framework(l, defs, fw);
}

bool is_benchmark_header(std::string_view path) {
    return path.starts_with("checks/") && path.ends_with("/benchmark.yaml");
}

}  // namespace

model::Definitions load_definitions(const std::vector<SourceFile>& files,
                                    parse::Diagnostics& diagnostics) {
    Loading l{files, diagnostics, {}};
    for (const auto& f : files) l.text_by_display[f.display] = f.content;
    model::Definitions defs;
    if (const SourceFile* cat = l.find(k_catalogue_path)) {
        auto ctx = l.context(*cat);
        if (auto root = parse_yaml(ctx)) defs.catalogue = read_catalogue(ctx, *root);
    } else {
        // Without the catalogue every check would report unknown components: say the one thing that
        // matters.
        diagnostics.add(display_root(files) + "/components.yaml", 0, 0,
                        "the component catalogue is missing (is this the folder that holds "
                        "components.yaml and the benchmark folders?)");
        return defs;
    }
    std::map<std::string, ReadBenchmark> read;
    for (const auto& f : files) {
        if (!is_benchmark_header(f.path)) continue;
        ReadBenchmark bench = read_benchmark(l, f);
        if (bench.bench.id.empty()) continue;
        if (read.count(bench.bench.id) != 0) {
            diagnostics.add(f.display, 0, 0,
                            fmt::format("duplicate benchmark id '{}'", bench.bench.id));
            continue;
        }
        std::string id = bench.bench.id;
        read.emplace(std::move(id), std::move(bench));
    }
    for (auto& [id, bench] : read) resolve(l, defs.catalogue, read, bench);
    for (auto& [id, bench] : read) defs.benchmarks[id] = std::move(bench.bench);
    // The benchmark mapping (optional: a definitions tree without it needs --benchmark, unless it
    // holds one benchmark only).
    if (const SourceFile* mapping = l.find("checks/benchmarks.yaml")) {
        auto ctx = l.context(*mapping);
        if (auto root = parse_yaml(ctx))
            defs.selection = read_selection(ctx, *root, defs.benchmarks);
    }
    load_frameworks(l, defs, diagnostics.empty());
    return defs;
}

}  // namespace kubeproof::loader
