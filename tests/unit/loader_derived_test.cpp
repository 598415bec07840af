#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

#include "app/definitions.hpp"
#include "loader/loader.hpp"
#include "model/targets.hpp"

using kubeproof::loader::load_definitions;
using kubeproof::loader::SourceFile;

namespace {

constexpr const char* k_derived_catalogue = R"(components:
  kubelet:
    name: kubelet
    targets: [node]
    processes: [kubelet]
    config:
      file: config
    files:
      config: {from_flag: --config, candidates: [/var/lib/kubelet/config.yaml]}
      kubeconfig: {from_flag: --kubeconfig, candidates: [/etc/kubernetes/kubelet.conf]}
)";

constexpr const char* k_library_header = R"(id: lib-1
title: Library
kubernetes: ["1.30"]
sections: [node.yaml]
)";

constexpr const char* k_library_node = R"(section: "4"
target: node
title: Node
groups:
  - id: "4.1"
    title: Files
    checks:
      - id: "4.1.1"
        key: kubelet.config.mode
        title: Config file is 600
        cis: automated
        components: [kubelet]
        test:
          file: kubelet.config
          mode: "600"
        remediation: chmod 600 the config
      - id: "4.1.2"
        key: kubelet.kubeconfig.mode
        title: Kubeconfig is 600
        cis: automated
        components: [kubelet]
        tests:
          - file: kubelet.kubeconfig
            mode: "600"
          - file: kubelet.kubeconfig
            owner: "root:root"
        remediation: chmod 600 the kubeconfig
  - id: "4.2"
    title: Settings
    checks:
      - id: "4.2.1"
        key: kubelet.ciphers
        title: Strong ciphers
        cis: manual
        components: [kubelet]
        test:
          key: tlsCipherSuites
          subset_of: [A, B]
        remediation: set the ciphers
)";

struct DerivedLoad {
    kubeproof::model::Definitions defs;
    std::string diagnostics;
};

// The library benchmark plus the given files (paths under checks/).
DerivedLoad load_derived(const std::vector<std::pair<std::string, std::string>>& extra) {
    std::vector<SourceFile> files = {
        {"checks/components.yaml", "d/components.yaml", k_derived_catalogue},
        {"checks/lib-1/benchmark.yaml", "d/lib-1/benchmark.yaml", k_library_header},
        {"checks/lib-1/node.yaml", "d/lib-1/node.yaml", k_library_node}};
    for (const auto& [path, text] : extra) files.push_back({"checks/" + path, "d/" + path, text});
    kubeproof::parse::Diagnostics diagnostics;
    auto defs = load_definitions(files, diagnostics);
    return {defs, diagnostics.format()};
}

std::vector<std::string> ids_of(const kubeproof::model::Benchmark& bench) {
    std::vector<std::string> ids;
    kubeproof::model::for_each_check(
        bench, [&](const auto&, const auto&, const auto& check) { ids.push_back(check.id); });
    return ids;
}

const kubeproof::model::Check& check_by_key(const kubeproof::model::Benchmark& bench,
                                            const std::string& key) {
    const kubeproof::model::Check* found = nullptr;
    kubeproof::model::for_each_check(bench, [&](const auto&, const auto&, const auto& check) {
        if (check.key == key) found = &check;
    });
    REQUIRE(found != nullptr);
    return *found;
}

}  // namespace

TEST_SUITE("loader/derived") {
    TEST_CASE(
        "a stub takes the base check by key and states its own id, title, label and threshold") {
        auto loaded = load_derived({{"eks-1/benchmark.yaml", R"(id: eks-1
title: EKS
platform: eks
base: lib-1
sections: [node.yaml]
)"},
                                    {"eks-1/node.yaml", R"(section: "3"
target: node
title: Worker Nodes
groups:
  - id: "3.1"
    title: Worker Node Configuration Files
    checks:
      - id: "3.1.1"
        uses: kubelet.kubeconfig.mode
        title: Kubeconfig is 644
        cis: manual
        set: {mode: "644"}
)"}});
        REQUIRE(loaded.diagnostics == "");
        const auto& eks = loaded.defs.benchmarks.at("eks-1");
        CHECK(eks.platform == "eks");
        CHECK(ids_of(eks) == std::vector<std::string>{"3.1.1"});
        const auto& check = check_by_key(eks, "kubelet.kubeconfig.mode");
        CHECK(check.title == "Kubeconfig is 644");
        CHECK_FALSE(check.automated);
        CHECK(check.remediation == "chmod 600 the kubeconfig");
        CHECK(check.components == std::vector<std::string>{"kubelet"});
        REQUIRE(check.test.children.size() == 2);
        CHECK(check.test.children[0].assertions.at(0).value == "644");
        CHECK(check.test.children[1].assertions.at(0).value == "root:root");
        CHECK(check.where.file == "d/eks-1/node.yaml");
        // The base is untouched.
        CHECK(check_by_key(loaded.defs.benchmarks.at("lib-1"), "kubelet.kubeconfig.mode")
                  .test.children[0]
                  .assertions.at(0)
                  .value == "600");
    }

    TEST_CASE("a delta drops, changes, renames groups, adds in id order and marks checks NA") {
        auto loaded = load_derived({{"old-1/benchmark.yaml", R"(id: old-1
title: Old
base: lib-1
drop: [kubelet.config.mode]
change:
  kubelet.ciphers: {id: "4.2.10", cis: automated, set: {subset_of: [A, B, C]}}
groups:
  "4.2": {id: "4.3", title: Old settings}
add:
  - group: "4.1"
    checks:
      - id: "4.1.0"
        uses: kubelet.config.mode
        title: Config file is 644
        cis: automated
        set: {mode: "644"}
      - id: "4.1.3"
        key: kubelet.new-thing
        title: A new thing
        cis: manual
        components: [kubelet]
        manual: look at it
        remediation: fix it
not_applicable:
  kubelet.kubeconfig.mode: this platform has no kubeconfig
)"}});
        REQUIRE(loaded.diagnostics == "");
        const auto& old = loaded.defs.benchmarks.at("old-1");
        CHECK(ids_of(old) == std::vector<std::string>{"4.1.0", "4.1.2", "4.1.3", "4.2.10"});
        CHECK(old.sections.at(0).groups.at(1).id == "4.3");
        CHECK(old.sections.at(0).groups.at(1).title == "Old settings");
        const auto& ciphers = check_by_key(old, "kubelet.ciphers");
        CHECK(ciphers.automated);
        CHECK(ciphers.test.children.at(0).assertions.at(0).values ==
              std::vector<std::string>{"A", "B", "C"});
        CHECK(check_by_key(old, "kubelet.config.mode").test.children.at(0).assertions.at(0).value ==
              "644");
        CHECK(check_by_key(old, "kubelet.kubeconfig.mode").not_applicable ==
              "this platform has no kubeconfig");
    }

    TEST_CASE("checks are ordered by their numbers, not their text") {
        auto loaded = load_derived({{"b-1/benchmark.yaml", R"(id: b-1
title: B
base: lib-1
change:
  kubelet.config.mode: {id: "4.1.10"}
  kubelet.kubeconfig.mode: {id: "4.1.9"}
)"}});
        REQUIRE(loaded.diagnostics == "");
        CHECK(ids_of(loaded.defs.benchmarks.at("b-1")) ==
              std::vector<std::string>{"4.1.9", "4.1.10", "4.2.1"});
    }

    TEST_CASE("a chain of bases resolves in any file order") {
        auto loaded = load_derived({{"c-2/benchmark.yaml",
                                     "id: c-2\ntitle: C2\nbase: c-1\n"
                                     "drop: [kubelet.ciphers]\n"},
                                    {"c-1/benchmark.yaml",
                                     "id: c-1\ntitle: C1\nbase: lib-1\n"
                                     "drop: [kubelet.config.mode]\n"}});
        REQUIRE(loaded.diagnostics == "");
        CHECK(ids_of(loaded.defs.benchmarks.at("c-2")) == std::vector<std::string>{"4.1.2"});
    }

    TEST_CASE("every mistake in a derived benchmark is reported where it is written") {
        auto loaded = load_derived({{"x-1/benchmark.yaml", R"(id: x-1
title: X
base: lib-1
drop: [no.such.key]
change:
  other.key: {title: T}
  kubelet.config.mode: {set: {eq: "true"}}
groups:
  "9.9": {id: "9.8"}
add:
  - group: "7.7"
    checks: []
not_applicable:
  gone.key: why
)"},
                                    {"y-1/benchmark.yaml", "id: y-1\ntitle: Y\nbase: nowhere\n"},
                                    {"z-1/benchmark.yaml", "id: z-1\ntitle: Z\nbase: z-2\n"},
                                    {"z-2/benchmark.yaml", "id: z-2\ntitle: Z2\nbase: z-1\n"}});
        const std::string& d = loaded.diagnostics;
        CHECK(d.find("d/x-1/benchmark.yaml:4:8: drop: lib-1 has no check with the key "
                     "'no.such.key'") != std::string::npos);
        CHECK(d.find("change: no check has the key 'other.key'") != std::string::npos);
        CHECK(d.find("set: check 4.1.1 (kubelet.config.mode) has no 'eq' assertion to change") !=
              std::string::npos);
        CHECK(d.find("groups: lib-1 has no group '9.9'") != std::string::npos);
        CHECK(d.find("add: there is no group '7.7'") != std::string::npos);
        CHECK(d.find("not_applicable: no check has the key 'gone.key'") != std::string::npos);
        CHECK(d.find("d/y-1/benchmark.yaml: base benchmark 'nowhere' does not exist") !=
              std::string::npos);
        CHECK(d.find("is its own base") != std::string::npos);
    }

    TEST_CASE("a stub needs a base, a title, a label and a key the base has") {
        auto loaded = load_derived({{"s-1/benchmark.yaml", R"(id: s-1
title: S
sections: [node.yaml]
)"},
                                    {"s-1/node.yaml", R"(section: "4"
target: node
title: Node
groups:
  - id: "4.1"
    title: Files
    checks:
      - id: "4.1.1"
        uses: kubelet.config.mode
        title: T
        cis: automated
)"},
                                    {"s-2/benchmark.yaml", R"(id: s-2
title: S2
base: lib-1
sections: [node.yaml]
)"},
                                    {"s-2/node.yaml", R"(section: "4"
target: node
title: Node
groups:
  - id: "4.1"
    title: Files
    checks:
      - id: "4.1.1"
        uses: kubelet.unknown
        title: T
        cis: automated
      - id: "4.1.2"
        uses: kubelet.config.mode
        set: {mode: "77x"}
)"}});
        const std::string& d = loaded.diagnostics;
        CHECK(d.find("check '4.1.1' uses 'kubelet.config.mode', but benchmark s-1 has no 'base'") !=
              std::string::npos);
        CHECK(
            d.find("check '4.1.1' uses 'kubelet.unknown', but lib-1 has no check with that key") !=
            std::string::npos);
        CHECK(d.find("check '4.1.2' needs a 'title'") != std::string::npos);
        CHECK(d.find("check '4.1.2' needs a 'cis' label") != std::string::npos);
        CHECK(d.find("invalid mode '77x'") != std::string::npos);
    }

    TEST_CASE("the shipped CIS versions differ from 1.12 exactly as the benchmarks say") {
        kubeproof::parse::Diagnostics diagnostics;
        auto defs = load_definitions(kubeproof::app::embedded_sources(), diagnostics);
        REQUIRE(diagnostics.format() == "");
        std::map<std::string, size_t> counts;
        for (const auto& [id, bench] : defs.benchmarks) counts[id] = ids_of(bench).size();
        // The counts kube-bench's cfg/cis-* have (shared/reference/benchmarks.md, section 2).
        CHECK(counts.at("cis-1.9") == 130);
        CHECK(counts.at("cis-1.10") == 130);
        CHECK(counts.at("cis-1.11") == 133);
        CHECK(counts.at("cis-1.12") == 131);
        CHECK(counts.at("cis-2.0") == 131);
        CHECK(counts.at("cis-2.1") == 134);
        const auto& v110 = defs.benchmarks.at("cis-1.10");
        const auto& v111 = defs.benchmarks.at("cis-1.11");
        const auto& v112 = defs.benchmarks.at("cis-1.12");
        // 600 before 1.11, 644 since.
        CHECK(check_by_key(v110, "pki.cert.mode").test.children.at(0).assertions.at(0).value ==
              "600");
        CHECK(check_by_key(v111, "pki.cert.mode").test.children.at(0).assertions.at(0).value ==
              "644");
        CHECK(check_by_key(v110, "kubelet.client-ca.mode")
                  .test.children.at(0)
                  .assertions.at(0)
                  .value == "600");
        // Two keys, two checks: added capabilities (gone in 1.12) and capabilities assigned.
        CHECK(check_by_key(v111, "pods.capabilities-added").id == "5.2.9");
        CHECK(check_by_key(v111, "pods.capabilities-assigned").id == "5.2.10");
        CHECK(check_by_key(v112, "pods.capabilities-assigned").id == "5.2.9");
        CHECK(check_by_key(v110, "namespaces.default-usage").id == "5.7.4");
        CHECK(check_by_key(v110, "rbac.cluster-admin-bindings").automated);
        CHECK_FALSE(check_by_key(v111, "rbac.cluster-admin-bindings").automated);
        // Cipher allow-lists: 21 in 1.9, 15 in 1.10 and 1.11, 11 in 1.12.
        auto ciphers = [&](const char* bench) {
            return check_by_key(defs.benchmarks.at(bench), "apiserver.tls-cipher-suites")
                .test.children.at(0)
                .assertions.at(0)
                .values.size();
        };
        CHECK(ciphers("cis-1.9") == 21);
        CHECK(ciphers("cis-1.10") == 15);
        CHECK(ciphers("cis-1.11") == 15);
        CHECK(ciphers("cis-1.12") == 11);
        CHECK(ciphers("cis-2.1") == 11);
    }
}
