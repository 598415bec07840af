// kubeproof: Kubernetes CIS benchmark scanner with SOC 2 / PCI DSS evidence.
#include <nss.h>

#include <cstdio>
#include <exception>

#include "commands.hpp"
#include "util/escape.hpp"

int main(int argc, char** argv) try {
    // A static binary must never dlopen NSS modules (they crash it); names come from the node's
    // files.
    __nss_configure_lookup("passwd", "files");
    __nss_configure_lookup("group", "files");
    using namespace kubeproof::cli;
    CLI::App app{"kubeproof: Kubernetes CIS benchmark scanner with SOC 2 and PCI DSS evidence",
                 "kubeproof"};
    app.require_subcommand(1);
    app.failure_message([](const CLI::App* failed, const CLI::Error& e) {
        auto chosen = failed->get_subcommands();
        std::string command =
            chosen.empty() ? "kubeproof" : "kubeproof " + chosen.front()->get_name();
        return "kubeproof: " + kubeproof::util::escape_text(e.what()) + "\nRun '" + command +
               " --help' for more information.\n";
    });
    app.set_version_flag("--version", KUBEPROOF_VERSION);
    Action action;
    add_run(app, action);
    add_validate(app, action);
    add_list(app, action);
    add_explain(app, action);
    add_version(app, action);
    add_verify(app, action);
    add_collect(app, action);
    add_diff(app, action);
    add_merge(app, action);
    add_report(app, action);
    add_index(app, action);
    add_generate(app, action);
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        app.exit(e);
        return k_exit_usage;
    }
    try {
        return action ? action() : k_exit_usage;
    } catch (const std::exception& e) {
        print_error(std::string("internal error: ") + e.what());
        return k_exit_scan_failed;
    }
} catch (...) {  // CLI11 setup or printing the error itself threw: nothing more to say
    return kubeproof::cli::k_exit_scan_failed;
}
