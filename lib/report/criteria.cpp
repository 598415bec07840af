#include "report/criteria.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <string_view>
#include <unordered_map>

namespace kubeproof::report {

namespace {

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
            if (int order = compare_numbers(a.substr(i, a_end - i), b.substr(j, b_end - j)))
                return order;
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

/// Natural order with a plain comparison as tie-break, so "01" and "1" stay distinct.
struct NaturalLess {
    bool operator()(const std::string& a, const std::string& b) const {
        const int order = natural_compare(a, b);
        return order != 0 ? order < 0 : a < b;
    }
};

/// The catalogues to summarise: the report's own, or ones derived from the results' tags.
std::vector<model::FrameworkInfo> catalogues(const model::Report& report) {
    if (!report.frameworks.empty()) return report.frameworks;
    std::map<std::string, std::set<std::string, NaturalLess>> tagged;
    for (const auto& result : report.results)
        for (const auto& [framework, criteria] : result.controls)
            tagged[framework].insert(criteria.begin(), criteria.end());
    std::vector<model::FrameworkInfo> out;
    for (const auto& [framework, criteria] : tagged) {
        model::FrameworkInfo info{framework, {}, {}};
        for (const auto& c : criteria) info.criteria.emplace_back(c, std::string());
        out.push_back(std::move(info));
    }
    return out;
}

// Each criterion with the results tagged with it, in result order, each check once; criteria in
// catalogue order, those no result is tagged with left out. One pass over the results.
FrameworkSummary summarise(const model::Report& report, const model::FrameworkInfo& info) {
    std::vector<CriterionRow> rows;
    rows.reserve(info.criteria.size());
    std::unordered_map<std::string_view, std::vector<size_t>> rows_of;  // criterion id -> rows
    for (const auto& [id, title] : info.criteria) {
        rows_of[id].push_back(rows.size());
        rows.push_back({id, title, {}, {}});
    }
    for (const auto& result : report.results) {
        const auto tags = result.controls.find(info.id);
        if (tags == result.controls.end()) continue;
        for (const auto& tag : tags->second) {
            const auto found = rows_of.find(tag);
            if (found == rows_of.end()) continue;
            for (const size_t at : found->second) {
                CriterionRow& row = rows[at];
                if (std::find(row.checks.begin(), row.checks.end(), result.id) != row.checks.end())
                    continue;
                row.totals.add(result.status);
                row.checks.push_back(result.id);
            }
        }
    }
    FrameworkSummary summary{info.id, info.title, {}};
    for (auto& row : rows) {
        if (!row.checks.empty()) summary.rows.push_back(std::move(row));
    }
    return summary;
}

}  // namespace

std::vector<FrameworkSummary> summarise_frameworks(const model::Report& report) {
    std::vector<FrameworkSummary> out;
    for (const auto& info : catalogues(report)) out.push_back(summarise(report, info));
    return out;
}

}  // namespace kubeproof::report
