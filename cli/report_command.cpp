// `kubeproof report`: option parsing and wiring only; the period report is decided in
// lib/history (period.hpp) and rendered by lib/report (period_writers.hpp).
#include <cstdio>
#include <ctime>
#include <memory>
#include <string_view>

#include <fmt/format.h>

#include "app/period.hpp"
#include "app/waivers.hpp"
#include "commands.hpp"
#include "stream_output.hpp"

namespace kubeproof::cli {

namespace {

struct ReportOptions {
    app::PeriodRequest request;
    std::string every, from, to;
    std::string output;
    std::string checks_dir;
    std::string waivers;
    size_t sample_size = 0;
    uint64_t seed_value = 0;
    CLI::Option* sample = nullptr;
    CLI::Option* seed = nullptr;
    bool no_index = false;
    std::string benchmark = "cis-1.12";
};

int report(ReportOptions& o) {
    if (!parse_window(o.from, o.to, o.every, o.request.from, o.request.to, o.request.every))
        return k_exit_usage;
    if ((o.sample->count() > 0) != (o.seed->count() > 0)) {
        print_error(
            "--sample N and --seed S go together: the seed makes the selection one an "
            "auditor can perform again");
        return k_exit_usage;
    }
    if (o.sample->count() > 0) {
        if (o.sample_size == 0) {
            print_error("--sample 0: expected the number of scans to draw (1 or more)");
            return k_exit_usage;
        }
        o.request.sample = o.sample_size;
        o.request.seed = o.seed_value;
    }
    auto loaded = load_or_report(o.checks_dir);
    if (!loaded) return k_exit_usage;
    if (!o.waivers.empty()) {
        const auto bench = loaded->definitions.benchmarks.find(o.benchmark);
        if (bench == loaded->definitions.benchmarks.end()) {
            print_error(fmt::format("unknown benchmark '{}'", o.benchmark));
            return k_exit_usage;
        }
        std::vector<std::string> warnings;
        auto waivers = app::waivers_for_scan(o.waivers, bench->second, warnings,
                                             "no period report was written");
        for (const auto& warning : warnings) print_error("warning: " + warning);
        if (!waivers) {
            print_details(waivers.error().details);
            print_error(waivers.error().message);
            return waivers.error().exit_code;
        }
        o.request.waivers = std::move(*waivers);
    }
    o.request.use_index = !o.no_index;
    const auto epoch = source_date_epoch();
    if (!epoch) {
        print_error(epoch.error());
        return k_exit_usage;
    }
    o.request.now = epoch->value_or(std::time(nullptr));
    StreamOutput output(o.output, "the period report");
    auto result = app::period_report(loaded->definitions, o.request,
                                     [&output](std::string_view piece) { output.write(piece); });
    if (!result) {
        print_error(result.error().message);
        return result.error().exit_code;
    }
    if (int written = output.finish(); written != k_exit_ok) return written;
    return result->intact && result->uncovered_failures == 0 ? k_exit_ok : k_exit_findings;
}

}  // namespace

void add_report(CLI::App& app, Action& action) {
    auto o = std::make_shared<ReportOptions>();
    CLI::App* cmd = app.add_subcommand(
        "report",
        "The period report per criterion over stored reports: population, exceptions, gaps, "
        "waivers, the trail's integrity, a seeded sample");
    cmd->add_option("paths", o->request.inputs, "Store folders and report files")->required();
    cmd->add_option("--framework", o->request.framework,
                    "The framework whose criteria are reported (soc2, pci-dss, iso-27001, ...)")
        ->required();
    cmd->add_option("--from", o->from,
                    "The period's start, a date or time (UTC; default: the "
                    "first report's start)");
    cmd->add_option("--to", o->to,
                    "The period's end, excluded (UTC; default: after the last "
                    "report)");
    cmd->add_option("--every", o->every,
                    "Expected interval between scans of a node (24h, 6h, 1d): expected scans, "
                    "missed scans");
    cmd->add_option("--cluster", o->request.clusters,
                    "Only reports of this cluster (its name or store folder); repeatable");
    cmd->add_option("--key", o->request.key_files,
                    "Ed25519 public key (PEM) the reports are signed with; repeatable");
    o->sample = cmd->add_option("--sample", o->sample_size,
                                "Draw this many scans of the period for an auditor to test");
    o->seed = cmd->add_option("--seed", o->seed_value,
                              "The seed of the draw (any number up to 2^64-1): the same seed "
                              "draws the same scans");
    cmd->add_option("--format", o->request.format, "Output format")
        ->check(CLI::IsMember(app::period_formats()))
        ->capture_default_str();
    cmd->add_option("--output", o->output,
                    "Write the period report to this file (atomically) instead of stdout");
    cmd->add_option("--waivers", o->waivers,
                    "Waivers file (YAML) decided for every scan at its time, in place of the "
                    "waivers the scans carried");
    cmd->add_option("--benchmark", o->benchmark,
                    "The benchmark whose checks the --waivers file names")
        ->capture_default_str();
    cmd->add_flag("--no-index", o->no_index,
                  "Read every report, even those the store's index (kubeproof index) knows "
                  "unchanged");
    cmd->add_option("--checks-dir", o->checks_dir,
                    "Definitions directory laid out like checks/ (for its frameworks)");
    cmd->callback([o, &action] { action = [o] { return report(*o); }; });
}

}  // namespace kubeproof::cli
