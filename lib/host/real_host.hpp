#pragma once

// The Host over the real file system under a root directory; make_real_host() in host.hpp
// creates it. The helpers below are exposed for tests and for other Host implementations.

#include <sys/stat.h>

#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "host/host.hpp"
#include "host/resolve.hpp"

namespace kubeproof::host {

/// The largest file read_file() returns; bigger files are an Invalid "file too large" error.
inline constexpr size_t k_max_file_size = size_t{16} << 20;

/// The host-side path of an in-root path ("/" + "/etc/x" -> "/etc/x", "/r" + "/etc/x" ->
/// "/r/etc/x").
std::string host_path(std::string_view root, std::string_view in_root);

/// What lstat (and readlink) said of a host path.
struct Lookup {
    NodeResult node;
    struct stat st {};  ///< valid when `node` is
};

/// The host paths already looked up, by host path: a scan asks for the same directories hundreds
/// of times (/etc, /etc/kubernetes, /proc/<pid>), and stats files it has just resolved.
using LookupCache = std::unordered_map<std::string, Lookup>;

/// Resolves `path` under the host directory `root` as if `root` were "/" (lstat and readlink
/// on each component); returns the in-root path of the final target. A way out of `root` is
/// clamped (--root) or refused (--proc) as `escape` says. With a `cache`, each component is
/// looked up once for its lifetime (one scan's).
HostResult<std::string> resolve_in_root(const std::string& root, std::string_view path,
                                        Escape escape = Escape::Clamp,
                                        LookupCache* cache = nullptr);

/// Splits /proc/<pid>/cmdline text on NUL, dropping the trailing empty element.
std::vector<std::string> split_cmdline(std::string_view text);

/// Parses /proc/<pid>/environ text (NAME=value, NUL-separated); the first of duplicates wins
/// and entries without '=' are skipped.
std::map<std::string, std::string> parse_environ(std::string_view text);

}  // namespace kubeproof::host
