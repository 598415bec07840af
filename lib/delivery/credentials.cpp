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
    return util::unexpected(
        std::string("no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and "
                    "AWS_SESSION_TOKEN), or AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN"));
}

}  // namespace kubeproof::delivery
