#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model/result.hpp"

namespace kubeproof::report {

/// One section of a report together with its results, in report order.
struct SectionResults {
    model::SectionInfo info;
    std::vector<const model::Result*> results;
};

/// Splits the results into the report's sections (section order; sections without results are left
/// out). A result that matches no section gets a section of its own, named after its group's first
/// component and placed after the declared ones.
std::vector<SectionResults> split_into_sections(const model::Report& report);

/// Counts the statuses of some results.
model::Totals count(const std::vector<const model::Result*>& results);

/// "<id> <title>", or just the id when the title is empty.
std::string heading(std::string_view id, std::string_view title);

}  // namespace kubeproof::report
