#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <fmt/format.h>

#include "app/definitions.hpp"
#include "engine/evaluator.hpp"
#include "facts/collector.hpp"
#include "host/fake_host.hpp"
#include "loader/loader.hpp"
#include "shipped_definitions.hpp"

using namespace kubeproof;
using model::Status;

namespace {

const model::Definitions& k3s_definitions() { return test::shipped_definitions(); }

// A k3s server with SQLite: the process (argv hidden) and the files k3s leaves.
host::FakeHost k3s_host(std::vector<std::string> argv = {"/usr/local/bin/k3s", "server"}) {
    host::FakeHost host;
    host.add_process(1, {"/sbin/init"});
    host.add_process(812, std::move(argv), "k3s-server");
    host.add_dir("/var/lib/rancher/k3s/server/db", 0700);
    host.add_file("/var/lib/rancher/k3s/server/db/state.db", "", 0600);
    return host;
}

std::map<std::string, model::Result> scan_k3s(const host::Host& host) {
    const auto& bench = k3s_definitions().benchmarks.at("cis-1.12");
    engine::Selection selection{{"master", "etcd", "controlplane", "node"}, {}, {}};
    auto facts = facts::collect(host, k3s_definitions().catalogue,
                                engine::selected_checks(bench, selection));
    std::map<std::string, model::Result> out;
    for (auto& r : engine::evaluate(bench, k3s_definitions().catalogue, facts, selection))
        out[r.id] = std::move(r);
    return out;
}

std::vector<std::string> refs(const model::Result& r) {
    std::vector<std::string> out;
    for (const auto& e : r.evidence) out.push_back(e.source + " " + e.ref + " " + e.value);
    return out;
}

bool has_ref(const model::Result& r, const std::string& text) {
    for (const auto& e : r.evidence) {
        if (e.ref == text) return true;
    }
    return false;
}

// A node whose process table cannot be read (a facts snapshot without processes).
class NoProcessTable : public host::FakeHost {
public:
    host::HostResult<std::vector<host::Process>> processes() const override {
        return util::unexpected(
            util::IoError{util::IoError::Kind::Denied, "/proc: Permission denied"});
    }
};

}  // namespace

TEST_SUITE("facts/distribution") {
    TEST_CASE("a k3s server is found with no flag: its defaults, with 'k3s default' as evidence") {
        auto results = scan_k3s(k3s_host());
        const auto& profiling = results.at("1.2.15");
        CHECK(profiling.status == Status::Pass);
        CHECK(has_ref(profiling, "k3s default"));
        CHECK(profiling.actual == "--profiling=false (k3s default)");
        CHECK(results.at("1.3.2").status == Status::Pass);  // controller-manager profiling
        CHECK(results.at("1.4.1").status == Status::Pass);  // scheduler profiling
    }

    TEST_CASE("profiling=true in config.yaml fails 1.2.15 with the file and line") {
        auto host = k3s_host();
        host.add_file("/etc/rancher/k3s/config.yaml",
                      "write-kubeconfig-mode: \"0600\"\nkube-apiserver-arg:\n  - profiling=true\n");
        auto results = scan_k3s(host);
        const auto& r = results.at("1.2.15");
        CHECK(r.status == Status::Fail);
        CHECK_MESSAGE(has_ref(r, "/etc/rancher/k3s/config.yaml:3"),
                      fmt::format("{}", fmt::join(refs(r), " | ")));
    }

    TEST_CASE("a drop-in replaces the list; the command line replaces both") {
        auto host = k3s_host();
        host.add_file("/etc/rancher/k3s/config.yaml", "kube-apiserver-arg: [profiling=true]\n");
        host.add_file("/etc/rancher/k3s/config.yaml.d/50-cis.yaml",
                      "kube-apiserver-arg:\n  - profiling=false\n");
        auto results = scan_k3s(host);
        CHECK(results.at("1.2.15").status == Status::Pass);
        CHECK(has_ref(results.at("1.2.15"), "/etc/rancher/k3s/config.yaml.d/50-cis.yaml:2"));

        auto cli =
            k3s_host({"/usr/local/bin/k3s", "server", "--kube-apiserver-arg=profiling=true"});
        cli.add_file("/etc/rancher/k3s/config.yaml", "kube-apiserver-arg: [profiling=false]\n");
        auto overridden = scan_k3s(cli);
        CHECK(overridden.at("1.2.15").status == Status::Fail);
        CHECK(has_ref(overridden.at("1.2.15"), "k3s server pid 812 command line"));
    }

    TEST_CASE("K3S_CONFIG_FILE moves the config file and its drop-in directory") {
        host::FakeHost host;
        host.add_process(812, {"/usr/local/bin/k3s", "server"}, "k3s-server",
                         {{"K3S_CONFIG_FILE", "/srv/k3s.yaml"}});
        host.add_file("/etc/rancher/k3s/config.yaml", "kube-apiserver-arg: [profiling=false]\n");
        host.add_file("/srv/k3s.yaml.d/a.yaml", "kube-apiserver-arg: [profiling=true]\n");
        auto results = scan_k3s(host);
        CHECK(results.at("1.2.15").status == Status::Fail);
        CHECK(has_ref(results.at("1.2.15"), "/srv/k3s.yaml.d/a.yaml:1"));
    }

    TEST_CASE("a config file that does not parse is an ERROR naming it, never a PASS") {
        auto host = k3s_host();
        host.add_file("/etc/rancher/k3s/config.yaml", "kube-apiserver-arg: [profiling=false\n");
        auto results = scan_k3s(host);
        const auto& r = results.at("1.2.15");
        CHECK(r.status == Status::Error);
        CHECK(r.reason.find("/etc/rancher/k3s/config.yaml:") != std::string::npos);
        CHECK(results.at("1.3.2").status == Status::Error);
    }

    TEST_CASE("SQLite or an external datastore: etcd's checks are NA with the reason") {
        auto results = scan_k3s(k3s_host());
        const auto& etcd = results.at("2.1");
        CHECK(etcd.status == Status::NA);
        CHECK(etcd.reason ==
              "k3s uses its SQLite datastore (/var/lib/rancher/k3s/server/db/state.db): no etcd");

        auto external = k3s_host();
        external.add_file("/etc/rancher/k3s/config.yaml",
                          "datastore-endpoint: postgres://k3s:secret@db:5432/k3s\n");
        auto ext = scan_k3s(external);
        CHECK(ext.at("2.1").reason ==
              "k3s uses the external datastore set by datastore-endpoint "
              "(/etc/rancher/k3s/config.yaml:1): no etcd");
    }

    TEST_CASE("embedded etcd is judged from its config file") {
        auto host = k3s_host();
        host.add_dir("/var/lib/rancher/k3s/server/db/etcd", 0700);
        host.add_file("/var/lib/rancher/k3s/server/db/etcd/config",
                      "client-transport-security:\n  client-cert-auth: true\n", 0600);
        auto results = scan_k3s(host);
        CHECK(results.at("2.2").status == Status::Pass);
        CHECK(has_ref(results.at("2.2"), "/var/lib/rancher/k3s/server/db/etcd/config:2"));
    }

    TEST_CASE("the API server's etcd client files are k3s defaults only with embedded etcd") {
        // 1.2.23 --etcd-certfile/--etcd-keyfile, 1.2.26 --etcd-cafile
        auto sqlite = scan_k3s(k3s_host());
        CHECK(sqlite.at("1.2.23").status == Status::Fail);
        CHECK(sqlite.at("1.2.26").status == Status::Fail);
        CHECK(sqlite.at("1.2.4").status == Status::Pass);  // always passed by k3s

        auto host = k3s_host();
        host.add_dir("/var/lib/rancher/k3s/server/db/etcd", 0700);
        auto etcd = scan_k3s(host);
        CHECK(etcd.at("1.2.23").status == Status::Pass);
        CHECK(etcd.at("1.2.26").status == Status::Pass);

        auto external = k3s_host();
        external.add_dir("/var/lib/rancher/k3s/server/db/etcd", 0700);
        external.add_file("/etc/rancher/k3s/config.yaml",
                          "datastore-endpoint: https://etcd:2379\n");
        CHECK(scan_k3s(external).at("1.2.26").status == Status::Fail);
    }

    TEST_CASE("without a process table the k3s server directory shows the server") {
        NoProcessTable host;
        host.add_dir("/var/lib/rancher/k3s/server/db", 0700);
        host.add_file("/var/lib/rancher/k3s/server/db/state.db", "", 0600);
        host.add_file("/etc/rancher/k3s/config.yaml", "kube-apiserver-arg: [profiling=true]\n");
        auto results = scan_k3s(host);
        const auto& r = results.at("1.2.15");
        CHECK(r.status == Status::Fail);
        CHECK(has_ref(r, "/etc/rancher/k3s/config.yaml:1"));
        CHECK(has_ref(r,
                      "kube-apiserver inside k3s server files in /var/lib/rancher/k3s/server (the "
                      "process table could not be read)"));

        NoProcessTable bare;  // no k3s files: nothing is made up
        CHECK(scan_k3s(bare).at("1.2.15").status == Status::NA);
    }

    TEST_CASE("components inside k3s are 'process' evidence, with the distribution named") {
        host::FakeHost host = k3s_host();
        const auto& bench = k3s_definitions().benchmarks.at("cis-1.12");
        auto facts = facts::collect(host, k3s_definitions().catalogue,
                                    engine::selected_checks(bench, {{"master"}, {}, {}}));
        const auto& api = facts.components.at("apiserver");
        CHECK(api.present);
        CHECK(api.source == "process");
        CHECK(api.distribution == "k3s");
        CHECK(api.pid == 812);
        CHECK(facts.components.at("etcd").absent_reason ==
              "k3s uses its SQLite datastore (/var/lib/rancher/k3s/server/db/state.db): no etcd");
    }

    TEST_CASE("RKE2: the static pod's flag is judged; its config line is shown beside it") {
        host::FakeHost host;
        host.add_process(700, {"/usr/local/bin/rke2", "server"}, "rke2");
        host.add_process(1502, {"kube-apiserver", "--profiling=false", "--secure-port=6443"});
        host.add_file("/etc/rancher/rke2/config.yaml",
                      "profile: cis\nkube-apiserver-arg:\n  - profiling=true\n");
        auto results = scan_k3s(host);
        const auto& r = results.at("1.2.15");
        CHECK(r.status == Status::Pass);  // the process runs with --profiling=false
        CHECK(refs(r) ==
              std::vector<std::string>{"discovery kube-apiserver pid 1502 component apiserver",
                                       "process kube-apiserver pid 1502 --profiling=false",
                                       "config /etc/rancher/rke2/config.yaml:3 --profiling=true"});
    }
}
