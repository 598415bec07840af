// Fuzzes the node config document parser (parse::parse_document: kubelet config, kubeconfig and
// other component files read by the node scan, YAML or JSON) and the drop-in merge over itself.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "parse/document.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto document = kubeproof::parse::parse_document("fuzz/config.yaml", text);
    if (!document.loaded) return 0;
    const auto drop_in = document;
    kubeproof::parse::merge_document(document, drop_in);
    for (const auto& [key_path, line] : document.lines) {
        (void)kubeproof::parse::select(document.data, key_path);
        (void)line;
    }
    return 0;
}
