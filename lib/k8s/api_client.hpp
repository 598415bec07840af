#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "k8s/exec_credential.hpp"
#include "k8s/http.hpp"
#include "k8s/kubeconfig.hpp"
#include "util/expected.hpp"

namespace kubeproof::k8s {

/// Timeouts, retries and limits for talking to the API server.
struct ClientOptions {
    std::chrono::milliseconds request_timeout{30000};  ///< per HTTP request
    std::chrono::milliseconds connect_timeout{10000};  ///< TCP, proxy and TLS handshakes
    std::chrono::milliseconds read_timeout{15000};     ///< no byte of an answer for this long: cut
    std::chrono::milliseconds list_deadline{std::chrono::minutes(10)};  ///< all pages of one list
    /// The whole scan's deadline (`run --timeout`): no request, retry or credential plugin run
    /// outlives it, and a request it cut says so, by `scan_deadline_name`. Unset: none.
    std::optional<std::chrono::steady_clock::time_point> scan_deadline = std::nullopt;
    std::string scan_deadline_name = "the scan's deadline";  ///< "the scan's --timeout of 90s"
    std::chrono::milliseconds exec_timeout{60000};           ///< an exec credential plugin's run
    int max_attempts = 5;  ///< per request: on 429, 500/502/503/504, connection errors and timeouts
    std::chrono::milliseconds backoff_initial{500};  ///< doubled each attempt, with jitter
    std::chrono::milliseconds backoff_max{10000};
    std::chrono::seconds retry_after_max{60};  ///< a longer Retry-After gives up instead
    std::size_t max_body_bytes = std::size_t{512} << 20;
    /// Trusted roots when the kubeconfig names none: SSL_CERT_FILE first, then the first of these
    /// that exists (empty: the system's usual places, local::system_ca_bundles()).
    std::vector<std::string> system_ca_files = {};
};

/// The last HTTP response to a GET, after retries.
struct ApiResponse {
    long status = 0;
    std::string body;
    int attempts = 0;
};

/// Authenticated GETs against one API server, with retries, backoff and deadlines.
class ApiClient {
public:
    using Deadline = std::chrono::steady_clock::time_point;

    /// Reads the TLS material and checks the credentials' files; errors name the file, never a
    /// secret.
    static util::Expected<std::unique_ptr<ApiClient>, std::string> create(
        ConnectionConfig config, const ClientOptions& options = {});

    /// GETs `path` ("/api/v1/pods?limit=500"); any final HTTP status is a response, no response an
    /// error.
    util::Expected<ApiResponse, std::string> get(const std::string& path, Deadline deadline);

    /// The server URL, as configured.
    const std::string& server() const { return m_config.server; }
    /// The resolved connection (origin, context, warnings).
    const ConnectionConfig& config() const { return m_config; }
    /// The options in use.
    const ClientOptions& options() const { return m_options; }
    /// The request in flight when the scan's deadline passed, with why it ended ("the scan's
    /// --timeout of 90s passed: GET https://…: timed out: …"); empty while none was cut.
    const std::string& deadline_cut() const { return m_deadline_cut; }

private:
    /// Credentials for one request.
    struct Auth {
        std::string token;
        const TlsSettings* identity = nullptr;
    };

    /// What to do after one attempt: return the response, fail with `error`, or retry after
    /// `delay`.
    struct Step {
        enum class Kind { Return, Fail, Retry };
        Kind kind = Kind::Return;
        std::chrono::milliseconds delay{0};
        std::string error;
    };

    ApiClient(ConnectionConfig config, const ClientOptions& options, TlsSettings tls);
    Step after_error(const TransportError& error, const std::string& url, int attempt);
    Step after_response(const HttpResponse& response, int attempt, bool& refreshed);
    util::Expected<Auth, std::string> current_auth();
    util::Expected<std::string, std::string> exec_token();
    std::chrono::milliseconds backoff(int attempt);
    bool wait(std::chrono::milliseconds delay, Deadline deadline) const;
    /// The error of a request the scan's deadline stopped, before it was sent or after attempts.
    std::string scan_cut(const std::string& url, const std::string& last_error, bool sent);

    ConnectionConfig m_config;
    ClientOptions m_options;
    TlsSettings m_tls;
    std::unique_ptr<HttpClient> m_http;
    std::optional<ExecCredential> m_exec_credential;
    TlsSettings m_exec_identity;
    std::minstd_rand m_random;
    std::string m_deadline_cut;
};

}  // namespace kubeproof::k8s
