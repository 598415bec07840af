#include "local/atomic_write.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>
#include <vector>

#include "util/io_error.hpp"

namespace kubeproof::local {

namespace {

constexpr std::string_view k_temp_suffix = ".tmp.XXXXXX";
constexpr mode_t k_file_mode = 0644;

/// Writes all of `content`, retrying short writes and EINTR; false with errno set on failure.
bool write_all(int fd, std::string_view content) {
    while (!content.empty()) {
        const ssize_t written = ::write(fd, content.data(), content.size());
        if (written < 0 && errno == EINTR) continue;
        if (written <= 0) {
            if (written == 0) errno = EIO;
            return false;
        }
        content.remove_prefix(static_cast<size_t>(written));
    }
    return true;
}

/// The mode the written file gets: the permissions of the file it replaces (a report an operator
/// made 0600 stays 0600), else 0644.
mode_t mode_for(const std::string& path) {
    struct stat info {};
    if (::stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode)) return info.st_mode & 07777;
    return k_file_mode;
}

/// Fills, chmods, syncs and closes the temporary file; false with errno set on failure.
bool fill_and_close(int fd, std::string_view content, mode_t mode) {
    const bool filled = write_all(fd, content) && ::fchmod(fd, mode) == 0 && ::fsync(fd) == 0;
    const int saved = errno;
    const bool closed = ::close(fd) == 0;
    if (!filled) errno = saved;
    return filled && closed;
}

/// Syncs the directory holding `path` so the rename itself survives a crash (best effort).
void sync_parent_directory(const std::string& path) {
    const size_t slash = path.rfind('/');
    const std::string directory =
        slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
    const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    ::fsync(fd);
    ::close(fd);
}

/// True when `path` exists and is not a regular file (/dev/stdout, a FIFO): renaming over it would
/// replace the device, so it is written in place instead.
bool is_special(const std::string& path) {
    struct stat info {};
    return ::stat(path.c_str(), &info) == 0 && !S_ISREG(info.st_mode) && !S_ISDIR(info.st_mode);
}

std::optional<std::string> write_in_place(const std::string& path, std::string_view content) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return util::errno_message(path, errno);
    const bool written = write_all(fd, content);
    const int error = errno;
    ::close(fd);
    return written ? std::nullopt : std::optional<std::string>(util::errno_message(path, error));
}

}  // namespace

std::optional<std::string> write_file_atomically(const std::string& path,
                                                 std::string_view content) {
    if (is_special(path)) return write_in_place(path, content);
    std::vector<char> temp(path.begin(), path.end());
    temp.insert(temp.end(), k_temp_suffix.begin(), k_temp_suffix.end());
    temp.push_back('\0');
    const int fd = ::mkostemp(temp.data(), O_CLOEXEC);
    if (fd < 0) return util::errno_message(path, errno);
    if (!fill_and_close(fd, content, mode_for(path)) || ::rename(temp.data(), path.c_str()) != 0) {
        const int error = errno;
        ::unlink(temp.data());
        return util::errno_message(path, error);
    }
    sync_parent_directory(path);
    return std::nullopt;
}

util::Expected<AtomicWriter, std::string> AtomicWriter::open(const std::string& path) {
    if (is_special(path)) {
        const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
        if (fd < 0) return util::unexpected(util::errno_message(path, errno));
        return AtomicWriter(path, "", fd);
    }
    std::vector<char> temp(path.begin(), path.end());
    temp.insert(temp.end(), k_temp_suffix.begin(), k_temp_suffix.end());
    temp.push_back('\0');
    const int fd = ::mkostemp(temp.data(), O_CLOEXEC);
    if (fd < 0) return util::unexpected(util::errno_message(path, errno));
    return AtomicWriter(path, std::string(temp.data()), fd);
}

AtomicWriter::AtomicWriter(AtomicWriter&& other) noexcept
    : m_path(std::move(other.m_path)),
      m_temp(std::move(other.m_temp)),
      m_fd(std::exchange(other.m_fd, -1)),
      m_error(other.m_error) {}

AtomicWriter::~AtomicWriter() {
    if (m_fd < 0) return;
    ::close(m_fd);
    if (!m_temp.empty()) ::unlink(m_temp.c_str());
}

void AtomicWriter::write(std::string_view piece) {
    if (m_fd < 0 || m_error != 0) return;
    if (!write_all(m_fd, piece)) m_error = errno;
}

std::optional<std::string> AtomicWriter::commit() {
    if (m_fd < 0) return util::errno_message(m_path, EBADF);
    const int fd = std::exchange(m_fd, -1);
    if (m_temp.empty()) {
        const bool closed = ::close(fd) == 0;
        if (m_error != 0 || !closed)
            return util::errno_message(m_path, m_error != 0 ? m_error : errno);
        return std::nullopt;
    }
    const bool filled = m_error == 0 && ::fchmod(fd, mode_for(m_path)) == 0 && ::fsync(fd) == 0;
    const int saved = m_error != 0 ? m_error : errno;
    const bool closed = ::close(fd) == 0;
    if (!filled || !closed || ::rename(m_temp.c_str(), m_path.c_str()) != 0) {
        const int error = !filled ? saved : errno;
        ::unlink(m_temp.c_str());
        return util::errno_message(m_path, error);
    }
    sync_parent_directory(m_path);
    return std::nullopt;
}

}  // namespace kubeproof::local
