#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/audit_policy.hpp"
#include "engine/node_facts.hpp"
#include "engine/outcome.hpp"
#include "model/check.hpp"
#include "model/result.hpp"

namespace kubeproof::engine {

/// What an audit policy must record, by name: the table the loader validates `requires:` against.
struct AuditRequirement {
    std::string_view name;         ///< "writes-logged"
    std::string_view expectation;  ///< in words, for the report's expectation
    AuditLevel min = AuditLevel::Metadata;
    AuditLevel max = AuditLevel::RequestResponse;
    std::vector<RequestClass> classes;  ///< empty: the policy must have rules
};

/// Every requirement, in the order reports list them.
const std::vector<AuditRequirement>& audit_requirements();

/// The requirement of that name, or null.
const AuditRequirement* find_audit_requirement(std::string_view name);

/// The known names, comma-separated, for diagnostics.
std::string audit_requirement_names();

/// A requirement judged against a policy: the problems (none when it holds) and, for every
/// rule that decides part of it, the rule's file:line and what it decides.
struct AuditVerdict {
    std::vector<std::string> problems;
    std::vector<model::Evidence> evidence;
};

/// Judges one requirement. Pure.
AuditVerdict judge_audit_requirement(const AuditPolicy& policy, const AuditRequirement& req);

/// Evaluates an `audit_policy:` test item: reads the policy document the item names from the
/// facts and judges each requirement of its `requires` assertion.
ItemOutcome evaluate_audit_item(const model::TestItem& item, const std::string& component,
                                const model::Catalogue& catalogue, const NodeFacts& facts);

}  // namespace kubeproof::engine
