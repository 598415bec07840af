#pragma once

// The one table of credential-looking values: the engine's literal-credential controls judge
// objects with it, and diagnostics use it to keep such values out of the source lines they quote.

#include <string>
#include <string_view>
#include <vector>

namespace kubeproof::parse {

/// One pattern of the literal credential table.
struct CredentialPattern {
    std::string_view name;   ///< what the finding says: "AWS access key id"
    std::string_view regex;  ///< RE2 syntax
    bool by_name = false;    ///< matched against the variable or key name, not the value
};

/// The table of literal credential patterns (documented in docs/check-schema.md).
const std::vector<CredentialPattern>& credential_patterns();

/// The name of the first pattern a literal matches ("" for none). `name` is the env variable or
/// data key it is the value of ("" for args, commands and annotations: only value patterns then).
std::string credential_in(std::string_view name, std::string_view value);

/// What a redacted value is shown as in a quoted source line.
inline constexpr std::string_view k_redacted_excerpt = "<redacted>";

/// A line being redacted, and a column in it that moves with the text, so that a caret drawn
/// under the redacted line still points at the character it pointed at (or at the "<redacted>"
/// that replaced it).
class RedactedLine {
public:
    /// `column`: 1-based byte column, 0 when there is none.
    RedactedLine(std::string_view line, int column) : m_text(line), m_column(column) {}
    const std::string& text() const { return m_text; }
    int column() const { return m_column; }
    /// Replaces the bytes [start, end) of text() with "<redacted>".
    void redact(size_t start, size_t end);

private:
    std::string m_text;
    int m_column;
};

/// Replaces every credential-looking value of `line` with "<redacted>": a value matching a value
/// pattern (to the end of its word or quoted string, so a PEM block written on one line goes with
/// its header), and the value of a key or flag whose name says it is a credential
/// (`password=x`, `token: x`, `"apiKey": "x"`, `--token=x`; the name stays).
void redact_credentials(RedactedLine& line);

/// redact_credentials for a line without a column.
std::string redact_credentials(std::string_view line);

}  // namespace kubeproof::parse
