#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "k8s/exec_credential.hpp"
#include "util/expected.hpp"

namespace kubeproof::k8s {

/// PEM bytes given inline (a kubeconfig `-data` field, already decoded) or as a file path.
struct PemSource {
    std::string path;  ///< absolute, or relative to the working directory
    std::string data;  ///< wins over `path` when both are set

    /// True when neither is set.
    bool empty() const { return path.empty() && data.empty(); }
};

/// Everything needed to reach one API server as one user (a resolved kubeconfig context).
struct ConnectionConfig {
    std::string origin;   ///< "kubeconfig /root/.kube/config" or "in-cluster service account"
    std::string context;  ///< the context name, empty in-cluster
    std::string cluster;  ///< the context's cluster name, empty in-cluster
    std::string server;   ///< "https://10.0.0.1:6443"
    PemSource certificate_authority;
    bool insecure_skip_tls_verify = false;
    std::string tls_server_name;
    std::string proxy_url;  ///< empty: the environment's https_proxy/no_proxy apply
    PemSource client_certificate;
    PemSource client_key;
    std::string token;       ///< a literal bearer token
    std::string token_file;  ///< re-read before every request
    std::string username;    ///< basic auth (with password)
    std::string password;
    std::optional<ExecConfig> exec;
    std::vector<std::string> warnings;  ///< for the user, e.g. TLS verification is off
};

/// Where a kubeconfig text came from, and which context to use.
struct KubeconfigSource {
    std::string path;      ///< for messages ("kubeconfig <path>: ...")
    std::string base_dir;  ///< relative file references resolve against it
    std::string context;   ///< --context; empty: current-context
};

/// Decodes standard base64, ignoring whitespace and newlines; nullopt when it is not base64.
std::optional<std::string> decode_base64(std::string_view text);

/// Resolves one context of a kubeconfig (YAML or JSON text) into a connection.
util::Expected<ConnectionConfig, std::string> parse_kubeconfig(std::string_view text,
                                                               const KubeconfigSource& source);

/// Looks up an environment variable; nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

/// The process environment, as an EnvLookup.
std::optional<std::string> process_env(const std::string& name);

/// The service account directory: KUBEPROOF_SA_DIR, else
/// /var/run/secrets/kubernetes.io/serviceaccount.
std::string service_account_dir(const EnvLookup& env);

/// The in-cluster connection (KUBERNETES_SERVICE_HOST/PORT, the service account token and CA).
util::Expected<ConnectionConfig, std::string> in_cluster_config(const EnvLookup& env,
                                                                const std::string& sa_dir);

/// What the user asked for on the command line.
struct ConnectRequest {
    std::string kubeconfig;  ///< --kubeconfig FILE
    std::string context;     ///< --context NAME
    std::string sa_dir;      ///< empty: service_account_dir(env)
    EnvLookup env = process_env;
};

/// --kubeconfig, else the first existing file in KUBECONFIG, else ~/.kube/config, else in-cluster.
util::Expected<ConnectionConfig, std::string> load_connection_config(const ConnectRequest& request);

}  // namespace kubeproof::k8s
