#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "app/definitions.hpp"
#include "facts/platform_clues.hpp"
#include "host/fake_host.hpp"

using namespace kubeproof;

namespace {

const model::Catalogue& catalogue() {
    static const model::Catalogue cat = app::load_definitions("").definitions.catalogue;
    return cat;
}

std::string manifest(const std::string& image) {
    return "apiVersion: v1\nkind: Pod\nmetadata: {name: kube-apiserver, namespace: kube-system}\n"
           "spec:\n  containers:\n  - name: kube-apiserver\n    image: " +
           image + "\n    command: [kube-apiserver, --profiling=false]\n";
}

std::vector<std::string> described(const std::vector<engine::Clue>& clues) {
    std::vector<std::string> out;
    for (const auto& c : clues)
        out.push_back(c.rule + " " + c.version + " " + c.platform + " " + c.source);
    return out;
}

}  // namespace

TEST_SUITE("facts/platform_clues") {
    TEST_CASE("a kubeadm node: the version from the API server's image tag, no platform") {
        host::FakeHost host;
        host.add_file("/etc/kubernetes/manifests/kube-apiserver.yaml",
                      manifest("registry.k8s.io/kube-apiserver:v1.31.2"), 0600);
        CHECK(described(facts::node_clues(host, catalogue())) ==
              std::vector<std::string>{"static-pod-image 1.31.2  from the image tag of "
                                       "/etc/kubernetes/manifests/kube-apiserver.yaml "
                                       "(registry.k8s.io/kube-apiserver:v1.31.2)"});
    }

    TEST_CASE("an RKE2 server: its hardened image tag names the platform, its files too") {
        host::FakeHost host;
        host.add_process(
            100, {"kubelet", "--pod-manifest-path=/var/lib/rancher/rke2/agent/pod-manifests"});
        host.add_process(90, {"/usr/local/bin/rke2", "server"});
        host.add_file("/var/lib/rancher/rke2/agent/pod-manifests/kube-apiserver.yaml",
                      manifest("index.docker.io/rancher/hardened-kubernetes:"
                               "v1.31.2-rke2r1-build20241008"),
                      0600);
        host.add_file("/usr/local/bin/rke2", "not an ELF file", 0755);
        const auto clues = facts::node_clues(host, catalogue());
        REQUIRE(clues.size() == 2);
        CHECK(clues[0].rule == "static-pod-image");
        CHECK(clues[0].version == "1.31.2");
        CHECK(clues[0].platform == "rke2");
        CHECK(clues[1].rule == "node-process");
        CHECK(clues[1].platform == "rke2");
        CHECK(clues[1].source == "from the process '/usr/local/bin/rke2 server'");
    }

    TEST_CASE("k3s by its rewritten process title or its files; AKS by azure.json") {
        host::FakeHost title;
        title.add_process(7, {"/usr/local/bin/k3s agent"});
        CHECK(described(facts::node_clues(title, catalogue())) ==
              std::vector<std::string>{
                  "node-process  k3s from the process '/usr/local/bin/k3s agent'"});
        host::FakeHost files;
        files.add_file("/etc/rancher/k3s/config.yaml", "write-kubeconfig-mode: \"0600\"\n");
        files.add_file("/etc/kubernetes/azure.json", "{}");
        CHECK(described(facts::node_clues(files, catalogue())) ==
              std::vector<std::string>{"node-files  k3s from /etc/rancher/k3s/config.yaml",
                                       "node-files  aks from /etc/kubernetes/azure.json"});
        host::FakeHost other;
        other.add_process(8, {"/usr/bin/k3sx", "server"});
        other.add_process(9, {"k3s", "kubectl"});
        CHECK(facts::node_clues(other, catalogue()).empty());
    }
}
