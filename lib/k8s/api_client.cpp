#include "k8s/api_client.hpp"

#include <algorithm>
#include <thread>

#include "local/ca_bundle.hpp"
#include "local/local_files.hpp"

namespace kubeproof::k8s {

using Clock = std::chrono::steady_clock;

namespace {

std::string trim(const std::string& text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return "";
    return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

util::Expected<std::string, std::string> read_pem(const PemSource& source,
                                                  const std::string& what) {
    if (!source.data.empty()) return source.data;
    auto text = local::read_local_file(source.path);
    if (!text) return util::unexpected(what + " " + text.error().message);
    return std::move(*text);
}

util::Expected<std::string, std::string> read_token_file(const std::string& path) {
    auto text = local::read_local_file(path);
    if (!text) return util::unexpected("token file " + text.error().message);
    std::string token = trim(*text);
    if (token.empty()) return util::unexpected("token file " + path + " is empty");
    return token;
}

std::optional<std::string> system_ca_file(const ClientOptions& options) {
    return local::find_ca_bundle(
        process_env("SSL_CERT_FILE").value_or(""),
        options.system_ca_files.empty() ? local::system_ca_bundles() : options.system_ca_files);
}

/// Fills the trusted roots and the client identity from the connection config.
util::Expected<TlsSettings, std::string> tls_settings(const ConnectionConfig& config,
                                                      const ClientOptions& options) {
    TlsSettings tls;
    tls.insecure = config.insecure_skip_tls_verify;
    tls.server_name = config.tls_server_name;
    if (!config.certificate_authority.empty()) {
        auto ca = read_pem(config.certificate_authority, "certificate-authority");
        if (!ca) return util::unexpected(ca.error());
        tls.ca_pem = std::move(*ca);
    } else if (!tls.insecure && config.server.rfind("https://", 0) == 0) {
        auto file = system_ca_file(options);
        if (!file) {
            return util::unexpected("no certificate-authority is configured for " + config.server +
                                    " and no system CA bundle was found");
        }
        tls.ca_file = *file;
    }
    if (!config.client_certificate.empty()) {
        auto cert = read_pem(config.client_certificate, "client-certificate");
        if (!cert) return util::unexpected(cert.error());
        auto key = read_pem(config.client_key, "client-key");
        if (!key) return util::unexpected(key.error());
        tls.client_certificate_pem = std::move(*cert);
        tls.client_key_pem = std::move(*key);
    }
    return tls;
}

bool retryable_status(long status) {
    return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
}

std::string attempts_note(int attempts) {
    return attempts > 1 ? " (" + std::to_string(attempts) + " attempts)" : "";
}

}  // namespace

ApiClient::ApiClient(ConnectionConfig config, const ClientOptions& options, TlsSettings tls)
    : m_config(std::move(config)),
      m_options(options),
      m_tls(std::move(tls)),
      m_random(static_cast<unsigned>(Clock::now().time_since_epoch().count())) {}

util::Expected<std::unique_ptr<ApiClient>, std::string> ApiClient::create(
    ConnectionConfig config, const ClientOptions& options) {
    const std::string prefix = config.origin.empty() ? "" : config.origin + ": ";
    while (!config.server.empty() && config.server.back() == '/') config.server.pop_back();
    if (config.server.rfind("https://", 0) != 0 && config.server.rfind("http://", 0) != 0) {
        return util::unexpected(prefix + "server \"" + config.server + "\" is not an https:// URL");
    }
    auto tls = tls_settings(config, options);
    if (!tls) return util::unexpected(prefix + tls.error());
    if (config.token.empty() && !config.token_file.empty()) {
        if (auto token = read_token_file(config.token_file); !token)
            return util::unexpected(prefix + token.error());
    }
    HttpSettings settings;
    settings.tls = *tls;
    settings.proxy_url = config.proxy_url;
    settings.connect_timeout = options.connect_timeout;
    settings.read_timeout = options.read_timeout;
    settings.user_agent = std::string("kubeproof/") + KUBEPROOF_VERSION;
    if (auto ca = system_ca_file(options)) settings.proxy_ca_file = *ca;
    auto http = HttpClient::create(std::move(settings));
    if (!http) return util::unexpected(http.error());
    std::unique_ptr<ApiClient> client(new ApiClient(std::move(config), options, std::move(*tls)));
    client->m_http = std::move(*http);
    return client;
}

util::Expected<std::string, std::string> ApiClient::exec_token() {
    const auto now = std::chrono::system_clock::now();
    if (m_exec_credential && (!m_exec_credential->expires ||
                              *m_exec_credential->expires > now + std::chrono::seconds(10))) {
        return m_exec_credential->token;
    }
    const ExecClusterInfo cluster{m_config.server, m_tls.server_name, m_tls.insecure, m_tls.ca_pem,
                                  m_config.proxy_url};
    auto timeout = m_options.exec_timeout;
    if (m_options.scan_deadline) {  // a plugin that hangs must not outlive the scan either
        const auto left =
            std::chrono::ceil<std::chrono::milliseconds>(*m_options.scan_deadline - Clock::now());
        timeout = std::max(std::chrono::milliseconds(1), std::min(left, timeout));
    }
    auto credential = run_exec_plugin(*m_config.exec, &cluster, timeout);
    if (!credential) return util::unexpected(credential.error());
    m_exec_credential = std::move(*credential);
    m_exec_identity = m_tls;
    m_exec_identity.client_certificate_pem = m_exec_credential->client_certificate_pem;
    m_exec_identity.client_key_pem = m_exec_credential->client_key_pem;
    return m_exec_credential->token;
}

util::Expected<ApiClient::Auth, std::string> ApiClient::current_auth() {
    Auth auth;
    if (!m_config.token.empty()) {
        auth.token = m_config.token;
    } else if (!m_config.token_file.empty()) {
        auto token = read_token_file(m_config.token_file);
        if (!token) return util::unexpected(token.error());
        auth.token = std::move(*token);
    } else if (m_config.exec) {
        auto token = exec_token();
        if (!token) return util::unexpected(token.error());
        auth.token = std::move(*token);
        if (!m_exec_identity.client_certificate_pem.empty()) auth.identity = &m_exec_identity;
    }
    return auth;
}

std::chrono::milliseconds ApiClient::backoff(int attempt) {
    const auto base = m_options.backoff_initial.count() << std::min(attempt - 1, 20);
    const long long capped = std::min<long long>(base, m_options.backoff_max.count());
    std::uniform_int_distribution<long long> jitter(capped / 2, std::max<long long>(capped, 0));
    return std::chrono::milliseconds(jitter(m_random));
}

bool ApiClient::wait(std::chrono::milliseconds delay, Deadline deadline) const {
    if (Clock::now() + delay >= deadline) return false;
    std::this_thread::sleep_for(delay);
    return true;
}

ApiClient::Step ApiClient::after_error(const TransportError& error, const std::string& url,
                                       int attempt) {
    if (error.kind == TransportError::Kind::Aborted) {
        return {Step::Kind::Fail,
                {},
                "GET " + url + ": the response is larger than " +
                    std::to_string(m_options.max_body_bytes) + " bytes"};
    }
    std::string message = "GET " + url + ": " + error.message + attempts_note(attempt);
    if (!error.retryable() || attempt == m_options.max_attempts)
        return {Step::Kind::Fail, {}, std::move(message)};
    return {Step::Kind::Retry, backoff(attempt), std::move(message)};
}

ApiClient::Step ApiClient::after_response(const HttpResponse& response, int attempt,
                                          bool& refreshed) {
    const bool exec_auth = m_config.exec && m_config.token.empty() && m_config.token_file.empty();
    if (response.status == 401 && exec_auth && !refreshed) {
        refreshed = true;  // the plugin's credential may have been revoked early: run it once more
        m_exec_credential.reset();
        return {Step::Kind::Retry, std::chrono::milliseconds(0), {}};
    }
    if (!retryable_status(response.status) || attempt == m_options.max_attempts)
        return {Step::Kind::Return, {}, {}};
    if (!response.retry_after_seconds) return {Step::Kind::Retry, backoff(attempt), {}};
    const std::chrono::seconds wanted(*response.retry_after_seconds);
    if (wanted > m_options.retry_after_max) return {Step::Kind::Return, {}, {}};
    return {Step::Kind::Retry, wanted, {}};
}

util::Expected<ApiResponse, std::string> ApiClient::get(const std::string& path,
                                                        Deadline deadline) {
    const std::string url = m_config.server + path;
    // The scan's deadline bounds every request; when it is the nearer one, a failure names it.
    const bool scan_bound = m_options.scan_deadline && *m_options.scan_deadline <= deadline;
    if (scan_bound) deadline = *m_options.scan_deadline;
    ApiResponse response;
    std::string last_error = "GET " + url + ": the deadline passed before the request was sent";
    bool refreshed = false;
    bool sent = false;
    bool out_of_time = false;  // the deadline came, or would before the next attempt
    for (int attempt = 1; attempt <= m_options.max_attempts; ++attempt) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) {
            out_of_time = true;
            break;
        }
        auto auth = current_auth();
        if (!auth) return util::unexpected(auth.error());
        HttpRequest request{url,
                            auth->token,
                            m_config.username,
                            m_config.password,
                            auth->identity,
                            std::min(m_options.request_timeout, left),
                            nullptr};
        response.body.clear();
        request.on_body = [&](std::string_view chunk) {
            if (response.body.size() + chunk.size() > m_options.max_body_bytes) return false;
            response.body.append(chunk);
            return true;
        };
        const auto result = m_http->get(request);
        sent = true;
        response.attempts = attempt;
        response.status = result ? result->status : 0;
        const Step step = result ? after_response(*result, attempt, refreshed)
                                 : after_error(result.error(), url, attempt);
        if (!step.error.empty()) last_error = step.error;
        if (step.kind == Step::Kind::Return) return response;
        if (step.kind == Step::Kind::Fail) break;
        if (!wait(step.delay, deadline)) {
            out_of_time = true;
            break;
        }
    }
    if (response.status != 0) return response;
    if (scan_bound && (out_of_time || Clock::now() >= deadline))
        return util::unexpected(scan_cut(url, last_error, sent));
    return util::unexpected(last_error);
}

std::string ApiClient::scan_cut(const std::string& url, const std::string& last_error, bool sent) {
    if (!sent) return m_options.scan_deadline_name + " passed before GET " + url + " was sent";
    if (Clock::now() < *m_options.scan_deadline)
        return m_options.scan_deadline_name + " leaves no time for another attempt: " + last_error;
    std::string message = m_options.scan_deadline_name + " passed: " + last_error;
    if (m_deadline_cut.empty()) m_deadline_cut = message;
    return message;
}

}  // namespace kubeproof::k8s
