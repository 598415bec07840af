#include "host/passwd.hpp"

#include <charconv>
#include <vector>

namespace kubeproof::host {

namespace {

constexpr std::string_view k_blanks = " \t\r\n\v\f";

std::vector<std::string_view> split_fields(std::string_view line) {
    std::vector<std::string_view> fields;
    size_t start = 0;
    while (true) {
        const size_t end = line.find(':', start);
        fields.push_back(line.substr(start, end == std::string_view::npos ? end : end - start));
        if (end == std::string_view::npos) return fields;
        start = end + 1;
    }
}

std::optional<uint32_t> parse_id(std::string_view text) {
    uint32_t value = 0;
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc() || ptr != end) return std::nullopt;
    return value;
}

// Adds "name:password:id:..." to `names` unless the line is a comment, blank, NIS or malformed.
void add_line(std::string_view line, std::map<uint32_t, std::string>& names) {
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (line.empty() || line.front() == '#' || line.front() == '+' || line.front() == '-') return;
    const auto fields = split_fields(line);
    if (fields.size() < 3 || fields[0].empty()) return;
    const auto id = parse_id(fields[2]);
    if (id) names.emplace(*id, std::string(fields[0]));
}

// Both files share the "name:password:id:..." layout.
std::map<uint32_t, std::string> parse_id_file(std::string_view text) {
    std::map<uint32_t, std::string> names;
    while (!text.empty()) {
        const size_t end = text.find('\n');
        add_line(text.substr(0, end), names);
        if (end == std::string_view::npos) break;
        text.remove_prefix(end + 1);
    }
    return names;
}

}  // namespace

std::map<uint32_t, std::string> parse_passwd(std::string_view text) { return parse_id_file(text); }

std::map<uint32_t, std::string> parse_group(std::string_view text) { return parse_id_file(text); }

std::optional<std::string> name_for_id(const std::map<uint32_t, std::string>& names, uint32_t id) {
    if (const auto it = names.find(id); it != names.end()) return it->second;
    if (id == 0) return std::string("root");
    return std::nullopt;
}

std::string parse_hostname(std::string_view text) {
    text = text.substr(0, text.find('\n'));
    const size_t first = text.find_first_not_of(k_blanks);
    if (first == std::string_view::npos) return "";
    const size_t last = text.find_last_not_of(k_blanks);
    return std::string(text.substr(first, last - first + 1));
}

}  // namespace kubeproof::host
