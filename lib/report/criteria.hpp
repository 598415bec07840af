#pragma once

#include <string>
#include <vector>

#include "model/result.hpp"

namespace kubeproof::report {

/// What one criterion gathered over the results mapped to it.
struct CriterionRow {
    std::string id;
    std::string title;  ///< empty when the report does not know the catalogue
    model::Totals totals;
    std::vector<std::string> checks;  ///< check ids, in result order, each once
};

/// One framework's per-criterion summary: the criteria that have results, in catalogue order.
struct FrameworkSummary {
    std::string id;
    std::string title;
    std::vector<CriterionRow> rows;
};

/// Summaries for the report's frameworks; when it names none, for every framework its results
/// are tagged with (criteria then in natural order: CC6.2 before CC6.10).
std::vector<FrameworkSummary> summarise_frameworks(const model::Report& report);

}  // namespace kubeproof::report
