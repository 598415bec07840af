#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "app/facts_snapshot.hpp"
#include "host/fake_host.hpp"
#include "host/recording_host.hpp"
#include "host/snapshot_file.hpp"
#include "host/snapshot_host.hpp"

using kubeproof::host::FakeHost;
using kubeproof::host::RecordingHost;

namespace {

const std::string k_key_body = "a3ViZXByb29mIGZpeHR1cmU6IGZha2UgY2Eua2V5";
const std::string k_key_data = "LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQpmYWtlCg==";
const std::string k_admin_conf =
    "apiVersion: v1\nusers:\n- name: kubernetes-admin\n  user:\n"
    "    client-certificate-data: Y2VydA==\n    client-key-data: " +
    k_key_data + "\n";

FakeHost kubeadm_node() {
    FakeHost host;
    host.add_file("/etc/kubernetes/admin.conf", k_admin_conf, 0600);
    host.add_file(
        "/etc/kubernetes/pki/ca.key",
        "-----BEGIN RSA PRIVATE KEY-----\n" + k_key_body + "\n-----END RSA PRIVATE KEY-----\n",
        0600);
    host.add_process(
        4624,
        {"kube-apiserver", "--token-auth-file=/etc/t.csv", "--oidc-client-secret", "s3cr3t-value"},
        "kube-apiserver", {{"ETCD_PASSWORD", "pa55-value"}, {"PATH", "/usr/bin"}});
    return host;
}

size_t lines(const std::string& text) { return std::count(text.begin(), text.end(), '\n'); }

}  // namespace

TEST_SUITE("app/facts_snapshot") {
    TEST_CASE("a snapshot holds no key, token or password, and every line stays where it was") {
        const FakeHost node = kubeadm_node();
        const RecordingHost recorder(node);
        (void)recorder.read_file("/etc/kubernetes/admin.conf");
        (void)recorder.read_file("/etc/kubernetes/pki/ca.key");
        (void)recorder.processes();
        (void)recorder.environ(4624);
        const auto calls = kubeproof::app::redact(recorder.recording());
        const std::string text = kubeproof::host::write_snapshot({{}, calls});
        for (const auto& secret :
             {k_key_body, k_key_data, std::string("s3cr3t-value"), std::string("pa55-value")})
            CHECK_MESSAGE(text.find(secret) == std::string::npos, secret);
        const kubeproof::host::SnapshotHost replay(calls);
        const auto admin = replay.read_file("/etc/kubernetes/admin.conf").value();
        CHECK(lines(admin) == lines(k_admin_conf));
        CHECK(admin.find("client-certificate-data: Y2VydA==\n") != std::string::npos);
        CHECK(admin.find("client-key-data: \"[redacted]\"\n") != std::string::npos);
        CHECK(replay.read_file("/etc/kubernetes/pki/ca.key").value() ==
              "-----BEGIN RSA PRIVATE KEY-----\n[redacted]\n-----END RSA PRIVATE KEY-----\n");
        CHECK(replay.processes().value().front().argv ==
              std::vector<std::string>{"kube-apiserver", "--token-auth-file=/etc/t.csv",
                                       "--oidc-client-secret", "[redacted]"});
        CHECK(replay.environ(4624).value() ==
              std::map<std::string, std::string>{{"ETCD_PASSWORD", "[redacted]"},
                                                 {"PATH", "/usr/bin"}});
    }
}
