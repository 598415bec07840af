#include "app/objects.hpp"

#include <algorithm>

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
    auto connection = k8s::connect_api_source(request);
    if (!connection) return util::unexpected(ScanError{2, connection.error(), {}});
    warnings.insert(warnings.end(), connection->warnings.begin(), connection->warnings.end());
    OpenedObjects opened;
    auto version =
        connection->source->server_version();  // also a probe: unreachable means ERROR at once
    if (!version) {
        opened.source = std::make_unique<k8s::UnavailableSource>(connection->source->describe(),
                                                                 version.error());
        return opened;
    }
    opened.server_version = *version;
    opened.source = std::move(connection->source);
    return opened;
}

}  // namespace

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
