#include "delivery/destination.hpp"

#include <cctype>
#include <chrono>
#include <ctime>
#include <optional>

#include "delivery/sigv4.hpp"

namespace kubeproof::delivery {

namespace {

/// `scheme://authority` and the path after it ("" when none).
struct UrlSplit {
    std::string origin;
    std::string authority;
    std::string path;
};

std::optional<UrlSplit> split(std::string_view url) {
    const auto scheme = url.find("://");
    if (scheme == std::string_view::npos) return std::nullopt;
    const auto slash = url.find('/', scheme + 3);
    const auto authority = url.substr(
        scheme + 3, slash == std::string_view::npos ? std::string_view::npos : slash - scheme - 3);
    if (authority.empty() || authority.find_first_of("?#@ ") != std::string_view::npos)
        return std::nullopt;
    return UrlSplit{std::string(url.substr(0, scheme + 3)) + std::string(authority),
                    std::string(authority),
                    slash == std::string_view::npos ? "" : std::string(url.substr(slash))};
}

bool is_http(std::string_view url) {
    return url.starts_with("https://") || url.starts_with("http://");
}

bool valid_bucket(std::string_view bucket) {
    if (bucket.size() < 3 || bucket.size() > 63) return false;
    for (const char c : bucket) {
        if (std::islower(static_cast<unsigned char>(c)) == 0 &&
            std::isdigit(static_cast<unsigned char>(c)) == 0 && c != '-' && c != '.')
            return false;
    }
    return true;
}

}  // namespace

util::Expected<Destination, std::string> parse_destination(std::string_view upload) {
    Destination out;
    if (is_http(upload)) {
        if (!split(upload))
            return util::unexpected(std::string("--upload: not a URL (scheme://host/path)"));
        out.kind = Destination::Kind::Url;
        out.url = upload;
        return out;
    }
    if (!upload.starts_with("s3://"))
        return util::unexpected(
            std::string("--upload takes s3://BUCKET/PREFIX or an https:// URL"));
    const std::string_view rest = upload.substr(5);
    const auto slash = rest.find('/');
    out.bucket = rest.substr(0, slash);
    if (!valid_bucket(out.bucket))
        return util::unexpected("--upload: not an S3 bucket name: \"" + out.bucket + "\"");
    if (slash != std::string_view::npos) out.prefix = rest.substr(slash + 1);
    if (!out.prefix.empty() && !out.prefix.ends_with('/')) out.prefix += '/';
    if (out.prefix.starts_with('/') || out.prefix.find("//") != std::string::npos)
        return util::unexpected("--upload: an S3 prefix with an empty folder name: " +
                                std::string(upload));
    return out;
}

util::Expected<std::pair<std::string, std::string>, std::string> parse_header(
    std::string_view header) {
    const auto colon = header.find(':');
    const std::string name(header.substr(0, colon));
    bool token = !name.empty();
    for (const char c : name) {
        if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '-' && c != '_') token = false;
    }
    if (colon == std::string_view::npos || !token)
        return util::unexpected(
            std::string("--upload-header takes 'Name: value' (a header name, "
                        "a colon, the value)"));
    std::string_view value = header.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
        value.remove_prefix(1);
    if (value.find_first_of("\r\n") != std::string_view::npos)
        return util::unexpected("--upload-header " + name + ": the value has a line break");
    return std::pair<std::string, std::string>{name, std::string(value)};
}

util::Expected<ObjectAddress, std::string> s3_address(const Destination& destination,
                                                      const S3Settings& s3,
                                                      const std::string& key) {
    const std::string object = uri_encode(destination.prefix + key, true);
    if (s3.endpoint.empty()) {
        const std::string host = destination.bucket + ".s3." + s3.region + ".amazonaws.com";
        return ObjectAddress{"https://" + host + "/" + object, host, "/" + object};
    }
    auto parts = split(s3.endpoint);
    if (!is_http(s3.endpoint) || !parts)
        return util::unexpected("--s3-endpoint: not an http(s) URL: " + s3.endpoint);
    std::string base = parts->path;
    while (base.ends_with('/')) base.pop_back();
    const std::string path = base + "/" + destination.bucket + "/" + object;
    return ObjectAddress{parts->origin + path, parts->authority, path};
}

HttpCall s3_put(const ObjectAddress& address, const std::string& region,
                const Credentials& credentials, std::string body, const std::string& amz_date) {
    SignedRequest request{"PUT", address.path, {}, {}, sha256_hex(body)};
    request.headers = {{"Host", address.host},
                       {"Content-MD5", md5_base64(body)},
                       {"Content-Type", "application/json"},
                       {"x-amz-checksum-sha256", sha256_base64(body)},
                       {"x-amz-content-sha256", request.payload_sha256},
                       {"x-amz-date", amz_date}};
    if (!credentials.session_token.empty())
        request.headers.emplace_back("x-amz-security-token", credentials.session_token);
    HttpCall call;
    call.method = "PUT";
    call.url = address.url;
    call.headers = request.headers;
    call.body = std::move(body);
    call.headers.emplace_back("Authorization",
                              authorization(request, SigningScope{amz_date, region, "s3"},
                                            credentials.access_key_id, credentials.secret_key));
    return call;
}

std::string amz_date_now() {
    const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm utc{};
    gmtime_r(&now, &utc);
    char text[32] = {};
    std::strftime(text, sizeof text, "%Y%m%dT%H%M%SZ", &utc);
    return text;
}

}  // namespace kubeproof::delivery
