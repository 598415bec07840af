// Bash and zsh completion scripts written from the option model (command_model.hpp).
#include <fmt/format.h>

#include "command_model.hpp"

namespace kubeproof::cli {

namespace {

std::string joined(const std::vector<std::string>& words, std::string_view separator) {
    return fmt::format("{}", fmt::join(words, separator));
}

std::vector<std::string> option_names(const std::vector<OptionInfo>& options) {
    std::vector<std::string> out;
    for (const auto& option : options)
        out.insert(out.end(), option.names.begin(), option.names.end());
    return out;
}

// One command's branch: a value after an option with choices completes from them; after any
// other option that takes a value, nothing is offered, so `complete -o default` offers files.
std::string bash_branch(const CommandInfo& command) {
    std::string out = fmt::format("    {})\n        case $prev in\n", command.name);
    std::vector<std::string> free_values;
    for (const auto& option : command.options) {
        if (!option.takes_value || option.names.empty()) continue;
        if (option.choices.empty()) {
            free_values.insert(free_values.end(), option.names.begin(), option.names.end());
            continue;
        }
        out += fmt::format("        {}) _kubeproof_words '{}'; return ;;\n",
                           joined(option.names, "|"), joined(option.choices, " "));
    }
    if (!free_values.empty())
        out += fmt::format("        {}) return ;;\n", joined(free_values, "|"));
    for (const auto& option : command.options) {  // a positional with choices (list WHAT)
        if (option.positional.empty() || option.choices.empty()) continue;
        out +=
            fmt::format("        *) [[ $cur == -* ]] || {{ _kubeproof_words '{}'; return; }} ;;\n",
                        joined(option.choices, " "));
        break;
    }
    out += fmt::format("        esac\n        options='{}' ;;\n",
                       joined(option_names(command.options), " "));
    return out;
}

// zsh's _arguments wants [, ], : and \ escaped in a description; the spec is single-quoted.
std::string zsh_escape(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (c == '[' || c == ']' || c == ':' || c == '\\') out += '\\';
        if (c == '\'') {
            out += "'\\''";
            continue;
        }
        out += c;
    }
    return out;
}

// A single-quoted shell word.
std::string shell_quoted(std::string_view text) {
    std::string out = "'";
    for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

// What completes an option's or a positional's value: its choices, else file names.
std::string zsh_action(const OptionInfo& option) {
    return option.choices.empty() ? "_files" : "(" + joined(option.choices, " ") + ")";
}

std::string zsh_specs(const std::vector<OptionInfo>& options, std::string_view indent) {
    std::string out;
    int position = 0;
    for (const auto& option : options) {
        if (!option.positional.empty()) {
            const std::string where = option.repeatable ? "*" : std::to_string(++position);
            out += fmt::format(" \\\n{}'{}:{}:{}'", indent, where, zsh_escape(option.positional),
                               zsh_action(option));
            continue;
        }
        const std::string value = option.takes_value ? ":value:" + zsh_action(option) : "";
        const std::string exclusive =
            option.names.size() > 1 ? fmt::format("({})", joined(option.names, " ")) : "";
        for (const auto& name : option.names)
            out += fmt::format(" \\\n{}'{}{}{}[{}]{}'", indent, option.repeatable ? "*" : "",
                               exclusive, name, zsh_escape(option.description), value);
    }
    return out;
}

}  // namespace

std::string bash_completion(const ProgramInfo& program) {
    std::vector<std::string> names;
    std::string branches;
    for (const auto& command : program.commands) {
        names.push_back(command.name);
        branches += bash_branch(command);
    }
    return fmt::format(
        R"(# bash completion for {0}, generated from its options by `{0} generate bash`.

_kubeproof_words() {{
    mapfile -t COMPREPLY < <(compgen -W "$1" -- "$cur")
}}

_kubeproof() {{
    local cur=${{COMP_WORDS[COMP_CWORD]}} prev=${{COMP_WORDS[COMP_CWORD-1]}} command='' options i
    COMPREPLY=()
    # The command is the first word that is not an option (the program's own options take no value).
    for ((i = 1; i < COMP_CWORD; i++)); do
        if [[ ${{COMP_WORDS[i]}} != -* ]]; then
            command=${{COMP_WORDS[i]}}
            break
        fi
    done
    case $command in
    '')
        if [[ $cur == -* ]]; then _kubeproof_words '{1}'; else _kubeproof_words '{2}'; fi
        return ;;
{3}    *) return ;;
    esac
    if [[ $cur == -* ]]; then _kubeproof_words "$options"; fi
}}

complete -o default -F _kubeproof {0}
)",
        program.name, joined(option_names(program.options), " "), joined(names, " "), branches);
}

std::string zsh_completion(const ProgramInfo& program) {
    std::string commands;
    std::string branches;
    for (const auto& command : program.commands) {
        commands +=
            "\n        " + shell_quoted(fmt::format("{}:{}", command.name, command.description));
        branches += fmt::format("        {})\n            _arguments -s{} ;;\n", command.name,
                                zsh_specs(command.options, "                "));
    }
    return fmt::format(
        R"(#compdef {0}
# zsh completion for {0}, generated from its options by `{0} generate zsh`.

_{0}() {{
    local curcontext=$curcontext state line
    typeset -A opt_args
    _arguments -C{1} \
        '1: :->command' \
        '*:: :->arguments' && return
    case $state in
    command)
        local -a commands
        commands=({2}
        )
        _describe -t commands '{0} command' commands ;;
    arguments)
        case $line[1] in
{3}        esac ;;
    esac
}}

_{0} "$@"
)",
        program.name, zsh_specs(program.options, "        "), commands, branches);
}

}  // namespace kubeproof::cli
