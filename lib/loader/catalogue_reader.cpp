#include "loader/catalogue_reader.hpp"

#include <set>

#include <fmt/format.h>

namespace kubeproof::loader {

namespace {

std::map<std::string, std::string> read_string_map(const YamlContext& ctx, const YAML::Node& node,
                                                   std::string_view what) {
    std::map<std::string, std::string> out;
    if (!node.IsDefined()) return out;
    if (!node.IsMap()) {
        ctx.error(node, fmt::format("'{}' must be a mapping", what));
        return out;
    }
    for (const auto& entry : node) {
        auto value =
            scalar_of(ctx, entry.second, fmt::format("'{}' in {}", entry.first.Scalar(), what));
        if (value) out[entry.first.Scalar()] = *value;
    }
    return out;
}

model::ConfigDefault read_config_default(const YamlContext& ctx, const YAML::Node& node) {
    if (!node.IsMap()) return {scalar_of(ctx, node, "a config default").value_or(""), false};
    MapReader map(ctx, node, "config default");
    model::ConfigDefault def{map.string("value", true), map.boolean("zero_means_default", false)};
    map.finish();
    return def;
}

void read_config(const YamlContext& ctx, const YAML::Node& node, model::Component& component) {
    if (!node.IsDefined()) return;
    MapReader map(ctx, node, "config");
    component.config_role = map.string("file", true);
    component.config_replaces_flags = map.boolean("replaces_flags", false);
    if (YAML::Node drop_ins = map.take("drop_ins"); drop_ins.IsDefined()) {
        MapReader dir(ctx, drop_ins, "config drop_ins");
        component.config_dropin_flag = dir.string("from_flag", true);
        component.config_dropin_suffix = dir.string("suffix", true);
        dir.finish();
    }
    YAML::Node defaults = map.take("defaults");
    if (defaults.IsMap()) {
        for (const auto& entry : defaults)
            component.config_defaults[entry.first.Scalar()] =
                read_config_default(ctx, entry.second);
    } else if (defaults.IsDefined()) {
        ctx.error(defaults, "'defaults' must be a mapping");
    }
    map.finish();
}

model::FlagLibrary read_flag_library(const YamlContext& ctx, const YAML::Node& node,
                                     const std::string& id) {
    if (!node.IsDefined()) return model::FlagLibrary::Pflag;
    auto name = scalar_of(ctx, node, "'flag_library'");
    if (!name || *name == "pflag") return model::FlagLibrary::Pflag;
    if (*name == "go") return model::FlagLibrary::Go;
    ctx.error(node, fmt::format("unknown flag_library '{}' for component '{}' (known: pflag, go)",
                                *name, id));
    return model::FlagLibrary::Pflag;
}

// The flags that take a value only as --flag=value.
std::set<std::string> read_bool_flags(const YamlContext& ctx, const YAML::Node& node) {
    std::set<std::string> flags;
    if (!node.IsDefined()) return flags;
    if (!node.IsSequence()) {
        ctx.error(node, "'bool_flags' must be a list of flags");
        return flags;
    }
    for (const auto& item : node) {
        auto flag = scalar_of(ctx, item, "each element of 'bool_flags'");
        if (flag && !flag->starts_with("--"))
            ctx.error(item, fmt::format("bool flag '{}' must start with --", *flag));
        if (flag) flags.insert(*flag);
    }
    return flags;
}

// A flag with a boolean default is a boolean flag: parsing it as one that takes the next argument
// would swallow whatever follows it.
void check_boolean_defaults(const YamlContext& ctx, const YAML::Node& defaults,
                            const model::Component& c) {
    if (!defaults.IsMap()) return;
    for (const auto& entry : defaults) {
        const std::string flag = entry.first.Scalar();
        auto value = c.flag_defaults.find(flag);
        bool boolean =
            value != c.flag_defaults.end() && (value->second == "true" || value->second == "false");
        if (boolean && c.flag_syntax.bool_flags.count(flag) == 0) {
            ctx.error(entry.first, fmt::format("flag '{}' has a boolean default but is not in the "
                                               "bool_flags of component '{}'",
                                               flag, c.id));
        }
    }
}

model::StaticPods read_static_pods(const YamlContext& ctx, const YAML::Node& node) {
    MapReader map(ctx, node, "static_pods");
    model::StaticPods pods{map.string("from_flag"), map.string("from_key"),
                           map.string("default", true), map.string("default_how", true)};
    map.finish();
    return pods;
}

model::FileRole read_role(const YamlContext& ctx, const std::string& name, const YAML::Node& node) {
    model::FileRole role;
    role.name = name;
    MapReader map(ctx, node, fmt::format("file role '{}'", name));
    role.description = map.string("description");
    role.from_flag = map.string("from_flag");
    role.from_key = map.string("from_key");
    role.static_pod = map.boolean("static_pod", false);
    role.systemd_unit = map.string("systemd_unit");
    role.candidates = map.strings("candidates");
    role.multi = map.boolean("multi", false);
    map.finish();
    for (const auto& c : role.candidates) {
        if (c.empty() || c.front() != '/')
            ctx.error(node,
                      fmt::format("candidate '{}' of role '{}' must be an absolute path", c, name));
    }
    return role;
}

model::Component read_component(const YamlContext& ctx, const std::string& id,
                                const YAML::Node& node) {
    model::Component c;
    c.id = id;
    MapReader map(ctx, node, fmt::format("component '{}'", id));
    c.name = map.string("name", true);
    c.targets = map.strings("targets", true);
    c.processes = map.strings("processes", true);
    c.static_pod = map.string("static_pod");
    YAML::Node flag_defaults = map.take("flag_defaults");
    c.flag_defaults = read_string_map(ctx, flag_defaults, "flag_defaults");
    c.flag_syntax.library = read_flag_library(ctx, map.take("flag_library"), id);
    c.flag_syntax.bool_flags = read_bool_flags(ctx, map.take("bool_flags"));
    check_boolean_defaults(ctx, flag_defaults, c);
    read_config(ctx, map.take("config"), c);
    c.feature_gates = read_string_map(ctx, map.take("feature_gates"), "feature_gates");
    if (YAML::Node pods = map.take("static_pods"); pods.IsDefined())
        c.static_pods = read_static_pods(ctx, pods);
    c.version_from = map.string("version_from");
    c.node_name_flag = map.string("node_name_flag");
    YAML::Node files = map.take("files");
    if (files.IsMap()) {
        for (const auto& entry : files)
            c.roles[entry.first.Scalar()] = read_role(ctx, entry.first.Scalar(), entry.second);
    } else if (files.IsDefined()) {
        ctx.error(files, "'files' must be a mapping");
    }
    map.finish();
    if (!c.version_from.empty() && c.roles.count(c.version_from) == 0) {
        ctx.error(
            node,
            fmt::format(
                "component '{}' takes its version from file role '{}', which it does not define",
                id, c.version_from));
    }
    if (!c.config_role.empty() && c.roles.count(c.config_role) == 0) {
        ctx.error(node, fmt::format(
                            "component '{}' names config file role '{}', which it does not define",
                            id, c.config_role));
    }
    return c;
}

void check_flag_names(const YamlContext& ctx, const YAML::Node& node) {
    if (!node.IsMap()) return;
    for (const auto& entry : node) {
        if (!entry.first.Scalar().starts_with("--"))
            ctx.error(entry.first,
                      fmt::format("flag '{}' must start with --", entry.first.Scalar()));
    }
}

model::EmbeddedComponent read_embedded(const YamlContext& ctx, const std::string& id,
                                       const YAML::Node& node) {
    model::EmbeddedComponent e;
    MapReader map(ctx, node, fmt::format("embedded component '{}'", id));
    e.args_key = map.string("args", true);
    YAML::Node defaults = map.take("flag_defaults");
    e.flag_defaults = read_string_map(ctx, defaults, "flag_defaults");
    check_flag_names(ctx, defaults);
    YAML::Node etcd_defaults = map.take("etcd_flag_defaults");
    e.etcd_flag_defaults = read_string_map(ctx, etcd_defaults, "etcd_flag_defaults");
    check_flag_names(ctx, etcd_defaults);
    e.only_with = map.string("only_with");
    map.finish();
    return e;
}

model::Distribution read_distribution(const YamlContext& ctx, const std::string& id,
                                      const YAML::Node& node,
                                      const std::map<std::string, model::Component>& known) {
    model::Distribution d;
    d.id = id;
    MapReader map(ctx, node, fmt::format("distribution '{}'", id));
    d.name = map.string("name", true);
    d.in_process = map.boolean("in_process", true);
    d.process = map.string("process", true);
    d.server_dir = map.string("server_dir", true);
    d.config_file = map.string("config_file", true);
    d.config_flag = map.string("config_flag");
    d.config_env = map.string("config_env");
    d.datastore_key = map.string("datastore_key");
    d.sqlite_file = map.string("sqlite_file");
    YAML::Node components = map.take("components");
    if (components.IsMap()) {
        for (const auto& entry : components) {
            const std::string component = entry.first.Scalar();
            if (known.count(component) == 0)
                ctx.error(
                    entry.first,
                    fmt::format("distribution '{}' embeds unknown component '{}'", id, component));
            d.components[component] = read_embedded(ctx, component, entry.second);
        }
    } else {
        ctx.error(components.IsDefined() ? components : node,
                  fmt::format("distribution '{}' needs a 'components' mapping", id));
    }
    map.finish();
    return d;
}

}  // namespace

model::Catalogue read_catalogue(const YamlContext& ctx, const YAML::Node& root) {
    model::Catalogue catalogue;
    MapReader map(ctx, root, "component catalogue");
    YAML::Node components = map.take("components");
    if (!components.IsMap()) {
        ctx.error(components.IsDefined() ? components : root,
                  "the catalogue needs a 'components' mapping");
    } else {
        for (const auto& entry : components) {
            const std::string id = entry.first.Scalar();
            catalogue.components[id] = read_component(ctx, id, entry.second);
        }
    }
    YAML::Node distributions = map.take("distributions");
    if (distributions.IsMap()) {
        for (const auto& entry : distributions) {
            const std::string id = entry.first.Scalar();
            catalogue.distributions[id] =
                read_distribution(ctx, id, entry.second, catalogue.components);
        }
    } else if (distributions.IsDefined()) {
        ctx.error(distributions, "'distributions' must be a mapping");
    }
    map.finish();
    return catalogue;
}

}  // namespace kubeproof::loader
