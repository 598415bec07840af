#include "parse/yaml_scalars.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <utility>

#include <re2/re2.h>

namespace kubeproof::parse {

namespace {

using nlohmann::json;

/// go-yaml v2's table of plain scalars with a fixed meaning (resolve.go). Its .nan and .inf words
/// are floats JSON cannot hold, so they are left to fall through as text.
const std::array<std::pair<std::string_view, json>, 26>& fixed_scalars() {
    static const std::array<std::pair<std::string_view, json>, 26> k_table = {{
        {"y", true},       {"Y", true},      {"yes", true},    {"Yes", true},     {"YES", true},
        {"true", true},    {"True", true},   {"TRUE", true},   {"on", true},      {"On", true},
        {"ON", true},      {"n", false},     {"N", false},     {"no", false},     {"No", false},
        {"NO", false},     {"false", false}, {"False", false}, {"FALSE", false},  {"off", false},
        {"Off", false},    {"OFF", false},   {"~", nullptr},   {"null", nullptr}, {"Null", nullptr},
        {"NULL", nullptr},
    }};
    return k_table;
}

/// The first character's class in go-yaml v2's resolve table: 'S' sign, 'D' digit, 'M' a word
/// of the table, '.' a float, 0 nothing to resolve (a string).
char hint_of(char first) {
    if (first == '+' || first == '-') return 'S';
    if (first >= '0' && first <= '9') return 'D';
    if (std::string_view("yYnNtTfFoO~").find(first) != std::string_view::npos) return 'M';
    return first == '.' ? '.' : 0;
}

/// The base Go's base-0 syntax gives a number: 0x hex, 0o and a leading 0 octal, 0b binary.
int integer_base(std::string_view text) {
    const char prefix =
        text.size() > 2 && text[0] == '0' ? static_cast<char>(std::tolower(text[1])) : '\0';
    if (prefix == 'x') return 16;
    if (prefix == 'b') return 2;
    if (prefix == 'o' || (text.size() > 1 && text[0] == '0')) return 8;
    return 10;
}

/// strconv.ParseInt(text, 0, 64) or ParseUint: an optional sign (ParseInt only), then 0x, 0o, 0b,
/// a leading 0 (octal) or decimal digits.
std::optional<json> go_integer(std::string_view text) {
    bool negative = false;
    if (!text.empty() && (text.front() == '+' || text.front() == '-')) {
        negative = text.front() == '-';
        text.remove_prefix(1);
    }
    const int base = integer_base(text);
    if (base != 10) text.remove_prefix(base == 8 && text[1] >= '0' && text[1] <= '9' ? 1 : 2);
    if (text.empty() || text.front() == '+' || text.front() == '-') return std::nullopt;
    uint64_t magnitude = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), magnitude, base);
    if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
    constexpr uint64_t k_int_max = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
    if (!negative)
        return magnitude <= k_int_max ? json(static_cast<int64_t>(magnitude)) : json(magnitude);
    if (magnitude > k_int_max + 1) return std::nullopt;
    return json(magnitude == k_int_max + 1 ? std::numeric_limits<int64_t>::min()
                                           : -static_cast<int64_t>(magnitude));
}

/// A float as Go's JSON encoder writes it: integral values as integers.
json float_value(double value) {
    if (!std::isfinite(value)) return value;
    const double limit = 9.2e18;
    if (value == std::trunc(value) && std::fabs(value) < limit) return static_cast<int64_t>(value);
    return value;
}

std::optional<double> parse_double(std::string_view text) {
    if (!text.empty() && text.front() == '+') text.remove_prefix(1);
    double value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

/// go-yaml v2's `yamlStyleFloat`: decimal floats only (no hex, no "inf" words).
bool yaml_style_float(std::string_view text) {
    static const re2::RE2 k_float(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
    return re2::RE2::FullMatch(re2::StringPiece(text.data(), text.size()), k_float);
}

}  // namespace

json resolve_plain_scalar(std::string_view text) {
    if (text.empty()) return nullptr;
    const char hint = hint_of(text.front());
    if (hint == 0) return std::string(text);
    for (const auto& [word, value] : fixed_scalars()) {
        if (word == text) return value;
    }
    if (hint == 'M') return std::string(text);
    if (hint == '.') {
        auto value = parse_double(text);
        return value ? float_value(*value) : json(std::string(text));
    }
    std::string plain;
    for (char c : text) {
        if (c != '_') plain += c;
    }
    if (auto integer = go_integer(plain)) return *integer;
    if (yaml_style_float(plain)) {
        if (auto value = parse_double(plain)) return float_value(*value);
    }
    return std::string(text);
}

std::string resolve_plain_key(std::string_view text) {
    const json value = resolve_plain_scalar(text);
    if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
    if (value.is_number_integer() || value.is_number_unsigned()) return value.dump();
    return std::string(text);
}

nlohmann::json resolve_tagged_scalar(std::string_view text, std::string_view tag) {
    if (tag == "!" || tag == "tag:yaml.org,2002:str") return std::string(text);
    if (tag != "?" && !tag.starts_with("tag:yaml.org,2002:")) return std::string(text);
    return resolve_plain_scalar(text);
}

}  // namespace kubeproof::parse
