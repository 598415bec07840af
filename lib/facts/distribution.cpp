#include "facts/distribution.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "facts/discovery.hpp"
#include "facts/server_config.hpp"
#include "parse/document.hpp"

namespace kubeproof::facts {

namespace {

/// The server process as found: its pid (0 when only its files show it), argv and how.
struct Server {
    int pid = 0;
    std::vector<std::string> argv;
    std::string how;
    std::map<std::string, std::string> env;
};

bool path_exists(const host::Host& host, const std::string& path) {
    auto info = host.stat(path);
    return info || info.error().kind != host::HostError::Kind::NotFound;
}

std::optional<Server> find_server(const host::Host& host, const model::Distribution& d,
                                  const std::vector<host::Process>* processes) {
    if (processes == nullptr) {
        if (!path_exists(host, d.server_dir)) return std::nullopt;
        return Server{0,
                      {},
                      fmt::format("{} server files in {} (the process table could not be read)",
                                  d.name, d.server_dir),
                      {}};
    }
    for (const auto& p : *processes) {
        if (!process_matches(p.argv, d.process)) continue;
        Server s{p.pid, p.argv, fmt::format("{} pid {}", d.process, p.pid), {}};
        if (auto env = host.environ(p.pid)) s.env = *env;
        return s;
    }
    return std::nullopt;
}

// The config file: --config on the command line, else the environment variable, else the
// distribution's default.
std::string config_path(const model::Distribution& d, const Server& server) {
    if (!d.config_flag.empty()) {
        if (auto flag = server_arg(server.argv, 2, d.config_flag, "-c"); flag && !flag->empty())
            return *flag;
    }
    auto env = d.config_env.empty() ? server.env.end() : server.env.find(d.config_env);
    return env != server.env.end() && !env->second.empty() ? env->second : d.config_file;
}

void read_server_file(const host::Host& host, const std::string& path, ServerConfig& config) {
    auto text = host.read_file(path);
    if (!text) {
        if (text.error().kind != host::HostError::Kind::NotFound)
            config.errors.push_back(text.error().message);
        return;
    }
    merge_server_file(config, parse::parse_document(path, *text));
}

// The config file, then every *.yaml of its drop-in directory in name order.
ServerConfig read_server_config(const host::Host& host, const std::string& path) {
    ServerConfig config;
    read_server_file(host, path, config);
    const std::string dir = path + ".d";
    auto entries = host.list_dir(dir);
    if (!entries) {
        if (entries.error().kind != host::HostError::Kind::NotFound)
            config.errors.push_back(entries.error().message);
        return config;
    }
    std::vector<std::string> names;
    for (const auto& entry : *entries) {
        if (!entry.is_dir && entry.name.ends_with(".yaml")) names.push_back(entry.name);
    }
    std::sort(names.begin(), names.end());
    for (const auto& name : names) read_server_file(host, fmt::format("{}/{}", dir, name), config);
    return config;
}

// Why a component that runs only with its path (etcd) is not there: the datastore used instead.
std::string datastore_reason(const host::Host& host, const model::Distribution& d,
                             const model::EmbeddedComponent& e, const std::string& name,
                             const ServerConfig& config) {
    auto endpoint =
        d.datastore_key.empty() ? config.settings.end() : config.settings.find(d.datastore_key);
    if (endpoint != config.settings.end() && !endpoint->second.empty())
        return fmt::format("{} uses the external datastore set by {} ({}): no {}", d.name,
                           d.datastore_key, endpoint->second.back().origin.ref, name);
    if (!d.sqlite_file.empty() && path_exists(host, d.sqlite_file))
        return fmt::format("{} uses its SQLite datastore ({}): no {}", d.name, d.sqlite_file, name);
    return fmt::format("{} has no {} data directory ({}): no {}", d.name, name, e.only_with, name);
}

bool external_datastore(const model::Distribution& d, const ServerConfig& config) {
    auto it =
        d.datastore_key.empty() ? config.settings.end() : config.settings.find(d.datastore_key);
    return it != config.settings.end() && !it->second.empty();
}

// Whether the distribution's embedded etcd runs: its data directory exists and no external
// datastore is configured.
bool embedded_etcd_runs(const host::Host& host, const model::Distribution& d,
                        const ServerConfig& config) {
    auto etcd = d.components.find("etcd");
    return etcd != d.components.end() && !etcd->second.only_with.empty() &&
           !external_datastore(d, config) && path_exists(host, etcd->second.only_with);
}

engine::ComponentFacts embedded(const host::Host& host, const model::Distribution& d,
                                const model::Component& c, const model::EmbeddedComponent& e,
                                const Server& server, const ServerConfig& config) {
    engine::ComponentFacts found;
    found.id = c.id;
    found.name = c.name;
    if (!e.only_with.empty() &&
        (external_datastore(d, config) || !path_exists(host, e.only_with))) {
        found.absent_reason = datastore_reason(host, d, e, c.name, config);
        found.how = server.how;
        return found;
    }
    found.present = true;
    found.source = "process";
    found.distribution = d.id;
    found.pid = server.pid;
    found.argv = server.argv;
    found.env = server.env;
    found.how = fmt::format("{} inside {}", c.name, server.how);
    auto args = config.settings.find(e.args_key);
    std::map<std::string, std::string> defaults = e.flag_defaults;
    if (!e.etcd_flag_defaults.empty() && embedded_etcd_runs(host, d, config))
        defaults.insert(e.etcd_flag_defaults.begin(), e.etcd_flag_defaults.end());
    component_flags(defaults, {"default", d.name + " default"},
                    args == config.settings.end() ? std::vector<ServerValue>{} : args->second,
                    found.flags, found.flag_origins);
    if (!config.errors.empty())
        found.flags_error = fmt::format("the flags {} passes {} are not known: {}", d.name, c.name,
                                        fmt::join(config.errors, "; "));
    return found;
}

// What the config asks of a component started as a static pod: its `-arg` list as flags.
std::map<std::string, engine::ConfigFlag> asked_flags(const model::EmbeddedComponent& e,
                                                      const ServerConfig& config) {
    std::map<std::string, engine::ConfigFlag> out;
    auto args = config.settings.find(e.args_key);
    if (args == config.settings.end()) return out;
    parse::FlagSet flags;
    std::map<std::string, engine::FlagOrigin> origins;
    component_flags({}, {}, args->second, flags, origins);
    for (const auto& [flag, values] : flags.values()) out[flag] = {values.back(), origins[flag]};
    return out;
}

}  // namespace

DistributionFacts distribution_facts(const host::Host& host, const model::Catalogue& catalogue,
                                     const std::vector<host::Process>* processes,
                                     engine::NodeFacts& facts, const RecordedServerArgs* recorded) {
    DistributionFacts out;
    for (const auto& [id, d] : catalogue.distributions) {
        auto server = find_server(host, d, processes);
        if (!server) continue;
        ServerConfig config = read_server_config(host, config_path(d, *server));
        std::set<std::string> keys;
        for (const auto& [cid, e] : d.components) keys.insert(e.args_key);
        if (!d.datastore_key.empty()) keys.insert(d.datastore_key);
        // Only an in-process server (k3s) records its arguments this way; RKE2's truth is its pods.
        if (recorded != nullptr && d.in_process && !recorded->argv.empty() &&
            recorded->argv.front() == "server")
            merge_server_args(config, recorded->argv, 1, keys, recorded->how, "api");
        if (server->pid != 0)
            merge_server_args(config, server->argv, 2, keys, server->how + " command line");
        for (const auto& error : config.errors) facts.warnings.push_back(error);
        for (const auto& [cid, e] : d.components) {
            auto c = catalogue.components.find(cid);
            if (c == catalogue.components.end()) continue;
            if (!d.in_process)
                out.config_flags[cid] = asked_flags(e, config);
            else if (out.embedded.count(cid) == 0)
                out.embedded[cid] = embedded(host, d, c->second, e, *server, config);
        }
    }
    return out;
}

}  // namespace kubeproof::facts
