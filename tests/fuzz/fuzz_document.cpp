// Fuzzes the node config document parser (parse::parse_document: kubelet config, kubeconfig and
// other component files read by the node scan, YAML or JSON) and the drop-in merge over itself.
// A document libyaml's reader of the common case takes must read the same, values and lines, with
// yaml-cpp alone (parse_document_full) when yaml-cpp reads it at all: libyaml, whose port go-yaml
// is Kubernetes' decoder, also reads valid YAML that yaml-cpp 0.7 refuses, such as a flow mapping
// entry without a value (`{"a", "b": 1}`, "a" being null).
#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>

#include "parse/document.hpp"
#include "parse/yaml_fast.hpp"

namespace {

bool has_lone_carriage_return(std::string_view text) {
    for (size_t i = text.find('\r'); i != std::string_view::npos; i = text.find('\r', i + 1)) {
        if (i + 1 == text.size() || text[i + 1] != '\n') return true;
    }
    return false;
}

/// The key paths (as parse_document writes them) of the null values of `value`, below `path`.
void null_paths(const nlohmann::json& value, const std::string& path, std::set<std::string>& out) {
    if (value.is_null()) out.insert(path);
    if (value.is_object()) {
        for (const auto& [key, item] : value.items())
            null_paths(item, path.empty() ? key : path + "." + key, out);
    } else if (value.is_array()) {
        for (size_t i = 0; i < value.size(); ++i)
            null_paths(value[i], path + "[" + std::to_string(i) + "]", out);
    }
}

/// Whether two line maps agree, but for the line of an empty (null) value: yaml-cpp gives it the
/// line of the next token, libyaml the line it is on.
bool same_lines(const std::map<std::string, int>& full, const std::map<std::string, int>& fast,
                const nlohmann::json& data) {
    if (full.size() != fast.size()) return false;
    std::set<std::string> nulls;
    null_paths(data, "", nulls);
    for (const auto& [key_path, line] : full) {
        const auto found = fast.find(key_path);
        if (found == fast.end()) return false;
        if (found->second != line && nulls.count(key_path) == 0) return false;
    }
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto document = kubeproof::parse::parse_document("fuzz/config.yaml", text);
    // A carriage return alone is a line break in YAML (libyaml, go-yaml); yaml-cpp 0.7 keeps it in
    // the scalar it ends. An anchor's name ends at the first character outside [0-9A-Za-z_-] for
    // libyaml and go-yaml, at white space for yaml-cpp (`&a:b c: 1`). The escapes \N and \_ of a
    // double-quoted scalar are U+0085 and U+00A0: libyaml writes them in UTF-8, yaml-cpp 0.7 as
    // the lone bytes 0x85 and 0xA0 (found by a CI smoke run of fuzz_manifests). Such text is not
    // compared.
    if (text.size() <= kubeproof::parse::k_count_before_building &&
        !has_lone_carriage_return(text) && text.find('&') == std::string_view::npos &&
        text.find("\\N") == std::string_view::npos && text.find("\\_") == std::string_view::npos) {
        std::map<std::string, int> lines;
        if (const auto fast = kubeproof::parse::read_plain_yaml_document(text, &lines)) {
            const auto full = kubeproof::parse::parse_document_full("fuzz/config.yaml", text);
            if (full.loaded &&
                (full.data != fast->value || !same_lines(full.lines, lines, full.data)))
                __builtin_trap();
        }
    }
    if (!document.loaded) return 0;
    const auto drop_in = document;
    kubeproof::parse::merge_document(document, drop_in);
    // Each key path, and its list and key-name forms, selected with and without copies: the same
    // values and paths; and below its first key, the same values.
    auto same_values = [](const kubeproof::parse::SelectionRefs& a,
                          const kubeproof::parse::SelectionRefs& b) {
        if (a.values.size() != b.values.size()) return false;
        for (size_t i = 0; i < a.values.size(); ++i) {
            if (*a.values[i] != *b.values[i]) return false;
        }
        return true;
    };
    for (const auto& [key_path, line] : document.lines) {
        (void)line;
        for (const std::string& path : {key_path, key_path + "[*]", key_path + ".@keys"}) {
            const auto copied = kubeproof::parse::select(document.data, path);
            const auto refs = kubeproof::parse::select_refs(document.data, path);
            if (copied.values.size() != refs.values.size() || copied.paths != refs.paths ||
                copied.wildcard != refs.wildcard)
                __builtin_trap();
            for (size_t i = 0; i < refs.values.size(); ++i) {
                if (copied.values[i] != *refs.values[i]) __builtin_trap();
            }
            // Compared by value: `@keys` values live in each selection's own `keys`.
            const auto bare = kubeproof::parse::select_refs(document.data, path, false);
            if (!same_values(bare, refs) || !bare.paths.empty()) __builtin_trap();
            // The rest after the first key selects below that key what the whole path selects
            // (how a container item reads `pod.*` from the pod spec it does not copy).
            const auto first = kubeproof::parse::first_key(path);
            if (!first || !document.data.is_object()) continue;
            const auto at = document.data.find(first->key);
            const auto below = at == document.data.end()
                                   ? kubeproof::parse::SelectionRefs{}
                                   : kubeproof::parse::select_refs(*at, first->rest);
            if (!same_values(below, refs)) __builtin_trap();
        }
    }
    return 0;
}
