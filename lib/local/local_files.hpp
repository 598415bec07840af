#pragma once

#include <optional>
#include <string>
#include <vector>

#include "util/io_error.hpp"

namespace kubeproof::local {

/// A file read from the machine kubeproof runs on (not from the scanned node).
struct LocalFile {
    std::string relative;  ///< path relative to the directory that was read
    std::string path;      ///< the path as the user would name it
    std::string content;
};

/// Reads every *.yaml and *.yml file below a local directory, sorted by relative path.
util::IoResult<std::vector<LocalFile>> read_local_yaml_tree(const std::string& dir);

/// The most kubeproof reads of one local file (256 MiB): kubeconfigs, tokens, CAs, keys, waivers,
/// facts snapshots, definitions and stored reports are all far smaller. Larger is an error.
inline constexpr size_t k_local_file_cap = size_t{256} << 20;

/// Reads one local file ("-" is not special here). Every read of a local file goes through the
/// readers below, which read regular files only: a FIFO, a device, a socket or a directory is an
/// error naming the path and what it is, found without waiting (the file is opened non-blocking, so
/// a FIFO with no writer cannot hang the scan), and so is a file larger than k_local_file_cap.
util::IoResult<std::string> read_local_file(const std::string& path);

/// Reads one local file into `text`, replacing what it held but keeping its capacity: a loop over
/// many files allocates once. The error names the path.
std::optional<util::IoError> read_local_file_into(const std::string& path, std::string& text);

/// Reads at most the first `limit` bytes of one local file.
util::IoResult<std::string> read_local_file_head(const std::string& path, size_t limit);

}  // namespace kubeproof::local
