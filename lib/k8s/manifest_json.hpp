#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "k8s/manifest_identity.hpp"
#include "local/manifest_files.hpp"
#include "parse/diagnostics.hpp"
#include "util/expected.hpp"

namespace kubeproof::k8s {

/// Where one Kubernetes object of a JSON manifest is: its bytes, its first line, and its apiVersion
/// and kind (for a typed list's item, completed from the list).
struct JsonObjectSpan {
    size_t offset = 0;  ///< of the object's '{' in the input
    size_t length = 0;  ///< up to and including its '}'
    int line = 1;
    Identity identity;
};

/// Whether a manifest input is JSON (its first character other than white space is '{' or '['),
/// reading only up to that character; anything else is read as YAML.
bool is_json(local::ManifestInput& input);

/// Scans a JSON input a block at a time, without building it (nlohmann/json's SAX interface): one
/// JSON value, or several one after another as kubectl prints them. A List's items are spans of
/// their own. Values that are not Kubernetes objects and syntax errors become diagnostics naming
/// file:line:col; nothing after a syntax error is read. Memory holds one block of the input: a
/// 300 MB `kubectl get pods -A -o json` is never one document in memory.
std::vector<JsonObjectSpan> index_json(local::ManifestInput& input,
                                       parse::Diagnostics& diagnostics);

/// Builds the object of a span's text, leaving out the `ignored` fields (see ObjectBuilder), with
/// the span's apiVersion and kind; an error when the text is no longer a JSON object.
util::Expected<nlohmann::json, std::string> build_json_object(
    std::string_view text, const Identity& identity, const std::vector<std::string>& ignored);

}  // namespace kubeproof::k8s
