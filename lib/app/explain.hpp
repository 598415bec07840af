#pragma once

#include <optional>
#include <string>

#include "model/check.hpp"

namespace kubeproof::app {

/// A check and the benchmark, section and group it belongs to.
struct CheckLocation {
    const model::Benchmark* benchmark = nullptr;
    const model::Section* section = nullptr;
    const model::Group* group = nullptr;
    const model::Check* check = nullptr;
};

/// Finds a check by id in one benchmark, or in any when `benchmark` is empty.
std::optional<CheckLocation> find_check(const model::Definitions& defs, const std::string& id,
                                        const std::string& benchmark);

/// What a test item inspects, in words, one line per leaf, indented by depth.
std::string describe_test(const model::TestItem& item, const model::Catalogue& catalogue,
                          int depth = 0);

/// The full `explain` text of a check, with its framework criteria and why each applies.
std::string explain(const CheckLocation& where, const model::Definitions& definitions);

/// One line per framework: id, title, criteria count, and how many checks map to it.
std::string list_frameworks(const model::Definitions& definitions);

/// `list benchmarks`: one line per benchmark: id, platform, the Kubernetes minors it states it
/// covers ("1.32-1.34" when consecutive), title.
std::string list_benchmarks(const model::Definitions& definitions);

/// Every criterion of a framework with the checks that support it, then the criteria no check
/// supports, listed as such.
std::string list_controls(const model::Framework& framework, const model::Definitions& definitions);

/// One line per check: "<id>  <target>  <Automated|Manual>  <title>".
std::string list_checks(const model::Benchmark& benchmark);

}  // namespace kubeproof::app
