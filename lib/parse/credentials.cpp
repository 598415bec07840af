#include "parse/credentials.hpp"

#include <algorithm>
#include <array>
#include <memory>
#include <utility>

#include <re2/re2.h>

namespace kubeproof::parse {

namespace {

/// Names that say what a value is for rather than holding it (a path, a URL, a switch).
constexpr std::string_view k_not_a_credential_name =
    "(?i)(_FILE|_PATH|_DIR|_NAME|_URL|_URI|_ENDPOINT|_HOST|_PORT|_ENABLED|_ENABLE|_TTL|_LENGTH|_"
    "EXPIRY|_EXPIRATION|_TYPE|_MODE|_KEY_ID|_HEADER|_REF)$";

struct Compiled {
    const CredentialPattern* pattern;
    std::unique_ptr<RE2> regex;
};

re2::StringPiece credential_piece(std::string_view text) { return {text.data(), text.size()}; }

const std::vector<Compiled>& compiled_patterns() {
    static const std::vector<Compiled> k_compiled = [] {
        std::vector<Compiled> out;
        for (const auto& p : credential_patterns())
            out.push_back({&p, std::make_unique<RE2>(credential_piece(p.regex))});
        return out;
    }();
    return k_compiled;
}

const RE2& not_named() {
    static const RE2 k_not_named(credential_piece(k_not_a_credential_name));
    return k_not_named;
}

/// A value that is not a literal: empty, or only a reference another mechanism fills in
/// (`$(VAR)` from the container's environment, a template placeholder).
bool placeholder(std::string_view value) {
    static const RE2 k_placeholder(
        R"(^\s*(\$\([A-Za-z_][A-Za-z0-9_]*\)|\$\{[^}]*\}|\{\{[^}]*\}\}|<[^>]*>)?\s*$)");
    return RE2::FullMatch(credential_piece(value), k_placeholder);
}

bool named_like_credential(std::string_view name) {
    for (const auto& c : compiled_patterns()) {
        if (c.pattern->by_name && RE2::PartialMatch(credential_piece(name), *c.regex) &&
            !RE2::PartialMatch(credential_piece(name), not_named()))
            return true;
    }
    return false;
}

/// Where the value starting at `at` ends: its closing quote when it is quoted, else the first
/// character that ends a word in JSON, a command line or a query string, or (after "key:", a YAML
/// plain scalar that may hold spaces) the end of the flow collection or a comment.
size_t credential_value_end(std::string_view line, size_t at, char separator = '=') {
    // A reference is one value, whatever it holds (`${A:-x}`), so that it is seen whole.
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 3> k_references = {
        {{"${", "}"}, {"$(", ")"}, {"{{", "}}"}}};
    for (const auto& reference : k_references) {
        if (!line.substr(at).starts_with(reference.first)) continue;
        const size_t close = line.find(reference.second, at + reference.first.size());
        if (close != std::string_view::npos) return close + reference.second.size();
    }
    if (at < line.size() && (line[at] == '"' || line[at] == '\'')) {
        const char quote = line[at];
        for (size_t i = at + 1; i < line.size(); ++i) {
            if (line[i] == '\\' && quote == '"') {
                ++i;
            } else if (line[i] == quote) {
                return i + 1;
            }
        }
        return line.size();
    }
    size_t end = line.find_first_of(separator == ':' ? ",}]" : " \t,;&}]\"'", at);
    if (separator == ':') end = std::min(end, line.find(" #", at));
    return end == std::string_view::npos ? line.size() : end;
}

/// Values of keys and flags named like credentials: "password: x" keeps "password: ".
void redact_named_values(RedactedLine& line) {
    static const RE2 k_key_value(R"(([A-Za-z_][A-Za-z0-9_.-]*)["']?[ \t]*([:=])[ \t]*)");
    std::array<re2::StringPiece, 3> found;
    for (size_t from = 0; from < line.text().size();) {
        const std::string& text = line.text();
        if (!k_key_value.Match(credential_piece(text), from, text.size(), RE2::UNANCHORED,
                               found.data(), 3))
            break;
        const auto value_at = static_cast<size_t>(found[0].data() - text.data()) + found[0].size();
        from = value_at;
        const size_t end = credential_value_end(text, value_at, found[2][0]);
        const std::string_view value = std::string_view(text).substr(value_at, end - value_at);
        const bool quoted =
            value.size() >= 2 && (value[0] == '"' || value[0] == '\'') && value.back() == value[0];
        const std::string_view bare = quoted ? value.substr(1, value.size() - 2) : value;
        if (bare.empty() || placeholder(bare) || bare == "true" || bare == "false" ||
            bare == "[redacted]" ||  // redact_secrets was there first
            !named_like_credential(std::string_view(found[1].data(), found[1].size())))
            continue;
        const size_t start = quoted ? value_at + 1 : value_at;
        line.redact(start, quoted ? end - 1 : end);
        from = start + k_redacted_excerpt.size();
    }
}

/// Values matching a value pattern, each to the end of its word or quoted string.
void redact_pattern_values(RedactedLine& line) {
    for (const auto& c : compiled_patterns()) {
        if (c.pattern->by_name) continue;
        re2::StringPiece found;
        for (size_t from = 0; from < line.text().size();) {
            const std::string& text = line.text();
            if (!c.regex->Match(credential_piece(text), from, text.size(), RE2::UNANCHORED, &found,
                                1))
                break;
            const auto start = static_cast<size_t>(found.data() - text.data());
            line.redact(start, credential_value_end(text, start + found.size()));
            from = start + k_redacted_excerpt.size();
        }
    }
}

}  // namespace

const std::vector<CredentialPattern>& credential_patterns() {
    // Value patterns find credentials by their shape wherever they are; the name pattern finds a
    // literal given to a variable or key whose name says it is a credential. Kept in C++, not in
    // the definitions: each is a regular expression with tests of its own
    // (tests/unit/engine_policy_controls_test.cpp), and a --checks-dir must not be able to turn
    // them off silently.
    static const std::vector<CredentialPattern> k_patterns = {
        {"AWS access key id", R"(\b(AKIA|ASIA|AIDA|AROA)[0-9A-Z]{16}\b)"},
        {"PEM private key", R"(-----BEGIN ([A-Z]+ )?PRIVATE KEY-----)"},
        {"JSON web token", R"(\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,})"},
        {"bearer token", R"((?i)\bbearer\s+[A-Za-z0-9._~+/-]{16,}=*)"},
        {"URL with a password", R"([A-Za-z][A-Za-z0-9+.-]*://[^/\s:@]+:[^/\s@${<][^/\s@]*@)"},
        {"secret-named flag with a literal value",
         R"((?i)--?[a-z0-9-]*(password|passwd|token|secret|api-?key)[a-z0-9-]*=[^\s$<{])"},
        {"variable named like a credential with a literal value",
         R"((?i)(passw(or)?d|passwd|\bpwd\b|_pwd\b|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credential))",
         true},
    };
    return k_patterns;
}

std::string credential_in(std::string_view name, std::string_view value) {
    if (placeholder(value)) return "";
    for (const auto& c : compiled_patterns()) {
        if (!c.pattern->by_name) {
            if (RE2::PartialMatch(credential_piece(value), *c.regex))
                return std::string(c.pattern->name);
            continue;
        }
        if (!name.empty() && RE2::PartialMatch(credential_piece(name), *c.regex) &&
            !RE2::PartialMatch(credential_piece(name), not_named()))
            return std::string(c.pattern->name);
    }
    return "";
}

void RedactedLine::redact(size_t start, size_t end) {
    m_text.replace(start, end - start, k_redacted_excerpt);
    if (m_column <= 0) return;
    const auto at = static_cast<size_t>(m_column - 1);
    if (at >= end)
        m_column = static_cast<int>(at - (end - start) + k_redacted_excerpt.size()) + 1;
    else if (at >= start)
        m_column = static_cast<int>(start) + 1;
}

void redact_credentials(RedactedLine& line) {
    redact_named_values(line);
    redact_pattern_values(line);
}

std::string redact_credentials(std::string_view line) {
    RedactedLine redacted(line, 0);
    redact_credentials(redacted);
    return redacted.text();
}

}  // namespace kubeproof::parse
