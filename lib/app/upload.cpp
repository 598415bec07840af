#include "app/upload.hpp"

#include <charconv>
#include <chrono>

#include <fmt/format.h>

#include "delivery/deliver.hpp"
#include "delivery/pending.hpp"

namespace kubeproof::app {

namespace {

std::string region_of(const UploadOptions& upload, const delivery::Environment& env) {
    if (!upload.region.empty()) return upload.region;
    for (const char* name : {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
        if (auto value = env(name); value && !value->empty()) return *value;
    }
    // S3-compatible stores sign with a Region too and take AWS's first one unless set up otherwise.
    return upload.s3_endpoint.empty() ? "" : "us-east-1";
}

/// KUBEPROOF_UPLOAD_RETRY_DELAY_MS shortens the wait between attempts (tests); 1 s by default.
delivery::RetryPolicy retry_policy(const delivery::Environment& env) {
    delivery::RetryPolicy policy;
    if (auto text = env("KUBEPROOF_UPLOAD_RETRY_DELAY_MS")) {
        long long ms = 0;
        const auto* end = text->data() + text->size();
        if (std::from_chars(text->data(), end, ms).ptr == end && ms >= 0 && ms <= 60000)
            policy.delay = std::chrono::milliseconds(ms);
    }
    return policy;
}

util::Expected<delivery::UploadSettings, std::string> settings_for(const UploadOptions& upload) {
    const auto env = delivery::process_environment();
    delivery::UploadSettings settings;
    auto destination = delivery::parse_destination(upload.upload);
    if (!destination) return util::unexpected(destination.error());
    settings.destination = std::move(*destination);
    settings.s3 = {upload.s3_endpoint, region_of(upload, env)};
    settings.ca_file = upload.ca_file;
    settings.retry = retry_policy(env);
    for (const auto& header : upload.headers) {
        auto parsed = delivery::parse_header(header);
        if (!parsed) return util::unexpected(parsed.error());
        settings.headers.push_back(std::move(*parsed));
    }
    return settings;
}

}  // namespace

std::optional<ScanError> check_upload(const UploadOptions& upload, const ScanOptions& scan) {
    if (upload.upload.empty()) {
        if (!upload.s3_endpoint.empty() || !upload.headers.empty())
            return ScanError{2, "--s3-endpoint and --upload-header go with --upload"};
        return std::nullopt;
    }
    if (scan.store.empty())
        return ScanError{2, "--upload sends the reports kept in the store: it needs --store DIR"};
    auto settings = settings_for(upload);
    if (!settings) return ScanError{2, settings.error()};
    const bool s3 = settings->destination.kind == delivery::Destination::Kind::S3;
    if (s3 && !upload.headers.empty())
        return ScanError{2, "--upload-header goes with an https:// --upload, not s3://"};
    if (!s3 && !upload.s3_endpoint.empty())
        return ScanError{2, "--s3-endpoint goes with an s3:// --upload"};
    if (s3 && settings->s3.region.empty())
        return ScanError{2,
                         "--upload s3:// needs the bucket's Region: --aws-region, AWS_REGION or "
                         "AWS_DEFAULT_REGION"};
    return std::nullopt;
}

UploadSummary upload_reports(const UploadOptions& upload, const std::string& store,
                             const std::string& report_path) {
    UploadSummary summary;
    auto settings = settings_for(upload);  // checked before the scan: cannot fail here
    if (!settings) return {{"cannot upload: " + settings.error()}, true};
    const std::string relative = report_path.substr(store.size() + 1);
    if (settings->destination.kind == delivery::Destination::Kind::S3) {
        auto credentials = delivery::resolve_credentials(delivery::process_environment(),
                                                         {settings->s3.region, upload.ca_file});
        if (!credentials) {  // queued all the same, so that the next run sends it
            summary.lines.push_back("cannot upload: " + credentials.error());
            if (auto failed = delivery::enqueue(store, relative))
                summary.lines.push_back("cannot queue " + relative + " for upload: " + *failed);
            summary.lines.push_back("pending upload: " + relative + " (queued in " + store +
                                    "/.pending)");
            summary.failed = true;
            return summary;
        }
        settings->credentials = std::move(*credentials);
    }
    const auto outcome = delivery::deliver(store, relative, *settings);
    for (const auto& note : outcome.notes) summary.lines.push_back(fmt::format("note: {}", note));
    summary.lines.insert(summary.lines.end(), outcome.problems.begin(), outcome.problems.end());
    for (const auto& report : outcome.delivered)
        summary.lines.push_back(fmt::format("uploaded {}", report));
    if (!outcome.pending.empty())
        summary.lines.push_back(std::to_string(outcome.pending.size()) +
                                " report(s) pending upload (queued in " + store + "/.pending)");
    summary.failed = outcome.failed();
    return summary;
}

}  // namespace kubeproof::app
