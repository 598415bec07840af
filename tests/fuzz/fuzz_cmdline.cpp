// Fuzzes the /proc/<pid>/cmdline splitter (host::split_cmdline) and the flag parser
// (parse::parse_flags) over what it returns, as the node scan does for each component. The first
// byte picks the flag library and whether the first arguments are boolean flags.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "host/real_host.hpp"
#include "parse/flags.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
    const auto argv = kubeproof::host::split_cmdline(text);
    kubeproof::parse::FlagSyntax syntax;
    syntax.library = (data[0] & 1) != 0 ? kubeproof::parse::FlagLibrary::Go
                                        : kubeproof::parse::FlagLibrary::Pflag;
    if ((data[0] & 2) != 0) syntax.bool_flags = {"--profiling", "--anonymous-auth", "--v"};
    const auto flags = kubeproof::parse::parse_flags(argv, 1, syntax);
    // Each flag recorded has a value: the last occurrence exists for every name.
    for (const auto& [name, values] : flags.values()) {
        if (values.empty() || !flags.last(name)) __builtin_trap();
        (void)kubeproof::parse::shown_value(name, values.back());
    }
    return 0;
}
