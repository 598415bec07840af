// kubeproof_verify_bench: how long `kubeproof verify` takes over a year of a fleet's signed node
// reports, and how much memory it needs. A benchmark program that prints figures; not a test.
//
//   1. builds the store (once; --reuse keeps a complete one): one real scan of the node root R,
//      then for each of --nodes nodes and --days days the same report with that node's name and
//      that day's times, stored and signed the way `kubeproof run --store S --sign-key K` does it
//      (app::keep_report: series lock, seq, previous link, DSSE envelope);
//   2. runs `B verify --key pub.pem --every 24h S` --runs times (after one warm-up run that brings
//      the store into the page cache) and prints the wall time and the peak RSS of each run
//      (wait4's rusage), the median, and the throughput in reports and MB per second.
//
// See tests/bench/README.md for how to build and run it and the figures measured.
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "../support/ed25519_pem.hpp"
#include "app/definitions.hpp"
#include "app/keep.hpp"
#include "app/scan.hpp"
#include "evidence/signing.hpp"
#include "model/result.hpp"

extern char** environ;

namespace {

namespace app = kubeproof::app;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr std::time_t k_first_day = 1767225600;  // 2026-01-01T00:00:00Z
constexpr const char* k_complete = "bench-complete";

struct Args {
    std::string root;
    std::string binary;
    std::string store = "/tmp/kubeproof-verify-bench";
    int nodes = 100;
    int days = 365;
    int runs = 3;
    bool reuse = false;
    std::string only;  ///< "", "verify" or "index": which part to time
};

[[noreturn]] void die(const std::string& message) {
    std::fprintf(stderr, "kubeproof_verify_bench: %s\n", message.c_str());
    std::exit(2);
}

int parse_count(const std::string& text, const std::string& name) {
    char* end = nullptr;
    const long value = std::strtol(text.c_str(), &end, 10);
    if (end == text.c_str() || *end != '\0' || value < 1 || value > 100000) die("bad " + name);
    return static_cast<int>(value);
}

Args parse_args(int argc, char** argv) {
    Args args;
    for (int i = 1; i < argc; ++i) {
        const std::string flag = argv[i];
        if (flag == "--reuse") {
            args.reuse = true;
            continue;
        }
        if (i + 1 >= argc) die("missing value for " + flag);
        const std::string value = argv[++i];
        if (flag == "--only" && (value == "verify" || value == "index"))
            args.only = value;
        else if (flag == "--root")
            args.root = value;
        else if (flag == "--binary")
            args.binary = value;
        else if (flag == "--store")
            args.store = value;
        else if (flag == "--nodes")
            args.nodes = parse_count(value, flag);
        else if (flag == "--days")
            args.days = parse_count(value, flag);
        else if (flag == "--runs")
            args.runs = parse_count(value, flag);
        else
            die("unknown option " + flag);
    }
    if (args.root.empty() || args.binary.empty())
        die("usage: kubeproof_verify_bench --root NODE_ROOT --binary KUBEPROOF [--store DIR] "
            "[--nodes N] [--days D] [--runs R] [--reuse] [--only verify|index]");
    return args;
}

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

void write_file(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) die("cannot write " + path);
}

std::string marker_text(const Args& args) {
    return std::to_string(args.nodes) + " nodes x " + std::to_string(args.days) + " days\n";
}

bool store_is_complete(const Args& args) {
    std::ifstream in(args.store + "/" + k_complete);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return text == marker_text(args);
}

/// What a store holds: reports and envelopes, and their bytes.
struct StoreSize {
    size_t reports = 0;
    size_t envelopes = 0;
    uintmax_t report_bytes = 0;
    uintmax_t envelope_bytes = 0;
};

StoreSize store_size(const std::string& dir) {
    StoreSize size;
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
        if (!entry.is_regular_file()) continue;
        const auto name = entry.path().filename().string();
        if (name.ends_with(".json")) {
            ++size.reports;
            size.report_bytes += entry.file_size();
        } else if (name.ends_with(".sig")) {
            ++size.envelopes;
            size.envelope_bytes += entry.file_size();
        }
    }
    return size;
}

void build_store(const Args& args) {
    if (fs::exists(args.store) && !fs::is_empty(args.store))
        die(args.store + " is not empty: remove it, or give --reuse to use a complete one");
    fs::create_directories(args.store);
    const std::string key_file = args.store + "/sign.pem";
    const std::string pem = kubeproof::test::ed25519_private_pem();
    if (pem.empty()) die("OpenSSL cannot make an Ed25519 key");
    write_file(key_file, pem);
    auto key = kubeproof::evidence::Ed25519Key::from_pem(pem, key_file);
    if (!key) die(key.error());
    write_file(args.store + "/pub.pem", key->public_pem());

    const auto defs = app::load_definitions("");
    app::ScanOptions options;
    options.root = args.root;
    options.proc = args.root + "/proc";
    options.cluster = "bench";
    std::vector<std::string> warnings;
    auto scanned = app::run_scan(defs.definitions, options, warnings);
    if (!scanned) die("scan failed: " + scanned.error().message);

    options.store = args.store + "/reports";
    options.sign_key = key_file;
    const auto start = Clock::now();
    for (int day = 0; day < args.days; ++day) {
        for (int node = 0; node < args.nodes; ++node) {
            {
                kubeproof::model::Report report = *scanned;
                char name[32];
                std::snprintf(name, sizeof name, "node-%03d", node);
                const std::time_t started = k_first_day + day * 86400 + 120 + node * 3;
                report.scan.node = name;
                report.scan.host = name;
                report.scan.id = std::string(name) + "-" + std::to_string(day);
                report.scan.started_at = app::rfc3339(started);
                report.scan.finished_at = app::rfc3339(started + 1);
                auto kept = app::keep_report(report, options);
                if (!kept) die(kept.error().message);
            }
        }
        if ((day + 1) % 30 == 0 || day + 1 == args.days)
            std::printf("  stored day %d of %d (%.0f s)\n", day + 1, args.days,
                        seconds_since(start));
        std::fflush(stdout);
    }
    const StoreSize size = store_size(options.store);
    std::printf("store built: %zu reports and %zu envelopes, %.2f GB, in %.0f s\n", size.reports,
                size.envelopes, static_cast<double>(size.report_bytes + size.envelope_bytes) / 1e9,
                seconds_since(start));
    write_file(args.store + "/" + k_complete, marker_text(args));
}

struct Run {
    double seconds = 0;
    long peak_rss_kb = 0;
    int exit_code = -1;
    std::string last_line;
};

/// Runs the binary with these arguments, output collected; wall time and peak RSS.
Run run_binary(const Args& args, const std::vector<std::string>& arguments) {
    std::vector<std::string> argv_text = {args.binary};
    argv_text.insert(argv_text.end(), arguments.begin(), arguments.end());
    std::vector<char*> argv;
    for (const auto& a : argv_text) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    int fds[2];
    if (::pipe(fds) != 0) die("pipe failed");
    const auto start = Clock::now();
    const pid_t pid = ::fork();
    if (pid < 0) die("fork failed");
    if (pid == 0) {
        ::dup2(fds[1], STDOUT_FILENO);
        ::dup2(fds[1], STDERR_FILENO);
        ::close(fds[0]);
        ::close(fds[1]);
        ::execve(argv[0], argv.data(), environ);
        _exit(127);
    }
    ::close(fds[1]);
    std::string output;
    char buffer[8192];
    for (;;) {
        const ssize_t n = ::read(fds[0], buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        output.append(buffer, static_cast<size_t>(n));
    }
    ::close(fds[0]);
    int status = 0;
    struct rusage usage {};
    while (::wait4(pid, &status, 0, &usage) < 0 && errno == EINTR) {
    }
    Run run;
    run.seconds = seconds_since(start);
    run.peak_rss_kb = usage.ru_maxrss;
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    while (!output.empty() && output.back() == '\n') output.pop_back();
    run.last_line =
        output.substr(output.rfind('\n') == std::string::npos ? 0 : output.rfind('\n') + 1);
    return run;
}

/// Times a command `runs` times after a warm-up: prints each run and the median; returns the
/// median and the peak RSS (KB) over the runs.
std::pair<double, long> time_runs(const Args& args, const std::string& what,
                                  const std::vector<std::string>& arguments, size_t reports) {
    const Run warm = run_binary(args, arguments);
    std::printf("%s\n  warm-up: %.2f s, exit %d: %s\n", what.c_str(), warm.seconds, warm.exit_code,
                warm.last_line.c_str());
    std::vector<double> times;
    long peak = 0;
    for (int i = 0; i < args.runs; ++i) {
        const Run run = run_binary(args, arguments);
        std::printf("  run %d: %.2f s, peak RSS %.1f MB, exit %d\n", i + 1, run.seconds,
                    static_cast<double>(run.peak_rss_kb) / 1024.0, run.exit_code);
        times.push_back(run.seconds);
        peak = std::max(peak, run.peak_rss_kb);
    }
    std::sort(times.begin(), times.end());
    const double median = times[times.size() / 2];
    std::printf("  median %.2f s (%.0f reports/s), peak RSS %.1f MB\n", median,
                static_cast<double>(reports) / median, static_cast<double>(peak) / 1024.0);
    return {median, peak};
}

}  // namespace

int main(int argc, char** argv) {
    const Args args = parse_args(argc, argv);
    if (args.reuse && store_is_complete(args))
        std::printf("reusing the store in %s: %s", args.store.c_str(), marker_text(args).c_str());
    else
        build_store(args);
    const StoreSize size = store_size(args.store + "/reports");
    const size_t reports = size.reports;
    const auto bytes = size.report_bytes;
    const std::string store = args.store + "/reports";
    const std::string key = args.store + "/pub.pem";
    const std::string sign_key = args.store + "/sign.pem";  // signs the index, as report --key asks
    std::printf("%zu reports (%.2f GB) and %zu envelopes (%.2f GB), %d runs after a warm-up each\n",
                reports, static_cast<double>(bytes) / 1e9, size.envelopes,
                static_cast<double>(size.envelope_bytes) / 1e9, args.runs);
    if (args.only.empty() || args.only == "verify") {
        const auto [median, peak] = time_runs(
            args,
            "verify --key --every 24h (every report and envelope read, every signature checked)",
            {"verify", "--key", key, "--every", "24h", store}, reports);
        std::printf("verify: median %.2f s (%.0f MB of reports/s), peak RSS %.1f MB\n", median,
                    static_cast<double>(bytes) / 1e6 / median, static_cast<double>(peak) / 1024.0);
    }
    if (args.only.empty() || args.only == "index") {
        const auto [indexed, index_peak] =
            time_runs(args,
                      "index --rebuild --key --sign-key (every report read, every signature "
                      "checked; the index signed)",
                      {"index", store, "--rebuild", "--key", key, "--sign-key", sign_key}, reports);
        const auto [updated, update_peak] =
            time_runs(args,
                      "index --key --sign-key again (nothing changed: every file stat'ed, none "
                      "read; the index signed)",
                      {"index", store, "--key", key, "--sign-key", sign_key}, reports);
        const std::string out = args.store + "/period.html";
        const auto [from_index, report_peak] = time_runs(
            args, "report --framework soc2 --every 24h --key --format html, from the index",
            {"report", store, "--framework", "soc2", "--every", "24h", "--key", key, "--format",
             "html", "--output", out},
            reports);
        std::printf(
            "index: build %.2f s (%.0f reports/s, peak RSS %.1f MB); up to date %.2f s; a year's "
            "SOC 2 HTML report from it %.2f s (peak RSS %.1f MB), %.1f MB of HTML\n",
            indexed, static_cast<double>(reports) / indexed,
            static_cast<double>(index_peak) / 1024.0, updated, from_index,
            static_cast<double>(report_peak) / 1024.0,
            static_cast<double>(fs::file_size(out)) / 1e6);
        (void)update_peak;
    }
    return 0;
}
