#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "engine/node_facts.hpp"
#include "parse/document.hpp"
#include "parse/flags.hpp"

namespace kubeproof::facts {

/// One value of a k3s/RKE2 server setting and where it was given.
struct ServerValue {
    std::string value;
    engine::FlagOrigin origin;  ///< {"config", "/etc/rancher/k3s/config.yaml:4"}, {"process", …}
};

/// A k3s/RKE2 server's settings as it reads them: its config file, then the drop-ins of
/// `<config>.d/` in name order, then its command line.
struct ServerConfig {
    /// key (without a `+`) -> its values in order; a scalar is a list of one
    std::map<std::string, std::vector<ServerValue>> settings;
    /// "path:line:col: problem" for every file that could not be read or understood; while there
    /// is one, the settings are not known
    std::vector<std::string> errors;
};

/// Merges one config file over `config` as k3s does: a key replaces what earlier files set, a key
/// suffixed `+` appends to it. A file that did not load, or a key whose value is not a scalar or
/// a list of scalars, adds an error naming the file and line.
void merge_server_file(ServerConfig& config, const parse::Document& file);

/// Applies the server's command line from argv[first]: each of `keys` given as `--key=value` or
/// `--key value` (every occurrence, in order) replaces what the files set for that key. `source`
/// is the evidence kind of its values ("process"; "api" for the node annotation that records it).
void merge_server_args(ServerConfig& config, const std::vector<std::string>& argv, size_t first,
                       const std::set<std::string>& keys, const std::string& how,
                       const std::string& source = "process");

/// The value of `--name`/`--name=value` (or `short_name`) in argv[first..], if given.
std::optional<std::string> server_arg(const std::vector<std::string>& argv, size_t first,
                                      const std::string& name, const std::string& short_name);

/// A component's flags as the server passes them: its own defaults (with `default_origin`), each
/// replaced by the elements of the component's `-arg` list in order. "profiling=true" and
/// "--profiling=true" are both --profiling=true; an element without '=' is "true". Each flag is
/// given once, with the origin of the value that counts.
void component_flags(const std::map<std::string, std::string>& defaults,
                     const engine::FlagOrigin& default_origin, const std::vector<ServerValue>& args,
                     parse::FlagSet& flags, std::map<std::string, engine::FlagOrigin>& origins);

}  // namespace kubeproof::facts
