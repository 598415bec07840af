#include <doctest/doctest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "k8s/api_source.hpp"
#include "k8s_fake_apiserver.hpp"

using kubeproof::k8s::ApiClient;
using kubeproof::k8s::ApiSource;
using kubeproof::k8s::ClientOptions;
using kubeproof::k8s::ConnectionConfig;
using kubeproof::model::ListOutcome;
using kubeproof::model::ResourceType;
using kubeproof::test::FakeApiServer;
using kubeproof::test::TempRoot;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

/// One server for this file, a fault on each resource that needs one (each test uses its own).
FakeApiServer* source_server() {
    static TempRoot objects;
    static std::unique_ptr<FakeApiServer> instance;
    if (!instance) {
        for (const char* resource : {"pods", "roles", "serviceaccounts", "secrets"}) {
            objects.write(std::string(resource) + ".json", kubeproof::test::pods_json(7));
        }
        for (const char* resource :
             {"configmaps", "services", "nodes", "rolebindings", "clusterrolebindings"}) {
            objects.write(std::string(resource) + ".json", kubeproof::test::pods_json(2));
        }
        objects.write("limitranges.json", kubeproof::test::pods_json(12));
        objects.write("clusterroles.json",
                      R"([{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole",
            "metadata":{"name":"admin"}},{"metadata":{"name":"view"}}])");
        instance = std::make_unique<FakeApiServer>(
            std::vector<std::string>{"--objects",       objects.path(),
                                     "--timeout-sleep", "1.5",
                                     "--fault",         "clusterrolebindings=403",
                                     "--fault",         "secrets=429:2",
                                     "--fault",         "configmaps=500:1",
                                     "--fault",         "services=timeout:1",
                                     "--fault",         "roles=403@page2",
                                     "--fault",         "rolebindings=503",
                                     "--fault",         "serviceaccounts=410:1@page2",
                                     "--fault",         "nodes=reset:1",
                                     "--fault",         "limitranges=loop@page3",
                                     "--fault",         "persistentvolumes=hang"});
    }
    return instance.get();
}

#define SKIP_WITHOUT_FAKE_APISERVER()                                          \
    if (const auto missing = kubeproof::test::fake_apiserver_missing_tool()) { \
        MESSAGE("skipped: " << *missing);                                      \
        return;                                                                \
    }

ConnectionConfig client_cert_config() {
    ConnectionConfig config;
    config.server = source_server()->url();
    config.certificate_authority.path = source_server()->file("ca");
    config.client_certificate.path = source_server()->file("client_cert");
    config.client_key.path = source_server()->file("client_key");
    return config;
}

std::unique_ptr<ApiSource> make_source(ConnectionConfig config = client_cert_config()) {
    ClientOptions options;
    options.request_timeout = 500ms;
    options.max_attempts = 3;
    options.backoff_initial = 20ms;
    options.backoff_max = 100ms;
    auto client = ApiClient::create(std::move(config), options);
    REQUIRE(client);
    return std::make_unique<ApiSource>(std::move(*client), 3);
}

ResourceType core(const std::string& resource, const std::string& kind) {
    return {"", "v1", resource, kind, true};
}

ResourceType rbac(const std::string& resource, const std::string& kind) {
    return {"rbac.authorization.k8s.io", "v1", resource, kind, false};
}

/// Lists `type`, collecting the objects.
ListOutcome list(ApiSource& source, const ResourceType& type, std::vector<json>& objects) {
    return source.list(type, [&](json&& object, const kubeproof::model::Origin& origin) {
        CHECK(origin.file.empty());
        objects.push_back(std::move(object));
    });
}

/// How many requests for `path_prefix` the server has seen.
int requests_for(const std::string& path_prefix) {
    auto client = ApiClient::create(client_cert_config());
    REQUIRE(client);
    const auto log = (*client)->get("/_fake/requests", std::chrono::steady_clock::now() + 5s);
    REQUIRE(log);
    int count = 0;
    for (const auto& request : json::parse(log->body)) {
        count += request["path"].get<std::string>().rfind(path_prefix, 0) == 0 ? 1 : 0;
    }
    return count;
}

}  // namespace

TEST_SUITE("k8s/api_source") {
    TEST_CASE("paths, names, versions and Status messages") {
        CHECK(kubeproof::k8s::list_path(core("pods", "Pod")) == "/api/v1/pods");
        CHECK(kubeproof::k8s::list_path(rbac("roles", "Role")) ==
              "/apis/rbac.authorization.k8s.io/v1/roles");
        auto scoped = core("pods", "Pod");
        scoped.in_namespace = "kube-system";
        CHECK(kubeproof::k8s::list_path(scoped) == "/api/v1/namespaces/kube-system/pods");
        CHECK(rbac("roles", "Role").name() == "roles.rbac.authorization.k8s.io");
        CHECK(*kubeproof::k8s::parse_server_version(R"({"major":"1","minor":"31+"})") == "1.31");
        CHECK(*kubeproof::k8s::parse_server_version(
                  R"({"major":"","minor":"","gitVersion":"v1.29.3-eks-1"})") == "1.29");
        CHECK(kubeproof::k8s::parse_server_version(R"({"platform":"x"})").error() ==
              "the response has no version");
        CHECK(kubeproof::k8s::status_message(R"({"kind":"Status","message":"nope"})") == "nope");
        CHECK(kubeproof::k8s::status_message("\n<html>proxy error</html>\nmore") ==
              "<html>proxy error</html>");
    }

    TEST_CASE("three pages; items get the kind and apiVersion the server left out") {
        SKIP_WITHOUT_FAKE_APISERVER();
        auto source = make_source();
        std::vector<json> pods;
        const auto outcome = list(*source, core("pods", "Pod"), pods);
        CHECK(outcome.kind == ListOutcome::Kind::Ok);
        CHECK(outcome.http_status == 200);
        CHECK(outcome.count == 7);
        REQUIRE(pods.size() == 7);
        for (std::size_t i = 0; i < pods.size(); ++i) {
            CHECK(pods[i]["kind"] == "Pod");
            CHECK(pods[i]["apiVersion"] == "v1");
            CHECK(pods[i]["metadata"]["name"] == "pod-" + std::to_string(i));
        }
        CHECK(requests_for("/api/v1/pods?limit=3") == 3);
        std::vector<json> roles;
        CHECK(list(*source, rbac("clusterroles", "ClusterRole"), roles).kind ==
              ListOutcome::Kind::Ok);
        REQUIRE(roles.size() == 2);
        CHECK(roles[1]["apiVersion"] == "rbac.authorization.k8s.io/v1");
        CHECK(roles[1]["kind"] == "ClusterRole");
        CHECK(source->describe() == "the API server " + source_server()->url());
        CHECK(*source->server_version() == "1.31");
    }

    TEST_CASE("404 is NotServed; 401 and 403 are Denied with the server's message") {
        SKIP_WITHOUT_FAKE_APISERVER();
        auto source = make_source();
        std::vector<json> objects;
        auto outcome = list(*source, {"example.com", "v1", "widgets", "Widget", true}, objects);
        CHECK(outcome.kind == ListOutcome::Kind::NotServed);
        CHECK(outcome.http_status == 404);
        CHECK(outcome.message == "the server does not serve widgets.example.com");
        outcome = list(*source, rbac("clusterrolebindings", "ClusterRoleBinding"), objects);
        CHECK(outcome.kind == ListOutcome::Kind::Denied);
        CHECK(outcome.http_status == 403);
        CHECK(outcome.message ==
              "list clusterrolebindings.rbac.authorization.k8s.io: 403 Forbidden: "
              "clusterrolebindings.rbac."
              "authorization.k8s.io is forbidden: User \"kubeproof-test\" cannot list resource "
              "\"clusterrolebindings\" "
              "in API group \"rbac.authorization.k8s.io\" at the cluster scope");
        ConnectionConfig anonymous = client_cert_config();
        anonymous.client_certificate = {};
        anonymous.client_key = {};
        outcome = list(*make_source(anonymous), core("pods", "Pod"), objects);
        CHECK(outcome.kind == ListOutcome::Kind::Denied);
        CHECK(outcome.message == "list pods: 401 Unauthorized: Unauthorized");
        CHECK(objects.empty());
    }

    TEST_CASE("429 with Retry-After, 500, a timeout and a reset connection are retried") {
        SKIP_WITHOUT_FAKE_APISERVER();
        auto source = make_source();
        for (const auto& type : {core("secrets", "Secret"), core("configmaps", "ConfigMap"),
                                 core("services", "Service"), core("nodes", "Node")}) {
            CAPTURE(type.resource);
            std::vector<json> objects;
            const auto start = std::chrono::steady_clock::now();
            const auto outcome = list(*source, type, objects);
            CHECK(outcome.kind == ListOutcome::Kind::Ok);
            CHECK(outcome.count == objects.size());
            CHECK(objects.size() == (type.resource == "secrets" ? 7u : 2u));
            CHECK(std::chrono::steady_clock::now() - start < 2s);
        }
        CHECK(requests_for("/api/v1/secrets") == 3 + 2);  // two 429s, then three pages
        CHECK(requests_for("/api/v1/configmaps") == 2);
    }

    TEST_CASE("a failure mid-pagination is never a complete list") {
        SKIP_WITHOUT_FAKE_APISERVER();
        auto source = make_source();
        std::vector<json> objects;
        auto outcome = list(*source, rbac("roles", "Role"), objects);
        CHECK(outcome.kind == ListOutcome::Kind::Denied);
        CHECK(outcome.count == 3);
        CHECK(objects.size() == 3);
        CHECK(outcome.message.find("list roles.rbac.authorization.k8s.io: 403 Forbidden: ") == 0);
        CHECK(outcome.message.find(
                  "; the list is incomplete: 3 objects were listed before the failure") !=
              std::string::npos);
        objects.clear();
        outcome = list(*source, rbac("rolebindings", "RoleBinding"), objects);
        CHECK(outcome.kind == ListOutcome::Kind::Failed);
        CHECK(outcome.http_status == 503);
        CHECK(outcome.message ==
              "list rolebindings.rbac.authorization.k8s.io: 503 Service Unavailable: fake fault "
              "503 for rolebindings.rbac.authorization.k8s.io (3 attempts)");
    }

    TEST_CASE("an expired continue token restarts the list once, without duplicates") {
        SKIP_WITHOUT_FAKE_APISERVER();
        auto source = make_source();
        std::vector<json> objects;
        const auto outcome = list(*source, core("serviceaccounts", "ServiceAccount"), objects);
        CHECK(outcome.kind == ListOutcome::Kind::Ok);
        CHECK(outcome.count == 7);
        REQUIRE(objects.size() == 7);
        CHECK(objects[6]["metadata"]["name"] == "pod-6");
        CHECK(requests_for("/api/v1/serviceaccounts") == 2 + 3);
    }

    TEST_CASE("continue tokens that cycle end the list at once, as Failed") {
        SKIP_WITHOUT_FAKE_APISERVER();
        auto source = make_source();
        std::vector<json> objects;
        // Pages of 3: page 3 answers with page 1's token, so pages 2 and 3 would follow each
        // other until the list's deadline. The repeat is seen on the first token given again.
        const auto outcome = list(*source, core("limitranges", "LimitRange"), objects);
        CHECK(outcome.kind == ListOutcome::Kind::Failed);
        CHECK(outcome.message.rfind("list limitranges: the server returned a continue token it had "
                                    "returned before (page 3): its pages cycle",
                                    0) == 0);
        CHECK(outcome.count == 9);
        CHECK(requests_for("/api/v1/limitranges") == 3);
    }

    TEST_CASE("lists the scan's deadline cut are Failed, naming the type and the deadline") {
        SKIP_WITHOUT_FAKE_APISERVER();
        ClientOptions options;
        options.request_timeout = 20s;  // only the scan's deadline can end the hung list
        options.backoff_initial = 20ms;
        const auto start = std::chrono::steady_clock::now();
        options.scan_deadline = start + 1s;
        options.scan_deadline_name = "the scan's --timeout of 1s";
        auto client = ApiClient::create(client_cert_config(), options);
        REQUIRE(client);
        ApiSource source(std::move(*client), 3);
        std::vector<json> objects;
        const auto hung = list(source, core("persistentvolumes", "PersistentVolume"), objects);
        CHECK(hung.kind == ListOutcome::Kind::Failed);
        CHECK(hung.http_status == 0);
        // Cut while it waited, or (on a loaded machine) not tried or sent again.
        INFO(hung.message);
        CHECK(hung.message.rfind("list persistentvolumes: the scan's --timeout of 1s ", 0) == 0);
        CHECK(hung.message.find("GET " + source_server()->url() +
                                "/api/v1/persistentvolumes?limit=3") != std::string::npos);
        CHECK(std::chrono::steady_clock::now() - start < 3s);
        const auto next = list(source, core("pods", "Pod"), objects);
        CHECK(next.kind == ListOutcome::Kind::Failed);
        CHECK(next.message == "list pods: the scan's --timeout of 1s passed before GET " +
                                  source_server()->url() + "/api/v1/pods?limit=3 was sent");
        CHECK(objects.empty());
    }

    TEST_CASE("a TLS failure is Failed with the reason and no HTTP status") {
        SKIP_WITHOUT_FAKE_APISERVER();
        auto config = client_cert_config();
        config.certificate_authority.path = source_server()->file("other_ca");
        std::vector<json> objects;
        const auto outcome = list(*make_source(config), core("pods", "Pod"), objects);
        CHECK(outcome.kind == ListOutcome::Kind::Failed);
        CHECK(outcome.http_status == 0);
        CHECK(
            outcome.message.rfind("list pods: GET " + source_server()->url() +
                                      "/api/v1/pods?limit=3: TLS error: SSL certificate problem: ",
                                  0) == 0);
    }

    TEST_CASE("connect_api_source from a kubeconfig file") {
        SKIP_WITHOUT_FAKE_APISERVER();
        TempRoot dir;
        const std::string kubeconfig = dir.write(
            "config", kubeproof::test::kubeconfig_yaml(
                          source_server()->url(), "    insecure-skip-tls-verify: true\n",
                          "    client-certificate: " + source_server()->file("client_cert") +
                              "\n    client-key: " + source_server()->file("client_key") + "\n"));
        auto connection =
            kubeproof::k8s::connect_api_source({kubeconfig, "", "", kubeproof::k8s::process_env});
        REQUIRE(connection);
        CHECK(connection->warnings.size() == 1);
        std::vector<json> objects;
        CHECK(list(*connection->source, core("pods", "Pod"), objects).count == 7);
        CHECK(connection->source->client().config().context == "test");
    }
}
