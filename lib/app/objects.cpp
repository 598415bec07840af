#include "app/objects.hpp"

#include <algorithm>
#include <chrono>

#include <fmt/format.h>

#include "k8s/api_source.hpp"
#include "k8s/manifests.hpp"
#include "k8s/unavailable_source.hpp"
#include "model/targets.hpp"
#include "parse/diagnostics.hpp"

namespace kubeproof::app {

namespace {

bool wants_api(const ScanOptions& o) {
    const bool policies =
        std::find(o.targets.begin(), o.targets.end(), "policies") != o.targets.end();
    return !o.kubeconfig.empty() || !o.context.empty() || (policies && o.manifests.empty());
}

util::Expected<OpenedObjects, ScanError> open_manifests(const ScanOptions& o) {
    auto manifests = std::make_unique<k8s::ManifestSource>(o.manifests);
    parse::Diagnostics diagnostics;
    if (!manifests->load(diagnostics)) {
        const size_t n = diagnostics.size();
        return util::unexpected(ScanError{2,
                                          fmt::format("the manifests cannot be scanned: {} {}", n,
                                                      n == 1 ? "problem" : "problems"),
                                          diagnostics.format()});
    }
    OpenedObjects opened;
    opened.source = std::move(manifests);
    opened.objects_only = true;
    return opened;
}

util::Expected<OpenedObjects, ScanError> open_api(const ScanOptions& o,
                                                  std::vector<std::string>& warnings) {
    k8s::ConnectRequest request;
    request.kubeconfig = o.kubeconfig;
    request.context = o.context;
    // One deadline for everything the scan asks the server, counted from here: a server that
    // answers /version and then hangs costs --timeout, not every list's retries in turn.
    k8s::ClientOptions client;
    client.scan_deadline = std::chrono::steady_clock::now() + o.timeout;
    client.scan_deadline_name = "the scan's --timeout of " + o.timeout_text;
    auto connection = k8s::connect_api_source(request, client);
    if (!connection) return util::unexpected(ScanError{2, connection.error(), {}});
    warnings.insert(warnings.end(), connection->warnings.begin(), connection->warnings.end());
    OpenedObjects opened;
    opened.insecure_tls = connection->source->client().config().insecure_skip_tls_verify;
    auto version =
        connection->source->server_version();  // also a probe: unreachable means ERROR at once
    if (!version) {
        opened.source = std::make_unique<k8s::UnavailableSource>(connection->source->describe(),
                                                                 version.error());
        return opened;
    }
    opened.server_version = *version;
    opened.cluster_name = connection->source->client().config().cluster;
    if (auto ns = connection->source->get_object("/api/v1/namespaces/kube-system")) {
        opened.cluster_uid = ns->value("/metadata/uid"_json_pointer, std::string());
    } else {
        warnings.push_back("the cluster's uid (kube-system namespace) is unknown: " + ns.error());
    }
    opened.api = connection->source.get();
    opened.source = std::move(connection->source);
    return opened;
}

std::string text_at(const nlohmann::json& object, const char* pointer) {
    return object.value(nlohmann::json::json_pointer(pointer), std::string());
}

}  // namespace

void note_deadline(const OpenedObjects& objects, std::vector<std::string>& warnings) {
    if (objects.api == nullptr) return;
    if (const std::string& cut = objects.api->client().deadline_cut(); !cut.empty())
        warnings.push_back(cut + "; what was not finished then is ERROR");
}

std::vector<model::InventoryNode> list_inventory(const OpenedObjects& objects,
                                                 std::vector<std::string>& warnings) {
    std::vector<model::InventoryNode> nodes;
    if (objects.api == nullptr) return nodes;
    const model::ResourceType type{"",     "v1",  "nodes",
                                   "Node", false, {"metadata.managedFields", "status.images"}};
    const auto outcome = objects.api->list(type, [&](nlohmann::json&& node, const model::Origin&) {
        nodes.push_back(
            {text_at(node, "/metadata/name"), text_at(node, "/status/nodeInfo/kubeletVersion"),
             text_at(node, "/spec/providerID"), text_at(node, "/metadata/creationTimestamp")});
    });
    if (outcome.kind != model::ListOutcome::Kind::Ok)
        warnings.push_back("no node inventory: " + outcome.message);
    std::sort(nodes.begin(), nodes.end(),
              [](const auto& a, const auto& b) { return a.name < b.name; });
    return nodes;
}

util::Expected<OpenedObjects, ScanError> open_objects(const ScanOptions& options,
                                                      std::vector<std::string>& warnings) {
    if (!options.manifests.empty() && (!options.kubeconfig.empty() || !options.context.empty())) {
        return util::unexpected(
            ScanError{2, "use either --manifests or --kubeconfig/--context, not both", {}});
    }
    if (!options.manifests.empty()) return open_manifests(options);
    if (!wants_api(options)) return OpenedObjects{};
    return open_api(options, warnings);
}

}  // namespace kubeproof::app
