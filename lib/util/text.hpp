#pragma once

#include <string>
#include <string_view>

namespace kubeproof::util {

/// The last component of a slash-separated path ("kubelet" for "/usr/bin/kubelet").
inline std::string base_name(std::string_view path) {
    auto slash = path.rfind('/');
    return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

/// The reason part of a "path: reason" message ("No such file or directory").
inline std::string reason_of(std::string_view message) {
    auto colon = message.find(": ");
    return std::string(colon == std::string_view::npos ? message : message.substr(colon + 2));
}

}  // namespace kubeproof::util
