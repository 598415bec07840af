#include "parse/redact.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>

#include "parse/flags.hpp"

namespace kubeproof::parse {

namespace {

constexpr auto npos = std::string_view::npos;
constexpr std::string_view k_redacted = "[redacted]";
constexpr std::string_view k_quoted_redacted = "\"[redacted]\"";
constexpr std::string_view k_pem_begin = "-----BEGIN ";

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

// Values that say nothing secret, kept so that what reads them reads the same.
bool kept_as_is(std::string_view value) {
    return value.empty() || value == "true" || value == "false" || value == "null" || value == "~";
}

int sextet(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

// A value whose base64 decodes to a PEM private key header (a kubeconfig's or Secret's key data).
bool is_encoded_private_key(std::string_view value) {
    if (!value.starts_with("LS0tLS1CRUdJTi")) return false;  // base64 of "-----BEGIN"
    std::string decoded;
    uint32_t bits = 0;
    int count = 0;
    for (const char c : value.substr(0, 96)) {
        const int v = sextet(c);
        if (v < 0) break;
        bits = (bits << 6) | static_cast<uint32_t>(v);
        count += 6;
        if (count >= 8) {
            count -= 8;
            decoded += static_cast<char>((bits >> count) & 0xFF);
        }
    }
    const auto header_end = decoded.find('\n');
    return decoded.substr(0, header_end).find("PRIVATE KEY") != std::string::npos;
}

// The lines of a PEM body, each "[redacted]" after its indentation; blank lines stay.
std::string redact_pem_body(std::string_view body) {
    std::string out;
    for (size_t start = 0;;) {
        const size_t end = body.find('\n', start);
        const std::string_view line = body.substr(start, end == npos ? npos : end - start);
        const size_t indent = line.find_first_not_of(" \t");
        if (indent == npos || line.substr(indent) == "\r") {
            out += line;
        } else {
            out += line.substr(0, indent);
            out += k_redacted;
            if (line.ends_with('\r')) out += '\r';
        }
        if (end == npos) return out;
        out += '\n';
        start = end + 1;
    }
}

// Every PEM private key block with its body redacted; a block without an END line is redacted to
// the end of the text.
std::string redact_pem(std::string_view text) {
    std::string out;
    size_t pos = 0;
    for (size_t begin; (begin = text.find(k_pem_begin, pos)) != npos;) {
        const size_t label = begin + k_pem_begin.size();
        const size_t label_end = text.find("-----", label);
        const std::string_view name = text.substr(label, label_end == npos ? 0 : label_end - label);
        if (label_end == npos || name.find('\n') != npos || name.find("PRIVATE KEY") == npos) {
            out += text.substr(pos, label - pos);
            pos = label;
            continue;
        }
        const size_t body = label_end + 5;
        const size_t end = std::min(text.find("-----END ", body), text.size());
        out += text.substr(pos, body - pos);
        out += redact_pem_body(text.substr(body, end - body));
        pos = end;
    }
    out += text.substr(pos);
    return out;
}

// Every sensitive "--name=value" in a line (a unit file's ExecStart, a manifest's command): the
// value, up to whitespace, a quote or a backslash, is redacted.
void redact_flags(std::string& line) {
    for (size_t pos = 0; (pos = line.find('-', pos)) != npos;) {
        if (pos > 0 && std::string_view(" \t\"'=[,").find(line[pos - 1]) == npos) {
            ++pos;
            continue;
        }
        const size_t eq = std::min(line.find_first_of(" \t\"'\\,=", pos), line.size());
        if (eq == line.size() || line[eq] != '=') {
            pos = eq;
            continue;
        }
        const size_t value_end = std::min(line.find_first_of(" \t\"'\\\r", eq + 1), line.size());
        const std::string name = line.substr(pos, eq - pos);
        const std::string value = line.substr(eq + 1, value_end - eq - 1);
        const std::string kept = kept_as_is(value) ? value : redacted_value(name, value);
        line.replace(eq + 1, value.size(), kept);
        pos = eq + 1 + kept.size();
    }
}

// Where a quoted scalar opening at `open` ends: one past its closing quote, or the line's end.
size_t quoted_end(std::string_view line, size_t open) {
    const char quote = line[open];
    for (size_t i = open + 1; i < line.size(); ++i) {
        if (quote == '"' && line[i] == '\\') {
            ++i;
        } else if (line[i] == quote) {
            if (quote == '\'' && i + 1 < line.size() && line[i + 1] == '\'') {
                ++i;
                continue;
            }
            return i + 1;
        }
    }
    return line.size();
}

// The inside of a quoted scalar [open, end).
std::string_view unquoted(std::string_view line, size_t open, size_t end) {
    const bool closed = end - open >= 2 && line[end - 1] == line[open];
    return line.substr(open + 1, end - open - (closed ? 2 : 1));
}

// Where a plain token starting at `pos` ends: whitespace, and in flow context , [ ] { }.
size_t token_end(std::string_view line, size_t pos, bool flow) {
    const size_t end = line.find_first_of(flow ? " \t\r,[]{}" : " \t\r", pos);
    return end == npos ? line.size() : end;
}

// Where a plain scalar value starting at `pos` ends: a comment, the line's end, and in flow
// context the next , ] or }; without trailing whitespace.
size_t plain_end(std::string_view line, size_t pos, bool flow) {
    size_t end = pos;
    for (; end < line.size(); ++end) {
        const char c = line[end];
        if (flow && (c == ',' || c == ']' || c == '}')) break;
        if (c == '#' && end > pos && is_space(line[end - 1])) break;
    }
    while (end > pos && is_space(line[end - 1])) --end;
    return end;
}

// The key-value redaction of YAML and JSON, line by line: it remembers a block scalar under a
// sensitive key across lines.
class SecretLines {
public:
    // One line, without its '\n', redacted.
    std::string redact(std::string line) {
        if (in_block(line)) return line;
        redact_flags(line);
        int flow = 0;
        for (size_t pos = 0; pos < line.size();) {
            const char c = line[pos];
            if (c == '#' && (pos == 0 || is_space(line[pos - 1]))) break;
            if (c == '{' || c == '[') ++flow;
            if ((c == '}' || c == ']') && flow > 0) --flow;
            const bool list_item = c == '-' && (pos + 1 == line.size() || is_space(line[pos + 1]));
            if (is_space(c) || list_item || std::string_view(",{}[]").find(c) != npos) {
                ++pos;
                continue;
            }
            pos = key_value(line, pos, flow > 0);
        }
        return line;
    }

private:
    // A token at `pos`; when it is a key, its value redacted if need be. Returns where to go on.
    size_t key_value(std::string& line, size_t pos, bool flow) {
        const bool quoted = line[pos] == '"' || line[pos] == '\'';
        const size_t end = quoted ? quoted_end(line, pos) : token_end(line, pos, flow);
        if (quoted) {
            const size_t colon = line.find_first_not_of(" \t", end);
            if (colon == npos || line[colon] != ':') return end;
            return value(line, pos, is_sensitive(unquoted(line, pos, end)), colon + 1, flow);
        }
        const std::string_view token = std::string_view(line).substr(pos, end - pos);
        if (token.size() < 2 || !token.ends_with(':')) return end;
        return value(line, pos, is_sensitive(token.substr(0, token.size() - 1)), end, flow);
    }

    // The value of the key at column `key_column`, from `pos`: redacted when the key is
    // sensitive or the value an encoded private key. Returns where to go on.
    size_t value(std::string& line, size_t key_column, bool sensitive, size_t pos, bool flow) {
        const size_t start = line.find_first_not_of(" \t", pos);
        if (start == npos || line[start] == '#') return line.size();
        const char c = line[start];
        if (sensitive && (c == '|' || c == '>')) {
            m_block_column = key_column;
            return line.size();
        }
        if (std::string_view("{[&*!|>\r").find(c) != npos) return start;
        const bool quoted = c == '"' || c == '\'';
        const size_t end = quoted ? quoted_end(line, start) : plain_end(line, start, flow);
        const std::string_view text =
            quoted ? unquoted(line, start, end) : std::string_view(line).substr(start, end - start);
        if (kept_as_is(text) || !(sensitive || is_encoded_private_key(text))) return end;
        line.replace(start, end - start, k_quoted_redacted);
        return start + k_quoted_redacted.size();
    }

    // True when `line` belongs to a block scalar under a sensitive key (it is redacted then).
    bool in_block(std::string& line) {
        if (!m_block_column) return false;
        const size_t indent = line.find_first_not_of(' ');
        if (indent == npos || line.substr(indent) == "\r") return true;
        if (indent <= *m_block_column) {
            m_block_column.reset();
            return false;
        }
        const bool cr = line.ends_with('\r');
        line.replace(indent, npos, k_redacted);
        if (cr) line += '\r';
        return true;
    }

    std::optional<size_t> m_block_column;
};

}  // namespace

std::string redacted_value(std::string_view name, std::string_view value) {
    return value.empty() ? std::string() : shown_value(name, value);
}

std::vector<std::string> redact_argv(const std::vector<std::string>& argv) {
    std::vector<std::string> out = argv;
    for (size_t i = 1; i < out.size(); ++i) {
        std::string& arg = out[i];
        if (!arg.starts_with('-')) continue;
        if (const size_t eq = arg.find('='); eq != std::string::npos) {
            arg = arg.substr(0, eq + 1) + redacted_value(arg.substr(0, eq), arg.substr(eq + 1));
        } else if (is_sensitive(arg) && i + 1 < out.size() && !out[i + 1].starts_with('-')) {
            out[i + 1] = redacted_value(arg, out[i + 1]);
            ++i;
        }
    }
    return out;
}

std::string redact_secrets(std::string_view text) {
    const std::string without_keys = redact_pem(text);
    const std::string_view rest = without_keys;
    SecretLines lines;
    std::string out;
    out.reserve(rest.size());
    for (size_t start = 0;;) {
        const size_t end = rest.find('\n', start);
        out += lines.redact(std::string(rest.substr(start, end == npos ? npos : end - start)));
        if (end == npos) return out;
        out += '\n';
        start = end + 1;
    }
}

}  // namespace kubeproof::parse
