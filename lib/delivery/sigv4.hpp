#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kubeproof::delivery {

/// An HTTP request as AWS Signature Version 4 sees it. Header names in any case; values as sent.
struct SignedRequest {
    std::string method;                                        ///< "PUT"
    std::string path;                                          ///< already percent-encoded, "/b/k"
    std::vector<std::pair<std::string, std::string>> query;    ///< decoded names and values
    std::vector<std::pair<std::string, std::string>> headers;  ///< every header that is signed
    std::string payload_sha256;                                ///< lowercase hex of the body's hash
};

/// Where and when a request is signed: the credential scope's parts and the request time.
struct SigningScope {
    std::string amz_date;  ///< "20150830T123600Z"
    std::string region;    ///< "us-east-1"
    std::string service;   ///< "s3", "sts"
};

/// The canonical request: method, path, sorted encoded query, sorted lowercase headers with their
/// values trimmed and inner spaces folded, the signed header list and the payload hash.
std::string canonical_request(const SignedRequest& request);

/// "host;x-amz-date": the request's header names, lowercase, sorted, joined by ';'.
std::string signed_header_names(const SignedRequest& request);

/// "20150830/us-east-1/service/aws4_request".
std::string credential_scope(const SigningScope& scope);

/// "AWS4-HMAC-SHA256\n<date>\n<scope>\n<hex SHA-256 of the canonical request>".
std::string string_to_sign(const SigningScope& scope, std::string_view canonical);

/// The signing key: HMAC-SHA256 chained over "AWS4"+secret, the date, region, service and
/// "aws4_request" (32 raw bytes).
std::string signing_key(std::string_view secret_key, const SigningScope& scope);

/// The Authorization header's value for `request` signed by the given key pair.
std::string authorization(const SignedRequest& request, const SigningScope& scope,
                          std::string_view access_key_id, std::string_view secret_key);

/// Percent-encodes as SigV4 wants it: RFC 3986 unreserved characters stay, everything else
/// becomes %XY (uppercase); '/' stays when `keep_slash` (object keys in paths).
std::string uri_encode(std::string_view text, bool keep_slash);

/// Lowercase hex of the SHA-256 of `bytes`.
std::string sha256_hex(std::string_view bytes);

/// Base64 of the SHA-256 of `bytes` (x-amz-checksum-sha256).
std::string sha256_base64(std::string_view bytes);

/// Base64 of the MD5 of `bytes` (Content-MD5).
std::string md5_base64(std::string_view bytes);

/// Lowercase hex of `bytes`.
std::string to_hex(std::string_view bytes);

/// HMAC-SHA256 of `data` with `key` (32 raw bytes).
std::string hmac_sha256(std::string_view key, std::string_view data);

}  // namespace kubeproof::delivery
