// The period report as RFC 4180 CSV for an auditor's spreadsheet: one row per (criterion, check,
// node) with the figures of the text and JSON reports, the trail's outcome first on every row.
#include <array>

#include "report/csv.hpp"
#include "report/period_output.hpp"
#include "report/period_writers.hpp"

namespace kubeproof::report {

namespace {

using history::PeriodReport;

constexpr std::array k_columns = {"trail",
                                  "framework",
                                  "period from",
                                  "period to",
                                  "criterion",
                                  "criterion title",
                                  "verdict",
                                  "check id",
                                  "key",
                                  "cluster",
                                  "node",
                                  "expected scans",
                                  "found scans",
                                  "scans with a result",
                                  "passed",
                                  "share passed",
                                  "exceptions",
                                  "not evaluated",
                                  "first failure",
                                  "last failure",
                                  "longest failing streak (scans)",
                                  "longest failing streak (seconds)",
                                  "longest failing streak from",
                                  "longest failing streak until",
                                  "status now",
                                  "waived scans",
                                  "unwaived exceptions",
                                  "waiver sources",
                                  "scans without a result"};

void row(period::Out& out, const std::vector<std::string>& fields) {
    for (size_t i = 0; i < fields.size(); ++i) {
        if (i > 0) out.put(',');
        out.put(csv_field(fields[i]));
    }
    out.put("\r\n");
}

std::string number(size_t n) { return fmt::format("{}", n); }

/// The figures of one check on one node, from "cluster" on.
std::vector<std::string> figures(const PeriodReport& r, const history::CheckOnNode& f) {
    const auto& node = r.nodes[f.node];
    std::string sources;
    for (const auto& use : f.waivers) {
        if (!sources.empty()) sources += "; ";
        sources += r.waivers[use.waiver].source;
    }
    const auto& s = f.longest;
    return {node.cluster,
            node.node,
            node.expected ? fmt::format("{}", *node.expected) : "not computed",
            number(node.found),
            number(f.scans),
            number(f.passed),
            fmt::format("{}", f.share_passed),
            number(f.exceptions.size()),
            number(f.not_evaluated),
            f.exceptions.empty() ? "" : r.scans[f.exceptions.front().scan].started_at,
            f.exceptions.empty() ? "" : r.scans[f.exceptions.back().scan].started_at,
            s ? number(s->scans) : "0",
            s ? fmt::format("{}", s->seconds) : "0",
            s ? r.scans[s->first].started_at : "",
            !s            ? ""
            : s->ended_by ? r.scans[*s->ended_by].started_at
                          : "ongoing",
            f.status_now ? r.statuses[*f.status_now] : "",
            number(f.covered),
            number(f.uncovered()),
            sources,
            number(f.without_result)};
}

}  // namespace

void write_period_csv(const PeriodReport& report, const Sink& sink) {
    period::Out out(sink);
    row(out, {k_columns.begin(), k_columns.end()});
    const std::string trail = period::trail_outcome(report.trail);
    const std::string from = history::to_rfc3339(report.from);
    const std::string to = history::to_rfc3339(report.to);
    for (const auto& k : report.criteria) {
        const std::vector<std::string> lead{trail,
                                            report.framework,
                                            from,
                                            to,
                                            k.id,
                                            k.title,
                                            std::string(history::to_string(k.verdict))};
        auto emit = [&](const std::string& id, const std::string& key,
                        std::vector<std::string> rest) {
            std::vector<std::string> fields = lead;
            fields.push_back(id);
            fields.push_back(key);
            rest.resize(k_columns.size() - fields.size());
            fields.insert(fields.end(), rest.begin(), rest.end());
            row(out, fields);
        };
        if (k.checks.empty()) emit("", "", {});
        for (size_t c : k.checks) {
            const auto& check = report.checks[c];
            if (check.nodes.empty()) emit(check.id, check.key, {});
            for (const auto& f : check.nodes) emit(check.id, check.key, figures(report, f));
        }
    }
    out.flush();
}

}  // namespace kubeproof::report
