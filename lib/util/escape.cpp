#include "util/escape.hpp"

#include <array>
#include <cstdint>

namespace kubeproof::util {

namespace {

constexpr std::array<char, 16> k_hex = {'0', '1', '2', '3', '4', '5', '6', '7',
                                        '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};

std::string byte_escape(unsigned char byte) {
    return {'\\', 'x', k_hex[byte >> 4U], k_hex[byte & 0xFU]};
}

std::string code_point_escape(uint32_t code) {
    std::string out = "\\u";
    for (int shift = 12; shift >= 0; shift -= 4) out += k_hex[(code >> shift) & 0xFU];
    return out;
}

std::string control_escape(unsigned char byte) {
    switch (byte) {
        case '\n':
            return "\\n";
        case '\t':
            return "\\t";
        case '\r':
            return "\\r";
        default:
            return byte_escape(byte);
    }
}

/// C1 controls and the characters that change the direction text is shown in: a name holding
/// U+202E shows its end first, so what is read is not what is there.
bool hidden_control(uint32_t code) {
    return (code >= 0x80 && code <= 0x9F) || code == 0x061C || code == 0x200E || code == 0x200F ||
           (code >= 0x202A && code <= 0x202E) || (code >= 0x2066 && code <= 0x2069);
}

/// The length of the UTF-8 sequence at `text[at]` and its code point; 0 when it is not valid
/// (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF).
size_t utf8_sequence(std::string_view text, size_t at, uint32_t& code) {
    const auto lead = static_cast<unsigned char>(text[at]);
    size_t length = 0;
    uint32_t min = 0;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2, min = 0x80, code = lead & 0x1FU;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3, min = 0x800, code = lead & 0x0FU;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4, min = 0x10000, code = lead & 0x07U;
    } else {
        return 0;
    }
    if (text.size() - at < length) return 0;
    for (size_t i = 1; i < length; ++i) {
        const auto next = static_cast<unsigned char>(text[at + i]);
        if ((next & 0xC0U) != 0x80) return 0;
        code = (code << 6U) | (next & 0x3FU);
    }
    if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return 0;
    return length;
}

}  // namespace

std::string next_displayed(std::string_view text, size_t& at, Lines lines) {
    const auto byte = static_cast<unsigned char>(text[at]);
    if (byte < 0x80) {
        ++at;
        if (lines == Lines::Keep && (byte == '\n' || byte == '\t'))
            return {static_cast<char>(byte)};
        if (byte < 0x20 || byte == 0x7F) return control_escape(byte);
        return {static_cast<char>(byte)};
    }
    uint32_t code = 0;
    const size_t length = utf8_sequence(text, at, code);
    if (length == 0) {
        ++at;
        return byte_escape(byte);
    }
    const std::string_view sequence = text.substr(at, length);
    at += length;
    return hidden_control(code) ? code_point_escape(code) : std::string(sequence);
}

void append_escaped(std::string& out, std::string_view text, Lines lines) {
    for (size_t at = 0; at < text.size();) {
        // Runs of plain printable ASCII are copied whole: most text is nothing else.
        const size_t start = at;
        while (at < text.size()) {
            const auto byte = static_cast<unsigned char>(text[at]);
            if (byte < 0x20 || byte >= 0x7F) break;
            ++at;
        }
        out.append(text.substr(start, at - start));
        if (at < text.size()) out += next_displayed(text, at, lines);
    }
}

std::string escape_text(std::string_view text, Lines lines) {
    std::string out;
    out.reserve(text.size());
    append_escaped(out, text, lines);
    return out;
}

}  // namespace kubeproof::util
