#pragma once

#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace YAML {
class Node;
}

namespace kubeproof::parse {

/// A parsed YAML or JSON file (the first document of a stream), with the line of every value.
struct Document {
    std::string path;
    bool loaded = false;
    std::string error;  ///< why it could not be read or parsed
    nlohmann::json data;
    std::map<std::string, int> lines;  ///< concrete key path ("a.b[0].c") -> 1-based line
    /// Key paths whose value came from another file merged in (a drop-in) -> that file.
    std::map<std::string, std::string> files;
    /// Drop-in files merged over this document, in the order they were merged.
    std::vector<std::string> merged;

    /// The file a key path's value comes from: a drop-in that set it, else `path`.
    const std::string& file_of(const std::string& key_path) const {
        auto it = files.find(key_path);
        return it == files.end() ? path : it->second;
    }
};

/// Parses YAML or JSON text; on a syntax error `error` names path:line:col.
Document parse_document(std::string path, std::string_view text);
/// parse_document with yaml-cpp alone: what the libyaml reader of its common case
/// (yaml_fast.hpp) is checked against.
Document parse_document_full(std::string path, std::string_view text);

/// Merges `drop_in` over `base` as the kubelet merges its --config-dir files: mappings key by key,
/// anything else (scalars, lists) replaced whole. Lines and files of the merged values follow.
/// A drop-in that did not load makes `base` not loaded, with its error.
void merge_document(Document& base, const Document& drop_in);

/// Converts one yaml-cpp node as parse_document does, with the semantics Kubernetes reads YAML with
/// (go-yaml v2 through sigs.k8s.io/yaml): plain scalars resolved by YAML 1.1 rules (`yes`/`on`
/// are booleans, see yaml_scalars.hpp), quoted scalars strings, `<<` merge keys merged. Throws a
/// YAML::Exception for a merge key whose value is not a mapping. Shared with the manifest reader.
nlohmann::json yaml_to_json(const YAML::Node& node);

/// At most this many values in one document once YAML aliases are expanded: a few lines of
/// aliases to aliases ("billion laughs") would otherwise expand to gigabytes when converted.
inline constexpr size_t k_max_yaml_values = 1'000'000;

/// Whether a node holds at most `limit` values (scalars, sequences, mappings and keys) with its
/// aliases expanded; stops counting at the limit, so it costs at most `limit` steps.
bool yaml_values_within(const YAML::Node& node, size_t limit = k_max_yaml_values);

/// Why a document (`node`, read from `bytes` of text) that is not yaml_values_within is refused:
/// its aliases expand too far, or, without aliases, it is too large (too_large_document).
std::string too_many_values(const YAML::Node& node, size_t bytes);

/// "the document is too large: 97.0 MiB of YAML holding more than 1000000 values, ...": the
/// size and the cap.
std::string too_large_document(size_t bytes);

/// Text larger than this is counted (yaml_text_within) before it is built into nodes: every
/// Kubernetes object fits in it (etcd keeps at most 1.5 MiB), a list of many may not.
inline constexpr size_t k_count_before_building = size_t{1} << 20;

/// Whether YAML text holds at most `limit` values in all its documents, aliases counted once,
/// counted from the parser's events without building a node: a document too large to build is
/// refused after `limit` values in little memory, where building it first takes gigabytes. Text
/// with a syntax error counts as within: the parse that builds it says where the error is.
bool yaml_text_within(std::string_view text, size_t limit = k_max_yaml_values);

/// Why YAML text is refused before it is built, or nullopt: text over k_count_before_building
/// that holds more than k_max_yaml_values values (too_large_document). Every reader of YAML from
/// elsewhere asks it first (manifests, node files, definitions, waivers, kubeconfigs).
std::optional<std::string> too_large_yaml(std::string_view text);

/// Values selected by a key path.
struct Selection {
    std::vector<nlohmann::json> values;
    std::vector<std::string> paths;  ///< the concrete path of each value
    bool wildcard = false;           ///< the path could select several values
};

/// Selects values by a key path: `a.b`, `[N]`, `[*]`, and a final `@keys` (a map's key names).
Selection select(const nlohmann::json& data, std::string_view key_path);

/// The same selection without copies: pointers into the data (valid while it is), and the key
/// names of `@keys` kept here.
struct SelectionRefs {
    std::vector<const nlohmann::json*> values;
    std::vector<std::string> paths;   ///< the concrete path of each value
    bool wildcard = false;            ///< the path could select several values
    std::deque<nlohmann::json> keys;  ///< the values `@keys` made
};

/// select() without copying what it selects: what the policy checks use on every object. Without
/// `with_paths`, `paths` stays empty: the values alone, without a string built per step.
SelectionRefs select_refs(const nlohmann::json& data, std::string_view key_path,
                          bool with_paths = true);

/// The first step of a key path when it is a key: its name (escapes read) and the rest of the path,
/// which selects below that key's value as the whole path would: {"pod", ".os.name"} for
/// `pod.os.name`, {"pod.x", ""} for `pod\.x`.
struct FirstKey {
    std::string key;
    std::string_view rest;
};

/// The first key of `key_path`; nullopt when the path selects the value itself (empty) or starts
/// with an index, `[*]` or `@keys`.
std::optional<FirstKey> first_key(std::string_view key_path);

/// The text of a scalar value ("true", "10255", "0s"); lists are joined with ','.
std::string scalar_text(const nlohmann::json& value);

}  // namespace kubeproof::parse
