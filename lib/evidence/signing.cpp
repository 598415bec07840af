#include "evidence/signing.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <nlohmann/json.hpp>

#include "util/json_depth.hpp"

namespace kubeproof::evidence {

namespace {

using nlohmann::json;

EVP_PKEY* pkey(const std::shared_ptr<void>& key) { return static_cast<EVP_PKEY*>(key.get()); }

std::string hex(const unsigned char* bytes, std::size_t size) {
    static constexpr char k_digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(size * 2);
    for (std::size_t i = 0; i < size; ++i) {
        out += k_digits[bytes[i] >> 4];
        out += k_digits[bytes[i] & 0x0f];
    }
    return out;
}

std::shared_ptr<void> read_pem_key(std::string_view pem, bool& is_private) {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(
        BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
    if (!bio) return nullptr;
    is_private = pem.find("PRIVATE KEY-----") != std::string_view::npos;
    EVP_PKEY* key = is_private ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr)
                               : PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr);
    return key == nullptr ? nullptr : std::shared_ptr<void>(key, [](void* k) {
        EVP_PKEY_free(static_cast<EVP_PKEY*>(k));
    });
}

/// The SAX handler that reads an envelope's payloadType and signatures and stops at its payload.
class EnvelopeSax final : public nlohmann::json_sax<json> {
public:
    explicit EnvelopeSax(json& out) : m_dom(out, false) {}
    bool null() override { return m_dom.null(); }
    bool boolean(bool v) override { return m_dom.boolean(v); }
    bool number_integer(number_integer_t v) override { return m_dom.number_integer(v); }
    bool number_unsigned(number_unsigned_t v) override { return m_dom.number_unsigned(v); }
    bool number_float(number_float_t v, const string_t& s) override {
        return m_dom.number_float(v, s);
    }
    bool string(string_t& v) override { return m_dom.string(v); }
    bool binary(binary_t& v) override { return m_dom.binary(v); }
    bool start_object(std::size_t n) override {
        ++m_depth;
        return m_dom.start_object(n);
    }
    bool key(string_t& k) override {
        if (m_depth == 1 && k == "payload") {
            m_stopped = true;
            return false;
        }
        return m_dom.key(k);
    }
    bool end_object() override {
        --m_depth;
        return m_dom.end_object();
    }
    bool start_array(std::size_t n) override { return m_dom.start_array(n); }
    bool end_array() override { return m_dom.end_array(); }
    bool parse_error(std::size_t, const std::string&,
                     const nlohmann::detail::exception& e) override {
        m_error = e.what();
        return false;
    }
    bool stopped() const { return m_stopped; }
    const std::string& error() const { return m_error; }

private:
    nlohmann::detail::json_sax_dom_parser<json> m_dom;
    int m_depth = 0;
    bool m_stopped = false;
    std::string m_error;
};

util::Expected<Envelope, std::string> envelope_from(const json& doc) {
    if (!doc.is_object() || !doc.contains("payloadType") || !doc["payloadType"].is_string() ||
        !doc.contains("signatures") || !doc["signatures"].is_array()) {
        return util::unexpected(
            std::string("not a DSSE envelope (payloadType and signatures are required)"));
    }
    Envelope out;
    out.payload_type = doc["payloadType"].get<std::string>();
    for (const auto& s : doc["signatures"]) {
        if (!s.is_object() || !s.contains("sig") || !s["sig"].is_string()) {
            return util::unexpected(std::string("a DSSE signature without \"sig\""));
        }
        auto sig = base64_decode(s["sig"].get<std::string>());
        if (!sig) return util::unexpected("a DSSE signature: " + sig.error());
        out.signatures.push_back({s.value("keyid", ""), std::move(*sig)});
    }
    return out;
}

}  // namespace

std::string sha256_hex(std::string_view bytes) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int size = 0;
    EVP_Digest(bytes.data(), bytes.size(), digest.data(), &size, EVP_sha256(), nullptr);
    return hex(digest.data(), size);
}

std::string definitions_sha256(std::vector<DigestedFile> files) {
    std::sort(files.begin(), files.end(),
              [](const DigestedFile& a, const DigestedFile& b) { return a.path < b.path; });
    EVP_MD_CTX* context = EVP_MD_CTX_new();
    EVP_DigestInit_ex(context, EVP_sha256(), nullptr);
    for (const auto& file : files) {
        const std::string head = fmt::format("{}\n{}\n", file.path, file.content.size());
        EVP_DigestUpdate(context, head.data(), head.size());
        EVP_DigestUpdate(context, file.content.data(), file.content.size());
    }
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int size = 0;
    EVP_DigestFinal_ex(context, digest.data(), &size);
    EVP_MD_CTX_free(context);
    return hex(digest.data(), size);
}

std::string pae(std::string_view payload_type, std::string_view payload) {
    std::string out =
        fmt::format("DSSEv1 {} {} {} ", payload_type.size(), payload_type, payload.size());
    out.append(payload);
    return out;
}

util::Expected<Ed25519Key, std::string> Ed25519Key::from_pem(std::string_view pem,
                                                             const std::string& name) {
    Ed25519Key key;
    key.m_key = read_pem_key(pem, key.m_private);
    if (!key.m_key)
        return util::unexpected(fmt::format("{}: not a PEM private or public key", name));
    if (EVP_PKEY_get_id(pkey(key.m_key)) != EVP_PKEY_ED25519) {
        return util::unexpected(fmt::format(
            "{}: not an Ed25519 key (make one with: openssl genpkey -algorithm ed25519)", name));
    }
    std::array<unsigned char, 32> raw{};
    std::size_t size = raw.size();
    if (EVP_PKEY_get_raw_public_key(pkey(key.m_key), raw.data(), &size) != 1 ||
        size != raw.size()) {
        return util::unexpected(fmt::format("{}: cannot read the Ed25519 public key", name));
    }
    key.m_keyid = sha256_hex(std::string_view(reinterpret_cast<const char*>(raw.data()), size));
    return key;
}

std::string Ed25519Key::public_pem() const {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
    if (!bio || PEM_write_bio_PUBKEY(bio.get(), pkey(m_key)) != 1) return {};
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(size));
}

std::string Ed25519Key::sign(std::string_view message) const {
    if (!m_private) return {};
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    std::string signature(64, '\0');
    std::size_t size = signature.size();
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, pkey(m_key)) != 1 ||
        EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &size,
                       reinterpret_cast<const unsigned char*>(message.data()),
                       message.size()) != 1) {
        return {};
    }
    signature.resize(size);
    return signature;
}

bool Ed25519Key::verify(std::string_view message, std::string_view signature) const {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    return ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, pkey(m_key)) == 1 &&
           EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                            signature.size(),
                            reinterpret_cast<const unsigned char*>(message.data()),
                            message.size()) == 1;
}

std::string envelope_json(std::string_view payload, std::string_view payload_type,
                          const Ed25519Key& key) {
    const std::string signature = key.sign(pae(payload_type, payload));
    return fmt::format(
        "{{\"payloadType\":{},\"signatures\":[{{\"keyid\":\"{}\",\"sig\":\"{}\"}}],\"payload\":\"{}"
        "\"}}\n",
        json(std::string(payload_type)).dump(), key.keyid(), base64_encode(signature),
        base64_encode(payload));
}

std::string index_digest_payload(std::string_view index_bytes) {
    return fmt::format(R"({{"sha256":"{}","size":{}}})", sha256_hex(index_bytes),
                       index_bytes.size());
}

util::Expected<Envelope, std::string> read_envelope(std::string_view text, bool with_payload) {
    if (util::json_nesting_past(text))
        return util::unexpected("the envelope is " + util::json_too_deep());
    json doc;
    EnvelopeSax sax(doc);
    const bool complete =
        json::sax_parse(text.begin(), text.end(), &sax, json::input_format_t::json, true);
    if (!complete && !sax.stopped()) return util::unexpected("invalid JSON: " + sax.error());
    if (!with_payload) {
        auto envelope = envelope_from(doc);
        // Stopped at a payload that came before the signatures: the whole envelope is needed.
        if (envelope || !sax.stopped()) return envelope;
    }
    json whole;
    try {
        whole = json::parse(text.begin(), text.end());
    } catch (const json::parse_error& e) {
        return util::unexpected(std::string("invalid JSON: ") + e.what());
    }
    auto envelope = envelope_from(whole);
    if (!envelope || !with_payload) return envelope;
    if (!whole.contains("payload") || !whole["payload"].is_string())
        return util::unexpected(std::string("no payload"));
    auto payload = base64_decode(whole["payload"].get<std::string>());
    if (!payload) return util::unexpected("the payload: " + payload.error());
    envelope->payload = std::move(*payload);
    return envelope;
}

std::string base64_encode(std::string_view bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3), '\0');
    const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                        reinterpret_cast<const unsigned char*>(bytes.data()),
                                        static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(written));
    return out;
}

util::Expected<std::string, std::string> base64_decode(std::string_view text) {
    std::string clean;
    clean.reserve(text.size());
    for (char c : text) {
        if (c != '\n' && c != '\r' && c != ' ' && c != '\t') clean += c;
    }
    if (clean.size() % 4 != 0) return util::unexpected(std::string("not base64"));
    std::string out(clean.size() / 4 * 3, '\0');
    const int written = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                        reinterpret_cast<const unsigned char*>(clean.data()),
                                        static_cast<int>(clean.size()));
    if (written < 0) return util::unexpected(std::string("not base64"));
    std::size_t padding = 0;
    if (!clean.empty() && clean.back() == '=')
        padding = clean.size() > 1 && clean[clean.size() - 2] == '=' ? 2 : 1;
    out.resize(static_cast<std::size_t>(written) - padding);
    return out;
}

}  // namespace kubeproof::evidence
