#include "delivery/http_call.hpp"

#include <algorithm>
#include <cstdlib>
#include <mutex>
#include <thread>

#include <curl/curl.h>

#include "local/ca_bundle.hpp"

namespace kubeproof::delivery {

namespace {

constexpr size_t k_reply_limit = 65536;

bool curl_ready() {
    static std::once_flag once;
    static CURLcode result = CURLE_OK;
    std::call_once(once, [] { result = curl_global_init(CURL_GLOBAL_DEFAULT); });
    return result == CURLE_OK;
}

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
    auto* reply = static_cast<HttpReply*>(user);
    const std::size_t length = size * count;
    const std::size_t room = k_reply_limit - std::min(k_reply_limit, reply->body.size());
    reply->body.append(data, std::min(room, length));
    return length;
}

/// Connection problems and timeouts are worth another attempt; TLS and URL problems are not.
bool retryable(CURLcode code) {
    switch (code) {
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_COULDNT_CONNECT:
        case CURLE_OPERATION_TIMEDOUT:
        case CURLE_SEND_ERROR:
        case CURLE_RECV_ERROR:
        case CURLE_GOT_NOTHING:
        case CURLE_PARTIAL_FILE:
            return true;
        default:
            return false;
    }
}

bool is_loopback_url(const std::string& url) {
    const auto start = url.find("://");
    const std::string_view rest = start == std::string::npos
                                      ? std::string_view(url)
                                      : std::string_view(url).substr(start + 3);
    return rest.starts_with("127.") || rest.starts_with("localhost") || rest.starts_with("[::1]");
}

/// Owns the handle and the header list of one request.
struct Handle {
    CURL* curl = curl_easy_init();
    curl_slist* headers = nullptr;
    Handle() = default;
    Handle(const Handle&) = delete;
    Handle& operator=(const Handle&) = delete;
    ~Handle() {
        curl_slist_free_all(headers);
        if (curl != nullptr) curl_easy_cleanup(curl);
    }
};

void set_options(Handle& h, const HttpCall& call, HttpReply& reply, char* error) {
    CURL* curl = h.curl;
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_URL, call.url.c_str());
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, call.method.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, call.body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(call.body.size()));
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "kubeproof");
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(call.timeout.count()));
    curl_easy_setopt(curl, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
    const std::string ca = call.ca_file.empty() ? system_ca_file() : call.ca_file;
    if (!ca.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, ca.c_str());
    if (is_loopback_url(call.url)) curl_easy_setopt(curl, CURLOPT_PROXY, "");
    // curl would add "Expect: 100-continue" and a form content type to a POST body; neither is
    // signed, so both are turned off unless the caller sets them.
    h.headers = curl_slist_append(h.headers, "Expect:");
    const bool typed =
        std::any_of(call.headers.begin(), call.headers.end(),
                    [](const auto& header) { return header.first == "Content-Type"; });
    if (!typed) h.headers = curl_slist_append(h.headers, "Content-Type:");
    for (const auto& [name, value] : call.headers) {
        std::string line = name;
        line += ": ";
        line += value;
        h.headers = curl_slist_append(h.headers, line.c_str());
    }
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, h.headers);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply);
}

}  // namespace

util::Expected<HttpReply, HttpFailure> perform(const HttpCall& call) {
    if (!curl_ready()) return util::unexpected(HttpFailure{false, "libcurl did not initialise"});
    Handle handle;
    if (handle.curl == nullptr)
        return util::unexpected(HttpFailure{false, "libcurl could not create a handle"});
    HttpReply reply;
    char error[CURL_ERROR_SIZE] = {};
    set_options(handle, call, reply, error);
    const CURLcode code = curl_easy_perform(handle.curl);
    if (code != CURLE_OK) {
        const std::string detail = error[0] != '\0' ? error : curl_easy_strerror(code);
        return util::unexpected(HttpFailure{retryable(code), detail});
    }
    curl_easy_getinfo(handle.curl, CURLINFO_RESPONSE_CODE, &reply.status);
    return reply;
}

bool retryable_status(long status) { return status == 429 || (status >= 500 && status < 600); }

util::Expected<HttpReply, HttpFailure> perform_with_retries(const HttpCall& call,
                                                            const RetryPolicy& policy,
                                                            int* attempts_made) {
    std::chrono::milliseconds delay = policy.delay;
    for (int attempt = 1;; ++attempt) {
        auto outcome = perform(call);
        if (attempts_made != nullptr) *attempts_made = attempt;
        const bool again = outcome ? retryable_status(outcome->status) : outcome.error().retryable;
        if (!again || attempt >= policy.attempts) return outcome;
        std::this_thread::sleep_for(delay);
        delay *= 2;
    }
}

std::string system_ca_file() {
    const char* env = std::getenv("SSL_CERT_FILE");
    return local::find_ca_bundle(env != nullptr ? env : "", local::system_ca_bundles())
        .value_or("");
}

}  // namespace kubeproof::delivery
