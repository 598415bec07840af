#include "delivery/deliver.hpp"

#include <cctype>

#include "delivery/pending.hpp"
#include "delivery/sigv4.hpp"
#include "local/local_files.hpp"
#include "local/store_files.hpp"
#include "util/text.hpp"

namespace kubeproof::delivery {

namespace {

/// A URL as messages show it: without its query, which holds a presigned URL's signature.
std::string shown(const std::string& url) { return url.substr(0, url.find_first_of("?#")); }

/// The request that sends `body` as the object `key`, and where that is in words.
util::Expected<std::pair<HttpCall, std::string>, std::string> request_for(
    const UploadSettings& settings, const std::string& key, std::string body) {
    const Destination& d = settings.destination;
    if (d.kind == Destination::Kind::S3) {
        auto address = s3_address(d, settings.s3, key);
        if (!address) return util::unexpected(address.error());
        HttpCall call = s3_put(*address, settings.s3.region, settings.credentials, std::move(body),
                               amz_date_now());
        call.ca_file = settings.ca_file;
        return std::pair{std::move(call), "s3://" + d.bucket + "/" + d.prefix + key};
    }
    const std::string url = d.keyed() ? d.url + uri_encode(key, true) : d.url;
    HttpCall call;
    call.method = "PUT";
    call.url = url;
    call.headers = {{"Content-MD5", md5_base64(body)}};
    call.body = std::move(body);
    call.ca_file = settings.ca_file;
    call.headers.insert(call.headers.end(), settings.headers.begin(), settings.headers.end());
    return std::pair{std::move(call), shown(url)};
}

/// An S3 error document's code ("SignatureDoesNotMatch"), in parentheses; "" when none.
std::string error_code(const std::string& body) {
    const auto open = body.find("<Code>");
    const auto close = body.find("</Code>");
    if (open == std::string::npos || close == std::string::npos || close < open) return "";
    const std::string code = body.substr(open + 6, close - open - 6);
    for (const char c : code) {
        if (std::isalnum(static_cast<unsigned char>(c)) == 0) return "";
    }
    return code.empty() || code.size() > 64 ? "" : " (" + code + ")";
}

/// Sends one file of the store; the error names it and says why.
std::optional<std::string> send_file(const std::string& store, const std::string& key,
                                     const UploadSettings& settings) {
    auto body = local::read_local_file(util::join_path(store, key));
    if (!body) return "cannot upload " + body.error().message;
    auto request = request_for(settings, key, std::move(*body));
    if (!request) return request.error();
    int attempts = 0;
    auto reply = perform_with_retries(request->first, settings.retry, &attempts);
    const std::string tries = attempts > 1 ? " (" + std::to_string(attempts) + " attempts)" : "";
    if (!reply)
        return "cannot upload " + key + " to " + request->second + ": " + reply.error().message +
               tries;
    if (reply->status < 200 || reply->status > 299)
        return "cannot upload " + key + " to " + request->second + ": HTTP " +
               std::to_string(reply->status) + error_code(reply->body) + tries;
    return std::nullopt;
}

/// Sends a report's signature (when the store has one and the destination can take it), then the
/// report.
std::optional<std::string> send_report(const std::string& store, const std::string& relative,
                                       const UploadSettings& settings, DeliveryOutcome& out) {
    const std::string signature = relative + ".sig";
    if (local::stamp_of(util::join_path(store, signature))) {
        if (!settings.destination.keyed()) {
            out.notes.push_back(signature +
                                " stays in the store only: the --upload URL names one object");
        } else if (auto failed = send_file(store, signature, settings)) {
            return failed;
        }
    }
    return send_file(store, relative, settings);
}

}  // namespace

DeliveryOutcome deliver(const std::string& store, const std::string& relative,
                        const UploadSettings& settings) {
    DeliveryOutcome out;
    PendingQueue queue;
    if (auto failed = enqueue(store, relative)) {
        out.problems.push_back("cannot queue " + relative + " for upload: " + *failed);
        queue.entries.push_back({"", relative});  // still sent now; only the record of it failed
    }
    PendingQueue stored = read_queue(store);
    out.problems.insert(out.problems.end(), stored.problems.begin(), stored.problems.end());
    queue.entries.insert(queue.entries.begin(), stored.entries.begin(), stored.entries.end());
    bool stopped = false;
    for (const auto& entry : queue.entries) {
        if (stopped || (!settings.destination.keyed() && entry.report != relative)) {
            out.pending.push_back(entry.report);
            continue;
        }
        if (auto failed = send_report(store, entry.report, settings, out)) {
            out.problems.push_back(*failed);
            out.pending.push_back(entry.report);
            stopped = true;  // the rest waits for the next run, in order
            continue;
        }
        if (!entry.file.empty()) {
            if (auto failed = local::remove_file(entry.file)) out.problems.push_back(*failed);
        }
        out.delivered.push_back(entry.report);
    }
    return out;
}

}  // namespace kubeproof::delivery
