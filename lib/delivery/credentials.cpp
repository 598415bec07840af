#include "delivery/credentials.hpp"

#include <cctype>
#include <cstdlib>

#include <fmt/format.h>

#include "delivery/http_call.hpp"
#include "delivery/sigv4.hpp"
#include "local/local_files.hpp"

namespace kubeproof::delivery {

namespace {

/// A web identity token is a JWT of a few kilobytes; anything this large is not one.
constexpr size_t k_token_limit = 65536;

/// The text of the one `<tag>…</tag>` inside `xml`; nullopt when it is missing, appears twice or
/// holds markup.
std::optional<std::string_view> only_element(std::string_view xml, std::string_view tag) {
    const std::string open = "<" + std::string(tag) + ">";
    const std::string close = "</" + std::string(tag) + ">";
    const auto start = xml.find(open);
    if (start == std::string_view::npos) return std::nullopt;
    if (xml.find(open, start + open.size()) != std::string_view::npos) return std::nullopt;
    const auto end = xml.find(close, start + open.size());
    if (end == std::string_view::npos) return std::nullopt;
    const auto text = xml.substr(start + open.size(), end - start - open.size());
    if (text.find('<') != std::string_view::npos) return std::nullopt;
    return text;
}

/// Decodes the five predefined XML entities; nullopt for any other '&'.
std::optional<std::string> xml_text(std::string_view text) {
    static constexpr std::pair<std::string_view, char> k_entities[] = {
        {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
    std::string out;
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '&') {
            out.push_back(text[i]);
            continue;
        }
        bool known = false;
        for (const auto& [entity, c] : k_entities) {
            if (text.substr(i).starts_with(entity)) {
                out.push_back(c);
                i += entity.size() - 1;
                known = true;
                break;
            }
        }
        if (!known) return std::nullopt;
    }
    return out;
}

std::string trim(std::string_view text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return "";
    const auto last = text.find_last_not_of(" \t\r\n");
    return std::string(text.substr(first, last - first + 1));
}

util::Expected<std::string, std::string> read_token(const std::string& path) {
    auto text = local::read_local_file_head(path, k_token_limit);
    if (!text) return util::unexpected("AWS_WEB_IDENTITY_TOKEN_FILE " + text.error().message);
    if (text->size() >= k_token_limit)
        return util::unexpected("AWS_WEB_IDENTITY_TOKEN_FILE " + path +
                                ": larger than a web identity token can be");
    std::string token = trim(*text);
    if (token.empty()) return util::unexpected("AWS_WEB_IDENTITY_TOKEN_FILE " + path + " is empty");
    return token;
}

/// Where a profile and its key pair were found in a credentials file (0: not found).
struct PairLines {
    size_t profile = 0;
    size_t id = 0;
    size_t secret = 0;
};

/// "line: what is missing" when a profile lacks its key id, its secret or both; nullopt when the
/// pair is complete.
std::optional<std::string> incomplete_pair(const Credentials& keys, std::string_view profile,
                                           const PairLines& lines) {
    const std::string section = "[" + std::string(profile) + "]";
    if (keys.access_key_id.empty() && keys.secret_key.empty())
        return fmt::format("{}: {} has no aws_access_key_id and aws_secret_access_key",
                           lines.profile, section);
    if (keys.secret_key.empty())
        return fmt::format("{}: {} has aws_access_key_id but no aws_secret_access_key", lines.id,
                           section);
    if (keys.access_key_id.empty())
        return fmt::format("{}: {} has aws_secret_access_key but no aws_access_key_id",
                           lines.secret, section);
    return std::nullopt;
}

/// A credentials file holds a few profiles of a few lines each; anything this large is not one.
constexpr size_t k_credentials_limit = size_t{1024} * 1024;

/// The shared credentials file: AWS_SHARED_CREDENTIALS_FILE (which must exist), else
/// $HOME/.aws/credentials when it exists; nullopt when there is none.
std::optional<util::Expected<Credentials, std::string>> from_credentials_file(
    const Environment& env) {
    std::string path;
    std::string variable;
    if (auto named = env("AWS_SHARED_CREDENTIALS_FILE"); named && !named->empty()) {
        path = *named;
        variable = "AWS_SHARED_CREDENTIALS_FILE ";
    } else if (auto home = env("HOME"); home && !home->empty()) {
        path = *home + "/.aws/credentials";
    } else {
        return std::nullopt;
    }
    auto text = local::read_local_file_head(path, k_credentials_limit);
    if (!text) {
        // The default file is optional, as for the AWS CLI; one named explicitly is not.
        if (variable.empty() && text.error().kind == util::IoError::Kind::NotFound)
            return std::nullopt;
        return util::unexpected(variable + text.error().message);
    }
    if (text->size() >= k_credentials_limit)
        return util::unexpected(variable + path + ": larger than a credentials file can be");
    const auto profile = env("AWS_PROFILE");
    return parse_credentials_file(*text, path, profile && !profile->empty() ? *profile : "default");
}

std::string sts_endpoint(const Environment& env, const std::string& region) {
    if (auto url = env("AWS_ENDPOINT_URL_STS"); url && !url->empty()) return *url;
    return region.empty() ? "https://sts.amazonaws.com/"
                          : "https://sts." + region + ".amazonaws.com/";
}

util::Expected<Credentials, std::string> assume_role(const Environment& env, const StsSettings& sts,
                                                     const std::string& token_file) {
    const auto role = env("AWS_ROLE_ARN");
    if (!role || role->empty())
        return util::unexpected(std::string(
            "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not: no role to assume"));
    auto token = read_token(token_file);
    if (!token) return util::unexpected(token.error());
    const auto session = env("AWS_ROLE_SESSION_NAME");
    HttpCall call;
    call.method = "POST";
    call.url = sts_endpoint(env, sts.region);
    call.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
    call.body = web_identity_request_body(
        *role, session && !session->empty() ? *session : "kubeproof", *token);
    call.ca_file = sts.ca_file;
    const std::string what = "STS AssumeRoleWithWebIdentity for " + *role;
    auto reply = perform_with_retries(call, RetryPolicy{});
    if (!reply) return util::unexpected(what + ": " + reply.error().message);
    if (reply->status < 200 || reply->status > 299) {
        const std::string code = sts_error_code(reply->body);
        return util::unexpected(what + ": HTTP " + std::to_string(reply->status) +
                                (code.empty() ? "" : " (" + code + ")"));
    }
    auto credentials = parse_web_identity_answer(reply->body);
    if (!credentials) return util::unexpected(what + ": " + credentials.error());
    return credentials;
}

}  // namespace

Environment process_environment() {
    return [](const std::string& name) -> std::optional<std::string> {
        const char* value = std::getenv(name.c_str());
        if (value == nullptr) return std::nullopt;
        return std::string(value);
    };
}

std::string web_identity_request_body(std::string_view role_arn, std::string_view session_name,
                                      std::string_view token) {
    return "Action=AssumeRoleWithWebIdentity&RoleArn=" + uri_encode(role_arn, false) +
           "&RoleSessionName=" + uri_encode(session_name, false) +
           "&Version=2011-06-15&WebIdentityToken=" + uri_encode(token, false);
}

util::Expected<Credentials, std::string> parse_web_identity_answer(std::string_view xml) {
    const auto result = xml.find("<AssumeRoleWithWebIdentityResult>");
    if (result == std::string_view::npos)
        return util::unexpected(std::string("the answer has no <AssumeRoleWithWebIdentityResult>"));
    const auto open = xml.find("<Credentials>", result);
    const auto close = xml.find("</Credentials>", result);
    if (open == std::string_view::npos || close == std::string_view::npos || close < open ||
        xml.find("<Credentials>", open + 1) != std::string_view::npos)
        return util::unexpected(std::string("the answer has no single <Credentials> element"));
    const std::string_view inside = xml.substr(open, close - open);
    Credentials out;
    const std::pair<std::string_view, std::string*> fields[] = {
        {"AccessKeyId", &out.access_key_id},
        {"SecretAccessKey", &out.secret_key},
        {"SessionToken", &out.session_token}};
    for (const auto& [tag, value] : fields) {
        const auto text = only_element(inside, tag);
        auto decoded = text ? xml_text(trim(*text)) : std::nullopt;
        if (!decoded || decoded->empty())
            return util::unexpected(fmt::format("<Credentials> has no single text <{}>", tag));
        *value = std::move(*decoded);
    }
    return out;
}

// The format, as the AWS CLI User Guide documents it ("Configuration and credential file settings
// in the AWS CLI", docs.aws.amazon.com/cli/latest/userguide/cli-configure-files.html, "Format of
// the configuration and credential files"): sections named in brackets (in the credentials file
// the bare profile name, `[default]`, `[user1]`, without the config file's `profile ` prefix),
// entries `setting_name=value`, lines commented out with `#`. The AWS SDKs and Tools Reference
// Guide ("Shared config and credentials files", docs.aws.amazon.com/sdkref/latest/guide/
// file-format.html) calls them INI files of ASCII text, the profile chosen by AWS_PROFILE, else
// `default`. The setting names are the lower-case ones those pages give and are compared exactly;
// `;` comment lines are accepted as in other INI files.
util::Expected<Credentials, std::string> parse_credentials_file(std::string_view text,
                                                                std::string_view name,
                                                                std::string_view profile) {
    struct Setting {
        std::string_view key;
        std::string* value = nullptr;
        size_t line = 0;  ///< where it was set; 0 when it was not
    };
    Credentials out;
    Setting settings[] = {{"aws_access_key_id", &out.access_key_id},
                          {"aws_secret_access_key", &out.secret_key},
                          {"aws_session_token", &out.session_token}};
    const auto at = [&](size_t line, std::string_view what) {
        return util::unexpected(fmt::format("{}:{}: {}", name, line, what));
    };
    bool in_section = false;
    bool in_profile = false;
    size_t profile_line = 0;
    size_t number = 0;
    for (size_t start = 0; start < text.size();) {
        auto end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        const std::string line = trim(text.substr(start, end - start));
        start = end + 1;
        ++number;
        if (line.empty() || line.front() == '#' || line.front() == ';') continue;
        if (line.front() == '[') {
            if (line.back() != ']' || line.size() < 3)
                return at(number, "a section header is [profile-name]");
            in_section = true;
            in_profile = trim(std::string_view(line).substr(1, line.size() - 2)) == profile;
            if (in_profile && profile_line != 0)
                return at(number, fmt::format("profile [{}] appears twice (first on line {})",
                                              profile, profile_line));
            if (in_profile) profile_line = number;
            continue;
        }
        const auto equals = line.find('=');
        if (equals == std::string::npos)
            return at(number, "not a [profile] header, a comment or a key = value line");
        const std::string key = trim(std::string_view(line).substr(0, equals));
        if (key.empty()) return at(number, "a key = value line without the key");
        if (!in_section) return at(number, "a setting before any [profile] header");
        if (!in_profile) continue;
        for (auto& setting : settings) {
            if (key != setting.key) continue;
            if (setting.line != 0)
                return at(number, fmt::format("{} is set twice in [{}] (first on line {})", key,
                                              profile, setting.line));
            *setting.value = trim(std::string_view(line).substr(equals + 1));
            setting.line = number;
        }
    }
    if (profile_line == 0)
        return util::unexpected(fmt::format("{}: no [{}] profile", name, profile));
    if (auto error =
            incomplete_pair(out, profile, {profile_line, settings[0].line, settings[1].line}))
        return util::unexpected(fmt::format("{}:{}", name, *error));
    return out;
}

std::string sts_error_code(std::string_view xml) {
    const auto code = only_element(xml, "Code");
    if (!code) return "";
    const std::string text = trim(*code);
    // A code is a word ("InvalidIdentityToken"); anything else is not repeated.
    for (const char c : text) {
        if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '.') return "";
    }
    return text.substr(0, 64);
}

util::Expected<Credentials, std::string> resolve_credentials(const Environment& env,
                                                             const StsSettings& sts) {
    const auto id = env("AWS_ACCESS_KEY_ID");
    const auto secret = env("AWS_SECRET_ACCESS_KEY");
    if (id && !id->empty()) {
        if (!secret || secret->empty())
            return util::unexpected(
                std::string("AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not"));
        return Credentials{*id, *secret, env("AWS_SESSION_TOKEN").value_or("")};
    }
    if (const auto file = env("AWS_WEB_IDENTITY_TOKEN_FILE"); file && !file->empty())
        return assume_role(env, sts, *file);
    if (auto from_file = from_credentials_file(env)) return std::move(*from_file);
    return util::unexpected(
        std::string("no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and "
                    "AWS_SESSION_TOKEN), or AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN, or "
                    "AWS_SHARED_CREDENTIALS_FILE (else $HOME/.aws/credentials) and AWS_PROFILE"));
}

}  // namespace kubeproof::delivery
