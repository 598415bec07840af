#pragma once

#include <string>
#include <string_view>

namespace kubeproof::util {

/// The last component of a slash-separated path ("kubelet" for "/usr/bin/kubelet").
inline std::string base_name(std::string_view path) {
    auto slash = path.rfind('/');
    return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

/// `dir` + "/" + `name`, built in one allocation.
inline std::string join_path(std::string_view dir, std::string_view name) {
    std::string path;
    path.reserve(dir.size() + 1 + name.size());
    path.append(dir).append(1, '/').append(name);
    return path;
}

/// The reason part of a "path: reason" message ("No such file or directory").
inline std::string reason_of(std::string_view message) {
    auto colon = message.find(": ");
    return std::string(colon == std::string_view::npos ? message : message.substr(colon + 2));
}

/// Whether `name` is a DNS-1123 name: lower-case letters, digits and '-' (and '.' between labels
/// when `subdomain`), starting and ending with a letter or digit, at most 63 characters (253 for a
/// subdomain). Namespaces are labels; node names are subdomains.
inline bool is_dns_name(std::string_view name, bool subdomain = false) {
    if (name.empty() || name.size() > (subdomain ? 253U : 63U)) return false;
    auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
    for (char c : name) {
        if (!alnum(c) && c != '-' && !(subdomain && c == '.')) return false;
    }
    return alnum(name.front()) && alnum(name.back());
}

/// Orders with runs of digits compared as numbers, so "1.2.9" < "1.2.10" and "CC6.2" < "CC6.10"
/// (benchmark order of check ids); a plain comparison breaks ties ("01" before "1").
inline bool natural_less(std::string_view a, std::string_view b) {
    auto digit = [](char c) { return c >= '0' && c <= '9'; };
    size_t i = 0;
    size_t j = 0;
    while (i < a.size() && j < b.size()) {
        if (!digit(a[i]) || !digit(b[j])) {
            if (a[i] != b[j]) return a[i] < b[j];
            ++i, ++j;
            continue;
        }
        const size_t a_start = i;
        const size_t b_start = j;
        while (i < a.size() && a[i] == '0') ++i;
        while (j < b.size() && b[j] == '0') ++j;
        const size_t a_digits = i;
        const size_t b_digits = j;
        while (i < a.size() && digit(a[i])) ++i;
        while (j < b.size() && digit(b[j])) ++j;
        const std::string_view x = a.substr(a_digits, i - a_digits);
        const std::string_view y = b.substr(b_digits, j - b_digits);
        if (x.size() != y.size()) return x.size() < y.size();
        if (x != y) return x < y;
        if (i - a_start != j - b_start) return i - a_start > j - b_start;
    }
    if ((i < a.size()) != (j < b.size())) return j < b.size();
    return a < b;
}

}  // namespace kubeproof::util
