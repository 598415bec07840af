#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "parse/document.hpp"
#include "parse/redact.hpp"

using kubeproof::parse::redact_argv;
using kubeproof::parse::redact_secrets;
using kubeproof::parse::redacted_value;

namespace {

size_t lines(const std::string& text) { return std::count(text.begin(), text.end(), '\n'); }

const std::string k_key_file =
    "-----BEGIN RSA PRIVATE KEY-----\n"
    "a3ViZXByb29mIGZpeHR1cmU6IGZha2UgY2Eua2V5\n"
    "LCBub3QgcmVhbCBrZXkgbWF0ZXJpYWwu\n"
    "-----END RSA PRIVATE KEY-----\n";

// base64 of "-----BEGIN RSA PRIVATE KEY-----\nfake\n-----END RSA PRIVATE KEY-----\n"
const std::string k_encoded_key =
    "LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQpmYWtlCi0tLS0tRU5EIFJTQSBQUklWQVRFIEtFWS0tLS0tCg==";
// base64 of "-----BEGIN CERTIFICATE-----\nfake\n-----END CERTIFICATE-----\n"
const std::string k_encoded_cert =
    "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCmZha2UKLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo=";

}  // namespace

TEST_SUITE("parse/redact") {
    TEST_CASE("a PEM private key loses its body, line for line") {
        const std::string text = "before\n" + k_key_file + "after\n";
        const std::string redacted = redact_secrets(text);
        CHECK(redacted ==
              "before\n-----BEGIN RSA PRIVATE KEY-----\n[redacted]\n[redacted]\n"
              "-----END RSA PRIVATE KEY-----\nafter\n");
        CHECK(lines(redacted) == lines(text));
    }

    TEST_CASE("certificates and public keys stay; a key without an END line goes to the end") {
        const std::string cert = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
        CHECK(redact_secrets(cert) == cert);
        const std::string pub = "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----\n";
        CHECK(redact_secrets(pub) == pub);
        CHECK(redact_secrets("-----BEGIN EC PRIVATE KEY-----\nMHcC\nAQEE\n") ==
              "-----BEGIN EC PRIVATE KEY-----\n[redacted]\n[redacted]\n");
    }

    TEST_CASE("a PEM key inside YAML keeps its indentation and the document stays YAML") {
        const std::string text =
            "data:\n  tls.key: |\n    -----BEGIN PRIVATE KEY-----\n    MIIE\n    abcd\n"
            "    -----END PRIVATE KEY-----\n  other: 1\n";
        const std::string redacted = redact_secrets(text);
        CHECK(redacted ==
              "data:\n  tls.key: |\n    -----BEGIN PRIVATE KEY-----\n    [redacted]\n"
              "    [redacted]\n    -----END PRIVATE KEY-----\n  other: 1\n");
        const auto doc = kubeproof::parse::parse_document("/x.yaml", redacted);
        CHECK(doc.loaded);
        CHECK(doc.lines.at("data.other") == 7);
    }

    TEST_CASE("a kubeconfig keeps its certificates and loses its keys and tokens") {
        const std::string text =
            "users:\n- name: admin\n  user:\n    client-certificate-data: " + k_encoded_cert +
            "\n    client-key-data: " + k_encoded_key +
            "\n- name: sa\n  user:\n    token: eyJhbGciOi.fake  # the service account\n"
            "    tokenFile: /var/run/secrets/token\n    password: 'it''s'\n";
        const std::string redacted = redact_secrets(text);
        CHECK(redacted ==
              "users:\n- name: admin\n  user:\n    client-certificate-data: " + k_encoded_cert +
                  "\n    client-key-data: \"[redacted]\"\n- name: sa\n  user:\n"
                  "    token: \"[redacted]\"  # the service account\n"
                  "    tokenFile: /var/run/secrets/token\n    password: \"[redacted]\"\n");
        CHECK(lines(redacted) == lines(text));
        CHECK(kubeproof::parse::parse_document("/kubeconfig", redacted).loaded);
    }

    TEST_CASE("JSON, minified or not, stays JSON") {
        const std::string text = R"({"users":[{"name":"a","user":{"client-key-data":")" +
                                 k_encoded_key + R"(","token":"t\"x","client-certificate-data":")" +
                                 k_encoded_cert + R"("}}],"password": 12345, "secret": true})";
        CHECK(
            redact_secrets(text) ==
            R"({"users":[{"name":"a","user":{"client-key-data":"[redacted]","token":"[redacted]","client-certificate-data":")" +
                k_encoded_cert + R"("}}],"password": "[redacted]", "secret": true})");
        CHECK(kubeproof::parse::parse_document("/x.json", redact_secrets(text)).loaded);
    }

    TEST_CASE("an encoded private key is redacted under any key; structure stays") {
        CHECK(redact_secrets("tls.key: " + k_encoded_key + "\ntls.crt: " + k_encoded_cert + "\n") ==
              "tls.key: \"[redacted]\"\ntls.crt: " + k_encoded_cert + "\n");
        const std::string encryption =
            "providers:\n- secretbox:\n    keys:\n    - name: k1\n      secret: c2VjcmV0\n"
            "- identity: {}\n";
        CHECK(redact_secrets(encryption) ==
              "providers:\n- secretbox:\n    keys:\n    - name: k1\n      secret: \"[redacted]\"\n"
              "- identity: {}\n");
    }

    TEST_CASE("a block scalar under a sensitive key loses every line of it") {
        CHECK(redact_secrets("token: |\n  abc\n\n  def\nnext: 1\n") ==
              "token: |\n  [redacted]\n\n  [redacted]\nnext: 1\n");
        CHECK(redact_secrets("- token: >-\n    abc\n  user: x\n") ==
              "- token: >-\n    [redacted]\n  user: x\n");
    }

    TEST_CASE("sensitive --flag=value in any text; paths, booleans and empty values stay") {
        CHECK(
            redact_secrets("ExecStart=/usr/bin/kubelet --token=abc --tls-private-key-file=/k\n") ==
            "ExecStart=/usr/bin/kubelet --token=[redacted] --tls-private-key-file=/k\n");
        CHECK(redact_secrets("    - --kubelet-client-key=/etc/k.key\n    - --profiling=false\n") ==
              "    - --kubelet-client-key=[redacted]\n    - --profiling=false\n");
        CHECK(redact_secrets("Environment=\"ARGS=--password=x y\" --use-token=true --token=\n") ==
              "Environment=\"ARGS=--password=[redacted] y\" --use-token=true --token=\n");
    }

    TEST_CASE("a long one-line document takes one pass (minified JSON, negative numbers)") {
        std::string text = "{\"a\":[";
        for (int i = 0; i < 200000; ++i) text += "-1,\"k\":-2, ";
        text += "0], \"token\": \"t\"}";
        const std::string redacted = redact_secrets(text);
        CHECK(redacted.size() == text.size() + std::string("[redacted]").size() - 1);
        CHECK(redacted.ends_with("0], \"token\": \"[redacted]\"}"));
    }

    TEST_CASE("command lines lose the values of sensitive flags") {
        const std::vector<std::string> argv = {"kube-apiserver",
                                               "--token=abc",
                                               "--password",
                                               "hunter2",
                                               "--kubelet-client-key=/etc/k.key",
                                               "--enable-bootstrap-token-auth=true",
                                               "--secret",
                                               "--profiling",
                                               "false",
                                               "--token=",
                                               "--etcd-keyfile=/etc/e.key"};
        CHECK(redact_argv(argv) ==
              std::vector<std::string>{
                  "kube-apiserver", "--token=[redacted]", "--password", "[redacted]",
                  "--kubelet-client-key=[redacted]", "--enable-bootstrap-token-auth=true",
                  "--secret", "--profiling", "false", "--token=", "--etcd-keyfile=/etc/e.key"});
        CHECK(redact_argv({"--token=argv0-is-the-program"}).front() ==
              "--token=argv0-is-the-program");
    }

    TEST_CASE("environment values as reports show them") {
        CHECK(redacted_value("ETCD_PASSWORD", "x") == "[redacted]");
        CHECK(redacted_value("ETCD_PASSWORD", "") == "");
        CHECK(redacted_value("ETCDCTL_CERT_FILE", "/etc/c") == "/etc/c");
        CHECK(redacted_value("PATH", "/usr/bin") == "/usr/bin");
    }
}
