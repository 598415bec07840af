#include "report/metrics_writer.hpp"

#include <algorithm>
#include <cstdint>
#include <ctime>
#include <optional>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "history/verify.hpp"

namespace kubeproof::report {

namespace {

/// Label names and values in label-name order (the order a sample is written in).
using Labels = std::vector<std::pair<std::string_view, std::string_view>>;

/// One metric family: every kubeproof metric is a gauge (a scan's state, replaced by the next).
struct Family {
    std::string_view name;
    std::string_view help;
    std::vector<std::string> samples = {};
};

std::string sample(std::string_view name, const Labels& labels, int64_t value) {
    std::string line(name);
    for (size_t i = 0; i < labels.size(); ++i) {
        line += i == 0 ? '{' : ',';
        line += fmt::format("{}=\"{}\"", labels[i].first, escape_label_value(labels[i].second));
    }
    if (!labels.empty()) line += '}';
    return fmt::format("{} {}\n", line, value);
}

/// HELP and TYPE, then the samples sorted; a family without samples is left out.
void append_family(std::string& out, Family& family) {
    if (family.samples.empty()) return;
    std::sort(family.samples.begin(), family.samples.end());
    // Two results with one id would be one series twice, which a scrape refuses.
    family.samples.erase(std::unique(family.samples.begin(), family.samples.end()),
                         family.samples.end());
    out += fmt::format("# HELP {} {}\n# TYPE {} gauge\n", family.name, family.help, family.name);
    for (const auto& line : family.samples) out += line;
}

Family check_status(const model::Report& report) {
    Family family{
        "kubeproof_check_status",
        "1 for each check of the last completed scan, labelled with its status and whether "
        "an active waiver accepts it"};
    for (const auto& result : report.results) {
        family.samples.push_back(sample(family.name,
                                        {{"benchmark", result.benchmark},
                                         {"check", result.id},
                                         {"section", result.group},
                                         {"status", model::to_string(result.status)},
                                         {"waived", model::is_accepted(result) ? "true" : "false"}},
                                        1));
    }
    return family;
}

Family totals(const model::Report& report, const Labels& scan) {
    Family family{"kubeproof_checks", "Checks of the last completed scan with each status"};
    const model::Totals counts = model::count(report);
    for (const auto status : model::k_all_statuses) {
        Labels labels = scan;
        labels.emplace_back("status", model::to_string(status));
        family.samples.push_back(sample(family.name, labels, counts[status]));
    }
    return family;
}

Family definitions_info(const model::Report& report) {
    Family family{"kubeproof_definitions_info",
                  "1, labelled with the digest of the check and framework definitions that judged "
                  "the last completed scan and the kubeproof version"};
    const Labels labels = {{"benchmark", report.scan.benchmark},
                           {"definitions_sha256", report.definitions_sha256},
                           {"scope", report.scan.scope},
                           {"version", report.tool_version}};
    family.samples.push_back(sample(family.name, labels, 1));
    return family;
}

Family waived_findings(const model::Report& report, const Labels& scan) {
    Family family{"kubeproof_waived_findings",
                  "Findings of the last completed scan that an active waiver accepts"};
    const auto accepted =
        std::count_if(report.results.begin(), report.results.end(),
                      [](const auto& result) { return model::is_accepted(result); });
    family.samples.push_back(sample(family.name, scan, accepted));
    return family;
}

/// The scan's start, its duration and its end (the report's own times, whole seconds); a time
/// the report does not hold as RFC 3339 leaves its metrics out rather than inventing one.
std::vector<Family> times(const model::Report& report, const Labels& scan) {
    Family success{"kubeproof_last_success_timestamp_seconds",
                   "When the last scan that ran to completion and wrote its report finished, in "
                   "seconds since the epoch"};
    Family duration{"kubeproof_scan_duration_seconds",
                    "How long the last completed scan took, in whole seconds"};
    Family started{"kubeproof_scan_timestamp_seconds",
                   "When the last completed scan started, in seconds since the epoch"};
    const std::optional<std::time_t> start = history::parse_rfc3339(report.scan.started_at);
    const std::optional<std::time_t> finish = history::parse_rfc3339(report.scan.finished_at);
    if (start) started.samples.push_back(sample(started.name, scan, *start));
    if (finish) success.samples.push_back(sample(success.name, scan, *finish));
    if (start && finish) {
        duration.samples.push_back(
            sample(duration.name, scan, std::max<int64_t>(0, *finish - *start)));
    }
    return {std::move(success), std::move(duration), std::move(started)};
}

}  // namespace

std::string escape_label_value(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (char c : value) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

std::string to_metrics(const model::Report& report) {
    const Labels scan = {{"benchmark", report.scan.benchmark}, {"scope", report.scan.scope}};
    std::vector<Family> families;
    families.push_back(check_status(report));
    families.push_back(totals(report, scan));
    families.push_back(definitions_info(report));
    for (auto& family : times(report, scan)) families.push_back(std::move(family));
    families.push_back(waived_findings(report, scan));
    std::sort(families.begin(), families.end(),
              [](const Family& a, const Family& b) { return a.name < b.name; });
    std::string out;
    for (auto& family : families) append_family(out, family);
    return out;
}

}  // namespace kubeproof::report
