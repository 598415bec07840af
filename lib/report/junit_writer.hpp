#pragma once

#include <string>
#include <string_view>

#include "model/result.hpp"

namespace kubeproof::report {

/// Renders the report as JUnit XML: one testsuite per section, FAIL as <failure>, WARN/SKIP/NA as
/// <skipped>, ERROR as <error>, status and framework criteria as testcase properties.
std::string to_junit(const model::Report& report);

/// Escapes text for XML 1.0 (attribute values when `attribute`): markup characters become entities,
/// and invalid UTF-8 and characters XML 1.0 forbids become U+FFFD.
std::string xml_escape(std::string_view text, bool attribute);

}  // namespace kubeproof::report
