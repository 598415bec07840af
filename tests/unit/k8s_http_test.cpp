#include <doctest/doctest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "k8s/api_client.hpp"
#include "k8s/http.hpp"
#include "k8s_fake_apiserver.hpp"

using kubeproof::k8s::ApiClient;
using kubeproof::k8s::ClientOptions;
using kubeproof::k8s::ConnectionConfig;
using kubeproof::test::FakeApiServer;
using kubeproof::test::TempRoot;
using namespace std::chrono_literals;

namespace {

constexpr const char* k_token = "secret-token";

/// One server for this file: client certificates (CN kubeproof-test) and the token are accepted.
FakeApiServer* server() {
    static TempRoot objects;
    static std::unique_ptr<FakeApiServer> instance;
    if (!instance) {
        objects.write("pods.json", kubeproof::test::pods_json(3));
        // services: headers and half a body, then silence; endpoints: no answer at all;
        // configmaps: the first request stalls, the next is answered.
        instance = std::make_unique<FakeApiServer>(std::vector<std::string>{
            "--objects", objects.path(), "--token", k_token, "--fault", "services=stall", "--fault",
            "endpoints=hang", "--fault", "configmaps=stall:1"});
    }
    return instance.get();
}

#define SKIP_WITHOUT_FAKE_APISERVER()                                          \
    if (const auto missing = kubeproof::test::fake_apiserver_missing_tool()) { \
        MESSAGE("skipped: " << *missing);                                      \
        return;                                                                \
    }

ConnectionConfig base_config() {
    ConnectionConfig config;
    config.origin = "kubeconfig test";
    config.server = server()->url();
    config.certificate_authority.path = server()->file("ca");
    return config;
}

ClientOptions fast_options() {
    ClientOptions options;
    options.request_timeout = 3s;
    options.backoff_initial = 1000ms;  // a retry would show in the elapsed time
    return options;
}

/// The base config with the accepted token.
ConnectionConfig token_config() {
    ConnectionConfig config = base_config();
    config.token = k_token;
    return config;
}

/// Options for the deadline tests: long request timeouts, so that only the deadline under test
/// can cut a request.
ClientOptions deadline_options() {
    ClientOptions options;
    options.request_timeout = 20s;
    options.read_timeout = 20s;
    options.backoff_initial = 10ms;
    return options;
}

/// Seconds since `start`.
double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// GET /api/v1/pods with `config`: the status, or the error message.
std::string get_pods(ConnectionConfig config, const ClientOptions& options = fast_options()) {
    auto client = ApiClient::create(std::move(config), options);
    if (!client) return "create: " + client.error();
    const auto response =
        (*client)->get("/api/v1/pods?limit=500", std::chrono::steady_clock::now() + 10s);
    if (!response) return response.error();
    return std::to_string(response->status);
}

std::string read_text(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

/// The user the server saw for the last request (from its request log).
std::string last_user() {
    ConnectionConfig config = base_config();
    auto client = ApiClient::create(config, fast_options());
    REQUIRE(client);
    const auto log = (*client)->get("/_fake/requests", std::chrono::steady_clock::now() + 5s);
    REQUIRE(log);
    const auto requests = nlohmann::json::parse(log->body);
    REQUIRE_FALSE(requests.empty());  // this request is logged after its response
    const auto& user = requests.back()["user"];
    return user.is_string() ? user.get<std::string>() : "";
}

}  // namespace

TEST_SUITE("k8s/http") {
    TEST_CASE("url_encode and reason phrases") {
        CHECK(kubeproof::k8s::url_encode("eyJ+/=a b~") == "eyJ%2B%2F%3Da%20b~");
        CHECK(kubeproof::k8s::reason_phrase(429) == "Too Many Requests");
        CHECK(kubeproof::k8s::reason_phrase(599).empty());
    }
}

TEST_SUITE("k8s/api_client") {
    TEST_CASE("TLS verified with the test CA and a bearer token") {
        SKIP_WITHOUT_FAKE_APISERVER();
        auto config = base_config();
        config.token = k_token;
        CHECK(get_pods(config) == "200");
        CHECK(last_user() == "token-user");
        config.token = "wrong";
        CHECK(get_pods(config) == "401");
        config.token.clear();
        CHECK(get_pods(config) == "401");
    }

    TEST_CASE("a wrong CA fails at once with a TLS message and no retries") {
        SKIP_WITHOUT_FAKE_APISERVER();
        auto config = base_config();
        config.certificate_authority.path = server()->file("other_ca");
        config.token = "s3cr3t-value";
        const auto start = std::chrono::steady_clock::now();
        const std::string error = get_pods(config);
        CHECK(std::chrono::steady_clock::now() - start < 500ms);
        // the server sends its CA too, so OpenSSL says "self-signed certificate in certificate
        // chain"
        CHECK(error.rfind("GET " + server()->url() +
                              "/api/v1/pods?limit=500: TLS error: SSL certificate problem: ",
                          0) == 0);
        CHECK(error.find("s3cr3t") == std::string::npos);
    }

    TEST_CASE("client certificates from files and from -data, and one from an unknown CA") {
        SKIP_WITHOUT_FAKE_APISERVER();
        auto config = base_config();
        config.client_certificate.path = server()->file("client_cert");
        config.client_key.path = server()->file("client_key");
        CHECK(get_pods(config) == "200");
        CHECK(last_user() == "kubeproof-test");
        config.certificate_authority = {"", read_text(server()->file("ca"))};
        config.client_certificate = {"", read_text(server()->file("client_cert"))};
        config.client_key = {"", read_text(server()->file("client_key"))};
        CHECK(get_pods(config) == "200");
        config.client_certificate = {server()->file("other_client_cert"), ""};
        config.client_key = {server()->file("other_client_key"), ""};
        const std::string error = get_pods(config);
        // The server refuses the certificate; with TLS 1.3 the client sees either the "unknown ca"
        // alert or the connection closing right after the handshake, depending on timing.
        CHECK(error != "200");
        CHECK(error.find(server()->url()) != std::string::npos);
    }

    TEST_CASE("insecure-skip-tls-verify, tls-server-name and the system CA bundle") {
        SKIP_WITHOUT_FAKE_APISERVER();
        auto config = base_config();
        config.token = k_token;
        config.certificate_authority = {};
        config.insecure_skip_tls_verify = true;
        CHECK(get_pods(config) == "200");
        config.insecure_skip_tls_verify = false;
        const char* saved = std::getenv("SSL_CERT_FILE");
        const std::string saved_value = saved == nullptr ? "" : saved;
        ::setenv("SSL_CERT_FILE", server()->file("ca").c_str(), 1);
        CHECK(get_pods(config) == "200");
        ::unsetenv("SSL_CERT_FILE");
        auto options = fast_options();
        options.system_ca_files = {"/nonexistent/ca.pem", server()->file("ca")};
        CHECK(get_pods(config, options) == "200");
        options.system_ca_files = {"/nonexistent/ca.pem"};
        CHECK(get_pods(config, options) ==
              "create: kubeconfig test: no certificate-authority is configured for " +
                  server()->url() + " and no system CA bundle was found");
        if (saved != nullptr) ::setenv("SSL_CERT_FILE", saved_value.c_str(), 1);
        config.certificate_authority.path = server()->file("ca");
        config.tls_server_name = "kubernetes.default.svc";
        CHECK(get_pods(config) == "200");
        config.tls_server_name = "wrong.example";
        CHECK(get_pods(config) ==
              "GET " + server()->url() +
                  "/api/v1/pods?limit=500: TLS error: SSL: no alternative certificate subject "
                  "name matches target host name 'wrong.example'");
    }

    TEST_CASE("missing files are named; a token file is re-read for every request") {
        SKIP_WITHOUT_FAKE_APISERVER();
        TempRoot dir;
        auto config = base_config();
        config.certificate_authority.path = dir.path() + "/ca.crt";
        CHECK(get_pods(config) == "create: kubeconfig test: certificate-authority " + dir.path() +
                                      "/ca.crt: No such file or directory");
        config = base_config();
        config.token_file = dir.path() + "/token";
        CHECK(get_pods(config) == "create: kubeconfig test: token file " + dir.path() +
                                      "/token: No such file or directory");
        dir.write("token", "wrong\n");
        auto client = ApiClient::create(config, fast_options());
        REQUIRE(client);
        const auto deadline = std::chrono::steady_clock::now() + 10s;
        CHECK((*client)->get("/api/v1/pods", deadline)->status == 401);
        dir.write("token", std::string(k_token) + "\n");
        CHECK((*client)->get("/api/v1/pods", deadline)->status == 200);
    }

    TEST_CASE("an exec plugin's token is used, cached, and renewed after a 401") {
        SKIP_WITHOUT_FAKE_APISERVER();
        TempRoot dir;
        auto config = base_config();
        // The first run returns a stale token, every later run the right one.
        config.exec =
            kubeproof::k8s::ExecConfig{"client.authentication.k8s.io/v1beta1",
                                       dir.write("plugin.sh",
                                                 "#!/bin/sh\ntoken=stale\n[ -f \"$RUNS\" ] && "
                                                 "token=\"$GOOD\"\necho run >> \"$RUNS\"\n"
                                                 "echo "
                                                 "'{\"apiVersion\":\"client.authentication.k8s.io/"
                                                 "v1beta1\",\"kind\":\"ExecCredential\","
                                                 "\"status\":{\"token\":\"'\"$token\"'\"}}'\n",
                                                 0755),
                                       {},
                                       {{"RUNS", dir.path() + "/runs"}, {"GOOD", k_token}},
                                       "",
                                       "IfAvailable",
                                       false};
        auto client = ApiClient::create(config, fast_options());
        REQUIRE(client);
        const auto deadline = std::chrono::steady_clock::now() + 10s;
        CHECK((*client)->get("/api/v1/pods", deadline)->status == 200);
        CHECK(read_text(dir.path() + "/runs") ==
              "run\nrun\n");  // 401 with the stale token, run again once
        CHECK(last_user() == "token-user");
        CHECK((*client)->get("/api/v1/pods", deadline)->status == 200);
        CHECK(read_text(dir.path() + "/runs") == "run\nrun\n");  // cached
    }

    TEST_CASE("an exec plugin's client certificate is used") {
        SKIP_WITHOUT_FAKE_APISERVER();
        TempRoot dir;
        auto config = base_config();
        const std::string pem_to_json = "awk '{printf \"%s\\\\n\", $0}' ";
        config.exec = kubeproof::k8s::ExecConfig{
            "client.authentication.k8s.io/v1",
            dir.write(
                "plugin.sh",
                "#!/bin/sh\nprintf '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":"
                "\"ExecCredential\",\"status\":{\"clientCertificateData\":\"%s\",\"clientKeyData\":"
                "\"%s\"}}' "
                "\"$(" +
                    pem_to_json + server()->file("client_cert") + ")\" \"$(" + pem_to_json +
                    server()->file("client_key") + ")\"\n",
                0755),
            {},
            {},
            "",
            "Never",
            false};
        CHECK(get_pods(config) == "200");
        CHECK(last_user() == "kubeproof-test");
    }

    TEST_CASE("a connection refused is retried, then reported") {
        SKIP_WITHOUT_FAKE_APISERVER();
        ConnectionConfig config = base_config();
        config.server = "https://127.0.0.1:1";
        auto options = fast_options();
        options.backoff_initial = 10ms;
        options.max_attempts = 3;
        const std::string error = get_pods(config, options);
        CHECK(error.rfind("GET https://127.0.0.1:1/api/v1/pods?limit=500: connection failed: ",
                          0) == 0);
        CHECK(error.find("(3 attempts)") != std::string::npos);
    }

    TEST_CASE(
        "a server that stops sending mid-body, or never answers, is cut by the read timeout") {
        SKIP_WITHOUT_FAKE_APISERVER();
        auto options = deadline_options();
        options.read_timeout = 1s;
        options.max_attempts = 1;
        auto client = ApiClient::create(token_config(), options);
        REQUIRE(client);
        for (const char* path : {"/api/v1/services?limit=500", "/api/v1/endpoints?limit=500"}) {
            CAPTURE(path);
            const auto start = std::chrono::steady_clock::now();
            const auto response = (*client)->get(path, start + 30s);
            const double took = seconds_since(start);
            REQUIRE_FALSE(response);
            CHECK(response.error() == "GET " + server()->url() + path +
                                          ": timed out: the server sent nothing for 1s (the read "
                                          "timeout)");
            CHECK(took >= 1.0);
            CHECK(took < 5.0);  // not the request's 20 s
        }
    }

    TEST_CASE("a request cut by the read timeout is retried") {
        SKIP_WITHOUT_FAKE_APISERVER();
        auto options = deadline_options();
        options.read_timeout = 1s;
        options.max_attempts = 2;
        auto client = ApiClient::create(token_config(), options);
        REQUIRE(client);
        const auto start = std::chrono::steady_clock::now();
        const auto response = (*client)->get("/api/v1/configmaps?limit=500", start + 30s);
        REQUIRE(response);
        CHECK(response->status == 200);
        CHECK(response->attempts == 2);
        CHECK(seconds_since(start) < 5.0);  // the first attempt ended by the read timeout, not 20 s
        CHECK(nlohmann::json::parse(response->body)["kind"] == "ConfigMapList");
    }

    TEST_CASE("the scan's deadline bounds every request, and a request it cut names it") {
        SKIP_WITHOUT_FAKE_APISERVER();
        auto options = deadline_options();
        const auto start = std::chrono::steady_clock::now();
        options.scan_deadline = start + 1500ms;
        options.scan_deadline_name = "the scan's --timeout of 1.5s";
        auto client = ApiClient::create(token_config(), options);
        REQUIRE(client);
        const auto list_deadline = start + 60s;  // the request's own deadline is further away
        const auto pods = (*client)->get("/api/v1/pods?limit=500", list_deadline);
        REQUIRE(pods);
        CHECK(pods->status == 200);
        const auto hung = (*client)->get("/api/v1/endpoints?limit=500", list_deadline);
        const double took = seconds_since(start);
        REQUIRE_FALSE(hung);
        // Cut while it waited ("passed: GET ...: timed out: ..."), or, on a loaded machine where
        // curl's own timer ends it a moment early, not tried again ("leaves no time for another
        // attempt: GET ...") or not sent ("passed before GET ... was sent").
        const std::string cut = "the scan's --timeout of 1.5s ";
        INFO(hung.error());
        CHECK(hung.error().rfind(cut, 0) == 0);
        CHECK(hung.error().find("GET " + server()->url() + "/api/v1/endpoints?limit=500") !=
              std::string::npos);
        CHECK(took >= 1.4);  // waited for the deadline (curl may end it a few ms early)
        CHECK(took < 4.0);   // not the request's 20 s, and no retries after the deadline
        const auto after = std::chrono::steady_clock::now();
        const auto later = (*client)->get("/api/v1/pods?limit=500", list_deadline);
        REQUIRE_FALSE(later);
        CHECK(later.error() == "the scan's --timeout of 1.5s passed before GET " + server()->url() +
                                   "/api/v1/pods?limit=500 was sent");
        CHECK(seconds_since(after) < 0.5);
    }

    TEST_CASE("an exec plugin that hangs ends with the scan's deadline") {
        SKIP_WITHOUT_FAKE_APISERVER();
        TempRoot dir;
        auto config = base_config();
        config.exec =
            kubeproof::k8s::ExecConfig{"client.authentication.k8s.io/v1beta1",
                                       dir.write("plugin.sh", "#!/bin/sh\nsleep 30\n", 0755),
                                       {},
                                       {},
                                       "",
                                       "IfAvailable",
                                       false};
        auto options = deadline_options();
        const auto start = std::chrono::steady_clock::now();
        options.scan_deadline = start + 1s;
        auto client = ApiClient::create(config, options);
        REQUIRE(client);
        const auto response = (*client)->get("/api/v1/pods", start + 60s);
        REQUIRE_FALSE(response);
        CHECK(response.error().find("did not finish within") != std::string::npos);
        CHECK(seconds_since(start) < 4.0);  // not the plugin's own 60 s
    }

    TEST_CASE("durations in messages") {
        CHECK(kubeproof::k8s::duration_text(15s) == "15s");
        CHECK(kubeproof::k8s::duration_text(1500ms) == "1.5s");
        CHECK(kubeproof::k8s::duration_text(250ms) == "250ms");
        CHECK(kubeproof::k8s::duration_text(10min) == "10m");
        CHECK(kubeproof::k8s::duration_text(90s) == "90s");
    }

    TEST_CASE("the fake server stops when its stdin closes") {
        SKIP_WITHOUT_FAKE_APISERVER();
        FakeApiServer own({});
        CHECK(own.exits_when_stdin_closes());
    }
}
