// Fuzzes the check and framework loader (loader::load_definitions) with one definition file. The
// first byte picks the role the rest of the input plays: the component catalogue, the benchmark
// choice table, a benchmark header, a section of a fixed benchmark, or a framework.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "loader/loader.hpp"
#include "parse/diagnostics.hpp"

namespace {

constexpr std::array<std::string_view, 5> k_fuzz_loader_paths = {
    "checks/components.yaml", "checks/benchmarks.yaml", "checks/fuzz/benchmark.yaml",
    "checks/fuzz/master.yaml", "frameworks/fuzz.yaml"};

// The header that makes a fuzzed section file part of a benchmark.
constexpr std::string_view k_fuzz_loader_header =
    "id: fuzz\ntitle: Fuzz\nkubernetes: [\"1.32\"]\nplatform: generic\nsections: [master.yaml]\n";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    const size_t role = data[0] % k_fuzz_loader_paths.size();
    const std::string path(k_fuzz_loader_paths.at(role));
    std::vector<kubeproof::loader::SourceFile> files;
    files.push_back({path, path, std::string(reinterpret_cast<const char*>(data) + 1, size - 1)});
    if (role == 3) {
        files.push_back({"checks/fuzz/benchmark.yaml", "checks/fuzz/benchmark.yaml",
                         std::string(k_fuzz_loader_header)});
    }
    kubeproof::parse::Diagnostics diagnostics;
    (void)kubeproof::loader::load_definitions(files, diagnostics);
    return 0;
}
