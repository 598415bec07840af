#include "engine/policy_controls.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <string>

#include <fmt/format.h>

#include "model/api_group.hpp"
#include "parse/credentials.hpp"

namespace kubeproof::engine {

namespace {

using nlohmann::json;

std::string control_group(const json& object) {
    return std::string(model::api_group(object.value("apiVersion", "")));
}

bool is_empty_or_absent(const json* node) {
    return node == nullptr || node->is_null() || (node->is_object() && node->empty());
}

// ---- workloads ------------------------------------------------------------------------------

/// The replicas a workload runs: spec.replicas, which the API server defaults to 1.
int replicas_of(const json& workload) {
    const json* replicas = json_at(workload, {"spec", "replicas"});
    return replicas != nullptr && replicas->is_number_integer() ? replicas->get<int>() : 1;
}

/// An int-or-string of a PDB scaled to `replicas`, rounded up as the disruption controller does.
std::optional<int> scaled(const json& value, int replicas) {
    if (value.is_number_integer()) return value.get<int>();
    if (!value.is_string()) return std::nullopt;
    const std::string text = value.get<std::string>();
    if (text.empty() || text.back() != '%') return std::nullopt;
    int percent = 0;
    try {
        percent = std::stoi(text.substr(0, text.size() - 1));
    } catch (const std::exception&) {
        return std::nullopt;
    }
    return static_cast<int>(std::ceil(static_cast<double>(percent) * replicas / 100.0));
}

/// Whether a PDB lets fewer than all `replicas` pods be evicted at once. Without minAvailable or
/// maxUnavailable (policy/v1 defaults neither) the controller allows every disruption.
bool protects(const json& pdb, int replicas) {
    if (const json* min = json_at(pdb, {"spec", "minAvailable"})) {
        const auto n = scaled(*min, replicas);
        return n && *n >= 1;  // allowed disruptions = replicas - minAvailable < replicas
    }
    if (const json* max = json_at(pdb, {"spec", "maxUnavailable"})) {
        const auto n = scaled(*max, replicas);
        return n && *n < replicas;
    }
    return false;
}

/// The topology keys over which a pod spec spreads its replicas.
json spread_keys(const json& spec) {
    std::set<std::string> keys;
    if (const json* constraints = json_at(spec, {"topologySpreadConstraints"});
        constraints != nullptr && constraints->is_array()) {
        for (const auto& c : *constraints) {
            if (c.is_object() && c.value("topologyKey", json()).is_string())
                keys.insert(c["topologyKey"].get<std::string>());
        }
    }
    const json* anti = json_at(spec, {"affinity", "podAntiAffinity"});
    if (anti != nullptr && anti->is_object()) {
        if (const json* required =
                json_at(*anti, {"requiredDuringSchedulingIgnoredDuringExecution"});
            required != nullptr && required->is_array()) {
            for (const auto& term : *required) {
                if (term.is_object() && term.value("topologyKey", json()).is_string())
                    keys.insert(term["topologyKey"].get<std::string>());
            }
        }
        if (const json* preferred =
                json_at(*anti, {"preferredDuringSchedulingIgnoredDuringExecution"});
            preferred != nullptr && preferred->is_array()) {
            for (const auto& weighted : *preferred) {
                const std::string key =
                    json_string_at(weighted, {"podAffinityTerm", "topologyKey"});
                if (!key.empty()) keys.insert(key);
            }
        }
    }
    return json(std::vector<std::string>(keys.begin(), keys.end()));
}

std::map<std::string, std::string> template_labels(const json& workload) {
    const json* labels = workload.value("kind", "") == "Pod"
                             ? json_at(workload, {"metadata", "labels"})
                             : json_at(workload, {"spec", "template", "metadata", "labels"});
    std::map<std::string, std::string> out;
    if (labels == nullptr || !labels->is_object()) return out;
    for (const auto& [name, value] : labels->items()) {
        if (value.is_string()) out.emplace(name, value.get<std::string>());
    }
    return out;
}

// ---- network policies -----------------------------------------------------------------------

/// The directions a Kubernetes NetworkPolicy isolates: policyTypes, else Ingress always and Egress
/// when it has egress rules (the API server's defaulting).
bool k8s_isolates(const json& spec, bool ingress) {
    if (const json* types = json_at(spec, {"policyTypes"}); types != nullptr && types->is_array()) {
        return std::any_of(types->begin(), types->end(),
                           [&](const json& t) { return t == (ingress ? "Ingress" : "Egress"); });
    }
    return ingress || json_at(spec, {"egress"}) != nullptr;
}

/// A Kubernetes rule admits every peer when it names none (no or an empty `from`/`to`).
bool k8s_admits_all(const json& rule, bool ingress) {
    const json* peers = json_at(rule, {ingress ? "from" : "to"});
    return peers == nullptr || !peers->is_array() || peers->empty();
}

bool cilium_rule_admits_all(const json& rule, bool ingress) {
    const json* entities = json_at(rule, {ingress ? "fromEntities" : "toEntities"});
    if (entities != nullptr && entities->is_array()) {
        for (const auto& e : *entities) {
            if (e == "all" || e == "world") return true;
        }
    }
    const json* cidrs = json_at(rule, {ingress ? "fromCIDR" : "toCIDR"});
    if (cidrs != nullptr && cidrs->is_array()) {
        for (const auto& c : *cidrs) {
            if (c == "0.0.0.0/0" || c == "::/0") return true;
        }
    }
    // A rule whose endpoint selector is empty admits every endpoint of the cluster.
    const json* endpoints = json_at(rule, {ingress ? "fromEndpoints" : "toEndpoints"});
    if (endpoints != nullptr && endpoints->is_array()) {
        for (const auto& e : *endpoints) {
            if (is_empty_or_absent(&e)) return true;
        }
    }
    return false;
}

/// A Cilium rule (one of `spec` or `specs`) selecting every endpoint of its namespace with an
/// ingress (egress) section puts them in default deny for that direction, unless
/// enableDefaultDeny turns that off; `ingress: [{}]` is Cilium's documented deny-all.
bool cilium_denies(const json& spec, bool ingress) {
    if (!spec.is_object() || !is_empty_or_absent(json_at(spec, {"endpointSelector"}))) return false;
    if (!spec.contains("endpointSelector")) return false;  // a nodeSelector rule is not about pods
    if (const json* off = json_at(spec, {"enableDefaultDeny", ingress ? "ingress" : "egress"});
        off != nullptr && off->is_boolean() && !off->get<bool>())
        return false;
    const json* rules = json_at(spec, {ingress ? "ingress" : "egress"});
    const json* deny = json_at(spec, {ingress ? "ingressDeny" : "egressDeny"});
    if (rules == nullptr && deny == nullptr) return false;
    if (rules != nullptr && rules->is_array()) {
        for (const auto& rule : *rules) {
            if (cilium_rule_admits_all(rule, ingress)) return false;
        }
    }
    return true;
}

/// A Calico NetworkPolicy selects every endpoint of its namespace with `selector: all()` (or none,
/// which is the same); it isolates the directions in `types` (default: Ingress, and Egress when it
/// has egress rules), and an Allow rule without a source (destination) admits everything.
bool calico_denies(const json& spec, bool ingress) {
    const std::string selector = spec.value("selector", std::string("all()"));
    if (selector != "all()" && !selector.empty()) return false;
    bool isolates = false;
    if (const json* types = json_at(spec, {"types"}); types != nullptr && types->is_array()) {
        isolates = std::any_of(types->begin(), types->end(), [&](const json& t) {
            return t == (ingress ? "Ingress" : "Egress");
        });
    } else {
        isolates = ingress || json_at(spec, {"egress"}) != nullptr;
    }
    if (!isolates) return false;
    if (const json* rules = json_at(spec, {ingress ? "ingress" : "egress"});
        rules != nullptr && rules->is_array()) {
        for (const auto& rule : *rules) {
            if (rule.value("action", "") == "Allow" &&
                is_empty_or_absent(json_at(rule, {ingress ? "source" : "destination"})))
                return false;
        }
    }
    return true;
}

// ---- admission policies ---------------------------------------------------------------------

/// A namespace name against a Kyverno / Gatekeeper pattern (`*` matches any run of characters).
bool glob(std::string_view pattern, std::string_view text) {
    if (pattern.empty()) return text.empty();
    if (pattern.front() == '*')
        return glob(pattern.substr(1), text) || (!text.empty() && glob(pattern, text.substr(1)));
    return !text.empty() && pattern.front() == text.front() &&
           glob(pattern.substr(1), text.substr(1));
}

bool names(const json* list, const std::string& ns) {
    if (list == nullptr || !list->is_array()) return false;
    return std::any_of(list->begin(), list->end(), [&](const json& p) {
        return p.is_string() && glob(p.get<std::string>(), ns);
    });
}

/// The `resources.namespaces` lists of a Kyverno match or exclude block (plain, any, all).
std::vector<const json*> kyverno_namespace_lists(const json* block) {
    std::vector<const json*> out;
    if (block == nullptr || !block->is_object()) return out;
    if (const json* list = json_at(*block, {"resources", "namespaces"})) out.push_back(list);
    for (const char* key : {"any", "all"}) {
        const json* filters = json_at(*block, {key});
        if (filters == nullptr || !filters->is_array()) continue;
        for (const auto& f : *filters) {
            if (const json* list = json_at(f, {"resources", "namespaces"})) out.push_back(list);
        }
    }
    return out;
}

/// Whether a Kyverno kind names what runs containers: Pod or a workload, plain ("Pod"), with its
/// version or group ("v1/Pod", "apps/v1/Deployment", "*/Pod") or "*"; not a subresource
/// ("Pod/exec"), which admits no pod.
bool kyverno_pod_kind(const std::string& kind) {
    if (kind == "*") return true;
    const size_t slash = kind.rfind('/');
    const std::string last = slash == std::string::npos ? kind : kind.substr(slash + 1);
    if (last != "Pod" && !is_workload_kind(last)) return false;
    // "Pod/exec": the part before the slash is a kind, so the last part is a subresource.
    return slash == std::string::npos ||
           kind.substr(0, slash).find_first_of("0123456789*") != std::string::npos;
}

/// Whether a Kyverno rule's match block names a pod or workload kind.
bool kyverno_matches_pods(const json* block) {
    if (block == nullptr || !block->is_object()) return false;
    std::vector<const json*> kinds;
    if (const json* list = json_at(*block, {"resources", "kinds"})) kinds.push_back(list);
    for (const char* key : {"any", "all"}) {
        const json* filters = json_at(*block, {key});
        if (filters == nullptr || !filters->is_array()) continue;
        for (const auto& f : *filters) {
            if (const json* list = json_at(f, {"resources", "kinds"})) kinds.push_back(list);
        }
    }
    return std::any_of(kinds.begin(), kinds.end(), [](const json* list) {
        return list->is_array() && std::any_of(list->begin(), list->end(), [](const json& k) {
                   return k.is_string() && kyverno_pod_kind(k.get<std::string>());
               });
    });
}

bool kyverno_enforces_in(const json& policy, const std::string& ns) {
    const bool cluster = policy.value("kind", "") == "ClusterPolicy";
    if (!cluster && json_string_at(policy, {"metadata", "namespace"}) != ns) return false;
    const std::string action = json_string_at(policy, {"spec", "validationFailureAction"});
    const bool policy_enforces = action == "Enforce" || action == "enforce";
    const json* rules = json_at(policy, {"spec", "rules"});
    if (rules == nullptr || !rules->is_array()) return false;
    for (const auto& rule : *rules) {
        const json* validate = json_at(rule, {"validate"});
        if (validate == nullptr) continue;
        const std::string own = json_string_at(*validate, {"failureAction"});
        if (!(own.empty() ? policy_enforces : own == "Enforce" || own == "enforce")) continue;
        if (!kyverno_matches_pods(json_at(rule, {"match"}))) continue;  // not about pods
        const auto matched = kyverno_namespace_lists(json_at(rule, {"match"}));
        if (!matched.empty() && std::none_of(matched.begin(), matched.end(),
                                             [&](const json* l) { return names(l, ns); }))
            continue;
        const auto excluded = kyverno_namespace_lists(json_at(rule, {"exclude"}));
        if (std::any_of(excluded.begin(), excluded.end(),
                        [&](const json* l) { return names(l, ns); }))
            continue;
        return true;
    }
    return false;
}

bool gatekeeper_enforces_in(const json& constraint, const std::string& ns) {
    const std::string action = json_string_at(constraint, {"spec", "enforcementAction"});
    if (!action.empty() && action != "deny") return false;  // dryrun, warn, scoped
    const json* match = json_at(constraint, {"spec", "match"});
    if (match != nullptr) {
        const json* only = json_at(*match, {"namespaces"});
        if (only != nullptr && only->is_array() && !only->empty() && !names(only, ns)) return false;
        if (names(json_at(*match, {"excludedNamespaces"}), ns)) return false;
    }
    return true;
}

// ---- literal credentials --------------------------------------------------------------------

json item_view(const json& object, const std::string& where, const std::string& credential) {
    json view = json::object();
    view["kind"] = object.value("kind", "");
    if (const json* meta = json_at(object, {"metadata"})) {
        json kept = json::object();  // names and labels, never annotations: they may hold the value
        for (const char* field : {"name", "namespace", "labels"}) {
            if (meta->contains(field)) kept[field] = (*meta)[field];
        }
        view["metadata"] = std::move(kept);
    }
    view["where"] = where;
    view["credential"] = credential;
    return view;
}

void annotation_items(const json& object, const ItemSink& sink) {
    const json* annotations = json_at(object, {"metadata", "annotations"});
    if (annotations == nullptr || !annotations->is_object()) return;
    for (const auto& [key, value] : annotations->items()) {
        // kubectl's copy of the object as applied: its fields are judged one by one already.
        if (key == "kubectl.kubernetes.io/last-applied-configuration" || !value.is_string())
            continue;
        const std::string where = "annotation " + key;
        sink({item_view(object, where, parse::credential_in("", value.get<std::string>())), where});
    }
}

void string_list_items(const json& object, const json& container, const char* field,
                       const std::string& prefix, const ItemSink& sink) {
    const json* words = json_at(container, {field});
    if (words == nullptr || !words->is_array()) return;
    for (size_t i = 0; i < words->size(); ++i) {
        if (!(*words)[i].is_string()) continue;
        const std::string where = fmt::format("{} {}[{}]", prefix, field, i);
        sink({item_view(object, where, parse::credential_in("", (*words)[i].get<std::string>())),
              where});
    }
}

}  // namespace

std::string image_pin(std::string_view image) {
    if (image.find('@') != std::string_view::npos) return "digest";
    const size_t slash = image.rfind('/');
    const std::string_view last = slash == std::string_view::npos ? image : image.substr(slash + 1);
    const size_t colon = last.find(':');
    if (colon == std::string_view::npos) return "untagged";
    return last.substr(colon + 1) == "latest" ? "latest" : "tag";
}

bool selector_matches(const json& selector, const std::map<std::string, std::string>& labels) {
    if (!selector.is_object()) return false;
    if (const json* match = json_at(selector, {"matchLabels"});
        match != nullptr && match->is_object()) {
        for (const auto& [key, value] : match->items()) {
            const auto found = labels.find(key);
            if (found == labels.end() || !value.is_string() || found->second != value) return false;
        }
    }
    const json* expressions = json_at(selector, {"matchExpressions"});
    if (expressions == nullptr || !expressions->is_array()) return true;
    for (const auto& e : *expressions) {
        const std::string key = e.value("key", "");
        const std::string op = e.value("operator", "");
        const auto found = labels.find(key);
        const json values = e.value("values", json::array());
        const bool listed = found != labels.end() && std::find(values.begin(), values.end(),
                                                               json(found->second)) != values.end();
        if (op == "In" && !listed) return false;
        if (op == "NotIn" && listed) return false;
        if (op == "Exists" && found == labels.end()) return false;
        if (op == "DoesNotExist" && found != labels.end()) return false;
        if (op != "In" && op != "NotIn" && op != "Exists" && op != "DoesNotExist") return false;
    }
    return true;
}

void workload_items(const json& object, const std::vector<StoredObject>& budgets,
                    const ItemSink& sink) {
    const std::string kind = object.value("kind", "");
    if (kind != "Deployment" && kind != "StatefulSet" && kind != "ReplicaSet" &&
        kind != "ReplicationController")
        return;
    const json* spec = json_at(object, {"spec", "template", "spec"});
    const int replicas = replicas_of(object);
    const std::string ns = json_string_at(object, {"metadata", "namespace"});
    const auto labels = template_labels(object);
    json all = json::array();
    json protecting = json::array();
    for (const auto& stored : budgets) {
        const json& pdb = stored.object;
        if (json_string_at(pdb, {"metadata", "namespace"}) != ns) continue;
        const json* selector = json_at(pdb, {"spec", "selector"});
        if (selector == nullptr || !selector_matches(*selector, labels)) continue;
        const std::string name = json_string_at(pdb, {"metadata", "name"});
        all.push_back(name);
        if (protects(pdb, replicas)) protecting.push_back(name);
    }
    json view = json::object();
    view["kind"] = kind;
    if (const json* meta = json_at(object, {"metadata"})) view["metadata"] = *meta;
    view["replicas"] = replicas;
    view["spreadAcross"] = spec != nullptr ? spread_keys(*spec) : json::array();
    view["disruptionBudgets"] = std::move(all);
    view["protectingBudgets"] = std::move(protecting);
    sink({std::move(view), ""});
}

bool denies_by_default(const json& policy, bool ingress) {
    const std::string group = control_group(policy);
    const json* spec = json_at(policy, {"spec"});
    if (group == "cilium.io") {
        if (spec != nullptr && cilium_denies(*spec, ingress)) return true;
        const json* specs = json_at(policy, {"specs"});
        return specs != nullptr && specs->is_array() &&
               std::any_of(specs->begin(), specs->end(),
                           [&](const json& s) { return cilium_denies(s, ingress); });
    }
    if (spec == nullptr || !spec->is_object()) return false;
    if (group == "crd.projectcalico.org" || group == "projectcalico.org")
        return calico_denies(*spec, ingress);
    if (group != "networking.k8s.io") return false;
    const json* selector = json_at(*spec, {"podSelector"});
    if (selector == nullptr || !selector->is_object() || !selector_matches(*selector, {}))
        return false;  // selects some pods only
    const json* matching_labels = json_at(*selector, {"matchLabels"});
    const json* matching_expressions = json_at(*selector, {"matchExpressions"});
    if ((matching_labels != nullptr && !is_empty_or_absent(matching_labels)) ||
        (matching_expressions != nullptr && matching_expressions->is_array() &&
         !matching_expressions->empty()))
        return false;
    if (!k8s_isolates(*spec, ingress)) return false;
    const json* rules = json_at(*spec, {ingress ? "ingress" : "egress"});
    if (rules == nullptr || !rules->is_array()) return true;
    return std::none_of(rules->begin(), rules->end(),
                        [&](const json& r) { return k8s_admits_all(r, ingress); });
}

bool enforces_in(const json& policy, const std::string& ns) {
    const std::string group = control_group(policy);
    if (group == "kyverno.io") return kyverno_enforces_in(policy, ns);
    if (group == "constraints.gatekeeper.sh") return gatekeeper_enforces_in(policy, ns);
    return false;
}

json namespace_controls_view(const json& ns, const NamespaceControls& controls) {
    json view = ns;
    view["defaultDenyIngress"] = controls.deny_ingress;
    view["defaultDenyEgress"] = controls.deny_egress;
    view["resourceQuotas"] = controls.resource_quotas;
    view["limitRanges"] = controls.limit_ranges;
    view["podSecurityEnforce"] =
        json_string_at(ns, {"metadata", "labels", "pod-security.kubernetes.io/enforce"});
    view["enforcingPolicies"] = controls.enforcing;
    return view;
}

void ingress_host_items(const json& ingress, const ItemSink& sink) {
    std::set<std::string> tls_hosts;
    bool tls_without_hosts = false;
    if (const json* tls = json_at(ingress, {"spec", "tls"}); tls != nullptr && tls->is_array()) {
        for (const auto& entry : *tls) {
            const json* hosts = json_at(entry, {"hosts"});
            if (hosts == nullptr || !hosts->is_array() || hosts->empty()) {
                tls_without_hosts = true;  // the controller's default certificate, for any host
                continue;
            }
            for (const auto& h : *hosts) {
                if (h.is_string()) tls_hosts.insert(h.get<std::string>());
            }
        }
    }
    auto emit = [&](const std::string& host, const std::string& label) {
        json view = json::object();
        view["kind"] = ingress.value("kind", "");
        if (const json* meta = json_at(ingress, {"metadata"})) view["metadata"] = *meta;
        view["host"] = host;
        view["tls"] =
            tls_hosts.count(host) != 0 || (host == "*" && !tls_hosts.empty()) || tls_without_hosts;
        sink({std::move(view), label});
    };
    const json* rules = json_at(ingress, {"spec", "rules"});
    if (rules == nullptr || !rules->is_array() || rules->empty()) {
        if (json_at(ingress, {"spec", "defaultBackend"}) != nullptr) emit("*", "defaultBackend");
        return;
    }
    for (size_t i = 0; i < rules->size(); ++i) {
        const std::string host = json_string_at((*rules)[i], {"host"});
        emit(host.empty() ? "*" : host,
             fmt::format("rules[{}] ({})", i, host.empty() ? "*" : host));
    }
}

void workload_credential_items(const json& object, const ItemSink& sink) {
    annotation_items(object, sink);
    for (const json* spec : pod_specs(object)) {
        for (const char* list : {"containers", "initContainers", "ephemeralContainers"}) {
            const json* containers = json_at(*spec, {list});
            if (containers == nullptr || !containers->is_array()) continue;
            for (size_t i = 0; i < containers->size(); ++i) {
                const json& container = (*containers)[i];
                const std::string prefix =
                    fmt::format("{}[{}] ({})", list, i, container.value("name", "?"));
                if (const json* env = json_at(container, {"env"});
                    env != nullptr && env->is_array()) {
                    for (const auto& var : *env) {
                        const std::string name = var.value("name", "");
                        const json* value = json_at(var, {"value"});
                        if (value == nullptr || !value->is_string()) continue;  // valueFrom
                        const std::string where = fmt::format("{} env {}", prefix, name);
                        sink({item_view(object, where,
                                        parse::credential_in(name, value->get<std::string>())),
                              where});
                    }
                }
                string_list_items(object, container, "command", prefix, sink);
                string_list_items(object, container, "args", prefix, sink);
            }
        }
    }
}

void configmap_credential_items(const json& configmap, const ItemSink& sink) {
    annotation_items(configmap, sink);
    const json* data = json_at(configmap, {"data"});
    if (data == nullptr || !data->is_object()) return;
    for (const auto& [key, value] : data->items()) {
        if (!value.is_string()) continue;
        const std::string where = "data " + key;
        sink({item_view(configmap, where, parse::credential_in(key, value.get<std::string>())),
              where});
    }
}

}  // namespace kubeproof::engine
