#pragma once

#include <cstdint>
#include <ctime>
#include <functional>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "app/definitions.hpp"
#include "util/expected.hpp"

namespace kubeproof::cli {

/// Exit codes from DESIGN.md.
inline constexpr int k_exit_ok = 0;
inline constexpr int k_exit_findings = 1;
inline constexpr int k_exit_usage = 2;
inline constexpr int k_exit_scan_failed = 3;
inline constexpr int k_exit_upload_failed = 4;  ///< run --upload: kept locally, delivery pending

/// A subcommand's action, run after parsing succeeds; returns the exit code.
using Action = std::function<int()>;

/// Each add_* registers a subcommand and sets `action` to run when it is chosen.
void add_run(CLI::App& app, Action& action);
void add_validate(CLI::App& app, Action& action);
void add_list(CLI::App& app, Action& action);
void add_explain(CLI::App& app, Action& action);
void add_version(CLI::App& app, Action& action);
void add_verify(CLI::App& app, Action& action);
void add_collect(CLI::App& app, Action& action);
void add_diff(CLI::App& app, Action& action);
void add_merge(CLI::App& app, Action& action);
void add_report(CLI::App& app, Action& action);
void add_index(CLI::App& app, Action& action);
void add_generate(CLI::App& app, Action& action);

/// Writes a command's output to stdout, or to `output` atomically; the exit code (3 when it
/// cannot be written).
int emit(const std::string& text, const std::string& output, const std::string& what = "report");

/// SOURCE_DATE_EPOCH as a time, for reproducible output: nullopt when unset or empty; an error
/// (for exit 2) when it is not a whole number of seconds from 0 to 253402300799
/// (9999-12-31T23:59:59Z, the last time RFC 3339 can write), as the reproducible-builds
/// specification asks of a malformed value, rather than a scan at the clock's time or in the year
/// 3170843.
util::Expected<std::optional<std::time_t>, std::string> source_date_epoch();

/// Parses --from, --to and --every (empty: not given) into times and seconds; prints what is wrong
/// and returns false on a bad value.
bool parse_window(const std::string& from, const std::string& to, const std::string& every,
                  std::optional<std::time_t>& from_time, std::optional<std::time_t>& to_time,
                  std::optional<int64_t>& every_seconds);

/// Prints "kubeproof: <message>" to stderr, the message escaped (util::escape_text): it may
/// quote file names, values and answers kubeproof read.
void print_error(const std::string& message);

/// Prints several lines (diagnostics, a list of problems) to stderr, escaped the same way except
/// that line feeds and tabs stay.
void print_details(const std::string& details);

/// Loads the definitions (embedded, or from `checks_dir`), or prints every diagnostic and a count;
/// nullopt means exit 2. `lazy`: the embedded benchmarks' sections are decoded on first use
/// (model::Definitions::benchmark), for commands that reach them only that way.
std::optional<app::LoadedDefinitions> load_or_report(const std::string& checks_dir,
                                                     bool lazy = false);

}  // namespace kubeproof::cli
