#include "engine/evaluator.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "engine/audit_requirements.hpp"
#include "engine/file_items.hpp"
#include "engine/outcome.hpp"
#include "engine/value_items.hpp"
#include "model/targets.hpp"
#include "util/contains.hpp"

namespace kubeproof::engine {

namespace {

using Kind = ItemOutcome::Kind;
using model::Status;

ItemOutcome evaluate_item(const model::TestItem& item, const std::string& component,
                          const model::Catalogue& catalogue, const engine::NodeFacts& facts) {
    switch (item.subject) {
        case model::Subject::All:
        case model::Subject::Any: {
            std::vector<ItemOutcome> children;
            for (const auto& child : item.children)
                children.push_back(evaluate_item(child, component, catalogue, facts));
            return combine(std::move(children), item.subject == model::Subject::All);
        }
        case model::Subject::File:
        case model::Subject::Files:
        case model::Subject::Tree:
            return evaluate_file_item(item, component, facts);
        case model::Subject::AuditPolicy:
            return evaluate_audit_item(item, component, catalogue, facts);
        default:
            return evaluate_value_item(item, component, catalogue, facts);
    }
}

std::vector<const engine::ComponentFacts*> present_components(const model::Check& check,
                                                              const engine::NodeFacts& facts) {
    std::vector<const engine::ComponentFacts*> out;
    for (const auto& id : check.components) {
        auto it = facts.components.find(id);
        if (it != facts.components.end() && it->second.present) out.push_back(&it->second);
    }
    return out;
}

// "kube-apiserver is not on this node (no process and no static pod manifest)".
std::string absence_reason(const model::Check& check, const model::Catalogue& catalogue) {
    std::vector<std::string> names;
    bool static_pods = false;
    for (const auto& id : check.components) {
        auto it = catalogue.components.find(id);
        names.push_back(it == catalogue.components.end() ? id : it->second.name);
        static_pods =
            static_pods || (it != catalogue.components.end() && !it->second.static_pod.empty());
    }
    return fmt::format("{} {} not on this node (no process{})", fmt::join(names, " or "),
                       names.size() > 1 ? "are" : "is",
                       static_pods ? " and no static pod manifest" : "");
}

model::Result base_result(const model::Check& check) {
    model::Result r;
    r.id = check.id;
    r.key = check.key;
    r.title = check.title;
    r.automated = check.automated;
    r.remediation = check.remediation;
    r.expected = check.expect;
    return r;
}

Status status_of(Kind kind, bool automated) {
    switch (kind) {
        case Kind::Pass:
            return Status::Pass;
        case Kind::Fail:
            return automated ? Status::Fail : Status::Warn;
        case Kind::NA:
            return Status::NA;
        case Kind::Error:
            break;
    }
    return Status::Error;
}

void apply_outcome(model::Result& r, ItemOutcome outcome) {
    r.status = status_of(outcome.kind, r.automated);
    if (r.expected.empty()) r.expected = fmt::format("{}", fmt::join(outcome.expected, "; "));
    r.actual = fmt::format("{}", fmt::join(outcome.actual, "; "));
    for (auto& e : outcome.evidence) r.evidence.push_back(std::move(e));
    r.reason = outcome.reason;
    if (r.status == Status::Warn)
        r.reason =
            "CIS marks this check Manual: the automated test failed, a person should review it";
}

// A purely manual check: WARN with the guidance a person follows.
model::Result manual_result(model::Result r, const model::Check& check) {
    r.status = Status::Warn;
    r.reason = "manual check: a person must verify this (see the guidance)";
    r.actual = "not evaluated automatically";
    r.guidance = check.manual;
    if (r.expected.empty()) r.expected = "a person has verified it (manual check)";
    return r;
}

// A policy check: judged from the objects, or NA when kubeproof was given none.
model::Result evaluate_policy_check(model::Result r, const model::Check& check,
                                    const PolicyOutcomes* policies) {
    if (policies == nullptr) {
        r.status = Status::NA;
        r.reason =
            "no Kubernetes objects to evaluate: give --kubeconfig (or run in a cluster) or "
            "--manifests";
        r.actual = "not evaluated";
        return r;
    }
    if (!check.manual.empty()) return manual_result(std::move(r), check);
    auto found = policies->find(check.id);
    if (found == policies->end()) {
        r.status = Status::Error;
        r.reason = "internal: no policy outcome for this check";
        return r;
    }
    apply_outcome(r, found->second);
    r.findings = found->second.findings;
    return r;
}

}  // namespace

model::Result evaluate_check(const model::Check& check, const model::Catalogue& catalogue,
                             const engine::NodeFacts& facts, const PolicyOutcomes* policies) {
    model::Result r = base_result(check);
    if (!check.not_applicable.empty()) {
        r.status = Status::NA;
        r.reason = check.not_applicable;
        r.actual = "not evaluated";
        return r;
    }
    if (check.is_policy_check()) return evaluate_policy_check(std::move(r), check, policies);
    auto present = present_components(check, facts);
    if (present.empty()) {
        r.status = Status::NA;
        r.reason = absence_reason(check, catalogue);
        // What discovery knows beyond "no process" (k3s with SQLite: no etcd) is the reason.
        for (const auto& id : check.components) {
            auto it = facts.components.find(id);
            if (it == facts.components.end() || it->second.absent_reason.empty()) continue;
            r.reason = it->second.absent_reason;
            r.evidence.push_back({"discovery", it->second.how, it->second.absent_reason});
            break;
        }
        r.actual = "not evaluated";
        return r;
    }
    for (const auto* c : present) r.evidence.push_back({"discovery", c->how, "component " + c->id});
    if (!check.manual.empty()) return manual_result(std::move(r), check);
    apply_outcome(r, evaluate_item(check.test, present.front()->id, catalogue, facts));
    return r;
}

std::vector<const model::Check*> selected_checks(const model::Benchmark& benchmark,
                                                 const Selection& selection) {
    std::vector<const model::Check*> out;
    model::for_each_check(
        benchmark, [&](const model::Section& section, const auto&, const model::Check& check) {
            if (!util::contains(selection.targets, section.target)) return;
            if (selection.only.empty() || selection.only.count(check.id) != 0)
                out.push_back(&check);
        });
    return out;
}

std::vector<model::Result> evaluate(const model::Benchmark& benchmark,
                                    const model::Catalogue& catalogue,
                                    const engine::NodeFacts& facts, const Selection& selection,
                                    const PolicyOutcomes* policies) {
    std::vector<model::Result> results;
    size_t checks = 0;
    model::for_each_check(benchmark, [&](const auto&, const auto&, const auto&) { ++checks; });
    results.reserve(checks);
    model::for_each_check(benchmark, [&](const model::Section& section, const model::Group& group,
                                         const model::Check& check) {
        if (!util::contains(selection.targets, section.target)) return;
        if (!selection.only.empty() && selection.only.count(check.id) == 0) return;
        model::Result r;
        if (selection.skip.count(check.id) != 0) {
            r = base_result(check);
            r.status = Status::Skip;
            r.reason = "skipped with --skip";
            r.actual = "not evaluated";
            r.guidance.clear();
        } else {
            r = evaluate_check(check, catalogue, facts, policies);
        }
        r.benchmark = section.benchmark.empty() ? benchmark.id : section.benchmark;
        r.target = section.target;
        r.group = group.id;
        r.group_title = group.title;
        results.push_back(std::move(r));
    });
    return results;
}

std::vector<std::string> detected_targets(const model::Catalogue& catalogue,
                                          const engine::NodeFacts& facts) {
    std::vector<std::string> out;
    for (const auto& known : model::k_targets) {
        const std::string target(known.name);
        for (const auto& [id, component] : catalogue.components) {
            auto it = facts.components.find(id);
            // A component known to be absent for a reason (k3s with SQLite: no etcd) keeps its
            // target, so that its checks say why they do not apply instead of vanishing.
            bool present = it != facts.components.end() &&
                           (it->second.present || !it->second.absent_reason.empty());
            if (present && util::contains(component.targets, target) &&
                !util::contains(out, target))
                out.push_back(target);
        }
    }
    return out;
}

}  // namespace kubeproof::engine
