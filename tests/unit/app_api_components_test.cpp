#include <doctest/doctest.h>

#include "app/api_components.hpp"
#include "app/definitions.hpp"

#include "engine/evaluator.hpp"
#include "facts/collector.hpp"
#include "host/fake_host.hpp"
#include "loader/loader.hpp"
#include "shipped_definitions.hpp"

using namespace kubeproof;

namespace {

// An API server that serves one kube-system pod: the kube-apiserver's mirror pod.
class MirrorPodSource : public k8s::ObjectSource {
public:
    explicit MirrorPodSource(nlohmann::json pod) : m_pod(std::move(pod)) {}
    model::ListOutcome list(const model::ResourceType& type, const k8s::ObjectSink& sink) override {
        if (type.resource == "pods") sink(nlohmann::json(m_pod), model::Origin{});
        return {};
    }
    std::string describe() const override { return "a test API server"; }

private:
    nlohmann::json m_pod;
};

}  // namespace

TEST_SUITE("app/api_components") {
    TEST_CASE("an API server seen through its mirror pod gives 3.2.x its policy under --root") {
        host::FakeHost host;  // the node root: the policy file, but no API server process
        host.add_file("/etc/kubernetes/audit.yaml",
                      "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n"
                      "  - level: RequestResponse\n    resources:\n"
                      "      - group: \"\"\n        resources: [secrets]\n  - level: Metadata\n");
        const auto& bench = test::shipped_definitions().benchmarks.at("cis-1.12");
        engine::Selection selection{{"controlplane"}, {"3.2.1", "3.2.2"}, {}};
        auto checks = engine::selected_checks(bench, selection);
        auto facts = facts::collect(host, test::shipped_definitions().catalogue, checks);
        MirrorPodSource source(nlohmann::json::parse(R"({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "kube-apiserver-cp-1", "namespace": "kube-system",
                         "labels": {"component": "kube-apiserver"}},
            "spec": {"containers": [{"name": "kube-apiserver",
                     "command": ["kube-apiserver", "--audit-policy-file=/etc/kubernetes/audit.yaml"]}]}
        })"));
        std::vector<std::string> warnings;
        app::components_and_files_from_api(source, host, test::shipped_definitions().catalogue,
                                           checks, facts, warnings);
        CHECK(warnings.empty());
        auto results =
            engine::evaluate(bench, test::shipped_definitions().catalogue, facts, selection);
        REQUIRE(results.size() == 2);
        CHECK(results[0].status == model::Status::Pass);
        CHECK(results[1].status == model::Status::Warn);
        CHECK(results[1].actual.find("secrets-metadata-only: rule 1 (/etc/kubernetes/audit.yaml:4) "
                                     "level RequestResponse") != std::string::npos);
        // components_from_api alone leaves the file unread: ERROR, never a verdict.
        auto alone = facts::collect(host, test::shipped_definitions().catalogue, checks);
        app::components_from_api(source, test::shipped_definitions().catalogue, alone, warnings);
        auto unread =
            engine::evaluate(bench, test::shipped_definitions().catalogue, alone, selection);
        CHECK(unread[0].status == model::Status::Error);
        CHECK(unread[0].reason == "/etc/kubernetes/audit.yaml: not read");
    }
}
