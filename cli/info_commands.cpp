// `kubeproof validate|list|explain|version`: option parsing and wiring only.
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <tuple>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/definitions.hpp"
#include "app/explain.hpp"
#include "app/verify.hpp"
#include "app/waivers.hpp"
#include "build_info.hpp"
#include "commands.hpp"
#include "local/atomic_write.hpp"
#include "parse/values.hpp"
#include "util/escape.hpp"

namespace kubeproof::cli {

util::Expected<std::optional<std::time_t>, std::string> source_date_epoch() {
    const char* epoch = std::getenv("SOURCE_DATE_EPOCH");
    if (epoch == nullptr || *epoch == '\0') return std::optional<std::time_t>();
    constexpr int64_t k_last = 253402300799;  // 9999-12-31T23:59:59Z
    const std::string_view text(epoch);
    const bool digits =
        text.size() <= 12 && text.find_first_not_of("0123456789") == std::string_view::npos;
    const auto value = digits ? parse::parse_int(text) : std::nullopt;
    if (!value || *value < 0 || *value > k_last)
        return util::unexpected(fmt::format(
            "SOURCE_DATE_EPOCH={}: expected whole seconds since 1970-01-01T00:00:00Z, from 0 to {} "
            "(9999-12-31T23:59:59Z)",
            util::escape_text(text.substr(0, 40)), k_last));
    return std::optional<std::time_t>(static_cast<std::time_t>(*value));
}

bool parse_window(const std::string& from, const std::string& to, const std::string& every,
                  std::optional<std::time_t>& from_time, std::optional<std::time_t>& to_time,
                  std::optional<int64_t>& every_seconds) {
    for (const auto& [text, out, what] :
         {std::tuple{&from, &from_time, "--from"}, std::tuple{&to, &to_time, "--to"}}) {
        if (text->empty()) continue;
        *out = app::parse_time(*text);
        if (!*out) {
            print_error(fmt::format(
                "{} {}: expected a date (2026-01-31) or an RFC 3339 time (2026-01-31T02:00:00Z)",
                what, *text));
            return false;
        }
    }
    if (from_time && to_time && *from_time >= *to_time) {
        print_error(fmt::format("--from {} is not before --to {}", from, to));
        return false;
    }
    if (!every.empty()) {
        every_seconds = app::parse_interval(every);
        if (!every_seconds || *every_seconds <= 0) {
            print_error("--every " + every + ": expected a duration such as 24h, 6h or 1d");
            return false;
        }
    }
    return true;
}

void print_error(const std::string& message) {
    const std::string line = "kubeproof: " + util::escape_text(message) + "\n";
    std::fputs(line.c_str(), stderr);
}

void print_details(const std::string& details) {
    std::fputs(util::escape_text(details, util::Lines::Keep).c_str(), stderr);
}

int emit(const std::string& text, const std::string& output, const std::string& what) {
    if (output.empty() || output == "-") {
        std::fwrite(text.data(), 1, text.size(), stdout);
        return std::fflush(stdout) == 0 ? k_exit_ok : k_exit_scan_failed;
    }
    if (auto problem = local::write_file_atomically(output, text)) {
        print_error("cannot write the " + what + ": " + *problem);
        return k_exit_scan_failed;
    }
    return k_exit_ok;
}

std::optional<app::LoadedDefinitions> load_or_report(const std::string& checks_dir, bool lazy) {
    auto loaded = app::load_definitions(checks_dir, lazy);
    if (loaded.diagnostics.empty()) return loaded;
    print_details(loaded.diagnostics.format());
    size_t n = loaded.diagnostics.size();
    print_error(fmt::format("{} {} in the check definitions", n, n == 1 ? "problem" : "problems"));
    return std::nullopt;
}

namespace {

struct DefinitionOptions {
    std::string checks_dir;
    std::string waivers;
    std::string benchmark;
    std::string what;
    std::string id;
    std::string framework;
};

// `validate --waivers FILE`: the file alone, against a benchmark of the definitions.
int validate_waivers(const DefinitionOptions& o, const model::Definitions& defs) {
    const auto bench = defs.benchmarks.find(o.benchmark);
    if (bench == defs.benchmarks.end()) {
        print_error(fmt::format("unknown benchmark '{}'", o.benchmark));
        return k_exit_usage;
    }
    const auto waivers = app::load_waivers(o.waivers, bench->second);
    if (!waivers.unreadable.empty()) {
        print_error("cannot read the waivers file: " + waivers.unreadable);
        return k_exit_usage;
    }
    for (const auto& warning : waivers.warnings.items())
        print_error("warning: " + parse::format_location(warning));
    if (!waivers.errors.empty()) {
        print_details(waivers.errors.format());
        const size_t n = waivers.errors.size();
        print_error(fmt::format("{} {} in the waivers file {}", n, n == 1 ? "problem" : "problems",
                                o.waivers));
        return k_exit_usage;
    }
    const auto epoch = source_date_epoch();
    if (!epoch) {
        print_error(epoch.error());
        return k_exit_usage;
    }
    const std::string text =
        app::describe_waivers(waivers.file, o.benchmark, epoch->value_or(std::time(nullptr)));
    std::fputs(text.c_str(), stdout);
    return k_exit_ok;
}

int validate(const DefinitionOptions& o) {
    auto loaded = load_or_report(o.checks_dir);
    if (!loaded) return k_exit_usage;
    if (!o.waivers.empty()) return validate_waivers(o, loaded->definitions);
    size_t checks = 0;
    for (const auto& [id, b] : loaded->definitions.benchmarks)
        for (const auto& s : b.sections)
            for (const auto& g : s.groups)
                checks += g.checks.size();  // NOLINT: a count, not a walk
    std::printf("ok: %zu benchmark(s), %zu checks, %zu components\n",
                loaded->definitions.benchmarks.size(), checks,
                loaded->definitions.catalogue.components.size());
    return k_exit_ok;
}

int list(const DefinitionOptions& o) {
    auto loaded = load_or_report(o.checks_dir);
    if (!loaded) return k_exit_usage;
    const auto& defs = loaded->definitions;
    if (o.what == "benchmarks") {
        std::fputs(app::list_benchmarks(defs).c_str(), stdout);
        return k_exit_ok;
    }
    if (o.what == "frameworks") {
        std::fputs(app::list_frameworks(defs).c_str(), stdout);
        return k_exit_ok;
    }
    if (o.what == "controls") {
        auto fw = defs.frameworks.find(o.framework);
        if (fw == defs.frameworks.end()) {
            print_error(o.framework.empty() ? "list controls needs --framework ID"
                                            : fmt::format("unknown framework '{}'", o.framework));
            return k_exit_usage;
        }
        std::fputs(app::list_controls(fw->second, defs).c_str(), stdout);
        return k_exit_ok;
    }
    auto bench = defs.benchmarks.find(o.benchmark);
    if (bench == defs.benchmarks.end()) {
        print_error(fmt::format("unknown benchmark '{}'", o.benchmark));
        return k_exit_usage;
    }
    std::fputs(app::list_checks(bench->second).c_str(), stdout);
    return k_exit_ok;
}

int explain(const DefinitionOptions& o) {
    auto loaded = load_or_report(o.checks_dir);
    if (!loaded) return k_exit_usage;
    auto where = app::find_check(loaded->definitions, o.id, o.benchmark);
    if (!where) {
        print_error(fmt::format("unknown check id '{}'", o.id));
        return k_exit_usage;
    }
    std::fputs(app::explain(*where, loaded->definitions).c_str(), stdout);
    return k_exit_ok;
}

// The build's facts: the commit and date come from the build (build_info.hpp), the digest is
// the one every report carries as tool.definitions_sha256.
int version(const std::string& format) {
    const std::string digest = app::embedded_definitions_sha256();
    if (format == "json") {
        const nlohmann::ordered_json out = {{"name", "kubeproof"},
                                            {"version", KUBEPROOF_VERSION},
                                            {"commit", std::string(build_commit())},
                                            {"build_date", std::string(build_date())},
                                            {"definitions_sha256", digest}};
        std::puts(out.dump(2).c_str());
        return k_exit_ok;
    }
    std::printf("kubeproof %s\ncommit: %.*s\nbuild date: %.*s\ndefinitions sha256: %s\n",
                KUBEPROOF_VERSION, static_cast<int>(build_commit().size()), build_commit().data(),
                static_cast<int>(build_date().size()), build_date().data(), digest.c_str());
    return k_exit_ok;
}

}  // namespace

void add_validate(CLI::App& app, Action& action) {
    auto o = std::make_shared<DefinitionOptions>();
    o->benchmark = "cis-1.12";
    CLI::App* cmd = app.add_subcommand(
        "validate", "Lint the check definitions (embedded, or --checks-dir), or a waivers file");
    cmd->add_option("--checks-dir", o->checks_dir, "Definitions directory laid out like checks/");
    cmd->add_option("--waivers", o->waivers,
                    "Check this waivers file (against --benchmark) instead of the definitions");
    cmd->add_option("--benchmark", o->benchmark, "Benchmark whose checks --waivers names")
        ->capture_default_str();
    cmd->callback([o, &action] { action = [o] { return validate(*o); }; });
}

void add_list(CLI::App& app, Action& action) {
    auto o = std::make_shared<DefinitionOptions>();
    o->benchmark = "cis-1.12";
    CLI::App* cmd = app.add_subcommand(
        "list", "List benchmarks, checks, frameworks, or a framework's controls");
    cmd->add_option("what", o->what, "benchmarks, checks, frameworks or controls")
        ->required()
        ->check(CLI::IsMember({"benchmarks", "checks", "frameworks", "controls"}));
    cmd->add_option("--framework", o->framework, "Framework for 'list controls'");
    cmd->add_option("--benchmark", o->benchmark, "Benchmark for 'list checks'")
        ->capture_default_str();
    cmd->add_option("--checks-dir", o->checks_dir, "Definitions directory laid out like checks/");
    cmd->callback([o, &action] { action = [o] { return list(*o); }; });
}

void add_explain(CLI::App& app, Action& action) {
    auto o = std::make_shared<DefinitionOptions>();
    CLI::App* cmd = app.add_subcommand(
        "explain", "Explain one check: what it inspects, expects and how to fix it");
    cmd->add_option("id", o->id, "Check id, e.g. 1.2.15")->required();
    cmd->add_option("--benchmark", o->benchmark, "Benchmark (default: any)");
    cmd->add_option("--checks-dir", o->checks_dir, "Definitions directory laid out like checks/");
    cmd->callback([o, &action] { action = [o] { return explain(*o); }; });
}

void add_version(CLI::App& app, Action& action) {
    auto format = std::make_shared<std::string>("text");
    CLI::App* cmd = app.add_subcommand(
        "version", "Print the version, the git commit, the build date and the definitions digest");
    cmd->add_option("--format", *format, "Output format")
        ->check(CLI::IsMember({"text", "json"}))
        ->capture_default_str();
    cmd->callback([format, &action] { action = [format] { return version(*format); }; });
}

}  // namespace kubeproof::cli
