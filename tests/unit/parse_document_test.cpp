#include <doctest/doctest.h>

#include <yaml-cpp/yaml.h>

#include "parse/document.hpp"

using namespace kubeproof::parse;

namespace {

constexpr const char* k_encryption = R"(apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
  - resources: [secrets]
    providers:
      - aescbc:
          keys: [{name: k1, secret: c2VjcmV0}]
      - identity: {}
  - resources: [configmaps]
    providers:
      - identity: {}
)";

}  // namespace

TEST_SUITE("parse/document") {
    TEST_CASE("YAML scalars keep their types; quoted ones stay strings") {
        auto doc = parse_document("/c.yaml", "a: false\nb: 10255\nc: \"0\"\nd: 0s\ne:\n");
        REQUIRE(doc.loaded);
        CHECK(doc.data["a"] == false);
        CHECK(doc.data["b"] == 10255);
        CHECK(doc.data["c"] == "0");
        CHECK(scalar_text(doc.data["a"]) == "false");
        CHECK(scalar_text(doc.data["b"]) == "10255");
        CHECK(scalar_text(doc.data["d"]) == "0s");
        CHECK(doc.data["e"].is_null());
    }

    TEST_CASE("JSON parses too, and lines are remembered per key path") {
        auto doc = parse_document(
            "/k.json",
            "{\n  \"authentication\": {\n    \"anonymous\": {\"enabled\": false}\n  }\n}\n");
        REQUIRE(doc.loaded);
        auto sel = select(doc.data, "authentication.anonymous.enabled");
        REQUIRE(sel.values.size() == 1);
        CHECK(sel.values[0] == false);
        CHECK(sel.paths[0] == "authentication.anonymous.enabled");
        CHECK(doc.lines.at("authentication.anonymous.enabled") == 3);
    }

    TEST_CASE("wildcards, indexes and @keys select several values") {
        auto doc = parse_document("/e.yaml", k_encryption);
        REQUIRE(doc.loaded);
        auto first = select(doc.data, "resources[*].providers[0].@keys");
        CHECK(first.wildcard);
        REQUIRE(first.values.size() == 2);
        CHECK(first.values[0] == "aescbc");
        CHECK(first.values[1] == "identity");
        CHECK(first.paths[0] == "resources[0].providers[0].aescbc");
        CHECK(doc.lines.at("resources[0].providers[0].aescbc") == 6);
        CHECK(select(doc.data, "resources[1].resources[0]").values.at(0) == "configmaps");
        CHECK(select(doc.data, "resources[5].providers").values.empty());
        CHECK(select(doc.data, "resources[x]").values.empty());
        CHECK(select(doc.data, "missing.key").values.empty());
    }

    TEST_CASE("first_key reads a path's first step as select does") {
        const auto plain = first_key("pod.os.name");
        REQUIRE(plain);
        CHECK(plain->key == "pod");
        CHECK(plain->rest == ".os.name");
        const auto escaped = first_key("pod\\.x.y");  // the key "pod.x"
        REQUIRE(escaped);
        CHECK(escaped->key == "pod.x");
        CHECK(escaped->rest == ".y");
        const auto indexed = first_key("..pod[1]");
        REQUIRE(indexed);
        CHECK(indexed->key == "pod");
        CHECK(indexed->rest == "[1]");
        CHECK(first_key("pod")->rest.empty());
        CHECK_FALSE(first_key(""));
        CHECK_FALSE(first_key("."));
        CHECK_FALSE(first_key("@keys"));
        CHECK_FALSE(first_key("[0].a"));
        CHECK_FALSE(first_key("[*]"));
        CHECK_FALSE(first_key("\\@keys"));  // select reads it as @keys too
    }

    TEST_CASE("a syntax error names path:line:col") {
        auto doc = parse_document("/var/lib/kubelet/config.yaml", "a: [1, 2\nb: c\n");
        CHECK_FALSE(doc.loaded);
        CHECK(doc.error.rfind("/var/lib/kubelet/config.yaml:", 0) == 0);
        CHECK(doc.error.find("invalid YAML/JSON") != std::string::npos);
    }

    TEST_CASE("a stray comma after a JSON object is an error, not an endless parse") {
        // Found by fuzz_document: yaml-cpp's LoadAll() never ended on this stream, allocating an
        // empty document per round until memory ran out (tests/fuzz/corpus/document).
        auto doc = parse_document("/var/lib/kubelet/config.json", "{\"a\": 1},\n");
        CHECK_FALSE(doc.loaded);
        CHECK(doc.error ==
              "/var/lib/kubelet/config.json:1:9: invalid YAML/JSON: unexpected character after "
              "the document");
        // The input found: a JSON object closed early, the rest of it after the stray ','.
        auto spread = parse_document("/etc/k.json", "{\n  \"a\": 1\n  },\n  \"c\": [\n  ]\n}\n");
        CHECK_FALSE(spread.loaded);
        CHECK(spread.error.rfind("/etc/k.json:3:4: invalid YAML/JSON", 0) == 0);
        // Documents after the first still parse, empty ones too.
        CHECK(parse_document("/etc/m.yaml", "a: 1\n---\n---\nb: 2\n").loaded);
    }

    TEST_CASE("a node config file whose aliases expand past the limit is not read") {
        std::string bomb = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
        for (int level = 1; level < 7; ++level) {
            const std::string prev = "*a" + std::to_string(level - 1);
            bomb += "a" + std::to_string(level) + ": &a" + std::to_string(level) + " [" + prev +
                    ", " + prev + ", " + prev + ", " + prev + ", " + prev + ", " + prev + ", " +
                    prev + ", " + prev + ", " + prev + ", " + prev + "]\n";
        }
        const Document doc =
            parse_document("/var/lib/kubelet/config.yaml", bomb);  // 10^7 values expanded
        CHECK_FALSE(doc.loaded);
        CHECK(doc.error ==
              "/var/lib/kubelet/config.yaml: the document holds more than 1000000 values once its "
              "YAML aliases are expanded; it is not read");
        CHECK(yaml_values_within(YAML::Load("{a: [1, 2], b: c}"),
                                 7));  // the map, 2 keys, the list, 3 scalars
        CHECK_FALSE(yaml_values_within(YAML::Load("{a: [1, 2], b: c}"), 6));
    }

    TEST_CASE("lists read as comma-joined text") {
        auto doc = parse_document("/c.yaml", "tlsCipherSuites:\n- A\n- B\n");
        CHECK(scalar_text(doc.data["tlsCipherSuites"]) == "A,B");
    }
}

TEST_SUITE("parse/document") {
    TEST_CASE("an escaped dot is part of the key name") {
        auto doc = parse_document(
            "/ns.yaml",
            "metadata:\n  labels:\n    pod-security.kubernetes.io/enforce: restricted\n");
        auto sel = select(doc.data, "metadata.labels.pod-security\\.kubernetes\\.io/enforce");
        REQUIRE(sel.values.size() == 1);
        CHECK(sel.values[0] == "restricted");
    }
}

TEST_SUITE("parse/document") {
    TEST_CASE("a document over the value cap without aliases is too large, with its size") {
        const auto node = YAML::Load("items: [1, 2, 3]");
        CHECK(too_many_values(node, 12) ==
              "the document is too large: 12 bytes of YAML holding more than 1000000 values, the "
              "most kubeproof reads of one document; it is not read");
        CHECK(too_many_values(node, size_t{97} << 20)
                  .starts_with("the document is too large: 97.0 MiB of YAML"));
        const auto aliased = YAML::Load("a: &x [1, 2]\nb: *x\n");
        CHECK(too_many_values(aliased, 20) ==
              "the document holds more than 1000000 values once its YAML aliases are expanded; "
              "it is not read");
    }
}

TEST_SUITE("parse/document") {
    TEST_CASE("large text is counted from parser events before it is built") {
        CHECK(yaml_text_within("{a: [1, 2], b: c}", 7));  // the map, 2 keys, the list, 3 scalars
        CHECK_FALSE(yaml_text_within("{a: [1, 2], b: c}", 6));
        CHECK(yaml_text_within("a: &x [1, 2]\nb: *x\n", 7));    // 9 expanded: an alias counts once
        CHECK(yaml_text_within("a: [1, 2\n", 100));             // the parse that builds says where
        CHECK_FALSE(yaml_text_within("a: 1\n---\nb: 2\n", 5));  // every document counts
        std::string big = "items: [1";
        for (int i = 0; i < 1000000; ++i) big += ",1";  // 2 MB, a value more than the cap
        big += "]\n";
        REQUIRE(big.size() > k_count_before_building);
        const Document doc = parse_document("/etc/big.yaml", big);
        CHECK_FALSE(doc.loaded);
        CHECK(doc.error ==
              "/etc/big.yaml: the document is too large: 1.9 MiB of YAML holding more than "
              "1000000 values, the most kubeproof reads of one document; it is not read");
        CHECK(parse_document("/etc/small.yaml", "items: [1, 1]\n").loaded);
    }
}
