#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace kubeproof::cli {

/// One option or positional argument of a command, as the completions and the man page need it.
struct OptionInfo {
    std::vector<std::string> names;  ///< "-h", "--help"; empty for a positional
    std::string positional;          ///< the positional's name ("" for an option)
    std::string description;
    std::vector<std::string> choices;  ///< the values CLI::IsMember allows; empty: any
    std::string default_value;         ///< shown in --help ("" when none)
    bool takes_value = false;          ///< false for a flag
    bool repeatable = false;           ///< may be given more than once (a list)
    bool required = false;
};

/// A subcommand and its options, in the order they were added.
struct CommandInfo {
    std::string name;
    std::string description;
    std::vector<OptionInfo> options;
};

/// The whole command line: the program's own options and its visible subcommands.
struct ProgramInfo {
    std::string name;
    std::string description;
    std::vector<OptionInfo> options;
    std::vector<CommandInfo> commands;
};

/// Reads the option model of a CLI11 app, leaving out hidden subcommands and options.
ProgramInfo describe(const CLI::App& app);

/// A bash completion script for the program (sourced by bash-completion).
std::string bash_completion(const ProgramInfo& program);

/// A zsh completion function for the program (a `_kubeproof` file on $fpath).
std::string zsh_completion(const ProgramInfo& program);

/// A man page (roff, section 1); `date` is the build date shown in its footer ("" for none).
std::string man_page(const ProgramInfo& program, const std::string& version,
                     const std::string& date);

}  // namespace kubeproof::cli
