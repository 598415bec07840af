#include "k8s/kubeconfig.hpp"

#include <cstdlib>
#include <filesystem>

#include <yaml-cpp/yaml.h>

#include "parse/document.hpp"
#include "parse/yaml_scalars.hpp"

#include "local/local_files.hpp"

namespace kubeproof::k8s {

namespace fs = std::filesystem;

namespace {

using Problem = std::optional<std::string>;  ///< an error message, or nothing when all is well

constexpr const char* k_default_sa_dir = "/var/run/secrets/kubernetes.io/serviceaccount";

int base64_value(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

std::string scalar(const YAML::Node& map, const char* key) {
    const YAML::Node node = map[key];
    return node && node.IsScalar() ? node.as<std::string>() : std::string();
}

std::string in_quotes(const std::string& name) { return "\"" + name + "\""; }

/// The body (`cluster:`, `user:`, `context:`) of the entry called `name` in a named list.
std::optional<YAML::Node> find_named(const YAML::Node& root, const char* list, const char* body,
                                     const std::string& name) {
    const YAML::Node items = root[list];
    if (!items || !items.IsSequence()) return std::nullopt;
    for (const YAML::Node& item : items) {
        if (item.IsMap() && scalar(item, "name") == name) {
            const YAML::Node found = item[body];
            return found && found.IsMap() ? found : YAML::Node(YAML::NodeType::Map);
        }
    }
    return std::nullopt;
}

std::string names_in(const YAML::Node& root, const char* list) {
    std::string names;
    const YAML::Node items = root[list];
    if (!items || !items.IsSequence()) return "none";
    for (const YAML::Node& item : items) {
        if (!item.IsMap()) continue;
        names += (names.empty() ? "" : ", ") + scalar(item, "name");
    }
    return names.empty() ? "none" : names;
}

/// Resolves one context of a parsed kubeconfig; every message is prefixed by the caller.
class Resolver {
public:
    Resolver(const YAML::Node& root, const KubeconfigSource& source)
        : m_root(root), m_source(source) {}

    Problem run(ConnectionConfig& out) {
        const std::string context =
            m_source.context.empty() ? scalar(m_root, "current-context") : m_source.context;
        if (context.empty())
            return "no context selected: current-context is not set and --context was not given";
        const auto body = find_named(m_root, "contexts", "context", context);
        if (!body)
            return "context " + in_quotes(context) +
                   " not found (contexts: " + names_in(m_root, "contexts") + ")";
        out.context = context;
        const std::string cluster = scalar(*body, "cluster");
        if (cluster.empty()) return "context " + in_quotes(context) + " names no cluster";
        const auto cluster_body = find_named(m_root, "clusters", "cluster", cluster);
        if (!cluster_body)
            return "cluster " + in_quotes(cluster) + " (context " + in_quotes(context) +
                   ") not found";
        if (auto problem = read_cluster(*cluster_body, cluster, out)) return problem;
        out.cluster = cluster;
        const std::string user = scalar(*body, "user");
        if (user.empty()) return std::nullopt;  // anonymous
        const auto user_body = find_named(m_root, "users", "user", user);
        if (!user_body)
            return "user " + in_quotes(user) + " (context " + in_quotes(context) + ") not found";
        return read_user(*user_body, user, out);
    }

private:
    std::string resolve(const std::string& path) const {
        if (path.empty() || fs::path(path).is_absolute() || m_source.base_dir.empty()) return path;
        return (fs::path(m_source.base_dir) / path).lexically_normal().string();
    }

    Problem read_pem(const YAML::Node& map, const std::string& field, const std::string& owner,
                     PemSource& out) const {
        out.path = resolve(scalar(map, field.c_str()));
        const std::string data = scalar(map, (field + "-data").c_str());
        if (data.empty()) return std::nullopt;
        auto decoded = decode_base64(data);
        if (!decoded) return owner + ": " + field + "-data is not valid base64";
        out.data = std::move(*decoded);
        out.path.clear();
        return std::nullopt;
    }

    static Problem read_bool(const YAML::Node& map, const char* key, const std::string& owner,
                             bool& out) {
        // As client-go reads it (YAML 1.1): yes, on, True ... are booleans too.
        const YAML::Node node = map[key];
        if (!node || node.IsNull()) return std::nullopt;
        const nlohmann::json value = node.IsScalar() && node.Tag() == "?"
                                         ? parse::resolve_plain_scalar(node.Scalar())
                                         : nlohmann::json(scalar(map, key));
        if (value.is_null()) return std::nullopt;
        if (!value.is_boolean()) {
            return owner + ": " + key + " must be true or false, not " +
                   in_quotes(scalar(map, key));
        }
        out = value.get<bool>();
        return std::nullopt;
    }

    Problem read_cluster(const YAML::Node& body, const std::string& name,
                         ConnectionConfig& out) const {
        const std::string owner = "cluster " + in_quotes(name);
        out.server = scalar(body, "server");
        if (out.server.empty()) return owner + " has no server";
        if (auto problem =
                read_pem(body, "certificate-authority", owner, out.certificate_authority))
            return problem;
        if (auto problem =
                read_bool(body, "insecure-skip-tls-verify", owner, out.insecure_skip_tls_verify)) {
            return problem;
        }
        if (out.insecure_skip_tls_verify && !out.certificate_authority.empty()) {
            return owner + " sets both insecure-skip-tls-verify and a certificate authority";
        }
        if (out.insecure_skip_tls_verify) {
            out.warnings.push_back(
                "TLS verification is off for " + owner +
                " (insecure-skip-tls-verify): the API server's identity is not checked");
        }
        out.tls_server_name = scalar(body, "tls-server-name");
        out.proxy_url = scalar(body, "proxy-url");
        return std::nullopt;
    }

    Problem read_user(const YAML::Node& body, const std::string& name,
                      ConnectionConfig& out) const {
        const std::string owner = "user " + in_quotes(name);
        if (body["auth-provider"]) {
            return owner + ": auth-provider " + in_quotes(scalar(body["auth-provider"], "name")) +
                   " is not supported; use an exec credential plugin";
        }
        if (auto problem = read_pem(body, "client-certificate", owner, out.client_certificate))
            return problem;
        if (auto problem = read_pem(body, "client-key", owner, out.client_key)) return problem;
        if (out.client_certificate.empty() != out.client_key.empty()) {
            return owner + (out.client_key.empty() ? ": client-certificate without client-key"
                                                   : ": client-key without client-certificate");
        }
        out.token = scalar(body, "token");
        out.token_file = resolve(scalar(body, "tokenFile"));
        out.username = scalar(body, "username");
        out.password = scalar(body, "password");
        if (out.username.empty() != out.password.empty())
            return owner + ": username and password go together";
        if (!body["exec"]) return std::nullopt;
        out.exec.emplace();
        return read_exec(body["exec"], owner, *out.exec);
    }

    Problem read_exec(const YAML::Node& body, const std::string& owner, ExecConfig& out) const {
        out.api_version = scalar(body, "apiVersion");
        if (out.api_version != "client.authentication.k8s.io/v1" &&
            out.api_version != "client.authentication.k8s.io/v1beta1") {
            return owner + ": exec apiVersion " + in_quotes(out.api_version) +
                   " is not supported (use client.authentication.k8s.io/v1 or v1beta1)";
        }
        out.command = scalar(body, "command");
        if (out.command.empty()) return owner + ": exec has no command";
        if (out.command.find('/') != std::string::npos) out.command = resolve(out.command);
        const YAML::Node args = body["args"];
        const YAML::Node env = body["env"];
        if ((args && !args.IsSequence() && !args.IsNull()) ||
            (env && !env.IsSequence() && !env.IsNull())) {
            return owner + ": exec args and env must be lists";
        }
        for (const YAML::Node& arg :
             args&& args.IsSequence() ? args : YAML::Node(YAML::NodeType::Sequence)) {
            if (!arg.IsScalar()) return owner + ": exec args must be strings";
            out.args.push_back(arg.as<std::string>());
        }
        for (const YAML::Node& var :
             env&& env.IsSequence() ? env : YAML::Node(YAML::NodeType::Sequence)) {
            if (!var.IsMap() || scalar(var, "name").empty())
                return owner + ": exec env entries need a name";
            out.env.emplace_back(scalar(var, "name"), scalar(var, "value"));
        }
        out.install_hint = scalar(body, "installHint");
        out.interactive_mode = scalar(body, "interactiveMode");
        if (out.interactive_mode.empty()) out.interactive_mode = "IfAvailable";
        if (out.interactive_mode != "Never" && out.interactive_mode != "IfAvailable" &&
            out.interactive_mode != "Always") {
            return owner + ": exec interactiveMode " + in_quotes(out.interactive_mode) +
                   " is not one of Never, IfAvailable, Always";
        }
        return read_bool(body, "provideClusterInfo", owner, out.provide_cluster_info);
    }

    const YAML::Node& m_root;
    const KubeconfigSource& m_source;
};

util::Expected<ConnectionConfig, std::string> load_file(const std::string& path,
                                                        const std::string& context) {
    auto text = local::read_local_file(path);
    if (!text) return util::unexpected("kubeconfig " + text.error().message);
    return parse_kubeconfig(*text, {path, fs::path(path).parent_path().string(), context});
}

bool file_exists(const std::string& path) {
    std::error_code ec;
    return fs::exists(path, ec);
}

std::vector<std::string> split_path_list(const std::string& list) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (start <= list.size()) {
        const std::size_t end = std::min(list.find(':', start), list.size());
        if (end > start) parts.push_back(list.substr(start, end - start));
        start = end + 1;
    }
    return parts;
}

bool in_cluster_available(const EnvLookup& env) {
    const auto host = env("KUBERNETES_SERVICE_HOST");
    const auto port = env("KUBERNETES_SERVICE_PORT");
    return host && !host->empty() && port && !port->empty();
}

util::Expected<ConnectionConfig, std::string> fall_back_to_cluster(const ConnectRequest& request,
                                                                   const std::string& tried) {
    if (!in_cluster_available(request.env)) {
        return util::unexpected("no kubeconfig found (" + tried +
                                ") and not running in a pod (KUBERNETES_SERVICE_HOST is not set)");
    }
    if (!request.context.empty()) {
        return util::unexpected("--context " + in_quotes(request.context) +
                                " needs a kubeconfig, and none was found (" + tried + ")");
    }
    const std::string dir =
        request.sa_dir.empty() ? service_account_dir(request.env) : request.sa_dir;
    return in_cluster_config(request.env, dir);
}

}  // namespace

std::optional<std::string> decode_base64(std::string_view text) {
    std::string out;
    std::uint32_t bits = 0;
    int count = 0;
    std::size_t symbols = 0;
    std::size_t padding = 0;
    for (const char c : text) {
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
        if (c == '=') {
            ++padding;
            continue;
        }
        const int value = base64_value(c);
        if (value < 0 || padding > 0) return std::nullopt;
        bits = (bits << 6) | static_cast<std::uint32_t>(value);
        count += 6;
        ++symbols;
        if (count >= 8) {
            count -= 8;
            out.push_back(static_cast<char>((bits >> count) & 0xFFu));
        }
    }
    if (symbols % 4 == 1 || padding > 2 || (padding > 0 && (symbols + padding) % 4 != 0))
        return std::nullopt;
    return out;
}

util::Expected<ConnectionConfig, std::string> parse_kubeconfig(std::string_view text,
                                                               const KubeconfigSource& source) {
    const std::string prefix = "kubeconfig " + source.path + ": ";
    if (auto too_large = parse::too_large_yaml(text)) return util::unexpected(prefix + *too_large);
    YAML::Node root;
    try {
        root = YAML::Load(std::string(text));
    } catch (const YAML::Exception& e) {
        return util::unexpected(prefix + "invalid YAML at line " + std::to_string(e.mark.line + 1) +
                                ", column " + std::to_string(e.mark.column + 1) + ": " + e.msg);
    }
    if (!root.IsMap()) return util::unexpected(prefix + "not a kubeconfig (expected a mapping)");
    ConnectionConfig config;
    config.origin = "kubeconfig " + source.path;
    try {
        if (auto problem = Resolver(root, source).run(config))
            return util::unexpected(prefix + *problem);
    } catch (const YAML::Exception& e) {
        const std::string where =
            e.mark.is_null() ? "" : " at line " + std::to_string(e.mark.line + 1);
        return util::unexpected(prefix + "unexpected structure" + where + ": " + e.msg);
    }
    return config;
}

std::optional<std::string> process_env(const std::string& name) {
    const char* value = std::getenv(name.c_str());
    return value == nullptr ? std::nullopt : std::optional<std::string>(value);
}

std::string service_account_dir(const EnvLookup& env) {
    const auto dir = env("KUBEPROOF_SA_DIR");
    return dir && !dir->empty() ? *dir : std::string(k_default_sa_dir);
}

util::Expected<ConnectionConfig, std::string> in_cluster_config(const EnvLookup& env,
                                                                const std::string& sa_dir) {
    if (!in_cluster_available(env)) {
        return util::unexpected(std::string(
            "in-cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set"));
    }
    const std::string host = *env("KUBERNETES_SERVICE_HOST");
    ConnectionConfig config;
    config.origin = "in-cluster service account " + sa_dir;
    config.server = "https://" + (host.find(':') != std::string::npos ? "[" + host + "]" : host) +
                    ":" + *env("KUBERNETES_SERVICE_PORT");
    config.certificate_authority.path = sa_dir + "/ca.crt";
    config.token_file = sa_dir + "/token";
    return config;
}

util::Expected<ConnectionConfig, std::string> load_connection_config(
    const ConnectRequest& request) {
    if (!request.kubeconfig.empty()) return load_file(request.kubeconfig, request.context);
    if (const auto list = request.env("KUBECONFIG"); list && !list->empty()) {
        for (const std::string& path : split_path_list(*list)) {
            if (file_exists(path)) return load_file(path, request.context);
        }
        return fall_back_to_cluster(request, "none of the files in KUBECONFIG exist: " + *list);
    }
    const auto home = request.env("HOME");
    if (home && !home->empty()) {
        const std::string path = *home + "/.kube/config";
        if (file_exists(path)) return load_file(path, request.context);
        return fall_back_to_cluster(request,
                                    "KUBECONFIG is not set and " + path + " does not exist");
    }
    return fall_back_to_cluster(request, "KUBECONFIG and HOME are not set");
}

}  // namespace kubeproof::k8s
