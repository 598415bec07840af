#include "parse/excerpt.hpp"

#include <algorithm>
#include <vector>

#include <re2/re2.h>

#include "parse/credentials.hpp"
#include "parse/redact.hpp"
#include "util/escape.hpp"

namespace kubeproof::parse {

namespace {

constexpr std::string_view k_cut_mark = "…";
/// How far back a line's parents are looked for before the line is left out instead.
constexpr int k_max_lines_back = 5000;

re2::StringPiece excerpt_piece(std::string_view text) { return {text.data(), text.size()}; }

bool looks_like_secret(std::string_view text) {
    static const RE2 k_secret_kind(R"(["']?\bkind["']?\s*:\s*["']?Secret\b)");
    return RE2::PartialMatch(excerpt_piece(text), k_secret_kind);
}

/// The key a line starts with (after its indentation and "- "), or "".
std::string_view key_of(std::string_view content) {
    while (content.starts_with("- ")) content.remove_prefix(2);
    const bool quoted = !content.empty() && (content[0] == '"' || content[0] == '\'');
    const size_t start = quoted ? 1 : 0;
    const size_t end = content.find_first_of(quoted ? std::string_view("\"'") : ":", start);
    if (end == std::string_view::npos) return {};
    const std::string_view key = content.substr(start, end - start);
    const size_t colon = content.find_first_not_of(" \t", end + (quoted ? 1 : 0));
    return colon != std::string_view::npos && content[colon] == ':' ? key : std::string_view();
}

bool is_data_key(std::string_view key) { return key == "data" || key == "stringData"; }

size_t indent_of(std::string_view line) {
    const size_t at = line.find_first_not_of(' ');
    return at == std::string_view::npos ? line.size() : at;
}

bool blank_or_comment(std::string_view line) {
    const size_t at = line.find_first_not_of(" \t\r");
    return at == std::string_view::npos || line[at] == '#';
}

/// The lines of `text`, as views (a trailing carriage return dropped).
std::vector<std::string_view> lines_of(std::string_view text) {
    std::vector<std::string_view> lines;
    for (size_t start = 0; start <= text.size();) {
        size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(start, end - start);
        if (line.ends_with('\r')) line.remove_suffix(1);
        lines.push_back(line);
        start = end + 1;
    }
    return lines;
}

enum class Under { Data, Elsewhere, Unknown };

/// Whether line `at` of `lines` lies under a `data:` or `stringData:` key (block style, or a
/// flow mapping written over several lines, as JSON is): its parents by indentation.
Under under_data(const std::vector<std::string_view>& lines, size_t at) {
    size_t indent = indent_of(lines[at]);
    for (size_t i = at, seen = 0; i > 0 && indent > 0; --i) {
        if (++seen > k_max_lines_back) return Under::Unknown;
        const std::string_view line = lines[i - 1];
        if (line.starts_with("---")) return Under::Elsewhere;
        if (blank_or_comment(line) || indent_of(line) >= indent) continue;
        indent = indent_of(line);
        if (is_data_key(key_of(line.substr(indent)))) return Under::Data;
    }
    return Under::Elsewhere;
}

/// What follows the line's key (or all of it after the indentation) redacted.
void redact_value(RedactedLine& line) {
    const std::string_view text = line.text();
    const size_t indent = indent_of(text);
    const std::string_view content = text.substr(indent);
    const std::string_view key = key_of(content);
    if (key.empty()) return line.redact(indent, text.size());
    const size_t colon =
        content.find(':', static_cast<size_t>(key.data() - content.data()) + key.size());
    const size_t value = text.find_first_not_of(" \t", indent + colon + 1);
    if (value != std::string_view::npos) line.redact(value, text.size());
}

/// The end of the flow collection opened at `open` (its closing bracket, or the end of the line).
size_t flow_end(std::string_view line, size_t open) {
    int depth = 0;
    char quote = 0;
    for (size_t i = open; i < line.size(); ++i) {
        const char c = line[i];
        if (quote != 0) {
            if (c == '\\' && quote == '"')
                ++i;
            else if (c == quote)
                quote = 0;
        } else if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == '{' || c == '[') {
            ++depth;
        } else if ((c == '}' || c == ']') && --depth == 0) {
            return i;
        }
    }
    return line.size();
}

/// Every `data`/`stringData` value written on the line itself: `"data":{...}` becomes
/// `"data":{<redacted>}`, `data: x` becomes `data: <redacted>`.
void redact_inline_data(RedactedLine& line) {
    static const RE2 k_data_key(R"((?:^|[\s{,"'])(?:data|stringData)["']?\s*:\s*)");
    re2::StringPiece found;
    for (size_t from = 0; from < line.text().size();) {
        const std::string& text = line.text();
        if (!k_data_key.Match(excerpt_piece(text), from, text.size(), RE2::UNANCHORED, &found, 1))
            break;
        const auto value = static_cast<size_t>(found.data() - text.data()) + found.size();
        from = value;
        if (value >= text.size()) break;
        const bool flow = text[value] == '{' || text[value] == '[';
        const size_t end = flow ? flow_end(text, value) : text.find_first_of(",}]", value);
        const size_t stop = end == std::string_view::npos ? text.size() : end;
        const size_t start = flow ? value + 1 : value;
        if (stop <= start) continue;  // {} or nothing: no value
        line.redact(start, stop);
        from = start + k_redacted_excerpt.size();
    }
}

/// `redacted`, the line `original` after redact_secrets, with `column` of `original` moved to
/// the same character of it (or to the start of what was replaced, when it was replaced).
RedactedLine secrets_redacted(std::string_view original, std::string_view redacted, int column) {
    if (column <= 0 || original == redacted) return {redacted, column};
    const auto at = static_cast<size_t>(column - 1);
    const size_t shorter = std::min(original.size(), redacted.size());
    size_t prefix = 0;
    while (prefix < shorter && original[prefix] == redacted[prefix]) ++prefix;
    if (at < prefix) return {redacted, column};
    size_t suffix = 0;
    while (suffix < shorter - prefix &&
           original[original.size() - 1 - suffix] == redacted[redacted.size() - 1 - suffix])
        ++suffix;
    if (at >= original.size() - suffix)
        return {redacted, static_cast<int>(at + redacted.size() - original.size()) + 1};
    return {redacted, static_cast<int>(prefix) + 1};
}

/// The line with its credentials redacted; nullopt when something still looks like one.
std::optional<RedactedLine> finish(RedactedLine line) {
    redact_credentials(line);
    if (!credential_in("", line.text()).empty()) return std::nullopt;
    return line;
}

}  // namespace

std::optional<RedactedLine> safe_source_line(std::string_view text, int line, int column) {
    if (line <= 0) return std::nullopt;
    // Only the lines up to this one: a parent comes before its children.
    size_t end = 0;
    for (int i = 0; i < line && end != std::string_view::npos; ++i)
        end = text.find('\n', i == 0 ? 0 : end + 1);
    const std::vector<std::string_view> lines = lines_of(text.substr(0, end));
    const auto at = static_cast<size_t>(line - 1);
    if (at >= lines.size() || lines[at].size() > k_max_quoted_line) return std::nullopt;
    // redact_secrets sees the lines before this one too: a PEM block's body, a block scalar
    // under a secret-named key. It keeps every line where it was.
    const size_t prefix_end =
        static_cast<size_t>(lines[at].data() - text.data()) + lines[at].size();
    const std::string secretless = redact_secrets(text.substr(0, prefix_end));
    const std::vector<std::string_view> redacted = lines_of(secretless);
    if (redacted.size() != lines.size()) return std::nullopt;
    RedactedLine quoted = secrets_redacted(lines[at], redacted[at], column);
    if (!looks_like_secret(text)) return finish(std::move(quoted));
    switch (under_data(lines, at)) {
        case Under::Unknown:
            return std::nullopt;
        case Under::Data:
            redact_value(quoted);
            break;
        case Under::Elsewhere:
            redact_inline_data(quoted);
            break;
    }
    return finish(std::move(quoted));
}

std::optional<RedactedLine> safe_source_line(std::string_view line, int column) {
    if (line.size() > k_max_quoted_line) return std::nullopt;
    RedactedLine quoted = secrets_redacted(line, redact_secrets(line), column);
    if (looks_like_secret(line)) redact_inline_data(quoted);
    return finish(std::move(quoted));
}

namespace {

bool continuation_byte(std::string_view text, size_t at) {
    return at < text.size() && (static_cast<unsigned char>(text[at]) & 0xC0U) == 0x80;
}

}  // namespace

Excerpt cut_excerpt(std::string_view line, int column, size_t width) {
    struct Shown {
        size_t byte;
        std::string text;
    };
    // A character takes at most four bytes and at least one column, so only the bytes within
    // four widths of the error can be shown: a line of megabytes costs no more than a short one.
    const size_t target = std::min(line.size(), column > 0 ? static_cast<size_t>(column - 1) : 0);
    const size_t reach = 4 * width;
    size_t low = target > reach ? target - reach : 0;
    size_t high = std::min(line.size(), target + reach);
    while (low > 0 && low < line.size() && continuation_byte(line, low)) ++low;
    while (continuation_byte(line, high)) ++high;
    std::vector<Shown> shown;
    for (size_t at = low; at < high;) {
        const size_t byte = at;
        shown.push_back({byte, util::next_displayed(line.substr(0, high), at)});
    }
    // Every displayed piece is one character wide: an escape is ASCII, anything else one
    // character of UTF-8.
    auto columns = [](const Shown& s) {
        const auto byte = static_cast<unsigned char>(s.text[0]);
        return byte < 0x80 ? s.text.size() : size_t{1};
    };
    size_t caret = shown.size();  // past the end: the error is at the end of the line
    if (target < high) {
        caret = 0;
        while (caret + 1 < shown.size() && shown[caret + 1].byte <= target) ++caret;
    }
    size_t total = 0;
    for (const auto& s : shown) total += columns(s);
    size_t first = 0;
    size_t last = shown.size();
    if (total > width || low > 0 || high < line.size()) {
        // Room for the text between two marks: half of it left of the error's character, the
        // rest from that character on, and what the line's end leaves over to the left again.
        const size_t room = width > 2 ? width - 2 : 0;
        first = caret;
        last = caret;
        size_t used = 0;
        auto grow_left = [&](size_t limit) {
            while (first > 0 && used + columns(shown[first - 1]) <= limit)
                used += columns(shown[--first]);
        };
        auto grow_right = [&](size_t limit) {
            while (last < shown.size() && used + columns(shown[last]) <= limit)
                used += columns(shown[last++]);
        };
        grow_left(room / 2);
        grow_right(room);
        grow_left(room);
    }
    const bool cut_left = first > 0 || low > 0;
    Excerpt out;
    if (cut_left) out.text += k_cut_mark;
    out.caret = cut_left ? 1 : 0;
    for (size_t i = first; i < last; ++i) {
        out.text += shown[i].text;
        if (i < caret) out.caret += columns(shown[i]);
    }
    if (last < shown.size() || high < line.size()) out.text += k_cut_mark;
    return out;
}

}  // namespace kubeproof::parse
