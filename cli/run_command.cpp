// `kubeproof run`: option parsing and wiring only; the scan lives in lib/app.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include <fmt/format.h>

#include "app/scan.hpp"
#include "commands.hpp"
#include "engine/values.hpp"
#include "host/atomic_write.hpp"
#include "k8s/api_source.hpp"
#include "k8s/manifests.hpp"
#include "k8s/unavailable_source.hpp"
#include "report/json_writer.hpp"
#include "report/junit_writer.hpp"
#include "report/sarif_writer.hpp"
#include "report/text_writer.hpp"

namespace kubeproof::cli {

namespace {

struct RunOptions {
    app::ScanOptions scan;
    std::string targets, checks, skips;
    std::string root = "/";
    std::string proc;
    std::string format = "text";
    std::string output;
    std::string fail_on = "fail";
    std::string checks_dir;
    std::string kubeconfig;
    std::string context;
    std::vector<std::string> manifests;
    CLI::Option* check_option = nullptr;
    CLI::Option* skip_option = nullptr;
    CLI::Option* targets_option = nullptr;
};

std::optional<std::time_t> fixed_time() {
    const char* epoch = std::getenv("SOURCE_DATE_EPOCH");
    if (epoch == nullptr) return std::nullopt;
    auto value = engine::parse_int(epoch);
    return value ? std::optional<std::time_t>(static_cast<std::time_t>(*value)) : std::nullopt;
}

bool colour_wanted(const RunOptions& o) {
    return o.output.empty() && std::getenv("NO_COLOR") == nullptr && isatty(fileno(stdout)) != 0;
}

std::string render(const model::Report& report, const RunOptions& o) {
    if (o.format == "json") return report::to_json(report);
    if (o.format == "junit") return report::to_junit(report);
    if (o.format == "sarif") {
        report::SarifOptions
            sarif;  // GitHub rejects results without a location: anchor them at the first input
        if (!o.manifests.empty() && o.manifests.front() != "-")
            sarif.unlocated_uri = o.manifests.front();
        return report::to_sarif(report, sarif);
    }
    report::TextOptions text;
    text.colour = colour_wanted(o);
    text.framework = o.scan.framework;
    return report::to_text(report, text);
}

int exit_code_for(const model::Report& report, const std::string& fail_on) {
    if (fail_on == "never") return k_exit_ok;
    model::Totals totals = model::count(report);
    int bad = totals[model::Status::Fail] + totals[model::Status::Error];
    if (fail_on == "warn") bad += totals[model::Status::Warn];
    return bad > 0 ? k_exit_findings : k_exit_ok;
}

int emit(const std::string& text, const std::string& output) {
    if (output.empty() || output == "-") {
        std::fwrite(text.data(), 1, text.size(), stdout);
        return std::fflush(stdout) == 0 ? k_exit_ok : k_exit_scan_failed;
    }
    if (auto problem = host::write_file_atomically(output, text)) {
        print_error("cannot write the report: " + *problem);
        return k_exit_scan_failed;
    }
    return k_exit_ok;
}

bool wants_api(const RunOptions& o) {
    bool policies =
        std::find(o.scan.targets.begin(), o.scan.targets.end(), "policies") != o.scan.targets.end();
    return !o.kubeconfig.empty() || !o.context.empty() || (policies && o.manifests.empty());
}

// The object source for the policies target: manifest files, or the API server (kubeconfig or
// in-cluster). Invalid manifests or an unusable kubeconfig are usage errors: exit 2, no report.
int open_objects(RunOptions& o, std::unique_ptr<k8s::ObjectSource>& objects,
                 std::vector<std::string>& warnings) {
    if (!o.manifests.empty() && (!o.kubeconfig.empty() || !o.context.empty())) {
        print_error("use either --manifests or --kubeconfig/--context, not both");
        return k_exit_usage;
    }
    if (!o.manifests.empty()) {
        auto manifests = std::make_unique<k8s::ManifestSource>(o.manifests);
        loader::Diagnostics diagnostics;
        if (!manifests->load(diagnostics)) {
            std::fputs(diagnostics.format().c_str(), stderr);
            print_error(fmt::format("the manifests cannot be scanned: {} {}", diagnostics.size(),
                                    diagnostics.size() == 1 ? "problem" : "problems"));
            return k_exit_usage;
        }
        o.scan.objects_only = true;
        objects = std::move(manifests);
        return k_exit_ok;
    }
    if (!wants_api(o)) return k_exit_ok;
    k8s::ConnectRequest request;
    request.kubeconfig = o.kubeconfig;
    request.context = o.context;
    auto connection = k8s::connect_api_source(request);
    if (!connection) {
        print_error(connection.error());
        return k_exit_usage;
    }
    warnings.insert(warnings.end(), connection->warnings.begin(), connection->warnings.end());
    auto version =
        connection->source->server_version();  // also a probe: unreachable means ERROR at once
    if (!version) {
        objects = std::make_unique<k8s::UnavailableSource>(connection->source->describe(),
                                                           version.error());
        return k_exit_ok;
    }
    o.scan.server_version = *version;
    objects = std::move(connection->source);
    return k_exit_ok;
}

int run(RunOptions& o) {
    for (const auto* given : {o.check_option, o.skip_option, o.targets_option}) {
        if (given->count() > 0 && engine::split_list(given->as<std::string>()).empty()) {
            print_error(given->get_name() + " needs at least one value");
            return k_exit_usage;
        }
    }
    auto loaded = load_or_report(o.checks_dir);
    if (!loaded) return k_exit_usage;
    o.scan.root = o.root;
    o.scan.targets = engine::split_list(o.targets);
    o.scan.only = engine::split_list(o.checks);
    o.scan.skip = engine::split_list(o.skips);
    o.scan.fixed_time = fixed_time();
    if (auto problem = app::validate_options(loaded->definitions, o.scan)) {
        print_error(problem->message);
        return problem->exit_code;
    }
    std::vector<std::string> warnings;
    std::unique_ptr<k8s::ObjectSource> objects;
    if (int failed = open_objects(o, objects, warnings); failed != k_exit_ok) return failed;
    o.scan.objects = objects.get();
    auto host = host::make_real_host(o.root, o.proc);
    auto report = app::run_scan(loaded->definitions, *host, o.scan, warnings);
    for (const auto& w : warnings) print_error("warning: " + w);
    if (!report) {
        print_error(report.error().message);
        return report.error().exit_code;
    }
    int written = emit(render(*report, o), o.output);
    return written != k_exit_ok ? written : exit_code_for(*report, o.fail_on);
}

}  // namespace

void add_run(CLI::App& app, Action& action) {
    auto o = std::make_shared<RunOptions>();
    CLI::App* cmd =
        app.add_subcommand("run", "Scan this node (or a node root) against a benchmark");
    cmd->add_option("--benchmark", o->scan.benchmark, "Benchmark id")->capture_default_str();
    o->targets_option = cmd->add_option(
        "--targets", o->targets,
        "Comma-separated targets: master,etcd,controlplane,node (default: detected)");
    cmd->add_option("--root", o->root, "The node's root file system")->capture_default_str();
    cmd->add_option("--proc", o->proc, "The node's proc directory (default: <root>/proc)");
    cmd->add_option("--format", o->format, "Output format")
        ->check(CLI::IsMember({"text", "json", "junit", "sarif"}))
        ->capture_default_str();
    cmd->add_option("--output", o->output,
                    "Write the report to this file (atomically) instead of stdout");
    o->check_option =
        cmd->add_option("--check", o->checks, "Only these check ids (comma-separated)");
    o->skip_option =
        cmd->add_option("--skip", o->skips, "Report these check ids as SKIP (comma-separated)");
    cmd->add_option("--fail-on", o->fail_on,
                    "Exit 1 on: fail (FAIL, ERROR), warn (also WARN), never")
        ->check(CLI::IsMember({"fail", "warn", "never"}))
        ->capture_default_str();
    cmd->add_option("--framework", o->scan.framework,
                    "Only checks mapped to this framework (soc2, pci-dss, iso-27001, ...), with a "
                    "per-criterion summary");
    cmd->add_option(
        "--kubeconfig", o->kubeconfig,
        "Kubeconfig for the API server (default: KUBECONFIG, ~/.kube/config, in-cluster)");
    cmd->add_option("--context", o->context, "Kubeconfig context (default: its current-context)");
    cmd->add_option("--manifests", o->manifests,
                    "Manifest file, directory or - (stdin) for the policies target; repeatable")
        ->allow_extra_args(false);
    cmd->add_option("--checks-dir", o->checks_dir,
                    "Use check definitions from this directory instead of the embedded ones");
    cmd->callback([o, &action] { action = [o] { return run(*o); }; });
}

}  // namespace kubeproof::cli
