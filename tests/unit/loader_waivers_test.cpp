#include <doctest/doctest.h>

#include <string>

#include "loader/waiver_reader.hpp"

using namespace kubeproof;

namespace {

/// A benchmark with one node check (1.2.15) and one section 5 check (5.2.2).
model::Benchmark waiver_benchmark() {
    model::Check profiling;
    profiling.id = "1.2.15";
    profiling.key = "apiserver.profiling";
    profiling.components = {"apiserver"};
    model::Check privileged;
    privileged.id = "5.2.2";
    privileged.key = "pods.privileged";
    model::Benchmark bench;
    bench.id = "test-1";
    bench.sections = {
        {"1", "master", "Control Plane", "master.yaml", {{"1.2", "API Server", {profiling}}}},
        {"5", "policies", "Policies", "policies.yaml", {{"5.2", "Pods", {privileged}}}}};
    return bench;
}

struct Read {
    model::WaiverFile file;
    std::string errors;
    std::string warnings;
};

Read read(const std::string& text) {
    parse::Diagnostics errors;
    parse::Diagnostics warnings;
    Read out;
    out.file = loader::read_waivers("w.yaml", text, waiver_benchmark(), errors, warnings);
    out.errors = errors.format();
    out.warnings = warnings.format();
    return out;
}

}  // namespace

TEST_SUITE("loader/waivers") {
    TEST_CASE("a valid file: every field, dates as written, expiry at the next midnight") {
        auto r = read(R"(waivers:
  - check: 1.2.15
    node: cp-1
    owner: alice
    approver: bob
    reason: profiling is needed for a load test
    ticket: SEC-12
    created: 2026-01-01
    expires: 2026-03-31
  - check: pods.privileged
    namespace: monitoring
    object: DaemonSet/node-exporter
    selector: {app: node-exporter}
    owner: carol
    reason: reads host metrics
    expires: 2026-02-01T12:00:00+01:00
)");
        CHECK(r.errors == "");
        CHECK(r.warnings == "");
        REQUIRE(r.file.waivers.size() == 2);
        const auto& first = r.file.waivers[0];
        CHECK(first.source == "w.yaml:2");
        CHECK(first.check == "1.2.15");
        CHECK(first.node == "cp-1");
        CHECK(first.owner == "alice");
        CHECK(first.approver == "bob");
        CHECK(first.ticket == "SEC-12");
        CHECK(first.created == "2026-01-01");
        CHECK(first.expires == "2026-03-31");
        CHECK(first.expires_at == 1774915200 + 86400);  // valid through 2026-03-31 23:59:59 UTC
        CHECK_FALSE(first.scopes_objects());
        const auto& second = r.file.waivers[1];
        CHECK(second.source == "w.yaml:10");
        CHECK(second.namespace_name == "monitoring");
        CHECK(second.object == "DaemonSet/node-exporter");
        CHECK(second.selector == std::map<std::string, std::string>{{"app", "node-exporter"}});
        CHECK(second.scopes_objects());
        CHECK(second.expires_at == 1769943600);  // 2026-02-01T11:00:00Z
    }

    TEST_CASE("every problem with its file:line:col, all at once") {
        auto r = read(R"(waivers:
  - check: 1.2.99
    owner: alice
    reason: r
    expires: 2026-03-31
  - check: 1.2.15
    reason: r
    expires: 31/03/2026
    team: platform
  - check: apiserver.profiling
    owner: bob
    reason: r
    created: 2026-03-01
    expires: 2026-02-01
  - check: 5.2.2
    node: cp-1
    owner: carol
    reason: r
    expires: 2026-03-31
  - check: 1.2.15
    namespace: prod
    object: a/b/c
    owner: dave
    reason: r
    expires: 2026-03-31
  - owner: erin
    reason: r
    expires: 2026-03-31
  - check: 1.2.15
    owner: ""
    owner: frank
    reason: r
    expires: 2026-03-31T10:00:00
  - check: 1.2.15
    owner: gina
    reason: r
    expires: 2026-04-30
extra: 1
)");
        CHECK(
            r.errors ==
            R"(w.yaml:2:12: 'check' 1.2.99 is neither a check id nor a check key of benchmark test-1
      - check: 1.2.99
               ^
w.yaml:6:5: waiver is missing required key 'owner'
      - check: 1.2.15
        ^
w.yaml:8:14: 'expires' must be a date (2026-03-31) or an RFC 3339 time (2026-03-31T18:00:00Z), not '31/03/2026'
        expires: 31/03/2026
                 ^
w.yaml:9:5: unknown key 'team' in waiver
        team: platform
        ^
w.yaml:10:5: duplicate waiver: the same check and scope as the waiver at w.yaml:6
      - check: apiserver.profiling
        ^
w.yaml:14:14: 'expires' 2026-02-01 is not after 'created' 2026-03-01: the waiver would never apply
        expires: 2026-02-01
                 ^
w.yaml:16:11: 'node' narrows node checks; 5.2.2 judges the cluster's objects: use namespace, object or selector
        node: cp-1
              ^
w.yaml:21:16: 'namespace' narrows section 5 checks, which judge the cluster's objects; 1.2.15 is a master check: use node
        namespace: prod
                   ^
w.yaml:22:13: 'object' must be a name (web) or a kind and a name (Deployment/web)
        object: a/b/c
                ^
w.yaml:22:13: 'object' narrows section 5 checks, which judge the cluster's objects; 1.2.15 is a master check: use node
        object: a/b/c
                ^
w.yaml:26:5: waiver is missing required key 'check'
      - owner: erin
        ^
w.yaml:29:5: duplicate waiver: the same check and scope as the waiver at w.yaml:6
      - check: 1.2.15
        ^
w.yaml:30:12: 'owner' must not be empty
        owner: ""
               ^
w.yaml:31:5: duplicate key 'owner' in waiver
        owner: frank
        ^
w.yaml:33:14: 'expires' must be a date (2026-03-31) or an RFC 3339 time (2026-03-31T18:00:00Z), not '2026-03-31T10:00:00'
        expires: 2026-03-31T10:00:00
                 ^
w.yaml:34:5: duplicate waiver: the same check and scope as the waiver at w.yaml:6
      - check: 1.2.15
        ^
w.yaml:38:1: unknown key 'extra' in the waivers file
    extra: 1
    ^
)");
    }

    TEST_CASE("a waiver without a reason is a warning") {
        auto r = read("waivers:\n  - {check: 1.2.15, owner: a, expires: 2026-03-31}\n");
        CHECK(r.errors == "");
        CHECK(r.warnings ==
              R"(w.yaml:2:5: the waiver for 1.2.15 gives no 'reason': say why the risk is accepted
      - {check: 1.2.15, owner: a, expires: 2026-03-31}
        ^
)");
    }

    TEST_CASE("the same check by id and by key, with the same scope, is a duplicate") {
        auto r = read(R"(waivers:
  - {check: 5.2.2, namespace: prod, owner: a, reason: r, expires: 2026-03-31}
  - {check: pods.privileged, namespace: prod, owner: b, reason: r, expires: 2026-04-30}
  - {check: pods.privileged, namespace: dev, owner: b, reason: r, expires: 2026-04-30}
)");
        CHECK(r.errors ==
              R"(w.yaml:3:5: duplicate waiver: the same check and scope as the waiver at w.yaml:2
      - {check: pods.privileged, namespace: prod, owner: b, reason: r, expires: 2026-04-30}
        ^
)");
    }

    TEST_CASE("the shape of the file") {
        CHECK(read("").errors ==
              "w.yaml: a waivers file is a mapping with a top-level 'waivers' list\n");
        CHECK(
            read("checks: []\n").errors ==
            "w.yaml:1:1: unknown key 'checks' in the waivers file\n    checks: []\n    ^\n"
            "w.yaml:1:1: a waivers file needs a top-level 'waivers' list\n    checks: []\n    ^\n");
        CHECK(read("waivers: {check: 1.2.15}\n").errors ==
              "w.yaml:1:10: 'waivers' must be a list of waivers\n    waivers: {check: 1.2.15}\n"
              "             ^\n");
        CHECK(read("waivers:\n  - 1.2.15\n").errors ==
              "w.yaml:2:5: waiver must be a mapping\n      - 1.2.15\n        ^\n");
        CHECK(read("waivers:\n  - {check: [1.2.15], owner: a, reason: r, expires: 2026-03-31}\n")
                  .errors ==
              "w.yaml:2:13: 'check' must be a string\n"
              "      - {check: [1.2.15], owner: a, reason: r, expires: 2026-03-31}\n"
              "                ^\n");
        CHECK(read("waivers: [\n").errors.starts_with("w.yaml:2:1: invalid YAML"));
        CHECK(read("waivers: []\n").errors == "");
    }

    TEST_CASE("selectors are mappings of label names to values") {
        auto r = read(R"(waivers:
  - {check: 5.2.2, selector: app=web, owner: a, reason: r, expires: 2026-03-31}
  - {check: 5.2.2, namespace: a, selector: {}, owner: a, reason: r, expires: 2026-03-31}
  - {check: 5.2.2, namespace: b, selector: {app: [web]}, owner: a, reason: r, expires: 2026-03-31}
)");
        CHECK(r.errors ==
              R"(w.yaml:2:30: 'selector' must be a mapping of label names to values (app: web)
      - {check: 5.2.2, selector: app=web, owner: a, reason: r, expires: 2026-03-31}
                                 ^
w.yaml:3:44: 'selector' must be a mapping of label names to values (app: web)
      - {check: 5.2.2, namespace: a, selector: {}, owner: a, reason: r, expires: 2026-03-31}
                                               ^
w.yaml:4:50: a label value must be a string
      - {check: 5.2.2, namespace: b, selector: {app: [web]}, owner: a, reason: r, expires: 2026-03-31}
                                                     ^
)");
    }

    TEST_CASE("an expiry on the day of creation is valid through that day; a zero span is not") {
        auto r = read(R"(waivers:
  - {check: 1.2.15, owner: a, reason: r, created: 2026-03-31, expires: 2026-03-31}
  - {check: 1.2.15, node: n, owner: a, reason: r, created: 2026-03-31T10:00:00Z, expires: 2026-03-31T10:00:00Z}
)");
        CHECK(
            r.errors ==
            R"(w.yaml:3:91: 'expires' 2026-03-31T10:00:00Z is not after 'created' 2026-03-31T10:00:00Z: the waiver would never apply
    ….2.15, node: n, owner: a, reason: r, created: 2026-03-31T10:00:00Z, expires: 2026-03-31T10:00:00Z}
                                                                                  ^
)");  // a line of 112 columns: cut to 100, the caret still under the "2" of the expiry
        REQUIRE(r.file.waivers.size() == 2);
        CHECK(r.file.waivers[0].expires_at == 1774915200 + 86400);
    }
}
