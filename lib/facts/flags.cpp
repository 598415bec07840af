#include "facts/flags.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace kubeproof::facts {

void FlagSet::add(std::string name, std::string value) { m_values[std::move(name)].push_back(std::move(value)); }

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

std::string normalise(std::string_view name) {
    while (!name.empty() && name.front() == '-') name.remove_prefix(1);
    return "--" + std::string(name);
}

}  // namespace

FlagSet parse_flags(const std::vector<std::string>& argv, size_t first) {
    FlagSet flags;
    for (size_t i = first; i < argv.size(); ++i) {
        std::string_view arg = argv[i];
        if (arg == "--") break;
        if (!is_flag(arg)) continue;
        auto eq = arg.find('=');
        if (eq != std::string_view::npos) {
            flags.add(normalise(arg.substr(0, eq)), std::string(arg.substr(eq + 1)));
        } else if (i + 1 < argv.size() && !is_flag(argv[i + 1])) {
            flags.add(normalise(arg), argv[i + 1]);
            ++i;
        } else {
            flags.add(normalise(arg), "true");
        }
    }
    return flags;
}

bool is_sensitive(std::string_view name) {
    std::string lower(name);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    for (std::string_view file_like : {"file", "path", "dir", "_ttl"}) {
        if (lower.size() >= file_like.size() && lower.compare(lower.size() - file_like.size(), file_like.size(), file_like) == 0) {
            return false;
        }
    }
    constexpr std::array<std::string_view, 7> k_words = {"password", "passwd", "token", "secret", "credential", "-key", "_key"};
    return std::any_of(k_words.begin(), k_words.end(), [&](auto w) { return lower.find(w) != std::string::npos; });
}

std::string shown_value(std::string_view name, std::string_view value) {
    bool boolean = value == "true" || value == "false";  // "--use-service-account-credentials=true" hides nothing
    return is_sensitive(name) && !boolean ? std::string("[redacted]") : std::string(value);
}

}  // namespace kubeproof::facts
