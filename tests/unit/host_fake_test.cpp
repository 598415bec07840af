#include <doctest/doctest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "host/fake_host.hpp"
#include "host/real_host.hpp"
#include "host_tree_fixture.hpp"

using kubeproof::host::FakeHost;
using kubeproof::host::FileInfo;
using kubeproof::host::Host;
using kubeproof::host::HostError;
using kubeproof::test::TempRoot;

namespace {

// One tree description for both a TempRoot and a FakeHost.
template <typename Tree>
void build_node(Tree& tree) {
    tree.add_file("/etc/passwd", "root:x:0:0::/root:/bin/sh\netcd:x:998:997::/:/sbin/nologin\n");
    tree.add_file("/etc/group", "root:x:0:\netcd:x:997:\n");
    tree.add_file("/etc/shadow", "fixture shadow\n", 0640, 0, 42);
    tree.add_dir("/etc/kubernetes/manifests", 0700);
    tree.add_file("/etc/kubernetes/admin.conf", "kind: Config\n", 0600);
    tree.add_file("/etc/kubernetes/manifests/etcd.yaml", "etcd\n", 0644, 998, 997);
    tree.add_dir("/var/lib/etcd", 0700, 998, 997);
    tree.add_symlink("/etc/kubernetes/rel-link", "admin.conf");
    tree.add_symlink("/etc/kubernetes/abs-link", "/etc/passwd");
    tree.add_symlink("/etc/kubernetes/escape", "../../../../etc/shadow");
    tree.add_symlink("/etc/kubernetes/escape-missing", "../../../../../no/such/file");
    tree.add_symlink("/etc/k8s", "kubernetes");
    tree.add_symlink("/data", "/var/lib");
    tree.add_symlink("/loop-a", "loop-b");
    tree.add_symlink("/loop-b", "/loop-a");
    tree.add_symlink("/self-loop", "self-loop");
    tree.add_symlink("/broken", "/nowhere");
    tree.add_symlink("/empty-dir-link", "/var/lib/etcd/");
}

const std::vector<std::string> k_probe_paths = {
    "/",
    "/etc",
    "/etc/passwd",
    "/etc/kubernetes/admin.conf",
    "/etc/kubernetes/rel-link",
    "/etc/kubernetes/abs-link",
    "/etc/kubernetes/escape",
    "/etc/kubernetes/escape-missing",
    "/etc/k8s",
    "/etc/k8s/",
    "/etc/k8s/manifests/etcd.yaml",
    "/etc/k8s/../shadow",
    "/data/etcd",
    "/../../etc/passwd",
    "/loop-a",
    "/self-loop",
    "/broken",
    "/missing",
    "/etc/passwd/x",
    "/etc/passwd/",
    "/etc/passwd/..",
    "etc/./passwd",
    "",
    "/empty-dir-link",
    "/empty-dir-link/..",
};

std::string describe_error(const HostError& error) {
    return "error " + std::to_string(static_cast<int>(error.kind)) + " " + error.message;
}

// One line per call so that a mismatch shows which path differs and how.
std::string describe(const Host& host, const std::string& path) {
    std::string out = path + ": ";
    if (const auto info = host.stat(path)) {
        out += "stat " + std::to_string(static_cast<int>(info->type)) + " " +
               std::to_string(info->mode) + " " + std::to_string(info->uid) + ":" +
               std::to_string(info->gid) + " " + info->resolved;
        if (info->type == FileInfo::Type::Regular) out += " size " + std::to_string(info->size);
    } else {
        out += describe_error(info.error());
    }
    const auto text = host.read_file(path);
    out += text ? " | read " + *text : " | " + describe_error(text.error());
    out += " | list";
    if (const auto entries = host.list_dir(path)) {
        for (const auto& entry : *entries) out += " " + entry.name + (entry.is_dir ? "/" : "");
    } else {
        out += " " + describe_error(entries.error());
    }
    return out;
}

FakeHost node_host() {
    FakeHost host;
    build_node(host);
    return host;
}

}  // namespace

TEST_SUITE("host/fake_host") {
    TEST_CASE("behaves like the real host for the same tree") {
        TempRoot root;
        build_node(root);
        const auto real = kubeproof::host::make_real_host(root.path(), "");
        const FakeHost fake = node_host();
        for (const auto& path : k_probe_paths) CHECK(describe(fake, path) == describe(*real, path));
        for (uint32_t id : {0u, 42u, 997u, 998u, 4242u}) {
            CHECK(fake.user_name(id) == real->user_name(id));
            CHECK(fake.group_name(id) == real->group_name(id));
        }
        CHECK(fake.hostname() == real->hostname());
        CHECK(fake.environ(7).error().message == real->environ(7).error().message);
    }

    TEST_CASE("stat reports what was added; parents are implied 0755 root") {
        const FakeHost host = node_host();
        const auto admin = host.stat("/etc/k8s/rel-link");
        REQUIRE(admin);
        CHECK(admin->mode == 0600);
        CHECK(admin->size == 13);
        CHECK(admin->resolved == "/etc/kubernetes/admin.conf");
        const auto etcd = host.stat("/data/etcd");
        REQUIRE(etcd);
        CHECK(etcd->type == FileInfo::Type::Directory);
        CHECK(etcd->uid == 998);
        const auto var = host.stat("/var");
        REQUIRE(var);
        CHECK(var->mode == 0755);
        CHECK(var->uid == 0);
    }

    TEST_CASE("symlink escapes stay inside the tree; loops are errors") {
        const FakeHost host = node_host();
        CHECK(host.read_file("/etc/kubernetes/escape").value() == "fixture shadow\n");
        CHECK(host.read_file("/etc/kubernetes/escape-missing").error().kind ==
              HostError::Kind::NotFound);
        CHECK(host.read_file("/etc/kubernetes/abs-link")->find("etcd:x:998") != std::string::npos);
        const auto looped = host.read_file("/loop-a");
        REQUIRE_FALSE(looped);
        CHECK(looped.error().kind == HostError::Kind::Invalid);
        CHECK(looped.error().message == "/loop-a: too many levels of symbolic links");
    }

    TEST_CASE("deny makes reads, stats, listings and traversal Denied") {
        FakeHost host = node_host();
        host.deny("/etc/kubernetes/admin.conf");
        host.deny("/var/lib/etcd");
        const auto read = host.read_file("/etc/k8s/rel-link");
        REQUIRE_FALSE(read);
        CHECK(read.error().kind == HostError::Kind::Denied);
        CHECK(read.error().message == "/etc/k8s/rel-link: Permission denied");
        CHECK(host.stat("/etc/kubernetes/admin.conf").error().kind == HostError::Kind::Denied);
        CHECK(host.list_dir("/data/etcd").error().message == "/data/etcd: Permission denied");
        host.add_file("/var/lib/etcd/member/snap/db", "x");
        CHECK(host.stat("/var/lib/etcd/member/snap/db").error().kind == HostError::Kind::Denied);
        CHECK(host.stat("/etc/kubernetes/manifests/etcd.yaml"));
        host.deny("/");
        CHECK(host.stat("/").error().kind == HostError::Kind::Denied);
    }

    TEST_CASE("deny_listing: the directory can be stat'ed, but not listed or passed through") {
        FakeHost host = node_host();
        host.deny_listing("/var/lib/etcd");
        host.add_file("/var/lib/etcd/member/snap/db", "x");
        const auto dir = host.stat("/data/etcd");
        REQUIRE(dir);
        CHECK(dir->mode == 0700);
        const auto listing = host.list_dir("/data/etcd");
        REQUIRE_FALSE(listing);
        CHECK(listing.error().kind == HostError::Kind::Denied);
        CHECK(listing.error().message == "/data/etcd: Permission denied");
        CHECK(host.stat("/var/lib/etcd/member").error().message ==
              "/var/lib/etcd/member: Permission denied");
        CHECK(host.read_file("/var/lib/etcd/member/snap/db").error().kind ==
              HostError::Kind::Denied);
        CHECK(host.list_dir("/var/lib"));
        CHECK(host.stat("/var/lib/etcd-other").error().kind == HostError::Kind::NotFound);
    }

    TEST_CASE("list_dir is sorted and follows symlinks for is_dir") {
        FakeHost host;
        host.add_file("/d/b-x", "");
        host.add_file("/d/b/c", "");
        host.add_file("/d/a", "");
        host.add_symlink("/d/link-dir", "/d/b");
        host.add_symlink("/d/link-broken", "nowhere");
        const auto entries = host.list_dir("/d");
        REQUIRE(entries);
        std::vector<std::string> names;
        for (const auto& entry : *entries) names.push_back(entry.name + (entry.is_dir ? "/" : ""));
        CHECK(names == std::vector<std::string>{"a", "b/", "b-x", "link-broken", "link-dir/"});
    }

    TEST_CASE("processes are sorted by pid; kernel threads are skipped") {
        FakeHost host;
        host.add_process(100, {"kube-apiserver", "--profiling=false"}, "kube-apiserver",
                         {{"HOME", "/root"}});
        host.add_process(2, {}, "kthreadd");
        host.add_process(1, {"/sbin/init"}, "systemd");
        const auto processes = host.processes();
        REQUIRE(processes);
        REQUIRE(processes->size() == 2);
        CHECK((*processes)[0].pid == 1);
        CHECK((*processes)[0].comm == "systemd");
        CHECK((*processes)[1].argv ==
              std::vector<std::string>{"kube-apiserver", "--profiling=false"});
        CHECK(host.environ(100).value() == std::map<std::string, std::string>{{"HOME", "/root"}});
        CHECK(host.environ(5).error().message == "/proc/5/environ: No such file or directory");
        CHECK(host.environ(5).error().kind == HostError::Kind::NotFound);
    }

    TEST_CASE("names and hostname come from the tree's etc files") {
        FakeHost host;
        CHECK(host.user_name(0) == "root");
        CHECK(host.group_name(0) == "root");
        CHECK(host.user_name(998) == std::nullopt);
        CHECK(host.hostname() == "");
        host.set_passwd("etcd:x:998:997::/:/sbin/nologin\n");
        host.set_group("etcd:x:997:\n");
        host.set_hostname("node-1");
        CHECK(host.user_name(998) == "etcd");
        CHECK(host.group_name(997) == "etcd");
        CHECK(host.hostname() == "node-1");
        CHECK(host.read_file("/etc/hostname").value() == "node-1\n");
    }

    TEST_CASE("accessed records every path read, stat'ed or listed, and nothing else") {
        FakeHost host = node_host();
        (void)host.stat("/etc/k8s/admin.conf");
        (void)host.read_file("/missing");
        (void)host.list_dir("/etc");
        (void)host.user_name(998);
        (void)host.hostname();
        CHECK(host.accessed() ==
              std::vector<std::string>{"/etc/k8s/admin.conf", "/missing", "/etc"});
    }

    TEST_CASE("a broken setup throws") {
        FakeHost host;
        host.add_file("/etc/passwd", "");
        CHECK_THROWS_AS(host.add_file("/etc/passwd/x", ""), std::invalid_argument);
        CHECK_THROWS_AS(host.add_file("/", ""), std::invalid_argument);
    }
}
