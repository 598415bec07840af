// `kubeproof verify`: option parsing and wiring only; the checks live in lib/history.
#include <memory>

#include <fmt/format.h>

#include "app/verify.hpp"
#include "commands.hpp"
#include "local/atomic_write.hpp"

namespace kubeproof::cli {

namespace {

struct VerifyOptions {
    app::VerifyRequest request;
    std::string every, from, to;
    std::string output;
};

int verify(VerifyOptions& o) {
    if (!parse_window(o.from, o.to, o.every, o.request.from, o.request.to, o.request.every))
        return k_exit_usage;
    auto result = app::verify_reports(o.request);
    if (!result) {
        print_error(result.error().message);
        return result.error().exit_code;
    }
    if (int written = emit(result->output, o.output, "outcome"); written != k_exit_ok)
        return written;
    return result->intact ? k_exit_ok : k_exit_findings;
}

}  // namespace

void add_verify(CLI::App& app, Action& action) {
    auto o = std::make_shared<VerifyOptions>();
    CLI::App* cmd = app.add_subcommand(
        "verify",
        "Check stored reports offline: signatures, series links, seq steps, times and gaps");
    cmd->add_option("paths", o->request.inputs, "Store folders and report files")->required();
    cmd->add_option("--key", o->request.key_files,
                    "Ed25519 public key (PEM) the reports are signed with; repeatable");
    cmd->add_option(
        "--every", o->every,
        "Expected interval between scans of a series (24h, 6h, 1d): report every longer gap");
    cmd->add_option("--from", o->from, "Only reports started at or after this date or time (UTC)");
    cmd->add_option("--to", o->to, "Only reports started before this date or time (UTC)");
    cmd->add_option("--format", o->request.format, "Output format")
        ->check(CLI::IsMember({"text", "json"}))
        ->capture_default_str();
    cmd->add_option("--output", o->output,
                    "Write the outcome to this file (atomically) instead of stdout");
    cmd->callback([o, &action] { action = [o] { return verify(*o); }; });
}

}  // namespace kubeproof::cli
