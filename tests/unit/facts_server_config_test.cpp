#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "facts/server_config.hpp"

using namespace kubeproof;
using facts::ServerConfig;

namespace {

// "value @ origin" for every value of a key.
std::vector<std::string> shown(const ServerConfig& config, const std::string& key) {
    std::vector<std::string> out;
    auto it = config.settings.find(key);
    if (it == config.settings.end()) return out;
    for (const auto& v : it->second) out.push_back(v.value + " @ " + v.origin.ref);
    return out;
}

void merge(ServerConfig& config, const std::string& path, const std::string& text) {
    facts::merge_server_file(config, parse::parse_document(path, text));
}

const std::string k_main = "/etc/rancher/k3s/config.yaml";
const std::string k_dropin = "/etc/rancher/k3s/config.yaml.d/10-audit.yaml";

}  // namespace

TEST_SUITE("facts/server_config") {
    TEST_CASE("each list element keeps its file and line") {
        ServerConfig config;
        merge(config, k_main,
              "write-kubeconfig-mode: \"0600\"\nkube-apiserver-arg:\n  - profiling=true\n"
              "  - \"--anonymous-auth=false\"\n");
        CHECK(config.errors.empty());
        CHECK(shown(config, "kube-apiserver-arg") ==
              std::vector<std::string>{"profiling=true @ /etc/rancher/k3s/config.yaml:3",
                                       "--anonymous-auth=false @ /etc/rancher/k3s/config.yaml:4"});
        CHECK(shown(config, "write-kubeconfig-mode") ==
              std::vector<std::string>{"0600 @ /etc/rancher/k3s/config.yaml:1"});
    }

    TEST_CASE("a later file replaces a key; a key suffixed + appends to it") {
        ServerConfig config;
        merge(config, k_main, "kube-apiserver-arg: [profiling=true, audit-log-maxage=30]\n");
        merge(config, k_dropin, "kube-apiserver-arg+:\n  - audit-log-maxsize=100\n");
        CHECK(shown(config, "kube-apiserver-arg") ==
              std::vector<std::string>{
                  "profiling=true @ /etc/rancher/k3s/config.yaml:1",
                  "audit-log-maxage=30 @ /etc/rancher/k3s/config.yaml:1",
                  "audit-log-maxsize=100 @ /etc/rancher/k3s/config.yaml.d/10-audit.yaml:2"});
        merge(config, "/etc/rancher/k3s/config.yaml.d/20-x.yaml",
              "kube-apiserver-arg:\n  - profiling=false\n");
        CHECK(shown(config, "kube-apiserver-arg") ==
              std::vector<std::string>{
                  "profiling=false @ /etc/rancher/k3s/config.yaml.d/20-x.yaml:2"});
    }

    TEST_CASE("the command line replaces the files' list and keeps its own order") {
        ServerConfig config;
        merge(config, k_main, "kube-apiserver-arg: [profiling=false, audit-log-maxage=30]\n");
        facts::merge_server_args(
            config,
            {"/usr/local/bin/k3s", "server", "--kube-apiserver-arg=profiling=true", "--disable",
             "traefik", "--kube-apiserver-arg", "v=2"},
            2, {"kube-apiserver-arg"}, "k3s server pid 812 command line");
        CHECK(shown(config, "kube-apiserver-arg") ==
              std::vector<std::string>{"profiling=true @ k3s server pid 812 command line",
                                       "v=2 @ k3s server pid 812 command line"});
        CHECK(config.settings.at("kube-apiserver-arg").front().origin.source == "process");
    }

    TEST_CASE("--config and -c name the config file") {
        CHECK(facts::server_arg({"k3s", "server", "--config=/srv/k3s.yaml"}, 2, "--config", "-c") ==
              "/srv/k3s.yaml");
        CHECK(facts::server_arg({"k3s", "server", "-c", "/srv/k3s.yaml"}, 2, "--config", "-c") ==
              "/srv/k3s.yaml");
        CHECK_FALSE(facts::server_arg({"k3s", "server"}, 2, "--config", "-c").has_value());
    }

    TEST_CASE("bad YAML and values that are not lists of scalars are errors with file and line") {
        ServerConfig config;
        merge(config, k_main, "kube-apiserver-arg: [profiling=true\n");
        REQUIRE(config.errors.size() == 1);
        CHECK(config.errors.front().starts_with(
            "/etc/rancher/k3s/config.yaml:2:1: invalid YAML/JSON"));
        CHECK(config.settings.empty());

        ServerConfig nested;
        merge(nested, k_dropin, "node-label: [a=b]\nkube-apiserver-arg:\n  - {profiling: true}\n");
        CHECK(nested.errors ==
              std::vector<std::string>{"/etc/rancher/k3s/config.yaml.d/10-audit.yaml:2: "
                                       "'kube-apiserver-arg' must be a value or a list of values"});
        CHECK(nested.settings.count("node-label") == 1);

        ServerConfig scalar;
        merge(scalar, k_main, "- profiling=true\n");
        CHECK(scalar.errors ==
              std::vector<std::string>{"/etc/rancher/k3s/config.yaml:1: the config file is not a "
                                       "mapping of settings"});
    }

    TEST_CASE("component flags: defaults, then the list in order, each flag once") {
        ServerConfig config;
        merge(config, k_main,
              "kube-apiserver-arg:\n  - profiling=true\n  - --audit-log-path=/var/log/a.log\n"
              "  - profiling=false\n  - enable-bootstrap-token-auth\n");
        parse::FlagSet flags;
        std::map<std::string, engine::FlagOrigin> origins;
        facts::component_flags({{"--profiling", "false"}, {"--secure-port", "6444"}},
                               {"default", "k3s default"}, config.settings.at("kube-apiserver-arg"),
                               flags, origins);
        CHECK(flags.all("--profiling") == std::vector<std::string>{"false"});
        CHECK(origins.at("--profiling").ref == "/etc/rancher/k3s/config.yaml:4");
        CHECK(origins.at("--secure-port").ref == "k3s default");
        CHECK(origins.at("--secure-port").source == "default");
        CHECK(flags.last("--audit-log-path") == "/var/log/a.log");
        CHECK(flags.last("--enable-bootstrap-token-auth") == "true");
    }
}
