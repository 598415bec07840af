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

/// Credentials as the AWS SDKs look for them: AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+
/// AWS_SESSION_TOKEN) first; else AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN (+
/// AWS_ROLE_SESSION_NAME) exchanged at STS (AWS_ENDPOINT_URL_STS overrides the endpoint). Errors
/// name the variable or file, never a secret.
util::Expected<Credentials, std::string> resolve_credentials(const Environment& env,
                                                             const StsSettings& sts);

}  // namespace kubeproof::delivery
