#include <doctest/doctest.h>

#include "parse/flags.hpp"

using namespace kubeproof::parse;

namespace {

// A Kubernetes component: spf13/pflag with a few boolean flags.
const FlagSyntax k_pflag{
    FlagLibrary::Pflag,
    {"--anonymous-auth", "--profiling", "--peer-client-cert-auth", "--client-cert-auth"}};
// etcd: Go's flag package.
const FlagSyntax k_go{FlagLibrary::Go,
                      {"--client-cert-auth", "--peer-client-cert-auth", "--auto-tls"}};

}  // namespace

TEST_SUITE("parse/flags") {
    TEST_CASE("both --flag=value and --flag value forms are parsed") {
        auto flags = parse_flags(
            {"kube-apiserver", "--profiling=false", "--secure-port", "6443", "--anonymous-auth"}, 1,
            k_pflag);
        CHECK(flags.last("--profiling") == "false");
        CHECK(flags.last("--secure-port") == "6443");
        CHECK(flags.last("--anonymous-auth") == "true");
        CHECK_FALSE(flags.has("--token-auth-file"));
        CHECK_FALSE(flags.last("--token-auth-file").has_value());
    }

    TEST_CASE("a boolean flag takes a value only with '='; a separate word is a stray argument") {
        auto flags = parse_flags({"kube-apiserver", "--profiling", "false", "--anonymous-auth",
                                  "--audit-log-path=/a.log"},
                                 1, k_pflag);
        CHECK(flags.all("--profiling") == std::vector<std::string>{"true"});
        CHECK(flags.last("--anonymous-auth") == "true");
        CHECK(flags.last("--audit-log-path") == "/a.log");
        CHECK_FALSE(flags.has("--false"));
    }

    TEST_CASE("a bare boolean flag followed by another flag is true") {
        auto flags =
            parse_flags({"etcd", "--peer-client-cert-auth", "--client-cert-auth=true"}, 1, k_pflag);
        CHECK(flags.last("--peer-client-cert-auth") == "true");
        CHECK(flags.last("--client-cert-auth") == "true");
    }

    TEST_CASE(
        "any other flag without '=' takes the next argument, even one that starts with a dash") {
        auto flags = parse_flags(
            {"kube-apiserver", "--audit-log-path", "--profiling=false", "--token-auth-file", "-"},
            1, k_pflag);
        CHECK(flags.all("--audit-log-path") == std::vector<std::string>{"--profiling=false"});
        CHECK_FALSE(flags.has("--profiling"));
        CHECK(flags.last("--token-auth-file") == "-");
    }

    TEST_CASE(
        "a non-boolean flag with nothing after it is present with an empty value, never true") {
        auto flags =
            parse_flags({"kube-apiserver", "--profiling=false", "--client-ca-file"}, 1, k_pflag);
        CHECK(flags.has("--client-ca-file"));
        CHECK(flags.all("--client-ca-file") == std::vector<std::string>{""});
    }

    TEST_CASE("an explicit empty value is kept as an empty value") {
        auto flags =
            parse_flags({"kube-apiserver", "--audit-log-path=", "--profiling="}, 1, k_pflag);
        CHECK(flags.all("--audit-log-path") == std::vector<std::string>{""});
        CHECK(flags.all("--profiling") == std::vector<std::string>{""});
    }

    TEST_CASE("pflag skips arguments that are not flags and reads '_' in a name as '-'") {
        auto flags = parse_flags(
            {"kubelet", "stray", "--anonymous_auth=true", "", "-", "--read_only_port", "0"}, 1,
            k_pflag);
        CHECK(flags.last("--anonymous-auth") == "true");
        CHECK(flags.last("--read-only-port") == "0");
        CHECK(flags.values().size() == 2);
    }

    TEST_CASE("a malformed flag ends the flags, as the component refuses to start") {
        CHECK(parse_flags({"x", "--a=1", "---b=2", "--c=3"}, 1, k_pflag).values().size() == 1);
        CHECK(parse_flags({"x", "--a=1", "--=2", "--c=3"}, 1, k_pflag).values().size() == 1);
        CHECK(parse_flags({"etcd", "--a=1", "---b=2", "--c=3"}, 1, k_go).values().size() == 1);
    }

    TEST_CASE(
        "Go's flag package: -name is --name, booleans need '=', the first argument ends the "
        "flags") {
        auto flags = parse_flags(
            {"etcd", "-client-cert-auth", "false", "--data-dir=/var/lib/etcd", "--name", "-x"}, 1,
            k_go);
        CHECK(flags.last("--client-cert-auth") == "true");
        CHECK_FALSE(
            flags.has("--data-dir"));  // "false" was the first argument: parsing stopped there
        auto more = parse_flags(
            {"etcd", "-name", "-x", "-auto-tls", "--cert_file=/c", "--key-file"}, 1, k_go);
        CHECK(more.last("--name") == "-x");
        CHECK(more.last("--auto-tls") == "true");
        CHECK(more.last("--cert_file") == "/c");  // no '_' normalisation in Go's flag
        CHECK(more.all("--key-file") == std::vector<std::string>{""});
    }

    TEST_CASE("repeated flags keep every occurrence and the last one wins") {
        auto flags = parse_flags(
            {"kubelet", "--feature-gates=A=true", "--feature-gates", "B=false", "--v=2", "--v=4"},
            1, k_pflag);
        CHECK(flags.all("--feature-gates") == std::vector<std::string>{"A=true", "B=false"});
        CHECK(flags.last("--v") == "4");
    }

    TEST_CASE("single-dash flags keep their old reading and are normalised; empty values kept") {
        auto flags = parse_flags(
            {"x", "-v=2", "--audit-log-path=", "-kubeconfig", "/etc/k.conf", "-profiling", "-h"}, 1,
            k_pflag);
        CHECK(flags.last("--v") == "2");
        CHECK(flags.last("--audit-log-path") == "");
        CHECK(flags.last("--kubeconfig") == "/etc/k.conf");
        CHECK(flags.last("--profiling") == "true");
        CHECK(flags.last("--h") == "true");
    }

    TEST_CASE("values containing '=' keep everything after the first '='") {
        auto flags = parse_flags(
            {"x", "--feature-gates=RotateKubeletServerCertificate=false,A=true"}, 1, k_pflag);
        CHECK(flags.last("--feature-gates") == "RotateKubeletServerCertificate=false,A=true");
    }

    TEST_CASE("argv[0] and, for hyperkube, the subcommand are skipped; -- ends flags") {
        auto flags = parse_flags(
            {"hyperkube", "kubelet", "--config=/c.yaml", "--", "--not-a-flag=1"}, 2, k_pflag);
        CHECK(flags.last("--config") == "/c.yaml");
        CHECK_FALSE(flags.has("--not-a-flag"));
        CHECK_FALSE(flags.has("--kubelet"));
        CHECK_FALSE(parse_flags({"etcd", "--", "--name=x"}, 1, k_go).has("--name"));
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
