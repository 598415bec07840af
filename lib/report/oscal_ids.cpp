#include "report/oscal_ids.hpp"

#include <openssl/evp.h>

#include <fmt/format.h>

namespace kubeproof::report::oscal {

namespace {

bool is_hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

uint8_t hex_value(char c) {
    if (c >= '0' && c <= '9') return static_cast<uint8_t>(c - '0');
    if (c >= 'a' && c <= 'f') return static_cast<uint8_t>(c - 'a' + 10);
    return static_cast<uint8_t>(c - 'A' + 10);
}

/// The hex digits control_id() writes.
bool is_upper_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'); }

bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool is_digit(char c) { return c >= '0' && c <= '9'; }

/// Kept as it is inside an escaped control id: everything else is "_XX".
bool is_plain(char c) { return is_letter(c) || is_digit(c) || c == '.' || c == '-'; }

/// An id that is a token already and can be told from an escaped one.
bool is_kept(std::string_view id) {
    if (id.empty() || !is_letter(id.front())) return false;
    for (char c : id) {
        if (!is_plain(c) && c != '_') return false;
    }
    return true;
}

}  // namespace

std::optional<Uuid> parse_uuid(std::string_view text) {
    if (text.size() != 36) return std::nullopt;
    Uuid out{};
    size_t byte = 0;
    for (size_t i = 0; i < text.size();) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (text[i++] != '-') return std::nullopt;
            continue;
        }
        if (!is_hex(text[i]) || !is_hex(text[i + 1])) return std::nullopt;
        out[byte++] = static_cast<uint8_t>(hex_value(text[i]) << 4 | hex_value(text[i + 1]));
        i += 2;
    }
    return out;
}

std::string to_string(const Uuid& u) {
    return fmt::format(
        "{:02x}{:02x}{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-"
        "{:02x}{:02x}{:02x}{:02x}{:02x}{:02x}",
        u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13],
        u[14], u[15]);
}

Uuid uuid_v5(const Uuid& ns, std::string_view name) {
    std::string input(ns.begin(), ns.end());
    input.append(name);
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int size = 0;
    // SHA-1 cannot fail on memory input; a failure would leave the digest zero, still a
    // well-formed UUID once the version and variant are set.
    EVP_Digest(input.data(), input.size(), digest.data(), &size, EVP_sha1(), nullptr);
    Uuid out{};
    for (size_t i = 0; i < out.size(); ++i) out[i] = digest[i];
    out[6] = static_cast<uint8_t>((out[6] & 0x0F) | 0x50);
    out[8] = static_cast<uint8_t>((out[8] & 0x3F) | 0x80);
    return out;
}

const Uuid& url_namespace() {
    static constexpr Uuid ns = {0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1,
                                0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8};
    return ns;
}

const Uuid& kubeproof_namespace() {
    static const Uuid ns = uuid_v5(url_namespace(), "https://kubeproof.dev/ns/oscal");
    return ns;
}

std::string name_uuid(std::string_view name) {
    return to_string(uuid_v5(kubeproof_namespace(), name));
}

std::string control_id(std::string_view criterion) {
    if (is_kept(criterion)) return std::string(criterion);
    std::string out = "_";
    for (char c : criterion) {
        if (is_plain(c))
            out += c;
        else
            out += fmt::format("_{:02X}", static_cast<unsigned char>(c));
    }
    return out;
}

std::optional<std::string> criterion_id(std::string_view control) {
    if (control.empty()) return std::nullopt;
    if (control.front() != '_') {
        if (!is_kept(control)) return std::nullopt;
        return std::string(control);
    }
    std::string out;
    for (size_t i = 1; i < control.size(); ++i) {
        const char c = control[i];
        if (is_plain(c)) {
            out += c;
            continue;
        }
        if (c != '_' || i + 2 >= control.size() || !is_upper_hex(control[i + 1]) ||
            !is_upper_hex(control[i + 2]))
            return std::nullopt;
        const auto byte =
            static_cast<char>(hex_value(control[i + 1]) << 4 | hex_value(control[i + 2]));
        if (is_plain(byte)) return std::nullopt;  // control_id() never escapes these
        out += byte;
        i += 2;
    }
    return out;
}

std::string uri_reference(std::string_view path) {
    constexpr std::string_view k_kept = "-._~/!$&'()*+,;=@";
    std::string out;
    // "//x" would read as an authority (a host): "/.//x" is the same path without that reading.
    if (path.substr(0, 2) == "//") out = "/.";
    for (char c : path) {
        if (is_letter(c) || is_digit(c) || k_kept.find(c) != std::string_view::npos)
            out += c;
        else
            out += fmt::format("%{:02X}", static_cast<unsigned char>(c));
    }
    return out;
}

}  // namespace kubeproof::report::oscal
