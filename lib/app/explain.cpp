#include "app/explain.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "engine/operators.hpp"
#include "engine/policy.hpp"
#include "model/targets.hpp"
#include "parse/kube_version.hpp"
#include "parse/values.hpp"
#include "util/text.hpp"

namespace kubeproof::app {

namespace {

std::string describe_ref(const std::string& ref, const model::Catalogue& catalogue) {
    if (ref.starts_with("flag:")) return fmt::format("the file named by {}", ref.substr(5));
    auto dot = ref.find('.');
    auto comp = catalogue.components.find(ref.substr(0, dot == std::string::npos ? 0 : dot));
    if (dot == std::string::npos || comp == catalogue.components.end()) return ref;
    auto role = comp->second.roles.find(ref.substr(dot + 1));
    if (role == comp->second.roles.end()) return ref;
    std::vector<std::string> ways;
    if (!role->second.from_flag.empty())
        ways.push_back(fmt::format("{} {}", comp->second.name, role->second.from_flag));
    if (!role->second.from_key.empty())
        ways.push_back(fmt::format("config key {}", role->second.from_key));
    if (role->second.static_pod) ways.emplace_back("the static pod directory");
    if (!role->second.systemd_unit.empty())
        ways.push_back(fmt::format("systemd unit {} and drop-ins", role->second.systemd_unit));
    if (!role->second.candidates.empty())
        ways.push_back(
            fmt::format("known locations ({})", fmt::join(role->second.candidates, ", ")));
    std::string name = role->second.description.empty() ? ref : role->second.description;
    return fmt::format("{} [found via {}]", name, fmt::join(ways, ", then "));
}

std::string describe_assertions(const model::TestItem& item) {
    std::vector<std::string> parts;
    for (const auto& a : item.assertions) {
        if (!a.values.empty())
            parts.push_back(fmt::format("{} [{}]", a.op, fmt::join(a.values, ", ")));
        else
            parts.push_back(fmt::format("{} {}", a.op, a.value));
    }
    if (item.type != model::ValueType::Auto)
        parts.push_back(fmt::format("compared as {}", engine::to_string(item.type)));
    return fmt::format("{}", fmt::join(parts, ", "));
}

std::string describe_objects(const model::TestItem& item) {
    std::string text = fmt::format(
        "every {} item{}", item.iterator,
        item.kinds.empty() ? "" : fmt::format(" of kinds {}", fmt::join(item.kinds, ", ")));
    if (!item.exclude.empty())
        text += ", ignoring " + engine::describe_condition(item.exclude.front());
    if (!item.violation.empty())
        return text + "; a finding when " + engine::describe_condition(item.violation.front());
    return text + "; at least one must have " + engine::describe_condition(item.require.front());
}

std::string describe_leaf(const model::TestItem& item, const model::Catalogue& catalogue) {
    using model::Subject;
    switch (item.subject) {
        case Subject::File:
        case Subject::Files: {
            std::vector<std::string> refs;
            for (const auto& r : item.refs) refs.push_back(describe_ref(r, catalogue));
            return fmt::format("file {}", fmt::join(refs, "; "));
        }
        case Subject::Tree:
            return fmt::format("every {} under {}",
                               item.name_glob.empty() ? "entry" : item.name_glob,
                               describe_ref(item.refs.front(), catalogue));
        case Subject::Document:
            return fmt::format("key {} of {}", item.key,
                               describe_ref(item.refs.front(), catalogue));
        case Subject::FeatureGate:
            return fmt::format("feature gate {}", item.feature_gate);
        case Subject::Key:
            return fmt::format("config key {}", item.key);
        case Subject::Objects:
            return describe_objects(item);
        case Subject::AuditPolicy:
            return fmt::format("audit policy {}", describe_ref(item.refs.front(), catalogue));
        default:
            break;
    }
    std::string text = fmt::format("flag {}", item.flag);
    if (!item.key.empty()) text += fmt::format(" (or config key {}; the flag wins)", item.key);
    if (!item.env.empty()) text += fmt::format(" (or environment variable {})", item.env);
    return text;
}

}  // namespace

std::optional<CheckLocation> find_check(const model::Definitions& defs, const std::string& id,
                                        const std::string& benchmark) {
    for (const auto& entry : defs.benchmarks) {
        const model::Benchmark& bench = entry.second;
        if (!benchmark.empty() && entry.first != benchmark) continue;
        std::optional<CheckLocation> found;
        model::for_each_check(
            bench, [&](const model::Section& s, const model::Group& g, const model::Check& c) {
                if (!found && c.id == id) found = CheckLocation{&bench, &s, &g, &c};
            });
        if (found) return found;
    }
    return std::nullopt;
}

std::string describe_test(const model::TestItem& item, const model::Catalogue& catalogue,
                          int depth) {
    std::string indent(static_cast<size_t>(depth) * 2, ' ');
    if (item.subject == model::Subject::All || item.subject == model::Subject::Any) {
        std::string out;
        if (item.children.size() > 1)
            out += fmt::format("{}{} of:\n", indent,
                               item.subject == model::Subject::All ? "all" : "any");
        int child_depth = item.children.size() > 1 ? depth + 1 : depth;
        for (const auto& child : item.children) out += describe_test(child, catalogue, child_depth);
        return out;
    }
    if (item.subject == model::Subject::Objects)
        return fmt::format("{}- {}\n", indent, describe_leaf(item, catalogue));
    return fmt::format("{}- {}: {}\n", indent, describe_leaf(item, catalogue),
                       describe_assertions(item));
}

namespace {

// "  soc2 CC7.2  Monitor components for anomalies\n      why (source)" for each criterion the check
// supports.
std::string framework_lines(const model::Check& check, const model::Definitions& definitions) {
    std::string out;
    for (const auto& [id, fw] : definitions.frameworks) {
        auto links = fw.mappings.find(check.key);
        if (links == fw.mappings.end()) continue;
        for (const auto& link : links->second) {
            auto criterion = std::find_if(fw.criteria.begin(), fw.criteria.end(),
                                          [&](const auto& c) { return c.id == link.id; });
            out += fmt::format("  {} {}  {}\n      {} ({})\n", id, link.id,
                               criterion == fw.criteria.end() ? "" : criterion->title, link.why,
                               link.source);
        }
    }
    return out.empty() ? "  (not mapped to any framework)\n" : out;
}

// The check ids, by benchmark, whose keys a framework maps to `criterion`.
std::vector<std::string> checks_for(const model::Framework& fw, const std::string& criterion,
                                    const model::Definitions& defs) {
    std::vector<std::string> out;
    for (const auto& entry : defs.benchmarks) {
        const std::string& bench_id = entry.first;
        model::for_each_check(entry.second, [&](const auto&, const auto&, const model::Check& c) {
            auto links = fw.mappings.find(c.key);
            if (links == fw.mappings.end()) return;
            bool linked = std::any_of(links->second.begin(), links->second.end(),
                                      [&](const auto& l) { return l.id == criterion; });
            if (linked) out.push_back(bench_id + ":" + c.id);
        });
    }
    return out;
}

}  // namespace

std::string list_frameworks(const model::Definitions& definitions) {
    std::string out;
    for (const auto& [id, fw] : definitions.frameworks) {
        out += fmt::format("{:<12} {:>4} criteria  {:>4} checks mapped  {}\n", id,
                           fw.criteria.size(), fw.mappings.size(), fw.title);
    }
    return out;
}

namespace {

// "1.32-1.34" for consecutive minors of one major, else "1.27, 1.29"; "-" for none.
std::string minor_range(const std::vector<std::string>& minors) {
    if (minors.empty()) return "-";
    bool consecutive = true;
    for (std::size_t i = 1; i < minors.size() && consecutive; ++i) {
        auto a = parse::parse_git_version(minors[i - 1]);
        auto b = parse::parse_git_version(minors[i]);
        consecutive = a && b && a->major == b->major && b->minor == a->minor + 1;
    }
    if (minors.size() == 1) return minors.front();
    if (consecutive) return minors.front() + "-" + minors.back();
    return fmt::format("{}", fmt::join(minors, ","));
}

}  // namespace

std::string list_benchmarks(const model::Definitions& definitions) {
    // The generic CIS versions first, oldest to newest, then each platform's.
    std::vector<const model::Benchmark*> order;
    for (const auto& [id, b] : definitions.benchmarks) order.push_back(&b);
    std::sort(order.begin(), order.end(), [](const model::Benchmark* a, const model::Benchmark* b) {
        bool ag = a->platform == "generic";
        bool bg = b->platform == "generic";
        if (ag != bg) return ag;
        if (a->platform != b->platform) return a->platform < b->platform;
        return util::natural_less(a->id, b->id);  // "cis-1.9" before "cis-1.10"
    });
    std::string out;
    for (const auto* b : order) {
        // A benchmark that states no Kubernetes minors (kubeproof's own controls) applies to any.
        out += fmt::format("{:<16} {:<8} {:<10} {}\n", b->id, b->platform,
                           b->kubernetes.empty() ? std::string("any") : minor_range(b->kubernetes),
                           b->title);
    }
    return out;
}

std::string list_controls(const model::Framework& fw, const model::Definitions& definitions) {
    std::string out = fmt::format("{}: {}\n\n", fw.id, fw.title);
    std::vector<const model::Criterion*> unsupported;
    for (const auto& criterion : fw.criteria) {
        auto checks = checks_for(fw, criterion.id, definitions);
        if (checks.empty()) {
            unsupported.push_back(&criterion);
            continue;
        }
        out += fmt::format("{:<22} {}\n{:<22} checks: {}\n", criterion.id, criterion.title, "",
                           fmt::join(checks, " "));
    }
    out += fmt::format(
        "\nNo check supports these {} of {} criteria (evidence for them must come from "
        "elsewhere):\n",
        unsupported.size(), fw.criteria.size());
    for (const auto* criterion : unsupported)
        out += fmt::format("{:<22} {}\n", criterion->id, criterion->title);
    return out;
}

std::string explain(const CheckLocation& w, const model::Definitions& definitions) {
    const model::Catalogue& catalogue = definitions.catalogue;
    const model::Check& c = *w.check;
    std::vector<std::string> components;
    for (const auto& id : c.components) {
        auto it = catalogue.components.find(id);
        components.push_back(it == catalogue.components.end() ? id : it->second.name);
    }
    std::string out =
        fmt::format("{} {} ({})\n", c.id, c.title, c.automated ? "Automated" : "Manual");
    out += fmt::format("benchmark:   {} ({})\n", w.benchmark->id, w.benchmark->title);
    out += fmt::format("section:     {} {} [target {}]\n", w.section->id, w.section->title,
                       w.section->target);
    out += fmt::format("group:       {} {}\n", w.group->id, w.group->title);
    out += fmt::format("key:         {}\n", c.key);
    out += c.is_policy_check() ? std::string(
                                     "applies to:  the cluster's objects, from the API server or "
                                     "manifests (NA without either)\n")
                               : fmt::format("applies to:  {} (NA when none runs on the node)\n",
                                             fmt::join(components, ", "));
    out += fmt::format("defined at:  {}:{}\n\n", c.where.file, c.where.line);
    out += "inspects:\n" + (c.manual.empty() ? describe_test(c.test, catalogue, 1)
                                             : "  nothing automatically: manual check\n");
    if (!c.manual.empty()) out += "\nguidance:\n  " + c.manual + "\n";
    if (!c.expect.empty()) out += "\nexpectation:\n  " + c.expect + "\n";
    out += fmt::format("\nframeworks:\n{}", framework_lines(c, definitions));
    out += fmt::format("\nremediation:\n{}", c.remediation);
    if (!c.notes.empty()) out += fmt::format("\nnotes:\n{}", c.notes);
    if (out.back() != '\n') out += '\n';
    return out;
}

std::string list_checks(const model::Benchmark& benchmark) {
    std::string out;
    model::for_each_check(benchmark,
                          [&](const model::Section& s, const auto&, const model::Check& c) {
                              out += fmt::format("{:<8} {:<13} {:<9} {}\n", c.id, s.target,
                                                 c.automated ? "Automated" : "Manual", c.title);
                          });
    return out;
}

}  // namespace kubeproof::app
