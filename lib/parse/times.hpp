#pragma once

#include <ctime>
#include <optional>
#include <string_view>

namespace kubeproof::parse {

/// A point in time as an input file writes it: a calendar date or an RFC 3339 time.
struct WrittenTime {
    std::time_t at = 0;      ///< midnight UTC at the start of the date, or the time itself
    bool date_only = false;  ///< written as a date ("2026-03-31")
};

/// Parses a date ("2026-03-31", a day that exists) or an RFC 3339 time with `Z` or a `+hh:mm` /
/// `-hh:mm` offset ("2026-03-31T18:00:00Z", "2026-03-31T20:00:00.5+02:00"; fractions of a second
/// are dropped); nullopt for anything else.
std::optional<WrittenTime> parse_date_or_time(std::string_view text);

/// Seconds since the epoch at midnight UTC of a calendar date; nullopt when the day does not exist.
std::optional<std::time_t> utc_midnight(int year, int month, int day);

}  // namespace kubeproof::parse
