#include <doctest/doctest.h>

#include "app/definitions.hpp"

#include "engine/evaluator.hpp"
#include "facts/collector.hpp"
#include "host/fake_host.hpp"
#include "loader/loader.hpp"
#include "shipped_definitions.hpp"

using namespace kubeproof;
using model::Status;

namespace {

std::vector<model::Result> scan(const host::Host& host,
                                std::vector<std::string> targets = {"master", "etcd",
                                                                    "controlplane", "node"}) {
    const auto& bench = test::shipped_definitions().benchmarks.at("cis-1.12");
    engine::Selection selection{targets, {}, {}};
    auto facts = facts::collect(host, test::shipped_definitions().catalogue,
                                engine::selected_checks(bench, selection));
    return engine::evaluate(bench, test::shipped_definitions().catalogue, facts, selection);
}

const model::Result& result(const std::vector<model::Result>& results, const std::string& id) {
    for (const auto& r : results) {
        if (r.id == id) return r;
    }
    FAIL("no result " << id);
    return results.front();
}

bool evidence_mentions(const model::Result& r, const std::string& text) {
    for (const auto& e : r.evidence) {
        if (e.ref.find(text) != std::string::npos || e.value.find(text) != std::string::npos)
            return true;
    }
    return false;
}

void add_kubelet(host::FakeHost& host, std::vector<std::string> argv) {
    host.add_process(900, std::move(argv), "kubelet");
}

}  // namespace

TEST_SUITE("engine/evaluator") {
    TEST_CASE("a node without Kubernetes gives NA everywhere") {
        host::FakeHost host;
        host.add_process(1, {"/sbin/init"});
        auto results = scan(host);
        CHECK(results.size() == 97);
        for (const auto& r : results) CHECK_MESSAGE(r.status == Status::NA, r.id);
        CHECK(result(results, "1.2.15").reason ==
              "kube-apiserver is not on this node (no process and no static pod manifest)");
    }

    TEST_CASE("without a config file the kubelet's flag defaults apply") {
        host::FakeHost host;
        add_kubelet(host, {"/usr/bin/kubelet", "--kubeconfig=/etc/kubernetes/kubelet.conf"});
        host.add_file("/var/lib/kubelet/config.yaml",
                      "authentication: {anonymous: {enabled: false}}\n");  // not in use
        auto results = scan(host, {"node"});
        CHECK(result(results, "4.2.1").status == Status::Fail);
        CHECK(result(results, "4.2.1").actual.find("--anonymous-auth not set (default true)") !=
              std::string::npos);
        CHECK(result(results, "4.2.2").status == Status::Fail);
        CHECK(result(results, "4.2.4").status == Status::Warn);  // 10255, Manual
        CHECK(result(results, "4.1.9").status == Status::NA);
    }

    TEST_CASE("with a v1beta1 config file, absent keys take the file's defaults") {
        host::FakeHost host;
        add_kubelet(host, {"/usr/bin/kubelet", "--config=/var/lib/kubelet/config.yaml"});
        host.add_file("/var/lib/kubelet/config.yaml",
                      "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: "
                      "KubeletConfiguration\nstreamingConnectionIdleTimeout: 0s\n"
                      "authentication:\n  x509:\n    clientCAFile: /etc/kubernetes/pki/ca.crt\n",
                      0600);
        auto results = scan(host, {"node"});
        CHECK(result(results, "4.2.1").status == Status::Pass);
        CHECK(result(results, "4.2.2").status == Status::Pass);
        CHECK(result(results, "4.2.3").status == Status::Pass);
        CHECK(evidence_mentions(result(results, "4.2.3"), "/var/lib/kubelet/config.yaml:6"));
        CHECK(result(results, "4.2.4").status == Status::Pass);
        CHECK(result(results, "4.2.5").status == Status::Pass);  // zero means the 4h default
        CHECK(result(results, "4.2.5").actual.find("zero means the default 4h0m0s") !=
              std::string::npos);
        CHECK(result(results, "4.1.9").status == Status::Pass);
    }

    TEST_CASE("a command-line flag beats the config file") {
        host::FakeHost host;
        add_kubelet(host, {"kubelet", "--config", "/etc/kubelet.json", "--anonymous-auth=true",
                           "--read-only-port", "0"});
        host.add_file(
            "/etc/kubelet.json",
            R"({"authentication": {"anonymous": {"enabled": false}}, "readOnlyPort": 10255})");
        auto results = scan(host, {"node"});
        CHECK(result(results, "4.2.1").status == Status::Fail);
        CHECK(result(results, "4.2.1").actual.find("--anonymous-auth=true") != std::string::npos);
        CHECK(result(results, "4.2.4").status == Status::Pass);
    }

    TEST_CASE(
        "--config-dir drop-ins are merged over the config file in name order; flags still win") {
        host::FakeHost host;
        add_kubelet(host, {"kubelet", "--config=/var/lib/kubelet/config.yaml",
                           "--config-dir=/etc/kubernetes/kubelet.conf.d", "--event-qps=0"});
        host.add_file("/var/lib/kubelet/config.yaml",
                      "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n"
                      "authentication:\n  anonymous:\n    enabled: false\n  webhook:\n    enabled: "
                      "true\nreadOnlyPort: 0\n"
                      "rotateCertificates: true\n",
                      0600);
        // 20- is merged after 10-: it turns the read-only port back off; files without .conf are
        // ignored.
        host.add_file("/etc/kubernetes/kubelet.conf.d/10-debug.conf",
                      "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: "
                      "KubeletConfiguration\nreadOnlyPort: 10255\n"
                      "authentication:\n  anonymous:\n    enabled: true\n");
        host.add_file("/etc/kubernetes/kubelet.conf.d/20-ports.conf",
                      "readOnlyPort: 0\nrotateCertificates: false\n", 0600);
        host.add_file("/etc/kubernetes/kubelet.conf.d/99-off.conf.disabled",
                      "readOnlyPort: 10255\n");
        auto results = scan(host, {"node"});
        const auto& anonymous = result(results, "4.2.1");
        CHECK(anonymous.status ==
              Status::Fail);  // enabled by 10-debug.conf, webhook kept from config.yaml
        CHECK(evidence_mentions(anonymous, "/etc/kubernetes/kubelet.conf.d/10-debug.conf:6"));
        CHECK(result(results, "4.2.2").status == Status::Pass);
        CHECK(result(results, "4.2.4").status == Status::Pass);
        CHECK(evidence_mentions(result(results, "4.2.4"),
                                "/etc/kubernetes/kubelet.conf.d/20-ports.conf:1"));
        CHECK(result(results, "4.2.10").status ==
              Status::Fail);  // rotateCertificates false in 20-ports.conf
        CHECK(result(results, "4.2.8").actual.find("--event-qps=0") != std::string::npos);
        // The fragments are config files too: 10-debug.conf was left at 644.
        CHECK(result(results, "4.1.9").status == Status::Fail);
        CHECK(evidence_mentions(result(results, "4.1.9"),
                                "/etc/kubernetes/kubelet.conf.d/10-debug.conf"));
        CHECK_FALSE(evidence_mentions(result(results, "4.1.9"), "99-off.conf.disabled"));

        // A broken drop-in stops the kubelet from starting: its settings are ERROR, never PASS.
        host.add_file("/etc/kubernetes/kubelet.conf.d/30-bad.conf", "readOnlyPort: [unclosed\n");
        auto broken = scan(host, {"node"});
        CHECK(result(broken, "4.2.4").status == Status::Error);
        CHECK(result(broken, "4.2.4").reason.find("/etc/kubernetes/kubelet.conf.d/30-bad.conf:") ==
              0);

        // Without --config, the drop-ins alone are the kubelet's configuration.
        host::FakeHost alone;
        add_kubelet(alone, {"kubelet", "--config-dir", "/etc/kubernetes/kubelet.conf.d"});
        alone.add_file("/etc/kubernetes/kubelet.conf.d/10-auth.conf",
                       "authentication: {anonymous: {enabled: false}}\n");
        auto only = scan(alone, {"node"});
        CHECK(result(only, "4.2.1").status == Status::Pass);
        CHECK(result(only, "4.2.4").status ==
              Status::Pass);  // the config-file default 0, not the flag default
    }

    TEST_CASE("an unreadable or broken kubelet config is ERROR, never PASS") {
        host::FakeHost host;
        add_kubelet(host, {"kubelet", "--config=/var/lib/kubelet/config.yaml"});
        host.add_file("/var/lib/kubelet/config.yaml", "authentication: [unclosed\n");
        auto results = scan(host, {"node"});
        CHECK(result(results, "4.2.1").status == Status::Error);
        CHECK(result(results, "4.2.1").reason.find("/var/lib/kubelet/config.yaml:") == 0);
        host.deny("/var/lib/kubelet/config.yaml");
        auto denied = scan(host, {"node"});
        CHECK(result(denied, "4.2.1").status == Status::Error);
        CHECK(result(denied, "4.1.9").status == Status::Error);
        CHECK(result(denied, "4.1.9").reason.find("Permission denied") != std::string::npos);
    }

    TEST_CASE("file modes are 'at most as permissive', and a symlink's target counts") {
        host::FakeHost host;
        add_kubelet(host, {"kubelet", "--config=/var/lib/kubelet/config.yaml",
                           "--kubeconfig=/etc/kubernetes/kubelet.conf"});
        host.add_file("/var/lib/kubelet/config.yaml", "{}\n", 0400);
        host.add_file("/etc/kubernetes/real-kubelet.conf", "x", 0644);
        host.add_symlink("/etc/kubernetes/kubelet.conf", "real-kubelet.conf");
        auto results = scan(host, {"node"});
        CHECK(result(results, "4.1.9").status == Status::Pass);  // 400 is within 600
        const auto& kubeconfig = result(results, "4.1.5");
        CHECK(kubeconfig.status == Status::Fail);
        CHECK(kubeconfig.actual == "/etc/kubernetes/kubelet.conf has mode 644");
        CHECK(evidence_mentions(kubeconfig, "resolves to /etc/kubernetes/real-kubelet.conf"));
    }

    TEST_CASE("owners come from the node's passwd and group files, with numeric fallback") {
        host::FakeHost host;
        host.set_passwd(
            "root:x:0:0:root:/root:/bin/sh\netcd:x:998:998::/var/lib/etcd:/usr/sbin/nologin\n");
        host.set_group("root:x:0:\netcd:x:998:\n");
        host.add_process(2000, {"etcd", "--data-dir=/data/etcd"}, "etcd");
        host.add_dir("/data/etcd", 0700, 998, 998);
        auto results = scan(host, {"master", "etcd"});
        CHECK(result(results, "1.1.11").status == Status::Pass);
        CHECK(result(results, "1.1.12").status == Status::Pass);
        host.add_dir("/data/etcd", 0750, 4242, 998);
        auto changed = scan(host, {"master", "etcd"});
        CHECK(result(changed, "1.1.11").status == Status::Fail);
        CHECK(result(changed, "1.1.12").actual == "/data/etcd is owned by 4242:etcd");
    }

    TEST_CASE(
        "control-plane flags come from the static pod manifest when the process is not visible") {
        host::FakeHost host;
        add_kubelet(host, {"kubelet", "--config=/var/lib/kubelet/config.yaml"});
        host.add_file("/var/lib/kubelet/config.yaml", "staticPodPath: /srv/manifests\n", 0600);
        host.add_file("/srv/manifests/kube-apiserver.yaml",
                      "apiVersion: v1\nkind: Pod\nmetadata: {name: kube-apiserver}\nspec:\n  "
                      "containers:\n  - name: kube-apiserver\n"
                      "    image: registry.k8s.io/kube-apiserver:v1.32.1\n    command: "
                      "[kube-apiserver, --profiling=false]\n"
                      "    args: ['--authorization-mode=Node,RBAC']\n",
                      0600);
        auto results = scan(host, {"master"});
        const auto& profiling = result(results, "1.2.15");
        CHECK(profiling.status == Status::Pass);
        CHECK(
            evidence_mentions(profiling, "static pod manifest /srv/manifests/kube-apiserver.yaml"));
        CHECK(result(results, "1.2.7").status == Status::Pass);
        CHECK(result(results, "1.2.1").status == Status::Warn);
        CHECK(result(results, "1.1.1").status == Status::Pass);
        CHECK(result(results, "1.3.2").status == Status::NA);
    }

    TEST_CASE("the kubelet unit and every drop-in count once, even through /lib -> /usr/lib") {
        host::FakeHost host;
        add_kubelet(host, {"kubelet"});
        host.add_symlink("/lib", "usr/lib");
        host.add_file("/usr/lib/systemd/system/kubelet.service", "[Service]\n", 0600);
        host.add_file("/usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf", "[Service]\n",
                      0644);
        host.add_file("/etc/systemd/system/kubelet.service.d/20-extra.conf", "[Service]\n", 0600);
        auto results = scan(host, {"node"});
        const auto& service = result(results, "4.1.1");
        CHECK(service.status == Status::Fail);
        CHECK(service.actual ==
              "/usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf has mode 644");
        CHECK(service.evidence.size() == 4);  // discovery + three files
    }

    TEST_CASE("etcd settings fall back to ETCD_* environment variables") {
        host::FakeHost host;
        host.add_process(3000, {"etcd"}, "etcd",
                         {{"ETCD_CLIENT_CERT_AUTH", "true"}, {"ETCD_CERT_FILE", "/p/s.crt"}});
        auto results = scan(host, {"etcd"});
        CHECK(result(results, "2.2").status == Status::Pass);
        CHECK(evidence_mentions(result(results, "2.2"), "ETCD_CLIENT_CERT_AUTH=true"));
        CHECK(result(results, "2.1").status == Status::Fail);  // key file missing
    }

    TEST_CASE(
        "etcd --config-file: only the file counts; its other flags and ETCD_* variables are "
        "ignored") {
        host::FakeHost host;
        host.add_process(3000,
                         {"etcd", "--config-file=/etc/etcd/etcd.conf.yml",
                          "--client-cert-auth=true", "--auto-tls=false"},
                         "etcd", {{"ETCD_PEER_CLIENT_CERT_AUTH", "true"}});
        host.add_file("/etc/etcd/etcd.conf.yml",
                      "name: m1\ndata-dir: /srv/etcd\nclient-transport-security:\n  cert-file: "
                      "/p/server.crt\n"
                      "  key-file: /p/server.key\n  auto-tls: true\n",
                      0600);
        host.add_dir("/srv/etcd", 0700);
        auto results = scan(host, {"master", "etcd"});
        // The flags say --client-cert-auth=true and --auto-tls=false, but etcd never reads them.
        CHECK(result(results, "2.2").status == Status::Fail);
        CHECK(result(results, "2.2")
                  .actual.find("client-transport-security.client-cert-auth not set in "
                               "/etc/etcd/etcd.conf.yml") != std::string::npos);
        CHECK_FALSE(evidence_mentions(result(results, "2.2"), "--client-cert-auth=true"));
        CHECK(result(results, "2.3").status == Status::Fail);
        CHECK(evidence_mentions(result(results, "2.3"), "/etc/etcd/etcd.conf.yml:6"));
        CHECK(result(results, "2.1").status == Status::Pass);
        CHECK(result(results, "2.5").status ==
              Status::Fail);  // ETCD_PEER_CLIENT_CERT_AUTH is ignored too
        CHECK(result(results, "1.1.11").status ==
              Status::Pass);  // the data directory named by data-dir, 0700
        CHECK(evidence_mentions(result(results, "1.1.11"), "/srv/etcd"));

        // A config file etcd cannot read stops it: its settings are ERROR, never PASS.
        host.add_file("/etc/etcd/etcd.conf.yml", "client-transport-security: [unclosed\n");
        auto broken = scan(host, {"etcd"});
        CHECK(result(broken, "2.3").status == Status::Error);
    }

    TEST_CASE("a PKI directory the scan cannot list is ERROR naming it, never PASS or NA") {
        host::FakeHost host;
        host.add_process(100, {"kube-apiserver", "--profiling=false"}, "kube-apiserver");
        host.add_file("/etc/kubernetes/pki/ca.crt", "crt", 0644);
        host.add_file("/etc/kubernetes/pki/ca.key", "key", 0600);
        host.add_file("/etc/kubernetes/pki/hidden/leaked.key", "key", 0666, 1000, 1000);
        host.add_dir("/etc/kubernetes/pki/hidden", 0700);
        host.deny_listing("/etc/kubernetes/pki/hidden");  // mode 0700, as a user who is not root
        auto results = scan(host, {"master"});
        for (const char* id : {"1.1.19", "1.1.20", "1.1.21"}) {
            CHECK_MESSAGE(result(results, id).status == Status::Error, id);
            CHECK(result(results, id).reason ==
                  "cannot see every file: /etc/kubernetes/pki/hidden: Permission denied");
        }
        CHECK(evidence_mentions(result(results, "1.1.21"),
                                "/etc/kubernetes/pki/ca.key"));  // what was seen stays evidence

        host.deny_listing(
            "/etc/kubernetes/pki");  // the top directory itself: ERROR, not "no *.key files found"
        auto top = scan(host, {"master"});
        CHECK(result(top, "1.1.21").status == Status::Error);
        CHECK(result(top, "1.1.21").reason ==
              "cannot see every file: /etc/kubernetes/pki: Permission denied");
    }

    TEST_CASE("unlisted CNI directories and kubelet drop-in directories are ERROR") {
        host::FakeHost host;
        host.add_process(100, {"kube-apiserver"}, "kube-apiserver");
        add_kubelet(host, {"kubelet"});
        host.add_file("/etc/cni/net.d/10-calico.conflist", "{}", 0600);
        host.add_dir("/var/lib/cni/networks/k8s-pod-network", 0700);
        host.deny_listing("/var/lib/cni/networks/k8s-pod-network");
        host.add_file("/usr/lib/systemd/system/kubelet.service", "[Service]\n", 0600);
        host.add_dir("/usr/lib/systemd/system/kubelet.service.d", 0700);
        host.deny_listing("/usr/lib/systemd/system/kubelet.service.d");
        auto results = scan(host, {"master", "node"});
        CHECK(result(results, "1.1.9").status == Status::Error);
        CHECK(result(results, "1.1.10").reason ==
              "cannot see every file: /var/lib/cni/networks/k8s-pod-network: Permission denied");
        CHECK(result(results, "4.1.1").status == Status::Error);
        CHECK(result(results, "4.1.2").status == Status::Error);
        CHECK(
            result(results, "4.1.2").reason ==
            "cannot see every file: /usr/lib/systemd/system/kubelet.service.d: Permission denied");
    }

    TEST_CASE(
        "a kubelet --config-dir that cannot be listed leaves the configuration unknown: ERROR") {
        host::FakeHost host;
        add_kubelet(host, {"kubelet", "--config=/var/lib/kubelet/config.yaml",
                           "--config-dir=/etc/kubernetes/kubelet.conf.d", "--read-only-port=0"});
        host.add_file("/var/lib/kubelet/config.yaml",
                      "authentication: {anonymous: {enabled: false}}\n", 0600);
        host.add_dir("/etc/kubernetes/kubelet.conf.d", 0700);
        host.deny_listing("/etc/kubernetes/kubelet.conf.d");
        auto results = scan(host, {"node"});
        CHECK(result(results, "4.2.1").status == Status::Error);
        CHECK(result(results, "4.2.1").reason ==
              "cannot list the --config-dir directory /etc/kubernetes/kubelet.conf.d: Permission "
              "denied");
        CHECK(result(results, "4.2.4").status ==
              Status::Pass);  // the flag decides, whatever the drop-ins say
        CHECK(result(results, "4.1.9").status == Status::Error);
        CHECK(result(results, "4.1.9").reason ==
              "cannot see every file: /etc/kubernetes/kubelet.conf.d: Permission denied");
    }

    TEST_CASE("an empty flag value is not a set flag: FAIL, never PASS") {
        host::FakeHost host;
        host.add_process(100,
                         {"kube-apiserver", "--audit-log-path=", "--kubelet-certificate-authority=",
                          "--client-ca-file=", "--etcd-cafile=", "--encryption-provider-config="},
                         "kube-apiserver");
        add_kubelet(host,
                    {"kubelet", "--config=/var/lib/kubelet/config.yaml", "--client-ca-file="});
        host.add_file("/var/lib/kubelet/config.yaml",
                      "authentication:\n  x509:\n    clientCAFile: /etc/kubernetes/pki/ca.crt\n",
                      0600);
        auto results = scan(host, {"master", "node"});
        for (const char* id : {"1.2.5", "1.2.16", "1.2.25", "1.2.26", "4.2.3"})
            CHECK_MESSAGE(result(results, id).status == Status::Fail, id);
        CHECK(result(results, "1.2.27").status ==
              Status::Warn);  // CIS Manual: a failed evaluation needs a person
        CHECK(result(results, "1.2.28").status == Status::Warn);  // the empty flag names no file
        CHECK(result(results, "1.2.16").actual ==
              "--audit-log-path=\"\"; kube-apiserver --audit-log-path is empty, which is the same "
              "as not set");
        CHECK(result(results, "4.2.3").actual.find("--client-ca-file=\"\"") == 0);

        host::FakeHost in_config;  // an empty config value is not set either
        add_kubelet(in_config, {"kubelet", "--config=/var/lib/kubelet/config.yaml"});
        in_config.add_file("/var/lib/kubelet/config.yaml",
                           "authentication:\n  x509:\n    clientCAFile: \"\"\n", 0600);
        CHECK(result(scan(in_config, {"node"}), "4.2.3").status == Status::Fail);
    }

    TEST_CASE("flags are read as the component's flag library reads them") {
        host::FakeHost host;
        // "--profiling false" is --profiling=true and a stray "false"; --audit-log-path takes the
        // next argument.
        host.add_process(100,
                         {"kube-apiserver", "--profiling", "false", "--audit-log-path",
                          "--anonymous-auth=false"},
                         "kube-apiserver");
        add_kubelet(host, {"kubelet", "--config=/var/lib/kubelet/config.yaml", "--anonymous-auth",
                           "false"});
        host.add_file("/var/lib/kubelet/config.yaml",
                      "authentication: {anonymous: {enabled: false}}\n", 0600);
        auto results = scan(host, {"master", "node"});
        CHECK(result(results, "1.2.15").status == Status::Fail);
        CHECK(result(results, "1.2.15").actual.find("--profiling=true") == 0);
        CHECK(result(results, "1.2.16").status == Status::Pass);  // its value is the word after it
        CHECK(result(results, "1.2.1").status ==
              Status::Warn);  // --anonymous-auth was not given: default true
        CHECK(result(results, "4.2.1").status ==
              Status::Fail);  // the kubelet's bare flag beats its config file
    }

    TEST_CASE("skipped checks are SKIP with a reason, and --check limits the results") {
        host::FakeHost host;
        const auto& bench = test::shipped_definitions().benchmarks.at("cis-1.12");
        engine::Selection selection{{"master"}, {"1.2.15", "1.2.16"}, {"1.2.16"}};
        auto facts = facts::collect(host, test::shipped_definitions().catalogue,
                                    engine::selected_checks(bench, selection));
        auto results =
            engine::evaluate(bench, test::shipped_definitions().catalogue, facts, selection);
        REQUIRE(results.size() == 2);
        CHECK(results[0].status == Status::NA);
        CHECK(results[1].status == Status::Skip);
        CHECK(results[1].reason == "skipped with --skip");
        CHECK(results[1].group == "1.2");
        CHECK(results[1].target == "master");
    }

    TEST_CASE("detected targets follow the components found") {
        host::FakeHost host;
        add_kubelet(host, {"kubelet"});
        const auto& bench = test::shipped_definitions().benchmarks.at("cis-1.12");
        engine::Selection all{{"master", "etcd", "controlplane", "node", "policies"}, {}, {}};
        auto facts = facts::collect(host, test::shipped_definitions().catalogue,
                                    engine::selected_checks(bench, all));
        CHECK(engine::detected_targets(test::shipped_definitions().catalogue, facts) ==
              std::vector<std::string>{"node"});
        CHECK(facts.components.at("kubelet").how == "kubelet pid 900");
    }
}
