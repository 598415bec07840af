#include "host/real_host.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <climits>
#include <memory>
#include <optional>
#include <utility>

#include "host/passwd.hpp"
#include "host/resolve.hpp"

namespace kubeproof::host {

namespace {

// Closes a file descriptor when it goes out of scope.
class Fd {
public:
    explicit Fd(int fd) : m_fd(fd) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() {
        if (m_fd >= 0) ::close(m_fd);
    }
    int get() const { return m_fd; }
    int release() { return std::exchange(m_fd, -1); }

private:
    int m_fd;
};

// Closes a directory stream.
struct DirCloser {
    void operator()(DIR* stream) const { ::closedir(stream); }
};
using DirStream = std::unique_ptr<DIR, DirCloser>;

std::string strip_trailing_slashes(std::string path, std::string_view fallback) {
    if (path.empty()) return std::string(fallback);
    while (path.size() > 1 && path.back() == '/') path.pop_back();
    return path;
}

NodeResult lstat_node(const std::string& host, struct stat& st) {
    if (::lstat(host.c_str(), &st) != 0) return util::unexpected(errno);
    if (S_ISDIR(st.st_mode)) return PathNode{PathNode::Kind::Directory, {}};
    if (!S_ISLNK(st.st_mode)) return PathNode{PathNode::Kind::Other, {}};
    std::string target(PATH_MAX, '\0');
    const ssize_t length = ::readlink(host.c_str(), target.data(), target.size());
    if (length < 0) return util::unexpected(errno);
    if (static_cast<size_t>(length) >= target.size()) return util::unexpected(ENAMETOOLONG);
    target.resize(static_cast<size_t>(length));
    return PathNode{PathNode::Kind::Symlink, std::move(target)};
}

FileInfo::Type type_of(mode_t mode) {
    if (S_ISREG(mode)) return FileInfo::Type::Regular;
    if (S_ISDIR(mode)) return FileInfo::Type::Directory;
    if (S_ISLNK(mode)) return FileInfo::Type::Symlink;
    return FileInfo::Type::Other;
}

HostResult<std::string> read_all(int fd, std::string_view shown) {
    std::string data;
    char buffer[65536];
    while (true) {
        const ssize_t count = ::read(fd, buffer, sizeof buffer);
        if (count < 0 && errno == EINTR) continue;
        if (count < 0) return util::unexpected(error_from_errno(shown, errno));
        if (count == 0) return data;
        if (data.size() + static_cast<size_t>(count) > k_max_file_size) {
            return util::unexpected(host_error(HostError::Kind::Invalid, shown, "file too large"));
        }
        data.append(buffer, static_cast<size_t>(count));
    }
}

// Reads a regular file at a host path; errors name `shown`.
HostResult<std::string> read_host_file(const std::string& host, std::string_view shown,
                                       int extra_flags) {
    const Fd fd(::open(host.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | extra_flags));
    if (fd.get() < 0) return util::unexpected(error_from_errno(shown, errno));
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) return util::unexpected(error_from_errno(shown, errno));
    if (S_ISDIR(st.st_mode)) return util::unexpected(error_from_errno(shown, EISDIR));
    if (!S_ISREG(st.st_mode)) {
        return util::unexpected(host_error(HostError::Kind::Invalid, shown, "not a regular file"));
    }
    return read_all(fd.get(), shown);
}

std::optional<int> parse_pid(std::string_view name) {
    int pid = 0;
    const char* end = name.data() + name.size();
    const auto [ptr, ec] = std::from_chars(name.data(), end, pid);
    if (name.empty() || name.front() == '-' || ec != std::errc() || ptr != end || pid <= 0) {
        return std::nullopt;
    }
    return pid;
}

std::string in_root_child(const std::string& dir, std::string_view name) {
    return (dir == "/" ? dir : dir + "/") + std::string(name);
}

class RealHost final : public Host {
public:
    RealHost(std::string root, std::string proc_dir, std::string proc_shown)
        : m_root(std::move(root)),
          m_proc_dir(std::move(proc_dir)),
          m_proc_shown(std::move(proc_shown)) {}

    HostResult<std::string> read_file(std::string_view path) const override;
    HostResult<FileInfo> stat(std::string_view path) const override;
    HostResult<std::vector<DirEntry>> list_dir(std::string_view path) const override;
    HostResult<std::vector<Process>> processes() const override;
    std::vector<std::string> ignored_processes() const override { return m_ignored; }
    HostResult<std::map<std::string, std::string>> environ(int pid) const override;
    std::optional<std::string> user_name(uint32_t uid) const override;
    std::optional<std::string> group_name(uint32_t gid) const override;
    std::string hostname() const override;
    HostResult<std::string> read_range(std::string_view path, uint64_t offset,
                                       size_t length) const override;

private:
    // O_NOFOLLOW for every resolved path but the root itself (which may be a host symlink).
    static int nofollow(const std::string& resolved) { return resolved == "/" ? 0 : O_NOFOLLOW; }
    std::string host(std::string_view in_root) const { return host_path(m_root, in_root); }
    bool entry_is_dir(const std::string& dir, const dirent& entry) const;
    /// What resolution's lstat said of `target`, a resolved path (no symlink in it, unless it is
    /// the root itself, which `nofollow` false stands for); false when it was not looked up.
    bool cached_lstat(const std::string& target, bool nofollow, struct stat& st) const {
        if (!nofollow) return false;
        const auto found = m_root_lookups.find(target);
        if (found == m_root_lookups.end() || !found->second.node) return false;
        st = found->second.st;
        return true;
    }
    HostResult<std::vector<DirEntry>> read_entries(DIR* stream, const std::string& resolved,
                                                   std::string_view path) const;
    HostResult<std::vector<Process>> read_processes() const;
    HostResult<std::optional<Process>> read_process(int pid) const;
    HostResult<std::string> read_proc_file(int pid, std::string_view name) const;
    using NameTable = std::map<uint32_t, std::string>;
    const NameTable& names(std::optional<NameTable>& cache, std::string_view file,
                           NameTable (*parse)(std::string_view)) const;

    std::string m_root;
    std::string m_proc_dir;
    std::string m_proc_shown;
    mutable std::optional<NameTable> m_users;
    mutable std::optional<NameTable> m_groups;
    mutable std::vector<std::string> m_ignored;  ///< why processes() left some out
    /// The process list, read once: detection and discovery see the same processes.
    mutable std::optional<HostResult<std::vector<Process>>> m_processes;
    mutable LookupCache m_root_lookups;  ///< components under the root looked up so far
    mutable LookupCache m_proc_lookups;  ///< and under the proc directory
};

HostResult<std::string> RealHost::read_file(std::string_view path) const {
    auto resolved = resolve_in_root(m_root, path, Escape::Clamp, &m_root_lookups);
    if (!resolved) return util::unexpected(resolved.error());
    return read_host_file(host(*resolved), path, nofollow(*resolved));
}

HostResult<std::string> RealHost::read_range(std::string_view path, uint64_t offset,
                                             size_t length) const {
    if (length > k_max_file_size)
        return util::unexpected(host_error(HostError::Kind::Invalid, path, "range too large"));
    auto resolved = resolve_in_root(m_root, path, Escape::Clamp, &m_root_lookups);
    if (!resolved) return util::unexpected(resolved.error());
    const Fd fd(::open(host(*resolved).c_str(),
                       O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | nofollow(*resolved)));
    if (fd.get() < 0) return util::unexpected(error_from_errno(path, errno));
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) return util::unexpected(error_from_errno(path, errno));
    if (!S_ISREG(st.st_mode))
        return util::unexpected(host_error(HostError::Kind::Invalid, path, "not a regular file"));
    const auto size = static_cast<uint64_t>(st.st_size);
    if (offset >= size) return std::string();
    std::string data(static_cast<size_t>(std::min<uint64_t>(length, size - offset)), '\0');
    size_t done = 0;
    while (done < data.size()) {
        const ssize_t count = ::pread(fd.get(), data.data() + done, data.size() - done,
                                      static_cast<off_t>(offset + done));
        if (count < 0 && errno == EINTR) continue;
        if (count < 0) return util::unexpected(error_from_errno(path, errno));
        if (count == 0) break;
        done += static_cast<size_t>(count);
    }
    data.resize(done);
    return data;
}

HostResult<FileInfo> RealHost::stat(std::string_view path) const {
    auto resolved = resolve_in_root(m_root, path, Escape::Clamp, &m_root_lookups);
    if (!resolved) return util::unexpected(resolved.error());
    const std::string target = host(*resolved);
    struct stat st {};
    if (!cached_lstat(target, nofollow(*resolved) != 0, st)) {
        const int rc =
            nofollow(*resolved) ? ::lstat(target.c_str(), &st) : ::stat(target.c_str(), &st);
        if (rc != 0) return util::unexpected(error_from_errno(path, errno));
    }
    FileInfo info;
    info.type = type_of(st.st_mode);
    info.mode = static_cast<uint32_t>(st.st_mode & 07777);
    info.uid = st.st_uid;
    info.gid = st.st_gid;
    info.size = static_cast<uint64_t>(st.st_size);
    info.resolved = std::move(*resolved);
    return info;
}

HostResult<std::vector<DirEntry>> RealHost::list_dir(std::string_view path) const {
    auto resolved = resolve_in_root(m_root, path, Escape::Clamp, &m_root_lookups);
    if (!resolved) return util::unexpected(resolved.error());
    const std::string dir = host(*resolved);
    Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | nofollow(*resolved)));
    if (fd.get() < 0) return util::unexpected(error_from_errno(path, errno));
    const DirStream stream(::fdopendir(fd.get()));
    if (!stream) return util::unexpected(error_from_errno(path, errno));
    fd.release();
    return read_entries(stream.get(), *resolved, path);
}

HostResult<std::vector<DirEntry>> RealHost::read_entries(DIR* stream, const std::string& resolved,
                                                         std::string_view path) const {
    std::vector<DirEntry> entries;
    errno = 0;
    while (const dirent* entry = ::readdir(stream)) {
        const std::string_view name = entry->d_name;
        if (name != "." && name != "..")
            entries.push_back({std::string(name), entry_is_dir(resolved, *entry)});
        errno = 0;
    }
    if (errno != 0) return util::unexpected(error_from_errno(path, errno));
    std::sort(entries.begin(), entries.end(),
              [](const DirEntry& a, const DirEntry& b) { return a.name < b.name; });
    return entries;
}

bool RealHost::entry_is_dir(const std::string& dir, const dirent& entry) const {
    if (entry.d_type == DT_DIR) return true;
    if (entry.d_type != DT_LNK && entry.d_type != DT_UNKNOWN) return false;
    const auto resolved =
        resolve_in_root(m_root, in_root_child(dir, entry.d_name), Escape::Clamp, &m_root_lookups);
    if (!resolved) return false;
    const std::string target = host(*resolved);
    struct stat st {};
    if (cached_lstat(target, nofollow(*resolved) != 0, st)) return S_ISDIR(st.st_mode);
    return ::stat(target.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

HostResult<std::vector<Process>> RealHost::processes() const {
    if (!m_processes) m_processes = read_processes();
    return *m_processes;
}

HostResult<std::vector<Process>> RealHost::read_processes() const {
    const DirStream stream(::opendir(m_proc_dir.c_str()));
    if (!stream) return util::unexpected(error_from_errno(m_proc_shown, errno));
    std::vector<Process> result;
    m_ignored.clear();
    while (const dirent* entry = ::readdir(stream.get())) {
        const auto pid = parse_pid(entry->d_name);
        if (!pid) continue;
        auto process = read_process(*pid);
        if (!process)
            m_ignored.push_back("process " + std::to_string(*pid) +
                                " ignored: " + process.error().message);
        else if (*process)
            result.push_back(std::move(**process));
    }
    std::sort(m_ignored.begin(), m_ignored.end());
    std::sort(result.begin(), result.end(),
              [](const Process& a, const Process& b) { return a.pid < b.pid; });
    return result;
}

// A process, or nullopt for a kernel thread (empty cmdline) or one that vanished mid-read; an
// Invalid error when a file of it is not one kubeproof reads (a symlink out of the proc directory).
HostResult<std::optional<Process>> RealHost::read_process(int pid) const {
    const auto cmdline = read_proc_file(pid, "cmdline");
    if (!cmdline && cmdline.error().kind == HostError::Kind::Invalid)
        return util::unexpected(cmdline.error());
    if (!cmdline || cmdline->empty()) return std::optional<Process>();
    Process process;
    process.pid = pid;
    process.argv = split_cmdline(*cmdline);
    auto comm = read_proc_file(pid, "comm");
    if (!comm && comm.error().kind == HostError::Kind::Invalid)
        return util::unexpected(comm.error());
    if (comm) {
        process.comm = std::move(*comm);
        if (process.comm.ends_with('\n')) process.comm.pop_back();
    }
    return std::optional<Process>(std::move(process));
}

// Reads <proc>/<pid>/<name> resolved inside the proc directory as --root paths are inside the
// root: the real /proc's entries are directories and files, so a symlink that leads out of it
// (a fake proc tree pointing at a host file) is refused, never followed.
HostResult<std::string> RealHost::read_proc_file(int pid, std::string_view name) const {
    const std::string relative = "/" + std::to_string(pid) + "/" + std::string(name);
    const std::string shown = (m_proc_shown == "/" ? "" : m_proc_shown) + relative;
    auto resolved = resolve_in_root(m_proc_dir, relative, Escape::Refuse, &m_proc_lookups);
    if (!resolved) {
        HostError error = resolved.error();
        error.message.replace(0, relative.size(), shown);  // it names the path inside the proc dir
        return util::unexpected(std::move(error));
    }
    return read_host_file(host_path(m_proc_dir, *resolved), shown, nofollow(*resolved));
}

HostResult<std::map<std::string, std::string>> RealHost::environ(int pid) const {
    const auto text = read_proc_file(pid, "environ");
    if (!text) return util::unexpected(text.error());
    return parse_environ(*text);
}

// Parses <root>/etc/passwd or group on first use; an unreadable file is an empty table.
const RealHost::NameTable& RealHost::names(std::optional<NameTable>& cache, std::string_view file,
                                           NameTable (*parse)(std::string_view)) const {
    if (!cache) {
        const auto text = read_file(file);
        cache = text ? parse(*text) : NameTable{};
    }
    return *cache;
}

std::optional<std::string> RealHost::user_name(uint32_t uid) const {
    return name_for_id(names(m_users, "/etc/passwd", &parse_passwd), uid);
}

std::optional<std::string> RealHost::group_name(uint32_t gid) const {
    return name_for_id(names(m_groups, "/etc/group", &parse_group), gid);
}

std::string RealHost::hostname() const {
    if (const auto text = read_file("/etc/hostname")) {
        std::string name = parse_hostname(*text);
        if (!name.empty()) return name;
    }
    if (m_root != "/") return "";
    struct utsname uts {};
    if (::uname(&uts) != 0) return "";
    return uts.nodename;
}

}  // namespace

std::string host_path(std::string_view root, std::string_view in_root) {
    if (root == "/" || root.empty()) return std::string(in_root);
    if (in_root == "/") return std::string(root);
    return std::string(root) + std::string(in_root);
}

HostResult<std::string> resolve_in_root(const std::string& root, std::string_view path,
                                        Escape escape, LookupCache* cache) {
    return resolve_path(
        path,
        [&root, cache](const std::string& in_root) {
            std::string host = host_path(root, in_root);
            struct stat st {};
            if (cache == nullptr) return lstat_node(host, st);
            const auto found = cache->find(host);
            if (found != cache->end()) return found->second.node;
            NodeResult node = lstat_node(host, st);
            cache->emplace(std::move(host), Lookup{node, st});
            return node;
        },
        escape);
}

std::vector<std::string> split_cmdline(std::string_view text) {
    std::vector<std::string> argv;
    if (text.empty()) return argv;
    size_t start = 0;
    for (size_t end = text.find('\0'); end != std::string_view::npos;
         end = text.find('\0', start)) {
        argv.emplace_back(text.substr(start, end - start));
        start = end + 1;
    }
    if (start < text.size()) argv.emplace_back(text.substr(start));
    return argv;
}

std::map<std::string, std::string> parse_environ(std::string_view text) {
    std::map<std::string, std::string> env;
    for (const auto& entry : split_cmdline(text)) {
        const size_t equals = entry.find('=');
        if (equals == std::string::npos || equals == 0) continue;
        env.emplace(entry.substr(0, equals), entry.substr(equals + 1));
    }
    return env;
}

std::unique_ptr<Host> make_real_host(std::string root, std::string proc_dir) {
    root = strip_trailing_slashes(std::move(root), "/");
    const bool default_proc = proc_dir.empty();
    std::string proc_shown =
        default_proc ? "/proc" : strip_trailing_slashes(std::move(proc_dir), "/");
    std::string proc_host = default_proc ? host_path(root, "/proc") : proc_shown;
    return std::make_unique<RealHost>(std::move(root), std::move(proc_host), std::move(proc_shown));
}

}  // namespace kubeproof::host
