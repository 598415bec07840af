#include "report/writers.hpp"

#include <array>

#include "report/json_writer.hpp"
#include "report/junit_writer.hpp"
#include "report/sarif_writer.hpp"
#include "report/siem_writers.hpp"
#include "report/text_writer.hpp"

namespace kubeproof::report {

namespace {

std::string text(const model::Report& report, const WriterOptions& options) {
    TextOptions text_options;
    text_options.colour = options.colour;
    text_options.framework = options.framework;
    return to_text(report, text_options);
}

std::string json(const model::Report& report, const WriterOptions&) { return to_json(report); }

std::string junit(const model::Report& report, const WriterOptions&) { return to_junit(report); }

std::string sarif(const model::Report& report, const WriterOptions& options) {
    return to_sarif(report, SarifOptions{options.unlocated_uri});
}

std::string ocsf(const model::Report& report, const WriterOptions&) { return to_ocsf(report); }

std::string asff(const model::Report& report, const WriterOptions& options) {
    return to_asff(report, AsffOptions{options.aws_account_id, options.aws_region});
}

constexpr std::array<Writer, 6> k_writers = {{
    {"text", "kube-bench's text layout", text},
    {"json", "the kubeproof.report/v1 JSON report", json},
    {"junit", "JUnit XML, one testsuite per section", junit},
    {"sarif", "SARIF 2.1.0 for code scanning", sarif},
    {"ocsf", "OCSF 1.5.0 Compliance Findings (class 2003), one JSON object per line", ocsf},
    {"asff", "AWS Security Hub findings (ASFF), one BatchImportFindings batch per line", asff},
}};

}  // namespace

std::span<const Writer> writers() { return k_writers; }

const Writer* find_writer(std::string_view format) {
    for (const auto& writer : k_writers) {
        if (writer.format == format) return &writer;
    }
    return nullptr;
}

}  // namespace kubeproof::report
