#include "delivery/sigv4.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace kubeproof::delivery {

namespace {

constexpr std::string_view k_algorithm = "AWS4-HMAC-SHA256";

std::string digest(const EVP_MD* md, std::string_view bytes) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
    unsigned int length = 0;
    EVP_Digest(bytes.data(), bytes.size(), out.data(), &length, md, nullptr);
    return {reinterpret_cast<const char*>(out.data()), length};
}

std::string base64(std::string_view bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    const int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                       reinterpret_cast<const unsigned char*>(bytes.data()),
                                       static_cast<int>(bytes.size()));
    out.resize(static_cast<size_t>(length));
    return out;
}

std::string lowercase(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

/// A header value as SigV4 compares it: no leading or trailing blanks, runs of spaces as one.
std::string canonical_value(std::string_view value) {
    std::string out;
    for (const char c : value) {
        const bool blank = c == ' ' || c == '\t';
        if (blank && (out.empty() || out.back() == ' ')) continue;
        out.push_back(blank ? ' ' : c);
    }
    if (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

std::vector<std::pair<std::string, std::string>> canonical_headers(const SignedRequest& request) {
    std::vector<std::pair<std::string, std::string>> headers;
    for (const auto& [name, value] : request.headers)
        headers.emplace_back(lowercase(name), canonical_value(value));
    std::stable_sort(headers.begin(), headers.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    return headers;
}

std::string canonical_query(const SignedRequest& request) {
    std::vector<std::pair<std::string, std::string>> encoded;
    for (const auto& [name, value] : request.query)
        encoded.emplace_back(uri_encode(name, false), uri_encode(value, false));
    std::sort(encoded.begin(), encoded.end());
    std::string out;
    for (const auto& [name, value] : encoded) {
        if (!out.empty()) out += '&';
        out.append(name).append(1, '=').append(value);
    }
    return out;
}

}  // namespace

std::string canonical_request(const SignedRequest& request) {
    std::string out = request.method + "\n" + request.path + "\n" + canonical_query(request) + "\n";
    for (const auto& [name, value] : canonical_headers(request))
        out.append(name).append(1, ':').append(value).append(1, '\n');
    return out + "\n" + signed_header_names(request) + "\n" + request.payload_sha256;
}

std::string signed_header_names(const SignedRequest& request) {
    std::string out;
    for (const auto& header : canonical_headers(request)) {
        if (!out.empty()) out += ';';
        out += header.first;
    }
    return out;
}

std::string credential_scope(const SigningScope& scope) {
    return scope.amz_date.substr(0, 8) + "/" + scope.region + "/" + scope.service + "/aws4_request";
}

std::string string_to_sign(const SigningScope& scope, std::string_view canonical) {
    return std::string(k_algorithm) + "\n" + scope.amz_date + "\n" + credential_scope(scope) +
           "\n" + sha256_hex(canonical);
}

std::string signing_key(std::string_view secret_key, const SigningScope& scope) {
    std::string key = hmac_sha256("AWS4" + std::string(secret_key), scope.amz_date.substr(0, 8));
    key = hmac_sha256(key, scope.region);
    key = hmac_sha256(key, scope.service);
    return hmac_sha256(key, "aws4_request");
}

std::string authorization(const SignedRequest& request, const SigningScope& scope,
                          std::string_view access_key_id, std::string_view secret_key) {
    const std::string to_sign = string_to_sign(scope, canonical_request(request));
    const std::string signature = to_hex(hmac_sha256(signing_key(secret_key, scope), to_sign));
    return std::string(k_algorithm) + " Credential=" + std::string(access_key_id) + "/" +
           credential_scope(scope) + ", SignedHeaders=" + signed_header_names(request) +
           ", Signature=" + signature;
}

std::string uri_encode(std::string_view text, bool keep_slash) {
    static constexpr char k_hex[] = "0123456789ABCDEF";
    std::string out;
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (std::isalnum(byte) || c == '-' || c == '_' || c == '.' || c == '~' ||
            (keep_slash && c == '/')) {
            out.push_back(c);
        } else {
            out += {'%', k_hex[byte >> 4], k_hex[byte & 0xF]};
        }
    }
    return out;
}

std::string sha256_hex(std::string_view bytes) { return to_hex(digest(EVP_sha256(), bytes)); }

std::string sha256_base64(std::string_view bytes) { return base64(digest(EVP_sha256(), bytes)); }

std::string md5_base64(std::string_view bytes) { return base64(digest(EVP_md5(), bytes)); }

std::string to_hex(std::string_view bytes) {
    static constexpr char k_hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (const char c : bytes) {
        const auto byte = static_cast<unsigned char>(c);
        out += {k_hex[byte >> 4], k_hex[byte & 0xF]};
    }
    return out;
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
    unsigned int length = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(), &length);
    return {reinterpret_cast<const char*>(out.data()), length};
}

}  // namespace kubeproof::delivery
