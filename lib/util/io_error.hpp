#pragma once

#include <cstring>
#include <string>
#include <system_error>

#include "util/expected.hpp"

namespace kubeproof::util {

/// An I/O error (of the node host or of local files): what failed and why ("/etc/x: Permission
/// denied").
struct IoError {
    enum class Kind { NotFound, Denied, Invalid, Other };
    Kind kind = Kind::Other;
    std::string message;
};

template <typename T>
using IoResult = Expected<T, IoError>;

/// "path: reason" for an errno value.
inline std::string errno_message(const std::string& path, int error) {
    return path + ": " + std::strerror(error);
}

/// The IoError of a failed call on `path`: its kind from the error, "path: reason".
inline IoError io_error_of(const std::string& path, const std::error_code& ec) {
    const IoError::Kind kind = ec == std::errc::no_such_file_or_directory ? IoError::Kind::NotFound
                               : ec == std::errc::permission_denied       ? IoError::Kind::Denied
                                                                          : IoError::Kind::Other;
    return {kind, path + ": " + ec.message()};
}

}  // namespace kubeproof::util
