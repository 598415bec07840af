#include "report/period_writers.hpp"

#include <array>
#include <map>

#include "report/period_output.hpp"

namespace kubeproof::report {

namespace {

constexpr std::array<PeriodWriter, 5> k_period_writers = {{
    {"text", "the trail, population, criteria and checks with every exception, for people",
     write_period_text},
    {"json", "kubeproof.period/v1 (docs/period.schema.json)", write_period_json},
    {"csv", "one row per criterion, check and node, for a spreadsheet (RFC 4180)",
     write_period_csv},
    {"html", "one self-contained page with a chart per criterion, for reading and printing",
     write_period_html},
    {"oscal", "OSCAL 1.0.6 assessment results: an observation per scan, a finding per criterion",
     write_period_oscal},
}};

}  // namespace

std::span<const PeriodWriter> period_writers() { return k_period_writers; }

const PeriodWriter* find_period_writer(std::string_view format) {
    for (const auto& writer : k_period_writers) {
        if (writer.format == format) return &writer;
    }
    return nullptr;
}

namespace period {

std::string trail_outcome(const history::VerifyOutcome& trail) {
    if (trail.problems.empty()) return "intact";
    return fmt::format("NOT intact: {} {} ({})", trail.problems.size(),
                       trail.problems.size() == 1 ? "problem" : "problems",
                       history::count_kinds(trail.problems));
}

std::string scan_time(const history::PeriodReport& report, std::optional<size_t> scan) {
    return scan ? report.scans[*scan].started_at : std::string();
}

std::string_view from_source(const history::PeriodReport& report) {
    return report.from_given ? "--from" : "the first report";
}

std::string_view to_source(const history::PeriodReport& report) {
    if (report.to_given) return "--to";
    return report.every ? "the last report plus the interval" : "just after the last report";
}

std::string node_name(const history::PeriodReport& report, size_t node) {
    return fmt::format("{}/{}", report.nodes[node].cluster, report.nodes[node].node);
}

std::string_view state_name(history::WaiverState state) {
    switch (state) {
        case history::WaiverState::None:
            return "none";
        case history::WaiverState::Active:
            return "active";
        case history::WaiverState::Expired:
            return "expired";
        case history::WaiverState::Unknown:
            return "unknown";
    }
    return "unknown";
}

}  // namespace period

}  // namespace kubeproof::report
