#include <doctest/doctest.h>

#include <iterator>
#include <string>
#include <vector>

#include "app/definitions.hpp"
#include "engine/benchmark_choice.hpp"
#include "loader/loader.hpp"

using namespace kubeproof;

namespace {

constexpr const char* k_catalogue = R"(components:
  kubelet:
    name: kubelet
    targets: [node]
    processes: [kubelet]
    files:
      config: {candidates: [/var/lib/kubelet/config.yaml]}
)";

constexpr const char* k_node = R"(section: "4"
target: node
title: Node
groups:
  - id: "4.1"
    title: Files
    checks:
      - id: "4.1.1"
        key: kubelet.config.mode
        title: A check
        cis: automated
        components: [kubelet]
        test: {file: kubelet.config, mode: "600"}
        remediation: fix it
)";

struct Bench {
    const char* id;
    const char* platform;
    const char* kubernetes;
};

// Small stand-ins for the benchmark folders (the ranges each states), for the mapping's own
// diagnostics.
constexpr Bench k_benchmarks[] = {
    {"cis-1.9", "generic", R"(["1.27", "1.28", "1.29"])"},
    {"cis-1.10", "generic", R"(["1.28", "1.29", "1.30", "1.31"])"},
    {"cis-1.11", "generic", R"(["1.29", "1.30", "1.31", "1.32"])"},
    {"cis-1.12", "generic", R"(["1.32", "1.33", "1.34"])"},
    {"cis-2.0", "generic", R"(["1.34", "1.35"])"},
    {"cis-2.1", "generic", R"(["1.36", "1.37"])"},
    {"k3s-cis-1.12", "k3s", R"(["1.32", "1.33", "1.34"])"},
    {"rke2-cis-1.12", "rke2", R"(["1.32", "1.33", "1.34"])"},
    {"eks-1.8.0", "eks", R"(["1.32", "1.33", "1.34"])"},
    {"gke-1.9.0", "gke", R"(["1.31", "1.32", "1.33"])"},
    {"aks-1.8", "aks", R"(["1.32", "1.33", "1.34"])"},
};

std::vector<loader::SourceFile> sources(const std::string& mapping) {
    std::vector<loader::SourceFile> files = {
        {"checks/components.yaml", "checks/components.yaml", k_catalogue},
        {"checks/benchmarks.yaml", "checks/benchmarks.yaml", mapping}};
    for (const auto& b : k_benchmarks) {
        const std::string dir = std::string("checks/") + b.id;
        files.push_back({dir + "/benchmark.yaml", dir + "/benchmark.yaml",
                         std::string("id: ") + b.id + "\ntitle: " + b.id +
                             "\nkubernetes: " + b.kubernetes + "\nplatform: " + b.platform +
                             "\nsections: [node.yaml]\n"});
        files.push_back({dir + "/node.yaml", dir + "/node.yaml", k_node});
    }
    return files;
}

// The shipped definitions: every benchmark folder and checks/benchmarks.yaml.
const model::Definitions& definitions() {
    static const model::Definitions defs = [] {
        auto loaded = app::load_definitions("");
        REQUIRE_MESSAGE(loaded.diagnostics.empty(), loaded.diagnostics.format());
        return loaded.definitions;
    }();
    return defs;
}

std::string diagnostics_of(const std::string& mapping) {
    parse::Diagnostics diagnostics;
    loader::load_definitions(sources(mapping), diagnostics);
    return diagnostics.format();
}

engine::Clue flag_version(const std::string& minor) {
    return {"flag", minor, minor, {}, "from --k8s-version " + minor};
}

engine::BenchmarkChoice choose(std::vector<engine::Clue> clues,
                               const std::string& bench = "detect") {
    return engine::choose_benchmark(definitions(), {bench, std::move(clues)});
}

}  // namespace

TEST_SUITE("engine/benchmark_choice") {
    TEST_CASE("generic minors map to the newest CIS benchmark that covers them") {
        struct Row {
            const char* minor;
            const char* benchmark;
        };
        for (const Row& row :
             {Row{"1.27", "cis-1.9"}, Row{"1.28", "cis-1.10"}, Row{"1.29", "cis-1.11"},
              Row{"1.31", "cis-1.11"}, Row{"1.32", "cis-1.12"}, Row{"1.33", "cis-1.12"},
              Row{"1.34", "cis-2.0"}, Row{"1.35", "cis-2.0"}, Row{"1.36", "cis-2.1"},
              Row{"1.37", "cis-2.1"}}) {
            CAPTURE(row.minor);
            auto choice = choose({flag_version(row.minor)});
            CHECK(choice.benchmark == row.benchmark);
            CHECK(choice.rule == "flag");
            CHECK(choice.warnings.empty());
            CHECK(choice.error.empty());
        }
        CHECK(choose({flag_version("1.28")}).detail ==
              "Kubernetes 1.28 from --k8s-version 1.28; generic platform → cis-1.10");
    }

    TEST_CASE("a minor beyond every range gets the newest or oldest benchmark, loudly") {
        auto newer = choose({flag_version("1.38")});
        CHECK(newer.benchmark == "cis-2.1");
        REQUIRE(newer.warnings.size() == 1);
        CHECK(newer.warnings[0] ==
              "Kubernetes 1.38 is newer than every version kubeproof has a benchmark for on the "
              "generic platform: cis-2.1 is used");
        auto older = choose({flag_version("1.20")});
        CHECK(older.benchmark == "cis-1.9");
        REQUIRE(older.warnings.size() == 1);
        CHECK(older.warnings[0].starts_with("Kubernetes 1.20 is older than every version"));
        auto eks = choose({{"api-version", "1.35.1", "1.35", "eks", "from /version"}});
        CHECK(eks.benchmark == "eks-1.8.0");
        CHECK(eks.warnings.size() == 1);
    }

    TEST_CASE("nothing detected: the fallback, with a warning") {
        auto choice = choose({});
        CHECK(choice.benchmark == "cis-1.12");
        CHECK(choice.rule == "fallback");
        REQUIRE(choice.warnings.size() == 1);
        CHECK(choice.warnings[0].starts_with(
            "neither the Kubernetes version nor the platform could be detected"));
    }

    TEST_CASE(
        "platforms: from the first clue that names one; the version from the first with one") {
        auto eks = choose({{"api-version", "1.32.3", "1.32", "eks",
                            "from the API server's /version (v1.32.3-eks-abc123)"}});
        CHECK(eks.benchmark == "eks-1.8.0");
        CHECK(eks.rule == "api-version");
        CHECK(eks.detail ==
              "Kubernetes 1.32.3 from the API server's /version (v1.32.3-eks-abc123); "
              "eks platform → eks-1.8.0");
        auto aks = choose(
            {{"api-version", "1.33.2", "1.33", "", "from /version (v1.33.2)"},
             {"api-node", {}, {}, "aks", "from node a's label kubernetes.azure.com/cluster"}});
        CHECK(aks.benchmark == "aks-1.8");
        CHECK(aks.platform == "aks");
        CHECK(aks.detail.find("aks platform from node a's label") != std::string::npos);
        // --platform wins over what the node says; the node's version still counts.
        auto flagged = choose({{"flag", {}, {}, "gke", "from --platform gke"},
                               {"static-pod-image", "1.31.2", "1.31", "", "from the image tag"},
                               {"node-files", {}, {}, "k3s", "from /var/lib/rancher/k3s"}});
        CHECK(flagged.benchmark == "gke-1.9.0");
        CHECK(flagged.rule == "static-pod-image");
        auto k3s = choose({{"node-files", {}, {}, "k3s", "from /var/lib/rancher/k3s"}});
        CHECK(k3s.benchmark == "k3s-cis-1.12");
        CHECK(k3s.rule == "node-files");
        REQUIRE(k3s.warnings.size() == 1);
        CHECK(k3s.warnings[0].starts_with("the Kubernetes version could not be detected"));
        auto kubeadm =
            choose({{"static-pod-image", "1.31.2", "1.31", "",
                     "from the image tag of /etc/kubernetes/manifests/kube-apiserver.yaml "
                     "(registry.k8s.io/kube-apiserver:v1.31.2)"}});
        CHECK(kubeadm.benchmark == "cis-1.11");
        CHECK(
            kubeadm.detail ==
            "Kubernetes 1.31.2 from the image tag of /etc/kubernetes/manifests/kube-apiserver.yaml "
            "(registry.k8s.io/kube-apiserver:v1.31.2); generic platform → cis-1.11");
    }

    TEST_CASE("--benchmark wins, and still warns about a version it does not cover") {
        auto choice = choose({flag_version("1.28")}, "cis-1.12");
        CHECK(choice.benchmark == "cis-1.12");
        CHECK(choice.rule == "benchmark-flag");
        REQUIRE(choice.warnings.size() == 1);
        CHECK(choice.warnings[0] ==
              "this cluster runs Kubernetes 1.28, but cis-1.12 is written for 1.32, 1.33, 1.34: "
              "checks may be missing or judged by another version's rules");
        CHECK(choose({flag_version("1.33")}, "cis-1.12").warnings.empty());
    }

    TEST_CASE("without a mapping: the only benchmark, else an error") {
        model::Definitions defs = definitions();
        defs.selection = {};
        auto error = engine::choose_benchmark(defs, {"detect", {}});
        CHECK(error.benchmark.empty());
        CHECK(error.error.find("no checks/benchmarks.yaml") != std::string::npos);
        defs.benchmarks.erase(defs.benchmarks.begin(), std::prev(defs.benchmarks.end()));
        auto only = engine::choose_benchmark(defs, {"detect", {}});
        CHECK(only.benchmark == defs.benchmarks.begin()->first);
        CHECK(only.rule == "only-benchmark");
    }

    TEST_CASE("the shipped mapping gives every platform and minor a benchmark of its platform") {
        const auto& defs = definitions();
        REQUIRE(defs.selection.platforms.size() == 6);
        for (const auto& platform_choice : defs.selection.platforms) {
            const std::string& platform = platform_choice.first;
            const auto& choice = platform_choice.second;
            CAPTURE(platform);
            for (const auto& minor_bench : choice.minors) {
                const std::string& minor = minor_bench.first;
                const std::string& bench = minor_bench.second;
                CAPTURE(minor);
                REQUIRE(defs.benchmarks.count(bench) == 1);
                CHECK(defs.benchmarks.at(bench).platform == platform);
                // A minor goes to a benchmark that states it covers it: no warning for it.
                auto chosen = choose({{"flag", minor, minor, platform, "from the flags"}});
                CHECK(chosen.benchmark == bench);
                CHECK(chosen.warnings.empty());
            }
        }
    }

    TEST_CASE("the mapping file is validated strictly") {
        CHECK(diagnostics_of("platforms: {generic: {ranges: [{benchmark: cis-1.12, minors: "
                             "[\"1.32\"]}], older: cis-1.12, newer: cis-1.12}}\n")
                  .find("missing required key 'fallback'") != std::string::npos);
        const std::string head =
            "fallback: cis-1.12\nplatforms:\n  generic:\n    older: cis-1.9\n"
            "    newer: cis-2.1\n    ranges:\n";
        CHECK(diagnostics_of(head + "      - {benchmark: cis-9, minors: [\"1.32\"]}\n")
                  .find("unknown benchmark 'cis-9'") != std::string::npos);
        CHECK(diagnostics_of(head + "      - {benchmark: cis-1.12, minors: [1.3.2]}\n")
                  .find("invalid Kubernetes minor '1.3.2'") != std::string::npos);
        CHECK(diagnostics_of(head + "      - {benchmark: cis-1.12, minors: [\"1.32\"]}\n"
                                    "      - {benchmark: cis-2.0, minors: [\"1.32\"]}\n")
                  .find("Kubernetes 1.32 is mapped twice for platform generic (cis-1.12 and "
                        "cis-2.0)") != std::string::npos);
        CHECK(diagnostics_of(head + "      - {benchmark: eks-1.8.0, minors: [\"1.32\"]}\n")
                  .find("benchmark 'eks-1.8.0' is for platform eks, not generic") !=
              std::string::npos);
        CHECK(diagnostics_of(head + "      - {benchmark: cis-1.12, minors: [\"1.32\"], x: 1}\n")
                  .find("unknown key 'x' in range") != std::string::npos);
        CHECK(diagnostics_of("fallback: cis-1.12\nplatforms:\n  openshift: {}\n")
                  .find("invalid platform 'openshift'") != std::string::npos);
        CHECK(diagnostics_of("fallback: cis-1.12\nplatforms: {}\n")
                  .find("'platforms' needs an entry for generic") != std::string::npos);
    }
}
