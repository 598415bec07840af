#include "app/definitions.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "embedded/embedded.hpp"
#include "evidence/signing.hpp"
#include "loader/loader.hpp"
#include "local/local_files.hpp"
#include "model/serialize.hpp"
#include "util/text.hpp"

namespace kubeproof::app {

namespace {

// The definitions compiled into the binary at build time; nullopt when there are none.
std::optional<model::Definitions> compiled(parse::Diagnostics& diagnostics) {
    auto bytes = embedded::compiled_definitions();
    if (bytes.empty()) return std::nullopt;
    std::string error;
    auto definitions = model::definitions_from_cbor({bytes.data(), bytes.size()}, error);
    if (!definitions) diagnostics.add("(embedded definitions)", 0, 0, error);
    return definitions;
}

}  // namespace

// Files of a local definitions directory: checks from DIR, frameworks from DIR/frameworks/ (they
// replace embedded framework files of the same name; the other embedded frameworks stay).
std::optional<std::vector<loader::SourceFile>> local_sources(const std::string& dir,
                                                             parse::Diagnostics& diagnostics) {
    auto files = local::read_local_yaml_tree(dir);
    if (!files) {
        diagnostics.add(
            dir, 0, 0,
            "cannot read the checks directory: " + util::reason_of(files.error().message));
        return std::nullopt;
    }
    std::vector<loader::SourceFile> sources;
    std::set<std::string> local_frameworks;
    for (auto& f : *files) {
        bool framework = f.relative.starts_with("frameworks/");
        std::string path = framework ? f.relative : "checks/" + f.relative;
        if (framework) local_frameworks.insert(path);
        sources.push_back({path, f.path, std::move(f.content)});
    }
    for (auto& embedded : embedded_sources()) {
        if (embedded.path.starts_with("frameworks/") && local_frameworks.count(embedded.path) == 0)
            sources.push_back(embedded);
    }
    return sources;
}

std::string definitions_sha256(std::vector<loader::SourceFile> sources) {
    std::sort(sources.begin(), sources.end(),
              [](const auto& a, const auto& b) { return a.path < b.path; });
    std::string all;
    for (const auto& file : sources)
        all += fmt::format("{}\n{}\n{}", file.path, file.content.size(), file.content);
    return evidence::sha256_hex(all);
}

LoadedDefinitions load_definitions(const std::string& checks_dir) {
    LoadedDefinitions loaded;
    std::vector<loader::SourceFile> sources;
    if (checks_dir.empty()) {
        if (auto definitions = compiled(loaded.diagnostics)) {
            loaded.definitions = std::move(*definitions);
            loaded.sha256 = definitions_sha256(embedded_sources());
            return loaded;
        }
        if (!loaded.diagnostics.empty()) return loaded;
        sources = embedded_sources();
    } else {
        auto local = local_sources(checks_dir, loaded.diagnostics);
        if (!local) return loaded;
        sources = std::move(*local);
    }
    loaded.sha256 = definitions_sha256(sources);
    loaded.definitions = loader::load_definitions(sources, loaded.diagnostics);
    return loaded;
}

std::vector<loader::SourceFile> embedded_sources() {
    std::vector<loader::SourceFile> out;
    for (const auto& file : embedded::files()) {
        out.push_back({std::string(file.path), std::string(file.path), std::string(file.content)});
    }
    return out;
}

}  // namespace kubeproof::app
