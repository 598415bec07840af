#pragma once

// The per-check and per-criterion steps of period() (period.cpp): internal to lib/history.

#include <cstddef>
#include <vector>

#include "history/period.hpp"

namespace kubeproof::history {

/// Where each scan of the population comes from.
struct ScanOrigins {
    std::vector<size_t> report;  ///< per scan: its index in PeriodInput::reports
    std::vector<size_t> node;    ///< per scan: its index in PeriodReport::nodes
};

/// Fills report.statuses, report.waivers and report.checks (every check's figures on every node)
/// from the scans of the population, and the report's exception counts. The population, nodes and
/// period must be decided.
void decide_checks(const PeriodInput& input, const ScanOrigins& origins, PeriodReport& report);

/// Fills report.criteria: every criterion of the catalogue (then those only reports name), its
/// checks and its verdict with the reasons. The checks and nodes must be decided.
void decide_criteria(const PeriodInput& input, PeriodReport& report);

}  // namespace kubeproof::history
