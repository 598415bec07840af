#pragma once

#include <memory>
#include <string>
#include <vector>

#include "app/scan.hpp"
#include "k8s/api_source.hpp"
#include "k8s/object_source.hpp"
#include "model/result.hpp"
#include "util/expected.hpp"

namespace kubeproof::app {

/// The objects of the policies target, as the options ask for them.
struct OpenedObjects {
    std::unique_ptr<k8s::ObjectSource> source;  ///< null when no objects were asked for
    bool objects_only = false;      ///< manifests: without --targets, scan only the policies
    std::string server_version;     ///< the API server's version, when known
    std::string cluster_name;       ///< the kubeconfig context's cluster
    std::string cluster_uid;        ///< the kube-system namespace's uid, when the server answered
    k8s::ApiSource* api = nullptr;  ///< `source` when it is a reachable API server
    bool insecure_tls = false;      ///< the kubeconfig's cluster has insecure-skip-tls-verify
};

/// The cluster's nodes as `list nodes` gives them (name, kubelet version, providerID, creation
/// time); empty without a reachable API server. A refused list is a warning, not an error.
std::vector<model::InventoryNode> list_inventory(const OpenedObjects& objects,
                                                 std::vector<std::string>& warnings);

/// A warning naming the request the scan's --timeout cut, when it cut one: it may be one no
/// result names (a clue for the benchmark's choice), and it is what the scan waited for.
void note_deadline(const OpenedObjects& objects, std::vector<std::string>& warnings);

/// Opens the manifests (checked and indexed; an invalid or empty input is exit 2) or connects to
/// the API server (kubeconfig or in-cluster; an unusable kubeconfig is exit 2, an unreachable
/// server a source whose every list fails, so that the checks are ERROR).
util::Expected<OpenedObjects, ScanError> open_objects(const ScanOptions& options,
                                                      std::vector<std::string>& warnings);

}  // namespace kubeproof::app
