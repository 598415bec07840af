#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "facts/collector.hpp"
#include "host/fake_host.hpp"

using namespace kubeproof;
using engine::NodeFacts;
using engine::TreeFact;
using facts::WalkLimits;

namespace {

// The PKI directory of a kubeadm node: two files, and etcd/ with one more.
host::FakeHost pki_host() {
    host::FakeHost host;
    host.add_file("/etc/kubernetes/pki/ca.crt", "crt", 0644);
    host.add_file("/etc/kubernetes/pki/ca.key", "key", 0600);
    host.add_file("/etc/kubernetes/pki/etcd/ca.key", "key", 0600);
    return host;
}

const TreeFact& walk(const host::Host& host, NodeFacts& facts, const std::string& root,
                     const WalkLimits& limits = {}) {
    facts::gather_tree(host, root, facts, limits);
    return facts.trees.at(root);
}

std::vector<std::string> described(const TreeFact& tree) {
    std::vector<std::string> out;
    for (const auto& u : tree.unlisted) out.push_back(u.dir + ": " + u.reason);
    return out;
}

}  // namespace

TEST_SUITE("facts/collector") {
    TEST_CASE(
        "a complete walk lists the root first, then every entry below it, and nothing unlisted") {
        auto host = pki_host();
        NodeFacts facts;
        const auto& tree = walk(host, facts, "/etc/kubernetes/pki");
        CHECK(tree.entries ==
              std::vector<std::string>{"/etc/kubernetes/pki", "/etc/kubernetes/pki/ca.crt",
                                       "/etc/kubernetes/pki/ca.key", "/etc/kubernetes/pki/etcd",
                                       "/etc/kubernetes/pki/etcd/ca.key"});
        CHECK(tree.unlisted.empty());
        CHECK(facts.files.at("/etc/kubernetes/pki/etcd/ca.key").info.mode == 0600);
    }

    TEST_CASE("a subdirectory that cannot be listed is recorded with the host's reason") {
        auto host = pki_host();
        host.add_dir("/etc/kubernetes/pki/hidden", 0700);
        host.add_file("/etc/kubernetes/pki/hidden/leaked.key", "key", 0666, 1000, 1000);
        host.deny_listing("/etc/kubernetes/pki/hidden");
        NodeFacts facts;
        const auto& tree = walk(host, facts, "/etc/kubernetes/pki");
        CHECK(described(tree) ==
              std::vector<std::string>{"/etc/kubernetes/pki/hidden: Permission denied"});
        CHECK(tree.entries.size() == 6);  // hidden/ itself is seen, leaked.key is not
        CHECK(facts.files.count("/etc/kubernetes/pki/hidden/leaked.key") == 0);
    }

    TEST_CASE("an unreadable top directory is unlisted; a missing one is simply absent") {
        auto host = pki_host();
        host.deny_listing("/etc/kubernetes/pki");
        NodeFacts facts;
        const auto& tree = walk(host, facts, "/etc/kubernetes/pki");
        CHECK(tree.entries == std::vector<std::string>{"/etc/kubernetes/pki"});
        CHECK(described(tree) ==
              std::vector<std::string>{"/etc/kubernetes/pki: Permission denied"});

        host.deny("/etc/cni");  // the parent cannot be searched: the root itself cannot be examined
        const auto& cni = walk(host, facts, "/etc/cni/net.d");
        CHECK(cni.entries == std::vector<std::string>{"/etc/cni/net.d"});
        CHECK(described(cni) == std::vector<std::string>{"/etc/cni/net.d: Permission denied"});

        const auto& missing = walk(host, facts, "/var/lib/cni/networks");
        CHECK(missing.entries.empty());
        CHECK(missing.unlisted.empty());
    }

    TEST_CASE("an entry that cannot be examined may hide a directory: it is unlisted too") {
        auto host = pki_host();
        host.add_symlink("/etc/kubernetes/pki/external", "/srv/secret/pki");
        host.add_file("/srv/secret/pki/other.key", "key", 0666);
        host.deny("/srv/secret");  // the link's target cannot be reached
        NodeFacts facts;
        const auto& tree = walk(host, facts, "/etc/kubernetes/pki");
        CHECK(described(tree) ==
              std::vector<std::string>{"/etc/kubernetes/pki/external: Permission denied"});
    }

    TEST_CASE("the entry limit stops the walk and says where") {
        auto host = pki_host();
        NodeFacts facts;
        const auto& tree = walk(host, facts, "/etc/kubernetes/pki", WalkLimits{3, 16});
        CHECK(tree.entries.size() == 4);  // the root and three entries
        CHECK(described(tree) ==
              std::vector<std::string>{"/etc/kubernetes/pki/etcd: more than 3 entries"});

        NodeFacts exact;
        CHECK(walk(host, exact, "/etc/kubernetes/pki", WalkLimits{4, 16})
                  .unlisted.empty());  // exactly at the limit
    }

    TEST_CASE("the depth limit leaves deeper directories unlisted, and says which") {
        host::FakeHost host;
        host.add_file("/r/a/b/c/deep.key", "key", 0600);
        host.add_file("/r/x.key", "key", 0600);
        NodeFacts facts;
        const auto& tree = walk(host, facts, "/r", WalkLimits{20000, 1});
        CHECK(tree.entries == std::vector<std::string>{"/r", "/r/a", "/r/a/b", "/r/x.key"});
        CHECK(described(tree) == std::vector<std::string>{"/r/a/b: deeper than 1 levels"});
        NodeFacts deep_enough;
        CHECK(walk(host, deep_enough, "/r", WalkLimits{20000, 3})
                  .unlisted.empty());  // /r/a/b/c is 3 levels down
    }

    TEST_CASE("a symlink back up the tree is an entry, not a loop to walk until a limit") {
        auto host = pki_host();
        host.add_symlink("/etc/kubernetes/pki/etcd/up", "..");
        host.add_symlink("/etc/kubernetes/pki/linked", "/srv/more");
        host.add_file("/srv/more/extra.key", "key", 0644);
        NodeFacts facts;
        const auto& tree = walk(host, facts, "/etc/kubernetes/pki");
        CHECK(tree.unlisted.empty());
        CHECK(tree.entries ==
              std::vector<std::string>{"/etc/kubernetes/pki", "/etc/kubernetes/pki/ca.crt",
                                       "/etc/kubernetes/pki/ca.key", "/etc/kubernetes/pki/etcd",
                                       "/etc/kubernetes/pki/etcd/ca.key",
                                       "/etc/kubernetes/pki/etcd/up", "/etc/kubernetes/pki/linked",
                                       "/etc/kubernetes/pki/linked/extra.key"});
    }
}
