// Fuzzes the manifest reader (k8s::for_each_object): multi-document YAML or JSON text in memory,
// the index and reader ManifestSource uses over files. Also checks libyaml's fast reader against
// yaml-cpp: every document it reads must read the same with yaml-cpp when yaml-cpp reads it at all
// (parse/yaml_fast.hpp; see fuzz_document.cpp for what only libyaml reads).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "k8s/manifest_yaml.hpp"
#include "k8s/manifests.hpp"
#include "parse/diagnostics.hpp"
#include "parse/document.hpp"
#include "parse/yaml_fast.hpp"

namespace {

bool has_lone_carriage_return(std::string_view text) {
    for (size_t i = text.find('\r'); i != std::string_view::npos; i = text.find('\r', i + 1)) {
        if (i + 1 == text.size() || text[i + 1] != '\n') return true;
    }
    return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const std::string file = "fuzz.yaml";
    size_t objects = 0;
    kubeproof::parse::Diagnostics diagnostics;
    (void)kubeproof::k8s::for_each_object(
        text, file,
        [&objects](kubeproof::k8s::ManifestObject&& object) {
            // Every object delivered has a string apiVersion and kind (the sink's contract).
            if (!object.object.at("apiVersion").is_string() ||
                !object.object.at("kind").is_string())
                __builtin_trap();
            ++objects;
        },
        diagnostics);
    // A carriage return alone is a line break in YAML (libyaml, go-yaml); yaml-cpp 0.7 keeps it in
    // the scalar it ends. An anchor's name ends at the first character outside [0-9A-Za-z_-] for
    // libyaml and go-yaml, at white space for yaml-cpp (`&a:b c: 1`). The escapes \N and \_ of a
    // double-quoted scalar are U+0085 and U+00A0: libyaml writes them in UTF-8, yaml-cpp 0.7 as
    // the lone bytes 0x85 and 0xA0 (found by a CI smoke run of fuzz_manifests). Such text is not
    // compared.
    if (text.size() <= kubeproof::parse::k_count_before_building &&
        !has_lone_carriage_return(text) && text.find('&') == std::string_view::npos &&
        text.find("\\N") == std::string_view::npos && text.find("\\_") == std::string_view::npos) {
        for (const auto& document : kubeproof::k8s::split_documents(text)) {
            const auto fast = kubeproof::parse::read_plain_yaml_document(document.text);
            if (!fast) continue;
            const auto full = kubeproof::parse::parse_document_full("fuzz.yaml", document.text);
            if (full.loaded && full.data != fast->value) __builtin_trap();
        }
    }
    return 0;
}
