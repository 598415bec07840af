// The option model of the CLI11 app, read back for the completions and the man page.
#include "command_model.hpp"

#include <string_view>

namespace kubeproof::cli {

namespace {

// CLI::IsMember describes its set as "{a,b,c}" in the option's type name ("TEXT:{a,b,c}"): the
// one place CLI11 exposes the allowed values.
std::vector<std::string> choices_of(const CLI::Option& option) {
    const std::string type = option.get_type_name();
    const auto open = type.find(":{");
    const auto close = type.rfind('}');
    if (open == std::string::npos || close == std::string::npos || close < open) return {};
    std::vector<std::string> out;
    std::string_view rest(type.data() + open + 2, close - open - 2);
    while (!rest.empty()) {
        const auto comma = rest.find(',');
        out.emplace_back(rest.substr(0, comma));
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
    return out;
}

OptionInfo option_info(const CLI::Option& option) {
    OptionInfo info;
    for (const auto& name : option.get_snames()) info.names.push_back("-" + name);
    for (const auto& name : option.get_lnames()) info.names.push_back("--" + name);
    if (!option.nonpositional()) info.positional = option.get_name();
    info.description = option.get_description();
    info.choices = choices_of(option);
    info.default_value = option.get_default_str();
    info.takes_value = option.get_expected_max() != 0;  // a flag expects no value
    info.repeatable = option.get_expected_max() > 1;
    info.required = option.get_required();
    return info;
}

std::vector<OptionInfo> options_of(const CLI::App& app) {
    std::vector<OptionInfo> out;
    // An option without a group is hidden from --help, and so from the completions too.
    for (const CLI::Option* option :
         app.get_options([](const CLI::Option* o) { return !o->get_group().empty(); }))
        out.push_back(option_info(*option));
    return out;
}

}  // namespace

ProgramInfo describe(const CLI::App& app) {
    ProgramInfo program{app.get_name(), app.get_description(), options_of(app), {}};
    for (const CLI::App* sub :
         app.get_subcommands([](const CLI::App* s) { return !s->get_group().empty(); }))
        program.commands.push_back({sub->get_name(), sub->get_description(), options_of(*sub)});
    return program;
}

}  // namespace kubeproof::cli
