#include "parse/diagnostics.hpp"

#include <algorithm>
#include <tuple>

#include <fmt/format.h>

namespace kubeproof::parse {

namespace {

std::string line_of(std::string_view text, int line) {
    if (line <= 0 || text.empty()) return {};
    size_t start = 0;
    for (int i = 1; i < line; ++i) {
        start = text.find('\n', start);
        if (start == std::string_view::npos) return {};
        ++start;
    }
    size_t end = text.find('\n', start);
    std::string_view found =
        text.substr(start, end == std::string_view::npos ? text.size() - start : end - start);
    if (!found.empty() && found.back() == '\r') found.remove_suffix(1);
    return std::string(found);
}

}  // namespace

void Diagnostics::add(std::string file, int line, int column, std::string message,
                      std::string_view text) {
    m_items.push_back({std::move(file), line, column, std::move(message), line_of(text, line)});
}

void Diagnostics::add_quoted(std::string file, int line, int column, std::string message,
                             std::string source_line) {
    m_items.push_back({std::move(file), line, column, std::move(message), std::move(source_line)});
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
        out += format_location(d) + "\n";
        if (d.source_line.empty()) continue;
        out += "    " + d.source_line + "\n";
        if (d.column > 0)
            out += "    " + std::string(static_cast<size_t>(d.column - 1), ' ') + "^\n";
    }
    return out;
}

}  // namespace kubeproof::parse
