#include "parse/diagnostics.hpp"

#include <algorithm>
#include <iterator>
#include <optional>
#include <tuple>

#include <fmt/format.h>

#include "parse/excerpt.hpp"
#include "util/escape.hpp"

namespace kubeproof::parse {

namespace {

Diagnostic quoting(std::string file, int line, int column, std::string message,
                   const std::optional<RedactedLine>& quoted) {
    Diagnostic d{std::move(file), line, column, std::move(message), {}, 0};
    if (quoted) {
        d.source_line = quoted->text();
        d.source_column = quoted->column();
    }
    return d;
}

constexpr std::string_view k_quote_indent = "    ";

}  // namespace

void Diagnostics::append(Diagnostics&& other) {
    m_items.insert(m_items.end(), std::make_move_iterator(other.m_items.begin()),
                   std::make_move_iterator(other.m_items.end()));
    other.m_items.clear();
}

void Diagnostics::add(std::string file, int line, int column, std::string message,
                      std::string_view text) {
    m_items.push_back(quoting(std::move(file), line, column, std::move(message),
                              text.empty() ? std::nullopt : safe_source_line(text, line, column)));
}

void Diagnostics::add_quoted(std::string file, int line, int column, std::string message,
                             std::string_view source_line) {
    m_items.push_back(quoting(std::move(file), line, column, std::move(message),
                              safe_source_line(source_line, column)));
}

std::string format_location(const Diagnostic& d) {
    if (d.line <= 0) return fmt::format("{}: {}", d.file, d.message);
    if (d.column <= 0) return fmt::format("{}:{}: {}", d.file, d.line, d.message);
    return fmt::format("{}:{}:{}: {}", d.file, d.line, d.column, d.message);
}

std::string Diagnostics::format() const {
    std::vector<Diagnostic> sorted = m_items;
    std::stable_sort(sorted.begin(), sorted.end(), [](const Diagnostic& a, const Diagnostic& b) {
        return std::tie(a.file, a.line, a.column) < std::tie(b.file, b.line, b.column);
    });
    std::string out;
    for (const auto& d : sorted) {
        out += util::escape_text(format_location(d)) + "\n";
        if (d.source_line.empty()) continue;
        const Excerpt excerpt = cut_excerpt(d.source_line, d.source_column, k_excerpt_columns);
        out.append(k_quote_indent).append(excerpt.text).append("\n");
        if (d.column > 0) out.append(k_quote_indent).append(excerpt.caret, ' ').append("^\n");
    }
    return out;
}

}  // namespace kubeproof::parse
