// `kubeproof diff|merge`: option parsing and wiring only; the decisions live in lib/history.
#include <memory>

#include <fmt/format.h>

#include "app/history.hpp"
#include "commands.hpp"

namespace kubeproof::cli {

namespace {

struct DiffOptions {
    app::DiffRequest request;
    std::string output;
};

struct MergeOptions {
    app::MergeRequest request;
    std::string output;
};

int diff(const DiffOptions& o) {
    auto result = app::diff_reports(o.request);
    if (!result) {
        print_error(result.error().message);
        return result.error().exit_code;
    }
    if (int written = emit(result->output, o.output, "changes"); written != k_exit_ok)
        return written;
    return result->regressed ? k_exit_findings : k_exit_ok;
}

int merge(const MergeOptions& o) {
    auto result = app::merge_reports(o.request);
    if (!result) {
        print_error(result.error().message);
        return result.error().exit_code;
    }
    for (const auto& warning : result->warnings) print_error("warning: " + warning);
    if (int written = emit(result->report, o.output, "merged report"); written != k_exit_ok)
        return written;
    print_error(fmt::format("merged {} {}: {}", result->merged.size(),
                            result->merged.size() == 1 ? "report" : "reports",
                            fmt::join(result->merged, ", ")));
    return k_exit_ok;
}

}  // namespace

void add_diff(CLI::App& app, Action& action) {
    auto o = std::make_shared<DiffOptions>();
    CLI::App* cmd = app.add_subcommand(
        "diff", "Compare two JSON reports: regressions, fixes, status changes, evidence drift");
    cmd->add_option("old", o->request.old_report, "The earlier report (JSON)")->required();
    cmd->add_option("new", o->request.new_report, "The later report (JSON)")->required();
    cmd->add_option("--format", o->request.format, "Output format")
        ->check(CLI::IsMember({"text", "json"}))
        ->capture_default_str();
    cmd->add_option("--output", o->output,
                    "Write the changes to this file (atomically) instead of stdout");
    cmd->callback([o, &action] { action = [o] { return diff(*o); }; });
}

void add_merge(CLI::App& app, Action& action) {
    auto o = std::make_shared<MergeOptions>();
    CLI::App* cmd = app.add_subcommand(
        "merge", "Join the per-node JSON reports of one cluster into one cluster report");
    cmd->add_option("reports", o->request.inputs, "Per-node reports (JSON)")->required();
    cmd->add_option("--output", o->output, "Write the merged report to this file (atomically)")
        ->required();
    cmd->add_option("--cluster", o->request.cluster,
                    "The cluster the reports belong to (needed when they do not name one)");
    cmd->add_flag("--latest", o->request.latest,
                  "Of several reports of one node, keep the newest instead of refusing");
    cmd->callback([o, &action] { action = [o] { return merge(*o); }; });
}

}  // namespace kubeproof::cli
