#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <set>

namespace kubeproof::parse {

/// The flag library a program parses its command line with.
enum class FlagLibrary {
    Pflag,  ///< spf13/pflag (Kubernetes components): flags and arguments may be interleaved
    Go,  ///< Go's standard `flag` package (etcd): the first argument that is not a flag ends them
};

/// How a program reads its command line.
struct FlagSyntax {
    FlagLibrary library = FlagLibrary::Pflag;
    /// Boolean flags ("--profiling"): they take a value only as --flag=value.
    std::set<std::string> bool_flags;
};

/// Command-line flags of one process: every occurrence of every flag, in order.
class FlagSet {
public:
    /// Records one occurrence ("--profiling", "false").
    void add(std::string name, std::string value);
    /// True when the flag appears at least once.
    bool has(std::string_view name) const;
    /// The effective value: the last occurrence.
    std::optional<std::string> last(std::string_view name) const;
    /// Every occurrence, in order.
    std::vector<std::string> all(std::string_view name) const;
    const std::map<std::string, std::vector<std::string>, std::less<>>& values() const {
        return m_values;
    }

private:
    std::map<std::string, std::vector<std::string>, std::less<>> m_values;
};

/// Parses argv[first..] as the component's flag library does. `--flag=value` always sets the
/// value (an empty one too); a boolean flag written without '=' is "true" and takes nothing
/// else; any other flag written without '=' takes the next argument whatever it is, or "" when
/// there is none. pflag reads '_' in a name as '-' and skips arguments that are not flags; Go's
/// `flag` stops at the first of them. "--" and a malformed flag ("---x", "--=x") end the flags.
/// A single-dash `-flag` takes `=value`, else the next argument unless that is a flag, else
/// "true". Names are normalised to the double-dash form.
FlagSet parse_flags(const std::vector<std::string>& argv, size_t first, const FlagSyntax& syntax);

/// True when a flag or environment variable name looks like it carries a secret.
bool is_sensitive(std::string_view name);

/// The value as reports may show it: "[redacted]" for sensitive names.
std::string shown_value(std::string_view name, std::string_view value);

}  // namespace kubeproof::parse
