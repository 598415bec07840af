#include "parse/times.hpp"

#include <cstdint>

namespace kubeproof::parse {

namespace {

constexpr int64_t k_day = 86400;

// The number in text[at, at + digits); nullopt unless all of them are ASCII digits.
std::optional<int> digits_at(std::string_view text, size_t at, size_t digits) {
    if (at + digits > text.size()) return std::nullopt;
    int value = 0;
    for (size_t i = at; i < at + digits; ++i) {
        if (text[i] < '0' || text[i] > '9') return std::nullopt;
        value = value * 10 + (text[i] - '0');
    }
    return value;
}

bool leap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_month(int year, int month) {
    constexpr int k_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && leap(year) ? 29 : k_days[month - 1];
}

// Days from 1970-01-01 to a civil date (proleptic Gregorian).
int64_t days_from_civil(int year, int month, int day) {
    const int64_t y = month <= 2 ? year - 1 : year;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const int64_t year_of_era = y - era * 400;
    const int64_t day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    const int64_t day_of_era =
        year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * 146097 + day_of_era - 719468;
}

// "YYYY-MM-DD" at the start of text.
std::optional<std::time_t> date_at_start(std::string_view text) {
    const auto year = digits_at(text, 0, 4);
    const auto month = digits_at(text, 5, 2);
    const auto day = digits_at(text, 8, 2);
    if (!year || !month || !day || text[4] != '-' || text[7] != '-') return std::nullopt;
    return utc_midnight(*year, *month, *day);
}

// The offset from UTC in seconds of "Z", "+hh:mm" or "-hh:mm"; nullopt for anything else.
std::optional<int64_t> zone_offset(std::string_view zone) {
    if (zone == "Z" || zone == "z") return 0;
    if (zone.size() != 6 || (zone[0] != '+' && zone[0] != '-') || zone[3] != ':')
        return std::nullopt;
    const auto hours = digits_at(zone, 1, 2);
    const auto minutes = digits_at(zone, 4, 2);
    if (!hours || !minutes || *hours > 23 || *minutes > 59) return std::nullopt;
    const int64_t seconds = *hours * 3600 + *minutes * 60;
    return zone[0] == '-' ? -seconds : seconds;
}

// "THH:MM:SS[.fraction]" then a zone, after a date; seconds since that date's midnight, in UTC.
std::optional<int64_t> time_of_day(std::string_view rest) {
    if (rest.size() < 9 || (rest[0] != 'T' && rest[0] != 't') || rest[3] != ':' || rest[6] != ':')
        return std::nullopt;
    const auto hour = digits_at(rest, 1, 2);
    const auto minute = digits_at(rest, 4, 2);
    const auto second = digits_at(rest, 7, 2);
    if (!hour || !minute || !second || *hour > 23 || *minute > 59 || *second > 60)
        return std::nullopt;
    size_t zone = 9;
    if (zone < rest.size() && rest[zone] == '.') {
        const size_t first = zone + 1;
        for (zone = first; zone < rest.size() && rest[zone] >= '0' && rest[zone] <= '9';) ++zone;
        if (zone == first) return std::nullopt;
    }
    const auto offset = zone_offset(rest.substr(zone));
    if (!offset) return std::nullopt;
    return *hour * 3600 + *minute * 60 + *second - *offset;
}

}  // namespace

std::optional<std::time_t> utc_midnight(int year, int month, int day) {
    if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month)) return std::nullopt;
    return static_cast<std::time_t>(days_from_civil(year, month, day) * k_day);
}

std::optional<WrittenTime> parse_date_or_time(std::string_view text) {
    if (text.size() < 10) return std::nullopt;
    const auto midnight = date_at_start(text);
    if (!midnight) return std::nullopt;
    if (text.size() == 10) return WrittenTime{*midnight, true};
    const auto seconds = time_of_day(text.substr(10));
    if (!seconds) return std::nullopt;
    return WrittenTime{static_cast<std::time_t>(*midnight + *seconds), false};
}

}  // namespace kubeproof::parse
