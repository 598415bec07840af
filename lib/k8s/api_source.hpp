#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "k8s/api_client.hpp"
#include "k8s/kubeconfig.hpp"
#include "k8s/object_source.hpp"
#include "util/expected.hpp"

namespace kubeproof::k8s {

/// Lists objects from a live API server, page by page (`limit`/`continue`). Not thread-safe.
class ApiSource : public ObjectSource {
public:
    /// Pages of `page_size` objects (the server may return fewer).
    explicit ApiSource(std::unique_ptr<ApiClient> client, int page_size = 500);

    /// Streams all objects of `type`; a failure after some pages is Failed/Denied, never Ok.
    model::ListOutcome list(const model::ResourceType& type, const ObjectSink& sink) override;
    /// "the API server https://10.0.0.1:6443".
    std::string describe() const override;
    /// "1.31" from GET /version (a minor like "31+" is tolerated).
    util::Expected<std::string, std::string> server_version();
    /// GET of one object ("/api/v1/namespaces/kube-system"), parsed; the error names the path and
    /// the status.
    util::Expected<nlohmann::json, std::string> get_object(const std::string& path);
    /// The client underneath (its connection config carries the origin and warnings).
    const ApiClient& client() const { return *m_client; }

private:
    std::unique_ptr<ApiClient> m_client;
    int m_page_size;
};

/// A connected source and the warnings met while resolving its configuration.
struct ApiConnection {
    std::unique_ptr<ApiSource> source;
    std::vector<std::string> warnings;  ///< e.g. TLS verification is off
};

/// Loads the kubeconfig (or in-cluster config) and builds a source; no request is made yet.
util::Expected<ApiConnection, std::string> connect_api_source(const ConnectRequest& request,
                                                              const ClientOptions& options = {});

/// "/api/v1/pods" or "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings" (all namespaces), or
/// "/api/v1/namespaces/kube-system/pods" for a type listed in one namespace.
std::string list_path(const model::ResourceType& type);

/// "1.31" from a /version document; gitVersion ("v1.31.2-eks-1") when major/minor are missing.
util::Expected<std::string, std::string> parse_server_version(std::string_view json);

/// The `message` of a Kubernetes Status body, else the body's first line (at most 200 characters).
std::string status_message(std::string_view body);

}  // namespace kubeproof::k8s
