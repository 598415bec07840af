#pragma once

// The common case of a YAML manifest document read with libyaml's event parser, several times
// faster than building yaml-cpp nodes: Kubernetes' own YAML decoder (go-yaml) is a port of
// libyaml, and a repository's manifests are mostly plain mappings, sequences and scalars. Anything
// out of that common case is left to the full reader (yaml-cpp, parse/document.hpp), which gives
// the same values, the messages and the handling of aliases and merge keys.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace kubeproof::parse {

/// Where a node starts in the text read, 0-based as yaml-cpp's marks are.
struct YamlStart {
    int line = 0;
    int column = 0;
};

/// One YAML document read by read_plain_yaml_document.
struct PlainYamlDocument {
    nlohmann::json value;  ///< always a mapping
    YamlStart start;       ///< of that mapping
    /// Of each value of the mapping's "items" sequence, when it has one (a List's objects).
    std::vector<YamlStart> item_starts;
};

/// The JSON value of `text`, one YAML document whose value is a mapping, exactly as
/// yaml_to_json(YAML::Load(text)) gives it (scalars resolved as go-yaml v2 resolves them,
/// yaml_scalars.hpp); nullopt when the document needs the full reader: invalid YAML (for its
/// message), not exactly one document, a value that is not a mapping, an alias, a merge key `<<`,
/// a key given twice, a key that is not a scalar, a tagged empty scalar, nesting deeper than 256
/// or more than k_max_yaml_values values. With `lines`, records the 1-based line of every value by
/// key path as parse_document does (a mapping's value at its key's line); `lines` is left as it
/// was when the result is nullopt.
std::optional<PlainYamlDocument> read_plain_yaml_document(
    std::string_view text, std::map<std::string, int>* lines = nullptr);

}  // namespace kubeproof::parse
