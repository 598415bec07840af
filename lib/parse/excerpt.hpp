#pragma once

// The source line a diagnostic quotes goes to stderr and CI logs, which outlive the terminal:
// it is shown only without secrets, escaped, and cut to one screen width around the error.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "parse/credentials.hpp"

namespace kubeproof::parse {

/// The columns a quoted line may take (the indentation Diagnostics::format puts before it aside).
inline constexpr size_t k_excerpt_columns = 100;

/// A longer line is left out of a diagnostic: redacting it would cost more than the one screen
/// width shown, and what comes before the error may be needed to tell what is secret.
inline constexpr size_t k_max_quoted_line = size_t{64} << 10;

/// Line `line` (1-based) of `text` as a diagnostic may quote it, with `column` (1-based, 0 for
/// none) moved along: what redact_secrets takes out (secret-named keys and flags, private keys)
/// is "[redacted]"; in a text that holds a Secret, the values under `data:` and `stringData:`
/// (block or flow style) become "<redacted>", and in any text every credential-looking value
/// (redact_credentials). nullopt when the line cannot be shown safely (it still looks like a
/// credential after that, its parents are too far up to tell, or it is longer than 64 KiB) or
/// there is no such line.
std::optional<RedactedLine> safe_source_line(std::string_view text, int line, int column);

/// The same for a line quoted without the text around it: the line alone tells whether it is a
/// Secret's.
std::optional<RedactedLine> safe_source_line(std::string_view line, int column);

/// A quoted line made ready to print under a location.
struct Excerpt {
    std::string text;  ///< escaped (util::escape_text), at most the width asked for
    size_t caret = 0;  ///< the column (0-based, in characters) of the error's character in `text`
};

/// `line` escaped and, when wider than `width` characters, cut around byte column `column`
/// (1-based; 0 when unknown: the start), "…" marking each side that was cut.
Excerpt cut_excerpt(std::string_view line, int column, size_t width);

}  // namespace kubeproof::parse
