#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/files.hpp"
#include "util/expected.hpp"
#include "util/io_error.hpp"

namespace kubeproof::host {

/// What stat(2) says about a path (plain data shared with the engine's file facts).
using FileInfo = model::FileInfo;

/// One entry of a directory listing.
struct DirEntry {
    std::string name;
    bool is_dir = false;  ///< after following symlinks inside the root
};

/// One running process as /proc shows it.
struct Process {
    int pid = 0;
    std::vector<std::string> argv;  ///< from <proc>/<pid>/cmdline, split on NUL
    std::string comm;               ///< from <proc>/<pid>/comm (may be empty)
};

/// An error from the host: what failed and why ("/etc/x: Permission denied").
using HostError = util::IoError;

template <typename T>
using HostResult = util::IoResult<T>;

/// The only way kubeproof touches a node. Paths are absolute paths *inside* the node
/// ("/etc/kubernetes/admin.conf"); implementations map them under their root and never let
/// a path or a symlink escape it.
class Host {
public:
    virtual ~Host() = default;
    /// Reads a whole file (following symlinks inside the root).
    virtual HostResult<std::string> read_file(std::string_view path) const = 0;
    /// stat(2) following symlinks inside the root; `resolved` names the final path.
    virtual HostResult<FileInfo> stat(std::string_view path) const = 0;
    /// Lists a directory (following symlinks inside the root), sorted by name, without . and ..
    virtual HostResult<std::vector<DirEntry>> list_dir(std::string_view path) const = 0;
    /// Every process visible in the proc directory, sorted by pid. A host is one scan's view of
    /// the node: the real one reads the list once and gives the same list after.
    virtual HostResult<std::vector<Process>> processes() const = 0;
    /// Why the last processes() left out processes the proc directory shows (a file of theirs
    /// that is a symlink out of it), one message each; none unless the host refuses some.
    virtual std::vector<std::string> ignored_processes() const { return {}; }
    /// The environment of one process (<proc>/<pid>/environ), NAME -> value.
    virtual HostResult<std::map<std::string, std::string>> environ(int pid) const = 0;
    /// User name for a uid from <root>/etc/passwd; nullopt when unknown.
    virtual std::optional<std::string> user_name(uint32_t uid) const = 0;
    /// Group name for a gid from <root>/etc/group; nullopt when unknown.
    virtual std::optional<std::string> group_name(uint32_t gid) const = 0;
    /// The node's host name (<root>/etc/hostname, else the kernel's for root "/").
    virtual std::string hostname() const = 0;
    /// Up to `length` bytes of a file from `offset` (fewer at its end): how a large file (a
    /// binary's ELF sections) is read without reading it whole. This default reads the whole file,
    /// which is what a host that keeps files in memory does anyway.
    virtual HostResult<std::string> read_range(std::string_view path, uint64_t offset,
                                               size_t length) const {
        auto text = read_file(path);
        if (!text) return text;
        if (offset >= text->size()) return std::string();
        return text->substr(static_cast<size_t>(offset), length);
    }
};

/// A Host over the real file system under `root`, with processes from `proc_dir`
/// (default `<root>/proc`).
std::unique_ptr<Host> make_real_host(std::string root, std::string proc_dir);

}  // namespace kubeproof::host
