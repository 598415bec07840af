#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "util/expected.hpp"

namespace kubeproof::local {

/// Replaces the file at `path` with `content` (mode 0644) through a synced temporary file in the
/// same directory and a rename, so readers see the old file or the new one, never a partial one.
/// Returns
/// "<path>: <reason>" on failure (leaving no temporary file behind), nullopt on success. A path
/// that names a device or FIFO (/dev/null, /dev/stdout) is written in place, never replaced.
/// SIGTERM or SIGINT while the temporary file exists removes it, then ends the process as the
/// signal would have (a handler installed on first use; an ignored signal stays ignored).
std::optional<std::string> write_file_atomically(const std::string& path, std::string_view content);

/// The same, for output written piece by piece: the pieces go to the temporary file as they come,
/// and commit() renames it into place. A writer destroyed without a commit removes its temporary
/// file, so a failed run leaves the old file (or none), and so does SIGTERM or SIGINT before the
/// commit. A device or FIFO is written in place.
class AtomicWriter {
public:
    /// Opens the temporary file beside `path`; "<path>: <reason>" when it cannot.
    static util::Expected<AtomicWriter, std::string> open(const std::string& path);
    AtomicWriter(AtomicWriter&& other) noexcept;
    AtomicWriter& operator=(AtomicWriter&&) = delete;
    AtomicWriter(const AtomicWriter&) = delete;
    AtomicWriter& operator=(const AtomicWriter&) = delete;
    ~AtomicWriter();

    /// Appends a piece; after a failure, does nothing (commit() reports it).
    void write(std::string_view piece);
    /// Syncs and renames the file into place; "<path>: <reason>" on failure (nothing is left).
    std::optional<std::string> commit();

private:
    AtomicWriter(std::string path, std::string temp, int fd, int slot = -1)
        : m_path(std::move(path)), m_temp(std::move(temp)), m_fd(fd), m_slot(slot) {}
    std::string m_path;
    std::string m_temp;  ///< "" when writing in place
    int m_fd = -1;
    int m_slot = -1;  ///< where m_temp is registered for removal on SIGTERM/SIGINT, or -1
    int m_error = 0;  ///< errno of the first failed write
};

}  // namespace kubeproof::local
