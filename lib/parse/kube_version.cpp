#include "parse/kube_version.hpp"

#include <charconv>

namespace kubeproof::parse {

namespace {

// Leading decimal digits of `text` from `pos` (at most 6, so that no int overflows); advances
// `pos`. nullopt when there is none.
std::optional<int> number_at(std::string_view text, std::size_t& pos) {
    std::size_t end = pos;
    while (end < text.size() && end - pos < 6 && text[end] >= '0' && text[end] <= '9') ++end;
    if (end == pos || (end < text.size() && text[end] >= '0' && text[end] <= '9'))
        return std::nullopt;
    int value = 0;
    std::from_chars(text.data() + pos, text.data() + end, value);
    pos = end;
    return value;
}

std::string platform_of(std::string_view suffix) {
    if (suffix.starts_with("-eks-")) return "eks";
    if (suffix.starts_with("-gke.")) return "gke";
    if (suffix.starts_with("+k3s") || suffix.starts_with("-k3s")) return "k3s";
    if (suffix.starts_with("+rke2") || suffix.starts_with("-rke2r")) return "rke2";
    return {};
}

}  // namespace

std::string KubeVersion::minor_text() const {
    return std::to_string(major) + "." + std::to_string(minor);
}

std::string KubeVersion::text() const {
    return patch < 0 ? minor_text() : minor_text() + "." + std::to_string(patch);
}

std::optional<KubeVersion> parse_git_version(std::string_view text) {
    std::size_t pos = text.starts_with('v') ? 1 : 0;
    KubeVersion version;
    auto major = number_at(text, pos);
    if (!major || pos >= text.size() || text[pos] != '.') return std::nullopt;
    ++pos;
    auto minor = number_at(text, pos);
    if (!minor) return std::nullopt;
    version.major = *major;
    version.minor = *minor;
    if (pos < text.size() && text[pos] == '.') {
        ++pos;
        auto patch = number_at(text, pos);
        if (!patch) return std::nullopt;
        version.patch = *patch;
    }
    const std::string_view suffix = text.substr(pos);
    if (!suffix.empty() && suffix.front() != '-' && suffix.front() != '+') return std::nullopt;
    version.platform = platform_of(suffix);
    return version;
}

std::optional<KubeVersion> parse_minor_flag(std::string_view text) {
    auto version = parse_git_version(text);
    if (!version || !version->platform.empty() ||
        text.find_first_of("-+") != std::string_view::npos)
        return std::nullopt;
    return version;
}

bool is_minor(std::string_view text) {
    auto version = parse_git_version(text);
    return version && !text.starts_with('v') && version->patch < 0 && version->text() == text;
}

int compare_minors(std::string_view a, std::string_view b) {
    auto x = parse_git_version(a);
    auto y = parse_git_version(b);
    if (!x || !y) return 0;
    if (x->major != y->major) return x->major < y->major ? -1 : 1;
    if (x->minor != y->minor) return x->minor < y->minor ? -1 : 1;
    return 0;
}

}  // namespace kubeproof::parse
