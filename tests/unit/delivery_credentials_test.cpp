#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "delivery/credentials.hpp"

using namespace kubeproof;

namespace {

constexpr const char* k_answer =
    R"(<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <SubjectFromWebIdentityToken>system:serviceaccount:kubeproof:scanner</SubjectFromWebIdentityToken>
    <Credentials>
      <SessionToken>TOKEN&amp;CANARY</SessionToken>
      <SecretAccessKey>SECRET-CANARY</SecretAccessKey>
      <Expiration>2026-12-06T21:00:00Z</Expiration>
      <AccessKeyId>ASIAEXAMPLE</AccessKeyId>
    </Credentials>
  </AssumeRoleWithWebIdentityResult>
</AssumeRoleWithWebIdentityResponse>)";

delivery::Environment env_of(std::map<std::string, std::string> values) {
    return [values = std::move(values)](const std::string& name) -> std::optional<std::string> {
        const auto found = values.find(name);
        if (found == values.end()) return std::nullopt;
        return found->second;
    };
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
    text.replace(text.find(from), from.size(), to);
    return text;
}

}  // namespace

TEST_SUITE("delivery/credentials") {
    TEST_CASE("an STS AssumeRoleWithWebIdentity answer gives the three values, entities decoded") {
        auto credentials = delivery::parse_web_identity_answer(k_answer);
        REQUIRE(credentials);
        CHECK(credentials->access_key_id == "ASIAEXAMPLE");
        CHECK(credentials->secret_key == "SECRET-CANARY");
        CHECK(credentials->session_token == "TOKEN&CANARY");
    }

    TEST_CASE("a malformed answer is an error that names the problem and quotes no value") {
        const std::string answer = k_answer;
        const std::pair<std::string, std::string> cases[] = {
            {"<ErrorResponse><Error><Code>InvalidIdentityToken</Code></Error></ErrorResponse>",
             "the answer has no <AssumeRoleWithWebIdentityResult>"},
            {replaced(answer, "<Credentials>", "<Credential>"),
             "the answer has no single <Credentials> element"},
            {replaced(answer, "<AccessKeyId>ASIAEXAMPLE</AccessKeyId>", ""),
             "<Credentials> has no single text <AccessKeyId>"},
            {replaced(answer, "<AccessKeyId>ASIAEXAMPLE</AccessKeyId>",
                      "<AccessKeyId>A</AccessKeyId><AccessKeyId>B</AccessKeyId>"),
             "<Credentials> has no single text <AccessKeyId>"},
            {replaced(answer, "SECRET-CANARY", "<b>SECRET-CANARY</b>"),
             "<Credentials> has no single text <SecretAccessKey>"},
            {replaced(answer, "TOKEN&amp;CANARY", "TOKEN&nbsp;CANARY"),
             "<Credentials> has no single text <SessionToken>"},
            {replaced(answer, "TOKEN&amp;CANARY", "  "),
             "<Credentials> has no single text <SessionToken>"},
            {replaced(answer, "</Credentials>", ""),
             "the answer has no single <Credentials> element"},
            {answer.substr(0, answer.size() / 2), "the answer has no single <Credentials> element"},
        };
        for (const auto& entry : cases) {
            const auto& xml = entry.first;
            const auto& message = entry.second;
            CAPTURE(xml);
            auto credentials = delivery::parse_web_identity_answer(xml);
            REQUIRE_FALSE(credentials);
            CHECK(credentials.error() == message);
            CHECK(credentials.error().find("CANARY") == std::string::npos);
        }
    }

    TEST_CASE("an STS error answer's code is repeated only when it is a word") {
        CHECK(delivery::sts_error_code(
                  "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidIdentityToken</Code>"
                  "<Message>x</Message></Error></ErrorResponse>") == "InvalidIdentityToken");
        CHECK(delivery::sts_error_code("<Code>token eyJhbGc CANARY</Code>").empty());
        CHECK(delivery::sts_error_code("not xml").empty());
    }

    TEST_CASE("the request body is form-encoded, the token included") {
        CHECK(delivery::web_identity_request_body("arn:aws:iam::123456789012:role/scan", "kp",
                                                  "a.b+c/d=") ==
              "Action=AssumeRoleWithWebIdentity&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%"
              "2Fscan&RoleSessionName=kp&Version=2011-06-15&WebIdentityToken=a.b%2Bc%2Fd%3D");
    }

    TEST_CASE("environment keys come first, with their session token") {
        auto credentials = delivery::resolve_credentials(
            env_of({{"AWS_ACCESS_KEY_ID", "AKID"},
                    {"AWS_SECRET_ACCESS_KEY", "SECRET"},
                    {"AWS_SESSION_TOKEN", "TOKEN"},
                    {"AWS_WEB_IDENTITY_TOKEN_FILE", "/nonexistent/token"},
                    {"AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/scan"}}),
            {});
        REQUIRE(credentials);
        CHECK(credentials->access_key_id == "AKID");
        CHECK(credentials->secret_key == "SECRET");
        CHECK(credentials->session_token == "TOKEN");
    }

    TEST_CASE("incomplete credentials are errors that name the variables") {
        auto half = delivery::resolve_credentials(env_of({{"AWS_ACCESS_KEY_ID", "AKID"}}), {});
        REQUIRE_FALSE(half);
        CHECK(half.error() == "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not");
        auto none = delivery::resolve_credentials(env_of({}), {});
        REQUIRE_FALSE(none);
        CHECK(none.error() ==
              "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and "
              "AWS_SESSION_TOKEN), or AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN");
        auto no_role = delivery::resolve_credentials(
            env_of({{"AWS_WEB_IDENTITY_TOKEN_FILE", "/nonexistent/token"}}), {});
        REQUIRE_FALSE(no_role);
        CHECK(no_role.error() ==
              "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not: no role to assume");
    }

    TEST_CASE("a web identity token file that cannot be read is named, before any request") {
        auto missing = delivery::resolve_credentials(
            env_of({{"AWS_WEB_IDENTITY_TOKEN_FILE", "/nonexistent/token"},
                    {"AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/scan"}}),
            {});
        REQUIRE_FALSE(missing);
        CHECK(missing.error().starts_with("AWS_WEB_IDENTITY_TOKEN_FILE /nonexistent/token: "));

        const std::string empty = std::filesystem::temp_directory_path() / "kubeproof-empty-token";
        std::ofstream(empty) << "\n  \n";
        auto blank = delivery::resolve_credentials(
            env_of({{"AWS_WEB_IDENTITY_TOKEN_FILE", empty},
                    {"AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/scan"}}),
            {});
        std::filesystem::remove(empty);
        REQUIRE_FALSE(blank);
        CHECK(blank.error() == "AWS_WEB_IDENTITY_TOKEN_FILE " + empty + " is empty");
    }
}
