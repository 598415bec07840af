// Fuzzes the facts snapshot reader (host::read_snapshot, what `--facts FILE` reads through
// app::read_facts) over text in memory.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "host/snapshot_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto snapshot = kubeproof::host::read_snapshot(text);
    if (!snapshot) return 0;
    // What was read writes back and reads again (the round trip the snapshot file promises).
    const auto written = kubeproof::host::write_snapshot(*snapshot);
    if (!kubeproof::host::read_snapshot(written)) __builtin_trap();
    return 0;
}
