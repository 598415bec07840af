#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "model/result.hpp"

namespace kubeproof::report {

/// The OCSF schema version the Compliance Finding records follow. They also carry what 1.3.0
/// required and 1.5.0 only recommends (finding_info.title, compliance.standards).
inline constexpr std::string_view k_ocsf_version = "1.5.0";

/// Renders the report as OCSF Compliance Findings (class 2003), one JSON object per line, one per
/// result (merged reports: per node and result), PASS included so that a fixed finding closes:
/// FAIL, WARN and ERROR are Create activities of New findings (Suppressed when an active waiver
/// accepts them), PASS is a Close activity of a Resolved finding, NA and SKIP are Update
/// activities whose lifecycle and compliance statuses are Other. finding_info.uid is
/// siem_finding_id(). Byte-stable for the same report; the time is the scan's finish.
std::string to_ocsf(const model::Report& report);

/// Where ASFF findings are filed.
struct AsffOptions {
    std::string account_id;  ///< 12 digits
    std::string region;      ///< "eu-west-1"
};

/// At most this many findings per BatchImportFindings call (and per output line).
inline constexpr size_t k_asff_batch = 100;

/// Renders the report as AWS Security Hub findings (ASFF 2018-10-08) for BatchImportFindings:
/// one line per call, each `{"Findings":[...]}` with at most k_asff_batch findings (nothing for
/// a report without results), so a line is the --cli-input-json of `aws securityhub
/// batch-import-findings`. One finding per SiemRow, Id siem_finding_id(), Compliance.Status
/// PASSED for a PASS so that the same Id closes. Byte-stable for the same report and options.
std::string to_asff(const model::Report& report, const AsffOptions& options);

/// Whether the text is an AWS account id: exactly 12 digits.
bool valid_aws_account_id(std::string_view text);

/// Whether the text looks like an AWS Region name ("us-east-1", "us-gov-west-1"): lower-case
/// words joined by "-", ending in a number.
bool valid_aws_region(std::string_view text);

}  // namespace kubeproof::report
