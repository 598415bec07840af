#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/expected.hpp"

namespace kubeproof::k8s {

/// The `exec` section of a kubeconfig user: a credential plugin run without a shell.
struct ExecConfig {
    std::string api_version;  ///< client.authentication.k8s.io/v1 or /v1beta1
    std::string
        command;  ///< a PATH name, or a path (relative ones resolved against the kubeconfig)
    std::vector<std::string> args;
    std::vector<std::pair<std::string, std::string>> env;  ///< added to the inherited environment
    std::string install_hint;
    std::string interactive_mode;  ///< Never, IfAvailable (default) or Always
    bool provide_cluster_info = false;
};

/// What the plugin may learn about the cluster (spec.cluster, only with provideClusterInfo).
struct ExecClusterInfo {
    std::string server;
    std::string tls_server_name;
    bool insecure_skip_tls_verify = false;
    std::string certificate_authority_pem;
    std::string proxy_url;
};

/// A credential returned by a plugin (status of an ExecCredential object).
struct ExecCredential {
    std::string token;
    std::string client_certificate_pem;
    std::string client_key_pem;
    std::optional<std::chrono::system_clock::time_point> expires;  ///< none: valid until a 401
};

/// The KUBERNETES_EXEC_INFO document given to the plugin (spec.interactive is always false).
std::string exec_info_json(const ExecConfig& config, const ExecClusterInfo* cluster);

/// Parses a plugin's stdout; errors never quote the output (it may hold a token).
util::Expected<ExecCredential, std::string> parse_exec_credential(std::string_view json,
                                                                  std::string_view api_version);

/// Parses an RFC 3339 time ("2024-05-01T10:00:00Z", fractions and offsets allowed).
std::optional<std::chrono::system_clock::time_point> parse_rfc3339(std::string_view text);

/// Runs the plugin directly (fork/execvp, stdin /dev/null, killed after `timeout`) and parses it.
util::Expected<ExecCredential, std::string> run_exec_plugin(const ExecConfig& config,
                                                            const ExecClusterInfo* cluster,
                                                            std::chrono::milliseconds timeout);

}  // namespace kubeproof::k8s
