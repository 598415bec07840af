#pragma once

// The one escaping function for text meant for a terminal or a log: everything kubeproof prints
// as text (the text report, messages on stderr, diagnostics and their excerpts) goes through it,
// so a name, path or value read from a node or a manifest cannot move the cursor, recolour the
// terminal, reorder what is shown (bidi controls) or forge a line of the report.

#include <cstddef>
#include <string>
#include <string_view>

namespace kubeproof::util {

/// What escape_text does with line feeds and tabs.
enum class Lines {
    Escape,  ///< a single-line field: "\n" and "\t" are shown escaped, like any control
    Keep,    ///< a multi-line field: line feeds and tabs stay; the caller indents what follows
};

/// The displayed form of the character at `text[at]`, advancing `at` past it: a valid UTF-8
/// character as it is; a C0 control as "\n", "\t", "\r" or "\x1b"; DEL as "\x7f"; a C1 control
/// (U+0080–U+009F) and a bidi control (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069)
/// as "\u0085" / "\u202e"; each byte of invalid UTF-8 (overlong, surrogate, truncated, beyond
/// U+10FFFF) as "\xHH". A backslash stays a backslash, so escaping is idempotent.
std::string next_displayed(std::string_view text, size_t& at, Lines lines = Lines::Escape);

/// `text` with every character replaced by its displayed form (next_displayed).
std::string escape_text(std::string_view text, Lines lines = Lines::Escape);

/// Appends escape_text(`text`) to `out`.
void append_escaped(std::string& out, std::string_view text, Lines lines = Lines::Escape);

}  // namespace kubeproof::util
