#include "app/definitions.hpp"

#include <algorithm>
#include <map>
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
    std::map<std::string, std::span<const uint8_t>> sections;
    for (const auto& compiled : embedded::compiled_sections())
        sections[std::string(compiled.benchmark)] = compiled.bytes;
    std::string error;
    auto definitions = model::definitions_from_binary({bytes.data(), bytes.size()}, sections,
                                                      embedded::compiled_frameworks(), error);
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
        // The folder's own problem without its name again; a file's problem with the file's name.
        const std::string& message = files.error().message;
        diagnostics.add(dir, 0, 0,
                        "cannot read the checks directory: " +
                            (message.starts_with(dir + ": ") ? util::reason_of(message) : message));
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

std::string definitions_sha256(const std::vector<loader::SourceFile>& sources) {
    std::vector<evidence::DigestedFile> files;
    files.reserve(sources.size());
    for (const auto& file : sources) files.push_back({file.path, file.content});
    return evidence::definitions_sha256(std::move(files));
}

std::string embedded_definitions_sha256() {
    if (!embedded::definitions_sha256().empty()) return std::string(embedded::definitions_sha256());
    return definitions_sha256(embedded_sources());
}

LoadedDefinitions load_definitions(const std::string& checks_dir, bool lazy) {
    LoadedDefinitions loaded;
    std::vector<loader::SourceFile> sources;
    if (checks_dir.empty()) {
        if (auto definitions = compiled(loaded.diagnostics)) {
            loaded.definitions = std::move(*definitions);
            if (!lazy) loaded.definitions.decode_all();
            loaded.sha256 = embedded_definitions_sha256();
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
