#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/expected.hpp"
#include "util/io_error.hpp"

namespace kubeproof::local {

/// Creates a directory and its missing parents (mode 0755); the error names the path.
std::optional<std::string> make_directories(const std::string& path);

/// Writes a new file as a whole or not at all, and never over another: the bytes go to a temporary
/// file in the same directory (synced), which is then hard-linked to `path`. Fails, leaving
/// nothing behind, when `path` already exists.
std::optional<std::string> create_file_exclusive(const std::string& path, std::string_view content);

/// An exclusive advisory lock (flock) on a file, created when missing; held until destroyed. Two
/// processes locking the same file run one after the other.
class FileLock {
public:
    /// Waits for and takes the lock.
    static util::Expected<FileLock, std::string> acquire(const std::string& path);
    /// Takes the lock if no other process holds it: nullopt when one does.
    static util::Expected<std::optional<FileLock>, std::string> try_acquire(
        const std::string& path);
    FileLock(FileLock&& other) noexcept;
    FileLock& operator=(FileLock&&) = delete;
    FileLock(const FileLock&) = delete;
    FileLock& operator=(const FileLock&) = delete;
    ~FileLock();

private:
    explicit FileLock(int fd) : m_fd(fd) {}
    int m_fd = -1;
};

/// What stat(2) says of a regular file: enough to tell that it changed.
struct FileStamp {
    uint64_t inode = 0;
    uint64_t size = 0;
    int64_t mtime_ns = 0;
    int64_t ctime_ns = 0;

    bool operator==(const FileStamp&) const = default;
};

/// The stamp of a regular file (symlinks followed, as reading it does); nullopt when it is missing,
/// unreadable or not a regular file.
std::optional<FileStamp> stamp_of(const std::string& path);

/// The names in a directory (without . and ..), sorted; empty when the directory does not exist.
util::IoResult<std::vector<std::string>> list_names(const std::string& dir);

/// Every file below `dir` whose name ends with `suffix`, sorted by path: regular files, and also
/// FIFOs, devices and symlinks so named, for the reader to refuse or follow by name (symlinked
/// directories are not walked); `dir` may also be a single file.
util::IoResult<std::vector<std::string>> find_files(const std::string& dir,
                                                    std::string_view suffix);

/// Removes one file; a file already gone is not an error. The error names the path.
std::optional<std::string> remove_file(const std::string& path);

}  // namespace kubeproof::local
