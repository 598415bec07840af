#include "k8s/http.hpp"

#include <cctype>
#include <cstring>
#include <mutex>

#include <curl/curl.h>

namespace kubeproof::k8s {

namespace {

CURLcode global_init() {
    static std::once_flag once;
    static CURLcode result = CURLE_OK;
    std::call_once(once, [] { result = curl_global_init(CURL_GLOBAL_DEFAULT); });
    return result;
}

void set_blob(CURL* curl, CURLoption option, const std::string& pem) {
    curl_blob blob{const_cast<char*>(pem.data()), pem.size(), CURL_BLOB_COPY};
    curl_easy_setopt(curl, option, &blob);
}

/// The parts of a URL that tls-server-name and the proxy decision need.
struct UrlParts {
    std::string host;  ///< "[::1]" for IPv6
    std::string port;  ///< always set ("443" by default)
    std::string with_host(const std::string& url, const std::string& host_name) const;
};

std::optional<UrlParts> split_url(const std::string& url) {
    CURLU* handle = curl_url();
    std::optional<UrlParts> parts;
    char* host = nullptr;
    char* port = nullptr;
    if (curl_url_set(handle, CURLUPART_URL, url.c_str(), 0) == CURLUE_OK &&
        curl_url_get(handle, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
        curl_url_get(handle, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK) {
        parts = UrlParts{host, port};
    }
    curl_free(host);
    curl_free(port);
    curl_url_cleanup(handle);
    return parts;
}

std::string UrlParts::with_host(const std::string& url, const std::string& host_name) const {
    const std::size_t start = url.find("://");
    const std::size_t at = url.find(host, start == std::string::npos ? 0 : start + 3);
    if (at == std::string::npos) return url;
    return url.substr(0, at) + host_name + url.substr(at + host.size());
}

bool is_loopback(const std::string& host) {
    return host == "localhost" || host.rfind("127.", 0) == 0 || host == "[::1]";
}

bool starts_with_nocase(std::string_view text, std::string_view prefix) {
    if (text.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i]) return false;
    }
    return true;
}

using Clock = std::chrono::steady_clock;

/// State shared with curl's callbacks during one transfer.
struct Transfer {
    CURL* curl = nullptr;
    const HttpRequest* request = nullptr;
    HttpResponse response;
    bool aborted = false;
    std::chrono::milliseconds read_timeout{0};
    Clock::time_point last_data = Clock::now();  ///< the request sent, or the last byte received
    bool stalled = false;                        ///< cut: nothing came for read_timeout
};

std::size_t on_write(char* data, std::size_t size, std::size_t count, void* user) {
    auto* transfer = static_cast<Transfer*>(user);
    transfer->last_data = Clock::now();
    const std::size_t length = size * count;
    if (transfer->request->on_body && !transfer->request->on_body(std::string_view(data, length))) {
        transfer->aborted = true;
        return 0;
    }
    return length;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
    auto* transfer = static_cast<Transfer*>(user);
    transfer->last_data = Clock::now();
    const std::string_view line(data, size * count);
    if (line.rfind("HTTP/", 0) == 0) transfer->response.retry_after_seconds.reset();
    constexpr std::string_view k_retry_after = "retry-after:";
    if (starts_with_nocase(line, k_retry_after)) {
        const std::string value(line.substr(k_retry_after.size()));
        char* end = nullptr;
        const long seconds = std::strtol(value.c_str(), &end, 10);
        if (end != value.c_str() && seconds >= 0) transfer->response.retry_after_seconds = seconds;
    }
    return size * count;
}

// The read timeout: curl calls this often while data flows and about once a second while none
// does. Until the request has been sent the connect timeout is the one that counts, so the idle
// clock starts then.
int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    auto* transfer = static_cast<Transfer*>(user);
    const auto now = Clock::now();
    curl_off_t sent_after = 0;
    if (curl_easy_getinfo(transfer->curl, CURLINFO_PRETRANSFER_TIME_T, &sent_after) != CURLE_OK ||
        sent_after == 0) {
        transfer->last_data = now;
        return 0;
    }
    if (transfer->read_timeout.count() <= 0 || now - transfer->last_data < transfer->read_timeout)
        return 0;
    transfer->stalled = true;
    return 1;
}

TransportError::Kind kind_of(CURLcode code, const std::string& message) {
    switch (code) {
        case CURLE_OPERATION_TIMEDOUT:
            return TransportError::Kind::Timeout;
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_SSL_CONNECT_ERROR:
        case CURLE_SSL_CERTPROBLEM:
        case CURLE_SSL_CIPHER:
        case CURLE_SSL_CACERT_BADFILE:
        case CURLE_SSL_ISSUER_ERROR:
        case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
        case CURLE_SSL_CRL_BADFILE:
        case CURLE_SSL_ENGINE_NOTFOUND:
        case CURLE_SSL_ENGINE_SETFAILED:
        case CURLE_USE_SSL_FAILED:
            return TransportError::Kind::Tls;
        case CURLE_RECV_ERROR:  // a TLS 1.3 server rejects a client certificate with an alert here
            return message.find("alert") != std::string::npos ? TransportError::Kind::Tls
                                                              : TransportError::Kind::Connect;
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_COULDNT_RESOLVE_PROXY:
        case CURLE_COULDNT_CONNECT:
        case CURLE_SEND_ERROR:
        case CURLE_GOT_NOTHING:
        case CURLE_PARTIAL_FILE:
            return TransportError::Kind::Connect;
        default:
            return TransportError::Kind::Other;
    }
}

TransportError classify(CURLcode code, const char* error_buffer, const Transfer& transfer) {
    std::string message = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code);
    if (transfer.aborted) return {TransportError::Kind::Aborted, "the transfer was aborted"};
    if (transfer.stalled) {
        return {TransportError::Kind::Timeout, "timed out: the server sent nothing for " +
                                                   duration_text(transfer.read_timeout) +
                                                   " (the read timeout)"};
    }
    const auto kind = kind_of(code, message);
    static constexpr const char* k_prefix[] = {
        "TLS error: ", "connection failed: ", "timed out: ", "", ""};
    return {kind, k_prefix[static_cast<int>(kind)] + message};
}

void apply_client_identity(CURL* curl, const TlsSettings& tls) {
    if (tls.client_certificate_pem.empty()) return;
    set_blob(curl, CURLOPT_SSLCERT_BLOB, tls.client_certificate_pem);
    curl_easy_setopt(curl, CURLOPT_SSLCERTTYPE, "PEM");
    set_blob(curl, CURLOPT_SSLKEY_BLOB, tls.client_key_pem);
    curl_easy_setopt(curl, CURLOPT_SSLKEYTYPE, "PEM");
}

void apply_tls(CURL* curl, const TlsSettings& tls) {
    curl_easy_setopt(curl, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, tls.insecure ? 0L : 1L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, tls.insecure ? 0L : 2L);
    if (!tls.ca_pem.empty()) {
        set_blob(curl, CURLOPT_CAINFO_BLOB, tls.ca_pem);
    } else if (!tls.ca_file.empty()) {
        curl_easy_setopt(curl, CURLOPT_CAINFO, tls.ca_file.c_str());
    }
    apply_client_identity(curl, tls);
}

/// The per-request curl lists; detached from the handle and freed on destruction.
class RequestLists {
public:
    explicit RequestLists(CURL* curl) : m_curl(curl) {}
    RequestLists(const RequestLists&) = delete;
    RequestLists& operator=(const RequestLists&) = delete;
    ~RequestLists() {
        curl_easy_setopt(m_curl, CURLOPT_HTTPHEADER, nullptr);
        curl_easy_setopt(m_curl, CURLOPT_CONNECT_TO, nullptr);
        curl_slist_free_all(headers);
        curl_slist_free_all(connect_to);
    }
    curl_slist* headers = nullptr;
    curl_slist* connect_to = nullptr;

private:
    CURL* m_curl;
};

/// Sets the per-request options; returns the URL to fetch (its host replaced by tls-server-name).
std::string prepare_request(CURL* curl, const HttpSettings& settings, const HttpRequest& request,
                            const UrlParts& parts, RequestLists& lists) {
    std::string url = request.url;
    lists.headers = curl_slist_append(nullptr, "Accept: application/json");
    if (const std::string& name = settings.tls.server_name; !name.empty()) {
        url = parts.with_host(request.url, name);
        const std::string route = name + ":" + parts.port + ":" + parts.host + ":" + parts.port;
        lists.connect_to = curl_slist_append(nullptr, route.c_str());
        lists.headers =
            curl_slist_append(lists.headers, ("Host: " + parts.host + ":" + parts.port).c_str());
    }
    if (!request.bearer_token.empty()) {
        lists.headers = curl_slist_append(
            lists.headers, ("Authorization: Bearer " + request.bearer_token).c_str());
    }
    if (settings.proxy_url.empty())
        curl_easy_setopt(curl, CURLOPT_PROXY, is_loopback(parts.host) ? "" : nullptr);
    if (!request.username.empty()) {
        curl_easy_setopt(curl, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
        curl_easy_setopt(curl, CURLOPT_USERNAME, request.username.c_str());
        curl_easy_setopt(curl, CURLOPT_PASSWORD, request.password.c_str());
    }
    if (request.client_identity != nullptr) apply_client_identity(curl, *request.client_identity);
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, lists.headers);
    curl_easy_setopt(curl, CURLOPT_CONNECT_TO, lists.connect_to);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS,
                     static_cast<long>(std::max<long long>(1, request.timeout.count())));
    return url;
}

}  // namespace

struct HttpClient::Impl {
    CURL* curl = nullptr;
    HttpSettings settings;
    char error[CURL_ERROR_SIZE] = {};

    Impl() = default;
    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;
    ~Impl() {
        if (curl != nullptr) curl_easy_cleanup(curl);
    }
};

HttpClient::HttpClient(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}

HttpClient::~HttpClient() = default;

util::Expected<std::unique_ptr<HttpClient>, std::string> HttpClient::create(HttpSettings settings) {
    if (const CURLcode code = global_init(); code != CURLE_OK) {
        return util::unexpected(std::string("libcurl initialisation failed: ") +
                                curl_easy_strerror(code));
    }
    auto impl = std::make_unique<Impl>();
    impl->curl = curl_easy_init();
    if (impl->curl == nullptr)
        return util::unexpected(std::string("libcurl could not create a handle"));
    impl->settings = std::move(settings);
    CURL* curl = impl->curl;
    const HttpSettings& s = impl->settings;
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, impl->error);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(s.connect_timeout.count()));
    curl_easy_setopt(curl, CURLOPT_USERAGENT, s.user_agent.c_str());
    curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    apply_tls(curl, s.tls);
    if (!s.proxy_url.empty()) curl_easy_setopt(curl, CURLOPT_PROXY, s.proxy_url.c_str());
    if (!s.proxy_ca_file.empty())
        curl_easy_setopt(curl, CURLOPT_PROXY_CAINFO, s.proxy_ca_file.c_str());
    return std::unique_ptr<HttpClient>(new HttpClient(std::move(impl)));
}

util::Expected<HttpResponse, TransportError> HttpClient::get(const HttpRequest& request) {
    CURL* curl = m_impl->curl;
    const auto parts = split_url(request.url);
    if (!parts)
        return util::unexpected(TransportError{TransportError::Kind::Other, "not a valid URL"});
    RequestLists lists(curl);
    const std::string url = prepare_request(curl, m_impl->settings, request, *parts, lists);
    Transfer transfer;
    transfer.curl = curl;
    transfer.request = &request;
    transfer.read_timeout = m_impl->settings.read_timeout;
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &transfer);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &transfer);
    m_impl->error[0] = '\0';
    const CURLcode code = curl_easy_perform(curl);
    if (code != CURLE_OK) return util::unexpected(classify(code, m_impl->error, transfer));
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &transfer.response.status);
    return transfer.response;
}

std::string duration_text(std::chrono::milliseconds duration) {
    const long long ms = duration.count();
    if (ms % 60000 == 0 && ms != 0) return std::to_string(ms / 60000) + "m";
    if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
    if (ms > 1000 && ms % 100 == 0)
        return std::to_string(ms / 1000) + "." + std::to_string(ms % 1000 / 100) + "s";
    return std::to_string(ms) + "ms";
}

std::string url_encode(std::string_view text) {
    static constexpr char k_hex[] = "0123456789ABCDEF";
    std::string out;
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (std::isalnum(byte) || c == '-' || c == '_' || c == '.' || c == '~') {
            out.push_back(c);
        } else {
            out += {'%', k_hex[byte >> 4], k_hex[byte & 0xF]};
        }
    }
    return out;
}

std::string reason_phrase(long status) {
    switch (status) {
        case 400:
            return "Bad Request";
        case 401:
            return "Unauthorized";
        case 403:
            return "Forbidden";
        case 404:
            return "Not Found";
        case 405:
            return "Method Not Allowed";
        case 406:
            return "Not Acceptable";
        case 409:
            return "Conflict";
        case 410:
            return "Gone";
        case 429:
            return "Too Many Requests";
        case 500:
            return "Internal Server Error";
        case 502:
            return "Bad Gateway";
        case 503:
            return "Service Unavailable";
        case 504:
            return "Gateway Timeout";
        default:
            return "";
    }
}

}  // namespace kubeproof::k8s
