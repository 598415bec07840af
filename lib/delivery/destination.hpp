#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "delivery/credentials.hpp"
#include "delivery/http_call.hpp"
#include "util/expected.hpp"

namespace kubeproof::delivery {

/// Where --upload sends reports.
struct Destination {
    enum class Kind { S3, Url };
    Kind kind = Kind::S3;
    std::string bucket;  ///< s3://BUCKET/PREFIX
    std::string prefix;  ///< "" or ending with '/'
    std::string url;     ///< https://…: a collector's base (ending with '/') or one object's URL

    /// A URL that names a folder: each object's key is appended to it.
    bool keyed() const { return kind == Kind::S3 || url.ends_with('/'); }
};

/// Parses `s3://BUCKET[/PREFIX]` or an `http(s)://` URL; the error says what is wrong.
util::Expected<Destination, std::string> parse_destination(std::string_view upload);

/// Parses one --upload-header 'Name: value'; the error names the header, never its value.
util::Expected<std::pair<std::string, std::string>, std::string> parse_header(
    std::string_view header);

/// How S3 is reached.
struct S3Settings {
    std::string endpoint;  ///< "" for AWS (virtual-hosted style), else path style under it
    std::string region;    ///< the signing Region
};

/// The URL, Host header and canonical path of an object: path style under an endpoint
/// (`ENDPOINT/BUCKET/KEY`), virtual-hosted style on AWS
/// (`https://BUCKET.s3.REGION.amazonaws.com/KEY`).
struct ObjectAddress {
    std::string url;
    std::string host;
    std::string path;
};

/// The address of `key` in `destination`'s bucket.
util::Expected<ObjectAddress, std::string> s3_address(const Destination& destination,
                                                      const S3Settings& s3, const std::string& key);

/// A PUT of `body` to an S3 object, signed with SigV4 at `amz_date` ("20261206T201500Z"): the
/// payload hash signed, Content-MD5 and x-amz-checksum-sha256 so that Object Lock buckets accept
/// it, the session token when the credentials have one.
HttpCall s3_put(const ObjectAddress& address, const std::string& region,
                const Credentials& credentials, std::string body, const std::string& amz_date);

/// The time as SigV4 writes it: "20261206T201500Z".
std::string amz_date_now();

}  // namespace kubeproof::delivery
