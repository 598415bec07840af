// `kubeproof run`: option parsing and wiring only; the scan lives in lib/app.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "app/every.hpp"
#include "app/keep.hpp"
#include "app/scan.hpp"
#include "app/scan_timeout.hpp"
#include "app/upload.hpp"
#include "commands.hpp"
#include "local/atomic_write.hpp"
#include "parse/values.hpp"
#include "report/metrics_writer.hpp"
#include "report/siem_writers.hpp"
#include "report/writers.hpp"

namespace kubeproof::cli {

namespace {

struct RunOptions {
    app::ScanOptions scan;
    std::string targets, checks, skips;
    std::string format = "text";
    std::string output;
    std::string metrics_file;
    std::string fail_on = "fail";
    std::string checks_dir;
    std::string aws_account_id, aws_region;  // --format asff; else AWS_ACCOUNT_ID, AWS_REGION
    std::string every, jitter;               // --every: the long-running mode
    std::string timeout = "10m";             // --timeout: the scan's API requests
    app::UploadOptions upload;
    CLI::Option* check_option = nullptr;
    CLI::Option* skip_option = nullptr;
    CLI::Option* targets_option = nullptr;
};

bool colour_wanted(const RunOptions& o) {
    return o.output.empty() && std::getenv("NO_COLOR") == nullptr && isatty(fileno(stdout)) != 0;
}

std::string render(const model::Report& report, const RunOptions& o) {
    report::WriterOptions options;
    options.colour = colour_wanted(o);
    options.framework = o.scan.framework;
    // GitHub rejects SARIF results without a location: anchor them at the first input.
    if (!o.scan.manifests.empty() && o.scan.manifests.front() != "-")
        options.unlocated_uri = o.scan.manifests.front();
    options.aws_account_id = o.aws_account_id;
    options.aws_region = o.aws_region;
    return report::find_writer(o.format)->render(report, options);
}

std::vector<std::string> format_names() {
    std::vector<std::string> names;
    for (const auto& writer : report::writers()) names.emplace_back(writer.format);
    return names;
}

// ASFF findings name the account and Region they are filed in: the flags, else the environment.
// Checked before the scan, so a missing account costs nothing.
bool resolve_aws(RunOptions& o) {
    if (o.format != "asff") return true;
    auto from_env = [](std::string& value, const char* name) {
        if (const char* set = std::getenv(name); value.empty() && set != nullptr) value = set;
    };
    from_env(o.aws_account_id, "AWS_ACCOUNT_ID");
    from_env(o.aws_region, "AWS_REGION");
    if (!report::valid_aws_account_id(o.aws_account_id)) {
        print_error(o.aws_account_id.empty()
                        ? "--format asff needs the AWS account id: --aws-account-id or "
                          "AWS_ACCOUNT_ID (12 digits)"
                        : "--format asff: the AWS account id must be 12 digits, not \"" +
                              o.aws_account_id + "\"");
        return false;
    }
    if (!report::valid_aws_region(o.aws_region)) {
        print_error(o.aws_region.empty()
                        ? "--format asff needs the AWS Region: --aws-region or AWS_REGION"
                        : "--format asff: not an AWS Region: \"" + o.aws_region + "\"");
        return false;
    }
    return true;
}

// Findings at or above --fail-on count, but for those an active waiver accepts.
int exit_code_for(const model::Report& report, const std::string& fail_on) {
    if (fail_on == "never") return k_exit_ok;
    const bool any = std::any_of(report.results.begin(), report.results.end(), [&](const auto& r) {
        const bool counted = r.status == model::Status::Fail || r.status == model::Status::Error ||
                             (fail_on == "warn" && r.status == model::Status::Warn);
        return counted && !model::is_accepted(r);
    });
    return any ? k_exit_findings : k_exit_ok;
}

// Whether the metrics would overwrite the report (the same file, or both to stdout).
bool metrics_file_clashes(const RunOptions& o) {
    const bool report_to_stdout = o.output.empty() || o.output == "-";
    return !o.metrics_file.empty() &&
           (o.metrics_file == o.output || (o.metrics_file == "-" && report_to_stdout));
}

// Writes the report to --output (or stdout) and, when it is signed without a store, its DSSE
// envelope beside it. The envelope is made first: a key that fails leaves no report behind.
int write_report(const std::string& text, const RunOptions& o) {
    if (o.scan.sign_key.empty() || !o.scan.store.empty()) return emit(text, o.output);
    auto envelope = app::sign_bytes(text, o.scan.sign_key);
    if (!envelope) {
        print_error(envelope.error().message);
        return envelope.error().exit_code;
    }
    const int written = emit(text, o.output);
    return written != k_exit_ok ? written : emit(*envelope, o.output + ".sig", "signature");
}

// Delivers the stored report (and the ones still pending) when --upload is given; false when some
// report stays pending because of an error, which exit 4 says over the findings' exit code.
bool upload(const RunOptions& o, const std::string& kept_path) {
    if (o.upload.upload.empty()) return true;
    const auto summary = app::upload_reports(o.upload, o.scan.store, kept_path);
    for (const auto& line : summary.lines) print_error(line);
    return !summary.failed;
}

// What is checked once, before any scan: the options and the definitions. nullopt: stop with
// `exit_code`.
std::optional<app::LoadedDefinitions> prepare(RunOptions& o, int& exit_code) {
    exit_code = k_exit_usage;
    for (const auto* given : {o.check_option, o.skip_option, o.targets_option}) {
        if (given->count() > 0 && parse::split_list(given->as<std::string>()).empty()) {
            print_error(given->get_name() + " needs at least one value");
            return std::nullopt;
        }
    }
    if (!resolve_aws(o)) return std::nullopt;
    if (auto problem = app::set_scan_timeout(o.scan, o.timeout)) {
        print_error(*problem);
        return std::nullopt;
    }
    // Only the benchmarks the scan uses are decoded (the embedded ones, on first use).
    auto loaded = load_or_report(o.checks_dir, true);
    if (!loaded) return std::nullopt;
    for (auto& target : parse::split_list(o.targets)) {  // --targets node,node scans node once
        if (std::find(o.scan.targets.begin(), o.scan.targets.end(), target) == o.scan.targets.end())
            o.scan.targets.push_back(std::move(target));
    }
    o.scan.only = parse::split_list(o.checks);
    o.scan.skip = parse::split_list(o.skips);
    const auto epoch = source_date_epoch();
    if (!epoch) {
        print_error(epoch.error());
        return std::nullopt;
    }
    o.scan.fixed_time = *epoch;
    o.scan.definitions_sha256 = loaded->sha256;
    if (const char* node = std::getenv("NODE_NAME"); o.scan.node_name.empty() && node != nullptr)
        o.scan.node_name = node;
    if (!o.scan.sign_key.empty() && o.scan.store.empty() &&
        (o.output.empty() || o.format != "json")) {
        print_error(
            "--sign-key signs a stored report (--store) or a JSON report written with --output and "
            "--format json");
        return std::nullopt;
    }
    if (!o.scan.sign_key.empty()) {
        if (auto problem = app::check_sign_key(o.scan.sign_key)) {
            print_error(problem->message);
            return std::nullopt;
        }
    }
    o.upload.region = o.aws_region;
    if (auto problem = app::check_upload(o.upload, o.scan)) {
        print_error(problem->message);
        return std::nullopt;
    }
    if (metrics_file_clashes(o)) {
        print_error("--metrics-file and --output name the same file: " + o.metrics_file);
        return std::nullopt;
    }
    exit_code = k_exit_ok;
    return loaded;
}

// The status totals and where the report went, for the log of `--every`.
std::string summary_of(const model::Report& report, const std::optional<app::KeptReport>& kept,
                       const RunOptions& o) {
    const model::Totals totals = model::count(report);
    std::string text;
    for (const auto status : model::k_all_statuses)
        text += fmt::format("{}{} {}", text.empty() ? "" : " ", model::to_string(status),
                            totals[status]);
    if (kept) text += "; stored " + kept->path;
    if (!o.output.empty()) text += "; wrote " + o.output;
    return text;
}

// One scan: the report kept in the store, written to --output (or stdout), the metrics file.
// In `--every` mode (`summary` given) a report without --output goes to the store only.
int scan_once(const RunOptions& o, const model::Definitions& definitions, std::string* summary) {
    std::vector<std::string> warnings;
    auto report = app::run_scan(definitions, o.scan, warnings);
    std::optional<app::KeptReport> kept;
    if (report) {  // the record first: what goes to stdout or --output carries its place in the
                   // series
        if (auto stored = app::keep_report(*report, o.scan); !stored)
            report = util::unexpected(stored.error());
        else
            kept = std::move(*stored);
    }
    for (const auto& w : warnings) print_error("warning: " + w);
    if (!report) {
        print_details(report.error().details);
        print_error(report.error().message);
        if (summary != nullptr) *summary = "no report: " + report.error().message;
        return report.error().exit_code;
    }
    if (summary != nullptr) *summary = summary_of(*report, kept, o);
    const std::string text = render(*report, o);
    int written = summary != nullptr && o.output.empty() ? k_exit_ok : write_report(text, o);
    // Only a scan whose report was written is a success: otherwise the previous metrics file
    // stays, and the age of its last success timestamp tells.
    if (written == k_exit_ok && !o.metrics_file.empty())
        written = emit(report::to_metrics(*report), o.metrics_file, "metrics file");
    // The stored report, whatever became of --output.
    const bool delivered = upload(o, kept ? kept->path : std::string());
    if (written != k_exit_ok) return written;
    return delivered ? exit_code_for(*report, o.fail_on) : k_exit_upload_failed;
}

// `--every`: the same scan once per interval, until SIGTERM or SIGINT (lib/app/every.hpp).
int scan_every(const RunOptions& o, const model::Definitions& definitions) {
    auto schedule = app::parse_schedule(o.every, o.jitter);
    if (!schedule) {
        print_error(schedule.error());
        return k_exit_usage;
    }
    if (o.scan.store.empty()) {
        print_error("--every needs --store: each scan is kept there, linked to the one before");
        return k_exit_usage;
    }
    if (auto problem = app::validate_options(definitions, o.scan)) {
        print_error(problem->message);
        return problem->exit_code;
    }
    auto scan = [&] {
        app::ScanRound round;
        round.exit_code = scan_once(o, definitions, &round.summary);
        return round;
    };
    return app::run_every(*schedule, o.scan.store, scan, print_error);
}

int run(RunOptions& o) {
    int exit_code = k_exit_ok;
    auto loaded = prepare(o, exit_code);
    if (!loaded) return exit_code;
    if (!o.every.empty()) return scan_every(o, loaded->definitions);
    if (!o.jitter.empty()) {
        print_error("--jitter goes with --every");
        return k_exit_usage;
    }
    return scan_once(o, loaded->definitions, nullptr);
}

}  // namespace

void add_run(CLI::App& app, Action& action) {
    auto o = std::make_shared<RunOptions>();
    CLI::App* cmd =
        app.add_subcommand("run", "Scan this node (or a node root) against a benchmark");
    cmd->add_option("--benchmark", o->scan.benchmark,
                    "Benchmark id, or detect: chosen by the Kubernetes version and platform "
                    "(checks/benchmarks.yaml); several, comma-separated, scan together "
                    "(detect,k8s-controls-1.0)")
        ->capture_default_str();
    cmd->add_option("--k8s-version", o->scan.k8s_version,
                    "The cluster's Kubernetes version (X.Y or X.Y.Z) for choosing the benchmark, "
                    "instead of detecting it");
    cmd->add_option("--platform", o->scan.platform,
                    "The cluster's platform for choosing the benchmark, instead of detecting it: "
                    "generic, k3s, rke2, eks, gke or aks");
    o->targets_option = cmd->add_option(
        "--targets", o->targets,
        "Comma-separated targets: master,etcd,controlplane,node (default: detected)");
    auto* root = cmd->add_option("--root", o->scan.root, "The node's root file system")
                     ->capture_default_str();
    auto* proc =
        cmd->add_option("--proc", o->scan.proc, "The node's proc directory (default: <root>/proc)");
    cmd->add_option("--facts", o->scan.facts,
                    "Evaluate this facts snapshot (kubeproof collect) instead of a node")
        ->excludes(root)
        ->excludes(proc);
    cmd->add_option("--format", o->format, "Output format")
        ->check(CLI::IsMember(format_names()))
        ->capture_default_str();
    cmd->add_option("--aws-account-id", o->aws_account_id,
                    "--format asff: the 12-digit AWS account (default: AWS_ACCOUNT_ID)");
    cmd->add_option("--aws-region", o->aws_region,
                    "--format asff: the Security Hub Region; --upload s3://: the bucket's Region "
                    "(default: AWS_REGION, AWS_DEFAULT_REGION)");
    cmd->add_option("--output", o->output,
                    "Write the report to this file (atomically) instead of stdout");
    cmd->add_option("--metrics-file", o->metrics_file,
                    "Also write Prometheus metrics (node-exporter textfile format, atomically) to "
                    "this file, after the report");
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
        "--kubeconfig", o->scan.kubeconfig,
        "Kubeconfig for the API server (default: KUBECONFIG, ~/.kube/config, in-cluster)");
    cmd->add_option("--context", o->scan.context,
                    "Kubeconfig context (default: its current-context)");
    cmd->add_option("--manifests", o->scan.manifests,
                    "Manifest file, directory or - (stdin) for the policies target; repeatable")
        ->allow_extra_args(false);
    cmd->add_option("--namespaces", o->scan.namespaces,
                    "Judge only the objects in these namespaces (comma-separated; repeatable); "
                    "cluster-scoped objects are always judged")
        ->delimiter(',')
        ->allow_extra_args(false);
    cmd->add_option("--namespace-selector", o->scan.namespace_selector,
                    "Judge only the objects in namespaces with this label (LABEL=VALUE)");
    cmd->add_option(
        "--cluster", o->scan.cluster,
        "The cluster's name in reports and the store (default: the kubeconfig context's cluster)");
    cmd->add_option("--node-name", o->scan.node_name,
                    "The node's name in reports (default: NODE_NAME, the kubelet's "
                    "--hostname-override, the host name)");
    cmd->add_option(
        "--store", o->scan.store,
        "Keep the JSON report in this store folder, linked to the series' previous report");
    cmd->add_option(
        "--sign-key", o->scan.sign_key,
        "Ed25519 private key (PEM) to sign the stored report (or the --output JSON) with");
    cmd->add_option("--upload", o->upload.upload,
                    "Also send the stored report and its signature (and any still pending) to "
                    "s3://BUCKET/PREFIX or an https:// URL; needs --store");
    cmd->add_option("--s3-endpoint", o->upload.s3_endpoint,
                    "An S3-compatible endpoint (MinIO, Ceph), addressed path style");
    cmd->add_option("--s3-ca-file", o->upload.ca_file,
                    "Trusted roots (PEM) for the upload endpoint and STS (default: SSL_CERT_FILE, "
                    "the system bundle)");
    cmd->add_option("--upload-header", o->upload.headers,
                    "A header for an https:// --upload ('Name: value'; repeatable; never printed)")
        ->allow_extra_args(false);
    cmd->add_option("--waivers", o->scan.waivers,
                    "Risk acceptances (YAML): covered findings keep their status, marked waived, "
                    "and do not count for --fail-on until they expire");
    cmd->add_option("--checks-dir", o->checks_dir,
                    "Use check definitions from this directory instead of the embedded ones");
    cmd->add_option("--timeout", o->timeout,
                    "One deadline for all of the scan's API requests (a duration, 1s to 24h); "
                    "checks whose lists did not finish by then are ERROR")
        ->capture_default_str();
    cmd->add_option("--every", o->every,
                    "Keep running: one scan per DURATION (e.g. 24h), start to start, into --store, "
                    "until SIGTERM or SIGINT");
    cmd->add_option("--jitter", o->jitter,
                    "--every: wait a random delay below DURATION before the first scan (default: a "
                    "tenth of the interval; 0 for none)");
    cmd->callback([o, &action] { action = [o] { return run(*o); }; });
}

}  // namespace kubeproof::cli
