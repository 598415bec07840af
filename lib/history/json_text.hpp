#pragma once

#include <string>

namespace kubeproof::history {

/// The string at `key` of a JSON object (nlohmann's `json` or `ordered_json`), "" when `object` is
/// not an object or the value is missing or not a string.
template <typename Json>
std::string text_at(const Json& object, const char* key) {
    if (!object.is_object()) return {};
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->template get<std::string>() : std::string();
}

}  // namespace kubeproof::history
