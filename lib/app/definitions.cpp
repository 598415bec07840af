#include "app/definitions.hpp"

#include "host/local_files.hpp"
#include "loader/loader.hpp"

namespace kubeproof::app {

LoadedDefinitions load_definitions(const std::string& checks_dir) {
    LoadedDefinitions loaded;
    std::vector<loader::SourceFile> sources;
    if (checks_dir.empty()) {
        sources = loader::embedded_sources();
    } else {
        auto files = host::read_local_yaml_tree(checks_dir);
        if (!files) {
            loaded.diagnostics.add(checks_dir, 0, 0, "cannot read the checks directory: " + files.error().message);
            return loaded;
        }
        for (auto& f : *files) sources.push_back({"checks/" + f.relative, f.path, std::move(f.content)});
    }
    loaded.definitions = loader::load_definitions(sources, loaded.diagnostics);
    return loaded;
}

}  // namespace kubeproof::app
