#include <doctest/doctest.h>

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <vector>

#include "host/real_host.hpp"
#include "host/resolve.hpp"
#include "host_tree_fixture.hpp"

using kubeproof::host::FileInfo;
using kubeproof::host::Host;
using kubeproof::host::HostError;
using kubeproof::host::make_real_host;
using kubeproof::host::resolve_in_root;
using kubeproof::test::TempRoot;
using namespace std::string_literals;

namespace {

// A small control-plane-like node tree.
void build_node(TempRoot& root) {
    root.add_file(
        "/etc/passwd",
        "root:x:0:0:root:/root:/bin/bash\netcd:x:998:997::/var/lib/etcd:/usr/sbin/nologin\n");
    root.add_file("/etc/group", "root:x:0:\netcd:x:997:\n");
    root.add_file("/etc/hostname", "node-1\nignored\n");
    root.add_file("/etc/shadow", "fixture shadow\n", 0640, 0, 42);
    root.add_dir("/etc/kubernetes/manifests", 0700);
    root.add_file("/etc/kubernetes/admin.conf", "kind: Config\n", 0600);
    root.add_file("/etc/kubernetes/manifests/etcd.yaml", "etcd manifest\n", 0644, 998, 997);
    root.add_dir("/var/lib/etcd", 0700, 998, 997);
    root.add_symlink("/etc/kubernetes/rel-link", "admin.conf");
    root.add_symlink("/etc/kubernetes/abs-link", "/etc/passwd");
    root.add_symlink("/etc/kubernetes/escape", "../../../../etc/shadow");
    root.add_symlink("/etc/kubernetes/escape-missing", "../../../../../no/such/file");
    root.add_symlink("/etc/k8s", "kubernetes");
    root.add_symlink("/data", "/var/lib");
    root.add_symlink("/loop-a", "loop-b");
    root.add_symlink("/loop-b", "/loop-a");
    root.add_symlink("/broken", "/nowhere");
}

// The real host over a freshly built node tree.
struct NodeFixture {
    TempRoot root;
    std::unique_ptr<Host> host;
    NodeFixture() {
        build_node(root);
        host = make_real_host(root.path(), "");
    }
};

std::vector<std::string> names_of(const std::vector<kubeproof::host::DirEntry>& entries) {
    std::vector<std::string> names;
    names.reserve(entries.size());
    for (const auto& entry : entries) names.push_back(entry.name + (entry.is_dir ? "/" : ""));
    return names;
}

}  // namespace

TEST_SUITE("host/real_host") {
    TEST_CASE("stat reports mode, owner, size and type of the final target") {
        NodeFixture node;
        const auto admin = node.host->stat("/etc/kubernetes/admin.conf");
        REQUIRE(admin);
        CHECK(admin->type == FileInfo::Type::Regular);
        CHECK(admin->mode == 0600);
        CHECK(admin->uid == 0);
        CHECK(admin->size == 13);
        CHECK(admin->resolved == "/etc/kubernetes/admin.conf");

        const auto etcd = node.host->stat("/var/lib/etcd");
        REQUIRE(etcd);
        CHECK(etcd->type == FileInfo::Type::Directory);
        CHECK(etcd->mode == 0700);
        CHECK(etcd->uid == 998);
        CHECK(etcd->gid == 997);

        const auto shadow = node.host->stat("/etc/shadow");
        REQUIRE(shadow);
        CHECK(shadow->mode == 0640);
        CHECK(shadow->gid == 42);
    }

    TEST_CASE("owner names come from the root's passwd and group files") {
        NodeFixture node;
        CHECK(node.host->user_name(998) == "etcd");
        CHECK(node.host->group_name(997) == "etcd");
        CHECK(node.host->user_name(0) == "root");
        CHECK(node.host->user_name(4242) == std::nullopt);
        CHECK(node.host->group_name(4242) == std::nullopt);

        TempRoot bare;
        const auto host = make_real_host(bare.path(), "");
        CHECK(host->user_name(0) == "root");
        CHECK(host->group_name(0) == "root");
        CHECK(host->user_name(998) == std::nullopt);
    }

    TEST_CASE("symlinks resolve inside the root") {
        NodeFixture node;
        SUBCASE("relative link") {
            CHECK(node.host->read_file("/etc/kubernetes/rel-link").value() == "kind: Config\n");
            CHECK(node.host->stat("/etc/kubernetes/rel-link")->resolved ==
                  "/etc/kubernetes/admin.conf");
            CHECK(node.host->stat("/etc/kubernetes/rel-link")->mode == 0600);
        }
        SUBCASE("absolute link restarts at the root, not at the host's /") {
            const auto text = node.host->read_file("/etc/kubernetes/abs-link");
            REQUIRE(text);
            CHECK(text->find("etcd:x:998") != std::string::npos);
            CHECK(node.host->stat("/etc/kubernetes/abs-link")->resolved == "/etc/passwd");
        }
        SUBCASE("../ in a link never climbs above the root") {
            CHECK(node.host->read_file("/etc/kubernetes/escape").value() == "fixture shadow\n");
            CHECK(node.host->stat("/etc/kubernetes/escape")->resolved == "/etc/shadow");
            const auto missing = node.host->read_file("/etc/kubernetes/escape-missing");
            REQUIRE_FALSE(missing);
            CHECK(missing.error().kind == HostError::Kind::NotFound);
        }
        SUBCASE("../ in the path never climbs above the root") {
            CHECK(node.host->read_file("/../../../etc/hostname").value() == "node-1\nignored\n");
            CHECK(node.host->stat("/etc/../../..")->resolved == "/");
        }
        SUBCASE("a symlinked directory in the middle of a path") {
            CHECK(node.host->read_file("/etc/k8s/admin.conf").value() == "kind: Config\n");
            CHECK(node.host->stat("/etc/k8s/manifests/etcd.yaml")->resolved ==
                  "/etc/kubernetes/manifests/etcd.yaml");
            CHECK(node.host->stat("/data/etcd")->uid == 998);
            CHECK(node.host->stat("/data/etcd")->resolved == "/var/lib/etcd");
            CHECK(node.host->stat("/etc/k8s/../passwd")->resolved == "/etc/passwd");
        }
        SUBCASE("a link loop is an error") {
            const auto looped = node.host->stat("/loop-a");
            REQUIRE_FALSE(looped);
            CHECK(looped.error().kind == HostError::Kind::Invalid);
            CHECK(looped.error().message == "/loop-a: too many levels of symbolic links");
        }
    }

    TEST_CASE("resolve_in_root returns the in-root path") {
        NodeFixture node;
        CHECK(resolve_in_root(node.root.path(), "/etc/k8s/rel-link").value() ==
              "/etc/kubernetes/admin.conf");
        CHECK(resolve_in_root(node.root.path(), "etc//./k8s/").value() == "/etc/kubernetes");
        CHECK(resolve_in_root(node.root.path(), "/").value() == "/");
        CHECK(resolve_in_root(node.root.path() + "/", "/data").value() == "/var/lib");
        CHECK(resolve_in_root(node.root.path(), "/broken").error().kind ==
              HostError::Kind::NotFound);
    }

    TEST_CASE("resolve_in_root agrees with the kernel's openat2(RESOLVE_IN_ROOT)") {
        NodeFixture node;
        node.root.add_symlink("/self-loop", "self-loop");
        node.root.add_symlink("/dir-slash", "/var/lib/etcd/");
        const int root_fd = ::open(node.root.path().c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
        REQUIRE(root_fd >= 0);
        kubeproof::host::LookupCache cache;
        for (const std::string path :
             {"/", "/etc/k8s/rel-link", "/etc/kubernetes/abs-link", "/etc/kubernetes/escape",
              "/etc/kubernetes/escape-missing", "/etc/k8s/../passwd", "/data/etcd/..",
              "/../../etc/shadow", "etc//./k8s/", "/loop-a", "/self-loop", "/broken",
              "/etc/passwd/x", "/etc/passwd/", "/etc/passwd/..", "/dir-slash", "/dir-slash/.."}) {
            std::string ours;
            const auto resolved = resolve_in_root(node.root.path(), path);
            ours = resolved ? "ok " + *resolved : "error " + resolved.error().message;
            // The same through a cache shared by every path, twice: what was looked up before
            // answers as the file system did.
            for (int pass = 0; pass < 2; ++pass) {
                const auto cached =
                    resolve_in_root(node.root.path(), path, kubeproof::host::Escape::Clamp, &cache);
                CHECK((cached ? "ok " + *cached : "error " + cached.error().message) == ours);
            }
            open_how how{};
            how.flags = O_PATH | O_CLOEXEC;
            how.resolve = RESOLVE_IN_ROOT;
            const int fd =
                static_cast<int>(::syscall(SYS_openat2, root_fd, path.c_str(), &how, sizeof how));
            if (fd < 0 && errno == ENOSYS) {
                MESSAGE("openat2 is not available on this kernel");
                break;
            }
            std::string kernel;
            if (fd < 0) {
                kernel = "error " + kubeproof::host::error_from_errno(path, errno).message;
            } else {
                const auto where =
                    std::filesystem::read_symlink("/proc/self/fd/" + std::to_string(fd)).string();
                ::close(fd);
                const std::string in_root = where.substr(node.root.path().size());
                kernel = "ok " + (in_root.empty() ? "/" : in_root);
            }
            CHECK(ours == kernel);
        }
        ::close(root_fd);
    }

    TEST_CASE("with a cache, each component is looked up once") {
        NodeFixture node;
        kubeproof::host::LookupCache cache;
        const auto first = resolve_in_root(node.root.path(), "/etc/k8s/rel-link",
                                           kubeproof::host::Escape::Clamp, &cache);
        REQUIRE(first);
        // etc, etc/k8s, etc/kubernetes, etc/kubernetes/rel-link, etc/kubernetes/admin.conf
        CHECK(cache.size() == 5);
        CHECK(cache.count(node.root.path() + "/etc/k8s") == 1);
        // What the cache holds answers: a later change to the tree is not seen by this scan.
        ::unlink((node.root.path() + "/etc/kubernetes/admin.conf").c_str());
        CHECK(resolve_in_root(node.root.path(), "/etc/k8s/rel-link", kubeproof::host::Escape::Clamp,
                              &cache)
                  .value() == "/etc/kubernetes/admin.conf");
        CHECK(cache.size() == 5);
        CHECK(resolve_in_root(node.root.path(), "/etc/k8s/rel-link").error().kind ==
              HostError::Kind::NotFound);
    }

    TEST_CASE("a host is one scan's view: what it has looked up, it does not look up again") {
        NodeFixture node;
        const auto before = node.host->stat("/etc/k8s/admin.conf");
        REQUIRE(before);
        CHECK(before->mode == 0600);
        REQUIRE(::chmod((node.root.path() + "/etc/kubernetes/admin.conf").c_str(), 0644) == 0);
        CHECK(node.host->stat("/etc/kubernetes/admin.conf")->mode == 0600);
        CHECK(node.host->stat("/etc/k8s/rel-link")->mode == 0600);
        CHECK(make_real_host(node.root.path(), "")->stat("/etc/kubernetes/admin.conf")->mode ==
              0644);
        // list_dir's is_dir for a symlinked entry comes from the same lookups
        const auto entries = node.host->list_dir("/etc");
        REQUIRE(entries);
        bool k8s_is_dir = false;
        for (const auto& entry : *entries) {
            if (entry.name == "k8s") k8s_is_dir = entry.is_dir;
        }
        CHECK(k8s_is_dir);
    }

    TEST_CASE("errors name the in-root path, never the host path") {
        NodeFixture node;
        const auto missing = node.host->read_file("/etc/kubernetes/missing.conf");
        REQUIRE_FALSE(missing);
        CHECK(missing.error().kind == HostError::Kind::NotFound);
        CHECK(missing.error().message == "/etc/kubernetes/missing.conf: No such file or directory");

        const auto through_file = node.host->stat("/etc/passwd/x");
        REQUIRE_FALSE(through_file);
        CHECK(through_file.error().kind == HostError::Kind::NotFound);
        CHECK(through_file.error().message == "/etc/passwd/x: Not a directory");

        const auto dir = node.host->read_file("/etc/k8s");
        REQUIRE_FALSE(dir);
        CHECK(dir.error().kind == HostError::Kind::Invalid);
        CHECK(dir.error().message == "/etc/k8s: Is a directory");

        const auto listed_file = node.host->list_dir("/etc/passwd");
        REQUIRE_FALSE(listed_file);
        CHECK(listed_file.error().message == "/etc/passwd: Not a directory");

        CHECK(node.host->stat("/etc/passwd/").error().message == "/etc/passwd/: Not a directory");
        CHECK(node.host->stat("").error().kind == HostError::Kind::NotFound);
        CHECK(node.host->stat("/etc\0x"s).error().kind == HostError::Kind::Invalid);
    }

    TEST_CASE("files over 16 MiB are refused") {
        TempRoot root;
        root.add_file("/big", "");
        root.add_file("/limit", "");
        REQUIRE(::truncate(root.host("/big").c_str(), (16 << 20) + 1) == 0);
        REQUIRE(::truncate(root.host("/limit").c_str(), 16 << 20) == 0);
        const auto host = make_real_host(root.path(), "");
        const auto big = host->read_file("/big");
        REQUIRE_FALSE(big);
        CHECK(big.error().kind == HostError::Kind::Invalid);
        CHECK(big.error().message == "/big: file too large");
        CHECK(host->read_file("/limit")->size() == size_t{16} << 20);
    }

    TEST_CASE("permission denied for an unprivileged reader") {
        NodeFixture node;
        int pipe_fds[2];
        REQUIRE(::pipe(pipe_fds) == 0);
        const pid_t child = ::fork();
        REQUIRE(child >= 0);
        if (child == 0) {
            std::string report = "no-setuid";
            if (::setgid(65534) == 0 && ::setuid(65534) == 0) {
                const auto host = make_real_host(node.root.path(), "");
                const auto file = host->read_file("/etc/k8s/admin.conf");
                const auto traversal = host->stat("/etc/kubernetes/manifests/etcd.yaml");
                const auto listing = host->list_dir("/etc/kubernetes/manifests");
                const auto dir = host->stat("/etc/kubernetes/manifests");
                report =
                    (file ? "read" : file.error().message) + "|" +
                    (traversal ? "stat" : traversal.error().message) + "|" +
                    std::to_string(!file && file.error().kind == HostError::Kind::Denied) + "|" +
                    (listing ? "listed" : listing.error().message) + "|" +
                    std::to_string(!listing && listing.error().kind == HostError::Kind::Denied) +
                    "|" + (dir ? "dir stat" : dir.error().message);
            }
            (void)!::write(pipe_fds[1], report.data(), report.size());
            ::_exit(0);
        }
        ::close(pipe_fds[1]);
        std::string report;
        char buffer[512];
        for (ssize_t n; (n = ::read(pipe_fds[0], buffer, sizeof buffer)) > 0;)
            report.append(buffer, n);
        ::close(pipe_fds[0]);
        ::waitpid(child, nullptr, 0);
        if (report == "no-setuid") {
            MESSAGE("cannot drop privileges here; Denied is covered by host/fake_host");
            return;
        }
        // A 0700 directory of someone else's: it can be stat'ed, not listed (as
        // FakeHost::deny_listing).
        CHECK(report ==
              "/etc/k8s/admin.conf: Permission denied|"
              "/etc/kubernetes/manifests/etcd.yaml: Permission denied|1|"
              "/etc/kubernetes/manifests: Permission denied|1|dir stat");
    }

    TEST_CASE("list_dir is sorted, without . and .., and follows symlinks for is_dir") {
        NodeFixture node;
        const auto root = node.host->list_dir("/");
        REQUIRE(root);
        CHECK(names_of(*root) ==
              std::vector<std::string>{"broken", "data/", "etc/", "loop-a", "loop-b", "var/"});
        const auto k8s = node.host->list_dir("/etc/k8s");
        REQUIRE(k8s);
        CHECK(names_of(*k8s) == std::vector<std::string>{"abs-link", "admin.conf", "escape",
                                                         "escape-missing", "manifests/",
                                                         "rel-link"});
    }

    TEST_CASE("hostname from etc/hostname, else empty for a non-/ root") {
        NodeFixture node;
        CHECK(node.host->hostname() == "node-1");
        TempRoot bare;
        CHECK(make_real_host(bare.path(), "")->hostname() == "");
        CHECK_FALSE(make_real_host("", "")->hostname().empty());
        CHECK(make_real_host("", "")->stat("/")->type == FileInfo::Type::Directory);
    }
}
