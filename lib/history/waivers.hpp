#pragma once

#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "history/report_file.hpp"
#include "model/result.hpp"
#include "model/waiver.hpp"

namespace kubeproof::history {

/// A Kubernetes object as section 5 evidence names it: "Deployment prod/web", "ClusterRole edit".
struct ObjectRef {
    std::string kind;
    std::string namespace_name;  ///< "" for cluster-scoped objects and manifests that give none
    std::string name;
};

/// The object an evidence ref names; nullopt when it names none.
std::optional<ObjectRef> object_ref(std::string_view ref);

/// Whether one object, with its labels, is inside a waiver's namespace, object and selector.
/// A Namespace object is inside the namespace it is.
bool object_in_scope(const model::Waiver& waiver, const ObjectRef& object,
                     const std::map<std::string, std::string>& labels);

/// Whether a waiver covers a result of a scan: the result is a finding (FAIL, WARN, ERROR), the
/// waiver names its id or key, its node (if any) is the node of this node scan, and, when it is
/// narrowed to objects, every item the section 5 check found at fault is an object inside that
/// scope, all of them listed in the evidence. Expiry is not looked at.
bool covers(const model::Waiver& waiver, const model::Result& result, const model::ScanInfo& scan);

/// Marks every finding of the report that a waiver covers with the first waiver, in file order,
/// still active at `now` (the scan's time), else with the first expired one; returns the counts
/// and the waivers that covered nothing.
model::WaiverSummary apply_waivers(model::Report& report, const model::WaiverFile& file,
                                   std::time_t now);

/// The waiver a waivers file gives a stored result at `at` (its scan's time), chosen as
/// apply_waivers() chooses: the first waiver in file order that covers it and is in force, else
/// the first expired one. Its fields as a report states them (`result.waiver`: source, check, the
/// scope, owner, approver, reason, ticket, created, expires, then state; a selector as
/// "key=value, ..."), as history::ResultRow::waiver holds them; empty when none covers it. Sets
/// `used[i]` for every waiver i that covers it.
std::vector<std::pair<std::string, std::string>> stored_waiver(const model::WaiverFile& file,
                                                               const ReportResult& result,
                                                               const ReportHeader& header,
                                                               std::time_t at,
                                                               std::vector<char>& used);

}  // namespace kubeproof::history
