#include "facts/discovery.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "facts/distribution.hpp"
#include "util/text.hpp"

namespace kubeproof::facts {

namespace {

constexpr std::array<std::string_view, 4> k_systemd_dirs = {
    "/etc/systemd/system", "/run/systemd/system", "/usr/lib/systemd/system", "/lib/systemd/system"};
constexpr std::array<std::string_view, 4> k_manifest_suffixes = {".yaml", ".yml", ".manifest",
                                                                 ".json"};

// False only when the path is certainly not there: one that cannot be examined (a parent that
// cannot be searched) is kept, so that the checks on it say why they cannot see it.
bool may_exist(const host::Host& host, const std::string& path) {
    auto info = host.stat(path);
    return info || info.error().kind != host::HostError::Kind::NotFound;
}

// The value of a flag that names a path; an empty value names none.
std::optional<std::string> path_flag(const engine::ComponentFacts& found, const std::string& flag) {
    auto value = flag.empty() ? std::nullopt : found.flags.last(flag);
    return value && !value->empty() ? value : std::nullopt;
}

parse::Document load_document(const host::Host& host, const std::string& path) {
    auto text = host.read_file(path);
    if (!text) {
        parse::Document doc;
        doc.path = path;
        doc.error = text.error().message;
        return doc;
    }
    return parse::parse_document(path, *text);
}

const nlohmann::json* main_container(const parse::Document& manifest, std::string_view container,
                                     std::string_view process) {
    if (!manifest.loaded || !manifest.data.is_object() || !manifest.data.contains("spec"))
        return nullptr;
    const nlohmann::json& spec = manifest.data.at("spec");
    if (!spec.is_object() || !spec.contains("containers") || !spec.at("containers").is_array())
        return nullptr;
    const nlohmann::json* first = nullptr;
    for (const auto& c : spec.at("containers")) {
        if (!c.is_object()) continue;
        if (first == nullptr) first = &c;
        if (c.value("name", "") == container) return &c;
        if (c.contains("command") && c["command"].is_array() && !c["command"].empty() &&
            util::base_name(parse::scalar_text(c["command"][0])) == process) {
            return &c;
        }
    }
    return first;
}

const model::FileRole* role_of(const model::Component& c, const std::string& name) {
    auto it = c.roles.find(name);
    return it == c.roles.end() ? nullptr : &it->second;
}

struct RoleSearch {
    const host::Host& host;
    const engine::NodeFacts& facts;
    const model::Component& component;
    engine::ComponentFacts& found;
};

void add_path(RoleSearch& s, const std::string& role, std::string path, std::string how) {
    s.found.looked[role].push_back(path);
    s.found.roles[role].push_back({std::move(path), std::move(how)});
}

bool from_flag(RoleSearch& s, const model::FileRole& role) {
    auto path = path_flag(s.found, role.from_flag);
    if (!path) return false;
    add_path(s, role.name, *path,
             fmt::format("from {} {} ({})", s.component.name, role.from_flag, s.found.how));
    return true;
}

bool from_key(RoleSearch& s, const model::FileRole& role) {
    if (role.from_key.empty() || !s.found.config || !s.found.config->loaded) return false;
    auto sel = parse::select(s.found.config->data, role.from_key);
    if (sel.values.empty() || parse::scalar_text(sel.values.front()).empty()) return false;
    add_path(
        s, role.name, parse::scalar_text(sel.values.front()),
        fmt::format("from {} in {}", role.from_key, s.found.config->file_of(sel.paths.front())));
    return true;
}

bool from_static_pod(RoleSearch& s, const model::FileRole& role) {
    if (!role.static_pod || s.component.static_pod.empty() || s.facts.static_pod_dir.empty())
        return false;
    for (auto suffix : k_manifest_suffixes) {
        std::string path =
            s.facts.static_pod_dir + "/" + s.component.static_pod + std::string(suffix);
        s.found.looked[role.name].push_back(path);
        if (may_exist(s.host, path)) {
            s.found.roles[role.name].push_back(
                {path, fmt::format("in the static pod directory, {}", s.facts.static_pod_dir_how)});
            return true;
        }
    }
    return false;
}

// The systemd search directories that may exist, without aliases (/lib -> /usr/lib on merged-usr
// systems); one that cannot be examined is kept, so that what is below it reports why.
std::vector<std::string> systemd_dirs(const host::Host& host) {
    std::vector<std::string> out;
    std::vector<std::string> seen;
    for (auto dir : k_systemd_dirs) {
        auto info = host.stat(dir);
        if (!info && info.error().kind == host::HostError::Kind::NotFound) continue;
        std::string real = !info || info->resolved.empty() ? std::string(dir) : info->resolved;
        if (std::find(seen.begin(), seen.end(), real) != seen.end()) continue;
        seen.push_back(real);
        out.emplace_back(dir);
    }
    return out;
}

bool from_systemd(RoleSearch& s, const model::FileRole& role) {
    if (role.systemd_unit.empty()) return false;
    bool unit_found = false;
    for (const auto& dir : systemd_dirs(s.host)) {
        std::string unit = dir + "/" + role.systemd_unit;
        s.found.looked[role.name].push_back(unit);
        if (!unit_found && may_exist(s.host, unit)) {
            s.found.roles[role.name].push_back({unit, "systemd unit"});
            unit_found = true;
        }
        auto dropins = s.host.list_dir(unit + ".d");
        if (!dropins && dropins.error().kind != host::HostError::Kind::NotFound) {
            s.found.unlisted[role.name].push_back(
                engine::Unlisted::from_error(unit + ".d", dropins.error()));
        }
        if (!dropins) continue;
        for (const auto& entry : *dropins) {
            if (entry.is_dir || !entry.name.ends_with(".conf")) continue;
            s.found.roles[role.name].push_back({unit + ".d/" + entry.name, "systemd drop-in"});
        }
    }
    return !s.found.roles[role.name].empty();
}

void from_candidates(RoleSearch& s, const model::FileRole& role) {
    for (const auto& candidate : role.candidates) {
        s.found.looked[role.name].push_back(candidate);
        if (!may_exist(s.host, candidate)) continue;
        s.found.roles[role.name].push_back({candidate, "catalogue candidate"});
        if (!role.multi) return;
    }
}

// A running process that was not given its config flag runs without a config file: known
// locations must not be mistaken for one it does not read.
bool runs_without_config(const RoleSearch& s, const model::FileRole& role) {
    return role.name == s.component.config_role && s.found.source == "process" &&
           !role.from_flag.empty() && !path_flag(s.found, role.from_flag);
}

void resolve_role(RoleSearch& s, const model::FileRole& role) {
    if (from_flag(s, role) || from_key(s, role) || from_static_pod(s, role) ||
        from_systemd(s, role))
        return;
    if (runs_without_config(s, role)) {
        const char* how = s.found.flags.has(role.from_flag) ? "with an empty" : "without";
        s.found.looked[role.name].push_back(
            fmt::format("{} was started {} {}", s.component.name, how, role.from_flag));
        return;
    }
    from_candidates(s, role);
}

// Drop-ins that cannot be listed may set anything: the configuration is unknown, and so are the
// files that make it up.
void dropins_unlisted(const model::Component& c, engine::ComponentFacts& found,
                      const std::string& dir, const host::HostError& error) {
    found.unlisted[c.config_role].push_back(engine::Unlisted::from_error(dir, error));
    if (!found.config) {
        found.config = parse::Document{};
        found.config->path = dir;
    }
    found.config->loaded = false;
    found.config->error =
        fmt::format("cannot list the {} directory {}", c.config_dropin_flag, error.message);
}

// Merges the component's config drop-ins (the kubelet's --config-dir: every file with the suffix,
// in name order) over its config file, or over an empty config when it has none.
void merge_dropins(const host::Host& host, const model::Component& c, engine::NodeFacts& facts,
                   engine::ComponentFacts& found) {
    const auto dir =
        c.config_dropin_flag.empty() ? std::nullopt : found.flags.last(c.config_dropin_flag);
    if (!dir || dir->empty()) return;
    auto entries = host.list_dir(*dir);
    if (!entries) {
        if (entries.error().kind != host::HostError::Kind::NotFound) {
            facts.warnings.push_back(
                fmt::format("{} {}: {}", c.name, c.config_dropin_flag, entries.error().message));
            dropins_unlisted(c, found, *dir, entries.error());
        }
        return;
    }
    std::vector<std::string> names;
    for (const auto& entry : *entries) {
        if (!entry.is_dir && entry.name.ends_with(c.config_dropin_suffix))
            names.push_back(entry.name);
    }
    if (names.empty()) return;
    std::sort(names.begin(), names.end());
    if (!found.config) {
        found.config = parse::Document{};
        found.config->path = *dir;
        found.config->loaded = true;
        found.config->data = nlohmann::json::object();
    }
    const std::string base = dir->ends_with('/') ? *dir : *dir + "/";
    for (const auto& name : names) {
        // The config file itself may be the first fragment (k3s's 00-k3s-defaults.conf).
        if (base + name == found.config->path) continue;
        parse::merge_document(*found.config, load_document(host, base + name));
        // A fragment is part of the config: the config file's mode and owner checks cover it too.
        found.roles[c.config_role].push_back(
            {base + name, fmt::format("config drop-in from {} {}", c.config_dropin_flag, *dir)});
    }
}

void resolve_roles(const host::Host& host, const model::Component& c, engine::NodeFacts& facts,
                   engine::ComponentFacts& found) {
    RoleSearch search{host, facts, c, found};
    if (const auto* config = role_of(c, c.config_role)) {
        resolve_role(search, *config);
        if (found.present && !found.roles[c.config_role].empty()) {
            found.config = load_document(host, found.roles[c.config_role].front().path);
        }
        if (found.present) merge_dropins(host, c, facts, found);
    }
    for (const auto& [name, role] : c.roles) {
        if (name != c.config_role) resolve_role(search, role);
    }
}

bool find_process(const std::vector<host::Process>& processes, const model::Component& c,
                  engine::ComponentFacts& found) {
    for (const auto& p : processes) {
        for (const auto& pattern : c.processes) {
            if (!process_matches(p.argv, pattern)) continue;
            found.present = true;
            found.source = "process";
            found.pid = p.pid;
            found.argv = p.argv;
            found.how = fmt::format("{} pid {}", c.name, p.pid);
            found.flags = parse::parse_flags(p.argv, pattern.find(' ') == std::string::npos ? 1 : 2,
                                             flag_syntax(c));
            return true;
        }
    }
    return false;
}

void find_static_pod(const host::Host& host, const model::Component& c, engine::NodeFacts& facts,
                     engine::ComponentFacts& found) {
    auto it = found.roles.find("manifest");
    if (c.static_pod.empty() || it == found.roles.end() || it->second.empty()) return;
    const std::string& path = it->second.front().path;
    parse::Document manifest = load_document(host, path);
    auto argv = static_pod_argv(manifest, c.static_pod, c.name);
    if (!manifest.loaded) facts.warnings.push_back(fmt::format("{}: {}", path, manifest.error));
    if (argv.empty()) return;
    found.present = true;
    found.source = "manifest";
    found.argv = argv;
    found.how = fmt::format("static pod manifest {}", path);
    found.flags = parse::parse_flags(argv, 1, flag_syntax(c));
    found.env = static_pod_env(manifest, c.static_pod, c.name);
}

// The static pod directory, from the component that runs static pods: its flag, else its config
// file's key, else the catalogue's default when that exists on the node.
void find_static_pod_dir(const host::Host& host, const model::Component& runner,
                         engine::NodeFacts& facts) {
    const model::StaticPods& pods = *runner.static_pods;
    auto it = facts.components.find(runner.id);
    if (it != facts.components.end() && it->second.present) {
        const engine::ComponentFacts& found = it->second;
        if (auto flag = pods.from_flag.empty() ? std::nullopt : found.flags.last(pods.from_flag)) {
            facts.static_pod_dir = *flag;
            facts.static_pod_dir_how =
                fmt::format("from {} {}, {}", runner.name, pods.from_flag, found.how);
            return;
        }
        if (!pods.from_key.empty() && found.config && found.config->loaded) {
            auto sel = parse::select(found.config->data, pods.from_key);
            if (!sel.values.empty() && !parse::scalar_text(sel.values.front()).empty()) {
                facts.static_pod_dir = parse::scalar_text(sel.values.front());
                facts.static_pod_dir_how = fmt::format("from {} in {}", pods.from_key,
                                                       found.config->file_of(sel.paths.front()));
                return;
            }
        }
    }
    if (may_exist(host, pods.default_dir)) {
        facts.static_pod_dir = pods.default_dir;
        facts.static_pod_dir_how = pods.default_how;
    }
}

// A component a distribution runs inside its own process (k3s) is that process's; otherwise the
// process table, then the static pod manifest, says where it runs.
void discover(const host::Host& host, const model::Component& c,
              const std::vector<host::Process>& processes, const DistributionFacts& distributions,
              engine::NodeFacts& facts) {
    engine::ComponentFacts found;
    found.id = c.id;
    found.name = c.name;
    const auto& embedded = distributions.embedded;
    if (auto it = embedded.find(c.id); it != embedded.end()) found = it->second;
    if (!found.present && find_process(processes, c, found)) {
        auto env = host.environ(found.pid);
        if (env) found.env = *env;
    }
    resolve_roles(host, c, facts, found);
    if (!found.present) {
        find_static_pod(host, c, facts, found);
        if (found.present) {  // flags from the manifest can locate more files (etcd --data-dir)
            found.roles.clear();
            found.looked.clear();
            resolve_roles(host, c, facts, found);
        }
    }
    auto asked = distributions.config_flags.find(c.id);
    if (found.present && found.distribution.empty() && asked != distributions.config_flags.end())
        found.config_flags = asked->second;
    facts.components[c.id] = std::move(found);
}

}  // namespace

bool process_matches(const std::vector<std::string>& argv, std::string_view pattern) {
    if (argv.empty()) return false;
    auto space = pattern.find(' ');
    if (space == std::string_view::npos) return util::base_name(argv[0]) == pattern;
    return argv.size() > 1 && util::base_name(argv[0]) == pattern.substr(0, space) &&
           argv[1] == pattern.substr(space + 1);
}

std::vector<std::string> static_pod_argv(const parse::Document& manifest,
                                         std::string_view container, std::string_view process) {
    const nlohmann::json* c = main_container(manifest, container, process);
    std::vector<std::string> argv;
    if (c == nullptr) return argv;
    for (const char* key : {"command", "args"}) {
        if (!c->contains(key) || !(*c)[key].is_array()) continue;
        for (const auto& arg : (*c)[key]) argv.push_back(parse::scalar_text(arg));
    }
    return argv;
}

std::map<std::string, std::string> static_pod_env(const parse::Document& manifest,
                                                  std::string_view container,
                                                  std::string_view process) {
    std::map<std::string, std::string> env;
    const nlohmann::json* c = main_container(manifest, container, process);
    if (c == nullptr || !c->contains("env") || !(*c)["env"].is_array()) return env;
    for (const auto& e : (*c)["env"]) {
        if (e.is_object() && e.contains("name") && e.contains("value"))
            env[parse::scalar_text(e["name"])] = parse::scalar_text(e["value"]);
    }
    return env;
}

void discover_components(const host::Host& host, const model::Catalogue& catalogue,
                         engine::NodeFacts& facts, const RecordedServerArgs* recorded) {
    auto processes = host.processes();
    if (!processes) facts.process_error = processes.error().message;
    for (auto& ignored : host.ignored_processes()) facts.warnings.push_back(std::move(ignored));
    const std::vector<host::Process> none;
    const auto& table = processes ? *processes : none;
    const auto distributions =
        distribution_facts(host, catalogue, processes ? &*processes : nullptr, facts, recorded);
    // The component that runs static pods first: the others' manifests are in its directory.
    for (const auto& [id, component] : catalogue.components) {
        if (!component.static_pods) continue;
        discover(host, component, table, distributions, facts);
        find_static_pod_dir(host, component, facts);
    }
    for (const auto& [id, component] : catalogue.components) {
        if (!component.static_pods) discover(host, component, table, distributions, facts);
    }
}

parse::FlagSyntax flag_syntax(const model::Component& component) {
    const bool go = component.flag_syntax.library == model::FlagLibrary::Go;
    return {go ? parse::FlagLibrary::Go : parse::FlagLibrary::Pflag,
            component.flag_syntax.bool_flags};
}

}  // namespace kubeproof::facts
