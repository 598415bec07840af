#pragma once

// Path resolution "as if root were /", shared by RealHost and FakeHost so that both follow
// symlinks, clamp "..", count links and report errors in exactly the same way.

#include <cerrno>
#include <cstring>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "host/host.hpp"

namespace kubeproof::host {

/// At most this many symlinks are followed while resolving one path (Linux's MAXSYMLINKS).
inline constexpr int k_max_symlinks = 40;

/// What a lookup of one in-root path (without following a final symlink) found there.
struct PathNode {
    enum class Kind { Directory, Symlink, Other };
    Kind kind = Kind::Other;
    std::string target;  ///< the link's target when kind == Symlink
};

/// A PathNode, or the errno that explains why the path could not be looked at.
using NodeResult = util::Expected<PathNode, int>;

/// A HostError "<shown>: <reason>" of the given kind.
inline HostError host_error(HostError::Kind kind, std::string_view shown, std::string_view reason) {
    std::string message(shown);
    message += ": ";
    message += reason;
    return HostError{kind, std::move(message)};
}

/// Maps an errno to a HostError about `shown` (an in-root path), e.g. "/etc/x: Permission denied".
inline HostError error_from_errno(std::string_view shown, int err) {
    switch (err) {
        case ENOENT:
        case ENOTDIR:
            return host_error(HostError::Kind::NotFound, shown, std::strerror(err));
        case EACCES:
        case EPERM:
            return host_error(HostError::Kind::Denied, shown, std::strerror(err));
        case ELOOP:
            return host_error(HostError::Kind::Invalid, shown, "too many levels of symbolic links");
        case EISDIR:
        case EINVAL:
        case ENAMETOOLONG:
            return host_error(HostError::Kind::Invalid, shown, std::strerror(err));
        default:
            return host_error(HostError::Kind::Other, shown, std::strerror(err));
    }
}

/// Joins components into an absolute in-root path ({} -> "/", {"etc","x"} -> "/etc/x").
inline std::string join_components(const std::vector<std::string>& parts) {
    if (parts.empty()) return "/";
    std::string path;
    for (const auto& part : parts) {
        path += '/';
        path += part;
    }
    return path;
}

/// Splits a path on '/', dropping empty parts; a trailing '/' becomes a final "." so that the
/// last component must be a directory.
inline std::vector<std::string> split_components(std::string_view path) {
    std::vector<std::string> parts;
    size_t start = 0;
    while (start <= path.size()) {
        size_t end = path.find('/', start);
        if (end == std::string_view::npos) end = path.size();
        if (end > start) parts.emplace_back(path.substr(start, end - start));
        start = end + 1;
    }
    if (!parts.empty() && path.ends_with('/')) parts.emplace_back(".");
    return parts;
}

/// What resolve_path does with a way out of the root: an absolute symlink target or a ".." above
/// the root.
enum class Escape {
    Clamp,   ///< what a chroot does: "/" is the root and ".." at the root stays there (--root)
    Refuse,  ///< an Invalid error naming the link (--proc, whose entries never link out of it)
};

/// The Invalid error of a path with a symlink to `target` on its way that leads out of the root.
inline HostError escape_error(std::string_view shown, std::string_view target) {
    std::string reason = "symbolic link to ";
    reason += target;
    reason += " leads out of the directory";
    return host_error(HostError::Kind::Invalid, shown, reason);
}

/// Resolves `path` (absolute inside the root; a relative path counts from "/") with `lookup`,
/// a callable `NodeResult(const std::string& in_root_path)` that must not follow symlinks.
/// Symlinks are followed as if the root were "/", a way out of the root is clamped or refused as
/// `escape` says, and every component must exist. Returns the resolved in-root path; errors name
/// `path`.
template <typename Lookup>
HostResult<std::string> resolve_path(std::string_view path, const Lookup& lookup,
                                     Escape escape = Escape::Clamp) {
    if (path.empty()) return util::unexpected(error_from_errno(path, ENOENT));
    if (path.find('\0') != std::string_view::npos) {
        return util::unexpected(error_from_errno(path, EINVAL));
    }
    const auto initial = split_components(path);
    std::deque<std::string> todo(initial.begin(), initial.end());
    std::vector<std::string> done;
    int links = 0;
    std::string last_target;  ///< of the symlink last followed, for Escape::Refuse
    while (!todo.empty()) {
        std::string part = std::move(todo.front());
        todo.pop_front();
        if (part == ".") continue;
        if (part == "..") {
            if (done.empty() && escape == Escape::Refuse) {
                return util::unexpected(
                    escape_error(path, last_target.empty() ? ".." : last_target));
            }
            if (!done.empty()) done.pop_back();
            continue;
        }
        done.push_back(std::move(part));
        auto node = lookup(join_components(done));
        if (!node) return util::unexpected(error_from_errno(path, node.error()));
        if (node->kind == PathNode::Kind::Other && !todo.empty()) {
            return util::unexpected(error_from_errno(path, ENOTDIR));
        }
        if (node->kind != PathNode::Kind::Symlink) continue;
        done.pop_back();
        if (++links > k_max_symlinks) return util::unexpected(error_from_errno(path, ELOOP));
        if (node->target.empty()) return util::unexpected(error_from_errno(path, ENOENT));
        if (node->target.front() == '/') {
            if (escape == Escape::Refuse) return util::unexpected(escape_error(path, node->target));
            done.clear();
        }
        last_target = node->target;
        const auto target = split_components(node->target);
        todo.insert(todo.begin(), target.begin(), target.end());
    }
    return join_components(done);
}

}  // namespace kubeproof::host
