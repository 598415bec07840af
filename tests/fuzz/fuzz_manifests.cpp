// Fuzzes the manifest reader (k8s::for_each_object): multi-document YAML or JSON text in memory,
// the index and reader ManifestSource uses over files.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "k8s/manifests.hpp"
#include "parse/diagnostics.hpp"

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
    return 0;
}
