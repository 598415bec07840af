#include "engine/policy.hpp"

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <optional>

#include <fmt/format.h>

#include "engine/object_shape.hpp"
#include "engine/operators.hpp"
#include "engine/policy_items.hpp"
#include "engine/policy_iterators.hpp"
#include "model/api_group.hpp"
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
        unserved;               ///< types it reads that the server does not serve, while others are
    bool skips_system = false;  ///< it leaves the scope's system namespaces out
    std::string scope_note;     ///< " in namespaces a, b" when a scope limits what it judges
};

// Every `objects:` test item of a check, in order.
void objects_tests(const model::TestItem& item, std::vector<const model::TestItem*>& out) {
    if (item.subject == model::Subject::Objects) out.push_back(&item);
    for (const auto& child : item.children) objects_tests(child, out);
}

Value value_of(const parse::SelectionRefs& sel, const std::string& path) {
    Value v;
    std::string shown_path = path;  // as people read it: "\." shown as "."
    for (size_t i = shown_path.find("\\."); i != std::string::npos; i = shown_path.find("\\.", i))
        shown_path.erase(i, 1);
    if (sel.values.empty() || (sel.values.size() == 1 && sel.values[0]->is_null())) {
        v.shown = shown_path + " unset";
        return v;
    }
    v.present = v.explicit_set = true;
    bool list = sel.wildcard || sel.values.size() > 1 || sel.values[0]->is_array();
    for (const json* value : sel.values) {
        if (value->is_array()) {
            for (const auto& e : *value) v.list.push_back(parse::scalar_text(e));
        } else {
            v.list.push_back(parse::scalar_text(*value));
        }
    }
    v.is_list = list;
    v.text = parse::scalar_text(sel.values.size() == 1 ? *sel.values[0] : json(v.list));
    v.shown = fmt::format("{}={}", shown_path, list ? "[" + v.text + "]" : v.text);
    return v;
}

/// The value at `path` in an item's view, with a container's `pod` looked up in the pod spec it
/// stands for; only a path that starts at the view itself (its `@keys`) needs the whole view made.
Value value_at(const PolicyItem& item, const std::string& path) {
    if (item.pod != nullptr) {
        const auto first = parse::first_key(path);
        if (first && first->key == "pod")
            return value_of(parse::select_refs(*item.pod, first->rest, false), path);
        if (!first) {
            json whole = item.view;
            whole["pod"] = *item.pod;
            return value_of(parse::select_refs(whole, path, false), path);
        }
    }
    return value_of(parse::select_refs(item.view, path, false), path);
}

/// Evaluates a condition on an item; `seen` collects "field=value" of every field it looked at.
bool matches(const model::Condition& c, const PolicyItem& item, std::vector<std::string>& seen) {
    switch (c.kind) {
        case model::Condition::Kind::All:
            return std::all_of(c.children.begin(), c.children.end(),
                               [&](const auto& x) { return matches(x, item, seen); });
        case model::Condition::Kind::Any: {
            bool any = false;
            for (const auto& x : c.children)
                any = matches(x, item, seen) || any;  // look at every field for evidence
            return any;
        }
        case model::Condition::Kind::Not:
            return !matches(c.children.front(), item, seen);
        case model::Condition::Kind::Field:
            break;
    }
    Value v = value_at(item, c.field);
    if (std::find(seen.begin(), seen.end(), v.shown) == seen.end()) seen.push_back(v.shown);
    return std::all_of(c.assertions.begin(), c.assertions.end(),
                       [&](const auto& a) { return apply_operator(a, v, c.type, c.field).pass; });
}

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

/// The kinds a test judges: its iterator's, or for the `object` iterator its own `kinds:`.
const std::vector<std::string>& judged_kinds_of(const model::TestItem& test) {
    const PolicyIterator* it = find_iterator(test.iterator);
    return it == nullptr || it->kinds.empty() ? test.kinds : it->kinds;
}

/// The types a test reads, from the listed types. Kinds an `object` check looks for may simply
/// not exist in a cluster, so they are all optional there.
std::vector<Need> needed_types(const model::TestItem& test,
                               const std::vector<model::ResourceType>& types) {
    const PolicyIterator* it = find_iterator(test.iterator);
    const bool own_kinds = it == nullptr || it->kinds.empty();
    std::vector<Need> out;
    for (const auto& type : types) {
        if (kind_matches(judged_kinds_of(test), type.kind, type.group)) {
            out.push_back({type.name(), type.kind, own_kinds || type.optional, true});
        } else if (it != nullptr && kind_matches(it->context_kinds, type.kind, type.group)) {
            out.push_back({type.name(), type.kind, type.optional, false});
        }
    }
    return out;
}

/// "Pod, Deployment, ..." : the kinds a test judges, for "nothing to judge" reasons.
std::string judged_kinds(const model::TestItem& test) {
    return fmt::format("{}", fmt::join(judged_kinds_of(test), ", "));
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
    out.findings = static_cast<int>(t.findings);  // a requirement's failure is no list of items
    if (t.objects == 0) {  // nothing of what it judges was read: not a clean result
        out.kind = Kind::NA;
        out.reason = fmt::format("no object of the kinds this check judges was read ({}){}{}",
                                 judged_kinds(*t.test), t.scope_note, unserved_note(t));
        return out;
    }
    out.kind = t.findings == 0 ? Kind::Pass : Kind::Fail;
    if (t.findings == 0) {
        out.actual.push_back(fmt::format("{} {} items of {} objects checked{}, none matches{}",
                                         t.items, t.test->iterator, t.objects, t.scope_note,
                                         unserved_note(t)));
        return out;
    }
    std::vector<std::string> first;
    for (size_t i = 0; i < t.evidence.size() && i < 3; ++i)
        first.push_back(t.evidence[i].ref + " " + t.evidence[i].value);
    out.actual.push_back(fmt::format("{} of {} {} items{} match: {}{}{}", t.findings, t.items,
                                     t.test->iterator, t.scope_note, fmt::join(first, "; "),
                                     t.findings > first.size() ? "; ..." : "", unserved_note(t)));
    return out;
}

/// ERROR for a test that would have judged an object no API server accepts.
std::optional<ItemOutcome> malformed_outcome(const model::TestItem& test,
                                             const std::vector<MalformedObject>& malformed) {
    std::vector<std::string> problems;
    std::vector<model::Evidence> evidence;
    for (const auto& object : malformed) {
        if (!kind_matches(judged_kinds_of(test), object.kind, model::api_group(object.api_version)))
            continue;
        problems.push_back(fmt::format("{}: {}", object.name, object.problem));
        evidence.push_back({object.origin.file.empty() ? "api" : "manifest", object.name,
                            object.problem, object.origin.file, object.origin.line});
    }
    if (problems.empty()) return std::nullopt;
    ItemOutcome out;
    out.kind = Kind::Error;
    out.reason = fmt::format(
        "cannot be judged: {}{}",
        fmt::join(problems.begin(),
                  problems.begin() + std::min<std::ptrdiff_t>(std::ssize(problems), 3), "; "),
        problems.size() > 3 ? fmt::format("; and {} more", problems.size() - 3) : "");
    out.evidence = std::move(evidence);
    return out;
}

/// ERROR when a type the test reads was refused, NA when none of the types it judges is served;
/// otherwise nullopt, with the unserved types noted on the tally.
std::optional<ItemOutcome> list_problem_outcome(
    Tally& t, const std::map<std::string, model::ListOutcome>& problems,
    const std::vector<model::ResourceType>& types) {
    std::vector<std::string> refused;
    std::vector<std::string> unserved;
    bool served = false;  // a type it judges was listed
    for (const auto& need : needed_types(*t.test, types)) {
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

std::string uid_of(const json& object) {
    const json* meta = object.contains("metadata") ? &object["metadata"] : nullptr;
    return meta != nullptr && meta->contains("uid") && (*meta)["uid"].is_string()
               ? (*meta)["uid"].get<std::string>()
               : "";
}

/// The service account token volume the ServiceAccount admission plugin adds to a Pod
/// ("kube-api-access-…": the token, the cluster's CA bundle, the namespace), and nothing else.
bool is_token_volume(const json& volume) {
    if (!volume.is_object() || volume.size() != 2 || !volume.contains("projected")) return false;
    const auto name = volume.find("name");
    if (name == volume.end() || !name->is_string() ||
        !name->get<std::string>().starts_with("kube-api-access-"))
        return false;
    const json& projected = volume["projected"];
    const auto sources = projected.is_object() ? projected.find("sources") : projected.end();
    if (!projected.is_object() || sources == projected.end() || !sources->is_array()) return false;
    return std::all_of(sources->begin(), sources->end(), [](const json& source) {
        if (!source.is_object() || source.size() != 1) return false;
        if (source.contains("serviceAccountToken") || source.contains("downwardAPI")) return true;
        const auto config = source.find("configMap");
        return config != source.end() && config->is_object() &&
               config->value("name", "") == "kube-root-ca.crt";
    });
}

/// A toleration the DefaultTolerationSeconds admission plugin adds to a Pod.
bool is_default_toleration(const json& toleration) {
    if (!toleration.is_object() || toleration.size() != 4) return false;
    const std::string key = toleration.value("key", "");
    return (key == "node.kubernetes.io/not-ready" || key == "node.kubernetes.io/unreachable") &&
           toleration.value("operator", "") == "Exists" &&
           toleration.value("effect", "") == "NoExecute" &&
           toleration.contains("tolerationSeconds");
}

/// Removes the items of the list `parent[key]` that `drop` picks, and the key itself when that
/// empties the list (a list that was already empty stays, as the object has it).
template <typename Drop>
void drop_items(json& parent, const char* key, Drop&& drop) {
    if (!parent.is_object()) return;
    const auto list = parent.find(key);
    if (list == parent.end() || !list->is_array() || list->empty()) return;
    json kept = json::array();
    for (auto& item : *list) {
        if (!drop(item)) kept.push_back(std::move(item));
    }
    if (kept.empty())
        parent.erase(list);
    else
        *list = std::move(kept);
}

/// What a pod-bearing object runs, as far as its owner's judgment can stand for it: its pod spec
/// without what the API server and its admission plugins add to a Pod made from a template (the
/// node it was bound to, the service account token's volume and mounts, the default tolerations,
/// the priority, the deprecated mirror of serviceAccountName). Nothing else is set aside, so an
/// owned object that differs in anything else (an old ReplicaSet's template, an ephemeral
/// container, a DaemonSet that merely names a Deployment as its owner) is judged itself.
json covered_spec(const json& object) {
    const auto specs = pod_specs(object);
    if (specs.empty()) return json();
    json spec = *specs.front();
    for (const char* key : {"nodeName", "priority", "preemptionPolicy"}) spec.erase(key);
    const auto account = spec.find("serviceAccount");
    if (account != spec.end() && spec.contains("serviceAccountName") &&
        *account == spec["serviceAccountName"])
        spec.erase(account);
    std::set<std::string> token_volumes;
    drop_items(spec, "volumes", [&](const json& volume) {
        if (!is_token_volume(volume)) return false;
        token_volumes.insert(volume["name"].get<std::string>());
        return true;
    });
    for (const char* list : {"containers", "initContainers"}) {
        auto containers = spec.find(list);
        if (containers == spec.end() || !containers->is_array()) continue;
        for (auto& container : *containers) {
            drop_items(container, "volumeMounts", [&](const json& mount) {
                const json* name = json_at(mount, {"name"});
                return name != nullptr && name->is_string() &&
                       token_volumes.count(name->get<std::string>()) != 0;
            });
        }
    }
    drop_items(spec, "tolerations", is_default_toleration);
    return spec;
}

/// Whether a listed controller that owns `object` was judged on the very pod spec `object` runs
/// (covered_spec of both): then judging `object` again would only repeat its owner's evidence.
/// An owner reference alone proves nothing: anyone who may create a workload may name any owner.
/// Gives that spec when covered (what the objects `object` owns must run in turn).
std::optional<json> covered_by_listed_owner(const json& object,
                                            const std::map<std::string, json>& controllers) {
    const json* refs = json_at(object, {"metadata", "ownerReferences"});
    if (refs == nullptr || !refs->is_array()) return std::nullopt;
    std::optional<json> spec;
    for (const auto& ref : *refs) {
        if (!ref.is_object() || !ref.value("controller", false)) continue;
        const auto owner = controllers.find(ref.value("uid", ""));
        if (owner == controllers.end()) continue;
        if (!spec) spec = covered_spec(object);
        if (*spec == owner->second) return spec;
    }
    return std::nullopt;
}

std::string group_of(const json& object) {
    return std::string(model::api_group(object.value("apiVersion", "")));
}

// The outcome of a check's test tree, with each `objects:` leaf replaced by its own outcome.
ItemOutcome combined(const model::TestItem& item,
                     const std::map<const model::TestItem*, ItemOutcome>& leaves) {
    if (item.subject == model::Subject::Objects) return leaves.at(&item);
    std::vector<ItemOutcome> children;
    for (const auto& child : item.children) children.push_back(combined(child, leaves));
    return combine(std::move(children), item.subject != model::Subject::Any);
}

/// ERROR for every check when the scope's selector cannot be resolved because the Namespaces
/// were not listed: judging nothing there would be NA, or PASS, for the wrong reason.
std::optional<ItemOutcome> unresolved_scope(
    const NamespaceScope& scope, const std::map<std::string, model::ListOutcome>& problems) {
    if (!scope.selects()) return std::nullopt;
    const auto problem = problems.find("namespaces");
    if (problem == problems.end()) return std::nullopt;
    ItemOutcome o;
    o.kind = Kind::Error;
    o.reason = fmt::format("the namespace selector {}={} cannot be resolved: {}", scope.label,
                           scope.value, problem->second.message);
    return o;
}

}  // namespace

struct PolicyRun::State {
    std::vector<model::ResourceType> types;
    std::vector<Tally> tallies;
    std::map<std::string, std::vector<Tally*>> by_iterator;  ///< filled once `tallies` is complete
    std::map<std::string, model::ListOutcome> problems;  ///< "deployments.apps" -> a non-Ok outcome
    /// uid -> covered_spec() of each listed workload judged (or covered by its owner)
    std::map<std::string, json> controllers;
    std::map<std::string, std::vector<StoredObject>> kept;  ///< kind -> objects judged at the end
    PolicyContext context{kept};
    std::vector<MalformedObject> malformed;  ///< objects no API server would accept
    NamespaceScope scope;
    std::set<std::string> selected;  ///< namespaces the scope's selector matched

    /// Whether `t` judges `object`: cluster-scoped objects always; others by their namespace
    /// (a Namespace by its name; a namespaced object a manifest leaves without one is in
    /// "default", where kubectl would create it).
    bool in_scope(const Tally& t, const json& object) const;
    void judge(Tally& t, const PolicyItem& item, const json& object, const model::Origin& origin);
    /// Builds the items of one object with `iterator` once and judges them for every tally of
    /// `group` that judges objects of its kind.
    void judge_object(const PolicyIterator& iterator, const std::vector<Tally*>& group,
                      const json& object, const model::Origin& origin);
    /// Drops metadata.namespace of cluster-scoped objects, as the API server does: a manifest's
    /// stray namespace must not make a ClusterRole another object than the one its bindings name.
    void drop_namespace_if_cluster_scoped(json& object) const;
};

bool PolicyRun::State::in_scope(const Tally& t, const json& object) const {
    if (!scope.named() && !t.skips_system) return true;
    const std::string kind = object.value("kind", "");
    std::string ns = json_string_at(object, {"metadata", "namespace"});
    if (kind == "Namespace" && group_of(object).empty()) {
        ns = json_string_at(object, {"metadata", "name"});
    } else if (ns.empty()) {
        const std::string group = group_of(object);
        const bool namespaced = std::any_of(types.begin(), types.end(), [&](const auto& type) {
            return type.namespaced && type.kind == kind && type.group == group;
        });
        if (!namespaced) return true;
        // A manifest's object without a namespace goes where it is applied (`kubectl apply -n`,
        // the context's namespace): any namespace a scope names may get it, so it is judged.
        if (scope.named()) return true;
        ns = "default";
    }
    if (!scope.named()) return scope.system.count(ns) == 0;
    if (!scope.only.empty() && scope.only.count(ns) == 0) return false;
    return !scope.selects() || selected.count(ns) != 0;
}

void PolicyRun::State::judge(Tally& t, const PolicyItem& item, const json& object,
                             const model::Origin& origin) {
    std::vector<std::string> seen;
    if (!t.test->exclude.empty() && matches(t.test->exclude.front(), item, seen)) return;
    ++t.items;
    seen.clear();
    const bool require = !t.test->require.empty();
    const bool unjudged = !item.unjudged.empty();
    if (!unjudged &&
        !matches(require ? t.test->require.front() : t.test->violation.front(), item, seen))
        return;
    if (require && t.required_found)
        return;  // one matching item is all the evidence a requirement needs
    t.required_found = t.required_found || (require && !unjudged);
    t.findings += require && !unjudged ? 0 : 1;
    if (t.evidence.size() >= k_max_evidence) return;
    std::string detail = unjudged ? item.unjudged : fmt::format("{}", fmt::join(seen, ", "));
    model::Evidence ev{origin.file.empty() ? "api" : "manifest",
                       object_name(object),
                       item.label.empty() ? detail : item.label + ": " + detail,
                       origin.file,
                       origin.line,
                       object_labels(object)};
    t.evidence.push_back(std::move(ev));
}

void PolicyRun::State::judge_object(const PolicyIterator& iterator,
                                    const std::vector<Tally*>& group, const json& object,
                                    const model::Origin& origin) {
    std::vector<Tally*> judging;
    for (Tally* t : group) {
        if (kind_matches(judged_kinds_of(*t->test), object) && in_scope(*t, object))
            judging.push_back(t);
    }
    if (judging.empty()) return;
    for (Tally* t : judging) ++t->objects;
    iterator.items(object, origin, context, [&](PolicyItem&& item) {
        for (Tally* t : judging) judge(*t, item, object, origin);
    });
}

void PolicyRun::State::drop_namespace_if_cluster_scoped(json& object) const {
    const std::string kind = object.value("kind", "");
    const std::string group = group_of(object);
    for (const auto& type : types) {
        if (type.namespaced || type.kind != kind || type.group != group) continue;
        auto meta = object.find("metadata");
        if (meta != object.end() && meta->is_object()) meta->erase("namespace");
        return;
    }
}

PolicyRun::PolicyRun(const std::vector<const model::Check*>& checks,
                     std::vector<model::ResourceType> types, NamespaceScope scope)
    : m_state(std::make_unique<State>()) {
    m_state->types = std::move(types);
    m_state->scope = std::move(scope);
    const NamespaceScope& sc = m_state->scope;
    std::string named_note;
    if (!sc.only.empty())
        named_note = fmt::format(" in namespaces {}", fmt::join(sc.only, ", "));
    else if (sc.selects())
        named_note = fmt::format(" in the namespaces labelled {}={}", sc.label, sc.value);
    const std::string system_note =
        fmt::format(" outside the system namespaces {}", fmt::join(sc.system, ", "));
    for (const auto* check : checks) {
        std::vector<const model::TestItem*> tests;
        objects_tests(check->test, tests);
        for (const auto* test : tests) {
            Tally tally;
            tally.check = check;
            tally.test = test;
            tally.skips_system =
                !sc.named() && !sc.system.empty() && sc.excluding.count(check->id) != 0;
            tally.scope_note = sc.named()           ? named_note
                               : tally.skips_system ? system_note
                                                    : std::string();
            m_state->tallies.push_back(std::move(tally));
        }
    }
    for (auto& t : m_state->tallies) m_state->by_iterator[t.test->iterator].push_back(&t);
}

PolicyRun::~PolicyRun() = default;

void PolicyRun::record(const model::ListOutcome& outcome) {
    if (outcome.kind != model::ListOutcome::Kind::Ok) m_state->problems[outcome.type] = outcome;
}

void PolicyRun::add(json&& object, const model::Origin& origin) {
    State& s = *m_state;
    s.drop_namespace_if_cluster_scoped(object);
    if (auto problem = shape_problem(object)) {
        s.malformed.push_back({object_name(object), object.value("kind", ""),
                               object.value("apiVersion", ""), origin, *problem});
        return;
    }
    const std::string kind = object.value("kind", "");
    if (s.scope.selects() && kind == "Namespace" && group_of(object).empty()) {
        const json* value = json_at(object, {"metadata", "labels", s.scope.label.c_str()});
        if (value != nullptr && value->is_string() && value->get<std::string>() == s.scope.value)
            s.selected.insert(json_string_at(object, {"metadata", "name"}));
    }
    if (!is_workload_kind(kind)) {
        s.kept[kind].push_back({std::move(object), origin});
        return;
    }
    // A ReplicaSet of a Deployment, a Job of a CronJob, a Pod of either: judged once, at the top,
    // when it runs the pod spec its owner was judged on; judged itself when it runs another.
    const std::string uid = uid_of(object);
    if (auto spec = covered_by_listed_owner(object, s.controllers)) {
        if (!uid.empty() && kind != "Pod") s.controllers.emplace(uid, std::move(*spec));
        return;
    }
    if (kind != "Pod" && !uid.empty()) s.controllers.emplace(uid, covered_spec(object));
    for (const auto& iterator : policy_iterators()) {
        if (iterator.streamed)
            s.judge_object(iterator, s.by_iterator[std::string(iterator.name)], object, origin);
    }
}

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

std::map<std::string, ItemOutcome> PolicyRun::finish() {
    State& s = *m_state;
    std::map<const model::TestItem*, ItemOutcome> leaves;
    std::set<const Tally*> decided;  // refused, unserved or malformed: not judged
    for (auto& t : s.tallies) {
        std::optional<ItemOutcome> o = list_problem_outcome(t, s.problems, s.types);
        if (!o) o = malformed_outcome(*t.test, s.malformed);
        if (!o) o = unresolved_scope(s.scope, s.problems);
        if (!o) continue;
        decided.insert(&t);
        leaves[t.test] = std::move(*o);
    }
    for (const auto& iterator : policy_iterators()) {
        if (iterator.streamed) continue;
        std::vector<Tally*> group;
        for (Tally* t : s.by_iterator[std::string(iterator.name)]) {
            if (decided.count(t) == 0) group.push_back(t);
        }
        if (group.empty()) continue;
        for (const auto& [kind, objects] : s.kept) {
            for (const auto& stored : objects)
                s.judge_object(iterator, group, stored.object, stored.origin);
        }
    }
    std::map<std::string, const model::Check*> checks;
    for (auto& t : s.tallies) {
        if (decided.count(&t) == 0) leaves[t.test] = judged(t);
        checks[t.check->id] = t.check;
    }
    std::map<std::string, ItemOutcome> out;
    for (const auto& [id, check] : checks) out[id] = combined(check->test, leaves);
    return out;
}

const std::vector<MalformedObject>& PolicyRun::malformed() const { return m_state->malformed; }

std::vector<std::string> PolicyRun::selected_namespaces() const {
    return {m_state->selected.begin(), m_state->selected.end()};
}

std::vector<std::string> fields_never_read(const std::string& kind) {
    std::vector<std::string> fields = {"metadata.managedFields"};
    if (is_workload_kind(kind)) fields.emplace_back("status");
    return fields;
}

std::vector<model::ResourceType> types_read_by(const std::vector<const model::Check*>& checks,
                                               const std::vector<model::ResourceType>& types) {
    std::set<std::string> read;
    for (const auto* check : checks) {
        std::vector<const model::TestItem*> tests;
        objects_tests(check->test, tests);
        for (const auto* test : tests) {
            for (const auto& need : needed_types(*test, types)) read.insert(need.name);
        }
    }
    std::vector<model::ResourceType> out;
    for (const auto& type : types) {
        if (read.count(type.name()) != 0) out.push_back(type);
    }
    return out;
}

}  // namespace kubeproof::engine
