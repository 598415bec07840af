#include <doctest/doctest.h>

#include "facts/flags.hpp"

using namespace kubeproof::facts;

TEST_SUITE("facts/flags") {
    TEST_CASE("both --flag=value and --flag value forms are parsed") {
        auto flags = parse_flags({"kube-apiserver", "--profiling=false", "--secure-port", "6443", "--anonymous-auth"});
        CHECK(flags.last("--profiling") == "false");
        CHECK(flags.last("--secure-port") == "6443");
        CHECK(flags.last("--anonymous-auth") == "true");
        CHECK_FALSE(flags.has("--token-auth-file"));
        CHECK_FALSE(flags.last("--token-auth-file").has_value());
    }

    TEST_CASE("a bare flag followed by another flag is true") {
        auto flags = parse_flags({"etcd", "--peer-client-cert-auth", "--client-cert-auth=true"});
        CHECK(flags.last("--peer-client-cert-auth") == "true");
        CHECK(flags.last("--client-cert-auth") == "true");
    }

    TEST_CASE("repeated flags keep every occurrence and the last one wins") {
        auto flags = parse_flags({"kubelet", "--feature-gates=A=true", "--feature-gates", "B=false", "--v=2", "--v=4"});
        CHECK(flags.all("--feature-gates") == std::vector<std::string>{"A=true", "B=false"});
        CHECK(flags.last("--v") == "4");
    }

    TEST_CASE("single-dash flags are normalised and empty values kept") {
        auto flags = parse_flags({"x", "-v=2", "--audit-log-path=", "-kubeconfig", "/etc/k.conf"});
        CHECK(flags.last("--v") == "2");
        CHECK(flags.last("--audit-log-path") == "");
        CHECK(flags.last("--kubeconfig") == "/etc/k.conf");
    }

    TEST_CASE("values containing '=' keep everything after the first '='") {
        auto flags = parse_flags({"x", "--feature-gates=RotateKubeletServerCertificate=false,A=true"});
        CHECK(flags.last("--feature-gates") == "RotateKubeletServerCertificate=false,A=true");
    }

    TEST_CASE("argv[0] and, for hyperkube, the subcommand are skipped; -- ends flags") {
        auto flags = parse_flags({"hyperkube", "kubelet", "--config=/c.yaml", "--", "--not-a-flag=1"}, 2);
        CHECK(flags.last("--config") == "/c.yaml");
        CHECK_FALSE(flags.has("--not-a-flag"));
        CHECK_FALSE(flags.has("--kubelet"));
    }

    TEST_CASE("secrets are redacted, paths are not") {
        CHECK(is_sensitive("--token"));
        CHECK(is_sensitive("ETCD_PASSWORD"));
        CHECK(is_sensitive("--oidc-client-secret"));
        CHECK_FALSE(is_sensitive("--token-auth-file"));
        CHECK_FALSE(is_sensitive("--tls-private-key-file"));
        CHECK_FALSE(is_sensitive("ETCD_KEY_FILE"));
        CHECK_FALSE(is_sensitive("--profiling"));
        CHECK(shown_value("--token", "abc") == "[redacted]");
        CHECK(shown_value("--profiling", "false") == "false");
    }
}
