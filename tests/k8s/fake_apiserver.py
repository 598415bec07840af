#!/usr/bin/env python3
"""A fake Kubernetes API server for kubeproof's tests: real HTTPS with a test CA on loopback.

Standard library only (http.server + ssl); certificates are made with the `openssl` command.
Prints "PORT <n>" and then "FILES {json}" (the certificate paths) on stdout, logs to stderr with
--verbose, and stops on SIGTERM/SIGINT or when stdin reaches EOF (unless stdin is a terminal or
--ignore-stdin is given). See tests/k8s/README.md.
"""

import argparse
import base64
import json
import os
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

# resource -> (group, version, kind, namespaced, short names)
KNOWN = {
    "pods": ("", "v1", "Pod", True, ["po"]),
    "namespaces": ("", "v1", "Namespace", False, ["ns"]),
    "nodes": ("", "v1", "Node", False, ["no"]),
    "serviceaccounts": ("", "v1", "ServiceAccount", True, ["sa"]),
    "secrets": ("", "v1", "Secret", True, []),
    "configmaps": ("", "v1", "ConfigMap", True, ["cm"]),
    "services": ("", "v1", "Service", True, ["svc"]),
    "endpoints": ("", "v1", "Endpoints", True, ["ep"]),
    "persistentvolumes": ("", "v1", "PersistentVolume", False, ["pv"]),
    "persistentvolumeclaims": ("", "v1", "PersistentVolumeClaim", True, ["pvc"]),
    "replicationcontrollers": ("", "v1", "ReplicationController", True, ["rc"]),
    "limitranges": ("", "v1", "LimitRange", True, ["limits"]),
    "resourcequotas": ("", "v1", "ResourceQuota", True, ["quota"]),
    "deployments": ("apps", "v1", "Deployment", True, ["deploy"]),
    "daemonsets": ("apps", "v1", "DaemonSet", True, ["ds"]),
    "statefulsets": ("apps", "v1", "StatefulSet", True, ["sts"]),
    "replicasets": ("apps", "v1", "ReplicaSet", True, ["rs"]),
    "jobs": ("batch", "v1", "Job", True, []),
    "cronjobs": ("batch", "v1", "CronJob", True, ["cj"]),
    "networkpolicies": ("networking.k8s.io", "v1", "NetworkPolicy", True, ["netpol"]),
    "ingresses": ("networking.k8s.io", "v1", "Ingress", True, ["ing"]),
    "clusterroles": ("rbac.authorization.k8s.io", "v1", "ClusterRole", False, []),
    "clusterrolebindings": ("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", False, []),
    "roles": ("rbac.authorization.k8s.io", "v1", "Role", True, []),
    "rolebindings": ("rbac.authorization.k8s.io", "v1", "RoleBinding", True, []),
    "poddisruptionbudgets": ("policy", "v1", "PodDisruptionBudget", True, ["pdb"]),
    "storageclasses": ("storage.k8s.io", "v1", "StorageClass", False, ["sc"]),
    "validatingwebhookconfigurations": ("admissionregistration.k8s.io", "v1",
                                        "ValidatingWebhookConfiguration", False, []),
    "mutatingwebhookconfigurations": ("admissionregistration.k8s.io", "v1",
                                      "MutatingWebhookConfiguration", False, []),
}

EXPIRED = ("The provided continue parameter is too old to display a consistent list result. You can "
           "start a new list without the continue parameter.")


def log(args, message):
    if args.verbose:
        print(f"fake-apiserver: {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# Certificates

def openssl(*argv):
    subprocess.run(["openssl", *argv], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def make_ca(directory, name):
    key, crt = os.path.join(directory, f"{name}.key"), os.path.join(directory, f"{name}.crt")
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", key, "-out", crt, "-subj", f"/CN=kubeproof-fake-{name}", "-days", "2",
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    return crt, key


def make_leaf(directory, name, subject, ca, extensions):
    key, csr, crt = (os.path.join(directory, f"{name}.{ext}") for ext in ("key", "csr", "crt"))
    ext_file = os.path.join(directory, f"{name}.ext")
    with open(ext_file, "w") as out:
        out.write("\n".join(["basicConstraints=CA:FALSE", "keyUsage=critical,digitalSignature",
                             "authorityKeyIdentifier=keyid,issuer", *extensions]) + "\n")
    openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", key, "-out", csr, "-subj", subject)
    openssl("x509", "-req", "-in", csr, "-CA", ca[0], "-CAkey", ca[1], "-set_serial",
            str(int.from_bytes(os.urandom(8), "big")), "-days", "2", "-out", crt, "-extfile", ext_file)
    return crt, key


def make_certificates(directory):
    """CA, server (SAN 127.0.0.1/localhost), client (CN kubeproof-test), and an unrelated CA."""
    paths = {name: os.path.join(directory, f"{name}.crt") for name in ("ca", "server", "client", "other-ca")}
    if all(os.path.exists(p) for p in paths.values()):
        ca = (paths["ca"], os.path.join(directory, "ca.key"))
    else:
        ca = make_ca(directory, "ca")
        make_leaf(directory, "server", "/CN=kube-apiserver", ca, [
            "subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost,DNS:kubernetes.default.svc",
            "extendedKeyUsage=serverAuth"])
        make_leaf(directory, "client", "/O=system:masters/CN=kubeproof-test", ca, ["extendedKeyUsage=clientAuth"])
        other = make_ca(directory, "other-ca")
        make_leaf(directory, "other-client", "/CN=kubeproof-test", other, ["extendedKeyUsage=clientAuth"])
    j = lambda name: os.path.join(directory, name)
    return {"dir": directory, "ca": j("ca.crt"), "ca_key": j("ca.key"), "server_cert": j("server.crt"),
            "server_key": j("server.key"), "client_cert": j("client.crt"), "client_key": j("client.key"),
            "other_ca": j("other-ca.crt"), "other_client_cert": j("other-client.crt"),
            "other_client_key": j("other-client.key")}


# ---------------------------------------------------------------------------------------------
# Objects, faults and pagination

class Fault:
    """RESOURCE=ACTION[:COUNT][@pageN]; ACTION is an HTTP status, 'timeout', 'reset', 'noitems'
    (a 200 answer that is not a list: no "items"), 'loop' (the page's continue token is the first
    page's again, so that the pages cycle: 2, 3, 2, 3, ...), 'hang' (the request is read and never
    answered, until the server stops) or 'stall' (the headers and half the body, then nothing until
    the server stops). RESOURCE '*' matches every list (not gets)."""

    def __init__(self, spec):
        resource, _, rest = spec.partition("=")
        if not resource or not rest:
            raise ValueError(f"bad --fault {spec!r}: expected RESOURCE=CODE[:COUNT][@pageN]")
        rest, _, page = rest.partition("@")
        action, _, count = rest.partition(":")
        self.resource, self.action = resource, action
        self.count = int(count) if count else None  # None: every matching request
        self.page = int(page[4:]) if page.startswith("page") else None
        if action not in ("timeout", "reset", "noitems", "loop", "hang", "stall") and not action.isdigit():
            raise ValueError(f"bad --fault {spec!r}: unknown action {action!r}")

    def take(self, resource, page):
        """True when this request should fail (and uses up one of COUNT)."""
        if self.resource == "*" and page is None:  # a get, not a list
            return False
        if self.resource not in ("*", resource) or (self.page is not None and page != self.page):
            return False
        if self.count is None:
            return True
        if self.count <= 0:
            return False
        self.count -= 1
        return True


def load_objects(directory):
    """{resource: [object]} from DIR/<resource>.json (a JSON array, or a kubectl List)."""
    store = {}
    if not directory:
        return store
    for name in sorted(os.listdir(directory)):
        if not name.endswith(".json"):
            continue
        with open(os.path.join(directory, name)) as f:
            data = json.load(f)
        items = data.get("items", []) if isinstance(data, dict) else data
        resource = name[:-5]
        if resource not in KNOWN and items:
            group, _, version = items[0].get("apiVersion", "v1").rpartition("/")
            namespaced = "namespace" in items[0].get("metadata", {})
            KNOWN[resource] = (group, version, items[0].get("kind", resource.title()), namespaced, [])
        store[resource] = [complete(resource, dict(o)) for o in items]
    return store


def complete(resource, obj):
    meta = obj.setdefault("metadata", {})
    if KNOWN.get(resource, (0, 0, 0, True))[3]:
        meta.setdefault("namespace", "default")
    key = f"{resource}/{meta.get('namespace', '')}/{meta.get('name', '')}"
    meta.setdefault("uid", str(uuid.uuid5(uuid.NAMESPACE_URL, key)))
    meta.setdefault("resourceVersion", "1")
    meta["creationTimestamp"] = meta.get("creationTimestamp") or "2024-01-01T00:00:00Z"
    return obj


def encode_continue(offset):
    return base64.urlsafe_b64encode(json.dumps({"offset": offset, "rv": "100"}).encode()).decode()


def decode_continue(token):
    try:
        return int(json.loads(base64.urlsafe_b64decode(token.encode()))["offset"])
    except Exception:  # noqa: BLE001 - any malformed token is a 400
        return None


def status(code, reason, message):
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": message, "reason": reason, "code": code}


def resource_doc(name):
    group, version, kind, namespaced, short = KNOWN[name]
    doc = {"name": name, "singularName": kind.lower(), "namespaced": namespaced, "kind": kind,
           "verbs": ["get", "list", "watch"]}
    if short:
        doc["shortNames"] = short
    return doc


def table(kind, items):
    return {"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": {"resourceVersion": "100"},
            "columnDefinitions": [{"name": "Name", "type": "string", "format": "name", "description": "",
                                   "priority": 0}],
            "rows": [{"cells": [o["metadata"].get("name", "")],
                      "object": {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
                                 "metadata": o["metadata"]}} for o in items]}


# ---------------------------------------------------------------------------------------------
# HTTP

def route(path):
    """("discovery", doc) | ("list"|"get", resource, namespace, name) | ("missing", json?) for a path."""
    parts = [p for p in path.split("/") if p]
    if parts == ["api"]:
        return ("discovery", {"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": [
            {"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"}]})
    if parts == ["apis"]:
        return ("discovery", {"kind": "APIGroupList", "apiVersion": "v1",
                              "groups": [group_doc(g) for g in sorted(groups())]})
    if len(parts) == 2 and parts[0] == "apis" and parts[1] in groups():
        return ("discovery", dict(group_doc(parts[1]), kind="APIGroup", apiVersion="v1"))
    if parts[:1] == ["api"] and len(parts) >= 2:
        group, version, rest = "", parts[1], parts[2:]
    elif parts[:1] == ["apis"] and len(parts) >= 3:
        group, version, rest = parts[1], parts[2], parts[3:]
    else:
        return ("missing", False)
    if (group, version) not in {(v[0], v[1]) for v in KNOWN.values()}:
        return ("missing", False)
    if not rest:
        names = [r for r, v in KNOWN.items() if (v[0], v[1]) == (group, version)]
        return ("discovery", {"kind": "APIResourceList", "apiVersion": "v1",
                              "groupVersion": f"{group}/{version}" if group else version,
                              "resources": [resource_doc(r) for r in sorted(names)]})
    namespace = None
    if len(rest) >= 3 and rest[0] == "namespaces":
        namespace, rest = rest[1], rest[2:]
    resource = rest[0]
    if resource not in KNOWN or KNOWN[resource][:2] != (group, version) or len(rest) > 2:
        return ("missing", True)
    if namespace is not None and not KNOWN[resource][3]:
        return ("missing", True)
    return ("get" if len(rest) == 2 else "list", resource, namespace, rest[1] if len(rest) == 2 else None)


def groups():
    return {v[0] for v in KNOWN.values() if v[0]}


def group_doc(group):
    version = sorted({v[1] for v in KNOWN.values() if v[0] == group})[0]
    gv = {"groupVersion": f"{group}/{version}", "version": version}
    return {"name": group, "versions": [gv], "preferredVersion": gv}


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):  # TLS failures, clients that went away
        log(self.cfg.args, f"connection from {client_address}: {sys.exc_info()[1]}")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 10
    server_version = "fake-apiserver"
    disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms delayed-ACK stall on each

    def log_message(self, fmt, *args):
        log(self.server.cfg.args, fmt % args)

    def send_json(self, code, doc, headers=()):
        self.send_body(code, json.dumps(doc).encode(), headers)

    def send_body(self, code, body, headers=()):
        # Recorded before the response is sent: a client that reads the log right after its
        # response must see its request (the log is served by another thread).
        self.server.cfg.record(self.path, self.user, code)
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if getattr(self, "stall", False):  # a 'stall' fault: half the body, then silence
            self.wfile.write(body[:len(body) // 2])
            self.wfile.flush()
            self.server.cfg.stop.wait()
            self.close_connection = True
            return
        self.wfile.write(body)

    def authenticate(self):
        cfg = self.server.cfg
        auth = self.headers.get("Authorization", "")
        if auth.startswith("Bearer ") and auth[7:] in cfg.args.token:
            return "token-user"
        cert = self.connection.getpeercert() or {}
        names = [v for rdn in cert.get("subject", ()) for k, v in rdn if k == "commonName"]
        if names and names[0] in cfg.args.client_cn:
            return names[0]
        return "system:anonymous" if cfg.args.anonymous else None

    def do_GET(self):  # noqa: N802 - http.server's naming
        cfg = self.server.cfg
        url = urlsplit(self.path)
        self.user = None
        if url.path == "/_fake/requests":
            return self.send_json(200, cfg.snapshot())
        self.user = self.authenticate()
        if self.user is None:
            return self.send_json(401, status(401, "Unauthorized", "Unauthorized"))
        if url.path == "/version":
            major, _, minor = cfg.args.server_version.partition(".")
            git = f"v{major}.{minor.rstrip('+')}.0-fake"
            if cfg.args.git_version:  # e.g. v1.32.3-eks-abc123: major and minor follow it
                git = cfg.args.git_version
                major, minor = git.lstrip("v").split(".")[:2]
            return self.send_json(200, {"major": major, "minor": minor, "gitVersion": git, "platform": "linux/amd64"})
        found = route(url.path)
        if found[0] == "discovery":
            return self.send_json(200, found[1])
        if found[0] == "missing":
            if found[1]:
                return self.send_json(404, status(404, "NotFound", "the server could not find the requested resource"))
            return self.send_text(404, "404 page not found\n")
        self.serve_objects(found[0], found[1], found[2], found[3], parse_qs(url.query))

    def do_PUT(self):  # noqa: N802 - http.server's naming
        """/_fake/objects replaces every object: the body is {resource: [object]} (tests reuse one server)."""
        if urlsplit(self.path).path != "/_fake/objects":
            return self.send_json(404, status(404, "NotFound", "only /_fake/objects can be written"))
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
        self.user = None
        self.server.cfg.replace({r: [complete(r, dict(o)) for o in items] for r, items in body.items()})
        self.send_json(200, {"resources": sorted(body)})

    def send_text(self, code, text):
        body = text.encode()
        self.server.cfg.record(self.path, self.user, code)
        self.send_response(code)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def inject(self, resource, page):
        """Applies a matching fault; True when the response has been sent (or dropped)."""
        fault = self.server.cfg.take_fault(resource, page)
        if fault is None:
            return False
        if fault.action == "timeout":
            time.sleep(self.server.cfg.args.timeout_sleep)
            return False
        if fault.action == "hang":  # read, logged, never answered: the client must give up
            self.server.cfg.record(self.path, self.user, 0)
            self.server.cfg.stop.wait()
            self.close_connection = True
            return True
        if fault.action == "stall":
            self.stall = True  # send_body sends the headers and half the body
            return False
        if fault.action == "loop":
            self.loop_back = True  # serve_objects answers with the first page's continue token
            return False
        if fault.action == "reset":
            self.close_connection = True
            self.server.cfg.record(self.path, self.user, 0)
            return True
        if fault.action == "noitems":
            group, version, kind = KNOWN[resource][:3]
            self.send_json(200, {"kind": f"{kind}List", "apiVersion": f"{group}/{version}" if group else version,
                                 "metadata": {"resourceVersion": "100"}})
            return True
        code = int(fault.action)
        group = KNOWN[resource][0]
        full = f"{resource}.{group}" if group else resource
        messages = {
            403: (f'{full} is forbidden: User "{self.user}" cannot list resource "{resource}" in API group '
                  f'"{group}" at the cluster scope', "Forbidden"),
            410: (EXPIRED, "Expired"),
            429: ("Too many requests, please try again later.", "TooManyRequests"),
            404: ("the server could not find the requested resource", "NotFound"),
        }
        message, reason = messages.get(code, (f"fake fault {code} for {full}", "InternalError"))
        headers = [("Retry-After", str(self.server.cfg.args.retry_after))] if code == 429 else []
        self.send_json(code, status(code, reason, message), headers)
        return True

    def serve_objects(self, verb, resource, namespace, name, query):
        group, version, kind, _, _ = KNOWN[resource]
        api_version = f"{group}/{version}" if group else version
        items = [o for o in self.server.cfg.store.get(resource, [])
                 if namespace is None or o["metadata"].get("namespace") == namespace]
        if verb == "get":
            if self.inject(resource, None):
                return
            match = [o for o in items if o["metadata"].get("name") == name]
            if not match:
                return self.send_json(404, status(404, "NotFound", f'{resource} "{name}" not found'))
            return self.send_json(200, dict(match[0], kind=kind, apiVersion=api_version))
        limit = int((query.get("limit") or ["0"])[0] or 0)
        offset = decode_continue(query["continue"][0]) if "continue" in query else 0
        if offset is None:
            return self.send_json(400, status(400, "BadRequest", "continue key is not valid"))
        self.loop_back = self.stall = False
        if self.inject(resource, offset // limit + 1 if limit > 0 else 1):
            return
        chunk = items[offset:offset + limit] if limit > 0 else items[offset:]
        end = offset + len(chunk)
        next_offset = limit if self.loop_back and limit > 0 else end
        if "as=Table" in self.headers.get("Accept", ""):
            doc = table(kind, chunk)
        elif namespace is None:  # items serialised once, as a real server's watch cache does
            meta = {"resourceVersion": "100"}
            if end < len(items):
                meta.update(**{"continue": encode_continue(next_offset), "remainingItemCount": len(items) - end})
            encoded = self.server.cfg.encoded_items(resource)[offset:end]
            head = json.dumps({"kind": f"{kind}List", "apiVersion": api_version, "metadata": meta})[:-1]
            return self.send_body(200, (head + ', "items": [' + ", ".join(encoded) + "]}").encode())
        else:
            doc = {"kind": f"{kind}List", "apiVersion": api_version, "metadata": {"resourceVersion": "100"},
                   "items": [{k: v for k, v in o.items() if k not in ("kind", "apiVersion")} for o in chunk]}
        if end < len(items):
            doc["metadata"]["continue"] = encode_continue(next_offset)
            doc["metadata"]["remainingItemCount"] = len(items) - end
        self.send_json(200, doc)


class Config:
    """Shared, lock-protected server state."""

    def __init__(self, args, store, faults):
        self.args, self.store, self.faults = args, store, faults
        self.lock = threading.Lock()
        self.stop = threading.Event()  # set when the server stops: ends 'hang' and 'stall' faults
        self.requests = []
        self.encoded = {}

    def encoded_items(self, resource):
        """Every object of `resource` as list items are sent (no kind or apiVersion), serialised once."""
        with self.lock:
            if resource not in self.encoded:
                self.encoded[resource] = [json.dumps({k: v for k, v in o.items() if k not in ("kind", "apiVersion")})
                                          for o in self.store.get(resource, [])]
            return self.encoded[resource]

    def replace(self, store):
        with self.lock:
            self.store, self.encoded = store, {}

    def take_fault(self, resource, page):
        with self.lock:
            return next((f for f in self.faults if f.take(resource, page)), None)

    def record(self, path, user, code):
        with self.lock:
            self.requests = (self.requests + [{"path": path, "user": user, "status": code}])[-1000:]

    def snapshot(self):
        with self.lock:
            return list(self.requests)


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0, help="0 picks a free port (printed as 'PORT <n>')")
    p.add_argument("--objects", help="directory of <resource>.json files (JSON arrays or kubectl Lists)")
    p.add_argument("--token", action="append", default=[], help="accepted bearer token (repeatable)")
    p.add_argument("--client-cn", action="append", default=None,
                   help="accepted client certificate CN (repeatable; default kubeproof-test)")
    p.add_argument("--anonymous", action="store_true", help="serve unauthenticated requests too")
    p.add_argument("--fault", action="append", default=[],
                   help="RESOURCE=CODE|timeout|reset|noitems|loop|hang|stall[:COUNT][@pageN]")
    p.add_argument("--fault-file", help="one --fault spec per line; # starts a comment")
    p.add_argument("--unserve", action="append", default=[], help="a known resource to leave out (404)")
    p.add_argument("--retry-after", type=int, default=0, help="Retry-After seconds sent with 429")
    p.add_argument("--timeout-sleep", type=float, default=2.0, help="seconds a 'timeout' fault waits")
    p.add_argument("--server-version", default="1.31+", help="major.minor for /version")
    p.add_argument("--git-version", help="gitVersion for /version (v1.32.3-eks-abc123); sets major and minor too")
    p.add_argument("--tls-dir", help="keep (and reuse) the certificates here instead of a temp dir")
    p.add_argument("--ignore-stdin", action="store_true", help="do not stop when stdin reaches EOF")
    p.add_argument("--verbose", action="store_true", help="log requests to stderr")
    args = p.parse_args(argv)
    args.client_cn = args.client_cn or ["kubeproof-test"]
    return args


def read_faults(args):
    specs = list(args.fault)
    if args.fault_file:
        with open(args.fault_file) as f:
            specs += [line.split("#")[0].strip() for line in f if line.split("#")[0].strip()]
    return [Fault(s) for s in specs]


def tls_context(files):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(files["server_cert"], files["server_key"])
    ctx.load_verify_locations(files["ca"])
    ctx.verify_mode = ssl.CERT_OPTIONAL
    return ctx


def watch_stdin(stop):
    try:
        while sys.stdin.buffer.read1(65536):
            pass
    except (OSError, ValueError):
        pass
    stop.set()


def main(argv):
    args = parse_args(argv)
    try:
        faults = read_faults(args)
    except (OSError, ValueError) as e:
        print(f"fake_apiserver.py: {e}", file=sys.stderr)
        return 2
    for resource in args.unserve:
        KNOWN.pop(resource, None)
    tls_dir = args.tls_dir or tempfile.mkdtemp(prefix="kubeproof-fake-apiserver-")
    os.makedirs(tls_dir, exist_ok=True)
    try:
        files = make_certificates(tls_dir)
        server = Server((args.host, args.port), Handler)
        server.socket = tls_context(files).wrap_socket(server.socket, server_side=True,
                                                       do_handshake_on_connect=False)
        server.cfg = Config(args, load_objects(args.objects), faults)
        print(f"PORT {server.server_address[1]}", flush=True)
        print("FILES " + json.dumps(files), flush=True)
        stop = server.cfg.stop
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
        if not args.ignore_stdin and sys.stdin is not None and not sys.stdin.isatty():
            threading.Thread(target=watch_stdin, args=(stop,), daemon=True).start()
        while not stop.wait(0.2):
            pass
        server.shutdown()
        server.server_close()
    finally:
        if not args.tls_dir:
            shutil.rmtree(tls_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
