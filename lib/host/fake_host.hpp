#pragma once

// An in-memory Host for unit tests: a file tree, processes and /etc files built in code, with
// the same rooted symlink semantics, error kinds and messages as the real host.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "host/host.hpp"
#include "host/resolve.hpp"

namespace kubeproof::host {

/// A Host over an in-memory tree; it also records every path read, stat'ed or listed.
/// Setup paths are absolute and taken literally (not through symlinks); missing parent
/// directories are created 0755 root:root; a parent that is not a directory throws
/// std::invalid_argument (a broken test setup, never a Host error).
class FakeHost : public Host {
public:
    /// An empty tree: just "/" (0755 root:root), no processes.
    FakeHost();

    /// Adds or replaces a regular file.
    void add_file(std::string_view path, std::string content, uint32_t mode = 0644,
                  uint32_t uid = 0, uint32_t gid = 0);
    /// Adds a directory, or changes the mode and owner of an existing one.
    void add_dir(std::string_view path, uint32_t mode = 0755, uint32_t uid = 0, uint32_t gid = 0);
    /// Adds a symlink; `target` is resolved like a real link with "/" as the root.
    void add_symlink(std::string_view path, std::string target);
    /// Adds a process; an empty argv is a kernel thread, which processes() skips.
    void add_process(int pid, std::vector<std::string> argv, std::string comm = "",
                     std::map<std::string, std::string> env = {});
    /// Writes /etc/passwd (used by user_name).
    void set_passwd(std::string text);
    /// Writes /etc/group (used by group_name).
    void set_group(std::string text);
    /// Writes /etc/hostname.
    void set_hostname(std::string name);
    /// Makes every look at `path` (read, stat, list, or passing through it) a Denied error.
    void deny(std::string_view path);
    /// Makes a directory behave like one without read and search permission for the scanning
    /// user (mode 0700, someone else's): it can be stat'ed, but listing it, or reaching anything
    /// below it, is a Denied error.
    void deny_listing(std::string_view path);
    /// Every path given to read_file, stat and list_dir, in call order.
    const std::vector<std::string>& accessed() const { return m_accessed; }

    /// Reads a whole file (following symlinks inside the tree).
    HostResult<std::string> read_file(std::string_view path) const override;
    /// Mode, owner, size and type of the final target of `path`.
    HostResult<FileInfo> stat(std::string_view path) const override;
    /// The entries of a directory, sorted by name.
    HostResult<std::vector<DirEntry>> list_dir(std::string_view path) const override;
    /// The added processes except kernel threads, sorted by pid.
    HostResult<std::vector<Process>> processes() const override;
    /// The environment given to add_process; NotFound for an unknown pid.
    HostResult<std::map<std::string, std::string>> environ(int pid) const override;
    /// From /etc/passwd in the tree; uid 0 is "root" even without it.
    std::optional<std::string> user_name(uint32_t uid) const override;
    /// From /etc/group in the tree; gid 0 is "root" even without it.
    std::optional<std::string> group_name(uint32_t gid) const override;
    /// The first line of /etc/hostname in the tree, else "".
    std::string hostname() const override;

private:
    struct Node {
        enum class Kind { File, Directory, Symlink };
        Kind kind = Kind::File;
        std::string data;  // file content or link target
        uint32_t mode = 0;
        uint32_t uid = 0;
        uint32_t gid = 0;
    };
    struct FakeProcess {
        std::vector<std::string> argv;
        std::string comm;
        std::map<std::string, std::string> env;
    };
    struct Found {
        std::string resolved;
        const Node* node = nullptr;
    };

    void put(std::string_view path, Node node);
    void make_parents(const std::string& path);
    NodeResult lookup(const std::string& in_root) const;
    HostResult<Found> find(std::string_view path) const;
    HostResult<std::string> read_quietly(std::string_view path) const;
    bool is_dir(const std::string& in_root) const;

    bool below_unlistable(const std::string& in_root) const;

    std::map<std::string, Node> m_nodes;
    std::set<std::string> m_denied;
    std::set<std::string> m_unlistable;
    std::map<int, FakeProcess> m_processes;
    mutable std::vector<std::string> m_accessed;
};

}  // namespace kubeproof::host
