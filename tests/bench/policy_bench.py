#!/usr/bin/env python3
"""Policy-scan benchmark: a program that prints figures, not a timed test.

Generates a large cluster (50,000 pods, 10,000 RBAC objects, namespaces, service accounts,
network policies, Deployments and ReplicaSets), then measures the real `kubeproof` binary on it
twice: against tests/k8s/fake_apiserver.py (`run --targets policies --kubeconfig K`) and on the
same objects as one manifest `kind: List` JSON file (`run --manifests LIST.json`). For each, it
prints the wall time (min / median of --runs) and the peak RSS of the kubeproof process
(GNU time %M, ru_maxrss), whether the goals (<= 10 s, <= 256 MB) are met, and the statuses of the
section 5 results, to show the objects were really judged.

    python3 tests/bench/policy_bench.py --binary build/release/kubeproof [--pods 50000] [--runs 3]
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
FAKE_APISERVER = os.path.join(HERE, "..", "k8s", "fake_apiserver.py")
GOAL_SECONDS = 10.0
GOAL_MB = 256.0
BENCHMARK = "cis-1.12"  # both scans judge the same checks (see main)


def meta(name, namespace=None, **extra):
    """Metadata as a real server returns it: uid, resourceVersion, labels, timestamps (and
    managedFields, added by the callers that know what manages the object)."""
    m = {"name": name, "uid": f"uid-{name}-{namespace or 'cluster'}",
         "resourceVersion": str(random.randint(1000, 9999999)),
         "creationTimestamp": "2024-05-01T10:00:00Z", "labels": {"app": name.split("-")[0]}}
    if namespace is not None:
        m["namespace"] = namespace
    m.update(extra)
    return m


def managed_fields(manager, fields, status=False):
    """metadata.managedFields as a real API server returns them on every object (kubectl does not
    show them by default, but a client listing objects receives them); a pod's kubelet also records
    the status it manages."""
    entries = [{"manager": manager, "operation": "Update", "apiVersion": "v1", "time": "2024-05-01T10:00:00Z",
                "fieldsType": "FieldsV1", "fieldsV1": fields}]
    if status:
        entries.append({"manager": "kubelet", "operation": "Update", "apiVersion": "v1", "time": "2024-05-01T10:00:05Z",
                        "fieldsType": "FieldsV1", "subresource": "status",
                        "fieldsV1": {"f:status": {"f:conditions": {".": {}, **{f'k:{{"type":"{t}"}}': {".": {}, "f:status": {}, "f:type": {}}
                                                                            for t in ("Initialized", "Ready", "ContainersReady", "PodScheduled")}},
                                                  "f:containerStatuses": {}, "f:hostIP": {}, "f:phase": {}, "f:podIP": {},
                                                  "f:podIPs": {".": {}, 'k:{"ip":"10.0.0.1"}': {".": {}, "f:ip": {}}}, "f:startTime": {}}}})
    return entries


def template_fields(containers):
    """The FieldsV1 of a pod spec with these container names."""
    per_container = {".": {}, "f:env": {}, "f:image": {}, "f:imagePullPolicy": {}, "f:name": {}, "f:ports": {},
                     "f:readinessProbe": {}, "f:resources": {}, "f:securityContext": {}, "f:volumeMounts": {}}
    return {"f:containers": {f'k:{{"name":"{c}"}}': per_container for c in containers},
            "f:restartPolicy": {}, "f:serviceAccountName": {}, "f:volumes": {}}


def container(name, index, finding):
    """A container with the usual env, ports, probes, resources and mounts; `finding` breaks a rule."""
    c = {"name": name, "image": f"registry.example.com/team/{name}:1.{index % 40}.3",
         "imagePullPolicy": "IfNotPresent",
         "ports": [{"containerPort": 8080, "name": "http", "protocol": "TCP"}],
         "env": [{"name": "LOG_LEVEL", "value": "info"}, {"name": "REGION", "value": "eu-west-1"},
                 {"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}],
         "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"memory": "256Mi"}},
         "readinessProbe": {"httpGet": {"path": "/ready", "port": 8080}, "periodSeconds": 10},
         "volumeMounts": [{"name": "config", "mountPath": "/etc/app"},
                          {"name": "kube-api-access", "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount",
                           "readOnly": True}],
         "securityContext": {"allowPrivilegeEscalation": False, "runAsNonRoot": True,
                             "capabilities": {"drop": ["ALL"]}}}
    if finding == "privileged":
        c["securityContext"] = {"privileged": True}
    elif finding == "root":
        c["securityContext"] = {"runAsUser": 0}
    return c


def pod_spec(index, namespace_index):
    """A pod template spec; every 40th is privileged, every 60th runs as root, every 90th mounts a hostPath."""
    finding = "privileged" if index % 40 == 0 else "root" if index % 60 == 0 else None
    spec = {"serviceAccountName": f"app-{namespace_index % 3}", "restartPolicy": "Always",
            "containers": [container("app", index, finding)] + ([container("sidecar", index, None)] if index % 3 == 0 else []),
            "volumes": [{"name": "config", "configMap": {"name": "app-config"}},
                        {"name": "kube-api-access", "projected": {"sources": [{"serviceAccountToken": {"path": "token"}}]}}]}
    if index % 90 == 0:
        spec["volumes"].append({"name": "host", "hostPath": {"path": "/var/log", "type": "Directory"}})
    if index % 150 == 0:
        spec["hostNetwork"] = True
    return spec


def owner(kind, name, uid):
    return [{"apiVersion": "apps/v1", "kind": kind, "name": name, "uid": uid, "controller": True}]


def workloads(deployments, namespaces):
    """Deployments, each with one ReplicaSet, plus as many standalone ReplicaSets as a quarter of them."""
    deps, sets = [], []
    for d in range(deployments + deployments // 4):
        ns = f"team-{d % namespaces:03d}"
        template = {"metadata": {"labels": {"app": f"svc{d}"}}, "spec": pod_spec(d, d % namespaces)}
        rs_meta = meta(f"svc{d}-7d9f8c6b5", ns)
        fields = {"f:spec": {"f:replicas": {}, "f:selector": {}, "f:template": {"f:spec": template_fields(
            [c["name"] for c in template["spec"]["containers"]])}}}
        rs_meta["managedFields"] = managed_fields("kube-controller-manager", fields)
        if d < deployments:
            dep_meta = meta(f"svc{d}", ns, managedFields=managed_fields("kubectl-client-side-apply", fields))
            deps.append({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": dep_meta,
                         "spec": {"replicas": 3, "selector": {"matchLabels": {"app": f"svc{d}"}}, "template": template}})
            rs_meta["ownerReferences"] = owner("Deployment", dep_meta["name"], dep_meta["uid"])
        sets.append({"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": rs_meta,
                     "spec": {"replicas": 3, "selector": {"matchLabels": {"app": f"svc{d}"}}, "template": template}})
    return deps, sets


def pods(count, sets):
    """`count` pods with status; all but one in 25 are owned by a ReplicaSet."""
    out = []
    for p in range(count):
        rs = sets[p % len(sets)]
        ns = rs["metadata"]["namespace"]
        standalone = p % 25 == 0
        m = meta(f"{rs['metadata']['name']}-{p:05d}" if not standalone else f"debug-{p:05d}", ns)
        if not standalone:
            m["ownerReferences"] = owner("ReplicaSet", rs["metadata"]["name"], rs["metadata"]["uid"])
        spec = dict(pod_spec(p if standalone else 1, p % 100), nodeName=f"node-{p % 200:03d}")
        m["managedFields"] = managed_fields("kube-controller-manager",
                                            {"f:metadata": {"f:labels": {".": {}, "f:app": {}}, "f:ownerReferences": {}},
                                             "f:spec": template_fields([c["name"] for c in spec["containers"]])}, status=True)
        out.append({"apiVersion": "v1", "kind": "Pod", "metadata": m, "spec": spec,
                    "status": {"phase": "Running", "podIP": f"10.{p // 65536 % 256}.{p // 256 % 256}.{p % 256}",
                               "hostIP": f"192.168.{p % 200 // 256}.{p % 200}", "qosClass": "Burstable",
                               "conditions": [{"type": t, "status": "True", "lastTransitionTime": "2024-05-01T10:00:05Z"}
                                              for t in ("Initialized", "Ready", "ContainersReady", "PodScheduled")],
                               "containerStatuses": [{"name": c["name"], "ready": True, "restartCount": p % 3,
                                                      "image": c["image"], "imageID": f"sha256:{p:064x}",
                                                      "state": {"running": {"startedAt": "2024-05-01T10:00:04Z"}}}
                                                     for c in spec["containers"]]}})
    return out


def rbac(count, namespaces):
    """`count` RBAC objects: a quarter each of ClusterRoles, Roles, ClusterRoleBindings, RoleBindings."""
    group = "rbac.authorization.k8s.io/v1"
    applied = managed_fields("helm", {"f:metadata": {"f:labels": {".": {}, "f:app": {}}}, "f:rules": {}})

    def rbac_meta(name, namespace=None):
        return meta(name, namespace, managedFields=applied)

    quarter = count // 4
    rules = [{"apiGroups": [""], "resources": ["pods", "services"], "verbs": ["get", "list", "watch"]},
             {"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["get", "list"]}]
    risky = [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]},
             {"apiGroups": [""], "resources": ["secrets"], "verbs": ["get", "list"]},
             {"apiGroups": [""], "resources": ["pods"], "verbs": ["create"]}]
    out = {"clusterroles": [], "roles": [], "clusterrolebindings": [], "rolebindings": []}
    for i in range(quarter):
        ns = f"team-{i % namespaces:03d}"
        role_rules = rules + ([risky[i % 3]] if i % 50 == 0 else [])
        out["clusterroles"].append({"apiVersion": group, "kind": "ClusterRole", "metadata": rbac_meta(f"cr-{i}"), "rules": role_rules})
        out["roles"].append({"apiVersion": group, "kind": "Role", "metadata": rbac_meta(f"role-{i}", ns), "rules": role_rules})
        subject = {"kind": "ServiceAccount", "name": f"app-{i % 3}", "namespace": ns}
        users = [subject, {"kind": "User", "apiGroup": "rbac.authorization.k8s.io", "name": f"user{i}@example.com"}]
        admin = i % 500 == 0
        out["clusterrolebindings"].append({"apiVersion": group, "kind": "ClusterRoleBinding", "metadata": rbac_meta(f"crb-{i}"),
                                           "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole",
                                                       "name": "cluster-admin" if admin else f"cr-{i}"}, "subjects": users})
        out["rolebindings"].append({"apiVersion": group, "kind": "RoleBinding", "metadata": rbac_meta(f"rb-{i}", ns),
                                    "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": f"role-{i}"},
                                    "subjects": users})
    return out


def generate(pod_count, rbac_count, namespaces=100, deployments=2000):
    """Every object, by resource, in the order a List file holds them (context first)."""
    random.seed(1)
    objects = {"namespaces": [{"apiVersion": "v1", "kind": "Namespace", "metadata": meta(f"team-{n:03d}")}
                              for n in range(namespaces)]}
    objects["serviceaccounts"] = [dict({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": meta(name, f"team-{n:03d}")},
                                       **({"automountServiceAccountToken": False} if n % 2 == 0 else {}))
                                  for n in range(namespaces) for name in ("default", "app-0", "app-1", "app-2")]
    objects["networkpolicies"] = [{"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                                   "metadata": meta("default-deny", f"team-{n:03d}"),
                                   "spec": {"podSelector": {}, "policyTypes": ["Ingress"]}} for n in range(0, namespaces, 2)]
    objects.update(rbac(rbac_count, namespaces))
    objects["deployments"], objects["replicasets"] = workloads(deployments, namespaces)
    objects["pods"] = pods(pod_count, objects["replicasets"])
    return objects


def write_inputs(objects, directory):
    """DIR/api/<resource>.json for the fake API server and DIR/cluster-list.json; the list's size."""
    api = os.path.join(directory, "api")
    os.makedirs(api)
    for resource, items in objects.items():
        with open(os.path.join(api, resource + ".json"), "w") as f:
            json.dump(items, f)
    path = os.path.join(directory, "cluster-list.json")
    with open(path, "w") as f:  # one item per line, as `kubectl get -o json` would not, but it keeps lines short
        f.write('{"apiVersion": "v1", "kind": "List", "metadata": {}, "items": [\n')
        f.write(",\n".join(json.dumps(o) for items in objects.values() for o in items))
        f.write("\n]}\n")
    return path, os.path.getsize(path), sum(os.path.getsize(os.path.join(api, n)) for n in os.listdir(api))


def measure(command):
    """Runs `command` once under /usr/bin/time; wall seconds and peak RSS (MB) of that process alone.

    Not os.wait4 on a child of this script: Linux carries the peak RSS of the process that forked
    or vforked the child (this script, holding the generated objects) into the child's ru_maxrss."""
    with tempfile.NamedTemporaryFile("r") as figures, tempfile.TemporaryFile() as stderr:
        timed = ["/usr/bin/time", "-o", figures.name, "-f", "%e %M"] + command
        code = subprocess.run(timed, stdout=subprocess.DEVNULL, stderr=stderr).returncode
        if code not in (0, 1):  # 1: some checks failed, as expected here
            stderr.seek(0)
            sys.exit(f"{' '.join(command)} exited {code}:\n{stderr.read().decode()}")
        wall, rss_kb = figures.read().split()[-2:]
    return float(wall), int(rss_kb) / 1024.0


def statuses(command, directory):
    """The section 5 results of one more run: status counts and 'id STATUS: actual' lines."""
    out = os.path.join(directory, "report.json")
    subprocess.run(command[:-1] + [out], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(out) as f:
        results = json.load(f)["results"]
    counts = {}
    for r in results:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    lines = [f"{r['id']} {r['status']}: {r.get('actual', '')[:110]}" for r in results]
    return counts, lines


def start_server(api_dir, tls_dir):
    """The fake API server on a free port; (process, kubeconfig path)."""
    server = subprocess.Popen([sys.executable, FAKE_APISERVER, "--objects", api_dir, "--tls-dir", tls_dir],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    port = int(server.stdout.readline().split()[1])
    files = json.loads(server.stdout.readline().split(" ", 1)[1])
    kubeconfig = os.path.join(tls_dir, "kubeconfig")
    with open(kubeconfig, "w") as f:
        json.dump({"apiVersion": "v1", "kind": "Config", "current-context": "fake",
                   "clusters": [{"name": "fake", "cluster": {"server": f"https://127.0.0.1:{port}",
                                                             "certificate-authority": files["ca"]}}],
                   "users": [{"name": "cert", "user": {"client-certificate": files["client_cert"],
                                                       "client-key": files["client_key"]}}],
                   "contexts": [{"name": "fake", "context": {"cluster": "fake", "user": "cert"}}]}, f)
    return server, kubeconfig


def report(name, objects, size_mb, runs, status_counts):
    walls = [w for w, _ in runs]
    rss = max(r for _, r in runs)
    ok = "yes" if statistics.median(walls) <= GOAL_SECONDS and rss <= GOAL_MB else "NO"
    counts = ", ".join(f"{k} {v}" for k, v in sorted(status_counts.items()))
    print(f"{name:<10} {objects:>8} {size_mb:>9.1f} {min(walls):>8.2f} {statistics.median(walls):>8.2f} "
          f"{rss:>9.1f}   {ok:<4}  {counts}")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--binary", required=True, help="the kubeproof binary to measure (a Release build)")
    p.add_argument("--pods", type=int, default=50000)
    p.add_argument("--rbac", type=int, default=10000)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--keep", help="write the inputs here and keep them (default: a temporary directory)")
    p.add_argument("--show-results", action="store_true", help="print every result, not only those with findings")
    args = p.parse_args()
    directory = args.keep or tempfile.mkdtemp(prefix="kubeproof-policy-bench-")
    if args.keep:
        os.makedirs(directory, exist_ok=True)
        if os.path.exists(os.path.join(directory, "api")):
            sys.exit(f"{directory}/api exists; pick an empty --keep directory")
    started = time.perf_counter()
    objects = generate(args.pods, args.rbac)
    list_path, list_size, api_size = write_inputs(objects, directory)
    total = sum(len(v) for v in objects.values())
    print(f"generated {total} objects ({', '.join(f'{len(v)} {k}' for k, v in objects.items())}) "
          f"in {time.perf_counter() - started:.1f} s under {directory}")
    del objects
    server, kubeconfig = start_server(os.path.join(directory, "api"), os.path.join(directory, "tls"))
    try:
        # One benchmark for both sources: the fake server's /version would otherwise select
        # cis-1.11, and the List file (no version) falls back to cis-1.12, so that their results
        # could not be compared.
        api_command = [args.binary, "run", "--targets", "policies", "--benchmark", BENCHMARK,
                       "--kubeconfig", kubeconfig, "--format", "json", "--output", "/dev/null"]
        api_runs = [measure(api_command) for _ in range(args.runs)]
        api_status = statuses(api_command, directory)
    finally:
        server.stdin.close()
        server.wait()
    list_command = [args.binary, "run", "--manifests", list_path, "--benchmark", BENCHMARK, "--format", "json",
                    "--output", "/dev/null"]
    list_runs = [measure(list_command) for _ in range(args.runs)]
    list_status = statuses(list_command, directory)
    print(f"\n{args.runs} runs each; goals: wall <= {GOAL_SECONDS:.0f} s, peak RSS <= {GOAL_MB:.0f} MB (kubeproof process only)")
    print(f"{'source':<10} {'objects':>8} {'input MB':>9} {'min s':>8} {'median s':>8} {'peak MB':>9}   {'met':<4}  statuses")
    report("API", total, api_size / 1e6, api_runs, api_status[0])
    report("List file", total, list_size / 1e6, list_runs, list_status[0])
    print("API wall time includes waiting for the Python fake API server (single-threaded, TLS) to serve the pages.")
    for line in list_status[1] if args.show_results else [l for l in list_status[1] if " items match" in l]:
        print("  " + line)
    if api_status[1] != list_status[1]:
        print("note: the API and List-file scans gave different results")


if __name__ == "__main__":
    main()
