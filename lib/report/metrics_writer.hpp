#pragma once

#include <string>
#include <string_view>

#include "model/result.hpp"

namespace kubeproof::report {

/// Renders a scan report as Prometheus metrics in the text exposition format, for node-exporter's
/// textfile collector (`run --metrics-file`): every check's status
/// (`kubeproof_check_status{benchmark,check,section,status,waived} 1`), the totals per status
/// (every status, 0 included), the scan's start, duration and completion, the findings active
/// waivers accept, and the definitions digest as an `_info` metric. The scan-level metrics carry
/// the labels `benchmark` and `scope`, so a node scan and a cluster scan can sit side by side in
/// one collector directory. No node label (the scrape target names the node), no free text, no
/// sample timestamps (the collector does not support them). Families by name, samples sorted,
/// byte-stable for the same report.
std::string to_metrics(const model::Report& report);

/// A label value escaped as the text format wants it: backslash, double quote and line feed as
/// `\\`, `\"` and `\n`.
std::string escape_label_value(std::string_view value);

}  // namespace kubeproof::report
