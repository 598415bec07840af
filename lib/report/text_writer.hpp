#pragma once

#include <string>
#include <string_view>

#include "model/result.hpp"

namespace kubeproof::report {

/// How to render the text report.
struct TextOptions {
    bool colour =
        false;  ///< wrap the [STATE] tags in ANSI colours (the caller decides TTY/NO_COLOR)
    std::string framework;     ///< when set, each result line ends with that framework's criteria
    bool remediations = true;  ///< print the "== Remediations <target> ==" blocks
};

/// Renders the report in kube-bench's familiar text layout: sections, groups, results, remediations
/// and summaries per target, then the overall summary.
std::string to_text(const model::Report& report, const TextOptions& options = {});

}  // namespace kubeproof::report
