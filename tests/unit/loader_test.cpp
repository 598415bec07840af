#include <doctest/doctest.h>

#include "app/definitions.hpp"

#include <set>

#include "loader/loader.hpp"

using namespace kubeproof::loader;
using kubeproof::parse::Diagnostics;

namespace {

constexpr const char* k_catalogue = R"(components:
  kubelet:
    name: kubelet
    targets: [node]
    processes: [kubelet]
    flag_defaults: {--anonymous-auth: "true"}
    bool_flags: [--anonymous-auth]
    config:
      file: config
      defaults:
        authentication.anonymous.enabled: "false"
        streamingConnectionIdleTimeout: {value: 4h0m0s, zero_means_default: true}
    files:
      config: {from_flag: --config, candidates: [/var/lib/kubelet/config.yaml]}
)";

constexpr const char* k_benchmark = R"(id: test-1
title: Test benchmark
sections: [node.yaml]
)";

std::string node_with(const std::string& check) {
    return "section: \"4\"\ntarget: node\ntitle: Node\ngroups:\n  - id: \"4.1\"\n    title: "
           "Files\n    checks:\n" +
           check;
}

constexpr const char* k_good_check = R"(      - id: "4.1.1"
        key: kubelet.config.mode
        title: A check
        cis: automated
        components: [kubelet]
        test:
          file: kubelet.config
          mode: "600"
        remediation: fix it
)";

struct Loaded {
    kubeproof::model::Definitions defs;
    std::string diagnostics;
};

Loaded load_with(const std::string& node_yaml, const std::string& catalogue = k_catalogue) {
    std::vector<SourceFile> files = {
        {"checks/components.yaml", "d/components.yaml", catalogue},
        {"checks/test-1/benchmark.yaml", "d/test-1/benchmark.yaml", k_benchmark},
        {"checks/test-1/node.yaml", "d/test-1/node.yaml", node_yaml}};
    Diagnostics diagnostics;
    auto defs = load_definitions(files, diagnostics);
    return {defs, diagnostics.format()};
}

}  // namespace

TEST_SUITE("loader") {
    TEST_CASE("a valid definition set loads without diagnostics") {
        auto loaded = load_with(node_with(k_good_check));
        CHECK(loaded.diagnostics == "");
        REQUIRE(loaded.defs.benchmarks.count("test-1") == 1);
        const auto& check =
            loaded.defs.benchmarks.at("test-1").sections.at(0).groups.at(0).checks.at(0);
        CHECK(check.id == "4.1.1");
        CHECK(check.automated);
        CHECK(check.where.file == "d/test-1/node.yaml");
        CHECK(check.where.line == 8);
        const auto& kubelet = loaded.defs.catalogue.components.at("kubelet");
        CHECK(kubelet.config_defaults.at("streamingConnectionIdleTimeout").zero_means_default);
        CHECK(kubelet.roles.at("config").from_flag == "--config");
    }

    TEST_CASE("an unknown key is reported with file:line:col, the line and a caret") {
        std::string check = k_good_check;
        check.replace(check.find("remediation"), 0, "colour: red\n        ");
        CHECK(load_with(node_with(check)).diagnostics ==
              "d/test-1/node.yaml:16:9: unknown key 'colour' in check\n"
              "            colour: red\n"
              "            ^\n");
    }

    TEST_CASE("an unknown audit requirement names the known ones") {
        std::string check = k_good_check;
        check.replace(check.find("file: kubelet.config"),
                      std::string("file: kubelet.config\n          mode: \"600\"").size(),
                      "audit_policy: flag:--audit-policy-file\n          requires: [writes-logged, "
                      "secrets]");
        CHECK(load_with(node_with(check)).diagnostics ==
              "d/test-1/node.yaml:15:37: unknown audit requirement 'secrets' (known: has-rules, "
              "writes-logged, secrets-metadata-only, workload-changes-logged, pod-access-logged, "
              "rbac-changes-logged)\n"
              "              requires: [writes-logged, secrets]\n"
              "                                        ^\n");
        std::string empty = k_good_check;
        empty.replace(empty.find("file: kubelet.config"),
                      std::string("file: kubelet.config\n          mode: \"600\"").size(),
                      "audit_policy: flag:--audit-policy-file\n          requires: []");
        CHECK(load_with(node_with(empty)).diagnostics ==
              "d/test-1/node.yaml:15:21: 'requires' must be a non-empty list of audit "
              "requirements\n"
              "              requires: []\n"
              "                        ^\n");
    }

    TEST_CASE("an unknown operator names the known ones") {
        std::string check = k_good_check;
        check.replace(check.find("file: kubelet.config"),
                      std::string("file: kubelet.config\n          mode: \"600\"").size(),
                      "flag: --anonymous-auth\n          gte2: 30");
        CHECK(load_with(node_with(check)).diagnostics ==
              "d/test-1/node.yaml:15:11: unknown operator 'gte2' (known: set, eq, noteq, gt, gte, "
              "lt, lte, has, nothave, "
              "regex, subset_of, has_any)\n"
              "              gte2: 30\n"
              "              ^\n");
    }

    TEST_CASE("a missing required key is reported at the mapping") {
        std::string check = k_good_check;
        check.erase(check.find("        title: A check\n"),
                    std::string("        title: A check\n").size());
        auto text = load_with(node_with(check)).diagnostics;
        CHECK(text.rfind("d/test-1/node.yaml:8:9: check is missing required key 'title'\n", 0) ==
              0);
    }

    TEST_CASE("an invalid regular expression is a load error") {
        std::string check = k_good_check;
        check.replace(check.find("file: kubelet.config"),
                      std::string("file: kubelet.config\n          mode: \"600\"").size(),
                      "flag: --anonymous-auth\n          regex: '('");
        auto text = load_with(node_with(check)).diagnostics;
        CHECK(text.rfind("d/test-1/node.yaml:15:18: invalid regular expression '(': missing ): (\n",
                         0) == 0);
    }

    TEST_CASE("duplicate ids, unknown components and unknown roles are all reported in one pass") {
        std::string second = k_good_check;
        second.replace(second.find("components: [kubelet]"), 21, "components: [kubelt]");
        second.replace(second.find("file: kubelet.config") + 6, 14, "kubelet.nope");
        auto text = load_with(node_with(std::string(k_good_check) + second)).diagnostics;
        CHECK(text.find("d/test-1/node.yaml:17:9: duplicate check id '4.1.1' (first defined at "
                        "d/test-1/node.yaml:8)\n") != std::string::npos);
        CHECK(text.find(
                  "d/test-1/node.yaml:17:9: check '4.1.1' names unknown component 'kubelt'\n") !=
              std::string::npos);
        CHECK(
            text.find("d/test-1/node.yaml:23:11: component 'kubelet' has no file role 'nope'\n") !=
            std::string::npos);
        CHECK(text.find("d/test-1/node.yaml:17:9: duplicate check key 'kubelet.config.mode' (also "
                        "used by check 4.1.1)\n") != std::string::npos);
    }

    TEST_CASE("a check key must be a lowercase dotted name") {
        std::string check = k_good_check;
        check.replace(check.find("kubelet.config.mode"), 19, "Kubelet Config");
        CHECK(load_with(node_with(check))
                  .diagnostics.rfind("d/test-1/node.yaml:9:14: invalid key 'Kubelet Config': "
                                     "expected lowercase words joined by '.' or '-', "
                                     "e.g. apiserver.profiling\n",
                                     0) == 0);
    }

    TEST_CASE("invalid YAML syntax is reported with its position") {
        auto text =
            load_with(node_with(std::string(k_good_check) + "      - id: [unclosed\n")).diagnostics;
        CHECK(text.rfind("d/test-1/node.yaml:18:", 0) == 0);
        CHECK(text.find("invalid YAML") != std::string::npos);
    }

    TEST_CASE("invalid modes, owners, labels and subjects are reported") {
        std::string check = k_good_check;
        check.replace(check.find("mode: \"600\""), 11, "mode: \"680\"\n          owner: root");
        check.replace(check.find("cis: automated"), 14, "cis: scored");
        auto text = load_with(node_with(check)).diagnostics;
        CHECK(text.find("d/test-1/node.yaml:11:14: invalid cis label 'scored': expected automated "
                        "or manual\n") != std::string::npos);
        CHECK(text.find("d/test-1/node.yaml:15:17: invalid mode '680': expected three or four "
                        "octal digits\n") != std::string::npos);
        CHECK(text.find("d/test-1/node.yaml:16:18: invalid owner 'root': expected user:group\n") !=
              std::string::npos);
    }

    TEST_CASE("a test item needs a subject and an assertion") {
        std::string check = k_good_check;
        check.replace(check.find("file: kubelet.config\n          mode: \"600\""),
                      std::string("file: kubelet.config\n          mode: \"600\"").size(),
                      "flag: --anonymous-auth");
        auto text = load_with(node_with(check)).diagnostics;
        CHECK(text.rfind("d/test-1/node.yaml:14:11: test item has no assertion\n", 0) == 0);
        std::string other = k_good_check;
        other.replace(other.find("file: kubelet.config"), 20, "colour: kubelet.config");
        CHECK(load_with(node_with(other)).diagnostics.find("test item has no subject") !=
              std::string::npos);
    }

    TEST_CASE("bool_flags and flag_library are read into the component's flag syntax") {
        std::string catalogue = k_catalogue;
        catalogue.replace(catalogue.find("    bool_flags:"), 0, "    flag_library: go\n");
        auto loaded = load_with(node_with(k_good_check), catalogue);
        CHECK(loaded.diagnostics == "");
        const auto& syntax = loaded.defs.catalogue.components.at("kubelet").flag_syntax;
        CHECK(syntax.library == kubeproof::model::FlagLibrary::Go);
        CHECK(syntax.bool_flags == std::set<std::string>{"--anonymous-auth"});
        CHECK(load_with(node_with(k_good_check))
                  .defs.catalogue.components.at("kubelet")
                  .flag_syntax.library == kubeproof::model::FlagLibrary::Pflag);
    }

    TEST_CASE(
        "a bad flag_library, a bool flag without dashes and a boolean default outside bool_flags "
        "are reported") {
        std::string catalogue = k_catalogue;
        catalogue.replace(catalogue.find("    bool_flags: [--anonymous-auth]"),
                          std::string("    bool_flags: [--anonymous-auth]").size(),
                          "    flag_library: gnu\n    bool_flags: [anonymous-auth]");
        CHECK(load_with(node_with(k_good_check), catalogue).diagnostics ==
              "d/components.yaml:6:21: flag '--anonymous-auth' has a boolean default but is not in "
              "the bool_flags of component 'kubelet'\n"
              "        flag_defaults: {--anonymous-auth: \"true\"}\n"
              "                        ^\n"
              "d/components.yaml:7:19: unknown flag_library 'gnu' for component 'kubelet' (known: "
              "pflag, go)\n"
              "        flag_library: gnu\n"
              "                      ^\n"
              "d/components.yaml:8:18: bool flag 'anonymous-auth' must start with --\n"
              "        bool_flags: [anonymous-auth]\n"
              "                     ^\n");
    }

    TEST_CASE("a distribution is read; an unknown component or a flag without dashes is reported") {
        const std::string good =
            std::string(k_catalogue) +
            "distributions:\n  k3s:\n    name: k3s\n    process: \"k3s server\"\n"
            "    server_dir: /var/lib/rancher/k3s/server\n"
            "    config_file: /etc/rancher/k3s/config.yaml\n"
            "    components:\n      kubelet:\n        args: kubelet-arg\n"
            "        flag_defaults: {--read-only-port: \"0\"}\n";
        auto loaded = load_with(node_with(k_good_check), good);
        CHECK(loaded.diagnostics == "");
        const auto& k3s = loaded.defs.catalogue.distributions.at("k3s");
        CHECK(k3s.in_process);
        CHECK(k3s.components.at("kubelet").args_key == "kubelet-arg");
        CHECK(k3s.components.at("kubelet").flag_defaults.at("--read-only-port") == "0");

        std::string bad = good;
        bad.replace(bad.find("      kubelet:"), std::string("      kubelet:").size(),
                    "      kubelat:");
        bad.replace(bad.find("{--read-only-port"), 3, "{");
        CHECK(load_with(node_with(k_good_check), bad).diagnostics ==
              "d/components.yaml:22:7: distribution 'k3s' embeds unknown component 'kubelat'\n"
              "          kubelat:\n"
              "          ^\n"
              "d/components.yaml:24:25: flag 'read-only-port' must start with --\n"
              "            flag_defaults: {read-only-port: \"0\"}\n"
              "                            ^\n");
    }

    TEST_CASE("a flag compared as a boolean must be a bool flag of its component") {
        std::string check = k_good_check;
        check.replace(check.find("file: kubelet.config\n          mode: \"600\""),
                      std::string("file: kubelet.config\n          mode: \"600\"").size(),
                      "flag: --rotate-certificates\n          eq: true");
        CHECK(load_with(node_with(check)).diagnostics ==
              "d/test-1/node.yaml:14:11: flag '--rotate-certificates' is compared as a boolean, "
              "but component 'kubelet' does not list it "
              "in bool_flags\n"
              "              flag: --rotate-certificates\n"
              "              ^\n");
    }

    TEST_CASE("a missing section file is reported at its benchmark") {
        std::vector<SourceFile> files = {
            {"checks/components.yaml", "d/components.yaml", k_catalogue},
            {"checks/test-1/benchmark.yaml", "d/test-1/benchmark.yaml", k_benchmark}};
        Diagnostics diagnostics;
        load_definitions(files, diagnostics);
        CHECK(diagnostics.format() ==
              "d/test-1/benchmark.yaml: section file 'node.yaml' does not exist\n");
    }

    TEST_CASE("a missing catalogue stops the load with one clear message") {
        std::vector<SourceFile> files = {
            {"checks/test-1/benchmark.yaml", "d/test-1/benchmark.yaml", k_benchmark}};
        Diagnostics diagnostics;
        load_definitions(files, diagnostics);
        CHECK(
            diagnostics.format() ==
            "d/components.yaml: the component catalogue is missing (is this the folder that holds "
            "components.yaml and the benchmark folders?)\n");
    }

    TEST_CASE("every shipped definition file loads cleanly") {
        Diagnostics diagnostics;
        auto defs = load_definitions(kubeproof::app::embedded_sources(), diagnostics);
        CHECK(diagnostics.format() == "");
        REQUIRE(defs.benchmarks.count("cis-1.12") == 1);
        size_t checks = 0;
        for (const auto& s : defs.benchmarks.at("cis-1.12").sections)
            for (const auto& g : s.groups) checks += g.checks.size();
        CHECK(checks == 131);
    }
}

TEST_SUITE("loader/frameworks") {
    namespace {
    constexpr const char* k_framework = R"(framework: demo
title: Demo framework
required: true
criteria:
  - id: D1
    title: First
  - id: D2
    title: Second
mappings:
  kubelet.config.mode:
    - id: D2
      why: a reason
      source: inference
)";

    std::string load_framework(const std::string& framework, const std::string& extra_check = "") {
        std::vector<SourceFile> files = {
            {"checks/components.yaml", "d/components.yaml", k_catalogue},
            {"checks/test-1/benchmark.yaml", "d/test-1/benchmark.yaml", k_benchmark},
            {"checks/test-1/node.yaml", "d/test-1/node.yaml",
             node_with(std::string(k_good_check) + extra_check)},
            {"frameworks/demo.yaml", "f/demo.yaml", framework}};
        Diagnostics diagnostics;
        auto defs = load_definitions(files, diagnostics);
        if (diagnostics.empty()) {
            REQUIRE(defs.frameworks.count("demo") == 1);
            CHECK(defs.frameworks.at("demo").mappings.at("kubelet.config.mode").at(0).why ==
                  "a reason");
        }
        return diagnostics.format();
    }
    }  // namespace

    TEST_CASE("a complete mapping loads") { CHECK(load_framework(k_framework) == ""); }

    TEST_CASE("unknown criteria and unknown check keys are reported where they are written") {
        std::string fw = k_framework;
        fw.replace(fw.find("id: D2\n      why"), 6, "id: D9");
        fw += "  no.such.check:\n    - {id: D1, why: x, source: inference}\n";
        CHECK(load_framework(fw) ==
              "f/demo.yaml:11:7: 'D9' is not a criterion of demo\n"
              "        - id: D9\n"
              "          ^\n"
              "f/demo.yaml:14:3: no check has the key 'no.such.check'\n"
              "      no.such.check:\n"
              "      ^\n");
    }

    TEST_CASE("a required framework reports every unmapped check at the check") {
        std::string second = k_good_check;
        second.replace(second.find("\"4.1.1\""), 7, "\"4.1.2\"");
        second.replace(second.find("kubelet.config.mode"), 19, "kubelet.config.owner");
        CHECK(load_framework(k_framework, second) ==
              "d/test-1/node.yaml:17:9: check 4.1.2 (kubelet.config.owner) is not mapped to demo "
              "(f/demo.yaml)\n"
              "          - id: \"4.1.2\"\n"
              "            ^\n");
        std::string optional = k_framework;
        optional.replace(optional.find("required: true"), 14, "required: false");
        CHECK(load_framework(optional, second) == "");
    }

    TEST_CASE("links need a rationale and a source") {
        std::string fw = k_framework;
        fw.erase(fw.find("      source: inference\n"),
                 std::string("      source: inference\n").size());
        CHECK(load_framework(fw).rfind(
                  "f/demo.yaml:11:7: mapping link is missing required key 'source'\n", 0) == 0);
    }
}
