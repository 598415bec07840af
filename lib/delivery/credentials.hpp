#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "util/expected.hpp"

namespace kubeproof::delivery {

/// An AWS key pair, with the session token of temporary credentials. Never printed.
struct Credentials {
    std::string access_key_id;
    std::string secret_key;
    std::string session_token;  ///< "" for long-term keys
};

/// Reads one environment variable; nullopt when unset (tests pass a map).
using Environment = std::function<std::optional<std::string>(const std::string& name)>;

/// The process environment.
Environment process_environment();

/// The form body of an STS AssumeRoleWithWebIdentity request (Version 2011-06-15).
std::string web_identity_request_body(std::string_view role_arn, std::string_view session_name,
                                      std::string_view token);

/// The temporary credentials in an STS AssumeRoleWithWebIdentity answer: each of AccessKeyId,
/// SecretAccessKey and SessionToken exactly once inside the result's one <Credentials> element,
/// as text (XML entities decoded). An answer without them, or with them twice, is an error that
/// names what is wrong and never quotes a value.
util::Expected<Credentials, std::string> parse_web_identity_answer(std::string_view xml);

/// The error code of an STS error answer (<Code>…</Code>), "" when there is none.
std::string sts_error_code(std::string_view xml);

/// How to reach STS when credentials come from a web identity token.
struct StsSettings {
    std::string region;   ///< for the regional endpoint, https://sts.REGION.amazonaws.com/
    std::string ca_file;  ///< trusted roots; "" for the system bundle
};

/// The keys of `profile` in the text of an AWS shared credentials file called `name` (for
/// messages): `[profile]` sections of `key = value` lines, `#` and `;` comment lines, blank lines,
/// whitespace around names and values trimmed, CRLF or LF, a last line without a newline. Key
/// names are case-sensitive (`aws_access_key_id`, `aws_secret_access_key`, `aws_session_token`;
/// others, like `region`, are skipped); a value is the rest of its line (no inline comments).
/// Strict: a line that is none of these, a setting before any section, the profile twice, one of
/// the three keys twice in the profile (an error, not last-wins: two keys in one profile are a
/// mistake to fix, not to guess), a key id without its secret or a secret without its key id are
/// errors that name `name:line`; an absent profile names the file. No error ever quotes a line
/// or a value.
util::Expected<Credentials, std::string> parse_credentials_file(std::string_view text,
                                                                std::string_view name,
                                                                std::string_view profile);

/// Credentials as the AWS SDKs look for them: AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+
/// AWS_SESSION_TOKEN) first; else AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN (+
/// AWS_ROLE_SESSION_NAME) exchanged at STS (AWS_ENDPOINT_URL_STS overrides the endpoint); else
/// the shared credentials file (parse_credentials_file): AWS_SHARED_CREDENTIALS_FILE, or
/// $HOME/.aws/credentials when that exists, its profile AWS_PROFILE or `default`. A file named by
/// AWS_SHARED_CREDENTIALS_FILE must exist. Errors name the variable or file, never a secret.
util::Expected<Credentials, std::string> resolve_credentials(const Environment& env,
                                                             const StsSettings& sts);

}  // namespace kubeproof::delivery
