#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/outcome.hpp"
#include "model/check.hpp"
#include "model/objects.hpp"

namespace kubeproof::engine {

/// The fields of objects of `kind` no policy check reads ("metadata.managedFields", and "status"
/// of Pods and workloads: no pod iterator view shows it). Sources may leave them out.
std::vector<std::string> fields_never_read(const std::string& kind);

/// The types of `types` that `checks` read (the kinds they judge and their context kinds), in the
/// order given: a scan lists only these, so that a benchmark that never looks at ConfigMaps needs
/// no permission to list them.
std::vector<model::ResourceType> types_read_by(const std::vector<const model::Check*>& checks,
                                               const std::vector<model::ResourceType>& types);

/// A policy condition in words ("securityContext.privileged is true and not (...)").
std::string describe_condition(const model::Condition& condition);

/// An object of a judged kind that no API server would accept, so no check could judge it.
struct MalformedObject {
    std::string name;         ///< "Deployment default/web"
    std::string kind;         ///< "Deployment"
    std::string api_version;  ///< "apps/v1"
    model::Origin origin;     ///< its file and line, or the API
    std::string problem;  ///< "spec.template.spec.containers is a mapping; the API server accepts
                          ///< only a list"
};

/// Which namespaces' objects the policy checks judge (`run --namespaces`, `--namespace-selector`,
/// a benchmark's system namespaces). Cluster-scoped objects are always judged; a Namespace object
/// counts as in its own namespace.
struct NamespaceScope {
    std::set<std::string> only;  ///< --namespaces: only these (empty: no such limit)
    std::string label;           ///< --namespace-selector LABEL=VALUE: namespaces labelled so
    std::string value;
    /// Left out of the checks in `excluding` when neither `only` nor a selector is given.
    std::set<std::string> system;
    std::set<std::string> excluding;  ///< ids of the checks that leave `system` out

    bool selects() const { return !label.empty(); }
    /// Whether a scope option limits the checks (not just the default system exclusion).
    bool named() const { return !only.empty() || selects(); }
};

/// Evaluates policy checks over objects fed one at a time. Pure: the caller does the listing.
/// Pods and workloads are judged as they arrive and then dropped; only the small context kinds
/// (namespaces, service accounts, network policies, RBAC) are kept.
class PolicyRun {
public:
    /// `checks` are the policy checks to evaluate (each with an `objects:` test); `types` the
    /// resource types the caller lists (which are namespaced, which are optional CRDs).
    PolicyRun(const std::vector<const model::Check*>& checks,
              std::vector<model::ResourceType> types, NamespaceScope scope = {});
    ~PolicyRun();
    PolicyRun(const PolicyRun&) = delete;
    PolicyRun& operator=(const PolicyRun&) = delete;

    /// Records how listing one type ended, by the type it names (a refused list makes the checks
    /// that need it ERROR).
    void record(const model::ListOutcome& outcome);
    /// Takes one object.
    void add(nlohmann::json&& object, const model::Origin& origin);
    /// The outcome of every check, by check id. A check that reads a type the server refused,
    /// or would judge an object no API server accepts, is ERROR; one with nothing of the kinds it
    /// judges is NA, never PASS.
    std::map<std::string, ItemOutcome> finish();
    /// The objects add() could not judge (see shape_problem), in the order they came.
    const std::vector<MalformedObject>& malformed() const;
    /// The namespaces the scope's selector matched (Namespace objects read with that label), in
    /// name order; empty without a selector. A selector needs the Namespace type listed first:
    /// see types_read_by.
    std::vector<std::string> selected_namespaces() const;

private:
    struct State;
    std::unique_ptr<State> m_state;
};

}  // namespace kubeproof::engine
