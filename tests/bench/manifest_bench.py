#!/usr/bin/env python3
"""Manifest-scan benchmark: a program that prints figures, not a timed test.

Generates a repository-like tree of Kubernetes YAML manifests (by default 10,000 files, about
40 MB, the same every time: seeded), then times two tools on it, each as a whole process under
/usr/bin/time, one warm-up run and --runs measured runs:

  kubeproof   run --manifests DIR --benchmark cis-1.12 --targets policies --format json
              (CIS section 5; 5.2.x and 5.6.2/5.6.3 are its pod-security checks)
  monokle     node tests/bench/monokle/validate.mjs DIR: @monokle/parser reads and parses the
              files, @monokle/validation judges them with only its pod-security-standards plugin
              (all 17 rules, offline)

It prints the corpus figures, each tool's runs, what each tool found (to show the objects were
judged) and one table with the median and minimum wall time, the peak RSS and the ratio.

    npm ci --prefix tests/bench/monokle        # once
    python3 tests/bench/manifest_bench.py --binary build/release/kubeproof [--files 10000] [--runs 5] [--keep DIR]
"""

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
GENERATOR_VERSION = 1  # bump when the corpus changes, so a --keep directory is not reused by mistake
SEED = 13
POD_SECURITY_CHECKS = ("5.2.", "5.6.2", "5.6.3")  # cis-1.12 ids of the pod-security checks

# ---------------------------------------------------------------------------------------------
# A small YAML writer: block style as people write it, with comments, block scalars, flow lists
# and the occasional anchor. Python's standard library has no YAML.


class Comment:
    """A mapping key with a comment line above it."""

    def __init__(self, key, text):
        self.key, self.text = key, text

    def __hash__(self):
        return hash(self.key)

    def __eq__(self, other):
        return isinstance(other, Comment) and (self.key, self.text) == (other.key, other.text)


class Anchor:
    """A value written with `&name`."""

    def __init__(self, name, value):
        self.name, self.value = name, value


class Alias:
    """`*name`: the value of an earlier Anchor."""

    def __init__(self, name):
        self.name = name


class Flow:
    """A list or mapping written in flow style (`[a, b]`), as short lists often are."""

    def __init__(self, value):
        self.value = value


PLAIN_UNSAFE = set("-?:,[]{}#&*!|>'\"%@`")
RESERVED = {"", "~", "null", "true", "false", "yes", "no", "on", "off", "y", "n"}


def scalar(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    s = str(value)
    needs_quotes = (s.lower() in RESERVED or s[0] in PLAIN_UNSAFE or s[0] == " " or s[-1] == " "
                    or ": " in s or " #" in s or s.endswith(":") or "\t" in s or "\n" in s)
    if not needs_quotes:
        try:
            float(s)
            needs_quotes = True  # "8080", "1.0", "1e3" would be read as numbers
        except ValueError:
            pass
    return json.dumps(s) if needs_quotes else s


def emit(value, indent, out):
    """Appends the lines of `value` (a mapping or a sequence) at `indent` spaces."""
    pad = " " * indent
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, Comment):
                out.append(f"{pad}# {key.text}")
                key = key.key
            emit_entry(f"{pad}{key}:", item, indent, out, nested=indent + 2)
    else:
        for item in value:
            if isinstance(item, dict) and item and not isinstance(next(iter(item)), Comment):
                # "- first: x" then the other keys aligned under it
                lines = []
                emit(item, indent + 2, lines)
                out.append(f"{pad}- {lines[0][indent + 2:]}")
                out.extend(lines[1:])
            else:
                emit_entry(f"{pad}-", item, indent, out, nested=indent + 2)


def emit_entry(head, item, indent, out, nested):
    if isinstance(item, Anchor):
        head, item = f"{head} &{item.name}", item.value
    if isinstance(item, Alias):
        out.append(f"{head} *{item.name}")
    elif isinstance(item, Flow):
        out.append(f"{head} {json.dumps(item.value)}")
    elif isinstance(item, dict):
        if not item:
            out.append(f"{head} {{}}")
        else:
            out.append(head)
            emit(item, nested, out)
    elif isinstance(item, list):
        if not item:
            out.append(f"{head} []")
        else:
            out.append(head)
            # a sequence under a mapping key is written at the key's indentation, as kubectl does
            emit(item, indent if head.endswith(":") else nested, out)
    elif isinstance(item, str) and "\n" in item:
        out.append(f"{head} |" + ("" if item.endswith("\n") else "-"))
        out.extend((" " * nested + line) if line else "" for line in item.rstrip("\n").split("\n"))
    else:
        out.append(f"{head} {scalar(item)}")


def document(obj, comment=None):
    lines = [f"# {line}" for line in comment.split("\n")] if comment else []
    emit(obj, 0, lines)
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------
# The objects.

IMAGES = ["nginx", "envoyproxy/envoy", "redis", "postgres", "python", "node", "golang", "busybox",
          "grafana/grafana", "prom/prometheus", "fluent/fluent-bit", "openjdk", "memcached", "rabbitmq"]
FINDINGS = [  # (finding, chance per workload) in a container or pod spec
    ("privileged", 0.03), ("hostPath", 0.05), ("hostNetwork", 0.025), ("hostPID", 0.012),
    ("hostIPC", 0.008), ("hostPort", 0.03), ("addCaps", 0.05), ("runAsNonRootFalse", 0.02),
    ("runAsRoot", 0.03), ("allowPrivilegeEscalation", 0.03), ("procMount", 0.005), ("sysctls", 0.01),
    ("appArmorAnnotation", 0.01), ("appArmorField", 0.008), ("seccompUnconfined", 0.02),
    ("hostProcess", 0.003),
]
DAEMON_FINDINGS = ["privileged", "hostPath", "hostNetwork", "hostPID", "addCaps"]


def meta(rng, name, namespace, team, extra_labels=None, annotations=None):
    m = {"name": name}
    if namespace:
        m["namespace"] = namespace
    labels = {"app.kubernetes.io/name": name, "app.kubernetes.io/part-of": team,
              "app.kubernetes.io/managed-by": rng.choice(["kustomize", "argocd", "flux", "kubectl"])}
    if extra_labels:
        labels.update(extra_labels)
    m["labels"] = labels
    if annotations:
        m["annotations"] = annotations
    return m


def probe(rng, port):
    kind = rng.random()
    if kind < 0.6:
        action = {"httpGet": {"path": rng.choice(["/healthz", "/ready", "/live", "/-/healthy"]), "port": port}}
    elif kind < 0.85:
        action = {"tcpSocket": {"port": port}}
    else:
        action = {"exec": {"command": Flow(["/bin/sh", "-c", "test -f /tmp/healthy"])}}
    action.update({"initialDelaySeconds": rng.choice([5, 10, 15, 30]), "periodSeconds": rng.choice([10, 20, 30]),
                   "timeoutSeconds": rng.choice([1, 3, 5]), "failureThreshold": 3})
    return action


def container(rng, name, service, findings, hardened, env_anchor=None, config_name=None):
    image = rng.choice(IMAGES)
    port = rng.choice([8080, 8443, 9090, 3000, 5432, 6379, 80])
    c = {"name": name, "image": f"registry.example.com/{image}:{rng.randint(1, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 9)}",
         "imagePullPolicy": rng.choice(["IfNotPresent", "Always"])}
    if rng.random() < 0.4:
        c["command"] = Flow([f"/usr/local/bin/{service}"])
        c["args"] = [f"--port={port}", f"--log-level={rng.choice(['info', 'debug', 'warn'])}",
                     f"--config=/etc/{service}/config.yaml"]
    c["ports"] = [{"name": "http" if port not in (5432, 6379) else "tcp", "containerPort": port, "protocol": "TCP"}]
    if "hostPort" in findings and name == "app":
        c["ports"][0]["hostPort"] = port
    if rng.random() < 0.3:
        c["ports"].append({"name": "metrics", "containerPort": 9102, "protocol": "TCP"})
    if env_anchor == "alias":
        c["env"] = Alias(f"{service}-env")
    else:
        env = [{"name": "LOG_FORMAT", "value": "json"}, {"name": "REGION", "value": rng.choice(["eu-west-1", "us-east-1", "ap-south-1"])},
               {"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
               {"name": "POD_NAMESPACE", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}}]
        for i in range(rng.randint(0, 8)):
            env.append({"name": f"{service.upper().replace('-', '_')}_OPTION_{i}", "value": str(rng.choice([True, 30, "enabled", "a,b,c"]))})
        if rng.random() < 0.3:
            env.append({"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": f"{service}-db", "key": "password"}}})
        c["env"] = Anchor(f"{service}-env", env) if env_anchor == "anchor" else env
    if config_name and rng.random() < 0.3:
        c["envFrom"] = [{"configMapRef": {"name": config_name}}]
    c["resources"] = {"requests": {"cpu": rng.choice(["50m", "100m", "250m", "500m"]), "memory": rng.choice(["64Mi", "128Mi", "256Mi", "1Gi"])}}
    if rng.random() < 0.8:
        c["resources"]["limits"] = {"memory": rng.choice(["128Mi", "512Mi", "2Gi"])}
    if rng.random() < 0.85:
        c["readinessProbe"] = probe(rng, port)
        c["livenessProbe"] = probe(rng, port)
    if rng.random() < 0.15:
        c["startupProbe"] = probe(rng, port)
    c["volumeMounts"] = [{"name": "config", "mountPath": f"/etc/{service}", "readOnly": True},
                         {"name": "tmp", "mountPath": "/tmp"}]
    if "hostPath" in findings:
        c["volumeMounts"].append({"name": "host-logs", "mountPath": "/host/var/log", "readOnly": True})
    sc = {}
    if hardened:
        sc = {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True, "runAsNonRoot": True,
              "capabilities": {"drop": Flow(["ALL"])}}
    elif rng.random() < 0.35:
        sc = {"readOnlyRootFilesystem": rng.random() < 0.5}
    if name == "app":
        if "privileged" in findings:
            sc["privileged"] = True
        if "addCaps" in findings:
            sc["capabilities"] = {"add": Flow(rng.sample(["NET_ADMIN", "SYS_ADMIN", "NET_RAW", "SYS_PTRACE", "SYS_TIME"], 2))}
        if "runAsNonRootFalse" in findings:
            sc["runAsNonRoot"] = False
        if "runAsRoot" in findings:
            sc["runAsUser"] = 0
        if "allowPrivilegeEscalation" in findings:
            sc["allowPrivilegeEscalation"] = True
        if "procMount" in findings:
            sc["procMount"] = "Unmasked"
        if "appArmorField" in findings:
            sc["appArmorProfile"] = {"type": "Unconfined"}
        if "hostProcess" in findings:
            sc["windowsOptions"] = {"hostProcess": True, "runAsUserName": "NT AUTHORITY\\SYSTEM"}
    if sc:
        c["securityContext"] = sc
    return c


def pod_spec(rng, service, team, findings, hardened, config_name, daemon=False):
    containers = []
    names = ["app"] + rng.sample(["sidecar", "envoy", "log-shipper", "metrics-exporter", "oauth-proxy"], rng.choice([0, 1, 1, 2, 2, 3]))
    share_env = len(names) > 1 and rng.random() < 0.08  # a YAML anchor for the shared env, now and then
    for i, name in enumerate(names):
        anchor = ("anchor" if i == 0 else "alias") if share_env else None
        containers.append(container(rng, name, service, findings, hardened, anchor, config_name))
    spec = {}
    if rng.random() < 0.8:
        spec["serviceAccountName"] = service
    if rng.random() < 0.3:
        spec["automountServiceAccountToken"] = False
    psc = {}
    if hardened:
        psc = {"runAsNonRoot": True, "runAsUser": 10001, "fsGroup": 10001, "seccompProfile": {"type": "RuntimeDefault"}}
    elif rng.random() < 0.3:
        psc = {"fsGroup": 2000}
    if "seccompUnconfined" in findings:
        psc["seccompProfile"] = {"type": "Unconfined"}
    if "sysctls" in findings:
        psc["sysctls"] = [{"name": "kernel.msgmax", "value": "65536"}, {"name": "net.core.somaxconn", "value": "1024"}]
    if psc:
        spec["securityContext"] = psc
    for flag in ("hostNetwork", "hostPID", "hostIPC"):
        if flag in findings:
            spec[flag] = True
    if rng.random() < 0.25:
        spec["initContainers"] = [{"name": "wait-for-db", "image": "registry.example.com/busybox:1.36",
                                   "command": Flow(["sh", "-c", "until nc -z db 5432; do sleep 2; done"]),
                                   "resources": {"requests": {"cpu": "10m", "memory": "16Mi"}}}]
    spec[Comment("containers", "keep the app container first: the probes and the PDB refer to it")
         if rng.random() < 0.1 else "containers"] = containers
    volumes = [{"name": "config", "configMap": {"name": config_name or f"{service}-config"}},
               {"name": "tmp", "emptyDir": {"sizeLimit": "64Mi"}}]
    if "hostPath" in findings:
        volumes.append({"name": "host-logs", "hostPath": {"path": "/var/log", "type": "Directory"}})
    spec["volumes"] = volumes
    if rng.random() < 0.3:
        spec["nodeSelector"] = {"kubernetes.io/os": "linux"}
    if rng.random() < 0.2 or daemon:
        spec["tolerations"] = [{"key": "node-role.kubernetes.io/control-plane", "operator": "Exists", "effect": "NoSchedule"}]
    if rng.random() < 0.2:
        spec["affinity"] = {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
            {"weight": 100, "podAffinityTerm": {"topologyKey": "kubernetes.io/hostname",
                                                "labelSelector": {"matchLabels": {"app.kubernetes.io/name": service}}}}]}}
    spec["terminationGracePeriodSeconds"] = rng.choice([10, 30, 60])
    return spec


def pick_findings(rng, kind):
    findings = {f for f, chance in FINDINGS if rng.random() < chance}
    if kind == "DaemonSet" and rng.random() < 0.5:  # node agents: the usual privileged suspects
        findings.update(rng.sample(DAEMON_FINDINGS, 2))
    return findings


def workload(rng, kind, service, namespace, team, config_name):
    findings = pick_findings(rng, kind)
    hardened = not findings and rng.random() < 0.55
    annotations = {"kubernetes.io/change-cause": f"release {rng.randint(1, 400)}"} if rng.random() < 0.3 else None
    template_annotations = {"prometheus.io/scrape": "true", "prometheus.io/port": "9102"} if rng.random() < 0.4 else {}
    if "appArmorAnnotation" in findings:
        template_annotations["container.apparmor.security.beta.kubernetes.io/app"] = "unconfined"
    spec = pod_spec(rng, service, team, findings, hardened, config_name, daemon=kind == "DaemonSet")
    labels = {"app.kubernetes.io/name": service}
    template = {"metadata": {"labels": dict(labels, **{"app.kubernetes.io/version": f"1.{rng.randint(0, 40)}"})}, "spec": spec}
    if template_annotations:
        template["metadata"]["annotations"] = template_annotations
    api = {"Deployment": "apps/v1", "StatefulSet": "apps/v1", "DaemonSet": "apps/v1", "Job": "batch/v1",
           "CronJob": "batch/v1", "Pod": "v1"}[kind]
    obj = {"apiVersion": api, "kind": kind, "metadata": meta(rng, service, namespace, team, annotations=annotations)}
    if kind == "Pod":
        if template_annotations:  # a bare pod carries its template's annotations itself
            obj["metadata"]["annotations"] = dict(obj["metadata"].get("annotations", {}), **template_annotations)
        obj["spec"] = spec
    elif kind in ("Job", "CronJob"):
        spec["restartPolicy"] = "OnFailure"
        job = {"backoffLimit": 3, "template": template}
        if kind == "Job":
            obj["spec"] = dict(job, ttlSecondsAfterFinished=3600)
        else:
            obj["spec"] = {"schedule": f"{rng.randint(0, 59)} {rng.randint(0, 23)} * * *", "concurrencyPolicy": "Forbid",
                           "jobTemplate": {"spec": job}}
    else:
        body = {"selector": {"matchLabels": labels}, "template": template}
        if kind != "DaemonSet":
            body = dict({"replicas": rng.choice([1, 2, 3, 3, 5])}, **body)
        if kind == "Deployment":
            body["strategy"] = {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 0}}
        if kind == "StatefulSet":
            body["serviceName"] = service
            body["volumeClaimTemplates"] = [{"metadata": {"name": "data"}, "spec": {
                "accessModes": Flow(["ReadWriteOnce"]), "resources": {"requests": {"storage": f"{rng.choice([1, 10, 50])}Gi"}}}}]
        obj["spec"] = body
    return obj


def service_object(rng, service, namespace, team):
    port = {"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}
    spec = {"selector": {"app.kubernetes.io/name": service}, "ports": [port]}
    if rng.random() < 0.15:
        spec["type"] = rng.choice(["LoadBalancer", "NodePort"])
    return {"apiVersion": "v1", "kind": "Service", "metadata": meta(rng, service, namespace, team), "spec": spec}


def properties(rng, service, lines):
    return "".join(f"{service}.setting.{i} = {rng.choice(['true', 'false', str(rng.randint(1, 10000)), 'https://api.example.com/v1'])}\n"
                   for i in range(lines))


def config_map(rng, name, namespace, team, service):
    size = rng.random()
    data = {"LOG_LEVEL": "info", "FEATURE_FLAGS": "search,reports"}
    if size < 0.55:
        data["config.yaml"] = f"server:\n  port: 8080\n  readTimeout: 30s\ndatabase:\n  host: {service}-db\n  pool: 10\n"
    elif size < 0.9:
        data["application.properties"] = properties(rng, service, rng.randint(60, 220))
    else:  # dashboards, rule files, CA bundles: the big ones
        data["dashboard.json"] = json.dumps({"title": service, "panels": [
            {"id": i, "type": "graph", "title": f"panel {i}", "targets": [{"expr": f'rate(http_requests_total{{service="{service}",code=~"5.."}}[5m])'}]}
            for i in range(rng.randint(80, 380))]}, indent=2) + "\n"
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta(rng, name, namespace, team), "data": data}


def service_account(rng, service, namespace, team):
    sa = {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": meta(rng, service, namespace, team)}
    if rng.random() < 0.4:
        sa["automountServiceAccountToken"] = False
    return sa


def role_pair(rng, service, namespace, team):
    rules = [{"apiGroups": Flow([""]), "resources": Flow(["configmaps"]), "verbs": Flow(["get", "list", "watch"])}]
    if rng.random() < 0.3:
        rules.append({"apiGroups": Flow([""]), "resources": Flow(["secrets"]), "verbs": Flow(["get"])})
    if rng.random() < 0.05:
        rules.append({"apiGroups": Flow(["*"]), "resources": Flow(["*"]), "verbs": Flow(["*"])})
    role = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": meta(rng, service, namespace, team), "rules": rules}
    binding = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": meta(rng, service, namespace, team),
               "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": service},
               "subjects": [{"kind": "ServiceAccount", "name": service, "namespace": namespace}]}
    return [role, binding]


def network_policy(rng, name, namespace, team, service=None):
    if service is None:
        spec = {"podSelector": {}, "policyTypes": Flow(["Ingress", "Egress"])}
    else:
        spec = {"podSelector": {"matchLabels": {"app.kubernetes.io/name": service}}, "policyTypes": Flow(["Ingress"]),
                "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ingress"}}}],
                             "ports": [{"port": 8080, "protocol": "TCP"}]}]}
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": meta(rng, name, namespace, team), "spec": spec}


def namespace_object(rng, team):
    labels = {"team": team}
    if rng.random() < 0.5:
        labels["pod-security.kubernetes.io/enforce"] = rng.choice(["baseline", "restricted"])
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": team, "labels": labels}}


WORKLOAD_KINDS = [("Deployment", 0.6), ("StatefulSet", 0.12), ("DaemonSet", 0.05), ("Job", 0.07), ("CronJob", 0.09), ("Pod", 0.07)]
HEADERS = ["Managed by the platform team; see docs/deploying.md", "Generated from the service template, edit freely",
           "DO NOT use latest tags here: pinned by the release pipeline", "Reviewed for the 2024 security audit"]


def service_files(rng, team, service, index):
    """{relative path: [documents]} of one service directory."""
    kind = rng.choices([k for k, _ in WORKLOAD_KINDS], [w for _, w in WORKLOAD_KINDS])[0]
    config_name = f"{service}-config"
    files = {}
    work = workload(rng, kind, service, team, team, config_name)
    svc = service_object(rng, service, team, team) if kind not in ("Job", "CronJob") else None
    if svc and rng.random() < 0.25:  # workload and service in one file
        files[f"{kind.lower()}.yaml"] = [work, svc]
    else:
        files[f"{kind.lower()}.yaml"] = [work]
        if svc:
            files["service.yaml"] = [svc]
    files["configmap.yaml"] = [config_map(rng, config_name, team, team, service)]
    if rng.random() < 0.15:
        files["configmap.yaml"].append(config_map(rng, f"{service}-extra", team, team, service))
    sa = service_account(rng, service, team, team)
    if rng.random() < 0.5:
        files["rbac.yaml"] = [sa] + role_pair(rng, service, team, team)
    else:
        files["serviceaccount.yaml"] = [sa]
    if rng.random() < 0.35:
        files["networkpolicy.yaml"] = [network_policy(rng, service, team, team, service)]
    if index % 97 == 0:  # a few `kind: List` files, as `kubectl get -o yaml` writes them
        items = [config_map(rng, f"{service}-list-{i}", team, team, service) for i in range(2)]
        items.append(service_object(rng, f"{service}-internal", team, team))
        if rng.random() < 0.5:
            items.append(workload(rng, "Deployment", f"{service}-worker", team, team, config_name))
        files["list.yaml"] = [{"apiVersion": "v1", "kind": "List", "metadata": {"resourceVersion": ""}, "items": items}]
    return files


def write_file(path, docs, rng):
    parts = []
    for i, doc in enumerate(docs):
        comment = rng.choice(HEADERS) if i == 0 and rng.random() < 0.4 else None
        parts.append(document(doc, comment))
    text = ("---\n" if rng.random() < 0.2 else "") + "---\n".join(parts)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    return len(text.encode())


def kind_counts(docs, counts):
    for doc in docs:
        counts[doc["kind"]] = counts.get(doc["kind"], 0) + 1
        if doc["kind"] == "List":
            kind_counts(doc["items"], counts)


def generate(directory, file_target):
    """Writes the corpus under `directory`; its figures."""
    rng = random.Random(SEED)
    teams = [f"team-{t:02d}" for t in range(max(2, file_target // 250))]
    files, documents, size, counts = 0, 0, 0, {}

    def put(relative, docs):
        nonlocal files, documents, size
        size += write_file(os.path.join(directory, relative), docs, rng)
        files += 1
        documents += len(docs)
        kind_counts(docs, counts)

    for team in teams:  # the shared part of the repository: namespaces, default policies
        put(f"clusters/prod/namespaces/{team}.yaml", [namespace_object(rng, team)])
        put(f"clusters/prod/policies/{team}-default-deny.yaml", [network_policy(rng, "default-deny", team, team)])
    index = 0
    while files < file_target:
        team = teams[index % len(teams)]
        service = f"{rng.choice(['api', 'web', 'worker', 'billing', 'search', 'auth', 'cart', 'mail', 'report', 'sync'])}-{index:04d}"
        for name, docs in service_files(rng, team, service, index).items():
            if files >= file_target:
                break
            put(f"apps/{team}/{service}/{name}", docs)
        index += 1
    return {"files": files, "documents": documents, "bytes": size, "kinds": counts,
            "seed": SEED, "version": GENERATOR_VERSION, "services": index}


def corpus(directory, file_target):
    """The corpus under directory/corpus: reused when its figures say it was made the same way."""
    figures_path = os.path.join(directory, "corpus.json")
    root = os.path.join(directory, "corpus")
    if os.path.exists(figures_path):
        with open(figures_path) as f:
            figures = json.load(f)
        if (figures.get("version"), figures.get("seed"), figures.get("target")) == (GENERATOR_VERSION, SEED, file_target):
            print(f"reusing the corpus in {root}")
            return root, figures
        print(f"{root} was made with other settings; writing it again")
    if os.path.exists(root):
        shutil.rmtree(root)
    started = time.perf_counter()
    figures = generate(root, file_target)
    figures["target"] = file_target
    with open(figures_path, "w") as f:
        json.dump(figures, f)
    print(f"generated the corpus in {time.perf_counter() - started:.1f} s under {root}")
    return root, figures


# ---------------------------------------------------------------------------------------------
# Measuring.


def measure(command, label, stdout=None):
    """Runs `command` once under /usr/bin/time; (wall s, user s, sys s, peak RSS MB) of that process.

    Not os.wait4 on a child of this script: Linux carries the peak RSS of the process that forked
    the child into the child's ru_maxrss (see policy_bench.py)."""
    with tempfile.NamedTemporaryFile("r") as figures, tempfile.TemporaryFile() as stderr:
        timed = ["/usr/bin/time", "-o", figures.name, "-f", "%e %U %S %M"] + command
        code = subprocess.run(timed, stdout=stdout or subprocess.DEVNULL, stderr=stderr).returncode
        if code not in (0, 1):  # kubeproof exits 1 when checks fail: expected here
            stderr.seek(0)
            sys.exit(f"{label}: {' '.join(command)} exited {code}:\n{stderr.read().decode(errors='replace')[-2000:]}")
        wall, user, system, rss_kb = figures.read().split()[-4:]
    return float(wall), float(user), float(system), int(rss_kb) / 1024.0


def timed_runs(command, label, runs):
    """One warm-up run (fills the page cache, not counted), then `runs` measured runs."""
    measure(command, label)
    results = []
    for i in range(runs):
        results.append(measure(command, label))
        wall, user, system, rss = results[-1]
        print(f"  {label} run {i + 1}: {wall:.2f} s wall, {user:.2f} s user, {system:.2f} s sys, {rss:.1f} MB")
    return results


def kubeproof_version(binary):
    out = subprocess.run([binary, "--version"], capture_output=True, text=True).stdout.strip()
    return out.split()[-1] if out else "?"


def kubeproof_results(command, report_path):
    """One more run writing a report; the pod-security results, objects judged and findings."""
    subprocess.run(command[:-1] + [report_path], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(report_path) as f:
        report = json.load(f)
    results = [r for r in report["results"] if r["id"].startswith(POD_SECURITY_CHECKS)]
    counts = {}
    for r in results:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    return report, results, counts


def items_matching(actual):
    """(matching, judged, what) from an actual such as '313 of 6001 container items match: ...' or
    '50 pod items of 50 objects checked, none matches'; None for other texts."""
    words = actual.split()
    if len(words) >= 5 and words[1] == "of" and words[0].isdigit() and words[2].isdigit() and words[4] == "items":
        return int(words[0]), int(words[2]), words[3]
    if len(words) >= 3 and words[0].isdigit() and words[2] == "items" and "none matches" in actual:
        return 0, int(words[0]), words[1]
    return None


def monokle_available(monokle_dir):
    """None when the peer can run, else the reason it cannot."""
    if shutil.which("node") is None:
        return "node is not installed"
    if not os.path.isdir(os.path.join(monokle_dir, "node_modules", "@monokle", "validation")):
        return f"{monokle_dir}/node_modules is missing: run `npm ci --prefix {monokle_dir}` once"
    return None


def monokle_version(monokle_dir):
    with open(os.path.join(monokle_dir, "node_modules", "@monokle", "validation", "package.json")) as f:
        return json.load(f)["version"]


def monokle_results(command):
    out = subprocess.run(command, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"monokle: {' '.join(command)} exited {out.returncode}:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(args, directory):
    """Makes or reuses the corpus under `directory`, times the tools on it, prints the table."""
    root, figures = corpus(directory, args.files)
    kinds = ", ".join(f"{n} {k}" for k, n in sorted(figures["kinds"].items(), key=lambda kv: -kv[1]))
    objects = sum(n for k, n in figures["kinds"].items() if k != "List")
    print(f"corpus: {figures['files']} files, {figures['documents']} YAML documents, {objects} objects "
          f"(List items counted), {figures['bytes'] / 1e6:.1f} MB")
    print(f"  by kind: {kinds}")

    rows = []
    binary = os.path.abspath(args.binary)
    report_path = os.path.join(directory, "kubeproof-report.json")
    configurations = [("kubeproof", "cis-1.12")]
    if args.controls:
        configurations.append(("kubeproof+KC", "cis-1.12,k8s-controls-1.0"))
    for label, benchmark in configurations:
        command = [binary, "run", "--manifests", root, "--benchmark", benchmark, "--targets", "policies",
                   "--format", "json", "--output", "/dev/null"]
        print(f"\n{label}: {' '.join(command)}")
        runs = timed_runs(command, label, args.runs)
        report, results, counts = kubeproof_results(command, report_path)
        judged, findings = {}, 0
        for r in results:
            matched = items_matching(r.get("actual", ""))
            if matched:
                judged[matched[2]] = max(judged.get(matched[2], 0), matched[1])
                findings += matched[0]
        print(f"  pod-security results ({len(results)} checks): {', '.join(f'{k} {v}' for k, v in sorted(counts.items()))}; "
              f"{len(report['results'])} results in all")
        for r in results:
            if args.show_results or r["status"] not in ("PASS",):
                print(f"    {r['id']:<6} {r['status']:<5} {r.get('actual', '')[:110]}")
        rows.append((label, kubeproof_version(binary), runs, f"{judged.get('pod', 0)} pods, {judged.get('container', 0)} c.", findings))

    reason = monokle_available(args.monokle)
    if reason is None:
        command = ["node", os.path.join(args.monokle, "validate.mjs"), root]
        print(f"\nmonokle: {' '.join(command)}")
        runs = timed_runs(command, "monokle", args.runs)
        own = monokle_results(command)
        print(f"  its own figures (one more run): {own['files']} files, {own['resources']} resources "
              f"({own['podResources']} with a pod spec, {own['containers']} containers), {own['problems']} problems from {own['rulesEnabled']} rules; "
              f"read {own['readSeconds']:.2f} s, parse {own['parseSeconds']:.2f} s, "
              f"load plugin {own['preloadSeconds']:.2f} s, validate {own['validateSeconds']:.2f} s; "
              f"network requests attempted: {own['fetchAttempts']}")
        per_rule = sorted(own["problemsByRule"].items(), key=lambda kv: -kv[1])
        shown = per_rule if args.show_results else per_rule[:8]
        print("  problems by rule: " + ", ".join(f"{rule} {n}" for rule, n in shown) + ("" if shown == per_rule else ", ..."))
        rows.append(("monokle", monokle_version(args.monokle), runs, f"{own['podResources']} pods, {own['containers']} c.", own["problems"]))
    else:
        print(f"\nmonokle: not measured: {reason}")

    print(f"\n{args.runs} runs each after one warm-up; whole-process wall time and peak RSS (/usr/bin/time)")
    print(f"{'tool':<13} {'version':<8} {'median s':>9} {'min s':>7} {'user s':>7} {'sys s':>6} {'peak MB':>8}  "
          f"{'objects judged':<18} {'findings':>8}")
    for label, version, runs, judged, findings in rows:
        walls = [r[0] for r in runs]
        middle = sorted(runs)[len(runs) // 2]
        print(f"{label:<13} {version:<8} {statistics.median(walls):>9.2f} {min(walls):>7.2f} {middle[1]:>7.2f} {middle[2]:>6.2f} "
              f"{max(r[3] for r in runs):>8.1f}  {judged:<18} {findings:>8}")
    if reason is None:
        base = statistics.median(r[0] for r in rows[0][2])
        peer = statistics.median(r[0] for r in rows[-1][2])
        print(f"ratio monokle / kubeproof (medians): {peer / base:.1f}x")
    else:
        print(f"monokle: not measured: {reason}")
    print("findings: kubeproof, the matching items of its pod-security checks (one item can match several);"
          " monokle, its problems (one per rule, object and path)")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--binary", required=True, help="the kubeproof binary to measure (a Release build)")
    p.add_argument("--monokle", default=os.path.join(HERE, "monokle"),
                   help="the folder of validate.mjs and its node_modules (default: tests/bench/monokle)")
    p.add_argument("--files", type=int, default=10000, help="manifest files to generate (default 10000, about 40 MB)")
    p.add_argument("--runs", type=int, default=5, help="measured runs of each tool, after one warm-up run")
    p.add_argument("--keep", help="write the corpus here and reuse it next time (default: a temporary directory)")
    p.add_argument("--controls", action="store_true",
                   help="also time kubeproof with --benchmark cis-1.12,k8s-controls-1.0 (other rules over the same objects)")
    p.add_argument("--show-results", action="store_true", help="print every pod-security result and monokle's counts per rule")
    args = p.parse_args()
    directory = args.keep or tempfile.mkdtemp(prefix="kubeproof-manifest-bench-")
    os.makedirs(directory, exist_ok=True)
    try:
        run(args, directory)
    finally:
        if not args.keep:
            shutil.rmtree(directory)


if __name__ == "__main__":
    main()
