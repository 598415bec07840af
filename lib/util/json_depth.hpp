#pragma once

// How deep JSON from elsewhere may nest. Copying, comparing, printing and walking a JSON value
// recurse once per level, so a value nested a million levels deep (a few megabytes of "[[[[") would
// overflow the stack wherever it went. Every reader of JSON that kubeproof did not write itself
// refuses such text before building it: nlohmann's DOM parses after json_nesting_past, and the SAX
// handlers (ObjectBuilder, the manifest index, the stored report header) count their own depth.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace kubeproof::util {

/// The deepest nesting of JSON arrays and objects kubeproof reads. The API server decodes with
/// Go's encoding/json, which stops at 10,000; no Kubernetes object, report or credential comes near
/// 1,000 (a pod is about a dozen levels deep).
inline constexpr std::size_t k_max_json_depth = 1000;

/// The byte offset of the bracket at which `text` first nests deeper than `limit` arrays and
/// objects, or nullopt when it never does. Brackets inside strings are not counted (escapes read);
/// the text need not be valid JSON.
std::optional<std::size_t> json_nesting_past(std::string_view text,
                                             std::size_t limit = k_max_json_depth);

/// "nested deeper than 1000 levels, the most kubeproof reads".
std::string json_too_deep(std::size_t limit = k_max_json_depth);

}  // namespace kubeproof::util
