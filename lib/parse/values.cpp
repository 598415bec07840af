#include "parse/values.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <cmath>

#include <fmt/format.h>

namespace kubeproof::parse {

namespace {

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

struct Unit {
    std::string_view name;
    double nanos;
};

constexpr std::array<Unit, 8> k_units = {{{"ns", 1.0},
                                          {"us", 1e3},
                                          {"\xC2\xB5s", 1e3},
                                          {"ms", 1e6},
                                          {"s", 1e9},
                                          {"m", 60e9},
                                          {"h", 3600e9},
                                          {"\xCE\xBCs", 1e3}}};

std::optional<double> unit_nanos(std::string_view name) {
    for (const auto& unit : k_units) {
        if (unit.name == name) return unit.nanos;
    }
    return std::nullopt;
}

// Reads "<number><unit>" from the front of text; returns nanoseconds and advances text.
std::optional<double> take_component(std::string_view& text) {
    size_t i = 0;
    while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.'))
        ++i;
    if (i == 0) return std::nullopt;
    double number = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + i, number);
    if (ec != std::errc() || ptr != text.data() + i) return std::nullopt;
    size_t j = i;
    while (j < text.size() && !std::isdigit(static_cast<unsigned char>(text[j])) && text[j] != '.')
        ++j;
    auto nanos = unit_nanos(text.substr(i, j - i));
    if (!nanos) return std::nullopt;
    text.remove_prefix(j);
    return number * *nanos;
}

}  // namespace

std::optional<bool> parse_bool(std::string_view text) {
    text = trim(text);
    for (std::string_view t : {"1", "t", "T", "TRUE", "true", "True"}) {
        if (text == t) return true;
    }
    for (std::string_view f : {"0", "f", "F", "FALSE", "false", "False"}) {
        if (text == f) return false;
    }
    return std::nullopt;
}

std::optional<int64_t> parse_duration(std::string_view text) {
    text = trim(text);
    bool negative = false;
    if (!text.empty() && (text.front() == '-' || text.front() == '+')) {
        negative = text.front() == '-';
        text.remove_prefix(1);
    }
    if (text == "0") return 0;
    if (text.empty()) return std::nullopt;
    double total = 0;
    while (!text.empty()) {
        auto part = take_component(text);
        if (!part) return std::nullopt;
        total += *part;
    }
    auto nanos = static_cast<int64_t>(std::llround(total));
    return negative ? -nanos : nanos;
}

std::optional<int64_t> parse_int(std::string_view text) {
    text = trim(text);
    if (!text.empty() && text.front() == '+') text.remove_prefix(1);
    int64_t value = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || ptr != text.data() + text.size() || text.empty()) return std::nullopt;
    return value;
}

std::vector<std::string> split_list(std::string_view text) {
    std::vector<std::string> out;
    while (!text.empty()) {
        size_t comma = text.find(',');
        auto item = trim(text.substr(0, comma));
        if (!item.empty()) out.emplace_back(item);
        if (comma == std::string_view::npos) break;
        text.remove_prefix(comma + 1);
    }
    return out;
}

std::string join_list(const std::vector<std::string>& items) {
    return fmt::format("{}", fmt::join(items, ","));
}

std::optional<uint32_t> parse_mode(std::string_view text) {
    text = trim(text);
    if (text.size() < 3 || text.size() > 4) return std::nullopt;
    uint32_t mode = 0;
    for (char c : text) {
        if (c < '0' || c > '7') return std::nullopt;
        mode = mode * 8 + static_cast<uint32_t>(c - '0');
    }
    return mode;
}

std::string format_mode(uint32_t mode) {
    return mode > 0777 ? fmt::format("{:04o}", mode) : fmt::format("{:03o}", mode);
}

}  // namespace kubeproof::parse
