#include "model/result.hpp"

namespace kubeproof::model {

namespace {
constexpr std::array<std::string_view, 6> k_names = {"PASS", "FAIL", "WARN", "SKIP", "NA", "ERROR"};
}

std::string_view to_string(Status status) { return k_names[static_cast<size_t>(status)]; }

std::optional<Status> parse_status(std::string_view text) {
    for (size_t i = 0; i < k_names.size(); ++i) {
        if (k_names[i] == text) return static_cast<Status>(i);
    }
    return std::nullopt;
}

Totals count(const Report& report, std::string_view target) {
    Totals totals;
    for (const auto& result : report.results) {
        if (target.empty() || result.target == target) totals.add(result.status);
    }
    return totals;
}

}  // namespace kubeproof::model
