#include <doctest/doctest.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>

#include "k8s/exec_credential.hpp"
#include "k8s_fake_apiserver.hpp"

using kubeproof::k8s::ExecClusterInfo;
using kubeproof::k8s::ExecConfig;
using kubeproof::k8s::parse_exec_credential;
using kubeproof::k8s::parse_rfc3339;
using kubeproof::k8s::run_exec_plugin;
using kubeproof::test::TempRoot;
using namespace std::chrono_literals;

namespace {

constexpr const char* k_v1 = "client.authentication.k8s.io/v1";

ExecConfig plugin(const TempRoot& dir, const std::string& body) {
    static int count = 0;
    ExecConfig config;
    config.api_version = k_v1;
    config.command =
        dir.write("plugin-" + std::to_string(++count) + ".sh", "#!/bin/sh\n" + body, 0755);
    return config;
}

std::string read(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

TEST_SUITE("k8s/exec_credential") {
    TEST_CASE("parses tokens, client certificates and expiry") {
        const auto token = parse_exec_credential(
            R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential",
                "status":{"token":"abc","expirationTimestamp":"2030-01-02T03:04:05Z"}})",
            k_v1);
        REQUIRE(token);
        CHECK(token->token == "abc");
        REQUIRE(token->expires);
        CHECK(*token->expires == parse_rfc3339("2030-01-02T03:04:05Z"));
        const auto cert = parse_exec_credential(
            R"({"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential",
                "status":{"clientCertificateData":"CERT","clientKeyData":"KEY"}})",
            "client.authentication.k8s.io/v1beta1");
        REQUIRE(cert);
        CHECK(cert->client_certificate_pem == "CERT");
        CHECK(cert->client_key_pem == "KEY");
        CHECK_FALSE(cert->expires);
    }

    TEST_CASE("invalid output is reported without quoting it") {
        const auto error_of = [](const std::string& text) {
            const auto result = parse_exec_credential(text, k_v1);
            REQUIRE_FALSE(result);
            CHECK(result.error().find("s3cr3t") == std::string::npos);
            return result.error();
        };
        CHECK(error_of(R"({"kind":"ExecCredential","status":{"token":"s3cr3t)") ==
              "the output is not a JSON object");
        CHECK(error_of(
                  R"({"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1beta1",
                          "status":{"token":"s3cr3t"}})") ==
              "the output has apiVersion \"client.authentication.k8s.io/v1beta1\", expected "
              "\"client.authentication.k8s.io/v1\"");
        CHECK(error_of(R"({"kind":"Other","apiVersion":"client.authentication.k8s.io/v1"})") ==
              "the output has kind \"Other\", expected ExecCredential");
        CHECK(error_of(
                  R"({"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1"})") ==
              "the output has no status");
        CHECK(
            error_of(
                R"({"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","status":{}})") ==
            "status has neither a token nor clientCertificateData and clientKeyData");
        CHECK(error_of(R"({"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1",
                          "status":{"clientCertificateData":"s3cr3t"}})") ==
              "status has clientCertificateData without clientKeyData");
        CHECK(error_of(R"({"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1",
                          "status":{"token":"s3cr3t","expirationTimestamp":"soon"}})") ==
              "status.expirationTimestamp \"soon\" is not an RFC 3339 time");
        // A kind a million arrays deep: reading it with value() copied it, level by level.
        CHECK(error_of(R"({"status":{"token":"s3cr3t"},"kind":)" + std::string(1'000'000, '[') +
                       std::string(1'000'000, ']') + "}") ==
              "the output is nested deeper than 1000 levels, the most kubeproof reads");
    }

    TEST_CASE("RFC 3339 times with fractions and offsets") {
        CHECK(parse_rfc3339("2024-05-01T10:00:00.123456Z") ==
              parse_rfc3339("2024-05-01T10:00:00Z"));
        CHECK(parse_rfc3339("2024-05-01T12:00:00+02:00") == parse_rfc3339("2024-05-01T10:00:00Z"));
        CHECK(parse_rfc3339("2024-05-01T10:00:00Z") > parse_rfc3339("2024-05-01T09:59:59Z"));
        CHECK_FALSE(parse_rfc3339("2024-05-01"));
        CHECK_FALSE(parse_rfc3339("2024-05-01T10:00:00"));
        CHECK_FALSE(parse_rfc3339("2024-13-01T10:00:00Z"));
    }

    TEST_CASE("runs the plugin without a shell, with its env and KUBERNETES_EXEC_INFO") {
        TempRoot dir;
        auto config = plugin(
            dir,
            "printf '%s' \"$KUBERNETES_EXEC_INFO\" > \"$OUT\"\n"
            "printf '%s ' \"$@\" >> \"$OUT\"\n"
            "[ -t 0 ] && echo tty >> \"$OUT\"\n"
            "echo '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\","
            "\"status\":{\"token\":\"plugin-token\"}}'\n");
        config.args = {"get-token", "a b"};
        config.env = {{"OUT", dir.path() + "/out.txt"}};
        config.provide_cluster_info = true;
        const ExecClusterInfo cluster{"https://10.0.0.1:6443", "", false, "PEM", ""};
        const auto credential = run_exec_plugin(config, &cluster, 5s);
        REQUIRE(credential);
        CHECK(credential->token == "plugin-token");
        CHECK(
            read(dir.path() + "/out.txt") ==
            R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","spec":{"cluster":)"
            R"({"certificate-authority-data":"UEVN","server":"https://10.0.0.1:6443"},"interactive":false}})"
            "get-token a b ");
    }

    TEST_CASE(
        "failures: exit status with stderr, not found with the install hint, timeout, Always") {
        TempRoot dir;
        auto failing = plugin(dir, "echo 'token expired; run login' >&2\nexit 3\n");
        auto result = run_exec_plugin(failing, nullptr, 5s);
        REQUIRE_FALSE(result);
        CHECK(result.error() == "exec plugin \"" + failing.command +
                                    "\" exited with status 3: token expired; run login");

        ExecConfig missing{k_v1, "kubeproof-no-such-plugin",     {},
                           {},   "Install it from example.com.", "Never",
                           false};
        result = run_exec_plugin(missing, nullptr, 5s);
        REQUIRE_FALSE(result);
        CHECK(result.error() ==
              "exec plugin \"kubeproof-no-such-plugin\": cannot run it: No such file or directory. "
              "Install it from example.com.");

        auto slow = plugin(dir, "sleep 5\n");
        const auto start = std::chrono::steady_clock::now();
        result = run_exec_plugin(slow, nullptr, 200ms);
        CHECK(std::chrono::steady_clock::now() - start < 2s);
        REQUIRE_FALSE(result);
        CHECK(result.error() ==
              "exec plugin \"" + slow.command + "\" did not finish within 200 ms and was killed");

        auto interactive = plugin(dir, "exit 0\n");
        interactive.interactive_mode = "Always";
        result = run_exec_plugin(interactive, nullptr, 5s);
        REQUIRE_FALSE(result);
        CHECK(result.error() ==
              "exec plugin \"" + interactive.command +
                  "\" needs an interactive terminal (interactiveMode: Always), and kubeproof runs "
                  "without one");

        auto garbage = plugin(dir, "echo '{\"status\":{\"token\":\"s3cr3t\"'\n");
        result = run_exec_plugin(garbage, nullptr, 5s);
        REQUIRE_FALSE(result);
        CHECK(result.error() ==
              "exec plugin \"" + garbage.command +
                  "\" returned an invalid ExecCredential: the output is not a JSON object");
    }
}
