#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parse/document.hpp"
#include "util/expected.hpp"

namespace kubeproof::engine {

/// An audit level, weakest first: the order the API server ranks them in.
enum class AuditLevel { None, Metadata, Request, RequestResponse };

/// The level's name as a policy writes it ("RequestResponse").
std::string_view audit_level_name(AuditLevel level);

/// One `resources` entry of a rule: a group and, optionally, some of its resources.
struct AuditGroupResources {
    std::string group;                        ///< "" is the core group
    std::vector<std::string> resources;       ///< empty: every resource of the group
    std::vector<std::string> resource_names;  ///< empty: every object
};

/// One rule of a policy, as the API server reads it.
struct AuditRule {
    size_t index = 0;  ///< 0-based position in `rules`
    int line = 0;      ///< 1-based line of the rule's `level` in its file (of the rule without one)
    AuditLevel level = AuditLevel::None;
    std::vector<std::string> users;
    std::vector<std::string> user_groups;
    std::vector<std::string> verbs;
    std::vector<AuditGroupResources> resources;
    std::vector<std::string> namespaces;
    std::vector<std::string> non_resource_urls;
    std::vector<std::string> omit_stages;  ///< the rule's own; the policy's apply as well
};

/// An audit policy (audit.k8s.io/v1 or v1beta1 `Policy`).
struct AuditPolicy {
    std::string path;
    std::string api_version;
    std::vector<std::string> omit_stages;  ///< the policy's, applying to every rule
    std::vector<AuditRule> rules;
};

/// Why a document is not an audit policy the API server would load: the line and the message.
struct AuditPolicyProblem {
    int line = 0;
    std::string message;
};

/// Reads a parsed document as an audit policy. The document must have loaded.
util::Expected<AuditPolicy, AuditPolicyProblem> read_audit_policy(const parse::Document& doc);

/// A class of API requests: every request with one verb on one resource (or on any resource).
struct RequestClass {
    std::string verb;
    std::string group;        ///< "" is the core group
    std::string resource;     ///< "" means any resource of any group
    std::string subresource;  ///< "exec" for pods/exec
    bool namespaced = true;

    /// "pods/exec", "deployments.apps", "every resource".
    std::string label() const;
};

/// A rule that matches a request class, and how much of it.
struct RuleMatch {
    const AuditRule* rule = nullptr;
    AuditLevel level = AuditLevel::None;  ///< what the rule logs (None when it omits every stage)
    std::string only;  ///< for a rule that matches only some requests: which ("users [alice]")
};

/// Which rule decides a request class. Rules match in order and the first matching rule decides
/// a request; a rule restricted to some requests of the class (some users, namespaces, objects)
/// decides only those, so the class as a whole is decided by the first rule that matches all of
/// its requests, and the narrower rules before it decide part of it.
struct AuditDecision {
    std::optional<RuleMatch> decider;  ///< unset: no rule matches them all, so they are not logged
    std::vector<RuleMatch> narrower;   ///< earlier rules that match part of the class
    AuditLevel level() const { return decider ? decider->level : AuditLevel::None; }
};

/// Decides a request class against a policy. Pure.
AuditDecision decide_audit(const AuditPolicy& policy, const RequestClass& request);

}  // namespace kubeproof::engine
