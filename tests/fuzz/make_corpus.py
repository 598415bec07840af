#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets, tests/fuzz/corpus/<target>/, from the project's
own fixtures (examples/nodes, checks/, tests/fixtures, tests/e2e/golden). Small files only; the
peer fixtures in ../shared are never copied. Run from anywhere:

    python3 tests/fuzz/make_corpus.py [--kubeproof BUILD/kubeproof]

With --kubeproof (as root: the node roots are materialized with their owners), the facts snapshot
seeds are collected afresh from example nodes; without it the committed ones are kept.
Each seed is named by the SHA-1 of its content, as libFuzzer names the inputs it adds.
"""

import argparse
import hashlib
import json
import pathlib
import subprocess
import sys
import tempfile

SOURCE = pathlib.Path(__file__).resolve().parents[2]
CORPUS = SOURCE / "tests" / "fuzz" / "corpus"
MAX_SEED = 48 * 1024  # bytes; larger inputs slow every execution
SNAPSHOT_NODES = ["eks-worker", "k3s-server", "kubeadm-control-plane", "no-kubernetes"]


def put(target, data):
    if isinstance(data, str):
        data = data.encode()
    if len(data) > MAX_SEED:
        return
    folder = CORPUS / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / hashlib.sha1(data).hexdigest()).write_bytes(data)


def drop_generated(target):
    # Seeds made here are named by their SHA-1; inputs a fuzzer found (crash-*, timeout-*, leak-*,
    # oom-*, kept with their fix) stay.
    for seed in (CORPUS / target).glob("*"):
        if len(seed.name) == 40 and all(c in "0123456789abcdef" for c in seed.name):
            seed.unlink()


def files(pattern, base=SOURCE):
    return sorted(p for p in base.glob(pattern) if p.is_file())


def loader_seeds():
    # fuzz_loader: the first byte is the role (components, benchmarks, benchmark header, section
    # of the fixed benchmark "fuzz", framework).
    put("loader", b"\x00" + (SOURCE / "checks/components.yaml").read_bytes())
    put("loader", b"\x01" + (SOURCE / "checks/benchmarks.yaml").read_bytes())
    for header in files("checks/*/benchmark.yaml"):
        put("loader", b"\x02" + header.read_bytes())
    for section in files("checks/*/*.yaml"):
        if section.name != "benchmark.yaml":
            put("loader", b"\x03" + section.read_bytes())
    for framework in files("tests/fixtures/frameworks/*.yaml"):
        put("loader", b"\x04" + framework.read_bytes())


def node_files():
    return files("examples/nodes/*/tree/**/*")


def kubeconfig_seeds():
    for path in node_files():
        if "kubeconfig" in path.name or path.suffix == ".conf":
            put("kubeconfig", path.read_bytes())
    # The JSON form, and an exec credential plugin.
    put("kubeconfig", json.dumps({
        "apiVersion": "v1", "kind": "Config", "current-context": "c",
        "clusters": [{"name": "k", "cluster": {"server": "https://10.0.0.1:6443",
                                               "insecure-skip-tls-verify": True}}],
        "users": [{"name": "u", "user": {"exec": {
            "apiVersion": "client.authentication.k8s.io/v1", "command": "aws",
            "args": ["eks", "get-token"], "env": [{"name": "A", "value": "b"}],
            "interactiveMode": "Never"}}}],
        "contexts": [{"name": "c", "context": {"cluster": "k", "user": "u"}}]}, indent=1))


def manifest_seeds():
    for pattern in ["tests/fixtures/no-false-pass/*.yaml", "tests/fixtures/controls/*.yaml",
                    "tests/fixtures/audit-policies/*.yaml",
                    "tests/fixtures/third-party/**/input/*.yaml"]:
        for path in files(pattern):
            put("manifests", path.read_bytes())
    for path in node_files():
        if "/manifests/" in str(path):
            put("manifests", path.read_bytes())
    # JSON: a List, a typed list, and two values in a row.
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "d"},
           "spec": {"containers": [{"name": "c", "image": "i"}]}}
    put("manifests", json.dumps({"apiVersion": "v1", "kind": "List", "items": [pod, pod]}, indent=1))
    put("manifests", json.dumps({"apiVersion": "v1", "kind": "PodList",
                                 "items": [{"metadata": {"name": "q"}}]}))
    put("manifests", json.dumps(pod) + "\n" + json.dumps(pod))


def cmdline_seeds():
    # fuzz_cmdline: the first byte picks pflag or Go flag syntax and boolean flags; then the
    # cmdline as /proc has it, NUL after each argument.
    for spec in files("examples/nodes/*/node.json"):
        for process in json.loads(spec.read_text()).get("processes", []):
            text = b"".join(arg.encode() + b"\0" for arg in process["argv"])
            go = 1 if process["argv"] and "etcd" in process["argv"][0] else 0
            put("cmdline", bytes([go]) + text)
            put("cmdline", bytes([go | 2]) + text)


def document_seeds():
    for path in node_files():
        if path.suffix in {".yaml", ".yml", ".json", ".conf", ".toml"} or path.name == "config":
            put("document", path.read_bytes())


def report_seeds():
    # Stored reports with their results cut to the first few: the header is what most reading
    # does, and a short input runs fast.
    for path in files("tests/e2e/golden/*.json"):
        report = json.loads(path.read_text())
        if not isinstance(report, dict) or "results" not in report:
            continue
        if isinstance(report["results"], list):
            report["results"] = report["results"][:3]
        if isinstance(report.get("frameworks"), dict):  # one control of each framework
            report["frameworks"] = {name: dict(list(controls.items())[:1])
                                    for name, controls in report["frameworks"].items()}
        put("report", json.dumps(report, indent=2))


def json_stream_seeds():
    # Lines of text the report carries: evidence values with escapes, UTF-8 and invalid bytes.
    put("json_stream", "plain\nquote \" backslash \\ tab\tcr\r\nline\n")
    put("json_stream", "caf\u00e9 \u202e bidi \U0001f600\n\x1b[31mred\x07\x7f\n".encode())
    put("json_stream", b"bad \xff byte\ncut \xe2\x80\nover-long \xc0\xaf\nsurrogate \xed\xa0\x80\n\x00nul")
    for golden in files("tests/e2e/golden/*.json")[:3]:
        put("json_stream", golden.read_bytes()[:4096])


def snapshot_seeds(kubeproof):
    with tempfile.TemporaryDirectory() as tmp:
        for node in SNAPSHOT_NODES:
            root = pathlib.Path(tmp) / node
            subprocess.run([sys.executable, str(SOURCE / "tests/fixtures/materialize.py"),
                            str(SOURCE / "examples/nodes" / node), str(root)], check=True,
                           stdout=subprocess.DEVNULL)
            out = pathlib.Path(tmp) / (node + ".json")
            subprocess.run([kubeproof, "collect", "--root", str(root), "--proc", str(root / "proc"),
                            "--output", str(out)], check=True)
            put("facts_snapshot", out.read_bytes())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kubeproof", help="binary that collects the facts snapshot seeds")
    args = parser.parse_args()
    for target in ["loader", "kubeconfig", "manifests", "cmdline", "document", "report",
                   "json_stream"]:
        drop_generated(target)
    loader_seeds()
    kubeconfig_seeds()
    manifest_seeds()
    cmdline_seeds()
    document_seeds()
    report_seeds()
    json_stream_seeds()
    if args.kubeproof:
        drop_generated("facts_snapshot")
        snapshot_seeds(args.kubeproof)
    for folder in sorted(CORPUS.iterdir()):
        seeds = list(folder.iterdir())
        print(f"{folder.name}: {len(seeds)} seeds, {sum(p.stat().st_size for p in seeds)} bytes")


if __name__ == "__main__":
    main()
