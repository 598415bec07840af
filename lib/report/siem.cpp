#include "report/siem.hpp"

#include <cctype>

#include <fmt/format.h>

namespace kubeproof::report {

namespace {

using model::Status;

constexpr std::string_view k_id_safe = "-._:@";  // besides letters and digits
constexpr std::string_view k_ellipsis = "...";

std::string id_part(std::string_view text) {
    if (text.empty()) return "-";
    std::string out;
    for (char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        const bool safe = std::isalnum(byte) != 0 || k_id_safe.find(c) != std::string_view::npos;
        out += safe ? std::string(1, c) : fmt::format("%{:02X}", byte);
    }
    return out;
}

/// A short standard name for a framework id; the catalogue's title is a sentence, too long for a
/// SIEM's filter. Unknown frameworks keep their id.
std::string standard_name(const std::string& framework) {
    if (framework == "pci-dss") return "PCI DSS v4.0.1";
    if (framework == "soc2") return "SOC 2";
    if (framework == "iso-27001") return "ISO/IEC 27001:2022";
    return framework;
}

bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0U) == 0x80U; }

/// The prefix of at most `max_bytes` bytes, not cutting a multi-byte character.
std::string_view utf8_prefix(std::string_view text, size_t max_bytes) {
    if (text.size() <= max_bytes) return text;
    size_t end = max_bytes;
    while (end > 0 && is_continuation(text[end])) --end;
    return text.substr(0, end);
}

}  // namespace

std::vector<SiemRow> siem_rows(const model::Report& report) {
    std::vector<SiemRow> rows;
    for (const auto& result : report.results) {
        if (result.nodes.empty()) {
            rows.push_back(
                {&result, report.scan.node, result.status, result.actual, result.reason});
            continue;
        }
        for (const auto& node : result.nodes)
            rows.push_back({&result, node.node, node.status, node.actual, node.reason});
    }
    return rows;
}

std::string siem_finding_id(const model::Report& report, const SiemRow& row) {
    const model::Result& result = *row.result;
    const std::string& cluster =
        report.scan.cluster_name.empty() ? report.scan.cluster_uid : report.scan.cluster_name;
    return fmt::format("kubeproof/{}/{}/{}", id_part(cluster), id_part(row.node),
                       id_part(result.key.empty() ? result.id : result.key));
}

SiemSeverity siem_severity(const SiemRow& row) {
    switch (row.status) {
        case Status::Fail:
            return row.result->automated ? SiemSeverity::High : SiemSeverity::Medium;
        case Status::Warn:
        case Status::Error:
            return SiemSeverity::Medium;
        case Status::Pass:
        case Status::Skip:
        case Status::NA:
            break;
    }
    return SiemSeverity::Informational;
}

std::string_view asff_severity_label(SiemSeverity severity) {
    switch (severity) {
        case SiemSeverity::Informational:
            return "INFORMATIONAL";
        case SiemSeverity::Low:
            return "LOW";
        case SiemSeverity::Medium:
            return "MEDIUM";
        case SiemSeverity::High:
            return "HIGH";
        case SiemSeverity::Critical:
            return "CRITICAL";
    }
    return "INFORMATIONAL";
}

std::vector<std::string> siem_standards(const model::Report& report, const model::Result& result) {
    std::vector<std::string> standards;
    const std::string& benchmark =
        report.scan.benchmark_title.empty() ? result.benchmark : report.scan.benchmark_title;
    if (!benchmark.empty()) standards.push_back(benchmark);
    for (const auto& [framework, criteria] : result.controls) {
        if (!criteria.empty()) standards.push_back(standard_name(framework));
    }
    return standards;
}

std::vector<std::string> siem_requirements(const model::Result& result) {
    std::vector<std::string> requirements;
    for (const auto& [framework, criteria] : result.controls) {
        const std::string standard = standard_name(framework);
        for (const auto& criterion : criteria)
            requirements.push_back(fmt::format("{} {}", standard, criterion));
    }
    return requirements;
}

std::string siem_description(const SiemRow& row) {
    const model::Result& result = *row.result;
    std::string text = row.actual;
    auto add = [&text](std::string_view label, const std::string& part) {
        if (part.empty()) return;
        if (!text.empty()) text += ". ";
        text += fmt::format("{}{}", label, part);
    };
    add("Expected: ", result.expected);
    if (row.reason != row.actual) add("Reason: ", row.reason);
    if (text.empty()) text = result.title.empty() ? result.id : result.title;
    return text;
}

std::string utf8_truncate(std::string_view text, size_t max_bytes) {
    if (text.size() <= max_bytes) return std::string(text);
    if (max_bytes < k_ellipsis.size()) return std::string(utf8_prefix(text, max_bytes));
    return std::string(utf8_prefix(text, max_bytes - k_ellipsis.size())) + std::string(k_ellipsis);
}

}  // namespace kubeproof::report
