#include <doctest/doctest.h>

#include <map>
#include <string>

#include "k8s/kubeconfig.hpp"
#include "k8s_fake_apiserver.hpp"

using kubeproof::k8s::ConnectionConfig;
using kubeproof::k8s::ConnectRequest;
using kubeproof::k8s::decode_base64;
using kubeproof::k8s::KubeconfigSource;
using kubeproof::k8s::load_connection_config;
using kubeproof::k8s::parse_kubeconfig;
using kubeproof::test::TempRoot;

namespace {

const char* const k_config = R"(apiVersion: v1
kind: Config
current-context: dev
clusters:
- name: dev-cluster
  cluster:
    server: https://10.0.0.1:6443
    certificate-authority: pki/ca.crt
    tls-server-name: kubernetes.default
    proxy-url: http://proxy:3128
- name: prod-cluster
  cluster:
    server: https://prod.example.com
    certificate-authority-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCkNB
      Cg==
- name: lab-cluster
  cluster:
    server: https://lab:6443
    insecure-skip-tls-verify: true
users:
- name: dev-user
  user:
    client-certificate: /abs/client.crt
    client-key: client.key
- name: prod-user
  user:
    client-certificate-data: Y2VydA==
    client-key-data: a2V5
    token: s3cr3t
- name: lab-user
  user:
    tokenFile: ../token
- name: exec-v1
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: ./bin/plugin
      args: [get-token, --cluster, lab]
      env:
      - name: AWS_PROFILE
        value: lab
      installHint: install the plugin
      interactiveMode: Never
      provideClusterInfo: true
- name: exec-v1beta1
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: aws
- name: basic
  user:
    username: admin
    password: pw
contexts:
- name: dev
  context: {cluster: dev-cluster, user: dev-user}
- name: prod
  context: {cluster: prod-cluster, user: prod-user}
- name: lab
  context: {cluster: lab-cluster, user: lab-user}
- name: exec1
  context: {cluster: lab-cluster, user: exec-v1}
- name: exec1beta
  context: {cluster: prod-cluster, user: exec-v1beta1}
- name: basic
  context: {cluster: prod-cluster, user: basic}
- name: anonymous
  context: {cluster: prod-cluster}
- name: lost-cluster
  context: {cluster: nowhere, user: dev-user}
- name: lost-user
  context: {cluster: dev-cluster, user: nobody}
)";

kubeproof::util::Expected<ConnectionConfig, std::string> parse(const std::string& context,
                                                               const std::string& text = k_config) {
    return parse_kubeconfig(text,
                            KubeconfigSource{"/home/u/.kube/config", "/home/u/.kube", context});
}

std::string parse_error(const std::string& context, const std::string& text = k_config) {
    const auto config = parse(context, text);
    REQUIRE_FALSE(config);
    return config.error();
}

kubeproof::k8s::EnvLookup env_of(std::map<std::string, std::string> values) {
    return [values = std::move(values)](const std::string& name) -> std::optional<std::string> {
        const auto it = values.find(name);
        return it == values.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
}

}  // namespace

TEST_SUITE("k8s/kubeconfig") {
    TEST_CASE("base64 with padding, newlines and errors") {
        CHECK(decode_base64("aGVsbG8=") == "hello");
        CHECK(decode_base64("aGVs\nbG8h") == "hello!");
        CHECK(decode_base64("aGVsbA==") == "hell");
        CHECK(decode_base64("aGVsbA") == "hell");
        CHECK(decode_base64("") == "");
        CHECK_FALSE(decode_base64("aGVsbA=x"));
        CHECK_FALSE(decode_base64("a"));
        CHECK_FALSE(decode_base64("aGV*bA=="));
        CHECK_FALSE(decode_base64("aGVsbA==="));
    }

    TEST_CASE("current context with files relative to the kubeconfig's directory") {
        const auto config = parse("");
        REQUIRE(config);
        CHECK(config->origin == "kubeconfig /home/u/.kube/config");
        CHECK(config->context == "dev");
        CHECK(config->server == "https://10.0.0.1:6443");
        CHECK(config->certificate_authority.path == "/home/u/.kube/pki/ca.crt");
        CHECK(config->tls_server_name == "kubernetes.default");
        CHECK(config->proxy_url == "http://proxy:3128");
        CHECK(config->client_certificate.path == "/abs/client.crt");
        CHECK(config->client_key.path == "/home/u/.kube/client.key");
        CHECK_FALSE(config->insecure_skip_tls_verify);
        CHECK(config->warnings.empty());
    }

    TEST_CASE("-data fields are decoded and a token is kept") {
        const auto config = parse("prod");
        REQUIRE(config);
        CHECK(config->certificate_authority.data == "-----BEGIN CERTIFICATE-----\nCA\n");
        CHECK(config->certificate_authority.path.empty());
        CHECK(config->client_certificate.data == "cert");
        CHECK(config->client_key.data == "key");
        CHECK(config->token == "s3cr3t");
    }

    TEST_CASE("tokenFile and insecure-skip-tls-verify with its warning") {
        const auto config = parse("lab");
        REQUIRE(config);
        CHECK(config->token_file == "/home/u/token");
        CHECK(config->insecure_skip_tls_verify);
        REQUIRE(config->warnings.size() == 1);
        CHECK(config->warnings[0] ==
              "TLS verification is off for cluster \"lab-cluster\" (insecure-skip-tls-verify): the "
              "API server's "
              "identity is not checked");
    }

    TEST_CASE("exec plugins, v1 and v1beta1") {
        const auto v1 = parse("exec1");
        REQUIRE(v1);
        REQUIRE(v1->exec);
        CHECK(v1->exec->api_version == "client.authentication.k8s.io/v1");
        CHECK(v1->exec->command == "/home/u/.kube/bin/plugin");
        CHECK(v1->exec->args == std::vector<std::string>{"get-token", "--cluster", "lab"});
        REQUIRE(v1->exec->env.size() == 1);
        CHECK(v1->exec->env[0] == std::pair<std::string, std::string>{"AWS_PROFILE", "lab"});
        CHECK(v1->exec->install_hint == "install the plugin");
        CHECK(v1->exec->interactive_mode == "Never");
        CHECK(v1->exec->provide_cluster_info);
        const auto beta = parse("exec1beta");
        REQUIRE(beta);
        REQUIRE(beta->exec);
        CHECK(beta->exec->api_version == "client.authentication.k8s.io/v1beta1");
        CHECK(beta->exec->command == "aws");  // a PATH name stays as it is
        CHECK(beta->exec->interactive_mode == "IfAvailable");
        CHECK_FALSE(beta->exec->provide_cluster_info);
    }

    TEST_CASE("basic auth and anonymous contexts") {
        const auto basic = parse("basic");
        REQUIRE(basic);
        CHECK(basic->username == "admin");
        CHECK(basic->password == "pw");
        const auto anonymous = parse("anonymous");
        REQUIRE(anonymous);
        CHECK(anonymous->token.empty());
        CHECK(anonymous->client_certificate.empty());
        CHECK_FALSE(anonymous->exec);
    }

    TEST_CASE("errors name the context, cluster or user") {
        const std::string prefix = "kubeconfig /home/u/.kube/config: ";
        CHECK(parse_error("nope") ==
              prefix +
                  "context \"nope\" not found (contexts: dev, prod, lab, exec1, "
                  "exec1beta, basic, anonymous, lost-cluster, lost-user)");
        CHECK(parse_error("lost-cluster") ==
              prefix + "cluster \"nowhere\" (context \"lost-cluster\") not found");
        CHECK(parse_error("lost-user") ==
              prefix + "user \"nobody\" (context \"lost-user\") not found");
        CHECK(parse_error("", "apiVersion: v1\nclusters: []\n") ==
              prefix +
                  "no context selected: current-context is not set and --context was not given");
        CHECK(parse_error("", "clusters: [\n") ==
              prefix + "invalid YAML at line 2, column 1: end of sequence flow not found");
        CHECK(parse_error("", "- a\n") == prefix + "not a kubeconfig (expected a mapping)");
    }

    TEST_CASE("invalid fields are reported without their secret values") {
        const std::string prefix = "kubeconfig k: ";
        const auto with_user = [](const std::string& cluster, const std::string& user) {
            return kubeproof::test::kubeconfig_yaml("https://x", cluster, user);
        };
        const auto error_of = [&](const std::string& text) {
            const auto config = parse_kubeconfig(text, KubeconfigSource{"k", "", ""});
            REQUIRE_FALSE(config);
            return config.error();
        };
        CHECK(error_of(with_user("    certificate-authority-data: '!!!'\n", "    token: t\n")) ==
              prefix + "cluster \"c\": certificate-authority-data is not valid base64");
        CHECK(error_of(with_user("", "    client-key-data: '%%secret%%'\n")) ==
              prefix + "user \"u\": client-key-data is not valid base64");
        CHECK(error_of(with_user("", "    client-certificate: c.crt\n")) ==
              prefix + "user \"u\": client-certificate without client-key");
        CHECK(error_of(with_user(
                  "    insecure-skip-tls-verify: true\n    certificate-authority: ca\n", "")) ==
              prefix +
                  "cluster \"c\" sets both insecure-skip-tls-verify and a certificate authority");
        CHECK(error_of(with_user("    insecure-skip-tls-verify: maybe\n", "")) ==
              prefix +
                  "cluster \"c\": insecure-skip-tls-verify must be true or false, not \"maybe\"");
        CHECK(error_of(
                  with_user("",
                            "    exec:\n      apiVersion: client.authentication.k8s.io/v1alpha1\n"
                            "      command: x\n")) ==
              prefix +
                  "user \"u\": exec apiVersion \"client.authentication.k8s.io/v1alpha1\" is not "
                  "supported "
                  "(use client.authentication.k8s.io/v1 or v1beta1)");
        CHECK(error_of(with_user(
                  "", "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n")) ==
              prefix + "user \"u\": exec has no command");
        CHECK(error_of(with_user("",
                                 "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n"
                                 "      command: x\n      args: {a: 1}\n")) ==
              prefix + "user \"u\": exec args and env must be lists");
        CHECK(error_of(with_user("",
                                 "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n"
                                 "      command: x\n      env: [{value: v}]\n")) ==
              prefix + "user \"u\": exec env entries need a name");
        CHECK(error_of(with_user("", "    auth-provider:\n      name: gcp\n")) ==
              prefix +
                  "user \"u\": auth-provider \"gcp\" is not supported; use an exec credential "
                  "plugin");
        CHECK(error_of(kubeproof::test::kubeconfig_yaml("", "", "")) ==
              prefix + "cluster \"c\" has no server");
    }

    TEST_CASE("loading: --kubeconfig, then KUBECONFIG (first existing file), then ~/.kube/config") {
        TempRoot dir;
        const std::string a =
            dir.write("a.yaml", kubeproof::test::kubeconfig_yaml("https://a", "", ""));
        const std::string b =
            dir.write("b.yaml", kubeproof::test::kubeconfig_yaml("https://b", "", ""));
        dir.write("home/.kube/config", kubeproof::test::kubeconfig_yaml("https://home", "", ""));
        const auto server = [](const ConnectRequest& r) {
            const auto config = load_connection_config(r);
            REQUIRE(config);
            return config->server;
        };
        const std::string home = dir.path() + "/home";
        CHECK(server({a, "", "", env_of({{"KUBECONFIG", b}, {"HOME", home}})}) == "https://a");
        CHECK(server(
                  {"", "", "", env_of({{"KUBECONFIG", dir.path() + "/missing:" + b + ":" + a}})}) ==
              "https://b");
        CHECK(server({"", "", "", env_of({{"KUBECONFIG", ""}, {"HOME", home}})}) == "https://home");
        const auto missing =
            load_connection_config({dir.path() + "/none.yaml", "", "", env_of({})});
        REQUIRE_FALSE(missing);
        CHECK(missing.error() ==
              "kubeconfig " + dir.path() + "/none.yaml: No such file or directory");
        const auto nothing = load_connection_config({"", "", "", env_of({{"HOME", dir.path()}})});
        REQUIRE_FALSE(nothing);
        CHECK(nothing.error() == "no kubeconfig found (KUBECONFIG is not set and " + dir.path() +
                                     "/.kube/config does not exist) and not running in a pod "
                                     "(KUBERNETES_SERVICE_HOST is not set)");
    }

    TEST_CASE("in-cluster config when there is no kubeconfig") {
        TempRoot dir;
        const auto env = env_of({{"HOME", dir.path()},
                                 {"KUBERNETES_SERVICE_HOST", "10.96.0.1"},
                                 {"KUBERNETES_SERVICE_PORT", "443"},
                                 {"KUBEPROOF_SA_DIR", dir.path() + "/sa"}});
        const auto config = load_connection_config({"", "", "", env});
        REQUIRE(config);
        CHECK(config->server == "https://10.96.0.1:443");
        CHECK(config->certificate_authority.path == dir.path() + "/sa/ca.crt");
        CHECK(config->token_file == dir.path() + "/sa/token");
        CHECK(config->origin == "in-cluster service account " + dir.path() + "/sa");
        const auto explicit_dir = load_connection_config({"", "", "/var/sa", env});
        REQUIRE(explicit_dir);
        CHECK(explicit_dir->token_file == "/var/sa/token");
        const auto ipv6 = kubeproof::k8s::in_cluster_config(
            env_of({{"KUBERNETES_SERVICE_HOST", "fd00::1"}, {"KUBERNETES_SERVICE_PORT", "6443"}}),
            "/sa");
        REQUIRE(ipv6);
        CHECK(ipv6->server == "https://[fd00::1]:6443");
        const auto with_context = load_connection_config({"", "prod", "", env});
        REQUIRE_FALSE(with_context);
        CHECK(with_context.error() ==
              "--context \"prod\" needs a kubeconfig, and none was found (KUBECONFIG is not "
              "set and " +
                  dir.path() + "/.kube/config does not exist)");
    }
}
