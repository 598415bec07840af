// `kubeproof generate bash|zsh|man` (hidden): the completions and the man page the package
// installs, written from the command line's own option model so they cannot drift from it.
#include <memory>
#include <string>
#include <string_view>

#include "build_info.hpp"
#include "command_model.hpp"
#include "commands.hpp"

namespace kubeproof::cli {

namespace {

struct GenerateOptions {
    std::string what;
    std::string output;
};

int generate(const GenerateOptions& o, const CLI::App& app) {
    const ProgramInfo program = describe(app);
    if (o.what == "bash") return emit(bash_completion(program), o.output, "completion script");
    if (o.what == "zsh") return emit(zsh_completion(program), o.output, "completion script");
    const std::string_view date = build_date();
    return emit(man_page(program, KUBEPROOF_VERSION,
                         date == "unknown" ? "" : std::string(date.substr(0, 10))),
                o.output, "man page");
}

}  // namespace

void add_generate(CLI::App& app, Action& action) {
    auto o = std::make_shared<GenerateOptions>();
    CLI::App* cmd = app.add_subcommand(
        "generate", "Write the bash or zsh completion script or the man page (for packages)");
    cmd->group("");  // hidden: for the package build, not for everyday use
    cmd->add_option("what", o->what, "bash, zsh or man")
        ->required()
        ->check(CLI::IsMember({"bash", "zsh", "man"}));
    cmd->add_option("--output", o->output, "Write to this file (atomically) instead of stdout");
    cmd->callback([o, &app, &action] { action = [o, &app] { return generate(*o, app); }; });
}

}  // namespace kubeproof::cli
