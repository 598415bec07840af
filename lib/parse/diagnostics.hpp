#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kubeproof::parse {

/// One problem found in a definition or input file.
struct Diagnostic {
    std::string file;
    int line = 0;    ///< 1-based; 0 when the whole file is concerned
    int column = 0;  ///< 1-based; 0 when unknown
    std::string message;
    std::string source_line;  ///< the offending line's text, if known
};

/// Collects diagnostics; never throws.
class Diagnostics {
public:
    /// Records a problem at file:line:column (1-based), quoting the line from `text`.
    void add(std::string file, int line, int column, std::string message,
             std::string_view text = {});
    /// Records a problem at file:line:column, quoting `source_line` (the text of that line).
    void add_quoted(std::string file, int line, int column, std::string message,
                    std::string source_line);
    bool empty() const { return m_items.empty(); }
    size_t size() const { return m_items.size(); }
    const std::vector<Diagnostic>& items() const { return m_items; }
    /// Every diagnostic as "file:line:col: message", the source line and a caret, sorted by place.
    std::string format() const;

private:
    std::vector<Diagnostic> m_items;
};

/// "file:line:col: message" (the line and column omitted when 0).
std::string format_location(const Diagnostic& diagnostic);

}  // namespace kubeproof::parse
