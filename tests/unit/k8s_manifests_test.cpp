#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "host_tree_fixture.hpp"
#include "k8s/manifest_index.hpp"
#include "k8s/manifest_reader.hpp"
#include "k8s/manifests.hpp"
#include "kubectl_objects.hpp"
#include "local/manifest_files.hpp"
#include "model/api_group.hpp"

using namespace kubeproof;
using k8s::ManifestObject;
using k8s::ManifestSource;
using model::ResourceType;
using namespace kubeproof::test;

namespace {

const std::string k_fixtures = "../shared/reference/peer-fixtures/";

const ResourceType k_deployments{"apps", "v1", "deployments", "Deployment", true};
const ResourceType k_services{"", "v1", "services", "Service", true};
const ResourceType k_service_accounts{"", "v1", "serviceaccounts", "ServiceAccount", true};
const ResourceType k_cluster_role_bindings{"rbac.authorization.k8s.io", "v1", "clusterrolebindings",
                                           "ClusterRoleBinding", false};
const ResourceType k_namespaces{"", "v1", "namespaces", "Namespace", false};
const ResourceType k_pods{"", "v1", "pods", "Pod", true};

struct Parsed {
    std::vector<ManifestObject> objects;
    parse::Diagnostics diagnostics;
};

Parsed parse_text(std::string_view text, const std::string& file = "k8s/app.yaml") {
    Parsed parsed;
    k8s::for_each_object(
        text, file, [&](ManifestObject&& o) { parsed.objects.push_back(std::move(o)); },
        parsed.diagnostics);
    return parsed;
}

std::string kinds(const std::vector<ManifestObject>& objects) {
    std::string out;
    for (const auto& o : objects)
        out += (out.empty() ? "" : ",") + o.object["kind"].get<std::string>();
    return out;
}

std::string messages(const parse::Diagnostics& diagnostics) {
    std::string out;
    for (const auto& d : diagnostics.items()) out += parse::format_location(d) + "\n";
    return out;
}

/// Lists one type from a source: "file:line namespace/name" per object.
std::vector<std::string> listed(ManifestSource& source, const ResourceType& type) {
    std::vector<std::string> out;
    auto outcome = source.list(type, [&](nlohmann::json&& object, const model::Origin& origin) {
        out.push_back(origin.file + ":" + std::to_string(origin.line) + " " +
                      object["metadata"].value("namespace", "") + "/" +
                      object["metadata"].value("name", ""));
    });
    CHECK(outcome.kind == model::ListOutcome::Kind::Ok);
    CHECK(outcome.type == type.name());
    CHECK(outcome.count == out.size());
    return out;
}

/// A manifest input in memory that records what is read of it and can change behind the reader's
/// back (its stamp still the same).
struct RecordingInput final : local::ManifestInput {
    RecordingInput(std::string name, std::string content)
        : file(std::move(name)), text(std::move(content)) {}
    const std::string& name() const override { return file; }
    size_t size() const override { return text.size(); }
    util::IoResult<std::string_view> read(size_t offset, size_t length) override {
        reads.push_back(text.substr(offset, length));
        return std::string_view(text).substr(offset, length);
    }
    util::IoResult<bool> changed() override {
        ++reopened;
        return false;
    }
    void close() override {}

    std::string file;
    std::string text;
    std::vector<std::string> reads;  ///< every piece read, in order
    int reopened = 0;                ///< how often changed() was asked
};

/// Reads back the objects of `types` from an indexed input: "line kind/name" each.
std::vector<std::string> read_back(RecordingInput& input, const k8s::ManifestIndex& index,
                                   const std::vector<ResourceType>& types) {
    std::vector<std::string> out;
    const auto delivered =
        k8s::ManifestReader(input, index)
            .read(k8s::WantedTypes(types), [&](ManifestObject&& o, size_t type) {
                out.push_back(std::to_string(o.origin.line) + " " + types[type].kind + "/" +
                              o.object["metadata"].value("name", ""));
            });
    REQUIRE(delivered);
    CHECK(*delivered == out.size());
    return out;
}

/// The objects of every input a source loaded.
size_t objects_in(const ManifestSource& source) {
    size_t objects = 0;
    for (const auto& input : source.summary()) objects += input.objects;
    return objects;
}

}  // namespace

TEST_SUITE("k8s/manifests") {
    TEST_CASE("a kubectl Deployment keeps its types, file and line") {
        auto parsed = parse_text(k_kubectl_deployment);
        REQUIRE(parsed.diagnostics.empty());
        REQUIRE(parsed.objects.size() == 1);
        const auto& o = parsed.objects[0];
        CHECK(o.origin.file == "k8s/app.yaml");
        CHECK(o.origin.line == 1);
        CHECK(o.object["spec"]["replicas"] == 1);
        CHECK(o.object["metadata"]["creationTimestamp"].is_null());
        CHECK(o.object["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx");
        CHECK(o.helm_source.empty());
        CHECK(k8s::is_of_type(o.object, k_deployments));
    }

    TEST_CASE("a kubectl JSON ClusterRoleBinding") {
        auto parsed = parse_text(k_kubectl_binding, "rbac/x.json");
        REQUIRE(parsed.diagnostics.empty());
        REQUIRE(parsed.objects.size() == 1);
        CHECK(parsed.objects[0].origin.line == 1);
        CHECK(parsed.objects[0].object["subjects"][0]["name"] == "bob");
        CHECK(k8s::is_of_type(parsed.objects[0].object, k_cluster_role_bindings));
        CHECK_FALSE(k8s::is_of_type(parsed.objects[0].object, k_deployments));
    }

    TEST_CASE("multi-document YAML: comments, empty and null documents, '...' ends, CRLF") {
        const std::string text =
            "# leading comment\n---\n" + std::string(k_kubectl_namespace) +
            "---\n---\n# only a comment\n--- null\n...\n%YAML 1.2\n---\n" +
            std::string(k_kubectl_deployment) + "...\n" +
            "apiVersion: v1\r\nkind: ServiceAccount\r\nmetadata:\r\n  name: sa\r\n";
        auto parsed = parse_text(text);
        CHECK(messages(parsed.diagnostics) == "");
        CHECK(kinds(parsed.objects) == "Namespace,Deployment,ServiceAccount");
        REQUIRE(parsed.objects.size() == 3);
        CHECK(parsed.objects[0].origin.line == 3);
        CHECK(parsed.objects[1].origin.line == 17);
        CHECK(parsed.objects[2].origin.line == 42);
        CHECK(parsed.objects[2].object["metadata"]["name"] == "sa");
    }

    TEST_CASE("a kubectl List is expanded, each item at its own line") {
        for (auto [text, lines] : {std::pair{k_kubectl_list_yaml, std::pair{3, 17}},
                                   std::pair{k_kubectl_list_json, std::pair{4, 11}}}) {
            auto parsed = parse_text(text, "list");
            REQUIRE(parsed.diagnostics.empty());
            CHECK(kinds(parsed.objects) == "Namespace,ServiceAccount");
            REQUIRE(parsed.objects.size() == 2);
            CHECK(parsed.objects[0].origin.line == lines.first);
            CHECK(parsed.objects[1].origin.line == lines.second);
            CHECK(parsed.objects[1].object["automountServiceAccountToken"] == false);
        }
    }

    TEST_CASE("a typed list's items get its apiVersion and kind; an empty List has no objects") {
        auto parsed = parse_text(
            "apiVersion: v1\nkind: PodList\nitems:\n- metadata: {name: a}\n- metadata: {name: b}\n"
            "---\napiVersion: v1\nkind: List\nitems: []\n");
        REQUIRE(parsed.diagnostics.empty());
        CHECK(kinds(parsed.objects) == "Pod,Pod");
        REQUIRE(parsed.objects.size() == 2);
        CHECK(parsed.objects[1].object["apiVersion"] == "v1");
        CHECK(parsed.objects[1].origin.line == 5);
    }

    TEST_CASE("Helm output on stdin keeps each template's Source") {
        const std::string text =
            "---\n# Source: web/templates/serviceaccount.yaml\napiVersion: v1\nkind: "
            "ServiceAccount\n"
            "metadata:\n  name: web\n---\n# Source: web/templates/deployment.yaml\n" +
            std::string(k_kubectl_deployment);
        auto parsed = parse_text(text, "<stdin>");
        REQUIRE(parsed.objects.size() == 2);
        CHECK(parsed.objects[0].helm_source == "web/templates/serviceaccount.yaml");
        CHECK(parsed.objects[1].helm_source == "web/templates/deployment.yaml");
        std::istringstream helm(text);
        ManifestSource source({"-"}, &helm);
        parse::Diagnostics diagnostics;
        REQUIRE(source.load(diagnostics));
        CHECK(listed(source, k_service_accounts) == std::vector<std::string>{"<stdin>:3 /web"});
        CHECK(listed(source, k_deployments) == std::vector<std::string>{"<stdin>:9 /web"});
        CHECK(source.describe() == "manifests -");
    }

    TEST_CASE("errors name file:line:col, and the other documents are still read") {
        auto parsed = parse_text(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n---\n"
            "image: nginx\n---\napiVersion: v1\nmetadata: {}\n---\nkind: Pod\n---\n- a\n- b\n"
            "---\napiVersion: v1\nkind: List\nitems: {a: 1}\n---\napiVersion: v1\nkind: List\n"
            "items:\n- apiVersion: v1\n  metadata: {}\n- just text\n---\nmetadata:\n  labels: [a, "
            "b\n");
        CHECK(kinds(parsed.objects) == "ConfigMap");
        CHECK(messages(parsed.diagnostics) ==
              "k8s/app.yaml:5:1: not a Kubernetes object: no \"apiVersion\" and no \"kind\"\n"
              "k8s/app.yaml:7:1: not a Kubernetes object: no \"kind\"\n"
              "k8s/app.yaml:10:1: not a Kubernetes object: no \"apiVersion\"\n"
              "k8s/app.yaml:12:1: not a Kubernetes object: expected a mapping, found a sequence\n"
              "k8s/app.yaml:17:8: \"items\" of a List must be a sequence, found a mapping\n"
              "k8s/app.yaml:22:3: not a Kubernetes object: no \"kind\"\n"
              "k8s/app.yaml:24:3: not a Kubernetes object: expected a mapping, found a scalar\n"
              "k8s/app.yaml:28:1: invalid YAML: end of sequence flow not found\n");
    }

    TEST_CASE(
        "invalid JSON is named so, where the JSON parser stopped, with the source line and a "
        "caret") {
        auto parsed = parse_text("{\n  \"kind\": \"Pod\"\n  \"metadata\": {}\n}\n", "pod.json");
        CHECK(parsed.objects.empty());
        CHECK(parsed.diagnostics.format() ==
              "pod.json:3:12: invalid JSON: syntax error while parsing object - unexpected string "
              "literal; "
              "expected '}'\n      \"metadata\": {}\n               ^\n");
    }

    TEST_CASE(
        "JSON: values one after another (kubectl label --local -o json), typed lists, errors") {
        // `kubectl label --local -f two.yaml tier=ci -o json` prints two objects back to back.
        auto parsed = parse_text(
            "{\n    \"apiVersion\": \"v1\",\n    \"kind\": \"Namespace\",\n    \"metadata\": "
            "{\"name\": \"team-a\"}\n}\n{\n    \"apiVersion\": \"v1\",\n    \"kind\": "
            "\"ServiceAccount\",\n    \"metadata\": {\"name\": \"builder\", \"annotations\": "
            "{\"note\": \"\\uD83D\\uDE00\"}}\n}\n",
            "two.json");
        CHECK(messages(parsed.diagnostics) == "");
        CHECK(kinds(parsed.objects) == "Namespace,ServiceAccount");
        REQUIRE(parsed.objects.size() == 2);
        CHECK(parsed.objects[1].origin.line == 6);
        CHECK(parsed.objects[1].object["metadata"]["annotations"]["note"] == "\xF0\x9F\x98\x80");
        // The API server's own PodList: items carry neither apiVersion nor kind.
        parsed = parse_text(R"({"kind": "PodList", "apiVersion": "v1", "items": [
  {"metadata": {"name": "a"}},
  {"metadata": {"name": "b"}}, 7, []]}
[{"kind": "Pod"}]
{"kind": "List", "apiVersion": "v1", "items": [{"apiVersion": "v1"}], "x": 1}
{"kind": "List", "apiVersion": "v1", "items": {"a": 1}})",
                            "pods.json");
        CHECK(kinds(parsed.objects) == "Pod,Pod");
        CHECK(parsed.objects[1].origin.line == 3);
        CHECK(parsed.objects[1].object["apiVersion"] == "v1");
        CHECK(messages(parsed.diagnostics) ==
              "pods.json:3:32: not a Kubernetes object: expected a mapping, found a scalar\n"
              "pods.json:3:35: not a Kubernetes object: expected a mapping, found a sequence\n"
              "pods.json:4:1: not a Kubernetes object: expected a mapping, found a sequence\n"
              "pods.json:5:48: not a Kubernetes object: no \"kind\"\n"
              "pods.json:6:1: \"items\" of a List must be a sequence, found a mapping\n");
    }

    TEST_CASE(
        "matching is on kind and API group, any version; extensions counts as apps for "
        "Deployments") {
        auto object = [](const char* api_version, const char* kind) {
            return nlohmann::json{{"apiVersion", api_version}, {"kind", kind}};
        };
        CHECK(k8s::is_of_type(object("apps/v1beta2", "Deployment"), k_deployments));
        CHECK(k8s::is_of_type(object("extensions/v1beta1", "Deployment"), k_deployments));
        CHECK_FALSE(k8s::is_of_type(object("extensions/v1beta1", "Service"), k_services));
        CHECK_FALSE(k8s::is_of_type(object("v1", "Deployment"), k_deployments));
        CHECK_FALSE(k8s::is_of_type(object("example.com/v1", "Deployment"), k_deployments));
        CHECK(k8s::is_of_type(object("v1", "Service"), k_services));
        CHECK(model::api_group("rbac.authorization.k8s.io/v1") == "rbac.authorization.k8s.io");
        CHECK(model::api_group("v1").empty());
    }

    TEST_CASE("microservices-demo: a directory read in path order, objects at their lines") {
        ManifestSource source(
            {k_fixtures + "GoogleCloudPlatform-microservices-demo/kubernetes-manifests/"});
        parse::Diagnostics diagnostics;
        REQUIRE(source.load(diagnostics));
        const ResourceType kustomizations{"kustomize.config.k8s.io", "v1beta1", "kustomizations",
                                          "Kustomization", false};
        std::map<std::string, int> by_kind;
        source.list_all({{k_deployments, kustomizations, k_services, k_service_accounts}},
                        [&](nlohmann::json&& object, const model::Origin&) {
                            ++by_kind[object["kind"].get<std::string>()];
                        });
        CHECK(by_kind == std::map<std::string, int>{{"Deployment", 12},
                                                    {"Kustomization", 1},
                                                    {"Service", 12},
                                                    {"ServiceAccount", 11}});
        CHECK(objects_in(source) == 36);
        const std::string dir =
            k_fixtures + "GoogleCloudPlatform-microservices-demo/kubernetes-manifests/";
        auto deployments = listed(source, k_deployments);
        REQUIRE(deployments.size() == 12);
        CHECK(deployments[0] == dir + "adservice.yaml:15 /adservice");
        CHECK(deployments[1] == dir + "cartservice.yaml:15 /cartservice");
        CHECK(deployments[2] == dir + "cartservice.yaml:89 /redis-cart");
        CHECK(listed(source, k_service_accounts)[0] == dir + "adservice.yaml:85 /adservice");
        CHECK(listed(source, k_cluster_role_bindings).empty());
    }

    TEST_CASE("each list reads the files again, with the same objects at the same lines") {
        const std::string dir =
            k_fixtures + "GoogleCloudPlatform-microservices-demo/kubernetes-manifests/";
        ManifestSource source({dir});
        parse::Diagnostics diagnostics;
        REQUIRE(source.load(diagnostics));
        const auto first = listed(source, k_deployments);
        REQUIRE(first.size() == 12);
        CHECK(first[0] == dir + "adservice.yaml:15 /adservice");
        CHECK(listed(source, k_deployments) == first);
    }

    TEST_CASE("list_all: one stage after another, each stage's types in file order") {
        const std::string dir =
            k_fixtures + "GoogleCloudPlatform-microservices-demo/kubernetes-manifests/";
        ManifestSource source({dir});
        std::vector<std::string> kinds_seen;
        auto outcomes = source.list_all(
            {{k_service_accounts}, {k_deployments, k_services, k_cluster_role_bindings}},
            [&](nlohmann::json&& object, const model::Origin&) {
                kinds_seen.push_back(object["kind"].get<std::string>());
            });
        REQUIRE(outcomes.size() == 4);
        CHECK(outcomes[0].count == 11);
        CHECK(outcomes[1].count == 12);
        CHECK(outcomes[2].count == 12);
        CHECK(outcomes[3].count == 0);
        CHECK(outcomes[3].type == "clusterrolebindings.rbac.authorization.k8s.io");
        REQUIRE(kinds_seen.size() == 35);
        CHECK(std::count(kinds_seen.begin(), kinds_seen.begin() + 11, "ServiceAccount") == 11);
        CHECK(kinds_seen[11] == "Deployment");  // adservice.yaml: the Deployment, then its Service
        CHECK(kinds_seen[12] == "Service");
    }

    TEST_CASE("a List file: each item read back alone, at its line, without ignored fields") {
        const std::string text = R"({"apiVersion": "v1", "kind": "PodList", "items": [
  {"metadata": {"name": "a", "managedFields": [{"manager": "m"}]}, "spec": {"x": 1}, "status": {"phase": "Running"}},
  {"kind": "Service", "apiVersion": "v1", "metadata": {"name": "s"}, "status": {}},
  {"metadata": {"name": "b"},
   "status": {}}
]}
)";
        TempRoot root;
        root.add_file("/pods.json", text);
        ResourceType pods{"", "v1", "pods", "Pod", true};
        pods.ignored_fields = {"status", "metadata.managedFields"};
        ManifestSource source({root.host("/pods.json")});
        std::vector<std::string> seen;
        auto outcomes = source.list_all(
            {{pods}, {k_services}}, [&](nlohmann::json&& object, const model::Origin& origin) {
                seen.push_back(std::to_string(origin.line) + " " + object.dump());
            });
        REQUIRE(outcomes.size() == 2);
        CHECK(outcomes[0].count == 2);
        CHECK(outcomes[1].count == 1);
        REQUIRE(seen.size() == 3);
        CHECK(seen[0] ==
              R"(2 {"apiVersion":"v1","kind":"Pod","metadata":{"name":"a"},"spec":{"x":1}})");
        CHECK(seen[1] == R"(4 {"apiVersion":"v1","kind":"Pod","metadata":{"name":"b"}})");
        CHECK(seen[2] ==
              R"(3 {"apiVersion":"v1","kind":"Service","metadata":{"name":"s"},"status":{}})");
        // Parsed for every type, the same items keep every field.
        const auto parsed = parse_text(text, "pods.json");
        REQUIRE(parsed.objects.size() == 3);
        CHECK(parsed.objects[0].object["status"]["phase"] == "Running");
        CHECK(parsed.objects[0].object["metadata"].contains("managedFields"));
    }

    TEST_CASE(
        "a JSON file larger than a read block: the same objects, lines and messages as in memory") {
        // Items of ~100 bytes, one per line, past the 1 MiB block size; three bad items straddle
        // it.
        std::string text = R"({"apiVersion": "v1", "kind": "List", "items": [)"
                           "\n";
        for (int i = 0; i < 30000; ++i) {
            if (i == 10482 || i == 10483 || i == 20000) {
                text += i == 20000 ? "  [1, 2],\n" : "  42,\n";
                continue;
            }
            text +=
                R"(  {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "sa-)" +
                std::to_string(i) +
                R"(", "namespace": "team"}, "automountServiceAccountToken": false},)"
                "\n";
        }
        text += R"(  {"kind": "Pod", "metadata": {"name": "late"}})"
                "\n]}\n";
        REQUIRE(text.size() > 3 * 1024 * 1024);
        TempRoot root;
        root.add_file("/big.json", text);
        const std::string file = root.host("/big.json");

        const Parsed in_memory = parse_text(text, file);
        ManifestSource source({file});
        parse::Diagnostics diagnostics;
        CHECK_FALSE(source.load(diagnostics));
        CHECK(diagnostics.format() == in_memory.diagnostics.format());
        CHECK(messages(diagnostics) ==
              file + ":10484:4: not a Kubernetes object: expected a mapping, found a scalar\n" +
                  file + ":10485:4: not a Kubernetes object: expected a mapping, found a scalar\n" +
                  file +
                  ":20002:3: not a Kubernetes object: expected a mapping, found a sequence\n" +
                  file + ":30002:3: not a Kubernetes object: no \"apiVersion\"\n");
        CHECK(diagnostics.items()[0].source_line == "  42,");
        CHECK(in_memory.objects.size() == 29997);

        // A syntax error near the end: the List is one JSON value, so none of it is read.
        text.replace(text.rfind("}}"), 2, R"(}} "oops")");
        root.add_file("/big.json", text);
        ManifestSource broken({file});
        parse::Diagnostics more;
        CHECK_FALSE(broken.load(more));
        CHECK(more.format() == parse_text(text, file).diagnostics.format());
        CHECK(messages(more) == file +
                                    ":30002:54: invalid JSON: syntax error while parsing array - "
                                    "unexpected string literal; expected ']'\n");
    }

    TEST_CASE("a YAML alias bomb is refused at its document; the other documents are read") {
        std::string bomb =
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\ndata:\n  a0: &a0 [lol, lol, "
            "lol, lol, lol, lol, lol, lol, lol, lol]\n";
        for (int level = 1; level < 9; ++level) {
            std::string row;
            for (int i = 0; i < 10; ++i) row += (i ? ", *a" : "*a") + std::to_string(level - 1);
            bomb +=
                "  a" + std::to_string(level) + ": &a" + std::to_string(level) + " [" + row + "]\n";
        }
        const auto parsed =
            parse_text(bomb + "---\n" + std::string(k_kubectl_deployment), "pr/evil.yaml");
        CHECK(kinds(parsed.objects) == "Deployment");
        CHECK(messages(parsed.diagnostics) ==
              "pr/evil.yaml:1:1: the document holds more than 1000000 values once its "
              "YAML aliases are expanded; it is not read\n");
        // Aliases within reason are expanded as before.
        const auto fine = parse_text(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, labels: &l {a: b}, annotations: "
            "*l}\n");
        REQUIRE(fine.objects.size() == 1);
        CHECK(fine.objects[0].object["metadata"]["annotations"]["a"] == "b");
    }

    TEST_CASE(
        "a file that changes between load and listing fails the listing, never mixes versions") {
        // JSON is read back from the file: a change is found and fails the listing.
        TempRoot root;
        root.add_file("/binding.json", std::string(k_kubectl_binding));
        ManifestSource source({root.host("/binding.json")});
        parse::Diagnostics diagnostics;
        REQUIRE(source.load(diagnostics));
        root.add_file("/binding.json", std::string(k_kubectl_binding) + "\n");
        const auto outcome =
            source.list(k_cluster_role_bindings, [](nlohmann::json&&, const model::Origin&) {});
        CHECK(outcome.kind == model::ListOutcome::Kind::Failed);
        CHECK(outcome.message == "read manifests: " + root.host("/binding.json") +
                                     " changed while it was being scanned; scan it again");
        root.add_file("/binding.json", "");
        CHECK(source.list(k_cluster_role_bindings, [](nlohmann::json&&, const model::Origin&) {})
                  .kind == model::ListOutcome::Kind::Failed);

        // YAML is kept as load() converted it: the listing is of the file as it was read.
        root.add_file("/app.yaml", std::string(k_kubectl_deployment));
        ManifestSource yaml({root.host("/app.yaml")});
        REQUIRE(yaml.load(diagnostics));
        root.add_file("/app.yaml",
                      "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: new}\n");
        CHECK(listed(yaml, k_deployments) ==
              std::vector<std::string>{root.host("/app.yaml") + ":1 /web"});
    }

    TEST_CASE("stdin is read once and listed from memory as often as asked") {
        std::istringstream input{std::string(k_kubectl_deployment)};
        ManifestSource source({"-", "-"}, &input);
        parse::Diagnostics diagnostics;
        REQUIRE(source.load(diagnostics));
        REQUIRE(source.summary().size() == 1);
        CHECK(source.summary()[0].name == "<stdin>");
        CHECK(listed(source, k_deployments) == std::vector<std::string>{"<stdin>:1 /web"});
        CHECK(listed(source, k_deployments) == std::vector<std::string>{"<stdin>:1 /web"});
    }

    TEST_CASE("list_all without load(): a load problem fails every type") {
        ManifestSource source({"/nonexistent/kubeproof-manifests.yaml"});
        auto outcomes = source.list_all({{k_service_accounts}, {k_deployments}},
                                        [](nlohmann::json&&, const model::Origin&) {});
        REQUIRE(outcomes.size() == 2);
        for (const auto& outcome : outcomes) {
            CHECK(outcome.kind == model::ListOutcome::Kind::Failed);
            CHECK(
                outcome.message ==
                "read manifests: /nonexistent/kubeproof-manifests.yaml: No such file or directory");
        }
    }

    TEST_CASE("microservices-demo release: one file of 35 objects") {
        ManifestSource source(
            {k_fixtures +
             "GoogleCloudPlatform-microservices-demo/release/kubernetes-manifests.yaml"});
        parse::Diagnostics diagnostics;
        REQUIRE(source.load(diagnostics));
        CHECK(objects_in(source) == 35);
        CHECK(listed(source, k_deployments).size() == 12);
        CHECK(listed(source, k_services).size() == 12);
        CHECK(listed(source, k_service_accounts).size() == 11);
    }

    TEST_CASE("kube-score list.yaml: a kind: List of a Service and a Deployment") {
        const std::string file = k_fixtures + "zegl-kube-score/score/testdata/list.yaml";
        ManifestSource source({file});
        parse::Diagnostics diagnostics;
        REQUIRE(source.load(diagnostics));
        CHECK(listed(source, k_services) ==
              std::vector<std::string>{file + ":4 /list-service-test"});
        CHECK(listed(source, k_deployments) ==
              std::vector<std::string>{file + ":14 /list-deployment-test"});
    }

    TEST_CASE("kubernetes-goat: a directory walk skips Helm chart files; naming one is an error") {
        const std::string dir = k_fixtures + "madhuakula-kubernetes-goat/scenarios";
        ManifestSource source({dir});
        parse::Diagnostics diagnostics;
        CHECK(source.load(diagnostics));
        CHECK(messages(diagnostics) == "");
        CHECK(objects_in(source) == 33);
        ManifestSource chart({dir + "/metadata-db/Chart.yaml", dir + "/metadata-db/values.yaml"});
        parse::Diagnostics chart_diagnostics;
        CHECK_FALSE(chart.load(chart_diagnostics));
        CHECK(messages(chart_diagnostics) ==
              dir + "/metadata-db/Chart.yaml:1:1: not a Kubernetes object: no \"kind\"\n" + dir +
                  "/metadata-db/values.yaml:5:1: not a Kubernetes object: no \"apiVersion\" and no "
                  "\"kind\"\n");
        const model::ListOutcome outcome =
            chart.list(k_deployments, [](nlohmann::json&&, const model::Origin&) {});
        CHECK(outcome.kind == model::ListOutcome::Kind::Failed);
        CHECK(outcome.message ==
              "read manifests: " + dir +
                  "/metadata-db/Chart.yaml:1:1: not a Kubernetes object: no \"kind\"");
    }

    TEST_CASE(
        "polaris test cases: every file is one or more objects, but two that no API server "
        "accepts") {
        const std::string checks = k_fixtures + "FairwindsOps-polaris/test/checks";
        ManifestSource source({checks});
        parse::Diagnostics diagnostics;
        CHECK_FALSE(source.load(diagnostics));
        CHECK(messages(diagnostics) ==
              checks +
                  "/runAsRootAllowed/failure.yaml:1:1: no API server serves Deployment under "
                  "apiVersion v1: it is apps/v1\n" +
                  checks +
                  "/runAsRootAllowed/success.yaml:1:1: no API server serves Deployment under "
                  "apiVersion v1: it is apps/v1\n");
        CHECK(objects_in(source) == 173);
        ManifestSource privileged({checks + "/runAsPrivileged/failure.yaml"});
        REQUIRE(privileged.load(diagnostics));
        CHECK(listed(privileged, k_pods) ==
              std::vector<std::string>{checks + "/runAsPrivileged/failure.yaml:1 /nginx"});
    }

    TEST_CASE(
        "directories: hidden entries skipped, only .yaml/.yml/.json, a file named twice read "
        "once") {
        test::TempRoot root;
        root.add_file("/k8s/b.yml", std::string(k_kubectl_namespace));
        root.add_file("/k8s/a/x.json", std::string(k_kubectl_binding));
        root.add_file("/k8s/README.md", "not a manifest");
        root.add_file("/k8s/.git/config.yaml", "not: an object");
        root.add_file("/k8s/.ci.yaml", "not: an object");
        ManifestSource source({root.path() + "/k8s", root.path() + "/k8s/b.yml"});
        parse::Diagnostics diagnostics;
        REQUIRE(source.load(diagnostics));
        REQUIRE(source.summary().size() == 2);
        std::vector<std::string> files;
        source.list_all(
            {{k_namespaces, k_cluster_role_bindings}},
            [&](nlohmann::json&&, const model::Origin& origin) { files.push_back(origin.file); });
        CHECK(files ==
              std::vector<std::string>{root.path() + "/k8s/a/x.json", root.path() + "/k8s/b.yml"});
    }

    TEST_CASE("a missing path and a directory without manifests are errors") {
        test::TempRoot root;
        root.add_dir("/empty");
        ManifestSource source({root.path() + "/missing.yaml", root.path() + "/empty"});
        parse::Diagnostics diagnostics;
        CHECK_FALSE(source.load(diagnostics));
        CHECK(messages(diagnostics) == root.path() + "/missing.yaml: No such file or directory\n" +
                                           root.path() + "/empty: no .yaml, .yml or .json files\n");
    }

    TEST_CASE("a file input: read in pieces, reopened after close, refused once it changed") {
        TempRoot root;
        root.add_file("/a.yaml", "0123456789");
        const std::string path = root.host("/a.yaml");
        std::istringstream unused;
        auto opened = local::open_manifest_input(path, unused);
        REQUIRE(opened);
        local::ManifestInput& input = **opened;
        CHECK(input.name() == path);
        CHECK(input.size() == 10);
        CHECK(*input.read(2, 3) == "234");
        input.close();
        CHECK(*input.read(5, 5) == "56789");
        CHECK(input.read(8, 5).error().message == path + ": shorter than when it was read");
        CHECK_FALSE(*input.changed());
        root.add_file("/a.yaml", "0123456789 and more");
        CHECK(*input.changed());
        CHECK(input.read(0, 1).error().message == path + ": changed since it was first read");
        CHECK(local::open_manifest_input(root.path(), unused).error().message ==
              root.path() + ": a directory, not a regular file");
    }

    TEST_CASE("standard input is one more input: read at once, named <stdin>, never changed") {
        std::istringstream stream("abc");
        auto opened = local::open_manifest_input("-", stream);
        REQUIRE(opened);
        local::ManifestInput& input = **opened;
        CHECK(input.name() == "<stdin>");
        CHECK(local::manifest_input_name("-") == "<stdin>");
        CHECK(input.size() == 3);
        CHECK(*input.read(1, 2) == "bc");
        CHECK_FALSE(*input.changed());
        CHECK(input.read(2, 5).error().message == "<stdin>: shorter than when it was read");
    }

    TEST_CASE("a JSON index: one unit per object; read back, only the wanted units are read") {
        RecordingInput input("list.json", R"({"apiVersion": "v1", "kind": "List", "items": [
  {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "a"}},
  {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}},
  {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "b"}}
]}
)");
        parse::Diagnostics diagnostics;
        const k8s::ManifestIndex index(input, diagnostics);
        CHECK(diagnostics.empty());
        CHECK(index.json());
        REQUIRE(index.units().size() == 3);
        CHECK(index.object_count() == 3);
        CHECK(index.units()[1].line == 3);
        CHECK(index.units()[1].identities[0].kind == "Deployment");
        input.reads.clear();
        CHECK(read_back(input, index, {k_services, k_deployments}) ==
              std::vector<std::string>{"3 Deployment/web"});
        CHECK(
            input.reads ==
            std::vector<std::string>{
                R"({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}})"});
        CHECK(input.reopened == 1);
        CHECK(read_back(input, index, {k_cluster_role_bindings}).empty());
        CHECK(input.reopened == 1);  // nothing wanted: not even opened
        // Changed behind the reader's back: the object is no longer there.
        input.text.replace(input.text.find(R"({"apiVersion": "apps/v1")"), 1, "[");
        const std::vector<ResourceType> deployments{k_deployments};
        const auto changed =
            k8s::ManifestReader(input, index)
                .read(k8s::WantedTypes(deployments), [](ManifestObject&&, size_t) {});
        REQUIRE_FALSE(changed);
        CHECK(changed.error() == "list.json changed while it was being scanned; scan it again");
    }

    TEST_CASE("a YAML index: one unit per document with its objects; read back per document") {
        RecordingInput input("app.yaml",
                             "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: a}\n---\n"
                             "apiVersion: v1\nkind: List\nitems:\n"
                             "- {apiVersion: v1, kind: Namespace, metadata: {name: team}}\n"
                             "- {apiVersion: apps/v1, kind: Deployment, metadata: {name: web}}\n"
                             "---\nimage: nginx\n");
        parse::Diagnostics diagnostics;
        const k8s::ManifestIndex index(input, diagnostics);
        CHECK(messages(diagnostics) ==
              "app.yaml:11:1: not a Kubernetes object: no \"apiVersion\" and no \"kind\"\n");
        CHECK_FALSE(index.json());
        REQUIRE(index.units().size() == 2);
        CHECK(index.units()[1].line == 4);
        CHECK(index.units()[1].identities.size() == 2);
        CHECK(index.object_count() == 3);
        input.reads.clear();
        CHECK(read_back(input, index, {k_deployments, k_namespaces}) ==
              std::vector<std::string>{"8 Namespace/team", "9 Deployment/web"});
        REQUIRE(input.reads.size() == 1);
        CHECK(input.reads[0].starts_with("---\napiVersion: v1\nkind: List\n"));
        CHECK(read_back(input, index, {k_service_accounts}) ==
              std::vector<std::string>{"1 ServiceAccount/a"});
    }
}

TEST_SUITE("local/manifest_files") {
    TEST_CASE("standard input is read up to its cap, and refused one byte past it") {
        std::istringstream exact(std::string(300000, 'y'));
        const auto read = local::read_stdin(exact, 300000);
        REQUIRE(read);
        CHECK(read->size() == 300000);
        std::istringstream over(std::string(300001, 'y'));
        const auto refused = local::read_stdin(over, 300000);
        REQUIRE_FALSE(refused);
        CHECK(refused.error().kind == util::IoError::Kind::Invalid);
        CHECK(refused.error().message ==
              "<stdin>: standard input: larger than 300000 bytes, the most kubeproof reads of it "
              "(write the manifests to files and name them instead)");
        // An endless stream stops at the cap: this one never ends.
        struct Endless : std::streambuf {
            int_type underflow() override {
                setg(m_data.data(), m_data.data(), m_data.data() + m_data.size());
                return 'y';
            }
            std::string m_data = std::string(4096, 'y');
        } endless;
        std::istream endless_stream(&endless);
        const auto stopped = local::read_stdin(endless_stream, size_t{1} << 20);
        REQUIRE_FALSE(stopped);
        CHECK(stopped.error().message.starts_with(
            "<stdin>: standard input: larger than 1 MiB, the most kubeproof reads of it"));
    }
}

namespace {

/// Every object of an indexed input read back whole: "line helm_source json" each.
std::vector<std::string> every_object(RecordingInput& input, const k8s::ManifestIndex& index) {
    std::vector<std::string> out;
    const auto delivered =
        k8s::ManifestReader(input, index)
            .read(k8s::WantedTypes::every(), [&](ManifestObject&& o, size_t) {
                out.push_back(
                    std::to_string(o.origin.line) + " " + o.helm_source + " " +
                    o.object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
            });
    REQUIRE(delivered);
    CHECK(*delivered == out.size());
    return out;
}

/// The .yaml files under a directory of the peer fixtures, sorted.
std::vector<std::string> yaml_files_under(const std::string& dir) {
    std::vector<std::string> files;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
        const auto extension = entry.path().extension();
        if (entry.is_regular_file() && (extension == ".yaml" || extension == ".yml"))
            files.push_back(entry.path().string());
    }
    std::sort(files.begin(), files.end());
    return files;
}

std::string file_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_SUITE("k8s/manifests: each YAML document parsed once") {
    TEST_CASE("a KeepBudget gives what it has left, and nothing past it") {
        k8s::KeepBudget budget(100);
        CHECK(budget.take(60));
        CHECK_FALSE(budget.take(50));
        CHECK(budget.take(40));
        CHECK_FALSE(budget.take(1));
        CHECK(budget.take(0));
    }

    TEST_CASE("kept YAML reads back exactly what parsing it again gives, without reading it") {
        // Every YAML file of the peers' fixtures (polaris, kube-score, kubernetes-goat,
        // microservices-demo), plus Helm output, a List and anchors with a merge key.
        std::vector<std::pair<std::string, std::string>> inputs;
        for (const auto& path : yaml_files_under(k_fixtures))
            inputs.emplace_back(path, file_text(path));
        REQUIRE(inputs.size() > 100);
        inputs.emplace_back(
            "helm.yaml",
            "---\n# Source: shop/templates/sa.yaml\napiVersion: v1\n"
            "kind: ServiceAccount\nmetadata: {name: shop}\n---\n"
            "# Source: shop/templates/list.yaml\napiVersion: v1\nkind: List\n"
            "items:\n- {apiVersion: v1, kind: Namespace, metadata: {name: a}}\n"
            "- apiVersion: v1\n  kind: Pod\n  metadata: &m {name: p, labels: "
            "{x: 'y'}}\n  spec:\n    <<: {hostNetwork: true}\n"
            "    containers: [{name: c, image: i, ports: [{containerPort: 80}]}]\n");
        size_t objects = 0;
        for (const auto& [name, text] : inputs) {
            const std::string& file = name;
            CAPTURE(file);
            RecordingInput kept_input(name, text);
            RecordingInput parsed_input(name, text);
            parse::Diagnostics kept_diagnostics;
            parse::Diagnostics parsed_diagnostics;
            k8s::KeepBudget budget(k8s::k_manifest_keep_bytes);
            const k8s::ManifestIndex kept(kept_input, kept_diagnostics, &budget);
            const k8s::ManifestIndex parsed(parsed_input, parsed_diagnostics);
            CHECK(kept_diagnostics.format() == parsed_diagnostics.format());
            if (kept.json()) continue;
            for (const auto& unit : kept.units()) CHECK(unit.kept.size() == unit.identities.size());
            kept_input.reads.clear();
            parsed_input.reads.clear();
            const auto from_memory = every_object(kept_input, kept);
            CHECK(from_memory == every_object(parsed_input, parsed));
            CHECK(kept_input.reads.empty());  // nothing read again, not even reopened
            CHECK(kept_input.reopened == 0);
            CHECK(parsed_input.reads.size() == parsed.units().size());
            objects += from_memory.size();
        }
        CHECK(objects > 150);

        RecordingInput helm("helm.yaml", inputs.back().second);
        parse::Diagnostics diagnostics;
        k8s::KeepBudget budget(k8s::k_manifest_keep_bytes);
        const k8s::ManifestIndex index(helm, diagnostics, &budget);
        CHECK(diagnostics.empty());
        const auto objects_read = every_object(helm, index);
        REQUIRE(objects_read.size() == 3);
        CHECK(
            objects_read[0] ==
            R"(3 shop/templates/sa.yaml {"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"shop"}})");
        CHECK(
            objects_read[1] ==
            R"(11 shop/templates/list.yaml {"apiVersion":"v1","kind":"Namespace","metadata":{"name":"a"}})");
        CHECK(objects_read[2].starts_with(
            R"(12 shop/templates/list.yaml {"apiVersion":"v1","kind":"Pod",)"));
        CHECK(objects_read[2].find(R"("hostNetwork":true)") != std::string::npos);
    }

    TEST_CASE("past the budget, and for a string that is not UTF-8, a document is parsed again") {
        const std::string text =
            "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: first}\n---\n"
            "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: second}\n---\n"
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: raw}\ndata: {k: \"\xff\xfe\"}\n";
        RecordingInput input("app.yaml", text);
        parse::Diagnostics diagnostics;
        // Room for the first document's JSON only.
        const std::string first =
            R"({"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"first"}})";
        k8s::KeepBudget budget(first.size() + 10);
        const k8s::ManifestIndex index(input, diagnostics, &budget);
        CHECK(diagnostics.empty());
        REQUIRE(index.units().size() == 3);
        REQUIRE(index.units()[0].kept.size() == 1);
        CHECK(index.units()[0].kept[0].json == first);
        CHECK(index.units()[0].kept[0].line == 1);
        CHECK(index.units()[1].kept.empty());  // past the budget
        CHECK(index.units()[2].kept.empty());  // cannot be JSON text
        input.reads.clear();
        const auto objects = every_object(input, index);
        REQUIRE(objects.size() == 3);
        CHECK(objects[0] == "1  " + first);
        CHECK(objects[1].starts_with("5  {"));
        CHECK(objects[2].starts_with("9  "));
        CHECK(input.reads.size() == 2);  // the two documents not kept
        CHECK(input.reopened == 1);
    }

    TEST_CASE("load reads the inputs on several threads and reports problems in input order") {
        TempRoot root;
        std::vector<std::string> files;
        std::string expected;
        for (int i = 0; i < 40; ++i) {
            const std::string name = fmt::format("/m/app-{:02}.yaml", i);
            // Every third file has a problem on a line of its own; the others hold two objects.
            if (i % 3 == 0) {
                root.add_file(name, std::string(static_cast<size_t>(i), '\n') + "image: nginx\n");
                expected += fmt::format(
                    "{}:{}:1: not a Kubernetes object: no \"apiVersion\" and no \"kind\"\n",
                    root.host(name), i + 1);
            } else {
                root.add_file(
                    name,
                    fmt::format(
                        "apiVersion: v1\nkind: ServiceAccount\nmetadata: {{name: sa-{}}}\n---\n"
                        "apiVersion: v1\nkind: Namespace\nmetadata: {{name: ns-{}}}\n",
                        i, i));
            }
        }
        ManifestSource source({root.host("/m")});
        parse::Diagnostics diagnostics;
        CHECK_FALSE(source.load(diagnostics));
        CHECK(messages(diagnostics) == expected);
        const auto summary = source.summary();
        REQUIRE(summary.size() == 40);
        for (size_t i = 0; i < summary.size(); ++i) {
            CHECK(summary[i].name == root.host(fmt::format("/m/app-{:02}.yaml", i)));
            CHECK(summary[i].objects == (i % 3 == 0 ? 0U : 2U));
        }
    }
}
