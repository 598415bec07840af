#include "local/atomic_write.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <climits>
#include <csignal>
#include <cstring>
#include <mutex>
#include <utility>
#include <vector>

#include "util/io_error.hpp"

namespace kubeproof::local {

namespace {

constexpr std::string_view k_temp_suffix = ".tmp.XXXXXX";
constexpr mode_t k_file_mode = 0644;

// SIGTERM or SIGINT while a report is being written would leave its temporary file behind. The
// temporary files being written are kept in a fixed table the handler can read without
// allocating or locking, and the handler removes them, then lets the signal kill the process as
// it would have (the exit status stays "killed by SIGTERM"). --every blocks both signals and reads
// them from a signalfd (lib/app/every.cpp): while they are blocked this handler never runs, and
// the loop finishes the write before it stops.

/// One temporary file being written: its path, valid while `state` is k_slot_ready.
struct PendingSlot {
    std::atomic<int> state{0};
    std::array<char, PATH_MAX> path{};
};
constexpr int k_slot_free = 0;
constexpr int k_slot_filling = 1;
constexpr int k_slot_ready = 2;
constexpr size_t k_pending_slots = 16;  // more files written at once than any command does
static_assert(std::atomic<int>::is_always_lock_free, "the signal handler reads the slots");

std::array<PendingSlot, k_pending_slots> g_pending;
std::array<struct sigaction, 2> g_previous{};  // what SIGTERM and SIGINT did before, in that order
constexpr std::array<int, 2> k_cleanup_signals = {SIGTERM, SIGINT};

void remove_pending_and_raise(int signo) {
    const int saved = errno;
    for (auto& slot : g_pending) {
        if (slot.state.load() == k_slot_ready) ::unlink(slot.path.data());
    }
    for (size_t i = 0; i < k_cleanup_signals.size(); ++i) {
        if (k_cleanup_signals[i] != signo) continue;
        // What the signal did before: a handler of the program's own runs; the default action
        // is restored and the signal raised again, to end the process as it would have ended.
        const struct sigaction& previous = g_previous[i];
        if ((previous.sa_flags & SA_SIGINFO) == 0 && previous.sa_handler != SIG_DFL &&
            previous.sa_handler != SIG_IGN) {
            previous.sa_handler(signo);
        } else {
            ::signal(signo, SIG_DFL);
            ::raise(signo);
        }
    }
    errno = saved;
}

/// Installs the handler for the signals that are not ignored (a run started with SIGINT ignored,
/// a background job of a shell script, keeps ignoring it), unless it is installed already; what
/// was there before is kept to be chained to. Checked at every registration, so a handler the
/// program installs later is chained to as well.
void install_cleanup_handler() {
    static std::mutex installing;
    const std::lock_guard lock(installing);
    for (size_t i = 0; i < k_cleanup_signals.size(); ++i) {
        struct sigaction current {};
        if (::sigaction(k_cleanup_signals[i], nullptr, &current) != 0) continue;
        if ((current.sa_flags & SA_SIGINFO) != 0 || current.sa_handler == SIG_IGN ||
            current.sa_handler == remove_pending_and_raise)
            continue;
        g_previous[i] = current;
        struct sigaction action {};
        action.sa_handler = remove_pending_and_raise;
        sigemptyset(&action.sa_mask);
        for (const int other : k_cleanup_signals) sigaddset(&action.sa_mask, other);
        action.sa_flags = SA_RESTART;
        ::sigaction(k_cleanup_signals[i], &action, nullptr);
    }
}

/// Registers a temporary file for removal on SIGTERM/SIGINT: its slot, or -1 when it cannot be
/// (a path too long, every slot taken), in which case it is removed as before, on any failure
/// but a signal.
int register_pending(const char* path) {
    const size_t length = std::strlen(path);
    if (length >= PATH_MAX) return -1;
    install_cleanup_handler();
    for (size_t i = 0; i < g_pending.size(); ++i) {
        int expected = k_slot_free;
        if (!g_pending[i].state.compare_exchange_strong(expected, k_slot_filling)) continue;
        std::memcpy(g_pending[i].path.data(), path, length + 1);
        g_pending[i].state.store(k_slot_ready);
        return static_cast<int>(i);
    }
    return -1;
}

/// Forgets a temporary file (renamed into place or removed).
void unregister_pending(int slot) {
    if (slot >= 0) g_pending[static_cast<size_t>(slot)].state.store(k_slot_free);
}

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
    const int slot = register_pending(temp.data());
    if (!fill_and_close(fd, content, mode_for(path)) || ::rename(temp.data(), path.c_str()) != 0) {
        const int error = errno;
        ::unlink(temp.data());
        unregister_pending(slot);
        return util::errno_message(path, error);
    }
    unregister_pending(slot);
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
    return AtomicWriter(path, std::string(temp.data()), fd, register_pending(temp.data()));
}

AtomicWriter::AtomicWriter(AtomicWriter&& other) noexcept
    : m_path(std::move(other.m_path)),
      m_temp(std::move(other.m_temp)),
      m_fd(std::exchange(other.m_fd, -1)),
      m_slot(std::exchange(other.m_slot, -1)),
      m_error(other.m_error) {}

AtomicWriter::~AtomicWriter() {
    if (m_fd < 0) return;
    ::close(m_fd);
    if (!m_temp.empty()) ::unlink(m_temp.c_str());
    unregister_pending(m_slot);
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
        unregister_pending(std::exchange(m_slot, -1));
        return util::errno_message(m_path, error);
    }
    unregister_pending(std::exchange(m_slot, -1));
    sync_parent_directory(m_path);
    return std::nullopt;
}

}  // namespace kubeproof::local
