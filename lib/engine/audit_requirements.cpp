#include "engine/audit_requirements.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "engine/refs.hpp"

namespace kubeproof::engine {

namespace {

using Kind = ItemOutcome::Kind;
using Verbs = std::vector<std::string>;

const Verbs k_writes = {"create", "update", "patch", "delete", "deletecollection"};
const Verbs k_every_verb = {"get",    "list",  "watch",  "create",
                            "update", "patch", "delete", "deletecollection"};

// One class per verb on one resource.
void add_classes(std::vector<RequestClass>& out, const Verbs& verbs, const std::string& group,
                 const std::string& resource, const std::string& sub = {}, bool namespaced = true) {
    for (const auto& verb : verbs) out.push_back({verb, group, resource, sub, namespaced});
}

std::vector<RequestClass> writes() {
    std::vector<RequestClass> out;
    add_classes(out, k_writes, "", "");
    return out;
}

// Read and written: TokenReviews are only ever created.
std::vector<RequestClass> secrets() {
    std::vector<RequestClass> out;
    add_classes(out, k_every_verb, "", "secrets");
    add_classes(out, k_every_verb, "", "configmaps");
    add_classes(out, {"create"}, "authentication.k8s.io", "tokenreviews", {}, false);
    return out;
}

std::vector<RequestClass> workloads() {
    std::vector<RequestClass> out;
    add_classes(out, k_writes, "", "pods");
    add_classes(out, k_writes, "apps", "deployments");
    return out;
}

// exec, attach and port-forward are POSTs, or GETs upgraded to a stream; a proxy passes any verb.
std::vector<RequestClass> pod_access() {
    std::vector<RequestClass> out;
    for (const char* sub : {"exec", "attach", "portforward"})
        add_classes(out, {"get", "create"}, "", "pods", sub);
    const Verbs proxy = {"get", "create", "update", "patch", "delete"};
    add_classes(out, proxy, "", "pods", "proxy");
    add_classes(out, proxy, "", "services", "proxy");
    return out;
}

std::vector<RequestClass> rbac() {
    std::vector<RequestClass> out;
    const std::string group = "rbac.authorization.k8s.io";
    add_classes(out, k_writes, group, "roles");
    add_classes(out, k_writes, group, "rolebindings");
    add_classes(out, k_writes, group, "clusterroles", {}, false);
    add_classes(out, k_writes, group, "clusterrolebindings", {}, false);
    return out;
}

// What a level means for a requirement it does not meet.
std::string consequence(AuditLevel level, const AuditRequirement& req) {
    if (level == AuditLevel::None) return "they are not logged";
    if (level < req.min) return fmt::format("they are logged at {} only", audit_level_name(level));
    return fmt::format(
        "they are logged at {}, which writes the request{} bodies into the log (Secret values, "
        "ConfigMap data and tokens with them)",
        audit_level_name(level), level == AuditLevel::RequestResponse ? " and response" : "");
}

// The verbs on one resource that one rule decides (or no rule, when `rule` is null).
struct Span {
    bool narrower = false;
    const AuditRule* rule = nullptr;
    AuditLevel level = AuditLevel::None;
    std::string only;
    std::string label;
    Verbs verbs;
};

void note_span(std::vector<Span>& spans, bool narrower, const AuditRule* rule, AuditLevel level,
               const std::string& only, const RequestClass& c) {
    std::string label = c.label();
    for (auto& s : spans) {
        if (s.narrower == narrower && s.rule == rule && s.only == only && s.label == label) {
            s.verbs.push_back(c.verb);
            return;
        }
    }
    spans.push_back({narrower, rule, level, only, label, {c.verb}});
}

std::string rule_name(const AuditPolicy& policy, const AuditRule& rule) {
    return fmt::format("rule {} ({}:{}) level {}", rule.index + 1, policy.path, rule.line,
                       audit_level_name(rule.level));
}

// One span in words: what decides it, and what that means when it falls short.
void report_span(const AuditPolicy& policy, const AuditRequirement& req, const Span& s,
                 AuditVerdict& v) {
    const std::string what = fmt::format("{} of {}", fmt::join(s.verbs, ", "), s.label);
    const bool ok = s.level >= req.min && s.level <= req.max;
    std::string text;
    if (s.rule == nullptr) {
        text =
            fmt::format("no rule matches every request of {}: {}", what, consequence(s.level, req));
        v.evidence.push_back({"file", policy.path, fmt::format("{}: {}", req.name, text)});
    } else {
        std::string stages = s.level != s.rule->level ? " (it omits every stage of a request)" : "";
        text = s.narrower ? fmt::format("{}{} matches {} by {}", rule_name(policy, *s.rule), stages,
                                        what, s.only)
                          : fmt::format("{}{} matches all requests of {}",
                                        rule_name(policy, *s.rule), stages, what);
        if (!ok) text += ": " + consequence(s.level, req);
        // Config evidence is "key: value" at the key's line: the rule's level, then what it
        // decides.
        v.evidence.push_back(
            {"config", fmt::format("{}:{}", policy.path, s.rule->line),
             fmt::format("level: {} [{}] {}", audit_level_name(s.rule->level), req.name, text)});
    }
    if (!ok) v.problems.push_back(fmt::format("{}: {}", req.name, text));
}

}  // namespace

const std::vector<AuditRequirement>& audit_requirements() {
    using L = AuditLevel;
    static const std::vector<AuditRequirement> table = {
        {"has-rules", "the policy has at least one rule", L::None, L::RequestResponse, {}},
        {"writes-logged",
         "create, update, patch, delete and deletecollection on every resource are logged at "
         "Metadata or above",
         L::Metadata, L::RequestResponse, writes()},
        {"secrets-metadata-only",
         "Secrets, ConfigMaps and TokenReviews are logged at Metadata, not Request or "
         "RequestResponse",
         L::Metadata, L::Metadata, secrets()},
        {"workload-changes-logged", "changes to pods and deployments are logged", L::Metadata,
         L::RequestResponse, workloads()},
        {"pod-access-logged",
         "pods/exec, pods/attach, pods/portforward, pods/proxy and services/proxy are logged",
         L::Metadata, L::RequestResponse, pod_access()},
        {"rbac-changes-logged",
         "changes to roles, rolebindings, clusterroles and clusterrolebindings are logged",
         L::Metadata, L::RequestResponse, rbac()},
    };
    return table;
}

const AuditRequirement* find_audit_requirement(std::string_view name) {
    const auto& table = audit_requirements();
    auto it = std::find_if(table.begin(), table.end(),
                           [&](const AuditRequirement& r) { return r.name == name; });
    return it == table.end() ? nullptr : &*it;
}

std::string audit_requirement_names() {
    std::vector<std::string_view> names;
    for (const auto& r : audit_requirements()) names.push_back(r.name);
    return fmt::format("{}", fmt::join(names, ", "));
}

AuditVerdict judge_audit_requirement(const AuditPolicy& policy, const AuditRequirement& req) {
    AuditVerdict v;
    if (req.classes.empty()) {
        if (policy.rules.empty())
            v.problems.push_back(
                fmt::format("{}: {} has no rules, so nothing is logged", req.name, policy.path));
        return v;
    }
    std::vector<Span> spans;
    for (const auto& c : req.classes) {
        AuditDecision d = decide_audit(policy, c);
        for (const auto& m : d.narrower) {
            if (m.level < req.min || m.level > req.max)
                note_span(spans, true, m.rule, m.level, m.only, c);
        }
        note_span(spans, false, d.decider ? d.decider->rule : nullptr, d.level(), {}, c);
    }
    for (const auto& s : spans) report_span(policy, req, s, v);
    return v;
}

namespace {

ItemOutcome outcome_of(Kind kind, std::string reason) {
    ItemOutcome out;
    out.kind = kind;
    out.reason = reason;
    if (kind != Kind::Error) out.actual.push_back(std::move(reason));
    return out;
}

ItemOutcome absent_outcome(const model::TestItem& item, std::string reason) {
    return outcome_of(item.if_missing == model::IfMissing::Pass   ? Kind::Pass
                      : item.if_missing == model::IfMissing::Fail ? Kind::Fail
                                                                  : Kind::NA,
                      std::move(reason));
}

std::vector<const AuditRequirement*> required_of(const model::TestItem& item) {
    std::vector<const AuditRequirement*> out;
    for (const auto& a : item.assertions) {
        for (const auto& name : a.values) {
            if (const auto* req = find_audit_requirement(name)) out.push_back(req);
        }
    }
    return out;
}

// Judges the requirements against a policy document that has loaded.
ItemOutcome judge_document(const model::TestItem& item, const parse::Document& doc,
                           ItemOutcome out) {
    auto policy = read_audit_policy(doc);
    if (!policy) {
        std::string problem =
            fmt::format("{}:{}: {}", doc.path, policy.error().line, policy.error().message);
        out.evidence.push_back({"config", fmt::format("{}:{}", doc.path, policy.error().line),
                                policy.error().message});
        out.kind = Kind::Fail;
        out.actual.push_back(std::move(problem));
        return out;
    }
    out.actual.push_back(fmt::format("{} is an {} Policy with {} rule{}", doc.path,
                                     policy->api_version, policy->rules.size(),
                                     policy->rules.size() == 1 ? "" : "s"));
    bool pass = true;
    for (const auto* req : required_of(item)) {
        AuditVerdict v = judge_audit_requirement(*policy, *req);
        pass = pass && v.problems.empty();
        out.actual.insert(out.actual.end(), v.problems.begin(), v.problems.end());
        out.evidence.insert(out.evidence.end(), v.evidence.begin(), v.evidence.end());
    }
    out.kind = pass ? Kind::Pass : Kind::Fail;
    return out;
}

ItemOutcome audit_outcome(const model::TestItem& item, const std::string& component,
                          const model::Catalogue& catalogue, const NodeFacts& facts) {
    const std::string& id = item.component.empty() ? component : item.component;
    auto def = catalogue.components.find(id);
    auto found = facts.components.find(id);
    if (found == facts.components.end() || !found->second.present) {
        return outcome_of(Kind::NA,
                          fmt::format("{} is not running on this node",
                                      def == catalogue.components.end() ? id : def->second.name));
    }
    const std::string& ref = item.refs.front();
    auto paths = resolve_ref(facts, ref, id);
    if (paths.empty()) return absent_outcome(item, describe_search(facts, ref, id));
    auto doc = facts.documents.find(paths.front().path);
    if (doc == facts.documents.end())
        return outcome_of(Kind::Error, paths.front().path + ": not read");
    auto file = facts.files.find(doc->first);
    if (file != facts.files.end() && !file->second.exists)
        return absent_outcome(item, doc->first + " does not exist");
    ItemOutcome out;
    out.evidence.push_back({"file", doc->first, paths.front().how});
    if (!doc->second.loaded) {
        out.kind = Kind::Error;
        out.reason = doc->second.error;
        return out;
    }
    return judge_document(item, doc->second, std::move(out));
}

}  // namespace

ItemOutcome evaluate_audit_item(const model::TestItem& item, const std::string& component,
                                const model::Catalogue& catalogue, const NodeFacts& facts) {
    ItemOutcome out = audit_outcome(item, component, catalogue, facts);
    for (const auto* req : required_of(item)) out.expected.emplace_back(req->expectation);
    return out;
}

}  // namespace kubeproof::engine
