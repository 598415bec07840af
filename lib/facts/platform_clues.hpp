#pragma once

#include <vector>

#include "engine/benchmark_choice.hpp"
#include "host/host.hpp"
#include "model/check.hpp"

namespace kubeproof::facts {

/// What the node itself says about its Kubernetes version and platform, read through `host`
/// alone (no shell, nothing executed), most trusted first:
/// - `static-pod-image`: the version manifest's image tag (kubeadm registry.k8s.io/kube-apiserver:
///   vX.Y.Z; RKE2 hardened-kubernetes:vX.Y.Z-rke2rN-build..., which also names the platform);
/// - `go-buildinfo`: the Go build information inside the k3s or RKE2 binary (k8s.io/kubernetes
///   and its replacement);
/// - `node-process`: a `k3s server|agent` or `rke2 server|agent` process;
/// - `node-files`: /var/lib/rancher/k3s, /etc/rancher/k3s/config.yaml (and rke2's), and AKS's
///   /etc/kubernetes/azure.json.
/// A light first pass: component discovery and a few stats, before the benchmark is chosen.
std::vector<engine::Clue> node_clues(const host::Host& host, const model::Catalogue& catalogue);

}  // namespace kubeproof::facts
