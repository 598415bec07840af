#include "app/waivers.hpp"

#include <fmt/format.h>

#include "evidence/signing.hpp"
#include "loader/waiver_reader.hpp"
#include "local/local_files.hpp"

namespace kubeproof::app {

LoadedWaivers load_waivers(const std::string& path, const model::Benchmark& benchmark) {
    LoadedWaivers loaded;
    loaded.file.path = path;
    auto bytes = local::read_local_file(path);
    if (!bytes) {
        loaded.unreadable = bytes.error().message;
        return loaded;
    }
    loaded.file = loader::read_waivers(path, *bytes, benchmark, loaded.errors, loaded.warnings);
    loaded.file.sha256 = evidence::sha256_hex(*bytes);
    return loaded;
}

util::Expected<model::WaiverFile, ScanError> waivers_for_scan(const std::string& path,
                                                              const model::Benchmark& benchmark,
                                                              std::vector<std::string>& warnings,
                                                              std::string_view refused) {
    LoadedWaivers loaded = load_waivers(path, benchmark);
    if (!loaded.unreadable.empty())
        return util::unexpected(
            ScanError{2, fmt::format("cannot read the waivers file: {}", loaded.unreadable)});
    for (const auto& warning : loaded.warnings.items())
        warnings.push_back(parse::format_location(warning));
    if (loaded.errors.empty()) return std::move(loaded.file);
    const size_t n = loaded.errors.size();
    return util::unexpected(ScanError{2,
                                      fmt::format("{} {} in the waivers file {}: {}", n,
                                                  n == 1 ? "problem" : "problems", path, refused),
                                      loaded.errors.format()});
}

std::string describe_waivers(const model::WaiverFile& file, const std::string& benchmark,
                             std::time_t now) {
    std::string expired;
    size_t in_force = 0;
    for (const auto& waiver : file.waivers) {
        if (now < waiver.expires_at) {
            ++in_force;
            continue;
        }
        expired += fmt::format("expired: {}: {} (expires {}, owner {})\n", waiver.source,
                               waiver.check, waiver.expires, waiver.owner);
    }
    return fmt::format("ok: {}: {} {} for {}, {} in force at {}, {} expired\n{}", file.path,
                       file.waivers.size(), file.waivers.size() == 1 ? "waiver" : "waivers",
                       benchmark, in_force, rfc3339(now), file.waivers.size() - in_force, expired);
}

}  // namespace kubeproof::app
