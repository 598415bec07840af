#include "facts/server_config.hpp"

#include <fmt/format.h>

namespace kubeproof::facts {

namespace {

std::string server_line_of(const parse::Document& file, const std::string& path) {
    auto it = file.lines.find(path);
    return it == file.lines.end() ? file.path : fmt::format("{}:{}", file.path, it->second);
}

bool is_scalar(const nlohmann::json& value) {
    return !value.is_object() && !value.is_array() && !value.is_null();
}

// The values of one key of a config file, each with its line; false when a value is not a
// scalar or a list of scalars.
bool server_values_of(const parse::Document& file, const std::string& key,
                      const nlohmann::json& value, std::vector<ServerValue>& out) {
    if (is_scalar(value)) {
        out.push_back({parse::scalar_text(value), {"config", server_line_of(file, key)}});
        return true;
    }
    if (!value.is_array()) return false;
    for (size_t i = 0; i < value.size(); ++i) {
        if (!is_scalar(value[i])) return false;
        const std::string path = fmt::format("{}[{}]", key, i);
        out.push_back({parse::scalar_text(value[i]), {"config", server_line_of(file, path)}});
    }
    return true;
}

}  // namespace

void merge_server_file(ServerConfig& config, const parse::Document& file) {
    if (!file.loaded) {
        config.errors.push_back(file.error);
        return;
    }
    if (file.data.is_null()) return;  // an empty file sets nothing
    if (!file.data.is_object()) {
        config.errors.push_back(
            fmt::format("{}:1: the config file is not a mapping of settings", file.path));
        return;
    }
    for (const auto& [key, value] : file.data.items()) {
        const bool append = key.ends_with('+');
        const std::string name = append ? key.substr(0, key.size() - 1) : key;
        std::vector<ServerValue> values;
        if (!server_values_of(file, key, value, values)) {
            config.errors.push_back(fmt::format("{}: '{}' must be a value or a list of values",
                                                server_line_of(file, key), key));
            continue;
        }
        auto& setting = config.settings[name];
        if (!append) setting.clear();
        setting.insert(setting.end(), values.begin(), values.end());
    }
}

std::optional<std::string> server_arg(const std::vector<std::string>& argv, size_t first,
                                      const std::string& name, const std::string& short_name) {
    std::optional<std::string> value;
    for (size_t i = first; i < argv.size(); ++i) {
        for (const std::string& flag : {name, short_name}) {
            if (flag.empty()) continue;
            if (argv[i].starts_with(flag + "=")) value = argv[i].substr(flag.size() + 1);
            if (argv[i] == flag && i + 1 < argv.size()) value = argv[i + 1];
        }
    }
    return value;
}

void merge_server_args(ServerConfig& config, const std::vector<std::string>& argv, size_t first,
                       const std::set<std::string>& keys, const std::string& how,
                       const std::string& source) {
    std::map<std::string, std::vector<ServerValue>> given;
    for (size_t i = first; i < argv.size(); ++i) {
        const std::string& arg = argv[i];
        if (!arg.starts_with("--")) continue;
        auto eq = arg.find('=');
        const std::string key = arg.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
        if (keys.count(key) == 0) continue;
        if (eq != std::string::npos) {
            given[key].push_back({arg.substr(eq + 1), {source, how}});
        } else if (i + 1 < argv.size()) {
            given[key].push_back({argv[++i], {source, how}});
        }
    }
    // On the command line a list replaces the files' list whole.
    for (auto& [key, values] : given) config.settings[key] = std::move(values);
}

void component_flags(const std::map<std::string, std::string>& defaults,
                     const engine::FlagOrigin& default_origin, const std::vector<ServerValue>& args,
                     parse::FlagSet& flags, std::map<std::string, engine::FlagOrigin>& origins) {
    std::map<std::string, ServerValue> merged;
    for (const auto& [flag, value] : defaults) merged[flag] = {value, default_origin};
    for (const auto& arg : args) {
        const std::string text = arg.value.starts_with("--") ? arg.value.substr(2) : arg.value;
        const auto eq = text.find('=');
        merged["--" + text.substr(0, eq)] = {
            eq == std::string::npos ? std::string("true") : text.substr(eq + 1), arg.origin};
    }
    for (auto& [flag, value] : merged) {
        flags.add(flag, value.value);
        origins[flag] = std::move(value.origin);
    }
}

}  // namespace kubeproof::facts
