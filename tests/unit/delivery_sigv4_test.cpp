#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "delivery/sigv4.hpp"

using namespace kubeproof;
using delivery::SignedRequest;
using delivery::SigningScope;

namespace {

constexpr const char* k_suite = "tests/fixtures/sigv4/";
constexpr const char* k_suite_key_id = "AKIDEXAMPLE";
constexpr const char* k_suite_secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

std::string fixture(const std::string& name) {
    std::ifstream in(std::string(k_suite) + name, std::ios::binary);
    REQUIRE_MESSAGE(in.good(), name);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

/// A test suite request: "METHOD PATH[?QUERY] HTTP/1.1", "Name:value" lines, a blank line, the
/// body.
SignedRequest parse_req(const std::string& text) {
    SignedRequest request;
    std::istringstream in(text);
    std::string line;
    std::getline(in, line);
    const auto space = line.find(' ');
    const auto target = line.substr(space + 1, line.rfind(' ') - space - 1);
    request.method = line.substr(0, space);
    const auto question = target.find('?');
    request.path = target.substr(0, question);
    if (question != std::string::npos) {
        std::istringstream query(target.substr(question + 1));
        std::string pair;
        while (std::getline(query, pair, '&')) {
            const auto equals = pair.find('=');
            request.query.emplace_back(pair.substr(0, equals),
                                       equals == std::string::npos ? "" : pair.substr(equals + 1));
        }
    }
    while (std::getline(in, line) && !line.empty()) {
        const auto colon = line.find(':');
        request.headers.emplace_back(line.substr(0, colon), line.substr(colon + 1));
    }
    std::string body;
    std::getline(in, body, '\0');
    request.payload_sha256 = delivery::sha256_hex(body);
    return request;
}

void check_case(const std::string& name, const SignedRequest& request) {
    CAPTURE(name);
    const SigningScope scope{"20150830T123600Z", "us-east-1", "service"};
    const std::string canonical = delivery::canonical_request(request);
    CHECK(canonical == fixture(name + ".creq"));
    CHECK(delivery::string_to_sign(scope, canonical) == fixture(name + ".sts"));
    CHECK(delivery::authorization(request, scope, k_suite_key_id, k_suite_secret) ==
          fixture(name + ".authz"));
}

}  // namespace

TEST_SUITE("delivery/sigv4") {
    TEST_CASE("AWS's SigV4 test suite: canonical request, string to sign, Authorization") {
        for (const char* name :
             {"get-vanilla", "get-vanilla-query-order-key-case", "get-vanilla-query-unreserved",
              "get-header-value-trim", "post-x-www-form-urlencoded", "post-vanilla-query"}) {
            check_case(name, parse_req(fixture(std::string(name) + ".req")));
        }
    }

    TEST_CASE("the suite's session token case signs the x-amz-security-token header") {
        auto request = parse_req(fixture("get-vanilla-with-session-token.req"));
        request.headers.emplace_back(
            "X-Amz-Security-Token",
            "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267");
        check_case("get-vanilla-with-session-token", request);
    }

    TEST_CASE("a wrong secret key gives another signature") {
        const auto request = parse_req(fixture("get-vanilla.req"));
        const SigningScope scope{"20150830T123600Z", "us-east-1", "service"};
        CHECK(delivery::authorization(request, scope, k_suite_key_id, "not-the-secret") !=
              fixture("get-vanilla.authz"));
    }

    // The worked examples of the S3 documentation ("Signature Calculations for the Authorization
    // Header: Transferring Payload in a Single Chunk"), with its example key pair.
    TEST_CASE("the S3 documentation's PUT Object example") {
        const std::string body = "Welcome to Amazon S3.";
        SignedRequest request{"PUT",
                              "/" + delivery::uri_encode("test$file.text", true),
                              {},
                              {},
                              delivery::sha256_hex(body)};
        CHECK(request.path == "/test%24file.text");
        CHECK(request.payload_sha256 ==
              "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
        request.headers = {{"Host", "examplebucket.s3.amazonaws.com"},
                           {"Date", "Fri, 24 May 2013 00:00:00 GMT"},
                           {"x-amz-date", "20130524T000000Z"},
                           {"x-amz-storage-class", "REDUCED_REDUNDANCY"},
                           {"x-amz-content-sha256", request.payload_sha256}};
        const SigningScope scope{"20130524T000000Z", "us-east-1", "s3"};
        CHECK(delivery::authorization(request, scope, "AKIAIOSFODNN7EXAMPLE",
                                      "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY") ==
              "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/"
              "aws4_request, SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;"
              "x-amz-storage-class, "
              "Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
    }

    TEST_CASE("the S3 documentation's GET Object example") {
        SignedRequest request{"GET", "/test.txt", {}, {}, delivery::sha256_hex("")};
        request.headers = {{"Host", "examplebucket.s3.amazonaws.com"},
                           {"Range", "bytes=0-9"},
                           {"x-amz-content-sha256", request.payload_sha256},
                           {"x-amz-date", "20130524T000000Z"}};
        const SigningScope scope{"20130524T000000Z", "us-east-1", "s3"};
        CHECK(delivery::string_to_sign(scope, delivery::canonical_request(request)) ==
              "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
              "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
        CHECK(
            delivery::authorization(request, scope, "AKIAIOSFODNN7EXAMPLE",
                                    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
                .ends_with(
                    "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"));
    }

    TEST_CASE("the hashes S3 checks: Content-MD5 and x-amz-checksum-sha256") {
        // Known digests of the empty string and of "abc" (RFC 1321, FIPS 180-2), in base64.
        CHECK(delivery::md5_base64("") == "1B2M2Y8AsgTpgAmY7PhCfg==");
        CHECK(delivery::md5_base64("abc") == "kAFQmDzST7DWlj99KOF/cg==");
        CHECK(delivery::sha256_base64("abc") == "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=");
        CHECK(delivery::sha256_hex("abc") ==
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    TEST_CASE("uri_encode keeps unreserved characters, and '/' only in keys") {
        CHECK(delivery::uri_encode("a b/c~d_e.f-g+h", true) == "a%20b/c~d_e.f-g%2Bh");
        CHECK(delivery::uri_encode("a/b=c", false) == "a%2Fb%3Dc");
        CHECK(delivery::uri_encode("\xC3\xA9", false) == "%C3%A9");
    }
}
