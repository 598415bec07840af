#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <utility>
#include <vector>

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
              "AWS_SESSION_TOKEN), or AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN, or "
              "AWS_SHARED_CREDENTIALS_FILE (else $HOME/.aws/credentials) and AWS_PROFILE");
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

    TEST_CASE("a credentials file: the profile's keys, comments, whitespace and other profiles") {
        const std::string text =
            "# written by hand\n"
            "; an INI comment too\n"
            "\n"
            "[default]\n"
            "aws_access_key_id=AKIADEFAULT\n"
            "aws_secret_access_key=DEFAULT-CANARY\n"
            "  [ scanner ]  \n"
            "\taws_access_key_id   =   AKIASCANNER  \n"
            "region = eu-west-1\n"
            "aws_secret_access_key = a/b+c=d==\n"
            "  # indented comment\n"
            "aws_session_token= TOKEN\n"
            "[other]\n"
            "aws_access_key_id = AKIAOTHER\n"
            "aws_access_key_id = AKIAOTHER2\n";
        auto scanner = delivery::parse_credentials_file(text, "creds", "scanner");
        REQUIRE(scanner);
        CHECK(scanner->access_key_id == "AKIASCANNER");
        CHECK(scanner->secret_key == "a/b+c=d==");  // split at the first '='
        CHECK(scanner->session_token == "TOKEN");
        auto fallback = delivery::parse_credentials_file(text, "creds", "default");
        REQUIRE(fallback);
        CHECK(fallback->access_key_id == "AKIADEFAULT");
        CHECK(fallback->secret_key == "DEFAULT-CANARY");
        CHECK(fallback->session_token.empty());
        // Duplicates are judged in the chosen profile only.
        auto other = delivery::parse_credentials_file(text, "creds", "other");
        REQUIRE_FALSE(other);
        CHECK(other.error() ==
              "creds:15: aws_access_key_id is set twice in [other] (first on line 14)");
    }

    TEST_CASE("a credentials file with CRLF line endings and no newline at the end") {
        auto crlf = delivery::parse_credentials_file(
            "[default]\r\naws_access_key_id = AKID\r\naws_secret_access_key = SECRET", "c",
            "default");
        REQUIRE(crlf);
        CHECK(crlf->access_key_id == "AKID");
        CHECK(crlf->secret_key == "SECRET");
    }

    TEST_CASE("a credentials file's key names are case-sensitive, as the AWS tools write them") {
        auto upper = delivery::parse_credentials_file(
            "[default]\nAWS_ACCESS_KEY_ID = AKID\nAws_Secret_Access_Key = SECRET-CANARY\n", "c",
            "default");
        REQUIRE_FALSE(upper);
        CHECK(upper.error() == "c:1: [default] has no aws_access_key_id and aws_secret_access_key");
    }

    TEST_CASE("a credentials file's errors name file:line and never a value") {
        const std::string canary = "FILE-SECRET-CANARY-9d3e";
        const std::vector<std::pair<std::string, std::string>> cases = {
            {"[default]\naws_access_key_id = AKID\n",
             "f:2: [default] has aws_access_key_id but no "
             "aws_secret_access_key"},
            {"[default]\naws_secret_access_key = " + canary + "\n",
             "f:2: [default] has aws_secret_access_key but no aws_access_key_id"},
            {"[default]\naws_access_key_id = AKID\naws_secret_access_key = x\n"
             "aws_secret_access_key = " +
                 canary + "\n",
             "f:4: aws_secret_access_key is set twice in [default] (first on line 3)"},
            {"[default]\naws_access_key_id = AKID\n" + canary + "\n",
             "f:3: not a [profile] header, a comment or a key = value line"},
            {"aws_secret_access_key = " + canary + "\n[default]\n",
             "f:1: a setting before any [profile] header"},
            {"[default\naws_secret_access_key = " + canary + "\n",
             "f:1: a section header is [profile-name]"},
            {"[default]\n= " + canary + "\n", "f:2: a key = value line without the key"},
            {"[default]\naws_access_key_id = A\naws_secret_access_key = " + canary +
                 "\n[default]\n",
             "f:4: profile [default] appears twice (first on line 1)"},
            {"[other]\naws_access_key_id = A\naws_secret_access_key = " + canary + "\n",
             "f: no [default] profile"},
            {"", "f: no [default] profile"},
            {"[default]\nregion = eu-west-1\n",
             "f:1: [default] has no aws_access_key_id and aws_secret_access_key"},
        };
        for (const auto& entry : cases) {
            const auto& text = entry.first;
            const auto& message = entry.second;
            CAPTURE(text);
            auto parsed = delivery::parse_credentials_file(text, "f", "default");
            REQUIRE_FALSE(parsed);
            CHECK(parsed.error() == message);
            CHECK(parsed.error().find(canary) == std::string::npos);
        }
    }

    TEST_CASE(
        "the shared credentials file comes after the environment and the web identity token") {
        const auto dir = std::filesystem::temp_directory_path() / "kubeproof-credentials-test";
        std::filesystem::create_directories(dir / ".aws");
        const std::string named = dir / "named";
        std::ofstream(named) << "[default]\naws_access_key_id = AKIADEFAULT\n"
                                "aws_secret_access_key = S1\n[scan]\naws_access_key_id = AKIASCAN\n"
                                "aws_secret_access_key = S2\naws_session_token = T2\n";
        std::ofstream(dir / ".aws" / "credentials")
            << "[default]\naws_access_key_id = AKIAHOME\naws_secret_access_key = S3\n";

        auto chosen = delivery::resolve_credentials(env_of({{"AWS_SHARED_CREDENTIALS_FILE", named},
                                                            {"AWS_PROFILE", "scan"},
                                                            {"HOME", dir.string()}}),
                                                    {});
        REQUIRE(chosen);
        CHECK(chosen->access_key_id == "AKIASCAN");
        CHECK(chosen->secret_key == "S2");
        CHECK(chosen->session_token == "T2");
        auto home = delivery::resolve_credentials(env_of({{"HOME", dir.string()}}), {});
        REQUIRE(home);
        CHECK(home->access_key_id == "AKIAHOME");
        auto environment =
            delivery::resolve_credentials(env_of({{"AWS_ACCESS_KEY_ID", "AKIDENV"},
                                                  {"AWS_SECRET_ACCESS_KEY", "SENV"},
                                                  {"AWS_SHARED_CREDENTIALS_FILE", named}}),
                                          {});
        REQUIRE(environment);
        CHECK(environment->access_key_id == "AKIDENV");
        // A web identity token goes before the file: its error shows the file was not read.
        auto web = delivery::resolve_credentials(
            env_of({{"AWS_WEB_IDENTITY_TOKEN_FILE", "/nonexistent/token"},
                    {"AWS_SHARED_CREDENTIALS_FILE", named}}),
            {});
        REQUIRE_FALSE(web);
        CHECK(web.error() ==
              "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not: no role to assume");
        auto absent_profile = delivery::resolve_credentials(
            env_of({{"AWS_SHARED_CREDENTIALS_FILE", named}, {"AWS_PROFILE", "nope"}}), {});
        REQUIRE_FALSE(absent_profile);
        CHECK(absent_profile.error() == named + ": no [nope] profile");

        // A missing default file is no credentials; a missing named file is an error.
        std::filesystem::remove(dir / ".aws" / "credentials");
        auto none = delivery::resolve_credentials(env_of({{"HOME", dir.string()}}), {});
        REQUIRE_FALSE(none);
        CHECK(none.error().starts_with("no AWS credentials: "));
        const std::string missing = dir / "missing";
        auto named_missing = delivery::resolve_credentials(
            env_of({{"AWS_SHARED_CREDENTIALS_FILE", missing}, {"HOME", dir.string()}}), {});
        REQUIRE_FALSE(named_missing);
        CHECK(named_missing.error() ==
              "AWS_SHARED_CREDENTIALS_FILE " + missing + ": No such file or directory");
        std::filesystem::remove_all(dir);
    }
}
