// `kubeproof collect`: option parsing and wiring only; the recording lives in lib/app.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "app/collect.hpp"
#include "commands.hpp"

namespace kubeproof::cli {

namespace {

struct CollectCommand {
    app::CollectOptions collect;
    std::string output;
    std::string checks_dir;
};

int collect(CollectCommand& o) {
    auto loaded = load_or_report(o.checks_dir);
    if (!loaded) return k_exit_usage;
    const auto epoch = source_date_epoch();
    if (!epoch) {
        print_error(epoch.error());
        return k_exit_usage;
    }
    o.collect.fixed_time = *epoch;
    o.collect.definitions_sha256 = loaded->sha256;
    std::vector<std::string> warnings;
    auto snapshot = app::collect_facts(loaded->definitions, o.collect, warnings);
    for (const auto& w : warnings) print_error("warning: " + w);
    if (!snapshot) {
        print_details(snapshot.error().details);
        print_error(snapshot.error().message);
        return snapshot.error().exit_code;
    }
    return emit(*snapshot, o.output, "facts snapshot");
}

}  // namespace

void add_collect(CLI::App& app, Action& action) {
    auto o = std::make_shared<CollectCommand>();
    CLI::App* cmd = app.add_subcommand(
        "collect",
        "Record this node's facts (or a node root's) in a snapshot that run --facts evaluates");
    cmd->add_option("--root", o->collect.root, "The node's root file system")
        ->capture_default_str();
    cmd->add_option("--proc", o->collect.proc, "The node's proc directory (default: <root>/proc)");
    cmd->add_option("--output", o->output,
                    "Write the snapshot to this file (atomically; - for stdout)")
        ->required();
    cmd->add_option("--benchmark", o->collect.benchmark,
                    "Benchmark whose node checks say what to read, or detect: the one run would "
                    "choose from the node")
        ->capture_default_str();
    cmd->add_option("--checks-dir", o->checks_dir,
                    "Use check definitions from this directory instead of the embedded ones");
    cmd->callback([o, &action] { action = [o] { return collect(*o); }; });
}

}  // namespace kubeproof::cli
