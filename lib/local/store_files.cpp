#include "local/store_files.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "local/atomic_write.hpp"
#include "util/text.hpp"

namespace kubeproof::local {

namespace {

util::IoError io_error(const std::string& path, int error) {
    const auto kind = error == ENOENT   ? util::IoError::Kind::NotFound
                      : error == EACCES ? util::IoError::Kind::Denied
                                        : util::IoError::Kind::Other;
    return {kind, util::errno_message(path, error)};
}

bool is_directory(const std::string& path) {
    struct stat info {};
    return ::lstat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode);
}

void walk(const std::string& dir, std::string_view suffix, std::vector<std::string>& out) {
    auto names = list_names(dir);
    if (!names) return;
    for (const auto& name : *names) {
        const std::string path = util::join_path(dir, name);
        struct stat info {};
        if (::lstat(path.c_str(), &info) != 0) continue;
        // Not only regular files: a FIFO or a link named like a report is listed too, so that its
        // reader refuses it by name rather than a store looking whole without it.
        if (S_ISDIR(info.st_mode))
            walk(path, suffix, out);
        else if (std::string_view(name).ends_with(suffix))
            out.push_back(path);
    }
}

}  // namespace

std::optional<std::string> make_directories(const std::string& path) {
    if (path.empty() || is_directory(path)) return std::nullopt;
    const std::size_t slash = path.rfind('/');
    if (slash != std::string::npos && slash > 0) {
        if (auto problem = make_directories(path.substr(0, slash))) return problem;
    }
    if (::mkdir(path.c_str(), 0755) != 0 && errno != EEXIST)
        return util::errno_message(path, errno);
    return std::nullopt;
}

std::optional<std::string> create_file_exclusive(const std::string& path,
                                                 std::string_view content) {
    const std::string temp = path + ".partial";
    ::unlink(temp.c_str());  // left by a run that died half way: it was never the record
    if (auto problem = write_file_atomically(temp, content)) return problem;
    if (::link(temp.c_str(), path.c_str()) != 0) {
        const int error = errno;
        ::unlink(temp.c_str());
        return error == EEXIST ? path + ": exists already; a stored report is never replaced"
                               : util::errno_message(path, error);
    }
    ::unlink(temp.c_str());
    return std::nullopt;
}

util::Expected<FileLock, std::string> FileLock::acquire(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return util::unexpected(util::errno_message(path, errno));
    while (::flock(fd, LOCK_EX) != 0) {
        if (errno == EINTR) continue;
        const int error = errno;
        ::close(fd);
        return util::unexpected(util::errno_message(path, error));
    }
    return FileLock(fd);
}

util::Expected<std::optional<FileLock>, std::string> FileLock::try_acquire(
    const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return util::unexpected(util::errno_message(path, errno));
    while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno == EINTR) continue;
        const int error = errno;
        ::close(fd);
        if (error == EWOULDBLOCK) return std::optional<FileLock>();
        return util::unexpected(util::errno_message(path, error));
    }
    return std::optional<FileLock>(FileLock(fd));
}

FileLock::FileLock(FileLock&& other) noexcept : m_fd(other.m_fd) { other.m_fd = -1; }

FileLock::~FileLock() {
    if (m_fd >= 0) ::close(m_fd);  // closing releases the lock
}

util::IoResult<std::vector<std::string>> list_names(const std::string& dir) {
    std::vector<std::string> names;
    DIR* handle = ::opendir(dir.c_str());
    if (handle == nullptr) {
        if (errno == ENOENT) return names;
        return util::unexpected(io_error(dir, errno));
    }
    while (const dirent* entry = ::readdir(handle)) {
        const std::string_view name = entry->d_name;
        if (name != "." && name != "..") names.emplace_back(name);
    }
    ::closedir(handle);
    std::sort(names.begin(), names.end());
    return names;
}

std::optional<FileStamp> stamp_of(const std::string& path) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) return std::nullopt;
    constexpr int64_t k_ns = 1000000000;
    return FileStamp{static_cast<uint64_t>(info.st_ino), static_cast<uint64_t>(info.st_size),
                     static_cast<int64_t>(info.st_mtim.tv_sec) * k_ns + info.st_mtim.tv_nsec,
                     static_cast<int64_t>(info.st_ctim.tv_sec) * k_ns + info.st_ctim.tv_nsec};
}

util::IoResult<std::vector<std::string>> find_files(const std::string& dir,
                                                    std::string_view suffix) {
    struct stat info {};
    if (::stat(dir.c_str(), &info) != 0) return util::unexpected(io_error(dir, errno));
    if (!S_ISDIR(info.st_mode)) return std::vector<std::string>{dir};
    std::vector<std::string> out;
    walk(dir, suffix, out);
    std::sort(out.begin(), out.end());
    return out;
}

std::optional<std::string> remove_file(const std::string& path) {
    if (::unlink(path.c_str()) == 0 || errno == ENOENT) return std::nullopt;
    return path + ": " + std::strerror(errno);
}

}  // namespace kubeproof::local
