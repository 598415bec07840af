#include <doctest/doctest.h>

#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "host/real_host.hpp"
#include "host_tree_fixture.hpp"

using kubeproof::host::HostError;
using kubeproof::host::make_real_host;
using kubeproof::test::TempRoot;
using namespace std::string_literals;

namespace {

// A fake /proc: init, a kernel thread, an apiserver, a process that rewrote its cmdline, one
// that vanished (no cmdline) and non-numeric entries.
void build_proc(TempRoot& root, std::string_view proc) {
    const std::string dir(proc);
    root.add_file(dir + "/1/cmdline", "/sbin/init\0splash\0"s);
    root.add_file(dir + "/1/comm", "systemd\n");
    root.add_file(dir + "/2/cmdline", "");
    root.add_file(dir + "/2/comm", "kthreadd\n");
    root.add_file(dir + "/100/cmdline",
                  "kube-apiserver\0--profiling=false\0--etcd-servers=https://127.0.0.1:2379\0"s);
    root.add_file(dir + "/100/comm", "kube-apiserver\n");
    root.add_file(dir + "/100/environ", "HOME=/root\0TOKEN=a=b\0NOEQ\0=x\0\0HOME=/other\0"s);
    root.add_file(dir + "/20/cmdline", "nginx: master process");
    root.add_dir(dir + "/30");
    root.add_dir(dir + "/acpi");
    root.add_file(dir + "/uptime", "1.0 2.0\n");
    root.add_symlink(dir + "/self", "100");
}

}  // namespace

TEST_SUITE("host/real_host") {
    TEST_CASE("processes from a fake proc dir under the root") {
        TempRoot root;
        build_proc(root, "/proc");
        const auto host = make_real_host(root.path(), "");
        const auto processes = host->processes();
        REQUIRE(processes);
        REQUIRE(processes->size() == 3);
        CHECK((*processes)[0].pid == 1);
        CHECK((*processes)[0].argv == std::vector<std::string>{"/sbin/init", "splash"});
        CHECK((*processes)[0].comm == "systemd");
        CHECK((*processes)[1].pid == 20);
        CHECK((*processes)[1].argv == std::vector<std::string>{"nginx: master process"});
        CHECK((*processes)[1].comm == "");
        CHECK((*processes)[2].pid == 100);
        CHECK((*processes)[2].argv ==
              std::vector<std::string>{"kube-apiserver", "--profiling=false",
                                       "--etcd-servers=https://127.0.0.1:2379"});
        CHECK((*processes)[2].comm == "kube-apiserver");
    }

    TEST_CASE("the process list is read once: detection and discovery see the same processes") {
        TempRoot root;
        build_proc(root, "/proc");
        const auto host = make_real_host(root.path(), "");
        const auto first = host->processes();
        REQUIRE(first);
        root.add_file("/proc/300/cmdline", "kubelet\0--anonymous-auth=true\0"s);
        ::unlink((root.path() + "/proc/1/cmdline").c_str());
        const auto second = host->processes();
        REQUIRE(second);
        REQUIRE(second->size() == first->size());
        for (size_t i = 0; i < first->size(); ++i) {
            CHECK((*second)[i].pid == (*first)[i].pid);
            CHECK((*second)[i].argv == (*first)[i].argv);
        }
        // A new host is a new view of the node.
        const auto again = make_real_host(root.path(), "")->processes();
        REQUIRE(again);
        REQUIRE(again->size() == 3);
        CHECK(again->back().pid == 300);
        CHECK(again->front().pid == 20);
    }

    TEST_CASE("environ parses NAME=value entries") {
        TempRoot root;
        build_proc(root, "/proc");
        const auto host = make_real_host(root.path(), "");
        const auto env = host->environ(100);
        REQUIRE(env);
        CHECK(*env == std::map<std::string, std::string>{{"HOME", "/root"}, {"TOKEN", "a=b"}});
        const auto missing = host->environ(999);
        REQUIRE_FALSE(missing);
        CHECK(missing.error().kind == HostError::Kind::NotFound);
        CHECK(missing.error().message == "/proc/999/environ: No such file or directory");
    }

    TEST_CASE("an explicit proc dir is a host path, not resolved under the root") {
        TempRoot root;
        TempRoot elsewhere;
        build_proc(elsewhere, "/p");
        const auto host = make_real_host(root.path(), elsewhere.host("/p/"));
        const auto processes = host->processes();
        REQUIRE(processes);
        CHECK(processes->size() == 3);
        CHECK(host->environ(999).error().message ==
              elsewhere.host("/p") + "/999/environ: No such file or directory");
        const auto absent = make_real_host(root.path(), "")->processes();
        REQUIRE_FALSE(absent);
        CHECK(absent.error().message == "/proc: No such file or directory");
    }

    TEST_CASE("a proc file or directory that links out of the proc dir is refused") {
        TempRoot root;
        build_proc(root, "/proc");
        // A host file outside the proc dir that reads like an apiserver's cmdline.
        root.add_file("/etc/outside", "kube-apiserver\0--audit-log-path=/var/log/a\0"s);
        root.add_symlink("/proc/4624/cmdline", root.host("/etc/outside"));
        root.add_dir("/elsewhere/1");
        root.add_file("/elsewhere/1/cmdline", "kube-apiserver\0--profiling=false\0"s);
        root.add_symlink("/proc/4625", root.host("/elsewhere/1"));
        root.add_symlink("/proc/4626", "../elsewhere/1");
        // A link that stays inside the proc dir is followed, as under --root.
        root.add_dir("/proc/4627");
        root.add_symlink("/proc/4627/cmdline", "../100/cmdline");
        const auto host = make_real_host(root.path(), "");
        const auto processes = host->processes();
        REQUIRE(processes);
        std::vector<int> pids;
        for (const auto& process : *processes) pids.push_back(process.pid);
        CHECK(pids == std::vector<int>{1, 20, 100, 4627});
        CHECK(host->ignored_processes() ==
              std::vector<std::string>{
                  "process 4624 ignored: /proc/4624/cmdline: symbolic link to " +
                      root.host("/etc/outside") + " leads out of the directory",
                  "process 4625 ignored: /proc/4625/cmdline: symbolic link to " +
                      root.host("/elsewhere/1") + " leads out of the directory",
                  "process 4626 ignored: /proc/4626/cmdline: symbolic link to ../elsewhere/1 "
                  "leads out of the directory"});
        const auto env = host->environ(4625);
        REQUIRE_FALSE(env);
        CHECK(env.error().kind == HostError::Kind::Invalid);
    }

    TEST_CASE("split_cmdline and parse_environ") {
        using kubeproof::host::parse_environ;
        using kubeproof::host::split_cmdline;
        CHECK(split_cmdline("").empty());
        CHECK(split_cmdline("a\0b\0"s) == std::vector<std::string>{"a", "b"});
        CHECK(split_cmdline("a\0\0"s) == std::vector<std::string>{"a", ""});
        CHECK(split_cmdline("a b") == std::vector<std::string>{"a b"});
        CHECK(parse_environ("A=1\0B=\0"s) ==
              std::map<std::string, std::string>{{"A", "1"}, {"B", ""}});
    }

    TEST_CASE("a real process in the real /proc") {
        const pid_t child = ::fork();
        REQUIRE(child >= 0);
        if (child == 0) {
            char* const argv[] = {const_cast<char*>("sleep"), const_cast<char*>("30"), nullptr};
            char* const envp[] = {const_cast<char*>("KUBEPROOF_TEST=42"), nullptr};
            ::execve("/bin/sleep", argv, envp);
            ::_exit(127);
        }
        // A host reads the process list once: each attempt looks afresh, until the child has
        // exec'd sleep.
        auto host = make_real_host("/", "/proc");
        std::optional<kubeproof::host::Process> found;
        for (int attempt = 0; attempt < 500 && !found; ++attempt) {
            host = make_real_host("/", "/proc");
            const auto processes = host->processes();
            if (!processes) break;  // checked below, after the child is gone
            for (const auto& process : *processes) {
                if (process.pid == child && process.comm == "sleep") found = process;
            }
            if (!found) std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        const auto env = host->environ(child);
        ::kill(child, SIGKILL);
        ::waitpid(child, nullptr, 0);
        REQUIRE(host->processes());
        REQUIRE(found);
        CHECK(found->argv == std::vector<std::string>{"sleep", "30"});
        REQUIRE(env);
        CHECK(env->at("KUBEPROOF_TEST") == "42");
    }
}
