#include "report/json_writer.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <string_view>

#include <nlohmann/json.hpp>

namespace kubeproof::report {

namespace {

using Json = nlohmann::ordered_json;

constexpr std::string_view k_schema = "kubeproof.report/v1";
constexpr std::string_view k_tool_name = "kubeproof";

bool is_digit(char c) { return c >= '0' && c <= '9'; }

/// The end of the run of digits that starts at `from`.
size_t digits_end(std::string_view text, size_t from) {
    while (from < text.size() && is_digit(text[from])) ++from;
    return from;
}

/// Compares two digit runs by value: "9" < "10", "01" == "1".
int compare_numbers(std::string_view a, std::string_view b) {
    a.remove_prefix(std::min(a.find_first_not_of('0'), a.size()));
    b.remove_prefix(std::min(b.find_first_not_of('0'), b.size()));
    if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
    return a.compare(b) < 0 ? -1 : (a == b ? 0 : 1);
}

/// Compares with digit runs taken as numbers, so "CC6.2" < "CC6.10" and "2.2.4" < "10.2.1".
int natural_compare(std::string_view a, std::string_view b) {
    size_t i = 0;
    size_t j = 0;
    while (i < a.size() && j < b.size()) {
        if (is_digit(a[i]) && is_digit(b[j])) {
            const size_t a_end = digits_end(a, i);
            const size_t b_end = digits_end(b, j);
            if (int order = compare_numbers(a.substr(i, a_end - i), b.substr(j, b_end - j))) return order;
            i = a_end;
            j = b_end;
        } else {
            if (a[i] != b[j]) return a[i] < b[j] ? -1 : 1;
            ++i;
            ++j;
        }
    }
    return (i < a.size()) - (j < b.size());
}

/// Natural order with a plain comparison as tie-break, so "01" and "1" stay distinct keys.
struct NaturalLess {
    bool operator()(const std::string& a, const std::string& b) const {
        const int order = natural_compare(a, b);
        return order != 0 ? order < 0 : a < b;
    }
};

/// What one framework criterion gathered over the results mapped to it.
struct CriterionSummary {
    model::Totals totals;
    std::vector<std::string> checks;
};

using Summaries = std::map<std::string, std::map<std::string, CriterionSummary, NaturalLess>>;

Json totals_json(const model::Totals& totals) {
    Json json = Json::object();
    for (model::Status status : model::k_all_statuses) json[std::string(model::to_string(status))] = totals[status];
    return json;
}

Json scan_json(const model::ScanInfo& scan) {
    return Json{{"id", scan.id},
                {"started_at", scan.started_at},
                {"finished_at", scan.finished_at},
                {"host", scan.host},
                {"benchmark", scan.benchmark},
                {"kubernetes_version", scan.kubernetes_version},
                {"targets", scan.targets},
                {"benchmark_title", scan.benchmark_title},
                {"detected", scan.detected}};
}

Json evidence_json(const std::vector<model::Evidence>& evidence) {
    Json json = Json::array();
    for (const auto& item : evidence) {
        json.push_back(Json{{"source", item.source}, {"ref", item.ref}, {"value", item.value}});
    }
    return json;
}

Json controls_json(const std::map<std::string, std::vector<std::string>>& controls) {
    Json json = Json::object();
    for (const auto& [framework, criteria] : controls) json[framework] = criteria;
    return json;
}

Json result_json(const model::Result& result) {
    Json json{{"id", result.id},
              {"benchmark", result.benchmark},
              {"target", result.target},
              {"group", result.group},
              {"title", result.title},
              {"status", model::to_string(result.status)},
              {"automated", result.automated},
              {"expected", result.expected},
              {"actual", result.actual},
              {"evidence", evidence_json(result.evidence)},
              {"remediation", result.remediation},
              {"controls", controls_json(result.controls)},
              {"group_title", result.group_title}};
    if (!result.reason.empty()) json["reason"] = result.reason;
    if (!result.guidance.empty()) json["guidance"] = result.guidance;
    return json;
}

Summaries summarise_criteria(const std::vector<model::Result>& results) {
    Summaries summaries;
    for (const auto& result : results) {
        for (const auto& [framework, criteria] : result.controls) {
            for (const auto& criterion : std::set<std::string>(criteria.begin(), criteria.end())) {
                CriterionSummary& summary = summaries[framework][criterion];
                summary.totals.add(result.status);
                if (std::find(summary.checks.begin(), summary.checks.end(), result.id) == summary.checks.end()) {
                    summary.checks.push_back(result.id);
                }
            }
        }
    }
    return summaries;
}

Json frameworks_json(const std::vector<model::Result>& results) {
    Json json = Json::object();
    for (const auto& [framework, criteria] : summarise_criteria(results)) {
        Json& framework_json = json[framework] = Json::object();
        for (const auto& [criterion, summary] : criteria) {
            Json criterion_json = totals_json(summary.totals);
            criterion_json["checks"] = summary.checks;
            framework_json[criterion] = std::move(criterion_json);
        }
    }
    return json;
}

}  // namespace

std::string to_json(const model::Report& report) {
    Json results = Json::array();
    for (const auto& result : report.results) results.push_back(result_json(result));
    const Json document{{"schema", k_schema},
                        {"tool", Json{{"name", k_tool_name}, {"version", report.tool_version}}},
                        {"scan", scan_json(report.scan)},
                        {"results", std::move(results)},
                        {"totals", totals_json(model::count(report))},
                        {"frameworks", frameworks_json(report.results)}};
    return document.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace kubeproof::report
