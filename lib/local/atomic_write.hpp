#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kubeproof::local {

/// Replaces the file at `path` with `content` (mode 0644) through a synced temporary file in the
/// same directory and a rename, so readers see the old file or the new one, never a partial one.
/// Returns
/// "<path>: <reason>" on failure (leaving no temporary file behind), nullopt on success. A path
/// that names a device or FIFO (/dev/null, /dev/stdout) is written in place, never replaced.
std::optional<std::string> write_file_atomically(const std::string& path, std::string_view content);

}  // namespace kubeproof::local
