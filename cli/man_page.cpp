// The man page written from the option model (command_model.hpp), in roff's man macros.
#include <cctype>

#include <fmt/format.h>

#include "command_model.hpp"

namespace kubeproof::cli {

namespace {

// Text for roff: a backslash is \e, a hyphen \- (so it stays a hyphen-minus one can paste), and
// a line that would start with a control character is guarded with \&.
std::string roff(std::string_view text) {
    std::string out = "\\&";
    for (char c : text) {
        if (c == '\\') {
            out += "\\e";
        } else if (c == '-') {
            out += "\\-";
        } else {
            out += c;
            if (c == '\n') out += "\\&";
        }
    }
    return out;
}

std::string value_name(const OptionInfo& option) {
    if (!option.choices.empty()) return fmt::format("{}", fmt::join(option.choices, "|"));
    return "VALUE";
}

// One option as a tagged paragraph: its names in bold, its value in italics, then what it does.
std::string option_entry(const OptionInfo& option) {
    std::string tag;
    if (!option.positional.empty()) {
        tag = fmt::format("\\fI{}\\fR{}", roff(option.positional), option.repeatable ? "..." : "");
    } else {
        for (const auto& name : option.names)
            tag += fmt::format("{}\\fB{}\\fR", tag.empty() ? "" : ", ", roff(name));
        if (option.takes_value) tag += fmt::format(" \\fI{}\\fR", roff(value_name(option)));
    }
    std::string text = option.description;
    if (!option.default_value.empty()) text += " (default: " + option.default_value + ")";
    if (option.repeatable && option.positional.empty()) text += "; repeatable";
    if (option.required) text += "; required";
    return fmt::format(".TP\n{}\n{}\n", tag, roff(text));
}

std::string command_section(const CommandInfo& command, const std::string& program) {
    std::string usage = "\\fB" + roff(program + " " + command.name) + "\\fR";
    for (const auto& option : command.options) {
        if (!option.positional.empty())
            usage += fmt::format(" \\fI{}\\fR{}", roff(option.positional),
                                 option.repeatable ? "..." : "");
    }
    std::string out = fmt::format(".SS \"{}\"\n{} [\\fIoptions\\fR]\n.PP\n{}\n", command.name,
                                  usage, roff(command.description));
    for (const auto& option : command.options) out += option_entry(option);
    return out;
}

}  // namespace

std::string man_page(const ProgramInfo& program, const std::string& version,
                     const std::string& date) {
    std::string summary = program.description;
    if (summary.starts_with(program.name + ": ")) summary.erase(0, program.name.size() + 2);
    std::string title = program.name;
    for (char& c : title) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    std::string out = fmt::format(
        ".TH {} 1 \"{}\" \"{} {}\" \"User Commands\"\n.SH NAME\n{} \\- {}\n"
        ".SH SYNOPSIS\n\\fB{}\\fR \\fIcommand\\fR [\\fIoptions\\fR]\n"
        ".SH DESCRIPTION\n{}\n",
        title, date, program.name, version, program.name, roff(summary), program.name,
        roff("One static binary with the check definitions compiled in: it reads files, stat(2) "
             "and /proc itself and never starts a shell. Each command's options follow; "
             "'kubeproof COMMAND --help' prints the same."));
    out += ".SH OPTIONS\n";
    for (const auto& option : program.options) out += option_entry(option);
    out += ".SH COMMANDS\n";
    for (const auto& command : program.commands) out += command_section(command, program.name);
    out += ".SH EXIT STATUS\n";
    for (const auto& [code, meaning] :
         {std::pair{"0", "nothing at or above --fail-on (default: no FAIL or ERROR)"},
          std::pair{"1",
                    "findings at or above --fail-on; a regression (diff); a broken trail (verify)"},
          std::pair{"2",
                    "a usage error, or invalid definitions or input (the message names file:line)"},
          std::pair{"3", "the scan could not run, or its output could not be written"}})
        out += fmt::format(".TP\n.B {}\n{}\n", code, roff(meaning));
    out += ".SH ENVIRONMENT\n";
    for (const auto& [name, meaning] :
         {std::pair{"NO_COLOR",
                    "no colour in the text report (there is none off a terminal either)"},
          std::pair{"SOURCE_DATE_EPOCH",
                    "the time taken as now (scan times, waiver expiry), for byte-stable output"},
          std::pair{"KUBECONFIG", "the kubeconfig when --kubeconfig is not given"},
          std::pair{"NODE_NAME", "the node's name in reports when --node-name is not given"}})
        out += fmt::format(".TP\n.B {}\n{}\n", name, roff(meaning));
    return out;
}

}  // namespace kubeproof::cli
