#pragma once

#include <cstdint>
#include <string>

namespace kubeproof::model {

/// What stat(2) says about a path on a node, after following symlinks inside its root.
struct FileInfo {
    enum class Type { Regular, Directory, Symlink, Other };
    Type type = Type::Regular;
    uint32_t mode = 0;  ///< permission bits only (mode & 07777)
    uint32_t uid = 0;
    uint32_t gid = 0;
    uint64_t size = 0;
    std::string resolved;  ///< the path inside the root after following symlinks ("/etc/x")
};

}  // namespace kubeproof::model
