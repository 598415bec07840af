#pragma once

#include <string>

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

}  // namespace kubeproof::util
