#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "model/result.hpp"

namespace kubeproof::report {

/// One finding a SIEM record is made of: a result, or in a merged report one node's outcome of
/// it (each node is its own finding there, so that a node that is fixed closes only its own).
struct SiemRow {
    const model::Result* result = nullptr;
    std::string node;  ///< "" when the report names none (a cluster-scope scan)
    model::Status status = model::Status::Error;
    std::string actual;
    std::string reason;
};

/// The report's findings in result order (merged reports: each result's nodes in order).
std::vector<SiemRow> siem_rows(const model::Report& report);

/// The finding's identity, the same in every scan of it:
/// "kubeproof/<cluster>/<node>/<check key>" (the check id when it has no key; "-" for an unknown
/// cluster or node). Each part is percent-encoded beyond letters, digits and "-._:@", so a "/" in
/// an EKS cluster ARN cannot shift the parts.
std::string siem_finding_id(const model::Report& report, const SiemRow& row);

/// Severity of a finding, in the order both OCSF severity_id (1..5) and ASFF Severity.Label use.
/// Checks carry no severity of their own, so it comes from what the check is and what it found:
/// an automated check's FAIL is High, a manual check's FAIL, a WARN and an ERROR (the check could
/// not decide) are Medium, and PASS, NA and SKIP are Informational.
enum class SiemSeverity { Informational = 1, Low = 2, Medium = 3, High = 4, Critical = 5 };

SiemSeverity siem_severity(const SiemRow& row);

/// "INFORMATIONAL" ... "CRITICAL": ASFF's Severity.Label.
std::string_view asff_severity_label(SiemSeverity severity);

/// The standards a result supports: the benchmark's title ("CIS Kubernetes Benchmark v1.12.0"),
/// then each framework it is mapped to ("PCI DSS v4.0.1", "SOC 2", "ISO/IEC 27001:2022").
std::vector<std::string> siem_standards(const model::Report& report, const model::Result& result);

/// The framework criteria a result supports, each named with its standard ("SOC 2 CC6.1"), in
/// framework then criterion order.
std::vector<std::string> siem_requirements(const model::Result& result);

/// What was found, what was expected and why (the reason of a WARN, SKIP, NA or ERROR); never
/// empty.
std::string siem_description(const SiemRow& row);

/// The longest prefix of `text` of at most `max_bytes` bytes that ends on a UTF-8 character
/// boundary; when `text` is longer, the prefix ends in "..." within the limit. Limits counted in
/// characters are met too (a character is at least one byte).
std::string utf8_truncate(std::string_view text, size_t max_bytes);

}  // namespace kubeproof::report
