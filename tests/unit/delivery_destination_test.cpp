#include <doctest/doctest.h>

#include <string>

#include "delivery/destination.hpp"
#include "delivery/sigv4.hpp"

using namespace kubeproof;

namespace {

std::string header(const delivery::HttpCall& call, const std::string& name) {
    for (const auto& [key, value] : call.headers) {
        if (key == name) return value;
    }
    return "<absent>";
}

}  // namespace

TEST_SUITE("delivery/destination") {
    TEST_CASE("s3://BUCKET/PREFIX: the prefix is a folder") {
        auto d = delivery::parse_destination("s3://audit-evidence/prod/scans");
        REQUIRE(d);
        CHECK(d->kind == delivery::Destination::Kind::S3);
        CHECK(d->bucket == "audit-evidence");
        CHECK(d->prefix == "prod/scans/");
        CHECK(d->keyed());
        auto bare = delivery::parse_destination("s3://audit-evidence");
        REQUIRE(bare);
        CHECK(bare->prefix.empty());
    }

    TEST_CASE("bad destinations are errors") {
        const std::pair<const char*, const char*> cases[] = {
            {"ftp://x/y", "--upload takes s3://BUCKET/PREFIX or an https:// URL"},
            {"s3://Bad_Bucket/x", "--upload: not an S3 bucket name: \"Bad_Bucket\""},
            {"s3://ok-bucket//x",
             "--upload: an S3 prefix with an empty folder name: s3://ok-bucket//x"},
            {"https://?X-Amz-Signature=CANARY", "--upload: not a URL (scheme://host/path)"},
        };
        for (const auto& [upload, message] : cases) {
            auto d = delivery::parse_destination(upload);
            REQUIRE_FALSE(d);
            CHECK(d.error() == message);
        }
    }

    TEST_CASE("an https:// URL names one object, or a folder when it ends with '/'") {
        auto one =
            delivery::parse_destination("https://b.s3.amazonaws.com/k.json?X-Amz-Signature=1");
        REQUIRE(one);
        CHECK_FALSE(one->keyed());
        auto folder = delivery::parse_destination("https://collector.example/reports/");
        REQUIRE(folder);
        CHECK(folder->keyed());
    }

    TEST_CASE("--upload-header 'Name: value'; the value never appears in an error") {
        auto parsed = delivery::parse_header("Authorization:  Bearer CANARY");
        REQUIRE(parsed);
        CHECK(parsed->first == "Authorization");
        CHECK(parsed->second == "Bearer CANARY");
        for (const char* bad : {"no colon CANARY", ": CANARY", "Bad Name: CANARY"}) {
            auto refused = delivery::parse_header(bad);
            REQUIRE_FALSE(refused);
            CHECK(refused.error() ==
                  "--upload-header takes 'Name: value' (a header name, a colon, the value)");
        }
        auto broken = delivery::parse_header("X-Token: CANARY\r\nX-Other: 1");
        REQUIRE_FALSE(broken);
        CHECK(broken.error() == "--upload-header X-Token: the value has a line break");
    }

    TEST_CASE("virtual-hosted style on AWS, path style under an endpoint") {
        auto d = delivery::parse_destination("s3://audit-evidence/prod");
        REQUIRE(d);
        auto aws = delivery::s3_address(*d, {"", "eu-west-1"}, "c1/a b.json");
        REQUIRE(aws);
        CHECK(aws->url == "https://audit-evidence.s3.eu-west-1.amazonaws.com/prod/c1/a%20b.json");
        CHECK(aws->host == "audit-evidence.s3.eu-west-1.amazonaws.com");
        CHECK(aws->path == "/prod/c1/a%20b.json");
        auto minio = delivery::s3_address(*d, {"http://127.0.0.1:9000/", "us-east-1"}, "c1/r.json");
        REQUIRE(minio);
        CHECK(minio->url == "http://127.0.0.1:9000/audit-evidence/prod/c1/r.json");
        CHECK(minio->host == "127.0.0.1:9000");
        CHECK(minio->path == "/audit-evidence/prod/c1/r.json");
        auto bad = delivery::s3_address(*d, {"minio:9000", "us-east-1"}, "r.json");
        REQUIRE_FALSE(bad);
        CHECK(bad.error() == "--s3-endpoint: not an http(s) URL: minio:9000");
    }

    TEST_CASE("a signed PUT carries the payload hash, both checksums and the session token") {
        const delivery::ObjectAddress address{"http://127.0.0.1:9000/b/k.json", "127.0.0.1:9000",
                                              "/b/k.json"};
        const auto call = delivery::s3_put(address, "us-east-1", {"AKID", "SECRET", "TOKEN"}, "abc",
                                           "20261206T201500Z");
        CHECK(call.method == "PUT");
        CHECK(call.body == "abc");
        CHECK(header(call, "x-amz-content-sha256") == delivery::sha256_hex("abc"));
        CHECK(header(call, "Content-MD5") == "kAFQmDzST7DWlj99KOF/cg==");
        CHECK(header(call, "x-amz-checksum-sha256") ==
              "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=");
        CHECK(header(call, "x-amz-security-token") == "TOKEN");
        CHECK(header(call, "Authorization") ==
              "AWS4-HMAC-SHA256 Credential=AKID/20261206/us-east-1/s3/aws4_request, "
              "SignedHeaders=content-md5;content-type;host;x-amz-checksum-sha256;"
              "x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature=" +
                  delivery::to_hex(delivery::hmac_sha256(
                      delivery::signing_key("SECRET", {"20261206T201500Z", "us-east-1", "s3"}),
                      delivery::string_to_sign(
                          {"20261206T201500Z", "us-east-1", "s3"},
                          "PUT\n/b/k.json\n\ncontent-md5:kAFQmDzST7DWlj99KOF/cg==\n"
                          "content-type:application/json\nhost:127.0.0.1:9000\n"
                          "x-amz-checksum-sha256:ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=\n"
                          "x-amz-content-sha256:" +
                              delivery::sha256_hex("abc") +
                              "\nx-amz-date:20261206T201500Z\nx-amz-security-token:TOKEN\n\n"
                              "content-md5;content-type;host;x-amz-checksum-sha256;"
                              "x-amz-content-sha256;x-amz-date;x-amz-security-token\n" +
                              delivery::sha256_hex("abc")))));
        const auto long_term = delivery::s3_put(address, "us-east-1", {"AKID", "SECRET", ""}, "abc",
                                                "20261206T201500Z");
        CHECK(header(long_term, "x-amz-security-token") == "<absent>");
    }
}
