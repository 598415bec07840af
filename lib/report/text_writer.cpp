#include "report/text_writer.hpp"

#include <algorithm>
#include <string_view>
#include <vector>

#include <fmt/color.h>
#include <fmt/format.h>

#include "report/criteria.hpp"
#include "report/sections.hpp"
#include "util/escape.hpp"

namespace kubeproof::report {

namespace {

using model::Status;
using ResultList = std::vector<const model::Result*>;

constexpr std::string_view k_detail_indent = "      ";
constexpr std::string_view k_continuation_indent = "        ";

/// The results of one target: its sections in report order.
struct TargetBlock {
    std::string target;
    std::vector<SectionResults> sections;
};

fmt::text_style style_of(std::string_view state) {
    if (state == "PASS") return fmt::fg(fmt::terminal_color::green);
    if (state == "FAIL") return fmt::fg(fmt::terminal_color::red);
    if (state == "WARN") return fmt::fg(fmt::terminal_color::yellow);
    if (state == "ERROR") return fmt::fg(fmt::terminal_color::bright_red) | fmt::emphasis::bold;
    if (state == "INFO") return fmt::fg(fmt::terminal_color::blue);
    if (state == "WAIVED") return fmt::fg(fmt::terminal_color::cyan);
    return fmt::fg(fmt::terminal_color::bright_black);
}

/// "[PASS]", coloured when asked.
std::string tag(std::string_view state, bool colour) {
    const std::string plain = fmt::format("[{}]", state);
    return colour ? fmt::format(style_of(state), "{}", plain) : plain;
}

/// Text as the report shows it: escaped (util::escape_text); a multi-line field keeps its line
/// feeds and tabs, and its continuation lines are indented so that none can pass for a result.
std::string printable(std::string_view text, bool multi_line = false) {
    if (!multi_line) return util::escape_text(text);
    std::string out;
    for (const char c : util::escape_text(text, util::Lines::Keep)) {
        out += c;
        if (c == '\n') out += k_continuation_indent;
    }
    return out;
}

/// The namespaces the policy checks judged, in one line under the benchmark's.
std::string scope_line(const model::NamespaceScopeInfo& ns) {
    if (!ns.namespaces.empty())
        return fmt::format("Namespaces in scope: {} (--namespaces)",
                           fmt::join(ns.namespaces, ", "));
    if (!ns.selector.empty())
        return fmt::format("Namespaces in scope: those labelled {}: {}", ns.selector,
                           ns.selected.empty() ? std::string("none")
                                               : fmt::format("{}", fmt::join(ns.selected, ", ")));
    return fmt::format("Namespaces in scope: all but the system namespaces {} (left out by {})",
                       fmt::join(ns.excluded, ", "), fmt::join(ns.excluded_by, ", "));
}

bool needs_attention(Status status) {
    return status == Status::Fail || status == Status::Warn || status == Status::Error;
}

/// "  [CC6.1 CC6.6]" with the result's criteria for the framework, or "" when it has none.
std::string criteria_suffix(const model::Result& result, const std::string& framework) {
    const auto found = framework.empty() ? result.controls.end() : result.controls.find(framework);
    if (found == result.controls.end() || found->second.empty()) return {};
    return fmt::format("  [{}]", printable(fmt::format("{}", fmt::join(found->second, " "))));
}

/// Text without trailing newlines and spaces.
std::string_view trimmed(std::string_view text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
    return text;
}

/// One detail of a result. What the node or the objects said (actual, reason) is one line: a
/// line feed in a file name shows as "\n"; what the definitions and waivers say may have several.
void write_detail(std::string& out, std::string_view label, std::string_view value,
                  bool multi_line = true) {
    if (value.empty()) return;
    out += fmt::format("{}{}: {}\n", k_detail_indent, label, printable(value, multi_line));
}

/// "owner alice, approved by bob, ticket SEC-12".
std::string waiver_people(const model::Waiver& waiver) {
    std::string out = "owner " + printable(waiver.owner);
    if (!waiver.approver.empty()) out += ", approved by " + printable(waiver.approver);
    if (!waiver.ticket.empty()) out += ", ticket " + printable(waiver.ticket);
    return out;
}

/// The waiver that covers a finding: who accepted it until when, or that it expired.
void write_waiver(std::string& out, const model::AppliedWaiver& applied) {
    const model::Waiver& w = applied.waiver;
    if (applied.state == model::WaiverState::Expired) {
        out +=
            fmt::format("{}waiver expired {} ({}): {}; the finding counts again\n", k_detail_indent,
                        printable(w.expires), printable(w.source), waiver_people(w));
        return;
    }
    out += fmt::format("{}waived: {}, expires {} ({})\n", k_detail_indent, waiver_people(w),
                       printable(w.expires), printable(w.source));
    write_detail(out, "waiver reason", trimmed(w.reason));
}

void write_result(std::string& out, const model::Result& result, const TextOptions& options) {
    const bool waived = model::is_accepted(result);
    out += fmt::format("{}{} {} {} ({}){}\n", tag(model::to_string(result.status), options.colour),
                       waived ? " " + tag("WAIVED", options.colour) : "", printable(result.id),
                       printable(result.title), result.automated ? "Automated" : "Manual",
                       criteria_suffix(result, options.framework));
    if (needs_attention(result.status)) {
        write_detail(out, "expected", result.expected);
        write_detail(out, "actual", result.actual, false);
    }
    if (result.status != Status::Pass) write_detail(out, "reason", result.reason, false);
    if (result.status == Status::Warn) write_detail(out, "guidance", trimmed(result.guidance));
    if (result.waiver) write_waiver(out, *result.waiver);
}

void write_section(std::string& out, const SectionResults& section, const TextOptions& options) {
    out += fmt::format("{} {}\n", tag("INFO", options.colour),
                       printable(heading(section.info.id, section.info.title)));
    const std::string* group = nullptr;
    for (const auto* result : section.results) {
        if (group == nullptr || *group != result->group) {
            group = &result->group;
            const bool same_as_section =
                *group == section.info.id && result->group_title == section.info.title;
            if (!same_as_section) {
                out += fmt::format("{} {}\n", tag("INFO", options.colour),
                                   printable(heading(*group, result->group_title)));
            }
        }
        write_result(out, *result, options);
    }
}

/// The remediation as shown: the definitions' text, or the reason (one line, as in a detail).
std::string remediation_of(const model::Result& result) {
    if (result.status == Status::Error) {
        return result.reason.empty() ? "could not be evaluated"
                                     : "could not be evaluated: " + printable(result.reason);
    }
    return result.remediation.empty() ? printable(result.reason)
                                      : printable(result.remediation, true);
}

void write_remediations(std::string& out, const std::string& target, const ResultList& results) {
    bool any = false;
    for (const auto* result : results) any = any || needs_attention(result->status);
    if (!any) return;
    out += fmt::format("== Remediations {} ==\n", target);
    for (const auto* result : results) {
        if (!needs_attention(result->status)) continue;
        std::string text = remediation_of(*result);
        while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
        out += fmt::format("{} {}\n\n", printable(result->id), text);
    }
}

void write_summary(std::string& out, std::string_view label, const model::Totals& totals) {
    out += fmt::format("== Summary {} ==\n", label);
    for (Status status : model::k_all_statuses) {
        out += fmt::format("{} checks {}\n", totals[status], model::to_string(status));
    }
}

/// Groups the sections by target, in order of first appearance.
std::vector<TargetBlock> split_by_target(std::vector<SectionResults> sections) {
    std::vector<TargetBlock> blocks;
    for (auto& section : sections) {
        auto block = std::find_if(blocks.begin(), blocks.end(), [&](const TargetBlock& b) {
            return b.target == section.info.target;
        });
        if (block == blocks.end())
            block = blocks.insert(blocks.end(), TargetBlock{section.info.target, {}});
        block->sections.push_back(std::move(section));
    }
    return blocks;
}

void write_target(std::string& out, const TargetBlock& block, const TextOptions& options) {
    ResultList results;
    for (const auto& section : block.sections) {
        write_section(out, section, options);
        results.insert(results.end(), section.results.begin(), section.results.end());
    }
    out += '\n';
    const std::string label = block.target.empty() ? "(no target)" : printable(block.target);
    if (options.remediations) write_remediations(out, label, results);
    write_summary(out, label, count(results));
    out += '\n';
}

/// "1 finding", "2 findings".
std::string count_of_findings(int n) {
    return fmt::format("{} {}", n, n == 1 ? "finding" : "findings");
}

/// How the waivers file fared: findings accepted and counted again, expired and stale waivers.
void write_waivers(std::string& out, const model::Report& report) {
    const model::WaiverSummary& summary = *report.waivers;
    out += fmt::format("== Waivers {} ==\n", printable(summary.file));
    out += fmt::format("{} waived (accepted: not counted for --fail-on)\n",
                       count_of_findings(summary.active));
    out += fmt::format("{} counted again (waiver expired)\n", count_of_findings(summary.expired));
    std::vector<std::string> listed;
    for (const auto& result : report.results) {
        if (!result.waiver || result.waiver->state != model::WaiverState::Expired) continue;
        const model::Waiver& w = result.waiver->waiver;
        if (std::find(listed.begin(), listed.end(), w.source) != listed.end()) continue;
        listed.push_back(w.source);
        out += fmt::format("expired: {} {}, expired {} ({})\n", printable(w.source),
                           printable(w.check), printable(w.expires), waiver_people(w));
    }
    for (const auto& w : summary.stale) {
        out += fmt::format("stale: {} {} covered no finding of this scan ({})\n",
                           printable(w.source), printable(w.check), waiver_people(w));
    }
}

}  // namespace

/// The per-criterion table of one framework: counts per status and the checks behind each
/// criterion.
void write_framework_table(std::string& out, const FrameworkSummary& framework) {
    out += fmt::format("== Framework {}{} ==\n", printable(framework.id),
                       framework.title.empty() ? "" : ": " + printable(framework.title));
    out += fmt::format("{:<22} {:>4} {:>4} {:>4} {:>4} {:>4} {:>5}  {}\n", "criterion", "PASS",
                       "FAIL", "WARN", "SKIP", "NA", "ERROR", "title");
    for (const auto& row : framework.rows) {
        const auto& t = row.totals;
        out += fmt::format("{:<22} {:>4} {:>4} {:>4} {:>4} {:>4} {:>5}  {}\n", printable(row.id),
                           t[Status::Pass], t[Status::Fail], t[Status::Warn], t[Status::Skip],
                           t[Status::NA], t[Status::Error], printable(row.title));
        out += fmt::format("{:<22} checks: {}\n", "",
                           printable(fmt::format("{}", fmt::join(row.checks, " "))));
    }
    out += "\n";
}

std::string to_text(const model::Report& report, const TextOptions& options) {
    std::string out;
    // Which benchmark judged the node and why, before any result: a wrong benchmark is the first
    // thing a reader must be able to see.
    if (const auto& by = report.scan.benchmark_selected_by) {
        out +=
            fmt::format("== Benchmark {} (chosen by {}) ==\n{}\n", printable(report.scan.benchmark),
                        printable(by->rule), printable(by->detail));
        for (const auto& warning : report.scan.benchmark_warnings)
            out += fmt::format("{} {}\n", tag("WARNING", options.colour), printable(warning));
        if (const auto& ns = report.scan.namespace_scope) out += printable(scope_line(*ns)) + "\n";
    }
    if (report.scan.insecure_tls) {
        out += fmt::format(
            "{} insecure TLS: the API server's certificate was not verified "
            "(insecure-skip-tls-verify)\n",
            tag("WARNING", options.colour));
    }
    if (report.scan.benchmark_selected_by || report.scan.insecure_tls) out += '\n';
    for (const auto& block : split_by_target(split_into_sections(report)))
        write_target(out, block, options);
    write_summary(out, "total", model::count(report));
    if (report.waivers) {
        out += '\n';
        write_waivers(out, report);
    }
    if (options.framework.empty()) return out;
    for (const auto& framework : summarise_frameworks(report)) {
        if (framework.id == options.framework) write_framework_table(out, framework);
    }
    return out;
}

}  // namespace kubeproof::report
