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
    std::string source_line;  ///< the offending line's text redacted (safe_source_line), if
                              ///< known and safe to show; the caller's text otherwise never kept
    int source_column = 0;    ///< `column` in source_line (moved by what was redacted before it)
};

/// Collects diagnostics; never throws.
class Diagnostics {
public:
    /// Records a problem at file:line:column (1-based), quoting the line from `text` when it can
    /// be shown safely (safe_source_line: no Secret data, no credential-looking value).
    void add(std::string file, int line, int column, std::string message,
             std::string_view text = {});
    /// Records a problem at file:line:column, quoting `source_line` (the text of that line) the
    /// same way, the line alone telling whether it is a Secret's.
    void add_quoted(std::string file, int line, int column, std::string message,
                    std::string_view source_line);
    /// Adds every diagnostic of `other` after these (what another thread collected).
    void append(Diagnostics&& other);
    bool empty() const { return m_items.empty(); }
    size_t size() const { return m_items.size(); }
    const std::vector<Diagnostic>& items() const { return m_items; }
    /// Every diagnostic as "file:line:col: message", the source line and a caret, sorted by place;
    /// all of it escaped (util::escape_text), the line cut to one screen width around the caret.
    std::string format() const;

private:
    std::vector<Diagnostic> m_items;
};

/// "file:line:col: message" (the line and column omitted when 0).
std::string format_location(const Diagnostic& diagnostic);

}  // namespace kubeproof::parse
