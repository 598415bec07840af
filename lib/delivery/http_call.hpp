#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "util/expected.hpp"

namespace kubeproof::delivery {

/// One HTTP request with a body held in memory (a report is a few megabytes at most).
struct HttpCall {
    std::string method;  ///< "PUT" or "POST"
    std::string url;
    std::vector<std::pair<std::string, std::string>> headers;  ///< values are never logged
    std::string body;
    std::string ca_file;  ///< trusted roots; "" for the system bundle
    std::chrono::milliseconds timeout{60000};
};

/// What came back: the status and the start of the body (error documents are short).
struct HttpReply {
    long status = 0;
    std::string body;  ///< at most the first 64 KiB
};

/// A request that got no HTTP answer; connection problems and timeouts may be tried again.
struct HttpFailure {
    bool retryable = false;
    std::string message;  ///< "connection failed: Failed to connect to 127.0.0.1 port 9 ..."
};

/// Performs one request over libcurl (http or https only, TLS verified, no proxy for loopback).
util::Expected<HttpReply, HttpFailure> perform(const HttpCall& call);

/// How often a request is tried and how long to wait in between (doubling each time).
struct RetryPolicy {
    int attempts = 3;
    std::chrono::milliseconds delay{1000};
};

/// Whether an answer is worth another attempt: 429 and 5xx; never another 4xx (a refused
/// signature stays refused).
bool retryable_status(long status);

/// Performs `call` up to `policy.attempts` times while the failure or the status is retryable;
/// the last outcome. `attempts_made` (when given) counts the attempts.
util::Expected<HttpReply, HttpFailure> perform_with_retries(const HttpCall& call,
                                                            const RetryPolicy& policy,
                                                            int* attempts_made = nullptr);

/// The CA bundle a static binary should use: SSL_CERT_FILE, else the first system bundle found
/// (local::find_ca_bundle, as the API client does); "" when there is none.
std::string system_ca_file();

}  // namespace kubeproof::delivery
