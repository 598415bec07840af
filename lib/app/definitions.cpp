#include "app/definitions.hpp"

#include "embedded/embedded.hpp"
#include "host/local_files.hpp"
#include "model/serialize.hpp"
#include "loader/loader.hpp"

namespace kubeproof::app {

namespace {

// The definitions compiled into the binary at build time; nullopt when there are none.
std::optional<model::Definitions> compiled(loader::Diagnostics& diagnostics) {
    auto bytes = embedded::compiled_definitions();
    if (bytes.empty()) return std::nullopt;
    std::string error;
    auto definitions = model::definitions_from_cbor({bytes.data(), bytes.size()}, error);
    if (!definitions) diagnostics.add("(embedded definitions)", 0, 0, error);
    return definitions;
}

}  // namespace

LoadedDefinitions load_definitions(const std::string& checks_dir) {
    LoadedDefinitions loaded;
    std::vector<loader::SourceFile> sources;
    if (checks_dir.empty()) {
        if (auto definitions = compiled(loaded.diagnostics)) {
            loaded.definitions = std::move(*definitions);
            return loaded;
        }
        if (!loaded.diagnostics.empty()) return loaded;
        sources = loader::embedded_sources();
    } else {
        auto files = host::read_local_yaml_tree(checks_dir);
        if (!files) {
            const std::string& message = files.error().message;
            auto colon = message.find(": ");
            loaded.diagnostics.add(checks_dir, 0, 0, "cannot read the checks directory: " +
                                                         (colon == std::string::npos ? message : message.substr(colon + 2)));
            return loaded;
        }
        for (auto& f : *files) sources.push_back({"checks/" + f.relative, f.path, std::move(f.content)});
    }
    loaded.definitions = loader::load_definitions(sources, loaded.diagnostics);
    return loaded;
}

}  // namespace kubeproof::app
