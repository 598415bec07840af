#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "app/scan.hpp"

namespace kubeproof::app {

/// Reads `run --timeout` (a Go duration, 1s to 24h) into `options`; nullopt when it is valid,
/// else the message of a usage error (exit 2).
std::optional<std::string> set_scan_timeout(ScanOptions& options, std::string_view text);

}  // namespace kubeproof::app
