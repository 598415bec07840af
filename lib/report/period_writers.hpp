#pragma once

#include <functional>
#include <span>
#include <string_view>

#include "history/period.hpp"

namespace kubeproof::report {

/// Receives a rendered period report piece by piece, in order: a year of a fleet's exceptions is
/// large, so a period report is never held whole in memory.
using Sink = std::function<void(std::string_view)>;

/// One period report format: its --format name, a line for --help, and its renderer.
struct PeriodWriter {
    std::string_view format;
    std::string_view description;
    void (*render)(const history::PeriodReport& report, const Sink& sink);
};

/// Every period report format, in the order --help lists them.
std::span<const PeriodWriter> period_writers();

/// The period writer of a --format name; null when there is none.
const PeriodWriter* find_period_writer(std::string_view format);

/// The text period report: the trail first, then the population, missed scans, versions,
/// waivers, every criterion with its verdict, every check node by node with its exceptions, the
/// sample.
void write_period_text(const history::PeriodReport& report, const Sink& sink);

/// The `kubeproof.period/v1` JSON (docs/period.schema.json), the trail first.
void write_period_json(const history::PeriodReport& report, const Sink& sink);

/// RFC 4180 CSV: a header row, then one row per (criterion, check, node); the trail's outcome is
/// the first column of every row.
void write_period_csv(const history::PeriodReport& report, const Sink& sink);

/// One self-contained HTML page (inline style and SVG, no script, nothing loaded): the trail,
/// a summary of the verdicts, the facts of the period, each criterion with its trend chart and
/// table, every exception, the sample; a print stylesheet for A4.
void write_period_html(const history::PeriodReport& report, const Sink& sink);
/// OSCAL 1.0.6 assessment results (docs/oscal.md): one result for the period, the trail first in
/// it, an observation per scan with its report file and SHA-256 as evidence, a finding per
/// criterion, waivers as risks.
void write_period_oscal(const history::PeriodReport& report, const Sink& sink);

}  // namespace kubeproof::report
