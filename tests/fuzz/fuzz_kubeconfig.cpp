// Fuzzes the kubeconfig parser (k8s::parse_kubeconfig): YAML or JSON text, current context. It
// only records certificate and key paths; it reads no file and connects nowhere.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "k8s/kubeconfig.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const kubeproof::k8s::KubeconfigSource source{"fuzz/kubeconfig", "fuzz", ""};
    (void)kubeproof::k8s::parse_kubeconfig(text, source);
    return 0;
}
