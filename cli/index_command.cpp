// `kubeproof index`: option parsing and wiring only; the index is lib/index, kept up to date by
// lib/app/index.
#include <cstdio>
#include <memory>
#include <string_view>

#include <fmt/format.h>

#include "app/index.hpp"
#include "commands.hpp"
#include "stream_output.hpp"

namespace kubeproof::cli {

namespace {

struct IndexOptions {
    app::IndexRequest request;
    std::string output;
};

int index(IndexOptions& o) {
    if (!o.output.empty() && o.request.export_format.empty()) {
        print_error("--output names where --export writes the status rows: give --export too");
        return k_exit_usage;
    }
    StreamOutput output(o.output, "the status rows");
    auto result =
        app::index_store(o.request, [&output](std::string_view piece) { output.write(piece); });
    if (!result) {
        print_error(result.error().message);
        return result.error().exit_code;
    }
    if (!o.request.export_format.empty()) {
        if (int written = output.finish(); written != k_exit_ok) return written;
    }
    print_error(fmt::format("{}: {} reports: {} read, {} unchanged, {} removed", result->path,
                            result->reports, result->read, result->unchanged, result->removed));
    return k_exit_ok;
}

}  // namespace

void add_index(CLI::App& app, Action& action) {
    auto o = std::make_shared<IndexOptions>();
    CLI::App* cmd = app.add_subcommand(
        "index",
        "Brings a store's index up to date (an SQLite file the period report reads instead of "
        "unchanged reports); exports the status rows");
    cmd->add_option("store", o->request.store, "The store folder")->required();
    cmd->add_option("--key", o->request.key_files,
                    "Ed25519 public key (PEM): check the signatures and record their state; "
                    "repeatable");
    cmd->add_option("--sign-key", o->request.sign_key,
                    "Ed25519 private key (PEM) to sign the index with (FILE.sig beside it): "
                    "report --key uses only an index one of its keys signed");
    cmd->add_flag("--rebuild", o->request.rebuild, "Start from an empty index");
    cmd->add_option("--export", o->request.export_format,
                    "Then write every result of every indexed report, one row each")
        ->check(CLI::IsMember(app::index_export_formats()));
    cmd->add_option("--output", o->output,
                    "Write the export to this file (atomically) instead of stdout");
    cmd->callback([o, &action] { action = [o] { return index(*o); }; });
}

}  // namespace kubeproof::cli
