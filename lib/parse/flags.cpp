#include "parse/flags.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace kubeproof::parse {

void FlagSet::add(std::string name, std::string value) {
    m_values[std::move(name)].push_back(std::move(value));
}

bool FlagSet::has(std::string_view name) const { return m_values.find(name) != m_values.end(); }

std::optional<std::string> FlagSet::last(std::string_view name) const {
    auto it = m_values.find(name);
    if (it == m_values.end() || it->second.empty()) return std::nullopt;
    return it->second.back();
}

std::vector<std::string> FlagSet::all(std::string_view name) const {
    auto it = m_values.find(name);
    return it == m_values.end() ? std::vector<std::string>{} : it->second;
}

namespace {

bool is_flag(std::string_view arg) { return arg.size() > 1 && arg.front() == '-' && arg != "--"; }

// A name as the component looks it up; Kubernetes components read '_' as '-'
// (WordSepNormalizeFunc).
std::string normalise(std::string_view name, FlagLibrary library) {
    while (!name.empty() && name.front() == '-') name.remove_prefix(1);
    std::string out = "--" + std::string(name);
    if (library == FlagLibrary::Pflag) std::replace(out.begin(), out.end(), '_', '-');
    return out;
}

// Reads argv one flag at a time, as a flag library does.
class FlagReader {
public:
    FlagReader(const std::vector<std::string>& argv, size_t first, const FlagSyntax& syntax)
        : m_argv(argv), m_next(first), m_syntax(syntax) {}

    // Every flag up to the end of argv, "--", or where the library stops.
    FlagSet read() {
        while (m_next < m_argv.size()) {
            std::string_view arg = m_argv[m_next++];
            if (arg == "--") break;
            if (!is_flag(arg)) {
                if (m_syntax.library == FlagLibrary::Go)
                    break;  // Go's flag stops at the first argument
                continue;   // pflag keeps it as a positional argument
            }
            if (arg[1] != '-' && m_syntax.library == FlagLibrary::Pflag) {
                read_single(arg.substr(1));
            } else if (!read_long(arg.substr(arg[1] == '-' ? 2 : 1))) {
                break;
            }
        }
        return std::move(m_flags);
    }

private:
    // "--name=value", "--name" (boolean) or "--name value"; false for a malformed flag, which
    // ends parsing (the component refuses to start).
    bool read_long(std::string_view text) {
        if (text.empty() || text.front() == '-' || text.front() == '=') return false;
        auto eq = text.find('=');
        std::string name = normalise(text.substr(0, eq), m_syntax.library);
        if (eq != std::string_view::npos) {
            m_flags.add(std::move(name), std::string(text.substr(eq + 1)));
        } else if (m_syntax.bool_flags.count(name) != 0) {
            m_flags.add(std::move(name), "true");
        } else if (m_next < m_argv.size()) {
            m_flags.add(std::move(name), m_argv[m_next++]);
        } else {
            m_flags.add(std::move(name),
                        "");  // "flag needs an argument": present, with nothing in it
        }
        return true;
    }

    // A single-dash "-name" of a pflag component, read as before: "=value", else the next
    // argument unless it is a flag, else "true".
    void read_single(std::string_view text) {
        auto eq = text.find('=');
        std::string name = normalise(text.substr(0, eq), FlagLibrary::Go);
        if (eq != std::string_view::npos) {
            m_flags.add(std::move(name), std::string(text.substr(eq + 1)));
        } else if (m_next < m_argv.size() && !is_flag(m_argv[m_next])) {
            m_flags.add(std::move(name), m_argv[m_next++]);
        } else {
            m_flags.add(std::move(name), "true");
        }
    }

    const std::vector<std::string>& m_argv;
    size_t m_next;
    const FlagSyntax& m_syntax;
    FlagSet m_flags;
};

}  // namespace

FlagSet parse_flags(const std::vector<std::string>& argv, size_t first, const FlagSyntax& syntax) {
    return FlagReader(argv, first, syntax).read();
}

bool is_sensitive(std::string_view name) {
    std::string lower(name);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    for (std::string_view file_like : {"file", "path", "dir", "_ttl"}) {
        if (lower.size() >= file_like.size() &&
            lower.compare(lower.size() - file_like.size(), file_like.size(), file_like) == 0) {
            return false;
        }
    }
    constexpr std::array<std::string_view, 7> k_words = {"password",   "passwd", "token", "secret",
                                                         "credential", "-key",   "_key"};
    return std::any_of(k_words.begin(), k_words.end(),
                       [&](auto w) { return lower.find(w) != std::string::npos; });
}

std::string shown_value(std::string_view name, std::string_view value) {
    bool boolean = value == "true" ||
                   value == "false";  // "--use-service-account-credentials=true" hides nothing
    return is_sensitive(name) && !boolean ? std::string("[redacted]") : std::string(value);
}

}  // namespace kubeproof::parse
