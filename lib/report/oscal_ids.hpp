#pragma once

// The identifiers of kubeproof's OSCAL documents (period_oscal_writer.cpp, docs/oscal.md):
// name-based UUIDs, so the same period report is the same bytes on every run; criterion ids as
// OSCAL tokens; file paths as URI references.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kubeproof::report::oscal {

/// A UUID's 16 bytes, in network order.
using Uuid = std::array<uint8_t, 16>;

/// "6ba7b810-9dad-11d1-80b4-00c04fd430c8" as bytes; nullopt unless it is 36 characters of hex
/// digits with hyphens at 8, 13, 18 and 23 (either case).
std::optional<Uuid> parse_uuid(std::string_view text);

/// The lower-case 8-4-4-4-12 text of a UUID.
std::string to_string(const Uuid& uuid);

/// RFC 4122 §4.3 version 5: SHA-1 of the namespace's bytes then the name's, the first 16 bytes
/// of the digest with the version (5) and the variant (10xx) set.
Uuid uuid_v5(const Uuid& ns, std::string_view name);

/// RFC 4122's namespace for URLs (6ba7b811-9dad-11d1-80b4-00c04fd430c8).
const Uuid& url_namespace();

/// kubeproof's namespace for the UUIDs of its OSCAL documents: uuid_v5(url_namespace(),
/// "https://kubeproof.dev/ns/oscal") = 0c3316ea-2650-5ca0-b8f9-20d2e301a203.
const Uuid& kubeproof_namespace();

/// The text of uuid_v5(kubeproof_namespace(), name).
std::string name_uuid(std::string_view name);

/// A criterion id as an OSCAL control id (a token: a letter or "_" first, then letters, digits,
/// ".", "-", "_"), reversibly: an id that is made of ASCII letters, digits, ".", "-", "_" and
/// starts with a letter stays as it is ("CC6.1"); any other id becomes "_" followed by the id
/// with each byte that is not an ASCII letter, digit, "." or "-" written as "_" and two upper-case
/// hex digits ("1.2.3" -> "_1.2.3", "A 1" -> "_A_201").
std::string control_id(std::string_view criterion);

/// The criterion id of a control_id(); nullopt for a text control_id() never returns.
std::optional<std::string> criterion_id(std::string_view control);

/// A file path as an RFC 3986 URI reference (a relative reference: absolute paths stay absolute,
/// relative ones relative): every byte but ASCII letters, digits, "-._~", "/" and the
/// sub-delimiters "!$&'()*+,;=" and "@" percent-encoded, so ":" and spaces are too.
std::string uri_reference(std::string_view path);

}  // namespace kubeproof::report::oscal
