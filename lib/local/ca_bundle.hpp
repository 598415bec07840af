#pragma once

#include <optional>
#include <string>
#include <vector>

namespace kubeproof::local {

/// Where Linux distributions keep the system's trusted roots, most common first: a static binary
/// has no compiled-in path that fits every distribution.
const std::vector<std::string>& system_ca_bundles();

/// The trusted roots to use when none is named: `ssl_cert_file` (SSL_CERT_FILE's value, "" when
/// unset) when it is a regular file, else the first of `candidates` that is; nullopt when none is.
std::optional<std::string> find_ca_bundle(const std::string& ssl_cert_file,
                                          const std::vector<std::string>& candidates);

}  // namespace kubeproof::local
