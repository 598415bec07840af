#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kubeproof::facts {

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
    const std::map<std::string, std::vector<std::string>, std::less<>>& values() const { return m_values; }

private:
    std::map<std::string, std::vector<std::string>, std::less<>> m_values;
};

/// Parses Go-style flags from argv[first..]: `--flag=value`, `--flag value`, a bare `--flag`
/// (true), and single-dash `-flag`; names are normalised to the double-dash form.
FlagSet parse_flags(const std::vector<std::string>& argv, size_t first = 1);

/// True when a flag or environment variable name looks like it carries a secret.
bool is_sensitive(std::string_view name);

/// The value as reports may show it: "[redacted]" for sensitive names.
std::string shown_value(std::string_view name, std::string_view value);

}  // namespace kubeproof::facts
