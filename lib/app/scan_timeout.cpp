#include "app/scan_timeout.hpp"

#include <cstdint>

#include <fmt/format.h>

#include "parse/values.hpp"

namespace kubeproof::app {

std::optional<std::string> set_scan_timeout(ScanOptions& options, std::string_view text) {
    constexpr int64_t k_second_ns = 1'000'000'000;
    const auto value = parse::parse_duration(text);
    if (!value) return fmt::format("--timeout: not a duration: \"{}\" (e.g. 90s, 10m)", text);
    // Under a second no TLS handshake is sure to finish; over a day it is no deadline at all.
    constexpr int64_t k_day_ns = int64_t{24} * 3600 * k_second_ns;
    if (*value < k_second_ns || *value > k_day_ns)
        return fmt::format("--timeout must be between 1s and 24h, not {}", text);
    options.timeout = std::chrono::milliseconds(*value / 1'000'000);
    options.timeout_text = std::string(text);
    return std::nullopt;
}

}  // namespace kubeproof::app
