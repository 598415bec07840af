#include "local/regular_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace kubeproof::local {

namespace {

/// What a file that is not a regular file is, for the message.
const char* kind_of(mode_t mode) {
    if (S_ISFIFO(mode)) return "a FIFO";
    if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device";
    if (S_ISSOCK(mode)) return "a socket";
    if (S_ISDIR(mode)) return "a directory";
    return "a special file";
}

}  // namespace

util::IoResult<int> open_regular_file(const std::string& path, struct stat& info) {
    // Non-blocking: opening a FIFO for reading would otherwise wait for a writer, for ever. On a
    // regular file the flag changes nothing.
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0)
        return util::unexpected(
            util::io_error_of(path, std::error_code(errno, std::generic_category())));
    if (::fstat(fd, &info) != 0) {
        const int error = errno;
        ::close(fd);
        return util::unexpected(
            util::io_error_of(path, std::error_code(error, std::generic_category())));
    }
    if (!S_ISREG(info.st_mode)) {
        ::close(fd);
        return util::unexpected(
            util::IoError{util::IoError::Kind::Invalid,
                          path + ": " + kind_of(info.st_mode) + ", not a regular file"});
    }
    return fd;
}

}  // namespace kubeproof::local
