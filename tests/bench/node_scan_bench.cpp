// kubeproof_bench: times a full node scan of a materialised node root three ways and prints the
// figures (a benchmark program, not a test: nothing here asserts on time).
//   1. in process: app::run_scan (the real host under --root), definitions loaded once outside the
//   timer;
//   2. the built binary end to end (fork/exec of `kubeproof run --format json`, stdout to
//   /dev/null);
//   3. the shell way: the audit commands kube-bench would run for the same checks, each through
//      `/bin/sh -c` (ps -ef | grep, stat -c, find | xargs stat, cat), with their output read back.
// Usage: kubeproof_bench --root R [--binary B] [--iterations N] [--shell-iterations M]
// [--show-commands]
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <numeric>
#include <string>
#include <vector>

#include "app/definitions.hpp"
#include "app/scan.hpp"
#include "model/check.hpp"
#include "model/result.hpp"

extern char** environ;

namespace {

namespace app = kubeproof::app;
namespace model = kubeproof::model;
using Clock = std::chrono::steady_clock;

constexpr int k_warmups = 5;
constexpr int k_definition_loads = 20;
const std::vector<std::string> k_targets = {"master", "etcd", "controlplane", "node"};

struct Args {
    std::string root;
    std::string binary;
    int iterations = 200;
    int shell_iterations = 10;
    bool show_commands = false;
};

struct Stats {
    double min = 0, median = 0, p95 = 0, mean = 0;
};

[[noreturn]] void die(const std::string& message) {
    std::fprintf(stderr, "kubeproof_bench: %s\n", message.c_str());
    std::exit(2);
}

int parse_count(const std::string& text, const char* name) {
    char* end = nullptr;
    const long value = std::strtol(text.c_str(), &end, 10);
    if (end == text.c_str() || *end != '\0' || value < 1 || value > 1000000)
        die(std::string("bad ") + name);
    return static_cast<int>(value);
}

Args parse_args(int argc, char** argv) {
    Args args;
    for (int i = 1; i < argc; ++i) {
        const std::string flag = argv[i];
        if (flag == "--show-commands") {
            args.show_commands = true;
            continue;
        }
        if (i + 1 >= argc)
            die("usage: kubeproof_bench --root R [--binary B] [--iterations N] [--shell-iterations "
                "M] [--show-commands]");
        const std::string value = argv[++i];
        if (flag == "--root")
            args.root = value;
        else if (flag == "--binary")
            args.binary = value;
        else if (flag == "--iterations")
            args.iterations = parse_count(value, "--iterations");
        else if (flag == "--shell-iterations")
            args.shell_iterations = parse_count(value, "--shell-iterations");
        else
            die("unknown option " + flag);
    }
    if (args.root.empty())
        die("--root is required (a node root from tests/fixtures/materialize.py)");
    while (args.root.size() > 1 && args.root.back() == '/') args.root.pop_back();
    if (!std::filesystem::is_directory(args.root + "/proc"))
        die(args.root + "/proc is not a directory: not a node root");
    return args;
}

double ms_since(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

Stats summarize(std::vector<double> ms) {
    std::sort(ms.begin(), ms.end());
    auto at = [&ms](double q) {
        return ms[static_cast<size_t>(q * static_cast<double>(ms.size() - 1) + 0.5)];
    };
    return {ms.front(), at(0.5), at(0.95),
            std::accumulate(ms.begin(), ms.end(), 0.0) / static_cast<double>(ms.size())};
}

/// Runs `body` `warmups` times untimed, then `runs` times timed; returns the times in ms.
template <typename F>
std::vector<double> time_runs(int warmups, int runs, F&& body) {
    for (int i = 0; i < warmups; ++i) body();
    std::vector<double> times;
    times.reserve(static_cast<size_t>(runs));
    for (int i = 0; i < runs; ++i) {
        const auto start = Clock::now();
        body();
        times.push_back(ms_since(start));
    }
    return times;
}

// ---- processes ---------------------------------------------------------------------------------

void read_all(int fd, std::string& out) {
    char buffer[16384];
    for (;;) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        out.append(buffer, static_cast<size_t>(n));
    }
}

/// posix_spawn()s `args` (stderr to /dev/null; stdout captured into `output`, or to /dev/null when
/// it is null) and waits; returns the exit code, -1 when it could not run or was killed.
int spawn(const std::vector<std::string>& args, std::string* output) {
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    int fds[2] = {-1, -1};
    if (output && ::pipe2(fds, O_CLOEXEC) != 0) return -1;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    if (output)
        posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    else
        posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    pid_t pid = 0;
    const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (output) {
        ::close(fds[1]);
        if (rc == 0) read_all(fds[0], *output);
        ::close(fds[0]);
    }
    if (rc != 0) return -1;
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int count_real_processes() {
    int count = 0;
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
        const std::string name = entry.path().filename().string();
        count += std::all_of(name.begin(), name.end(),
                             [](unsigned char c) { return std::isdigit(c) != 0; });
    }
    return count;
}

// ---- 1. in process -----------------------------------------------------------------------------

app::ScanOptions scan_options() {
    app::ScanOptions options;
    options.targets = k_targets;
    return options;
}

model::Report scan_once(const model::Definitions& defs, const std::string& root) {
    auto options = scan_options();
    options.root = root;
    options.proc = root + "/proc";
    std::vector<std::string> warnings;
    auto report = app::run_scan(defs, options, warnings);
    if (!report) die("scan failed: " + report.error().message);
    return std::move(report).value();
}

model::Definitions load_definitions_timed(double& first_ms, double& reload_median_ms) {
    const auto start = Clock::now();
    auto loaded = app::load_definitions("");
    first_ms = ms_since(start);
    if (!loaded.diagnostics.empty()) die("embedded definitions:\n" + loaded.diagnostics.format());
    reload_median_ms =
        summarize(time_runs(0, k_definition_loads, [] { (void)app::load_definitions(""); })).median;
    return std::move(loaded.definitions);
}

/// What `kubeproof run` decodes: the core, then the one benchmark it scans.
double lazy_load_median_ms() {
    return summarize(time_runs(0, k_definition_loads,
                               [] {
                                   auto loaded = app::load_definitions("", true);
                                   (void)loaded.definitions.benchmark("cis-1.12");
                               }))
        .median;
}

// ---- 3. the shell way --------------------------------------------------------------------------

/// What a check's test items read, in kube-bench audit terms.
struct CheckUse {
    bool process = false;     ///< a flag / feature gate / flag-named document: `ps -ef | grep`
    bool config_key = false;  ///< a config-file key: `cat <config>`
    bool tree = false;        ///< a directory tree: `find | xargs stat`
    std::string name_glob;
    std::string stat_format;  ///< "permissions=%a" or "%U:%G" for file tests
};

void collect_use(const model::TestItem& item, CheckUse& use) {
    using model::Subject;
    if (item.subject == Subject::All || item.subject == Subject::Any) {
        for (const auto& child : item.children) collect_use(child, use);
        return;
    }
    // A flag item may name the config-file key that backs it (the kubelet's): kube-bench runs
    // both its `audit` (ps) and its `audit_config` (cat) for those.
    if (item.subject == Subject::Key || (item.subject == Subject::Flag && !item.key.empty()))
        use.config_key = true;
    if (item.subject == Subject::Flag || item.subject == Subject::FeatureGate ||
        item.subject == Subject::Document)
        use.process = true;
    if (item.subject == Subject::Tree) {
        use.tree = true;
        use.name_glob = item.name_glob;
    }
    for (const auto& a : item.assertions) {
        if (a.op == "mode") use.stat_format = "permissions=%a";
        if (a.op == "owner") use.stat_format = "%U:%G";
    }
}

std::vector<std::string> file_refs(const model::Result& result) {
    std::vector<std::string> refs;
    for (const auto& e : result.evidence)
        if (e.source == "file") refs.push_back(e.ref);
    return refs;
}

/// Config file per component as the scan found it ("config" evidence
/// "/var/lib/kubelet/config.yaml:12").
std::map<std::string, std::string> config_files(
    const model::Report& report, const std::map<std::string, const model::Check*>& checks) {
    std::map<std::string, std::string> files;
    for (const auto& result : report.results) {
        const model::Check* check = checks.at(result.id);
        for (const auto& e : result.evidence)
            if (e.source == "config" && !check->components.empty())
                files.emplace(check->components.front(), e.ref.substr(0, e.ref.rfind(':')));
    }
    return files;
}

std::string quoted_paths(const std::string& root, const std::vector<std::string>& refs) {
    std::string out;
    for (const auto& ref : refs) out += " '" + root + ref + "'";
    return out;
}

std::string tree_command(const std::string& root, const std::string& ref, const CheckUse& use) {
    std::string dir = ref;
    if (!std::filesystem::is_directory(root + ref)) dir = ref.substr(0, ref.rfind('/'));
    std::string find = "find '" + root + dir + "'";
    if (!use.name_glob.empty()) find += " -name '" + use.name_glob + "'";
    return find + " | xargs stat -c " + use.stat_format;
}

/// The audit commands kube-bench would run for one check (none for a purely manual one).
std::vector<std::string> audits_for(const model::Check& check, const model::Result& result,
                                    const model::Catalogue& catalogue,
                                    const std::map<std::string, std::string>& configs,
                                    const std::string& root) {
    CheckUse use;
    collect_use(check.test, use);
    const std::string component = check.components.empty() ? "" : check.components.front();
    const auto found = catalogue.components.find(component);
    const std::string binary = found == catalogue.components.end() ? component : found->second.name;
    const auto config = configs.find(component);
    std::vector<std::string> commands;
    const auto refs = file_refs(result);
    if (use.tree && !refs.empty())
        commands.push_back(tree_command(root, refs.front(), use));
    else if (!use.stat_format.empty() && !refs.empty())
        commands.push_back("stat -c " + use.stat_format + quoted_paths(root, refs));
    if (use.process || (use.config_key && config == configs.end()))
        commands.push_back("ps -ef | grep " + binary + " | grep -v grep");
    if (use.config_key && config != configs.end())
        commands.push_back("cat '" + root + config->second + "'");
    return commands;
}

std::vector<std::string> shell_commands(const model::Definitions& defs, const model::Report& report,
                                        const std::string& root, int& checks_with_audit) {
    std::map<std::string, const model::Check*> checks;
    for (const auto& section : defs.benchmarks.at(report.scan.benchmark).sections)
        for (const auto& group : section.groups)
            for (const auto& check : group.checks) checks.emplace(check.id, &check);
    const auto configs = config_files(report, checks);
    std::vector<std::string> commands;
    checks_with_audit = 0;
    for (const auto& result : report.results) {
        auto audits = audits_for(*checks.at(result.id), result, defs.catalogue, configs, root);
        checks_with_audit += audits.empty() ? 0 : 1;
        commands.insert(commands.end(), audits.begin(), audits.end());
    }
    return commands;
}

size_t run_shell_commands(const std::vector<std::string>& commands) {
    size_t bytes = 0;
    for (const auto& command : commands) {
        std::string output;
        if (spawn({"/bin/sh", "-c", command}, &output) < 0)
            die("could not run /bin/sh -c " + command);
        bytes += output.size();
    }
    return bytes;
}

// ---- report ------------------------------------------------------------------------------------

void print_row(const char* label, const Stats& s, int runs) {
    std::printf("  %-44s %8.3f %8.3f %8.3f %8.3f  %6d\n", label, s.min, s.median, s.p95, s.mean,
                runs);
}

std::string totals_text(const model::Report& report) {
    const model::Totals totals = model::count(report);
    std::string text;
    for (model::Status status : model::k_all_statuses)
        text += (text.empty() ? "" : ", ") + std::string(model::to_string(status)) + " " +
                std::to_string(totals[status]);
    return text;
}

long peak_rss_kib() {
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

Stats bench_binary(const Args& args) {
    const std::vector<std::string> argv = {
        args.binary, "run",  "--root",    args.root,
        "--format",  "json", "--targets", "master,etcd,controlplane,node"};
    return summarize(time_runs(2, args.iterations, [&argv] {
        const int code = spawn(argv, nullptr);
        if (code != 0 && code != 1) die("kubeproof run exited with " + std::to_string(code));
    }));
}

/// Everything measured, for printing.
struct Figures {
    double load_ms = 0, reload_ms = 0, lazy_ms = 0;
    Stats in_process, binary, shell;
    long rss_kib = 0;
    size_t shell_commands = 0, shell_bytes = 0;
    int audited_checks = 0;
};

void print_figures(const Args& args, const model::Report& report, const Figures& f) {
    const bool have_binary = !args.binary.empty();
    std::printf("kubeproof node-scan benchmark\n");
    std::printf("  root %s, targets master,etcd,controlplane,node, benchmark %s\n",
                args.root.c_str(), report.scan.benchmark.c_str());
    std::printf("  checks evaluated per scan: %zu (%s)\n", report.results.size(),
                totals_text(report).c_str());
    std::printf(
        "  definition load (embedded, compiled, outside the scan timer): all of it: first %.3f ms, "
        "median of %d reloads %.3f ms;\n  what `run` decodes (the core and cis-1.12): median "
        "%.3f ms\n\n",
        f.load_ms, k_definition_loads, f.reload_ms, f.lazy_ms);
    std::printf("  %-44s %8s %8s %8s %8s  %6s\n", "time per full scan (ms)", "min", "median", "p95",
                "mean", "runs");
    print_row("kubeproof in-process (run_scan)", f.in_process, args.iterations);
    if (have_binary)
        print_row("kubeproof binary end-to-end (exec, json)", f.binary, args.iterations);
    print_row("shell way (kube-bench audits via /bin/sh -c)", f.shell, args.shell_iterations);
    std::printf("\n  shell way: %zu commands for %d of %zu checks, %zu bytes of output per run\n",
                f.shell_commands, f.audited_checks, report.results.size(), f.shell_bytes);
    std::printf("  ratio shell / in-process (medians): %.0fx\n",
                f.shell.median / f.in_process.median);
    if (have_binary)
        std::printf("  ratio shell / binary     (medians): %.1fx\n",
                    f.shell.median / f.binary.median);
    std::printf("  peak RSS after the in-process part: %.1f MiB\n",
                static_cast<double>(f.rss_kib) / 1024.0);
    std::printf(
        "  note: `ps -ef` reads this machine's real /proc (%d processes now), as kube-bench does;\n"
        "        kubeproof reads %s/proc. stat/find/cat read the fixture's files under the root.\n",
        count_real_processes(), args.root.c_str());
}

}  // namespace

int main(int argc, char** argv) {
    const Args args = parse_args(argc, argv);
    Figures f;
    const model::Definitions defs = load_definitions_timed(f.load_ms, f.reload_ms);
    f.lazy_ms = lazy_load_median_ms();

    model::Report report = scan_once(defs, args.root);
    f.in_process = summarize(
        time_runs(k_warmups, args.iterations, [&] { report = scan_once(defs, args.root); }));
    f.rss_kib = peak_rss_kib();

    if (!args.binary.empty()) f.binary = bench_binary(args);

    const auto commands = shell_commands(defs, report, args.root, f.audited_checks);
    f.shell_commands = commands.size();
    if (args.show_commands)
        for (const auto& command : commands) std::printf("sh -c %s\n", command.c_str());
    f.shell = summarize(
        time_runs(1, args.shell_iterations, [&] { f.shell_bytes = run_shell_commands(commands); }));

    print_figures(args, report, f);
    return 0;
}
