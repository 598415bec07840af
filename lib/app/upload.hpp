#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/scan.hpp"

namespace kubeproof::app {

/// The options of `run --upload`.
struct UploadOptions {
    std::string upload;       ///< s3://BUCKET/PREFIX or an https:// URL; "" when not uploading
    std::string s3_endpoint;  ///< path-style S3-compatible endpoint (MinIO, Ceph)
    std::string region;       ///< --aws-region; else AWS_REGION, AWS_DEFAULT_REGION
    std::string ca_file;      ///< --s3-ca-file: trusted roots for the endpoint and STS
    std::vector<std::string> headers;  ///< --upload-header 'K: V' (https:// only)
};

/// Checks the upload options before anything runs: --upload needs --store, a destination that
/// parses, headers that parse, a Region for AWS S3. A usage error (exit 2), with no header value
/// in it.
std::optional<ScanError> check_upload(const UploadOptions& upload, const ScanOptions& scan);

/// What delivering did, in lines for stderr (no secret in any of them).
struct UploadSummary {
    std::vector<std::string> lines;
    bool failed = false;  ///< some report is still pending because of an error
};

/// Queues the report just stored at `report_path` (a path under `store`) and delivers the store's
/// pending reports oldest first, then it; credentials are resolved here (after the report is kept,
/// so an STS failure leaves it pending, not lost).
UploadSummary upload_reports(const UploadOptions& upload, const std::string& store,
                             const std::string& report_path);

}  // namespace kubeproof::app
