#include "history/layout.hpp"

#include <cctype>
#include <charconv>
#include <string_view>

#include <fmt/format.h>

namespace kubeproof::history {

namespace {

/// A name as one safe path component: other characters become '_'; never empty, "." or "..".
std::string component(std::string_view text) {
    std::string out;
    for (char c : text) {
        const bool safe = std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' ||
                          c == '_' || c == '-' || c == '+';
        out += safe ? c : '_';
    }
    if (out.empty() || out == "." || out == "..") out = "_" + out;
    return out;
}

}  // namespace

std::string cluster_folder(const SeriesKey& key) {
    if (!key.cluster_name.empty()) return component(key.cluster_name);
    if (!key.cluster_uid.empty()) return component("uid-" + key.cluster_uid);
    return "unknown-cluster";
}

std::string series_name(const SeriesKey& key) {
    const std::string subject =
        key.scope == "cluster" ? std::string("cluster") : "node." + key.node;
    return component(fmt::format("{}.{}.{}", subject, key.benchmark, fmt::join(key.targets, "+")));
}

std::string report_path(const SeriesKey& key, const std::string& started_at, uint64_t seq) {
    std::string digits;
    for (char c : started_at) {
        if (std::isdigit(static_cast<unsigned char>(c)) != 0) digits += c;
    }
    digits.resize(14, '0');
    return fmt::format("{}/{}/{}/{}/{}/{:06}-{}T{}Z.json", cluster_folder(key), series_name(key),
                       digits.substr(0, 4), digits.substr(4, 2), digits.substr(6, 2), seq,
                       digits.substr(0, 8), digits.substr(8, 6));
}

uint64_t seq_in_file_name(const std::string& name) {
    if (!std::string_view(name).ends_with(".json")) return 0;
    uint64_t seq = 0;
    const auto [end, error] = std::from_chars(name.data(), name.data() + name.size(), seq);
    return error == std::errc() && end != name.data() && *end == '-' ? seq : 0;
}

}  // namespace kubeproof::history
