#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "util/expected.hpp"

namespace kubeproof::evidence {

/// SHA-256 of some bytes as 64 lowercase hex digits.
std::string sha256_hex(std::string_view bytes);

/// One file of a set of definitions: its path in the tree ("checks/cis-1.12/master.yaml") and
/// bytes.
struct DigestedFile {
    std::string_view path;
    std::string_view content;
};

/// The digest of a set of definition files that reports carry as tool.definitions_sha256: SHA-256
/// of each file's path, size and bytes in path order ("PATH\nSIZE\nBYTES" one after the other),
/// so that the same files give the same digest however they were found.
std::string definitions_sha256(std::vector<DigestedFile> files);

/// The payload type of a signed kubeproof report in its DSSE envelope.
inline constexpr std::string_view k_report_payload_type = "application/vnd.kubeproof.report+json";
/// The DSSE payload type of a store index's signature (`kubeproof index --sign-key`): the payload
/// is index_digest_payload(), the SHA-256 and size of the index file's bytes.
inline constexpr std::string_view k_index_payload_type =
    "application/vnd.kubeproof.index-digest+json";

/// The payload an index signature signs: {"sha256":"<hex of the file's bytes>","size":N}.
std::string index_digest_payload(std::string_view index_bytes);

/// DSSE v1 pre-authentication encoding of a payload: what is signed
/// ("DSSEv1" SP len(type) SP type SP len(payload) SP payload, lengths as decimal byte counts).
std::string pae(std::string_view payload_type, std::string_view payload);

/// An Ed25519 key: a private one signs, a public one verifies. Its id is the SHA-256 (hex) of the
/// raw 32-byte public key, as DSSE's `keyid`.
class Ed25519Key {
public:
    /// From PEM text: a private key ("-----BEGIN PRIVATE KEY-----", as `openssl genpkey -algorithm
    /// ed25519` writes it) or a public key ("-----BEGIN PUBLIC KEY-----"). The error names `name`
    /// and never quotes the key's bytes.
    static util::Expected<Ed25519Key, std::string> from_pem(std::string_view pem,
                                                            const std::string& name);

    /// Whether it can sign (a private key).
    bool is_private() const { return m_private; }
    /// SHA-256 (hex) of the raw public key.
    const std::string& keyid() const { return m_keyid; }
    /// The public key as PEM, for publishing it.
    std::string public_pem() const;
    /// The 64-byte signature of a message; empty when it is not a private key.
    std::string sign(std::string_view message) const;
    /// Whether `signature` is this key's signature of `message`.
    bool verify(std::string_view message, std::string_view signature) const;

private:
    std::shared_ptr<void> m_key;  ///< EVP_PKEY, freed with EVP_PKEY_free
    bool m_private = false;
    std::string m_keyid;
};

/// One signature of an envelope.
struct EnvelopeSignature {
    std::string keyid;
    std::string sig;  ///< raw bytes (decoded from base64)
};

/// A DSSE envelope as read back. `payload` is left empty when only the signatures were read.
struct Envelope {
    std::string payload_type;
    std::vector<EnvelopeSignature> signatures;
    std::string payload;
};

/// The DSSE envelope (JSON, one line and a newline) of a payload signed by `key`: payloadType and
/// signatures first, the base64 payload last, so a verifier that has the payload's bytes from
/// elsewhere can stop reading after the signatures.
std::string envelope_json(std::string_view payload, std::string_view payload_type,
                          const Ed25519Key& key);

/// Reads an envelope. With `with_payload` false it stops once payloadType and signatures are read
/// (the payload is not decoded), when they come first as kubeproof writes them.
util::Expected<Envelope, std::string> read_envelope(std::string_view text,
                                                    bool with_payload = true);

/// Standard base64 with padding.
std::string base64_encode(std::string_view bytes);
/// Decodes standard base64 (whitespace ignored); nullopt when it is not base64.
util::Expected<std::string, std::string> base64_decode(std::string_view text);

}  // namespace kubeproof::evidence
