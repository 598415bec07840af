#pragma once

#include <string>
#include <utility>
#include <vector>

#include "delivery/credentials.hpp"
#include "delivery/destination.hpp"
#include "delivery/http_call.hpp"
#include "util/expected.hpp"

namespace kubeproof::delivery {

/// Everything --upload needs, checked.
struct UploadSettings {
    Destination destination;
    S3Settings s3;
    Credentials credentials;                                   ///< S3 only
    std::vector<std::pair<std::string, std::string>> headers;  ///< https:// only; never printed
    std::string ca_file;
    RetryPolicy retry;
};

/// What one delivery run did: reports delivered, reports still pending, what went wrong (each
/// message names the report or queue entry; no secret in any of them).
struct DeliveryOutcome {
    std::vector<std::string> delivered;  ///< report paths relative to the store
    std::vector<std::string> pending;
    std::vector<std::string> problems;
    std::vector<std::string> notes;  ///< not failures ("left for a keyed destination")

    bool failed() const { return !problems.empty(); }
};

/// Queues the report just stored at `relative` (so that a crash cannot lose it), then delivers the
/// store's queue oldest first, the new report last: for each entry its ".sig" (when the store has
/// one) and then the report, the exact bytes of the files in the store, under the key
/// "PREFIX + path relative to the store"; an entry leaves the queue only when both were accepted
/// (2xx). A URL that names one object (a presigned URL) takes only the new report; earlier entries
/// stay queued, as does a signature for it.
DeliveryOutcome deliver(const std::string& store, const std::string& relative,
                        const UploadSettings& settings);

}  // namespace kubeproof::delivery
