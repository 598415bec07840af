#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "util/expected.hpp"

namespace kubeproof::k8s {

/// How one HTTPS connection is secured; PEM bytes are held in memory and handed to curl as blobs.
struct TlsSettings {
    std::string ca_pem;  ///< trusted roots in memory (a kubeconfig's CA), or
    std::string
        ca_file;  ///< trusted roots in a file (the system bundle); one is needed unless insecure
    bool insecure = false;
    std::string server_name;  ///< verify (and send SNI for) this name instead of the URL's host
    std::string client_certificate_pem;
    std::string client_key_pem;
};

/// Settings shared by every request of one client.
struct HttpSettings {
    TlsSettings tls;
    std::string
        proxy_url;  ///< empty: https_proxy/no_proxy from the environment (never for loopback)
    std::string proxy_ca_file;  ///< for an https:// proxy (the system bundle)
    std::chrono::milliseconds connect_timeout{10000};  ///< TCP, proxy and TLS handshakes
    /// Once the request is sent, the longest wait for the next byte of the answer (headers or
    /// body): a server that goes silent is cut after this, not after the whole request's timeout.
    std::chrono::milliseconds read_timeout{15000};
    std::string user_agent = "kubeproof";
};

/// One GET request.
struct HttpRequest {
    std::string url;
    std::string bearer_token;  ///< sent as "Authorization: Bearer"; never logged
    std::string username;      ///< basic auth, with password
    std::string password;
    const TlsSettings* client_identity =
        nullptr;  ///< overrides the client certificate (exec plugins)
    std::chrono::milliseconds timeout{30000};
    /// Receives the body in chunks; return false to abort the transfer.
    std::function<bool(std::string_view chunk)> on_body;
};

/// The status line and the headers that matter.
struct HttpResponse {
    long status = 0;
    std::optional<long> retry_after_seconds;
};

/// A request that got no HTTP response.
struct TransportError {
    enum class Kind { Tls, Connect, Timeout, Aborted, Other };
    Kind kind = Kind::Other;
    std::string
        message;  ///< "TLS: SSL certificate problem: unable to get local issuer certificate"

    /// Connection problems and timeouts are worth another attempt; TLS problems are not.
    bool retryable() const { return kind == Kind::Connect || kind == Kind::Timeout; }
};

/// A libcurl easy handle with fixed TLS and proxy settings; reuses its connection. Not thread-safe.
class HttpClient {
public:
    /// Creates a client (curl_global_init runs once per process).
    static util::Expected<std::unique_ptr<HttpClient>, std::string> create(HttpSettings settings);
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    /// Performs one GET (no retries); any HTTP status is a response.
    util::Expected<HttpResponse, TransportError> get(const HttpRequest& request);

private:
    struct Impl;
    explicit HttpClient(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

/// A duration as a person writes it: "15s", "1.5s", "250ms", "10m".
std::string duration_text(std::chrono::milliseconds duration);

/// Percent-encodes a query parameter value (RFC 3986 unreserved characters stay).
std::string url_encode(std::string_view text);

/// "Too Many Requests" for 429, "" when unknown.
std::string reason_phrase(long status);

}  // namespace kubeproof::k8s
