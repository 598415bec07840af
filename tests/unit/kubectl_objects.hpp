#pragma once

// Objects made by the kubectl client (v1.32.4) on a development machine, kept verbatim as test
// input for the manifest reader and for scans of manifests.

#include <string_view>

namespace kubeproof::test {

/// `kubectl create deployment web --image=nginx --dry-run=client -o yaml`
inline constexpr std::string_view k_kubectl_deployment = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  creationTimestamp: null
  labels:
    app: web
  name: web
spec:
  replicas: 1
  selector:
    matchLabels:
      app: web
  strategy: {}
  template:
    metadata:
      creationTimestamp: null
      labels:
        app: web
    spec:
      containers:
      - image: nginx
        name: nginx
        resources: {}
status: {}
)";

/// `kubectl create clusterrolebinding x --clusterrole=cluster-admin --user=bob
///  --dry-run=client -o json`
inline constexpr std::string_view k_kubectl_binding = R"({
    "kind": "ClusterRoleBinding",
    "apiVersion": "rbac.authorization.k8s.io/v1",
    "metadata": {
        "name": "x",
        "creationTimestamp": null
    },
    "subjects": [
        {
            "kind": "User",
            "apiGroup": "rbac.authorization.k8s.io",
            "name": "bob"
        }
    ],
    "roleRef": {
        "apiGroup": "rbac.authorization.k8s.io",
        "kind": "ClusterRole",
        "name": "cluster-admin"
    }
}
)";

/// `kubectl create namespace ns --dry-run=client -o yaml`
inline constexpr std::string_view k_kubectl_namespace = R"(apiVersion: v1
kind: Namespace
metadata:
  creationTimestamp: null
  name: ns
spec: {}
status: {}
)";

/// `kubectl get namespaces,serviceaccounts -A -o yaml`: the List kubectl builds from two API lists
/// (served by a stub API server that returned one Namespace and one ServiceAccount).
inline constexpr std::string_view k_kubectl_list_yaml = R"(apiVersion: v1
items:
- apiVersion: v1
  kind: Namespace
  metadata:
    creationTimestamp: "2025-01-02T03:04:05Z"
    labels:
      kubernetes.io/metadata.name: team-a
    name: team-a
    resourceVersion: "5"
    uid: 6f1c9a52-1111-4c1e-9d7a-0a1b2c3d4e5f
  spec:
    finalizers:
    - kubernetes
  status:
    phase: Active
- apiVersion: v1
  automountServiceAccountToken: false
  kind: ServiceAccount
  metadata:
    creationTimestamp: "2025-01-02T03:04:06Z"
    name: builder
    namespace: team-a
    resourceVersion: "6"
    uid: 0d9e8f7a-2222-4b6c-8d9e-1a2b3c4d5e6f
kind: List
metadata:
  resourceVersion: ""
)";

/// The same with `-o json`, abridged to the fields that matter; the layout is kubectl's.
inline constexpr std::string_view k_kubectl_list_json = R"({
    "apiVersion": "v1",
    "items": [
        {
            "apiVersion": "v1",
            "kind": "Namespace",
            "metadata": {
                "name": "team-a"
            }
        },
        {
            "apiVersion": "v1",
            "automountServiceAccountToken": false,
            "kind": "ServiceAccount",
            "metadata": {
                "name": "builder",
                "namespace": "team-a"
            }
        }
    ],
    "kind": "List",
    "metadata": {
        "resourceVersion": ""
    }
}
)";

}  // namespace kubeproof::test
