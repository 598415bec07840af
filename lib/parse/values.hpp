#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kubeproof::parse {

/// Parses a boolean the way Go's strconv.ParseBool does (1, t, true, TRUE, 0, f, false, ...).
std::optional<bool> parse_bool(std::string_view text);

/// Parses a Go duration ("4h0m0s", "300ms", "1.5h", "0") into nanoseconds.
std::optional<int64_t> parse_duration(std::string_view text);

/// Parses a whole decimal integer (optionally signed).
std::optional<int64_t> parse_int(std::string_view text);

/// Splits a comma-separated list, trimming spaces and dropping empty elements.
std::vector<std::string> split_list(std::string_view text);

/// Joins a list with commas.
std::string join_list(const std::vector<std::string>& items);

/// Parses an octal permission mask ("600", "0644"); nullopt unless 3–4 octal digits.
std::optional<uint32_t> parse_mode(std::string_view text);

/// Formats permission bits as three or four octal digits ("644", "1777").
std::string format_mode(uint32_t mode);

}  // namespace kubeproof::parse
