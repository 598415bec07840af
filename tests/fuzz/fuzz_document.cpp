// Fuzzes the node config document parser (parse::parse_document: kubelet config, kubeconfig and
// other component files read by the node scan, YAML or JSON) and the drop-in merge over itself.
// A document libyaml's reader of the common case takes must read the same, values and lines, with
// yaml-cpp alone (parse_document_full).
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "parse/document.hpp"
#include "parse/yaml_fast.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto document = kubeproof::parse::parse_document("fuzz/config.yaml", text);
    if (text.size() <= kubeproof::parse::k_count_before_building) {
        std::map<std::string, int> lines;
        if (const auto fast = kubeproof::parse::read_plain_yaml_document(text, &lines)) {
            const auto full = kubeproof::parse::parse_document_full("fuzz/config.yaml", text);
            if (!full.loaded || full.data != fast->value || full.lines != lines) __builtin_trap();
        }
    }
    if (!document.loaded) return 0;
    const auto drop_in = document;
    kubeproof::parse::merge_document(document, drop_in);
    for (const auto& [key_path, line] : document.lines) {
        (void)kubeproof::parse::select(document.data, key_path);
        (void)line;
    }
    return 0;
}
