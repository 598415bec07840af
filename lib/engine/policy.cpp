#include "engine/policy.hpp"

#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include "engine/object_shape.hpp"
#include "engine/operators.hpp"
#include "engine/policy_grants.hpp"
#include "engine/policy_items.hpp"
#include "parse/document.hpp"

namespace kubeproof::engine {

namespace {

using nlohmann::json;
using Kind = ItemOutcome::Kind;
constexpr size_t k_max_evidence = 100;

using Stored = StoredObject;

/// What one check has gathered so far.
struct Tally {
    const model::Check* check = nullptr;
    const model::TestItem* test = nullptr;
    size_t items = 0;
    size_t objects = 0;  ///< objects of the kinds the test judges that were read
    size_t findings = 0;
    bool required_found = false;
    std::vector<model::Evidence> evidence;
    std::vector<std::string>
        unserved;  ///< types it reads that the server does not serve, while others are
};

// Every `objects:` test item of a check, in order.
void objects_tests(const model::TestItem& item, std::vector<const model::TestItem*>& out) {
    if (item.subject == model::Subject::Objects) out.push_back(&item);
    for (const auto& child : item.children) objects_tests(child, out);
}

Value value_at(const json& view, const std::string& path) {
    Value v;
    std::string shown_path = path;  // as people read it: "\." shown as "."
    for (size_t i = shown_path.find("\\."); i != std::string::npos; i = shown_path.find("\\.", i))
        shown_path.erase(i, 1);
    auto sel = parse::select(view, path);
    if (sel.values.empty() || (sel.values.size() == 1 && sel.values[0].is_null())) {
        v.shown = shown_path + " unset";
        return v;
    }
    v.present = v.explicit_set = true;
    bool list = sel.wildcard || sel.values.size() > 1 || sel.values[0].is_array();
    for (const auto& value : sel.values) {
        if (value.is_array()) {
            for (const auto& e : value) v.list.push_back(parse::scalar_text(e));
        } else {
            v.list.push_back(parse::scalar_text(value));
        }
    }
    v.is_list = list;
    v.text = parse::scalar_text(sel.values.size() == 1 ? sel.values[0] : json(v.list));
    v.shown = fmt::format("{}={}", shown_path, list ? "[" + v.text + "]" : v.text);
    return v;
}

/// Evaluates a condition on an item; `seen` collects "field=value" of every field it looked at.
bool matches(const model::Condition& c, const json& view, std::vector<std::string>& seen) {
    switch (c.kind) {
        case model::Condition::Kind::All:
            return std::all_of(c.children.begin(), c.children.end(),
                               [&](const auto& x) { return matches(x, view, seen); });
        case model::Condition::Kind::Any: {
            bool any = false;
            for (const auto& x : c.children)
                any = matches(x, view, seen) || any;  // look at every field for evidence
            return any;
        }
        case model::Condition::Kind::Not:
            return !matches(c.children.front(), view, seen);
        case model::Condition::Kind::Field:
            break;
    }
    Value v = value_at(view, c.field);
    if (std::find(seen.begin(), seen.end(), v.shown) == seen.end()) seen.push_back(v.shown);
    return std::all_of(c.assertions.begin(), c.assertions.end(),
                       [&](const auto& a) { return apply_operator(a, v, c.type, c.field).pass; });
}

}  // namespace

struct PolicyRun::State {
    std::vector<Tally> tallies;
    std::map<std::string, std::vector<Tally*>> by_iterator;  ///< filled once `tallies` is complete
    std::map<std::string, model::ListOutcome> problems;  ///< "deployments.apps" -> a non-Ok outcome
    std::map<std::string, bool> sa_automount;         ///< "ns/name" -> automountServiceAccountToken
    std::set<std::string> controllers;                ///< uids of listed workloads
    std::map<std::string, std::vector<Stored>> kept;  ///< kind -> context objects
    std::map<std::string, int> network_policies;      ///< namespace -> count
    std::vector<MalformedObject> malformed;           ///< objects no API server would accept

    void judge(Tally& t, const PolicyItem& item, const json& object, const model::Origin& origin);
    /// A grant check's finding for a binding whose role is not among the objects read.
    void unresolved_grant(Tally& t, const PolicyItem& subject, const json& binding,
                          const model::Origin& origin);
    /// The tallies of one iterator, in check order; `skip` leaves out those already decided.
    std::vector<Tally*> tallies_of(const std::string& iterator,
                                   const std::set<const Tally*>& skip = {});
    void stream_pod_family(const json& object, const model::Origin& origin);
    /// Judges the kept context objects for every tally of `iterator` not in `skip`, building each
    /// item once and judging it for all of them.
    void finish_context(const std::string& iterator, const std::set<const Tally*>& skip);
};

namespace {

/// Kubernetes', Calico's (also kind NetworkPolicy) and Cilium's namespaced policies all count as
/// network policies of their namespace.
bool is_network_policy_kind(const std::string& kind) {
    return kind == "NetworkPolicy" || kind == "CiliumNetworkPolicy";
}

bool kind_matches(const std::vector<std::string>& kinds, const json& object) {
    std::string kind = object.value("kind", "");
    std::string api = object.value("apiVersion", "");
    std::string group = api.find('/') == std::string::npos ? "" : api.substr(0, api.find('/'));
    return std::any_of(kinds.begin(), kinds.end(),
                       [&](const std::string& k) { return k == kind || k == group + "/" + kind; });
}

std::string uid_of(const json& object) {
    const json* meta = object.contains("metadata") ? &object["metadata"] : nullptr;
    return meta != nullptr && meta->contains("uid") && (*meta)["uid"].is_string()
               ? (*meta)["uid"].get<std::string>()
               : "";
}

bool owned_by_listed_controller(const json& pod, const std::set<std::string>& controllers) {
    const json* meta = pod.contains("metadata") ? &pod["metadata"] : nullptr;
    if (meta == nullptr || !meta->contains("ownerReferences") ||
        !(*meta)["ownerReferences"].is_array())
        return false;
    for (const auto& ref : (*meta)["ownerReferences"]) {
        if (ref.value("controller", false) && controllers.count(ref.value("uid", "")) != 0)
            return true;
    }
    return false;
}

}  // namespace

void PolicyRun::State::judge(Tally& t, const PolicyItem& item, const json& object,
                             const model::Origin& origin) {
    std::vector<std::string> seen;
    if (!t.test->exclude.empty() && matches(t.test->exclude.front(), item.view, seen)) return;
    ++t.items;
    seen.clear();
    const bool require = !t.test->require.empty();
    if (!matches(require ? t.test->require.front() : t.test->violation.front(), item.view, seen))
        return;
    if (require && t.required_found)
        return;  // one matching item is all the evidence a requirement needs
    t.required_found = t.required_found || require;
    t.findings += require ? 0 : 1;
    if (t.evidence.size() >= k_max_evidence) return;
    std::string detail = fmt::format("{}", fmt::join(seen, ", "));
    model::Evidence ev{origin.file.empty() ? "api" : "manifest", object_name(object),
                       item.label.empty() ? detail : item.label + ": " + detail, origin.file,
                       origin.line};
    t.evidence.push_back(std::move(ev));
}

void PolicyRun::State::unresolved_grant(Tally& t, const PolicyItem& subject, const json& binding,
                                        const model::Origin& origin) {
    std::vector<std::string> seen;
    if (!t.test->exclude.empty() && matches(t.test->exclude.front(), subject.view, seen)) return;
    ++t.items;
    ++t.findings;
    if (t.evidence.size() >= k_max_evidence) return;
    const json ref = binding.value("roleRef", json::object());
    const std::string role = fmt::format("{} {}", ref.value("kind", "?"), ref.value("name", "?"));
    t.evidence.push_back({"manifest", object_name(binding),
                          fmt::format("{}: references {}, which is not among the objects read: "
                                      "what it grants was not judged",
                                      subject.label, role),
                          origin.file, origin.line});
}

std::vector<Tally*> PolicyRun::State::tallies_of(const std::string& iterator,
                                                 const std::set<const Tally*>& skip) {
    std::vector<Tally*> out;
    for (Tally* t : by_iterator[iterator]) {
        if (skip.count(t) == 0) out.push_back(t);
    }
    return out;
}

void PolicyRun::State::stream_pod_family(const json& object, const model::Origin& origin) {
    for (const std::string_view iterator : {"pod", "container", "volume"}) {
        const std::vector<Tally*>& group = by_iterator[std::string(iterator)];
        if (group.empty()) continue;
        for (Tally* t : group) ++t->objects;
        auto sink = [&](PolicyItem&& item) {
            for (Tally* t : group) judge(*t, item, object, origin);
        };
        if (iterator == "pod")
            pod_items(object, sa_automount, sink);
        else if (iterator == "container")
            container_items(object, sink);
        else
            volume_items(object, sink);
    }
}

void PolicyRun::State::finish_context(const std::string& it, const std::set<const Tally*>& skip) {
    const std::vector<Tally*> group = tallies_of(it, skip);
    if (group.empty()) return;
    auto each = [&](const std::string& kind, const auto& make_items) {
        for (const auto& stored : kept[kind]) {
            for (Tally* t : group) ++t->objects;
            make_items(stored.object, [&](PolicyItem&& item) {
                for (Tally* t : group) judge(*t, item, stored.object, stored.origin);
            });
        }
    };
    auto whole = [](const json& object, const ItemSink& sink) { sink({object, ""}); };
    if (it == "role-rule") {
        for (const char* kind : {"ClusterRole", "Role"})
            each(kind, [&](const json& role, const ItemSink& sink) {
                role_rule_items(role, effective_rules(role, kept["ClusterRole"]), sink);
            });
    } else if (it == "binding-subject") {
        for (const char* kind : {"ClusterRoleBinding", "RoleBinding"})
            each(kind, binding_subject_items);
    } else if (it == "grant") {
        const RoleIndex cluster_roles = index_roles(kept["ClusterRole"]);
        const RoleIndex roles = index_roles(kept["Role"]);
        for (const char* kind : {"ClusterRoleBinding", "RoleBinding"}) {
            for (const auto& stored : kept[kind]) {
                for (Tally* t : group) ++t->objects;
                const bool found =
                    grant_items(stored.object, cluster_roles, roles, kept["ClusterRole"],
                                [&](PolicyItem&& item) {
                                    for (Tally* t : group)
                                        judge(*t, item, stored.object, stored.origin);
                                });
                // From the API a binding to a missing role grants nothing; in manifests the role
                // may live elsewhere (a built-in one, another repository), so it was not judged.
                if (found || stored.origin.file.empty()) continue;
                binding_subject_items(stored.object, [&](PolicyItem&& subject) {
                    for (Tally* t : group)
                        unresolved_grant(*t, subject, stored.object, stored.origin);
                });
            }
        }
    } else if (it == "service-account") {
        each("ServiceAccount", whole);
    } else if (it == "namespace") {
        each("Namespace", [&](const json& ns, const ItemSink& sink) {
            json view = ns;
            view["networkPolicies"] =
                network_policies[ns.value("/metadata/name"_json_pointer, std::string())];
            sink({std::move(view), ""});
        });
    } else if (it == "object") {
        for (Tally* t : group) {
            for (auto& [kind, objects] : kept) {
                for (const auto& stored : objects) {
                    if (!kind_matches(t->test->kinds, stored.object)) continue;
                    ++t->objects;
                    judge(*t, {stored.object, ""}, stored.object, stored.origin);
                }
            }
        }
    }
}

namespace {

std::string group_of(const json& object) {
    const std::string api = object.value("apiVersion", "");
    const size_t slash = api.find('/');
    return slash == std::string::npos ? std::string() : api.substr(0, slash);
}

/// The API server clears metadata.namespace on cluster-scoped objects; a manifest may keep a
/// stray one (a ClusterRole written with `namespace: default`), which must not make it a
/// different object than the one its bindings name.
void drop_namespace_if_cluster_scoped(json& object) {
    const std::string kind = object.value("kind", "");
    const std::string group = group_of(object);
    for (const auto& type : policy_resource_types()) {
        if (type.namespaced || type.kind != kind || type.group != group) continue;
        auto meta = object.find("metadata");
        if (meta != object.end() && meta->is_object()) meta->erase("namespace");
        return;
    }
}

}  // namespace

PolicyRun::PolicyRun(std::vector<const model::Check*> checks) : m_state(std::make_unique<State>()) {
    for (const auto* check : checks) {
        std::vector<const model::TestItem*> tests;
        objects_tests(check->test, tests);
        for (const auto* test : tests) {
            Tally tally;
            tally.check = check;
            tally.test = test;
            m_state->tallies.push_back(std::move(tally));
        }
    }
    for (auto& t : m_state->tallies) m_state->by_iterator[t.test->iterator].push_back(&t);
}

PolicyRun::~PolicyRun() = default;

void PolicyRun::record(const model::ResourceType& type, const model::ListOutcome& outcome) {
    if (outcome.kind != model::ListOutcome::Kind::Ok) m_state->problems[type.name()] = outcome;
}

void PolicyRun::add(json&& object, const model::Origin& origin) {
    State& s = *m_state;
    drop_namespace_if_cluster_scoped(object);
    if (auto problem = shape_problem(object)) {
        s.malformed.push_back({object_name(object), object.value("kind", ""), origin, *problem});
        return;
    }
    const std::string kind = object.value("kind", "");
    const std::string ns = object.value("/metadata/namespace"_json_pointer, std::string());
    if (kind == "ServiceAccount") {
        const json& automount = object.value("automountServiceAccountToken", json());
        if (automount.is_boolean())
            s.sa_automount[ns + "/" + object.value("/metadata/name"_json_pointer, std::string())] =
                automount.get<bool>();
    }
    const bool network_policy = is_network_policy_kind(kind);
    if (network_policy) ++s.network_policies[ns];
    if (is_workload_kind(kind)) {
        // A ReplicaSet of a Deployment, a Job of a CronJob, a Pod of either: judged once, at the
        // top.
        if (owned_by_listed_controller(object, s.controllers)) {
            if (!uid_of(object).empty()) s.controllers.insert(uid_of(object));
            return;
        }
        if (kind != "Pod" && !uid_of(object).empty()) s.controllers.insert(uid_of(object));
        s.stream_pod_family(object, origin);
        return;
    }
    if (!network_policy) s.kept[kind].push_back({std::move(object), origin});
}

namespace {

/// A resource type a check reads ("deployments.apps"); an optional one (a CRD that a cluster may
/// not have) does not make the check NA when the server does not serve it. A primary type holds
/// the objects the check judges; the others only give context (service accounts for a pod's
/// effective token mount).
struct Need {
    std::string name;
    std::string kind;
    bool optional = false;
    bool primary = true;
};

/// Whether an iterator judges objects of `kind` (for the `object` iterator, see needed_types).
bool judges_kind(const std::string& iterator, const std::string& kind) {
    const bool role = kind == "Role" || kind == "ClusterRole";
    const bool binding = kind == "RoleBinding" || kind == "ClusterRoleBinding";
    if (iterator == "pod" || iterator == "container" || iterator == "volume")
        return is_workload_kind(kind);
    if (iterator == "role-rule") return role;
    if (iterator == "binding-subject") return binding;
    if (iterator == "grant") return role || binding;
    if (iterator == "service-account") return kind == "ServiceAccount";
    if (iterator == "namespace") return kind == "Namespace";
    return false;
}

/// Whether an iterator reads objects of `kind` as context for the ones it judges.
bool reads_for_context(const std::string& iterator, const std::string& kind) {
    if (iterator == "pod") return kind == "ServiceAccount";  // effective automount
    if (iterator == "namespace") return is_network_policy_kind(kind);
    return false;
}

/// The types a test reads, from the table of listed types. Kinds an `object` check looks for may
/// simply not exist in a cluster, so they are all optional there.
std::vector<Need> needed_types(const model::TestItem& test) {
    std::vector<Need> out;
    for (const auto& type : policy_resource_types()) {
        if (test.iterator == "object") {
            json probe = {{"kind", type.kind}, {"apiVersion", type.api_version()}};
            if (kind_matches(test.kinds, probe))
                out.push_back({type.name(), type.kind, true, true});
        } else if (judges_kind(test.iterator, type.kind)) {
            out.push_back({type.name(), type.kind, type.optional, true});
        } else if (reads_for_context(test.iterator, type.kind)) {
            out.push_back({type.name(), type.kind, type.optional, false});
        }
    }
    return out;
}

/// "Pod, Deployment, ..." : the kinds a test judges, for "nothing to judge" reasons.
std::string judged_kinds(const model::TestItem& test) {
    std::vector<std::string> kinds;
    for (const auto& need : needed_types(test)) {
        if (need.primary && std::find(kinds.begin(), kinds.end(), need.kind) == kinds.end())
            kinds.push_back(need.kind);
    }
    return fmt::format("{}", fmt::join(kinds, ", "));
}

std::string unserved_note(const Tally& t) {
    if (t.unserved.empty()) return "";
    return fmt::format(" (not judged, the server does not serve them: {})",
                       fmt::join(t.unserved, "; "));
}

ItemOutcome judged(const Tally& t) {
    ItemOutcome out;
    const bool require = !t.test->require.empty();
    const std::string what = require ? describe_condition(t.test->require.front())
                                     : describe_condition(t.test->violation.front());
    out.expected.push_back(require ? fmt::format("at least one {} with {}", t.test->iterator, what)
                                   : fmt::format("no {} with {}", t.test->iterator, what));
    out.evidence = t.evidence;
    if (require) {
        out.kind = t.required_found ? Kind::Pass : Kind::Fail;
        out.actual.push_back(t.required_found
                                 ? "found: " + t.evidence.front().ref
                                 : fmt::format("none of {} {} items matches{}", t.items,
                                               t.test->iterator, unserved_note(t)));
        return out;
    }
    if (t.objects == 0) {  // nothing of what it judges was read: not a clean result
        out.kind = Kind::NA;
        out.reason = fmt::format("no object of the kinds this check judges was read ({}){}",
                                 judged_kinds(*t.test), unserved_note(t));
        return out;
    }
    out.kind = t.findings == 0 ? Kind::Pass : Kind::Fail;
    if (t.findings == 0) {
        out.actual.push_back(fmt::format("{} {} items of {} objects checked, none matches{}",
                                         t.items, t.test->iterator, t.objects, unserved_note(t)));
        return out;
    }
    std::vector<std::string> first;
    for (size_t i = 0; i < t.evidence.size() && i < 3; ++i)
        first.push_back(t.evidence[i].ref + " " + t.evidence[i].value);
    out.actual.push_back(fmt::format("{} of {} {} items match: {}{}{}", t.findings, t.items,
                                     t.test->iterator, fmt::join(first, "; "),
                                     t.findings > first.size() ? "; ..." : "", unserved_note(t)));
    return out;
}

/// Whether a malformed object is one the test would have judged.
bool judges_object(const model::TestItem& test, const MalformedObject& object) {
    if (test.iterator == "object")
        return std::find(test.kinds.begin(), test.kinds.end(), object.kind) != test.kinds.end();
    return judges_kind(test.iterator, object.kind);
}

/// ERROR for a test that would have judged an object no API server accepts.
std::optional<ItemOutcome> malformed_outcome(const model::TestItem& test,
                                             const std::vector<MalformedObject>& malformed) {
    std::vector<std::string> problems;
    std::vector<model::Evidence> evidence;
    for (const auto& object : malformed) {
        if (!judges_object(test, object)) continue;
        problems.push_back(fmt::format("{}: {}", object.name, object.problem));
        evidence.push_back({object.origin.file.empty() ? "api" : "manifest", object.name,
                            object.problem, object.origin.file, object.origin.line});
    }
    if (problems.empty()) return std::nullopt;
    ItemOutcome out;
    out.kind = Kind::Error;
    out.reason = fmt::format(
        "cannot be judged: {}{}",
        fmt::join(problems.begin(), problems.begin() + std::min<size_t>(problems.size(), 3), "; "),
        problems.size() > 3 ? fmt::format("; and {} more", problems.size() - 3) : "");
    out.evidence = std::move(evidence);
    return out;
}

}  // namespace

/// The expectation of a condition in words.
std::string describe_condition(const model::Condition& c) {
    std::vector<std::string> parts;
    switch (c.kind) {
        case model::Condition::Kind::Not:
            return "not (" + describe_condition(c.children.front()) + ")";
        case model::Condition::Kind::All:
        case model::Condition::Kind::Any:
            for (const auto& x : c.children) parts.push_back(describe_condition(x));
            return fmt::format(
                "{}", fmt::join(parts, c.kind == model::Condition::Kind::All ? " and " : " or "));
        case model::Condition::Kind::Field:
            break;
    }
    for (const auto& a : c.assertions)
        parts.push_back(apply_operator(a, Value{}, c.type, c.field).expected);
    return fmt::format("{}", fmt::join(parts, " and "));
}

const std::vector<model::ResourceType>& policy_resource_types() {
    static const std::vector<model::ResourceType> k_types = [] {
        std::vector<model::ResourceType> types = {
            {"", "v1", "namespaces", "Namespace", false},
            {"", "v1", "serviceaccounts", "ServiceAccount", true},
            {"networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy", true},
            {"cilium.io", "v2", "ciliumnetworkpolicies", "CiliumNetworkPolicy", true},
            {"crd.projectcalico.org", "v1", "networkpolicies", "NetworkPolicy", true},
            {"projectcalico.org", "v3", "networkpolicies", "NetworkPolicy", true},
            {"rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", false},
            {"rbac.authorization.k8s.io", "v1", "roles", "Role", true},
            {"rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding", false},
            {"rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", true},
            {"kyverno.io", "v1", "clusterpolicies", "ClusterPolicy", false},
            {"kyverno.io", "v1", "policies", "Policy", true},
            {"templates.gatekeeper.sh", "v1", "constrainttemplates", "ConstraintTemplate", false},
            {"apps", "v1", "deployments", "Deployment", true},
            {"apps", "v1", "statefulsets", "StatefulSet", true},
            {"apps", "v1", "daemonsets", "DaemonSet", true},
            {"apps", "v1", "replicasets", "ReplicaSet", true},
            {"", "v1", "replicationcontrollers", "ReplicationController", true},
            {"batch", "v1", "cronjobs", "CronJob", true},
            {"batch", "v1", "jobs", "Job", true},
            {"", "v1", "pods", "Pod", true}};
        // No item view shows a workload's status (the pod iterators read metadata and the pod
        // spec), and no check reads managedFields: leaving them out halves what a cluster's pods
        // cost to read.
        // Kubernetes' own groups are served by every cluster; the others are add-ons' CRDs.
        static const std::set<std::string> k_builtin_groups = {
            "", "apps", "batch", "rbac.authorization.k8s.io", "networking.k8s.io"};
        for (auto& type : types) {
            type.optional = k_builtin_groups.count(type.group) == 0;
            type.ignored_fields = {"metadata.managedFields"};
            if (is_workload_kind(type.kind)) type.ignored_fields.push_back("status");
        }
        return types;
    }();
    return k_types;
}

// The outcome of a check's test tree, with each `objects:` leaf replaced by its own outcome.
ItemOutcome combined(const model::TestItem& item,
                     const std::map<const model::TestItem*, ItemOutcome>& leaves) {
    if (item.subject == model::Subject::Objects) return leaves.at(&item);
    std::vector<ItemOutcome> children;
    for (const auto& child : item.children) children.push_back(combined(child, leaves));
    return combine(std::move(children), item.subject != model::Subject::Any);
}

namespace {

/// ERROR when a type the test reads was refused, NA when none of the types it judges is served;
/// otherwise nullopt, with the unserved types noted on the tally.
std::optional<ItemOutcome> list_problem_outcome(
    Tally& t, const std::map<std::string, model::ListOutcome>& problems) {
    std::vector<std::string> refused;
    std::vector<std::string> unserved;
    bool served = false;  // a type it judges was listed
    for (const auto& need : needed_types(*t.test)) {
        auto problem = problems.find(need.name);
        if (problem == problems.end()) {
            served = served || need.primary;
            continue;
        }
        if (problem->second.kind != model::ListOutcome::Kind::NotServed)
            refused.push_back(problem->second.message);
        else if (!need.optional)
            unserved.push_back(problem->second.message);
    }
    ItemOutcome o;
    if (!refused.empty()) {
        o.kind = Kind::Error;
        o.reason = fmt::format("{}", fmt::join(refused, "; "));
        return o;
    }
    if (!unserved.empty() && !served) {  // nothing it judges is served here
        o.kind = Kind::NA;
        o.reason = fmt::format("{}", fmt::join(unserved, "; "));
        return o;
    }
    t.unserved = std::move(unserved);  // judged on the types that are served; the rest is named
    return std::nullopt;
}

}  // namespace

std::map<std::string, ItemOutcome> PolicyRun::finish() {
    std::map<const model::TestItem*, ItemOutcome> leaves;
    std::set<const Tally*> decided;  // refused, unserved or malformed: not judged
    for (auto& t : m_state->tallies) {
        std::optional<ItemOutcome> o = list_problem_outcome(t, m_state->problems);
        if (!o) o = malformed_outcome(*t.test, m_state->malformed);
        if (!o) continue;
        decided.insert(&t);
        leaves[t.test] = std::move(*o);
    }
    for (const char* iterator :
         {"role-rule", "binding-subject", "grant", "service-account", "namespace", "object"})
        m_state->finish_context(iterator, decided);
    std::map<std::string, const model::Check*> checks;
    for (auto& t : m_state->tallies) {
        if (decided.count(&t) == 0) leaves[t.test] = judged(t);
        checks[t.check->id] = t.check;
    }
    std::map<std::string, ItemOutcome> out;
    for (const auto& [id, check] : checks) out[id] = combined(check->test, leaves);
    return out;
}

const std::vector<MalformedObject>& PolicyRun::malformed() const { return m_state->malformed; }

}  // namespace kubeproof::engine
