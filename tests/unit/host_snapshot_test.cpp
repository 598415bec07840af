#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "host/fake_host.hpp"
#include "host/recording_host.hpp"
#include "host/snapshot_file.hpp"
#include "host/snapshot_host.hpp"

using kubeproof::host::FakeHost;
using kubeproof::host::FileInfo;
using kubeproof::host::Host;
using kubeproof::host::HostError;
using kubeproof::host::RecordingHost;
using kubeproof::host::Snapshot;
using kubeproof::host::SnapshotHost;

namespace {

FakeHost node_host() {
    FakeHost host;
    host.set_passwd("root:x:0:0::/root:/bin/sh\netcd:x:998:997::/:/sbin/nologin\n");
    host.set_group("root:x:0:\netcd:x:997:\n");
    host.set_hostname("cp-1");
    host.add_file("/etc/kubernetes/admin.conf", "kind: Config\n", 0600);
    host.add_file("/etc/kubernetes/manifests/etcd.yaml", "etcd\n", 0644, 998, 997);
    host.add_file("/etc/kubernetes/latin1.conf", std::string("caf\xe9\n\xff\0", 7));
    host.add_dir("/var/lib/etcd", 0700, 998, 997);
    host.add_symlink("/etc/k8s", "kubernetes");
    host.add_file("/etc/kubernetes/pki/ca.key", "-----BEGIN PRIVATE KEY-----\n", 0600);
    host.deny("/etc/kubernetes/secret.conf");
    host.add_file("/etc/kubernetes/secret.conf", "hidden\n");
    host.add_dir("/etc/kubernetes/pki/etcd", 0700);
    host.deny_listing("/etc/kubernetes/pki/etcd");
    host.add_process(1, {"/sbin/init"}, "systemd");
    host.add_process(4624, {"kube-apiserver", "--secure-port=6443"}, "kube-apiserver",
                     {{"PATH", "/usr/bin"}, {"GOMAXPROCS", "2"}});
    host.add_process(2, {}, "kthreadd");
    return host;
}

const std::vector<std::string> k_probe_paths = {
    "/",
    "/etc/kubernetes/admin.conf",
    "/etc/k8s/manifests/etcd.yaml",
    "/etc/kubernetes/latin1.conf",
    "/etc/kubernetes/secret.conf",
    "/etc/kubernetes/pki",
    "/etc/kubernetes/pki/etcd",
    "/etc/kubernetes/pki/etcd/server.key",
    "/var/lib/etcd",
    "/missing",
    "/etc/passwd/x",
};

std::string describe_error(const HostError& error) {
    return "error " + std::to_string(static_cast<int>(error.kind)) + " " + error.message;
}

// Every answer a host gives about one path, on one line.
std::string describe(const Host& host, const std::string& path) {
    std::string out = path + ": ";
    if (const auto info = host.stat(path)) {
        out += "stat " + std::to_string(static_cast<int>(info->type)) + " " +
               std::to_string(info->mode) + " " + std::to_string(info->uid) + ":" +
               std::to_string(info->gid) + " " + std::to_string(info->size) + " " + info->resolved;
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

// The process table, environments, owner names and host name, as text.
std::string describe_node(const Host& host) {
    std::string out;
    if (const auto processes = host.processes()) {
        for (const auto& p : *processes) {
            out += std::to_string(p.pid) + " " + p.comm + ":";
            for (const auto& arg : p.argv) out += " " + arg;
            out += "\n";
        }
    }
    for (int pid : {1, 4624, 7}) {
        if (const auto env = host.environ(pid)) {
            for (const auto& [name, value] : *env)
                out.append(name).append("=").append(value) += '\n';
        } else {
            out += describe_error(env.error()) + "\n";
        }
    }
    for (uint32_t id : {0U, 997U, 998U, 4242U}) {
        out += host.user_name(id).value_or("?") + " " + host.group_name(id).value_or("?") + "\n";
    }
    return out + host.hostname();
}

// A recording of every probe made through `recorder`.
void probe(const Host& recorder) {
    for (const auto& path : k_probe_paths) describe(recorder, path);
    describe_node(recorder);
}

Snapshot snapshot_of(const RecordingHost& recorder) {
    return Snapshot{{"0.1.0", "abc", "cis-1.12", "2026-01-01T00:00:00Z", "/node", ""},
                    recorder.recording()};
}

}  // namespace

TEST_SUITE("host/snapshot") {
    TEST_CASE("a recording answers as the host it recorded, errors included") {
        const FakeHost fake = node_host();
        const RecordingHost recorder(fake);
        probe(recorder);
        const SnapshotHost replay(recorder.recording());
        for (const auto& path : k_probe_paths)
            CHECK(describe(replay, path) == describe(fake, path));
        CHECK(describe_node(replay) == describe_node(fake));
        CHECK(replay.stat("/etc/kubernetes/secret.conf").error().kind == HostError::Kind::Denied);
        CHECK(replay.list_dir("/etc/kubernetes/pki/etcd").error().message ==
              "/etc/kubernetes/pki/etcd: Permission denied");
    }

    TEST_CASE("the snapshot file keeps every answer, bytes that are not UTF-8 too") {
        const FakeHost fake = node_host();
        const RecordingHost recorder(fake);
        probe(recorder);
        const std::string text = kubeproof::host::write_snapshot(snapshot_of(recorder));
        CHECK(text.find(R"("schema": "kubeproof.facts/v1")") != std::string::npos);
        CHECK(text.find("\"bytes\": \"caf\xc3\xa9\\n\xc3\xbf\\u0000\"") != std::string::npos);
        auto read = kubeproof::host::read_snapshot(text);
        REQUIRE(read);
        CHECK(read->info.root == "/node");
        CHECK(read->info.collected_at == "2026-01-01T00:00:00Z");
        const SnapshotHost replay(std::move(read->calls));
        for (const auto& path : k_probe_paths)
            CHECK(describe(replay, path) == describe(fake, path));
        CHECK(describe_node(replay) == describe_node(fake));
        CHECK(replay.read_file("/etc/kubernetes/latin1.conf").value() ==
              std::string("caf\xe9\n\xff\0", 7));
    }

    TEST_CASE("what was not recorded does not exist") {
        const SnapshotHost empty(kubeproof::host::Recording{});
        CHECK(empty.read_file("/etc/x").error().message == "/etc/x: not in the facts snapshot");
        CHECK(empty.stat("/etc/x").error().kind == HostError::Kind::NotFound);
        CHECK(empty.list_dir("/etc").error().kind == HostError::Kind::NotFound);
        CHECK(empty.processes().error().message == "/proc: not in the facts snapshot");
        CHECK(empty.environ(12).error().message == "/proc/12/environ: not in the facts snapshot");
        CHECK_FALSE(empty.user_name(0));
        CHECK_FALSE(empty.group_name(0));
        CHECK(empty.hostname().empty());
    }

    TEST_CASE("text that is not a snapshot of this schema is refused with the reason") {
        using kubeproof::host::read_snapshot;
        CHECK(
            read_snapshot(R"({"schema": "kubeproof.facts/v1", "tool": {)").error() ==
            "not a facts snapshot: not JSON (parse error at line 1, column 43: syntax error while "
            "parsing object key - unexpected end of input; expected string literal)");
        CHECK(read_snapshot("[1, 2]").error() == R"(not a facts snapshot: it has no "schema")");
        CHECK(read_snapshot(R"({"schema": "kubeproof.report/v1"})").error() ==
              "not a facts snapshot: its schema is kubeproof.report/v1");
        CHECK(read_snapshot(R"({"schema": "kubeproof.facts/v2"})").error() ==
              "a facts snapshot of schema kubeproof.facts/v2; this kubeproof reads "
              "kubeproof.facts/v1");
        CHECK(read_snapshot(R"({"schema": "kubeproof.facts/v1"})").error() ==
              "not a valid kubeproof.facts/v1 snapshot (key 'tool' not found)");
    }

    TEST_CASE(
        "an owner, size or pid that is not a whole number in range is refused, never rounded") {
        // Found by fuzz_facts_snapshot (a size of 4.4e64: undefined behaviour in the conversion).
        // Rounded or wrapped, a uid of 0.5 or -4294967296 would read as root's and PASS an owner
        // check.
        const FakeHost fake = node_host();
        const RecordingHost recorder(fake);
        probe(recorder);
        const std::string text = kubeproof::host::write_snapshot(snapshot_of(recorder));
        REQUIRE(kubeproof::host::read_snapshot(text));
        const auto uid_at = text.find("\"uid\": 0,");
        REQUIRE(uid_at != std::string::npos);
        struct Case {
            std::string field;
            std::string value;
            std::string shown;
        };
        for (const Case& c : std::vector<Case>{{"uid", "0.5", "0.5"},
                                               {"uid", "-4294967296", "-4294967296"},
                                               {"uid", "4294967296", "4294967296"},
                                               {"uid", "\"0\"", "\"0\""}}) {
            std::string changed = text;
            changed.replace(uid_at, std::string("\"uid\": 0,").size(),
                            "\"" + c.field + "\": " + c.value + ",");
            const auto read = kubeproof::host::read_snapshot(changed);
            REQUIRE_FALSE(read);
            const std::string& message = read.error();
            CAPTURE(message);
            CHECK(message == "not a valid kubeproof.facts/v1 snapshot (\"uid\" is " + c.shown +
                                 ", not a whole number from 0 to 4294967295)");
        }
        std::string huge = text;
        const auto size_at = huge.find("\"size\": ");
        REQUIRE(size_at != std::string::npos);
        huge.insert(size_at + std::string("\"size\": ").size(), "4.4e64, \"was\": ");
        CHECK(kubeproof::host::read_snapshot(huge).error() ==
              "not a valid kubeproof.facts/v1 snapshot (\"size\" is 4.4e+64, not a whole number "
              "from 0 to 18446744073709551615)");
    }
}
