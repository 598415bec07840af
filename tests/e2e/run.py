#!/usr/bin/env python3
"""End-to-end tests of the built kubeproof binary.

    tests/e2e/run.py --binary B --sleeper S --source SRC

Materialises the example nodes of SRC/examples/nodes into a fresh temporary directory, runs the
binary over them and checks goldens (SRC/tests/e2e/golden), report semantics, the CLI contract,
definition diagnostics (exact text), scans of real processes and atomic report output.
Every JSON report a scan writes is validated against SRC/docs/report.schema.json.
UPDATE_GOLDEN=1 rewrites the goldens instead of comparing them. Python 3 standard library plus
jsonschema (Debian python3-jsonschema) and, for the OSCAL schema's Unicode patterns, regex (Debian
python3-regex); the HTML period report is rendered by Debian's headless chromium and its PDF read
with pdftotext and pdfinfo (poppler-utils); metrics files are checked by promtool (prometheus) and served by a
real prometheus-node-exporter. Must run as root (the fixture nodes have real owners).
Prints `N passed, M failed` last and exits non-zero when anything failed.
"""

import argparse
import base64
import csv
import datetime
import difflib
import fcntl
import hashlib
import io
import json
import os
import stat
import re
import shutil
import signal
import socket
import ssl
import struct
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse
import urllib.request
import zlib
from html.parser import HTMLParser

try:
    import jsonschema
    from jsonschema import Draft202012Validator
    JSONSCHEMA_MISSING = None
except ImportError as _err:  # main() refuses to run; validate_report() fails every report
    jsonschema = Draft202012Validator = None
    JSONSCHEMA_MISSING = (f"the Python package jsonschema (4.0 or later, for JSON Schema draft 2020-12) cannot be "
                          f"imported ({_err}); install the Debian package python3-jsonschema "
                          f"(scripts/setup.sh does) and run again")

EPOCH = "1767225600"
EPOCH_RFC3339 = "2026-01-01T00:00:00Z"
VERSION = "0.1.0"
ALL_TARGETS = "master,etcd,controlplane,node"
NODES = ["kubeadm-control-plane", "hardened-control-plane", "worker-json-config", "no-kubernetes"]
GOLDEN_EXTRA_ARGS = {"worker-json-config": ["--targets", ALL_TARGETS]}
# Nodes without an API server's static pod say nothing of their Kubernetes version or platform:
# the benchmark is the fallback, loudly (README, "Which benchmark a scan uses").
NOTHING_DETECTED = ("kubeproof: warning: neither the Kubernetes version nor the platform could be detected (no flag, no API "
                    "server answer, no static pod image tag, no k3s or RKE2 files): cis-1.12 is used; pass "
                    "--k8s-version and --platform, or --benchmark\n")
GOLDEN_STDERR = {"worker-json-config": NOTHING_DETECTED, "no-kubernetes": NOTHING_DETECTED}
FORMATS = [("text", "txt"), ("json", "json"), ("junit", "xml")]
STATUSES = ["PASS", "FAIL", "WARN", "SKIP", "NA", "ERROR"]
RESULT_FIELDS = {"id": str, "benchmark": str, "target": str, "group": str, "title": str, "status": str,
                 "automated": bool, "expected": str, "actual": str, "evidence": list, "remediation": str,
                 "controls": dict}
SCAN_FIELDS = ["id", "started_at", "finished_at", "host", "benchmark", "kubernetes_version", "targets"]
CONTROL_PLANE_PROCESSES = ["kube-apiserver", "kube-controller-manager", "kube-scheduler"]
PROCESS_LOCK = "/tmp/kubeproof-e2e-real-processes.lock"
DIFF_LINES = 120


class Config:
    """What the command line gave, and the directories made for this run."""
    binary = ""
    sleeper = ""
    source = ""
    tmp = ""
    nodes = ""
    update_golden = False
    diff_shown = False


CFG = Config()


# ---------------------------------------------------------------------------------------------
# helpers

def node_root(node):
    return os.path.join(CFG.nodes, node)


def base_env():
    """A small fixed environment: byte-stable output, no colour."""
    env = {"PATH": os.environ.get("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"),
           "SOURCE_DATE_EPOCH": EPOCH, "NO_COLOR": "1"}
    for name in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):  # the sanitized build's settings
        if name in os.environ:
            env[name] = os.environ[name]
    return env


def kubeproof(*args, timeout=30):
    """Runs the binary; returns CompletedProcess with text stdout/stderr. A JSON report it writes must
    match the report schema (see validate_run_output)."""
    proc = subprocess.run([CFG.binary, *args], capture_output=True, text=True, env=base_env(),
                          cwd=CFG.tmp, timeout=timeout)
    validate_run_output(args, proc, cwd=CFG.tmp)
    return proc


def kubeproof_bytes(*args, timeout=30):
    proc = subprocess.run([CFG.binary, *args], capture_output=True, env=base_env(), cwd=CFG.tmp,
                          timeout=timeout)
    validate_run_output(args, proc, cwd=CFG.tmp)
    return proc


# ---------------------------------------------------------------------------------------------
# the JSON report schema (docs/report.schema.json), checked on every JSON report a test produces

REPORT_SCHEMA = os.path.join("docs", "report.schema.json")  # under CFG.source
_RFC3339 = re.compile(r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:[Zz]|[+-](\d{2}):(\d{2}))")
_report_validator = None


def _is_rfc3339(value):
    """RFC 3339 date-time, for jsonschema builds without a date-time checker (Debian 12's lacks
    rfc3339-validator, and jsonschema then skips the format silently)."""
    if not isinstance(value, str):
        return True
    m = _RFC3339.fullmatch(value)
    if not m:
        return False
    year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    offset_ok = m.group(8) is None or (int(m.group(8)) < 24 and int(m.group(9)) < 60)
    return hour < 24 and minute < 60 and second <= 60 and offset_ok


def report_validator():
    """The draft 2020-12 validator of the report schema with format checks on, built once."""
    global _report_validator
    if _report_validator is None:
        if JSONSCHEMA_MISSING:
            raise AssertionError(JSONSCHEMA_MISSING)
        with open(os.path.join(CFG.source, REPORT_SCHEMA), encoding="utf-8") as f:
            schema = json.load(f)
        Draft202012Validator.check_schema(schema)
        base = getattr(Draft202012Validator, "FORMAT_CHECKER", None) or jsonschema.draft202012_format_checker
        checker = jsonschema.FormatChecker()
        checker.checkers = dict(base.checkers)
        if "date-time" not in checker.checkers:
            checker.checks("date-time")(_is_rfc3339)
        if "uuid" not in checker.checkers:
            raise AssertionError(f"jsonschema {jsonschema_version()} cannot check format uuid; "
                                 "install the Debian package python3-jsonschema")
        _report_validator = Draft202012Validator(schema, format_checker=checker)
    return _report_validator


def jsonschema_version():
    try:
        import importlib.metadata
        return importlib.metadata.version("jsonschema")
    except Exception:  # noqa: BLE001 - only for messages
        return "(unknown version)"


def validate_report(text):
    """Raises AssertionError (message and JSON path of each violation) unless `text` (str or bytes)
    is a report that matches docs/report.schema.json."""
    try:
        report = json.loads(text)
    except ValueError as err:
        raise AssertionError(f"a JSON report is not JSON ({err}): {text[:200]!r}") from None
    errors = sorted(report_validator().iter_errors(report), key=lambda e: list(e.absolute_path))
    if errors:
        lines = [f"  {e.json_path}: {e.message[:300]}" for e in errors[:10]]
        more = f"\n  ... {len(errors) - 10} more" if len(errors) > 10 else ""
        raise AssertionError(f"the report violates {REPORT_SCHEMA}:\n" + "\n".join(lines) + more)


PERIOD_SCHEMA = os.path.join("docs", "period.schema.json")  # under CFG.source
_period_validator = None


def period_validator():
    """The draft 2020-12 validator of the period report schema, with the report schema's format checks."""
    global _period_validator
    if _period_validator is None:
        with open(os.path.join(CFG.source, PERIOD_SCHEMA), encoding="utf-8") as f:
            schema = json.load(f)
        Draft202012Validator.check_schema(schema)
        _period_validator = Draft202012Validator(schema, format_checker=report_validator().format_checker)
    return _period_validator


def validate_period(text):
    """Raises AssertionError unless `text` is a period report that matches docs/period.schema.json."""
    try:
        report = json.loads(text)
    except ValueError as err:
        raise AssertionError(f"a JSON period report is not JSON ({err}): {text[:200]!r}") from None
    errors = sorted(period_validator().iter_errors(report), key=lambda e: list(e.absolute_path))
    if errors:
        lines = [f"  {e.json_path}: {e.message[:300]}" for e in errors[:10]]
        raise AssertionError(f"the period report violates {PERIOD_SCHEMA}:\n" + "\n".join(lines))


OSCAL_SCHEMA = os.path.join("tests", "fixtures", "oscal", "oscal_assessment-results_schema.json")  # under CFG.source
_oscal_validator = None
_URI_REFERENCE = re.compile(r"(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*")


def _is_uri_reference(value):
    """RFC 3986 URI-reference, for jsonschema builds without rfc3987 (which then skip the format): only
    URI characters and %XX escapes, at most one '#', and a first segment that holds a ':' only as a
    scheme's."""
    if not isinstance(value, str):
        return True
    if not _URI_REFERENCE.fullmatch(value) or value.count("#") > 1:
        return False
    head = re.split(r"[/?#]", value, maxsplit=1)[0]
    return ":" not in head or re.match(r"[A-Za-z][A-Za-z0-9+.\-]*:", head) is not None


def oscal_validator():
    """NIST's OSCAL 1.0.6 assessment-results schema (draft-07, tests/fixtures/oscal/) as jsonschema
    checks it, with two changes that make it check what it says: `pattern` through the `regex` module
    (the schema's token pattern uses \\p{L} and \\p{N}, which Python's re refuses), and format checks on
    (date-time and uri-reference by our own checkers where jsonschema has none). Built once."""
    global _oscal_validator
    if _oscal_validator is None:
        if JSONSCHEMA_MISSING:
            raise AssertionError(JSONSCHEMA_MISSING)
        try:
            import regex
        except ImportError as err:
            raise AssertionError(f"the Python package regex cannot be imported ({err}); install the Debian "
                                 "package python3-regex (scripts/setup.sh does)") from None
        with open(os.path.join(CFG.source, OSCAL_SCHEMA), encoding="utf-8") as f:
            schema = json.load(f)
        base = jsonschema.validators.validator_for(schema)
        formats = (getattr(base, "FORMAT_CHECKER", None) or jsonschema.draft7_format_checker).checkers
        # The schema itself, against its metaschema: its patterns are regexes of the regex module.
        meta_checker = jsonschema.FormatChecker()
        meta_checker.checkers = dict(formats)
        meta_checker.checks("regex", raises=regex.error)(lambda value: not isinstance(value, str) or bool(regex.compile(value)))
        for error in base(base.META_SCHEMA, format_checker=meta_checker).iter_errors(schema):
            raise jsonschema.SchemaError.create_from(error)

        def pattern(validator, expression, instance, _schema):
            if validator.is_type(instance, "string") and not regex.search(expression, instance):
                yield jsonschema.ValidationError(f"{instance!r} does not match {expression!r}")

        cls = jsonschema.validators.extend(base, {"pattern": pattern})
        checker = jsonschema.FormatChecker()
        checker.checkers = dict(formats)
        if "date-time" not in checker.checkers:
            checker.checks("date-time")(_is_rfc3339)
        if "uri-reference" not in checker.checkers:
            checker.checks("uri-reference")(_is_uri_reference)
        _oscal_validator = cls(schema, format_checker=checker)
    return _oscal_validator


def oscal_errors(document):
    """Each violation of the OSCAL schema as "path: message", in document order."""
    errors = sorted(oscal_validator().iter_errors(document), key=lambda e: [str(p) for p in e.absolute_path])
    return [f"{e.json_path}: {e.message[:300]}" for e in errors]


def validate_oscal(text):
    """Raises AssertionError unless `text` is OSCAL assessment results that match NIST's schema."""
    try:
        document = json.loads(text)
    except ValueError as err:
        raise AssertionError(f"an OSCAL period report is not JSON ({err}): {text[:200]!r}") from None
    errors = oscal_errors(document)
    if errors:
        more = f"\n  ... {len(errors) - 10} more" if len(errors) > 10 else ""
        raise AssertionError(f"the OSCAL report violates {OSCAL_SCHEMA}:\n  " + "\n  ".join(errors[:10]) + more)


def _option_value(args, name):
    """The last value of `--name V` or `--name=V` in args, None when absent."""
    value = None
    for i, arg in enumerate(args):
        if arg == name and i + 1 < len(args):
            value = args[i + 1]
        elif arg.startswith(name + "="):
            value = arg[len(name) + 1:]
    return value


def validate_run_output(args, proc, cwd):
    """Validates what `kubeproof run --format json ...` wrote when it exited 0 or 1, and what
    `kubeproof merge` wrote when it exited 0: stdout, and the --output file when that is a regular
    file; every JSON period report (`kubeproof report --format json`) against its own schema, and
    every OSCAL one (`--format oscal`) against NIST's."""
    args = [os.fsdecode(a) for a in args]
    period_format = _option_value(args, "--format") if args and args[0] == "report" else None
    if period_format in ("json", "oscal") and proc.returncode in (0, 1):
        validate = validate_period if period_format == "json" else validate_oscal
        output = _option_value(args, "--output")
        if output and output != "-":
            with open(os.path.join(cwd, output), "rb") as f:
                validate(f.read())
        else:
            validate(proc.stdout)
        return
    merged = bool(args) and args[0] == "merge" and proc.returncode == 0
    if not merged and (not args or args[0] != "run" or _option_value(args, "--format") != "json"
                       or proc.returncode not in (0, 1)):
        return
    if proc.stdout:
        validate_report(proc.stdout)
    output = _option_value(args, "--output")
    if output and output != "-" and os.path.isfile(os.path.join(cwd, output)):
        with open(os.path.join(cwd, output), "rb") as f:
            validate_report(f.read())


def scan_args(node, *extra):
    root = node_root(node)
    return ["run", "--root", root, "--proc", os.path.join(root, "proc"), *extra]


def scan_json(testcase, node, *extra, expect_rc=None):
    """Runs a JSON scan of a fixture node and returns (report, returncode)."""
    proc = kubeproof(*scan_args(node, "--format", "json", *extra))
    if expect_rc is not None:
        testcase.assertEqual(proc.returncode, expect_rc, f"exit code of {node} scan; stderr:\n{proc.stderr}")
    try:
        return json.loads(proc.stdout), proc.returncode
    except json.JSONDecodeError as err:
        testcase.fail(f"{node}: output is not JSON ({err}); rc={proc.returncode} stderr:\n{proc.stderr}")


def by_id(report):
    return {r["id"]: r for r in report["results"]}


def normalise(text):
    """Replaces this run's temporary paths, should any leak into an output, and the digest of the
    definitions (it changes with every edit of checks/; ReportShape checks it against the files)."""
    for node in NODES:
        text = text.replace(node_root(node), f"<{node}>")
    text = re.sub(r'"definitions_sha256": "[0-9a-f]{64}"', '"definitions_sha256": "<sha256>"', text)
    return text.replace(CFG.tmp, "<tmp>")


def unified_diff(expected, actual, name):
    diff = list(difflib.unified_diff(expected.splitlines(keepends=True), actual.splitlines(keepends=True),
                                     fromfile=f"golden/{name}", tofile="actual"))
    more = len(diff) - DIFF_LINES
    text = "".join(diff[:DIFF_LINES])
    return text + (f"\n... {more} more diff lines\n" if more > 0 else "")


def dir_entries(path):
    return sorted(os.listdir(path))


# ---------------------------------------------------------------------------------------------
# 1. goldens

class Goldens(unittest.TestCase):
    """Text, JSON and JUnit reports of each node, byte for byte."""

    def check_golden(self, node, fmt, ext):
        proc = kubeproof(*scan_args(node, "--format", fmt, *GOLDEN_EXTRA_ARGS.get(node, [])))
        self.assertIn(proc.returncode, (0, 1), f"scan failed; stderr:\n{proc.stderr}")
        self.assertEqual(proc.stderr, GOLDEN_STDERR.get(node, ""),
                         "a fixture scan prints nothing on stderr but the benchmark choice's warning")
        actual = normalise(proc.stdout)
        name = f"{node}.{ext}"
        path = os.path.join(CFG.source, "tests", "e2e", "golden", name)
        if CFG.update_golden:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            old = open(path, encoding="utf-8").read() if os.path.exists(path) else None
            with open(path, "w", encoding="utf-8") as f:
                f.write(actual)
            print(f"\n  UPDATE_GOLDEN=1: {'unchanged' if old == actual else 'rewrote'} golden/{name}",
                  file=sys.stderr, end=" ")
            return
        self.assertTrue(os.path.exists(path), f"golden/{name} is missing; run with UPDATE_GOLDEN=1")
        expected = open(path, encoding="utf-8").read()
        if expected != actual:
            if CFG.diff_shown:
                self.fail(f"golden/{name} differs (diff shown for the first differing golden only)")
            CFG.diff_shown = True
            self.fail(f"golden/{name} differs (UPDATE_GOLDEN=1 rewrites it):\n"
                      + unified_diff(expected, actual, name))


def _add_golden_tests():
    for node in NODES:
        for fmt, ext in FORMATS:
            def test(self, node=node, fmt=fmt, ext=ext):
                self.check_golden(node, fmt, ext)
            test.__doc__ = f"golden/{node}.{ext}"
            setattr(Goldens, f"test_{node.replace('-', '_')}_{fmt}", test)


_add_golden_tests()


# ---------------------------------------------------------------------------------------------
# 2. semantics of the reports, independent of goldens

class ReportShape(unittest.TestCase):
    """Every report has the DESIGN.md fields, and totals count the statuses."""

    def check_shape(self, node, extra):
        report, _ = scan_json(self, node, *extra)
        self.assertEqual(report["schema"], "kubeproof.report/v1")
        self.assertEqual(report["tool"]["name"], "kubeproof")
        self.assertEqual(report["tool"]["version"], VERSION)
        scan = report["scan"]
        for field in SCAN_FIELDS:
            self.assertIn(field, scan, f"scan.{field}")
        self.assertEqual(scan["started_at"], EPOCH_RFC3339)
        self.assertEqual(scan["finished_at"], EPOCH_RFC3339)
        self.assertEqual(scan["benchmark"], "cis-1.12")
        self.assertIsInstance(scan["targets"], list)
        self.assertIsInstance(report["frameworks"], dict)
        self.assertEqual(len(report["results"]), 97, "97 checks in cis-1.12")
        counted = {s: 0 for s in STATUSES}
        for r in report["results"]:
            for field, kind in RESULT_FIELDS.items():
                self.assertIn(field, r, f"{r.get('id')}: field {field}")
                self.assertIsInstance(r[field], kind, f"{r['id']}: type of {field}")
            self.assertIn(r["status"], STATUSES, r["id"])
            self.assertEqual(r["benchmark"], "cis-1.12", r["id"])
            self.assertTrue(r["id"].startswith(r["group"] + ".") or r["id"] == r["group"], r["id"])
            for ev in r["evidence"]:
                self.assertEqual(sorted(ev), ["ref", "source", "value"], f"{r['id']}: evidence {ev}")
                for value in ev.values():
                    self.assertIsInstance(value, str, f"{r['id']}: evidence {ev}")
                if ev["source"] == "config":
                    self.assertConfigLine(node, r["id"], ev)
            if r["status"] in ("PASS", "FAIL", "WARN"):
                self.assertTrue(r["title"] and r["remediation"], r["id"])
            if r["status"] in ("SKIP", "NA", "ERROR"):
                self.assertTrue(r.get("reason"), f"{r['id']}: {r['status']} needs a reason")
            counted[r["status"]] += 1
        self.assertEqual(report["totals"], counted)
        self.assertNotIn(CFG.tmp, json.dumps(report), "no temporary path in the report")

    def assertConfigLine(self, node, check_id, ev):
        """A config evidence `path:line` points at the line that holds the key."""
        m = re.fullmatch(r"(/.+):(\d+)", ev["ref"])
        self.assertTrue(m, f"{check_id}: config evidence ref {ev['ref']!r} is path:line")
        key = ev["value"].split(":", 1)[0]
        last = [part for part in re.split(r"[.\[\]]", key) if part and not part.isdigit()][-1]
        with open(node_root(node) + m.group(1), encoding="utf-8") as f:
            line = f.read().split("\n")[int(m.group(2)) - 1]
        value = ev["value"].split(":", 1)[1].strip()
        # a key-name selection (providers[0] -> "aescbc") points at the line of the name itself
        self.assertTrue(last in line or (value and value in line), f"{check_id}: {ev['ref']} should hold {key}")

    def test_kubeadm_control_plane(self):
        self.check_shape("kubeadm-control-plane", [])

    def test_hardened_control_plane(self):
        self.check_shape("hardened-control-plane", [])

    def test_worker_json_config(self):
        self.check_shape("worker-json-config", ["--targets", ALL_TARGETS])

    def test_no_kubernetes(self):
        self.check_shape("no-kubernetes", [])


class NodeSemantics(unittest.TestCase):
    """The notable results of examples/nodes/README.md."""

    def assertStatuses(self, results, expected):
        for check_id, status in expected.items():
            self.assertIn(check_id, results, f"{check_id} missing")
            r = results[check_id]
            self.assertEqual(r["status"], status, f"{check_id}: {r['actual']} / {r.get('reason', '')}")

    def test_kubeadm_control_plane(self):
        report, _ = scan_json(self, "kubeadm-control-plane", expect_rc=1)
        results = by_id(report)
        self.assertStatuses(results, {
            "1.1.12": "FAIL", "1.2.15": "FAIL", "1.3.2": "FAIL", "1.4.1": "FAIL", "4.1.9": "FAIL",
            "1.2.1": "WARN", "1.2.6": "PASS", "1.2.7": "PASS", "1.2.8": "PASS", "1.2.21": "PASS",
            "1.2.30": "FAIL", "4.2.1": "PASS", "4.2.2": "PASS", "4.2.3": "PASS"})
        for check_id in ("4.2.1", "4.2.2", "4.2.3"):
            refs = [e["ref"] for e in results[check_id]["evidence"]]
            self.assertTrue(any(ref.startswith("/var/lib/kubelet/config.yaml") for ref in refs),
                            f"{check_id}: evidence {refs} names /var/lib/kubelet/config.yaml")

    def test_kubeadm_control_plane_fail_set(self):
        report, _ = scan_json(self, "kubeadm-control-plane")
        fails = sorted(r["id"] for r in report["results"] if r["status"] == "FAIL")
        self.assertEqual(fails, sorted(["1.1.12", "1.2.5", "1.2.15", "1.2.16", "1.2.17", "1.2.18", "1.2.19",
                                        "1.2.30", "1.3.2", "1.4.1", "4.1.1", "4.1.9"]))

    def test_hardened_control_plane(self):
        report, _ = scan_json(self, "hardened-control-plane", expect_rc=0)
        fails = [r["id"] for r in report["results"] if r["status"] in ("FAIL", "ERROR")]
        self.assertEqual(fails, [])

    def test_worker_json_config(self):
        report, _ = scan_json(self, "worker-json-config", "--targets", ALL_TARGETS, expect_rc=1)
        results = by_id(report)
        self.assertStatuses(results, {"4.2.1": "PASS", "4.2.4": "WARN"})
        refs = [e["ref"] for e in results["4.2.1"]["evidence"]]
        self.assertTrue(any(ref.startswith("/etc/kubelet/kubelet-config.json") for ref in refs),
                        f"4.2.1 evidence {refs} names the --config file")
        not_na = [f"{i} {r['status']}" for i, r in results.items()
                  if i.split(".")[0] in ("1", "2", "3") and r["status"] != "NA"]
        self.assertEqual(not_na, [], "sections 1-3 are NA on a worker (examples/nodes/README.md)")

    def test_worker_json_config_fail_set(self):
        report, _ = scan_json(self, "worker-json-config", "--targets", ALL_TARGETS)
        fails = sorted(r["id"] for r in report["results"] if r["status"] == "FAIL")
        self.assertEqual(fails, ["4.1.1", "4.2.10", "4.2.6", "4.3.1"])

    def test_no_kubernetes(self):
        report, _ = scan_json(self, "no-kubernetes", expect_rc=0)
        not_na = [f"{r['id']} {r['status']}" for r in report["results"] if r["status"] != "NA"]
        self.assertEqual(not_na, [])
        self.assertEqual(report["totals"]["NA"], 97)


class NodeStrictness(unittest.TestCase):
    """No false PASS on a node: a walk that could not see everything, empty flags, pflag booleans."""

    UNPRIVILEGED = 65534
    APISERVER_PID = 4624
    KUBELET_PID = 4251
    PKI_CHECKS = ("1.1.19", "1.1.20", "1.1.21")

    @classmethod
    def setUpClass(cls):
        # Outside CFG.tmp (0700): an unprivileged scan must be able to reach the node root.
        cls.dir = tempfile.mkdtemp(prefix="kubeproof-e2e-strict-")
        os.chmod(cls.dir, 0o755)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    def kubeadm_root(self, name):
        """A fresh copy of the kubeadm node that this test may change."""
        return materialised_node(os.path.join(self.dir, name))

    def edit_argv(self, root, pid, drop=(), add=()):
        """Rewrites a fake process's cmdline: drops flags by name, appends arguments."""
        path = os.path.join(root, "proc", str(pid), "cmdline")
        with open(path, "rb") as f:
            argv = f.read().decode().split("\0")[:-1]
        argv = [a for a in argv if a.split("=", 1)[0] not in drop] + list(add)
        with open(path, "wb") as f:
            f.write("".join(a + "\0" for a in argv).encode())

    def scan(self, root, *extra, unprivileged=False):
        """A JSON scan of `root`, as root or as an unprivileged user; returns (results by id, process)."""
        def drop_privileges():
            os.setgroups([])
            os.setgid(self.UNPRIVILEGED)
            os.setuid(self.UNPRIVILEGED)
        argv = [CFG.binary, "run", "--root", root, "--proc", os.path.join(root, "proc"), "--format", "json", *extra]
        proc = subprocess.run(argv, capture_output=True, text=True, env=base_env(), cwd=self.dir, timeout=30,
                              preexec_fn=drop_privileges if unprivileged else None)
        validate_run_output(argv[1:], proc, cwd=self.dir)
        try:
            return by_id(json.loads(proc.stdout)), proc
        except json.JSONDecodeError as err:
            self.fail(f"output is not JSON ({err}); rc={proc.returncode} stderr:\n{proc.stderr}")

    def test_unlistable_pki_directory_is_error_not_pass(self):
        root = self.kubeadm_root("hidden-pki")
        etcd_pki = os.path.join(root, "etc", "kubernetes", "pki", "etcd")
        leaked = os.path.join(etcd_pki, "leaked.key")
        with open(leaked, "w") as f:
            f.write("-----BEGIN PRIVATE KEY-----\n")
        os.chown(leaked, 1000, 1000)
        os.chmod(leaked, 0o666)
        os.chmod(etcd_pki, 0o700)  # root:root: an unprivileged user can neither list nor enter it
        results, proc = self.scan(root, "--check", ",".join(self.PKI_CHECKS), unprivileged=True)
        self.assertEqual(proc.returncode, 1, proc.stderr)
        for check_id in self.PKI_CHECKS:
            r = results[check_id]
            self.assertEqual(r["status"], "ERROR", f"{check_id}: {r['actual']} / {r.get('reason', '')}")
            self.assertEqual(r["reason"], "cannot see every file: /etc/kubernetes/pki/etcd: Permission denied", check_id)
        # As root the same node shows the key: the unprivileged ERROR stood in for real findings.
        as_root, _ = self.scan(root, "--check", ",".join(self.PKI_CHECKS))
        self.assertEqual({i: as_root[i]["status"] for i in self.PKI_CHECKS},
                         {"1.1.19": "FAIL", "1.1.20": "PASS", "1.1.21": "WARN"})
        self.assertIn("/etc/kubernetes/pki/etcd/leaked.key has mode 666", as_root["1.1.21"]["actual"])

    def test_unlistable_top_pki_directory_is_error_not_na(self):
        root = self.kubeadm_root("closed-pki")
        os.chmod(os.path.join(root, "etc", "kubernetes", "pki"), 0o700)
        results, proc = self.scan(root, "--check", ",".join(self.PKI_CHECKS), unprivileged=True)
        self.assertEqual(proc.returncode, 1, proc.stderr)
        for check_id in self.PKI_CHECKS:
            self.assertEqual((results[check_id]["status"], results[check_id]["reason"]),
                             ("ERROR", "cannot see every file: /etc/kubernetes/pki: Permission denied"), check_id)

    def test_empty_flag_values_fail(self):
        root = self.kubeadm_root("empty-flags")
        empty = ["--audit-log-path", "--kubelet-certificate-authority", "--client-ca-file", "--etcd-cafile",
                 "--encryption-provider-config"]
        self.edit_argv(root, self.APISERVER_PID, drop=empty, add=[flag + "=" for flag in empty])
        self.edit_argv(root, self.KUBELET_PID, drop=["--client-ca-file"], add=["--client-ca-file="])
        results, proc = self.scan(root)
        self.assertEqual(proc.returncode, 1, proc.stderr)
        checks = ("1.2.5", "1.2.16", "1.2.25", "1.2.26", "1.2.27", "4.2.3")
        # 1.2.27 is a CIS Manual check: its failed evaluation is WARN, for a person to review.
        self.assertEqual({i: results[i]["status"] for i in checks},
                         {"1.2.5": "FAIL", "1.2.16": "FAIL", "1.2.25": "FAIL", "1.2.26": "FAIL", "1.2.27": "WARN",
                          "4.2.3": "FAIL"})
        self.assertIn("--client-ca-file is empty, which is the same as not set", results["1.2.25"]["actual"])
        self.assertIn('--client-ca-file=""', results["4.2.3"]["actual"])

    def test_boolean_flag_takes_no_separate_value(self):
        root = self.kubeadm_root("profiling-false")
        self.edit_argv(root, self.APISERVER_PID, drop=["--profiling"], add=["--profiling", "false"])
        results, _ = self.scan(root, "--check", "1.2.15")
        self.assertEqual(results["1.2.15"]["status"], "FAIL", results["1.2.15"]["actual"])
        self.assertTrue(results["1.2.15"]["actual"].startswith("--profiling=true"), results["1.2.15"]["actual"])


# ---------------------------------------------------------------------------------------------
# 3. CLI contract

class CliContract(unittest.TestCase):
    """Options, exit codes and the exact text of usage errors."""

    def assertUsageError(self, proc, stderr):
        self.assertEqual((proc.returncode, proc.stderr), (2, stderr))
        self.assertEqual(proc.stdout, "", "no report on a usage error")

    def test_check_selects_exactly(self):
        report, _ = scan_json(self, "kubeadm-control-plane", "--check", "1.2.15,1.2.16", expect_rc=1)
        self.assertEqual([r["id"] for r in report["results"]], ["1.2.15", "1.2.16"])
        self.assertEqual(sum(report["totals"].values()), 2)

    def test_skip_gives_skip_with_reason(self):
        report, _ = scan_json(self, "kubeadm-control-plane", "--skip", "1.2.15")
        r = by_id(report)["1.2.15"]
        self.assertEqual(r["status"], "SKIP")
        self.assertEqual(r["reason"], "skipped with --skip")
        self.assertEqual(len(report["results"]), 97)

    def test_unknown_id_in_check(self):
        self.assertUsageError(kubeproof(*scan_args("kubeadm-control-plane", "--check", "1.2.15,9.9.9")),
                              "kubeproof: unknown check id '9.9.9' in --check (benchmark cis-1.12)\n")

    def test_unknown_id_in_skip(self):
        self.assertUsageError(kubeproof(*scan_args("kubeadm-control-plane", "--skip", "9.9.9")),
                              "kubeproof: unknown check id '9.9.9' in --skip (benchmark cis-1.12)\n")

    def test_a_malformed_source_date_epoch_is_a_usage_error(self):
        # Before, "abc" and "1e9" were ignored (the clock's time, silently) and 99999999999999 dated
        # a report in the year 3170843, which no RFC 3339 reader takes.
        root = node_root("kubeadm-control-plane")
        commands = (["run", "--root", root, "--proc", os.path.join(root, "proc"), "--format", "json"],
                    ["collect", "--root", root, "--proc", os.path.join(root, "proc"), "--output", "-"],
                    ["report", os.path.join(CFG.source, "tests", "e2e", "golden", "hardened-control-plane.json"),
                     "--framework", "soc2"])
        for value in ("abc", "1e9", "-1", " 5", "99999999999999", "253402300800"):
            for args in commands:
                with self.subTest(value=value, command=args[0]):
                    proc = subprocess.run([CFG.binary, *args], capture_output=True, text=True, cwd=CFG.tmp,
                                          env=dict(base_env(), SOURCE_DATE_EPOCH=value), timeout=30)
                    self.assertEqual(proc.returncode, 2, proc.stderr)
                    self.assertEqual(proc.stdout, "")
                    self.assertIn(f"SOURCE_DATE_EPOCH={value}: expected whole seconds since 1970-01-01T00:00:00Z",
                                  proc.stderr)
        for value, started in (("253402300799", "9999-12-31T23:59:59Z"), ("0", "1970-01-01T00:00:00Z"),
                               ("", None)):
            proc = subprocess.run([CFG.binary, *commands[0]], capture_output=True, text=True, cwd=CFG.tmp,
                                  env=dict(base_env(), SOURCE_DATE_EPOCH=value), timeout=30)
            self.assertIn(proc.returncode, (0, 1), proc.stderr)
            if started:
                self.assertEqual(json.loads(proc.stdout)["scan"]["started_at"], started)

    def test_unknown_benchmark(self):
        proc = kubeproof(*scan_args("kubeadm-control-plane", "--benchmark", "cis-9.9"))
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertEqual(proc.stdout, "")
        self.assertRegex(proc.stderr, r"^kubeproof: unknown benchmark 'cis-9\.9' \(known: [^)]*cis-1\.12[^)]*\)\n$")

    def test_unknown_target(self):
        self.assertUsageError(kubeproof(*scan_args("kubeadm-control-plane", "--targets", "master,nodes")),
                              "kubeproof: benchmark cis-1.12 has no target 'nodes' "
                              "(it has: master, etcd, controlplane, node, policies)\n")

    def test_empty_id_list_is_a_usage_error(self):
        self.assertUsageError(kubeproof(*scan_args("kubeadm-control-plane", "--check", "")),
                              "kubeproof: --check needs at least one value\n")
        self.assertUsageError(kubeproof(*scan_args("kubeadm-control-plane", "--skip", ",")),
                              "kubeproof: --skip needs at least one value\n")

    def test_missing_root_cannot_scan(self):
        missing = os.path.join(CFG.tmp, "no-such-root")
        proc = kubeproof("run", "--root", missing)
        self.assertEqual((proc.returncode, proc.stdout), (3, ""))
        self.assertEqual(proc.stderr, f"kubeproof: cannot scan: the node root {missing} is not readable "
                                      "(No such file or directory)\n")

    def test_missing_proc_cannot_scan(self):
        proc = kubeproof("run", "--root", node_root("kubeadm-control-plane"), "--proc", os.path.join(CFG.tmp, "no-proc"))
        self.assertEqual((proc.returncode, proc.stdout), (3, ""))
        self.assertTrue(proc.stderr.startswith("kubeproof: cannot scan: cannot list the node's processes: "), proc.stderr)

    def test_output_to_a_device_keeps_the_device(self):
        proc = kubeproof(*scan_args("hardened-control-plane", "--output", "/dev/null"))
        self.assertEqual((proc.returncode, proc.stdout), (0, ""))
        self.assertTrue(stat.S_ISCHR(os.stat("/dev/null").st_mode))

    def test_bad_format(self):
        self.assertUsageError(kubeproof(*scan_args("kubeadm-control-plane", "--format", "yaml")),
                              "kubeproof: --format: yaml not in {text,json,junit,sarif,ocsf,asff}\nRun 'kubeproof run --help' for more information.\n")

    def test_bad_fail_on(self):
        self.assertUsageError(kubeproof(*scan_args("kubeadm-control-plane", "--fail-on", "always")),
                              "kubeproof: --fail-on: always not in {fail,warn,never}\nRun 'kubeproof run --help' for more information.\n")

    def test_fail_on_never(self):
        proc = kubeproof(*scan_args("kubeadm-control-plane", "--fail-on", "never"))
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("[FAIL] 1.2.15", proc.stdout)

    def test_fail_on_warn(self):
        proc = kubeproof(*scan_args("hardened-control-plane", "--fail-on", "warn"))
        self.assertEqual(proc.returncode, 1, proc.stderr)
        proc = kubeproof(*scan_args("hardened-control-plane", "--fail-on", "fail"))
        self.assertEqual(proc.returncode, 0, proc.stderr)

    def test_output_file(self):
        stdout = kubeproof_bytes(*scan_args("kubeadm-control-plane", "--format", "json")).stdout
        out = os.path.join(CFG.tmp, "cli-output", "report.json")
        os.makedirs(os.path.dirname(out))
        proc = kubeproof_bytes(*scan_args("kubeadm-control-plane", "--format", "json", "--output", out))
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.assertEqual(proc.stdout, b"", "stdout is empty with --output")
        self.assertEqual(proc.stderr, b"")
        with open(out, "rb") as f:
            self.assertEqual(f.read(), stdout, "--output writes the same bytes as stdout")
        self.assertEqual(dir_entries(os.path.dirname(out)), ["report.json"], "no temporary file left")

    def test_output_into_missing_directory(self):
        parent = os.path.join(CFG.tmp, "cli-missing")
        os.makedirs(parent)
        out = os.path.join(parent, "no-such-dir", "report.json")
        proc = kubeproof(*scan_args("kubeadm-control-plane", "--output", out))
        self.assertEqual(proc.returncode, 3)
        self.assertEqual(proc.stderr, f"kubeproof: cannot write the report: {out}: No such file or directory\n")
        self.assertEqual(proc.stdout, "")
        self.assertEqual(dir_entries(parent), [], "no file and no temporary file left")

    def test_version(self):
        """version: the version, the commit and build date the build recorded (never the wall clock:
        SOURCE_DATE_EPOCH, else the commit's date), and the digest every report carries."""
        proc = kubeproof("version")
        self.assertEqual((proc.returncode, proc.stderr), (0, ""))
        report, _ = scan_json(self, "kubeadm-control-plane")
        digest = report["tool"]["definitions_sha256"]
        m = re.fullmatch(r"kubeproof (\S+)\ncommit: ([0-9a-f]{40}|unknown)\nbuild date: (\S+)\n"
                         r"definitions sha256: ([0-9a-f]{64})\n", proc.stdout)
        self.assertIsNotNone(m, proc.stdout)
        self.assertEqual((m[1], m[4]), (VERSION, digest))
        self.assertTrue(m[3] == "unknown" or _RFC3339.fullmatch(m[3]), m[3])
        proc = kubeproof("version", "--format", "json")
        self.assertEqual(json.loads(proc.stdout), {"name": "kubeproof", "version": VERSION, "commit": m[2],
                                                   "build_date": m[3], "definitions_sha256": digest})
        proc = kubeproof("--version")
        self.assertEqual((proc.returncode, proc.stdout), (0, f"{VERSION}\n"))

    def test_list_benchmarks(self):
        proc = kubeproof("list", "benchmarks")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        ids = [line.split()[0] for line in proc.stdout.splitlines() if line.strip()]
        for bench in ("cis-1.9", "cis-1.10", "cis-1.11", "cis-1.12", "cis-2.0", "cis-2.1"):
            self.assertIn(bench, ids, proc.stdout)

    def test_list_checks(self):
        proc = kubeproof("list", "checks")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        lines = proc.stdout.splitlines()
        self.assertEqual(len(lines), 131)  # sections 1-4 (97) and 5 (34)
        self.assertTrue(lines[0].startswith("1.1.1 "), lines[0])

    def test_explain(self):
        proc = kubeproof("explain", "1.2.16")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertTrue(proc.stdout.startswith("1.2.16 Ensure that the --audit-log-path argument is set"))
        self.assertIn("--audit-log-path", proc.stdout)

    def test_explain_unknown_id(self):
        self.assertUsageError(kubeproof("explain", "9.9.9"), "kubeproof: unknown check id '9.9.9'\n")

    def test_validate_shipped_checks(self):
        proc = kubeproof("validate")
        self.assertEqual((proc.returncode, proc.stderr), (0, ""))
        proc = kubeproof("validate", "--checks-dir", os.path.join(CFG.source, "checks"))
        self.assertEqual((proc.returncode, proc.stderr), (0, ""))

    def test_text_has_no_colour(self):
        out = kubeproof(*scan_args("kubeadm-control-plane")).stdout
        self.assertNotIn("\x1b[", out)


# ---------------------------------------------------------------------------------------------
# 4. definition diagnostics, exact text

class BrokenChecks:
    """A copy of the shipped checks/ with edits made by content, remembering line numbers."""

    def __init__(self, name):
        self.dir = os.path.join(CFG.tmp, "broken", name)
        shutil.copytree(os.path.join(CFG.source, "checks"), self.dir)

    def path(self, rel):
        return os.path.join(self.dir, rel)

    def lines(self, rel):
        with open(self.path(rel), encoding="utf-8") as f:
            return f.read().split("\n")

    def find(self, rel, text, after=None):
        """0-based index of the first line containing `text` (after the first line containing `after`)."""
        lines = self.lines(rel)
        start = 0
        if after is not None:
            start = next(i for i, line in enumerate(lines) if after in line) + 1
        for i in range(start, len(lines)):
            if text in lines[i]:
                return i
        raise AssertionError(f"{rel}: no line with {text!r} after {after!r}: the shipped checks changed")

    def edit(self, rel, text, new_lines, after=None):
        """Replaces the line containing `text` by `new_lines` (a function of the old line);
        returns the 1-based number of the first new line."""
        lines = self.lines(rel)
        i = self.find(rel, text, after)
        lines[i:i + 1] = new_lines(lines[i])
        with open(self.path(rel), "w", encoding="utf-8") as f:
            f.write("\n".join(lines))
        return i + 1

    def line(self, rel, number):
        return self.lines(rel)[number - 1]


def indent_of(line):
    return len(line) - len(line.lstrip(" "))


def diagnostic(path, line, col, message, source_line):
    """The block kubeproof prints for one problem: location and message, the line, a caret."""
    return f"{path}:{line}:{col}: {message}\n    {source_line}\n    {' ' * (col - 1)}^\n"


class DefinitionDiagnostics(unittest.TestCase):
    """kubeproof validate --checks-dir over broken copies of checks/."""

    MASTER = "cis-1.12/master.yaml"
    NODE = "cis-1.12/node.yaml"
    CHECK = 'id: "1.2.17"'

    def assertDiagnostics(self, broken, blocks, count):
        proc = kubeproof("validate", "--checks-dir", broken.dir)
        self.assertEqual(proc.returncode, 2, proc.stderr)
        for block in blocks:
            self.assertIn(block, proc.stderr)
        self.assertTrue(proc.stderr.endswith(f"kubeproof: {count} {'problem' if count == 1 else 'problems'} in the check definitions\n"),
                        proc.stderr)
        located = re.findall(rf"^{re.escape(broken.dir)}/\S+:\d+:\d+: ", proc.stderr, re.M)
        self.assertEqual(len(located), count, proc.stderr)

    def id_line(self, broken, rel, check_id):
        number = broken.find(rel, f'- id: "{check_id}"') + 1
        line = broken.line(rel, number)
        return number, line.index("id:") + 1, line

    def test_unknown_key(self):
        b = BrokenChecks("unknown-key")
        n = b.edit(self.MASTER, "title: Ensure that the --audit-log-maxage", lambda old: [
            " " * indent_of(old) + "colour: red", old], after=self.CHECK)
        line = b.line(self.MASTER, n)
        self.assertDiagnostics(b, [diagnostic(b.path(self.MASTER), n, indent_of(line) + 1,
                                              "unknown key 'colour' in check", line)], 1)

    def test_unknown_operator(self):
        b = BrokenChecks("unknown-operator")
        n = b.edit(self.MASTER, "gte: 30", lambda old: [old.replace("gte:", "gte2:")], after=self.CHECK)
        line = b.line(self.MASTER, n)
        message = ("unknown operator 'gte2' (known: set, eq, noteq, gt, gte, lt, lte, has, nothave, regex, "
                   "subset_of, has_any)")
        self.assertDiagnostics(b, [diagnostic(b.path(self.MASTER), n, indent_of(line) + 1, message, line)], 1)

    def test_missing_title(self):
        b = BrokenChecks("missing-title")
        b.edit(self.MASTER, "title: ", lambda old: [], after=self.CHECK)
        n, col, line = self.id_line(b, self.MASTER, "1.2.17")
        self.assertDiagnostics(b, [diagnostic(b.path(self.MASTER), n, col,
                                              "check is missing required key 'title'", line)], 1)

    def test_duplicate_id(self):
        b = BrokenChecks("duplicate-id")
        first, _, _ = self.id_line(b, self.MASTER, "1.2.17")
        n = b.edit(self.MASTER, '- id: "1.2.18"', lambda old: [old.replace("1.2.18", "1.2.17")])
        line = b.line(self.MASTER, n)
        path = b.path(self.MASTER)
        message = f"duplicate check id '1.2.17' (first defined at {path}:{first})"
        self.assertDiagnostics(b, [diagnostic(path, n, line.index("id:") + 1, message, line)], 1)

    def test_invalid_regex(self):
        b = BrokenChecks("invalid-regex")
        n = b.edit(self.NODE, "regex:", lambda old: [" " * indent_of(old) + "regex: '('"], after='id: "4.3.1"')
        line = b.line(self.NODE, n)
        self.assertDiagnostics(b, [diagnostic(b.path(self.NODE), n, line.index("'(") + 1,
                                              "invalid regular expression '(': missing ): (", line)], 1)

    def test_invalid_yaml(self):
        b = BrokenChecks("invalid-yaml")
        n = b.edit(self.MASTER, "title: ", lambda old: [old + ": x"], after=self.CHECK)
        line = b.line(self.MASTER, n)
        self.assertDiagnostics(b, [diagnostic(b.path(self.MASTER), n, line.rindex(": x") + 1,
                                              "invalid YAML: illegal map value", line)], 1)

    def test_invalid_yaml_tab(self):
        b = BrokenChecks("invalid-yaml-tab")
        n = b.edit(self.MASTER, "cis: automated", lambda old: ["\t" + old.lstrip(" ")], after=self.CHECK)
        line = b.line(self.MASTER, n).replace("\t", "\\t")  # quoted lines are escaped: a tab shows as \t
        self.assertDiagnostics(b, [diagnostic(b.path(self.MASTER), n, 1,
                                              "invalid YAML: illegal tab when looking for indentation", line)], 1)

    def test_unknown_component(self):
        b = BrokenChecks("unknown-component")
        b.edit(self.MASTER, "components: [apiserver]", lambda old: [old.replace("apiserver", "apiservr")],
               after=self.CHECK)
        n, col, line = self.id_line(b, self.MASTER, "1.2.17")
        self.assertDiagnostics(b, [diagnostic(b.path(self.MASTER), n, col,
                                              "check '1.2.17' names unknown component 'apiservr'", line)], 1)

    def test_unknown_file_role(self):
        b = BrokenChecks("unknown-file-role")
        n = b.edit(self.NODE, "file: kubelet.kubeconfig", lambda old: [old.replace("kubeconfig", "nope")],
                   after='id: "4.1.5"')
        line = b.line(self.NODE, n)
        self.assertDiagnostics(b, [diagnostic(b.path(self.NODE), n, indent_of(line) + 1,
                                              "component 'kubelet' has no file role 'nope'", line)], 1)

    def two_problems(self, name):
        b = BrokenChecks(name)
        n1 = b.edit(self.MASTER, "title: Ensure that the --audit-log-maxage", lambda old: [
            old, " " * indent_of(old) + "bogus: 1"], after=self.CHECK) + 1
        n2 = b.edit(self.NODE, "file: kubelet.kubeconfig", lambda old: [old.replace("kubeconfig", "nope")],
                    after='id: "4.1.5"')
        l1, l2 = b.line(self.MASTER, n1), b.line(self.NODE, n2)
        blocks = [diagnostic(b.path(self.MASTER), n1, indent_of(l1) + 1, "unknown key 'bogus' in check", l1),
                  diagnostic(b.path(self.NODE), n2, indent_of(l2) + 1, "component 'kubelet' has no file role 'nope'",
                             l2)]
        return b, blocks

    def test_two_problems_in_two_files(self):
        b, blocks = self.two_problems("two-problems")
        self.assertDiagnostics(b, blocks, 2)

    def test_run_with_broken_checks(self):
        b, blocks = self.two_problems("two-problems-run")
        out = os.path.join(CFG.tmp, "broken-run", "report.json")
        os.makedirs(os.path.dirname(out))
        proc = kubeproof(*scan_args("kubeadm-control-plane", "--checks-dir", b.dir, "--output", out))
        self.assertEqual(proc.returncode, 2, proc.stderr)
        for block in blocks:
            self.assertIn(block, proc.stderr)
        self.assertEqual(proc.stdout, "")
        self.assertEqual(dir_entries(os.path.dirname(out)), [], "no report written")

    def test_a_checks_dir_mounted_from_a_configmap(self):
        # How the kubelet mounts a ConfigMap whose items have paths: the files in a timestamped
        # folder, "..data" linking to it, and each top-level entry a link through "..data". Before,
        # links to folders were not followed and a linked file was named by its target.
        mount = os.path.join(CFG.tmp, "checks-configmap")
        shutil.rmtree(mount, ignore_errors=True)
        stamp = "..2026_12_07_21_30_00.123456789"
        shutil.copytree(os.path.join(CFG.source, "checks"), os.path.join(mount, stamp))
        os.symlink(stamp, os.path.join(mount, "..data"))
        for name in os.listdir(os.path.join(mount, stamp)):
            os.symlink(os.path.join("..data", name), os.path.join(mount, name))
        proc = kubeproof("validate", "--checks-dir", mount)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        mounted, _ = scan_json(self, "kubeadm-control-plane", "--checks-dir", mount)
        embedded, _ = scan_json(self, "kubeadm-control-plane")
        self.assertEqual({i: r["status"] for i, r in by_id(mounted).items()},
                         {i: r["status"] for i, r in by_id(embedded).items()})
        self.assertGreater(len(mounted["results"]), 50)
        # A FIFO or a device named *.yaml in it is named, never skipped (and a FIFO never blocks).
        fifo = os.path.join(mount, stamp, "cis-1.12", "extra.yaml")
        os.mkfifo(fifo)
        proc = kubeproof("validate", "--checks-dir", mount, timeout=10)
        self.assertEqual(proc.returncode, 2)
        self.assertIn(f"{mount}/cis-1.12/extra.yaml: a FIFO, not a regular file", proc.stderr)
        os.unlink(fifo)
        os.symlink("/dev/zero", fifo)
        proc = kubeproof("validate", "--checks-dir", mount, timeout=10)
        self.assertEqual(proc.returncode, 2)
        self.assertIn(f"{mount}/cis-1.12/extra.yaml: a device, not a regular file", proc.stderr)

    def test_missing_checks_dir(self):
        missing = os.path.join(CFG.tmp, "no-such-checks")
        proc = kubeproof("validate", "--checks-dir", missing)
        self.assertEqual(proc.returncode, 2)
        self.assertEqual(proc.stderr, f"{missing}: cannot read the checks directory: No such file or directory\n"
                                      "kubeproof: 1 problem in the check definitions\n")


# ---------------------------------------------------------------------------------------------
# 5. real processes

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def argv0_base(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            first = f.read().split(b"\0")[0].decode(errors="replace")
    except OSError:
        return ""
    return os.path.basename(first)


def processes_named(names):
    return sorted(int(p) for p in os.listdir("/proc") if p.isdigit() and argv0_base(p) in names)


class PidNamespace:
    """A PID and mount namespace of the test's own (`unshare --pid --fork --mount-proc`, started
    here, not by kubeproof), whose /proc shows only the processes started in it: another
    kube-apiserver on the machine, or a concurrent run of the suite, cannot be seen there. Programs
    are started in it with nsenter; its init is `sleep infinity`, and with --kill-child every
    process in it ends when the unshare process is killed."""

    def __init__(self):
        self.holder = subprocess.Popen(["unshare", "--pid", "--fork", "--mount-proc", "--kill-child",
                                        "sleep", "infinity"], stdin=subprocess.DEVNULL)
        self.init = self.child_of(self.holder.pid, shutil.which("sleep"))

    def enter(self):
        """The command prefix that runs a program inside the namespace, its /proc mounted at /proc."""
        return [shutil.which("nsenter"), "--target", str(self.init), "--pid", "--mount", "--"]

    @staticmethod
    def child_of(parent, executable, timeout=10):
        """The host pid of `parent`'s child once it runs `executable` (after its exec)."""
        want = os.path.realpath(executable)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with open(f"/proc/{parent}/task/{parent}/children") as f:
                    children = [int(c) for c in f.read().split()]
                for child in children:
                    if os.path.realpath(f"/proc/{child}/exe") == want:
                        return child
            except OSError:
                pass
            time.sleep(0.01)
        raise RuntimeError(f"pid {parent} did not start {executable}")

    @staticmethod
    def inner_pid(host_pid):
        """The pid a process has in the namespace (the last NSpid of its status)."""
        with open(f"/proc/{host_pid}/status") as f:
            return int(next(line for line in f if line.startswith("NSpid:")).split()[-1])

    def close(self):
        self.holder.kill()
        self.holder.wait()


class RealProcesses(unittest.TestCase):
    """Scans of the kubeadm root and real control plane processes, all in a PID namespace of their
    own, kubeproof with --proc at that namespace's /proc."""

    @classmethod
    def setUpClass(cls):
        cls.lock = open(PROCESS_LOCK, "w")
        fcntl.flock(cls.lock, fcntl.LOCK_EX)  # the processes are the etcd ports' and bin/'s users
        cls.procs = {}
        cls.pids = {}  # name -> (host pid, pid in the namespace)
        cls.ns = PidNamespace()
        cls.bin = os.path.join(CFG.tmp, "bin")
        os.makedirs(cls.bin, exist_ok=True)
        with open(os.path.join(CFG.source, "examples", "nodes", "kubeadm-control-plane", "node.json")) as f:
            spec = json.load(f)
        cls.argv = {p["argv"][0]: p["argv"] for p in spec["processes"]
                    if p["argv"] and p["argv"][0] in CONTROL_PLANE_PROCESSES}
        try:
            for name in CONTROL_PLANE_PROCESSES:
                shutil.copy(CFG.sleeper, os.path.join(cls.bin, name))
                cls.start(name, cls.argv[name])
            cls.etcd_log = os.path.join(CFG.tmp, "etcd.log")
            if os.path.exists("/usr/bin/etcd"):
                cls.start_etcd()
        except BaseException:
            cls.stop_all()
            cls.ns.close()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.stop_all()
        cls.ns.close()
        fcntl.flock(cls.lock, fcntl.LOCK_UN)
        cls.lock.close()

    @classmethod
    def start(cls, name, argv, executable=None, **kwargs):
        """Starts `argv` in the namespace (argv[0] becomes the executable's path: discovery goes by
        its base name) and waits until it runs."""
        env = {"PATH": "/usr/bin:/bin"}
        executable = executable or os.path.join(cls.bin, name)
        cls.procs[name] = subprocess.Popen([*cls.ns.enter(), executable, *argv[1:]], env=env,
                                           stdin=subprocess.DEVNULL, **kwargs)
        host_pid = PidNamespace.child_of(cls.procs[name].pid, executable)
        cls.pids[name] = (host_pid, PidNamespace.inner_pid(host_pid))

    @classmethod
    def stop(cls, name):
        proc = cls.procs.pop(name, None)
        host_pid, _ = cls.pids.pop(name, (None, None))
        if proc is None:
            return
        if proc.poll() is None:  # nsenter waits for the process; the signal goes to the process
            os.kill(host_pid, signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.kill(host_pid, signal.SIGKILL)
                proc.wait()

    @classmethod
    def stop_all(cls):
        for name in list(cls.procs):
            cls.stop(name)

    @classmethod
    def start_etcd(cls):
        client, peer = free_port(), free_port()
        data = os.path.join(CFG.tmp, "etcd-data")
        argv = ["etcd", "--name", "e2e", "--data-dir", data,
                f"--listen-client-urls=http://127.0.0.1:{client}",
                f"--advertise-client-urls=http://127.0.0.1:{client}",
                f"--listen-peer-urls=http://127.0.0.1:{peer}",
                f"--initial-advertise-peer-urls=http://127.0.0.1:{peer}",
                f"--initial-cluster=e2e=http://127.0.0.1:{peer}",
                "--client-cert-auth=false", "--auto-tls=false", "--peer-auto-tls=false"]
        log = open(cls.etcd_log, "wb")
        cls.start("etcd", argv, executable="/usr/bin/etcd", stdout=log, stderr=subprocess.STDOUT)
        log.close()
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if cls.procs["etcd"].poll() is not None:
                break
            try:
                with socket.create_connection(("127.0.0.1", client), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.1)
        cls.stop("etcd")
        raise RuntimeError("etcd did not start:\n" + open(cls.etcd_log, errors="replace").read()[-3000:])

    def scan(self, *extra):
        # kubeproof runs in the namespace too: its /proc is the namespace's.
        args = ["run", "--root", node_root("kubeadm-control-plane"), "--proc", "/proc", "--format", "json",
                "--targets", "master,etcd", *extra]
        proc = subprocess.run([*self.ns.enter(), CFG.binary, *args], capture_output=True, text=True,
                              env=base_env(), cwd=CFG.tmp, timeout=30)
        validate_run_output(args, proc, cwd=CFG.tmp)
        self.assertIn(proc.returncode, (0, 1), proc.stderr)
        return by_id(json.loads(proc.stdout))

    def others(self, name):
        ours = self.pids[name][0]
        return [p for p in processes_named([name]) if p != ours]

    def test_in_a_pid_namespace_of_its_own(self):
        # Only the namespace's init, the test's processes and kubeproof itself are in its /proc.
        listing = subprocess.run([*self.ns.enter(), "/bin/ls", "/proc"], capture_output=True, text=True, timeout=10)
        pids = sorted(int(p) for p in listing.stdout.split() if p.isdigit())
        self.assertEqual(pids[0], 1)
        self.assertLessEqual(len(pids), len(self.procs) + 2, listing.stdout)
        self.assertIn(self.pids["kube-apiserver"][1], pids)

    def assertFromPid(self, result, name):
        pid = self.pids[name][1]
        refs = [e["ref"] for e in result["evidence"]]
        self.assertIn(f"{name} pid {pid}", refs,
                      f"{result['id']}: evidence {refs}; other {name} processes on this host: {self.others(name)}")

    def test_apiserver_profiling_default(self):
        results = self.scan()
        self.assertEqual(results["1.2.15"]["status"], "FAIL")
        self.assertFromPid(results["1.2.15"], "kube-apiserver")
        self.assertFromPid(results["1.3.2"], "kube-controller-manager")
        self.assertFromPid(results["1.4.2"], "kube-scheduler")
        self.assertEqual(results["1.2.7"]["status"], "PASS", "flags come from the real argv")

    def test_apiserver_restarted_with_profiling_false(self):
        self.stop("kube-apiserver")
        self.start("kube-apiserver", self.argv["kube-apiserver"] + ["--profiling=false"])
        pid = self.pids["kube-apiserver"][1]
        try:
            results = self.scan()
            r = results["1.2.15"]
            self.assertEqual(r["status"], "PASS", r["actual"])
            self.assertFromPid(r, "kube-apiserver")
        finally:
            self.stop("kube-apiserver")
            self.start("kube-apiserver", self.argv["kube-apiserver"])
        self.assertIn({"source": "process", "ref": f"kube-apiserver pid {pid}", "value": "--profiling=false"},
                      r["evidence"])

    @unittest.skipUnless(os.path.exists("/usr/bin/etcd"), "no /usr/bin/etcd (Debian etcd-server)")
    def test_real_etcd(self):
        self.assertIn("etcd", self.procs, "etcd was started")
        results = self.scan()
        r = results["2.2"]
        self.assertEqual(r["status"], "FAIL", r["actual"])
        self.assertFromPid(r, "etcd")
        pid = self.pids["etcd"][1]
        self.assertIn({"source": "process", "ref": f"etcd pid {pid}", "value": "--client-cert-auth=false"},
                      r["evidence"])
        self.assertEqual(results["2.3"]["status"], "PASS")
        self.assertFromPid(results["2.3"], "etcd")


    @unittest.skipUnless(os.path.exists("/usr/bin/etcd"), "no /usr/bin/etcd (Debian etcd-server)")
    def test_real_etcd_with_a_config_file(self):
        # Given --config-file, etcd reads only that file ("Other configuration command line flags
        # and environment variables will be ignored"): the flags after it must not be evidence.
        client, peer = free_port(), free_port()
        config = os.path.join(CFG.tmp, "etcd-config", "etcd.conf.yml")  # the same path on the host and in the root
        text = (f"name: e2e-config\ndata-dir: {os.path.join(CFG.tmp, 'etcd-config-data')}\n"
                f"listen-client-urls: https://127.0.0.1:{client}\nadvertise-client-urls: https://127.0.0.1:{client}\n"
                f"listen-peer-urls: http://127.0.0.1:{peer}\ninitial-advertise-peer-urls: http://127.0.0.1:{peer}\n"
                f"initial-cluster: e2e-config=http://127.0.0.1:{peer}\n"
                "client-transport-security:\n  auto-tls: true\n")
        for path in (config, node_root("kubeadm-control-plane") + config):
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
        self.stop("etcd")
        log = open(self.etcd_log, "wb")
        self.start("etcd", ["etcd", "--config-file", config, "--auto-tls=false", "--client-cert-auth=true"],
                   executable="/usr/bin/etcd", stdout=log, stderr=subprocess.STDOUT)
        log.close()
        try:
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline and self.procs["etcd"].poll() is None:
                try:
                    socket.create_connection(("127.0.0.1", client), timeout=0.2).close()
                    break
                except OSError:
                    time.sleep(0.1)
            self.assertIsNone(self.procs["etcd"].poll(), open(self.etcd_log, errors="replace").read()[-2000:])
            results = self.scan()
        finally:
            self.stop("etcd")
            self.start_etcd()
        self.assertEqual(results["2.3"]["status"], "FAIL", results["2.3"]["actual"])
        self.assertIn(f"{config}:", "".join(e["ref"] for e in results["2.3"]["evidence"]))
        self.assertEqual(results["2.2"]["status"], "FAIL", "client-cert-auth is absent from the file: etcd's default, false")
        self.assertNotIn("--client-cert-auth=true", json.dumps(results["2.2"]["evidence"]))


class HardeningInputs(unittest.TestCase):
    """Inputs that must be refused with a message naming what is wrong, not followed or read
    without bound: endless standard input, a YAML document too large to read, a fake proc tree
    whose symlinks lead out of it; and an API server reached without TLS verification, which the
    report must say."""

    def test_endless_stdin_is_refused_at_the_cap(self):
        # `yes | kubeproof run --manifests -` used to grow without bound; now it stops at the cap
        # local files have (the subprocess timeout is the bound: no timed assertion).
        yes = subprocess.Popen(["yes", "apiVersion: v1"], stdout=subprocess.PIPE)
        try:
            proc = subprocess.run([CFG.binary, "run", "--manifests", "-", "--format", "json"], stdin=yes.stdout,
                                  capture_output=True, text=True, env=base_env(), cwd=CFG.tmp, timeout=60)
        finally:
            yes.kill()
            yes.wait()
            yes.stdout.close()
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertEqual(proc.stdout, "")
        self.assertIn("<stdin>: standard input: larger than 256 MiB, the most kubeproof reads of it", proc.stderr)

    def test_stdin_below_the_cap_is_read(self):
        pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: shop}\nspec: {containers: [{name: c, image: i}]}\n"
        proc = subprocess.run([CFG.binary, "run", "--manifests", "-", "--format", "json"], input=pod,
                              capture_output=True, text=True, env=base_env(), cwd=CFG.tmp, timeout=60)
        self.assertIn(proc.returncode, (0, 1), proc.stderr)
        self.assertEqual(json.loads(proc.stdout)["scan"]["targets"], ["policies"])

    def test_a_large_document_says_it_is_too_large_not_that_it_has_aliases(self):
        path = os.path.join(CFG.tmp, "hardening-big-list.yaml")
        with open(path, "w", encoding="utf-8") as f:
            f.write("apiVersion: v1\nkind: List\nitems:\n")
            f.write("- 1\n" * 1_000_001)  # a value more than one document may hold, no alias in sight
        size = os.path.getsize(path)
        proc = kubeproof("run", "--manifests", path, "--format", "json", timeout=60)
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertIn(f"{path}:1:1: the document is too large: {size / 2**20:.1f} MiB of YAML holding more than "
                      "1000000 values, the most kubeproof reads of one document; it is not read", proc.stderr)
        self.assertNotIn("alias", proc.stderr)

    def test_a_proc_symlink_out_of_the_proc_dir_is_refused(self):
        # A fake proc tree whose apiserver entries are symlinks to files outside it: before, the
        # cmdline was read through the link and 1.2.16 (--audit-log-path) passed from it.
        base = os.path.join(CFG.tmp, "hardening-proc")
        proc_dir, outside = os.path.join(base, "proc"), os.path.join(base, "outside")
        os.makedirs(os.path.join(outside, "1"), exist_ok=True)
        os.makedirs(os.path.join(proc_dir, "4624"), exist_ok=True)
        argv = b"kube-apiserver\0--audit-log-path=/var/log/kubernetes/audit.log\0--profiling=false\0"
        for name in ("cmdline", "1/cmdline"):
            with open(os.path.join(outside, name), "wb") as f:
                f.write(argv)
        with open(os.path.join(outside, "1", "comm"), "w") as f:
            f.write("kube-apiserver\n")
        links = {os.path.join(proc_dir, "4624", "cmdline"): os.path.join(outside, "cmdline"),  # a file
                 os.path.join(proc_dir, "4625"): os.path.join(outside, "1")}  # an intermediate directory
        for link, target in links.items():
            if not os.path.islink(link):
                os.symlink(target, link)
        proc = kubeproof("run", "--root", node_root("kubeadm-control-plane"), "--proc", proc_dir,
                         "--benchmark", "cis-1.12", "--targets", "master", "--format", "json")
        self.assertIn(proc.returncode, (0, 1), proc.stderr)
        results = by_id(json.loads(proc.stdout))
        self.assertNotEqual(results["1.2.16"]["status"], "PASS", results["1.2.16"])
        refs = json.dumps([r["evidence"] for r in results.values()])
        self.assertNotIn("pid 4624", refs)
        self.assertNotIn("pid 4625", refs)
        self.assertIn(f"warning: process 4624 ignored: {proc_dir}/4624/cmdline: symbolic link to {outside}/cmdline "
                      "leads out of the directory", proc.stderr)
        self.assertIn(f"warning: process 4625 ignored: {proc_dir}/4625/cmdline: symbolic link to {outside}/1 "
                      "leads out of the directory", proc.stderr)

    def test_insecure_tls_is_recorded_in_the_report(self):
        if shutil.which("openssl") is None:
            self.skipTest("openssl is missing: the fake API server cannot make its certificates")
        objects = os.path.join(CFG.tmp, "hardening-api-objects")
        os.makedirs(objects, exist_ok=True)
        server = FakeApiServer(objects)
        try:
            verified = server.kubeconfig(os.path.join(CFG.tmp, "hardening-verified.json"))
            with open(verified, encoding="utf-8") as f:
                config = json.load(f)
            cluster = config["clusters"][0]["cluster"]
            del cluster["certificate-authority"]
            cluster["insecure-skip-tls-verify"] = True
            insecure = os.path.join(CFG.tmp, "hardening-insecure.json")
            with open(insecure, "w", encoding="utf-8") as f:
                json.dump(config, f)
            runs = {}
            for name, kubeconfig in (("verified", verified), ("insecure", insecure)):
                out = os.path.join(CFG.tmp, f"hardening-{name}-report.json")
                proc = kubeproof("run", "--benchmark", "cis-1.12", "--targets", "policies", "--kubeconfig", kubeconfig,
                                 "--format", "json", "--output", out)
                self.assertIn(proc.returncode, (0, 1), proc.stderr)
                with open(out, encoding="utf-8") as f:
                    runs[name] = json.load(f)
            text = kubeproof("run", "--benchmark", "cis-1.12", "--targets", "policies", "--kubeconfig", insecure)
        finally:
            server.stop()
        self.assertNotIn("insecure_tls", runs["verified"]["scan"])
        self.assertIs(runs["insecure"]["scan"]["insecure_tls"], True)
        self.assertIn("[WARNING] insecure TLS: the API server's certificate was not verified (insecure-skip-tls-verify)\n",
                      text.stdout.split("\n\n")[0] + "\n")
        # The report reader keeps it: a merge of the insecure report says so too.
        merged = os.path.join(CFG.tmp, "hardening-merged.json")
        proc = kubeproof("merge", os.path.join(CFG.tmp, "hardening-insecure-report.json"), "--output", merged)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        with open(merged, encoding="utf-8") as f:
            self.assertIs(json.load(f)["scan"]["insecure_tls"], True)


# ---------------------------------------------------------------------------------------------
# 6. atomic output

class Frameworks(unittest.TestCase):
    """SOC 2 / PCI DSS / ISO 27001 tags, --framework, list and explain (issue: frameworks as data)."""

    def full_scan(self):
        report, _ = scan_json(self, "kubeadm-control-plane", expect_rc=1)
        return by_id(report)

    def test_every_result_has_soc2_and_pci_tags(self):
        listed = kubeproof("list", "controls", "--framework", "soc2").stdout + kubeproof("list", "controls", "--framework", "pci-dss").stdout
        for r in self.full_scan().values():
            for fw in ("soc2", "pci-dss"):
                self.assertTrue(r["controls"].get(fw), f"{r['id']} has no {fw} tag")
                for criterion in r["controls"][fw]:
                    self.assertIn(f"\n{criterion} ", "\n" + listed, f"{r['id']}: {fw} {criterion} is not in the catalogue")

    def test_the_mappings_an_auditor_expects(self):
        results = self.full_scan()
        for cid in ("1.2.16", "1.2.17", "1.2.18", "1.2.19"):
            self.assertIn("CC7.2", results[cid]["controls"]["soc2"], cid)
            pci = results[cid]["controls"]["pci-dss"]
            self.assertTrue(any(c.startswith("10.2") or c == "10.5.1" for c in pci), f"{cid}: {pci}")
        self.assertIn("10.5.1", results["1.2.17"]["controls"]["pci-dss"])
        for cid in ("1.2.6", "1.2.7", "1.2.8", "4.2.2"):
            self.assertTrue({"CC6.1", "CC6.3"} <= set(results[cid]["controls"]["soc2"]), cid)
            self.assertTrue(any(c.startswith("7.2") for c in results[cid]["controls"]["pci-dss"]), cid)
        for cid in ("1.2.24", "1.2.29", "2.1", "2.4", "4.2.12"):
            self.assertIn("CC6.7", results[cid]["controls"]["soc2"], cid)
            self.assertTrue({"2.2.7", "4.2.1"} & set(results[cid]["controls"]["pci-dss"]), cid)

    def test_framework_filter_and_summary(self):
        report, _ = scan_json(self, "kubeadm-control-plane", "--framework", "soc2", expect_rc=1)
        self.assertEqual(list(report["frameworks"]), ["soc2"])
        cc72 = report["frameworks"]["soc2"]["CC7.2"]
        self.assertTrue(cc72["title"])
        self.assertTrue({"1.2.16", "1.2.17", "1.2.18", "1.2.19"} <= set(cc72["checks"]))
        self.assertGreaterEqual(cc72["FAIL"], 4)
        self.assertEqual(sum(cc72[s] for s in STATUSES), len(cc72["checks"]))
        self.assertTrue(all(r["controls"].get("soc2") for r in report["results"]))

    def test_text_tags_and_table(self):
        proc = kubeproof(*scan_args("kubeadm-control-plane", "--framework", "pci-dss"))
        self.assertEqual(proc.returncode, 1)
        self.assertRegex(proc.stdout, r"\[FAIL\] 1\.2\.16 .*\(Automated\)  \[[^]]*10\.2\.1")
        self.assertIn("== Framework pci-dss", proc.stdout)

    def test_junit_properties(self):
        proc = kubeproof(*scan_args("kubeadm-control-plane", "--format", "junit"))
        self.assertIn('<property name="soc2" value="CC7.2"/>', proc.stdout)

    def test_unknown_framework_is_a_usage_error(self):
        proc = kubeproof(*scan_args("kubeadm-control-plane", "--framework", "sox"))
        self.assertEqual((proc.returncode, proc.stdout), (2, ""))
        self.assertEqual(proc.stderr, "kubeproof: unknown framework 'sox' (known: iso-27001, pci-dss, soc2)\n")

    def test_list_frameworks_and_controls(self):
        frameworks = kubeproof("list", "frameworks")
        self.assertEqual(frameworks.returncode, 0)
        self.assertEqual([line.split()[0] for line in frameworks.stdout.splitlines()], ["iso-27001", "pci-dss", "soc2"])
        controls = kubeproof("list", "controls", "--framework", "soc2")
        self.assertEqual(controls.returncode, 0)
        self.assertIn("No check supports these", controls.stdout)
        gaps = controls.stdout.split("No check supports these", 1)[1]
        self.assertIn("CC1.1", gaps)
        self.assertRegex(controls.stdout.split("No check supports these")[0], r"CC7\.2 .*\n\s+checks: .*cis-1\.12:1\.2\.16")
        self.assertEqual(kubeproof("list", "controls").returncode, 2)

    def test_explain_shows_tags_with_rationale(self):
        proc = kubeproof("explain", "1.2.16")
        self.assertEqual(proc.returncode, 0)
        self.assertRegex(proc.stdout, r"soc2 CC7\.2 .*\n\s+\S.*\(.+\)")
        self.assertRegex(proc.stdout, r"pci-dss 10\.2")

    def test_a_dropped_in_framework_works_without_code(self):
        root = os.path.join(CFG.tmp, "with-hipaa")
        shutil.copytree(os.path.join(CFG.source, "checks"), root)
        os.makedirs(os.path.join(root, "frameworks"))
        shutil.copy(os.path.join(CFG.source, "tests", "fixtures", "frameworks", "hipaa.yaml"), os.path.join(root, "frameworks"))
        listed = kubeproof("list", "frameworks", "--checks-dir", root)
        self.assertEqual([line.split()[0] for line in listed.stdout.splitlines()], ["hipaa", "iso-27001", "pci-dss", "soc2"])
        report, _ = scan_json(self, "kubeadm-control-plane", "--checks-dir", root, "--framework", "hipaa", expect_rc=1)
        self.assertTrue(report["results"])
        self.assertTrue(all(r["controls"].get("hipaa") for r in report["results"]))
        self.assertEqual(list(report["frameworks"]), ["hipaa"])
        self.assertTrue(all(r["controls"].get("soc2") for r in report["results"]), "embedded frameworks still apply")


PEERS = None  # set in main(): ../shared/reference/peer-fixtures


def peer(*parts):
    return os.path.join(PEERS, *parts)


def manifest_scan(testcase, *paths, extra=(), expect_rc=None):
    args = ["run", "--format", "json", *extra]
    for path in paths:
        args += ["--manifests", path]
    proc = kubeproof(*args)
    if expect_rc is not None:
        testcase.assertEqual(proc.returncode, expect_rc, proc.stderr)
    return by_id(json.loads(proc.stdout)), proc


CAPS_POD = """apiVersion: v1
kind: Pod
metadata: {name: caps, namespace: shop}
spec:
  containers:
    - name: app
      image: registry.example/app:1.0
      securityContext:
        procMount: Unmasked
        capabilities: {add: [SYS_ADMIN]}
"""

EVERY_TARGET = ("--targets", "master,etcd,controlplane,node,policies")
GENERIC_CIS = ("cis-1.9", "cis-1.10", "cis-1.11", "cis-1.12", "cis-2.0", "cis-2.1")
# The keys whose test a CIS version changes (a threshold: file modes, cipher allow-lists); every other
# key must give the same verdict on the same input whichever benchmark runs it.
THRESHOLD_KEYS = {"pki.cert.mode", "kubelet.client-ca.mode", "apiserver.tls-cipher-suites",
                  "kubelet.tls-cipher-suites"}


def verdict(result):
    """PASS, NA, ERROR, SKIP, or 'finding' for FAIL and WARN: a benchmark that labels a check Manual
    turns the same failed test into WARN."""
    return "finding" if result["status"] in ("FAIL", "WARN") else result["status"]


def caps_pod():
    path = os.path.join(CFG.tmp, "catalogue-caps-pod.yaml")
    with open(path, "w") as f:
        f.write(CAPS_POD)
    return path


class BenchmarkCatalogue(unittest.TestCase):
    """Every CIS version over the same nodes and objects: one check logic per key, so the same verdict
    for the same key unless the benchmark changes its threshold."""

    def scan_by_key(self, bench, node, *extra):
        report, _ = scan_json(self, node, "--benchmark", bench, *EVERY_TARGET, *extra)
        self.assertEqual(report["scan"]["benchmark"], bench)
        self.assertTrue(all(r["benchmark"] == bench for r in report["results"]))
        keyed = {}
        for r in report["results"]:
            self.assertNotIn(r["key"], keyed, f"{bench}: key {r['key']} twice")
            keyed[r["key"]] = r
        return keyed

    def test_same_key_same_verdict_across_versions(self):
        pod = caps_pod()
        for node in ("kubeadm-control-plane", "hardened-control-plane", "worker-json-config"):
            scans = {b: self.scan_by_key(b, node, "--manifests", pod) for b in GENERIC_CIS}
            for a in GENERIC_CIS:
                for b in GENERIC_CIS:
                    for key in scans[a].keys() & scans[b].keys() - THRESHOLD_KEYS:
                        self.assertEqual(verdict(scans[a][key]), verdict(scans[b][key]),
                                         f"{node}: {key} is {scans[a][key]['status']} in {a} "
                                         f"but {scans[b][key]['status']} in {b}")

    def test_thresholds_and_numbering_differ_where_the_versions_do(self):
        pod = caps_pod()
        v110 = self.scan_by_key("cis-1.10", "kubeadm-control-plane", "--manifests", pod)
        v111 = self.scan_by_key("cis-1.11", "kubeadm-control-plane", "--manifests", pod)
        v112 = self.scan_by_key("cis-1.12", "kubeadm-control-plane", "--manifests", pod)
        v21 = self.scan_by_key("cis-2.1", "kubeadm-control-plane", "--manifests", pod)
        # kubeadm writes certificates 644: compliant with 1.11 and later, not with 600 in 1.10.
        self.assertEqual((v110["pki.cert.mode"]["id"], v110["pki.cert.mode"]["status"]), ("1.1.20", "WARN"))
        self.assertEqual((v111["pki.cert.mode"]["id"], v111["pki.cert.mode"]["status"]), ("1.1.20", "PASS"))
        self.assertEqual(v110["kubelet.client-ca.mode"]["status"], "WARN")
        self.assertEqual(v112["kubelet.client-ca.mode"]["status"], "PASS")
        # Added capabilities: its own item until 1.11; 1.12 keeps only capabilities assigned.
        self.assertEqual((v111["pods.capabilities-added"]["id"], v111["pods.capabilities-added"]["status"]),
                         ("5.2.9", "WARN"))
        self.assertNotIn("pods.capabilities-added", v112)
        self.assertEqual(v111["pods.capabilities-assigned"]["id"], "5.2.10")
        self.assertEqual(v112["pods.capabilities-assigned"]["id"], "5.2.9")
        self.assertEqual(v110["namespaces.default-usage"]["id"], "5.7.4")
        self.assertEqual(v112["namespaces.default-usage"]["id"], "5.6.4")
        self.assertTrue(v110["rbac.cluster-admin-bindings"]["automated"])
        self.assertFalse(v112["rbac.cluster-admin-bindings"]["automated"])
        self.assertNotIn("apiserver.service-account-extend-token-expiration", v110)
        self.assertEqual(v111["apiserver.service-account-extend-token-expiration"]["id"], "1.2.30")
        # 2.1: unmasked /proc, anonymous requests restricted, kubelet drop-ins (none on kubeadm: NA).
        self.assertEqual((v21["pods.proc-mount"]["id"], v21["pods.proc-mount"]["status"]), ("5.2.13", "WARN"))
        self.assertEqual(v21["apiserver.anonymous-restricted"]["id"], "1.2.1")
        self.assertNotIn("apiserver.anonymous-auth", v21)
        self.assertEqual((v21["kubelet.config-dir"]["id"], v21["kubelet.config-dir"]["status"]), ("4.1.11", "NA"))
        self.assertEqual(v21["rbac.kubelet-fine-grained"]["status"], "WARN")

    def test_goldens_of_every_cis_version(self):
        """kubeadm-control-plane.<benchmark>.json for each CIS version other than 1.12 (whose goldens
        are the node's own): node targets, as a scan on the node runs them."""
        for bench in GENERIC_CIS:
            if bench == "cis-1.12":
                continue
            proc = kubeproof(*scan_args("kubeadm-control-plane", "--format", "json", "--benchmark", bench))
            self.assertIn(proc.returncode, (0, 1), proc.stderr)
            # The node runs 1.32: a benchmark written for other minors says so, loudly.
            if bench in ("cis-1.11",):
                self.assertEqual(proc.stderr, "")
            else:
                self.assertIn("warning", proc.stderr)
                self.assertIn("1.32", proc.stderr)
            check_golden_text(self, f"kubeadm-control-plane.{bench}.json", normalise(proc.stdout))

    def test_every_benchmark_is_mapped_to_soc2_and_pci_dss(self):
        proc = kubeproof("list", "benchmarks")
        ids = [line.split()[0] for line in proc.stdout.splitlines() if line.strip()]
        self.assertGreaterEqual(len(ids), len(GENERIC_CIS))
        pod = caps_pod()
        for bench in ids:
            listed = kubeproof("list", "checks", "--benchmark", bench)
            self.assertEqual(listed.returncode, 0, listed.stderr)
            targets = sorted({line.split()[1] for line in listed.stdout.splitlines()})
            report, _ = scan_json(self, "no-kubernetes", "--benchmark", bench, "--targets", ",".join(targets),
                                  "--manifests", pod)
            self.assertEqual(len(report["results"]), len(listed.stdout.splitlines()), bench)
            for r in report["results"]:
                for fw in ("soc2", "pci-dss"):
                    self.assertTrue(r["controls"].get(fw), f"{bench} {r['id']} ({r['key']}) has no {fw} criteria")


class ManifestPolicies(unittest.TestCase):
    """CIS section 5 over manifest files, as a CI pre-merge gate runs it (real third-party manifests)."""

    def test_only_the_policies_section_runs(self):
        results, _ = manifest_scan(self, peer("FairwindsOps-polaris", "test", "checks", "hostPIDSet", "success.yaml"), expect_rc=0)
        self.assertTrue(all(cid.startswith("5.") for cid in results))
        self.assertEqual(len(results), 34)

    def test_kubernetes_goat_system_monitor(self):
        path = peer("madhuakula-kubernetes-goat", "scenarios", "system-monitor", "deployment.yaml")
        results, _ = manifest_scan(self, path, expect_rc=0)  # section 5 is Manual: findings are WARN
        self.assertEqual(results["5.2.5"]["status"], "PASS")  # its hostNetwork line is commented out
        for cid in ("5.2.2", "5.2.3", "5.2.4", "5.2.11"):
            self.assertEqual(results[cid]["status"], "WARN", cid)
            ev = results[cid]["evidence"][0]
            self.assertEqual((ev["source"], ev["file"]), ("manifest", path), cid)
            with open(path, encoding="utf-8") as f:
                lines = f.read().split("\n")
            self.assertIn("kind:", "\n".join(lines[ev["line"] - 1:ev["line"] + 1]), f"{cid}: line {ev['line']} starts the object")
        self.assertIn("securityContext.privileged=true", results["5.2.2"]["evidence"][0]["value"])

    def test_kubernetes_goat_insecure_rbac(self):
        results, _ = manifest_scan(self, peer("madhuakula-kubernetes-goat", "scenarios", "insecure-rbac", "setup.yaml"))
        self.assertEqual(results["5.1.1"]["status"], "WARN")
        self.assertRegex(results["5.1.1"]["evidence"][0]["value"], r"ServiceAccount superadmin")

    def test_a_repository_with_helm_charts(self):
        # kubernetes-goat keeps Helm charts (Chart.yaml, values.yaml, templates/) beside plain manifests:
        # the charts are not objects until rendered and are skipped, everything else is judged.
        results, _ = manifest_scan(self, peer("madhuakula-kubernetes-goat"), expect_rc=0)
        self.assertEqual(results["5.1.1"]["status"], "WARN")
        self.assertEqual(results["5.2.2"]["status"], "WARN")
        files = {ev["file"] for r in results.values() for ev in r["evidence"] if ev.get("file")}
        self.assertFalse([f for f in files if "/templates/" in f or f.endswith("values.yaml")], files)

    def test_polaris_success_and_failure_cases(self):
        base = peer("FairwindsOps-polaris", "test", "checks")
        for case, cid in (("hostPIDSet", "5.2.3"), ("hostIPCSet", "5.2.4"), ("hostNetworkSet", "5.2.5"), ("runAsPrivileged", "5.2.2")):
            bad, _ = manifest_scan(self, os.path.join(base, case, "failure.yaml"))
            good, _ = manifest_scan(self, os.path.join(base, case, "success.yaml"))
            self.assertEqual((bad[cid]["status"], good[cid]["status"]), ("WARN", "PASS"), case)

    def test_microservices_demo_hardened_vs_old(self):
        hardened, _ = manifest_scan(self, peer("GoogleCloudPlatform-microservices-demo", "kubernetes-manifests"), expect_rc=0)
        old, _ = manifest_scan(self, peer("GoogleCloudPlatform-microservices-demo", "kubernetes-manifests-old"), expect_rc=0)
        self.assertEqual(hardened["5.2.7"]["status"], "PASS")  # runAsNonRoot at the pod level is inherited
        self.assertEqual(old["5.2.7"]["status"], "WARN")

    def test_sarif_for_code_scanning(self):
        path = os.path.relpath(peer("madhuakula-kubernetes-goat", "scenarios", "system-monitor", "deployment.yaml"), CFG.tmp)
        proc = kubeproof("run", "--format", "sarif", "--manifests", path)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        log = json.loads(proc.stdout)
        self.assertEqual(log["version"], "2.1.0")
        run = log["runs"][0]
        rules = {r["id"] for r in run["tool"]["driver"]["rules"]}
        self.assertIn("5.2.2", rules)
        located = [r for r in run["results"] if r["ruleId"] == "5.2.2"]
        self.assertTrue(located)
        loc = located[0]["locations"][0]["physicalLocation"]
        self.assertEqual(loc["artifactLocation"]["uri"], path.replace(os.sep, "/"))
        self.assertGreater(loc["region"]["startLine"], 0)

    def test_invalid_manifest_is_exit_2_and_writes_nothing(self):
        bad = os.path.join(CFG.tmp, "bad-manifest.yaml")
        with open(bad, "w", encoding="utf-8") as f:
            f.write("apiVersion: v1\nkind: Pod\nmetadata: {name: ok}\n---\nmetadata: [unclosed\n")
        out = os.path.join(CFG.tmp, "never.json")
        proc = kubeproof("run", "--manifests", bad, "--format", "json", "--output", out)
        self.assertEqual(proc.returncode, 2)
        self.assertRegex(proc.stderr, re.escape(bad) + r":[56]:\d+: invalid YAML")
        self.assertFalse(os.path.exists(out))

    def test_empty_input_is_never_a_clean_cluster(self):
        proc = subprocess.run([CFG.binary, "run", "--manifests", "-", "--format", "json"], input="", capture_output=True,
                              text=True, env=base_env(), timeout=30)
        self.assertEqual((proc.returncode, proc.stdout), (2, ""))
        self.assertIn("<stdin>: standard input holds no Kubernetes objects", proc.stderr)
        proc = subprocess.run([CFG.binary, "run", "--manifests", "-"], input="# only a comment\n---\n", capture_output=True,
                              text=True, env=base_env(), timeout=30)
        self.assertEqual(proc.returncode, 2, proc.stderr)
        empty = tempfile.mkdtemp(dir=CFG.tmp, prefix="no-manifests-")
        with open(os.path.join(empty, "empty.yaml"), "w", encoding="utf-8") as f:
            f.write("# nothing rendered\n---\n")
        proc = kubeproof("run", "--manifests", empty)
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertIn("no Kubernetes objects in the 1 manifest file read", proc.stderr)

    def test_kubectl_reads_the_yaml_as_kubeproof_does(self):
        # YAML 1.1 (yes/on/Y, << merge keys) decoded by a real client: the objects kubectl would
        # send, served by the API server, give the same statuses as the manifest itself.
        if shutil.which("kubectl") is None:
            self.skipTest("kubectl is missing")
        source = os.path.join(CFG.source, "tests", "fixtures", "no-false-pass")
        server = FakeApiServer("")
        try:
            config = server.kubeconfig(os.path.join(CFG.tmp, "kubeconfig-kubectl-yaml.json"))
            for name in ("yaml11-booleans.yaml", "yaml11-false.yaml"):
                made = subprocess.run(["kubectl", "--kubeconfig", config, "create", "--dry-run=client", "--validate=false",
                                       "-o", "json", "-f", os.path.join(source, name)], capture_output=True, text=True, timeout=60)
                self.assertEqual(made.returncode, 0, made.stderr)
                items, text, at = {}, made.stdout, 0
                while text[at:].strip():
                    item, at = json.JSONDecoder().raw_decode(text, len(text) - len(text[at:].lstrip()))
                    items.setdefault(RESOURCE_OF_KIND[item["kind"]], []).append(item)
                context = ssl.create_default_context(cafile=server.files["ca"])
                request = urllib.request.Request(f"https://127.0.0.1:{server.port}/_fake/objects",
                                                 data=json.dumps(items).encode(), method="PUT")
                with urllib.request.urlopen(request, context=context, timeout=10):
                    pass
                api = by_id(json.loads(kubeproof("run", "--benchmark", "cis-1.12", "--targets", "policies", "--kubeconfig", config, "--format", "json").stdout))
                manifest, _ = manifest_scan(self, os.path.join(source, name))
                for cid in ("5.2.2", "5.2.3", "5.2.4", "5.2.5", "5.2.6", "5.2.7"):
                    self.assertEqual(api[cid]["status"], manifest[cid]["status"], f"{name} {cid}")
        finally:
            server.stop()

    def test_an_empty_root_is_a_usage_error_not_a_scan_of_this_machine(self):
        for command in ("run", "collect"):
            with self.subTest(command=command):
                proc = kubeproof(command, "--root", "", *(("--output", "-") if command == "collect" else ()))
                self.assertEqual((proc.returncode, proc.stdout), (2, ""), proc.stderr)
                self.assertIn('--root needs a directory: "" is not one (the default is /)', proc.stderr)

    def test_a_fifo_or_a_device_as_an_input_file_is_refused_at_once(self):
        # A kubeconfig, facts snapshot, waivers file or public key that is a FIFO with no writer used
        # to hang kubeproof for good, and /dev/zero to grow without bound (issue 13): every local file
        # is read as a regular file or not at all, and the message says what it is.
        fifo = os.path.join(CFG.tmp, "input-fifo")
        if not os.path.exists(fifo):
            os.mkfifo(fifo)
        manifests = os.path.join(CFG.source, "deploy", "base", "namespaces.yaml")
        for path, kind in ((fifo, "a FIFO"), ("/dev/zero", "a device")):
            for args in (("run", "--targets", "policies", "--kubeconfig", path),
                         ("run", "--facts", path),
                         ("run", "--targets", "policies", "--manifests", path),
                         ("run", "--targets", "policies", "--manifests", manifests, "--waivers", path),
                         ("verify", "--key", path, manifests)):
                with self.subTest(path=path, args=args[:2]):
                    proc = kubeproof(*args, timeout=20)
                    self.assertNotEqual(proc.returncode, 0, proc.stderr)
                    self.assertIn(f"{path}: {kind}, not a regular file", proc.stderr)

    def test_manifests_and_kubeconfig_together_is_a_usage_error(self):
        proc = kubeproof("run", "--manifests", CFG.tmp, "--kubeconfig", "/nonexistent")
        self.assertEqual((proc.returncode, proc.stderr), (2, "kubeproof: use either --manifests or --kubeconfig/--context, not both\n"))


def policy_objects():
    """Objects as the kubectl client makes them (kubectl create ... --dry-run=client -o json), a few
    edited to hold findings: by resource, for the fake API server, and all of them for a manifest."""
    deployment = {"kind": "Deployment", "apiVersion": "apps/v1",
                  "metadata": {"name": "web", "namespace": "team-a", "labels": {"app": "web"}},
                  "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "web"}},
                           "template": {"metadata": {"labels": {"app": "web"}},
                                        "spec": {"hostPID": True, "containers": [
                                            {"name": "nginx", "image": "nginx", "resources": {},
                                             "securityContext": {"privileged": True}}]}},
                           "strategy": {}}, "status": {}}
    bob = {"kind": "ClusterRoleBinding", "apiVersion": "rbac.authorization.k8s.io/v1",
           "metadata": {"name": "bob-admin"},
           "subjects": [{"kind": "User", "apiGroup": "rbac.authorization.k8s.io", "name": "bob"}],
           "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cluster-admin"}}
    builtin = {"kind": "ClusterRoleBinding", "apiVersion": "rbac.authorization.k8s.io/v1",
               "metadata": {"name": "cluster-admin"},
               "subjects": [{"kind": "Group", "apiGroup": "rbac.authorization.k8s.io", "name": "system:masters"}],
               "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cluster-admin"}}
    admin_role = {"kind": "ClusterRole", "apiVersion": "rbac.authorization.k8s.io/v1", "metadata": {"name": "cluster-admin"},
                  "rules": [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}, {"nonResourceURLs": ["*"], "verbs": ["*"]}]}
    namespace = {"kind": "Namespace", "apiVersion": "v1",
                 "metadata": {"name": "team-a", "labels": {"pod-security.kubernetes.io/enforce": "baseline"}}, "spec": {}, "status": {}}
    other = {"kind": "Namespace", "apiVersion": "v1", "metadata": {"name": "team-b"}, "spec": {}, "status": {}}
    netpol = {"kind": "NetworkPolicy", "apiVersion": "networking.k8s.io/v1",
              "metadata": {"name": "default-deny", "namespace": "team-a"}, "spec": {"podSelector": {}, "policyTypes": ["Ingress"]}}
    sa = {"kind": "ServiceAccount", "apiVersion": "v1", "metadata": {"name": "default", "namespace": "team-a"}}
    # kubectl create rolebinding ci-view --clusterrole=view --serviceaccount=team-a:default -n team-a
    default_bound = {"kind": "RoleBinding", "apiVersion": "rbac.authorization.k8s.io/v1",
                     "metadata": {"name": "ci-view", "namespace": "team-a", "creationTimestamp": None},
                     "subjects": [{"kind": "ServiceAccount", "name": "default", "namespace": "team-a"}],
                     "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"}}
    return {"deployments": [deployment], "clusterrolebindings": [bob, builtin], "clusterroles": [admin_role],
            "rolebindings": [default_bound], "namespaces": [namespace, other], "networkpolicies": [netpol],
            "serviceaccounts": [sa]}


class BenchmarkSelection(unittest.TestCase):
    """Which benchmark a scan uses without --benchmark: the flags, the API server's /version and
    nodes, the node's static pod image tags, k3s/RKE2 files and Go build info; the rule that chose
    it in the report; loud warnings. With the shipped definitions and checks/benchmarks.yaml."""

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(dir=CFG.tmp, prefix="selection-")

    def node(self, name, edit=None):
        root = tempfile.mkdtemp(dir=self.dir, prefix=name + "-")
        script = os.path.join(CFG.source, "tests", "fixtures", "materialize.py")
        proc = subprocess.run([sys.executable, script, os.path.join(CFG.source, "examples", "nodes", name), root],
                              capture_output=True, text=True)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        if edit:
            edit(root)
        return root

    def scan(self, root, *args, expect_rc=(0, 1)):
        proc = kubeproof("run", "--root", root, "--proc", os.path.join(root, "proc"), "--format", "json", *args,
                         timeout=60)
        self.assertIn(proc.returncode, expect_rc, proc.stderr)
        return json.loads(proc.stdout), proc

    @staticmethod
    def retag(version):
        def edit(root):
            manifests = os.path.join(root, "etc", "kubernetes", "manifests")
            for name in os.listdir(manifests):
                path = os.path.join(manifests, name)
                with open(path, encoding="utf-8") as f:
                    text = f.read()
                with open(path, "w", encoding="utf-8") as f:
                    f.write(re.sub(r"(registry\.k8s\.io/[a-z-]+):v1\.\d+\.\d+", rf"\1:{version}", text))
        return edit

    def test_kubeadm_node_on_1_31_selects_cis_1_11_from_its_image_tags(self):
        root = self.node("kubeadm-control-plane", self.retag("v1.31.2"))
        report, proc = self.scan(root)
        scan = report["scan"]
        self.assertEqual(scan["benchmark"], "cis-1.11")
        self.assertEqual(scan["benchmark_selected_by"]["rule"], "static-pod-image")
        self.assertEqual(scan["benchmark_selected_by"]["detail"],
                         "Kubernetes 1.31.2 from the image tag of /etc/kubernetes/manifests/kube-apiserver.yaml "
                         "(registry.k8s.io/kube-apiserver:v1.31.2); generic platform → cis-1.11")
        self.assertEqual(scan["benchmark_warnings"], [])
        self.assertEqual(scan["kubernetes_version"], "1.31")
        self.assertTrue(all(r["benchmark"] == "cis-1.11" for r in report["results"]))
        text = kubeproof("run", "--root", root, "--proc", os.path.join(root, "proc"))
        self.assertTrue(text.stdout.startswith("== Benchmark cis-1.11 (chosen by static-pod-image) ==\n"
                                               "Kubernetes 1.31.2 from the image tag of "), text.stdout[:300])

    def test_flags_choose_by_version_and_platform(self):
        root = self.node("kubeadm-control-plane")
        for version, bench in (("1.28", "cis-1.10"), ("1.33", "cis-1.12"), ("1.35", "cis-2.0"), ("v1.36.1", "cis-2.1")):
            report, _ = self.scan(root, "--k8s-version", version)
            self.assertEqual((report["scan"]["benchmark"], report["scan"]["benchmark_selected_by"]["rule"]),
                             (bench, "flag"), version)
        report, _ = self.scan(root, "--k8s-version", "1.33", "--platform", "eks")
        self.assertEqual(report["scan"]["benchmark"], "eks-1.8.0")
        # The kubeadm node's own v1.32 images give the version when only the platform is flagged.
        report, _ = self.scan(root, "--platform", "k3s")
        self.assertEqual(report["scan"]["benchmark"], "k3s-cis-1.12")
        self.assertEqual(report["scan"]["benchmark_selected_by"]["rule"], "static-pod-image")
        self.assertIn("k3s platform from --platform k3s", report["scan"]["benchmark_selected_by"]["detail"])

    def test_a_version_beyond_every_benchmark_warns_loudly(self):
        root = self.node("kubeadm-control-plane")
        report, proc = self.scan(root, "--k8s-version", "1.38")
        self.assertEqual(report["scan"]["benchmark"], "cis-2.1")
        warning = ("Kubernetes 1.38 is newer than every version kubeproof has a benchmark for on the generic "
                   "platform: cis-2.1 is used")
        self.assertEqual(report["scan"]["benchmark_warnings"], [warning])
        self.assertIn(f"warning: {warning}\n", proc.stderr)
        report, proc = self.scan(root, "--k8s-version", "1.20")
        self.assertEqual(report["scan"]["benchmark"], "cis-1.9")
        self.assertIn("Kubernetes 1.20 is older than every version", proc.stderr)
        # --benchmark is obeyed, and still says when the node's version is not the benchmark's.
        report, proc = self.scan(root, "--benchmark", "cis-1.10")
        self.assertEqual(report["scan"]["benchmark_selected_by"]["rule"], "benchmark-flag")
        self.assertEqual(report["scan"]["benchmark_warnings"],
                         ["this cluster runs Kubernetes 1.32, but cis-1.10 is written for 1.28, 1.29, 1.30, 1.31: "
                          "checks may be missing or judged by another version's rules"])

    def test_nothing_detected_uses_the_fallback_loudly(self):
        report, proc = self.scan(self.node("no-kubernetes"))
        self.assertEqual(report["scan"]["benchmark"], "cis-1.12")
        self.assertEqual(report["scan"]["benchmark_selected_by"]["rule"], "fallback")
        self.assertEqual(len(report["scan"]["benchmark_warnings"]), 1)
        self.assertIn("warning: neither the Kubernetes version nor the platform could be detected", proc.stderr)

    def test_bad_flag_values_are_usage_errors(self):
        root = self.node("no-kubernetes")
        for args, message in ((("--k8s-version", "one.two"), "invalid --k8s-version 'one.two'"),
                              (("--k8s-version", "1.31+k3s1"), "invalid --k8s-version '1.31+k3s1'"),
                              (("--platform", "openshift"), "invalid --platform 'openshift'")):
            proc = kubeproof("run", "--root", root, *args)
            self.assertEqual(proc.returncode, 2, args)
            self.assertIn(message, proc.stderr)

    def test_k3s_node_by_the_go_build_info_of_its_binary(self):
        info = os.path.join(self.dir, "buildinfo.bin")
        modules = ("path\tgithub.com/k3s-io/k3s\nmod\tgithub.com/k3s-io/k3s\t(devel)\t\n"
                   "dep\tk8s.io/kubernetes\tv1.33.5\t\n=>\tgithub.com/k3s-io/kubernetes\tv1.33.5-k3s1\th1:x=\n")
        def varint(n):
            out = b""
            while n >= 0x80:
                out += bytes([(n & 0x7f) | 0x80])
                n >>= 7
            return out + bytes([n])
        def string(b):
            return varint(len(b)) + b
        framed = b"0" * 16 + modules.encode() + b"9" * 16
        with open(info, "wb") as f:
            f.write(b"\xff Go buildinf:" + b"\x08\x02" + b"\0" * 16 + string(b"go1.24.4") + string(framed))
        def edit(root):
            os.makedirs(os.path.join(root, "var", "lib", "rancher", "k3s"))
            binary = os.path.join(root, "usr", "local", "bin", "k3s")
            os.makedirs(os.path.dirname(binary), exist_ok=True)
            shutil.copy("/bin/true", binary)
            subprocess.run(["objcopy", "--add-section", f".go.buildinfo={info}", binary], check=True)
        report, _ = self.scan(self.node("no-kubernetes", edit))
        self.assertEqual(report["scan"]["benchmark"], "k3s-cis-1.12")
        self.assertEqual(report["scan"]["benchmark_selected_by"]["rule"], "go-buildinfo")
        self.assertEqual(report["scan"]["benchmark_selected_by"]["detail"],
                         "Kubernetes 1.33.5 from the Go build information of /usr/local/bin/k3s "
                         "(k8s.io/kubernetes => github.com/k3s-io/kubernetes v1.33.5-k3s1); k3s platform → k3s-cis-1.12")
        # Without the binary, the directory still names the platform, and the unknown version warns.
        def files_only(root):
            os.makedirs(os.path.join(root, "var", "lib", "rancher", "k3s"))
        report, _ = self.scan(self.node("no-kubernetes", files_only))
        self.assertEqual((report["scan"]["benchmark"], report["scan"]["benchmark_selected_by"]["rule"]),
                         ("k3s-cis-1.12", "node-files"))
        self.assertTrue(report["scan"]["benchmark_warnings"][0].startswith("the Kubernetes version could not be detected"))

    def test_the_k3s_and_rke2_example_servers_are_recognised_with_no_flag(self):
        report, proc = self.scan(self.node("k3s-server"))
        self.assertEqual(report["scan"]["benchmark"], "k3s-cis-1.12")
        self.assertEqual(report["scan"]["benchmark_selected_by"],
                         {"rule": "node-process", "detail": "Kubernetes version unknown; k3s platform from the process "
                                                            "'/usr/local/bin/k3s server' → k3s-cis-1.12"})
        self.assertIn("warning: the Kubernetes version could not be detected", proc.stderr)
        report, proc = self.scan(self.node("rke2-server"))
        self.assertEqual(report["scan"]["benchmark"], "rke2-cis-1.12")
        self.assertEqual(report["scan"]["benchmark_selected_by"]["rule"], "static-pod-image")
        self.assertIn("hardened-kubernetes:v1.33.5-rke2r1-build20251015); rke2 platform → rke2-cis-1.12",
                      report["scan"]["benchmark_selected_by"]["detail"])
        self.assertEqual(report["scan"]["benchmark_warnings"], [])

    def api_scan(self, git_version, nodes):
        objects = tempfile.mkdtemp(dir=self.dir, prefix="api-")
        with open(os.path.join(objects, "nodes.json"), "w", encoding="utf-8") as f:
            json.dump(nodes, f)
        server = FakeApiServer(objects, "--git-version", git_version)
        try:
            config = server.kubeconfig(os.path.join(self.dir, f"kubeconfig-{server.port}.json"))
            report, proc = self.scan(self.node("no-kubernetes"), "--kubeconfig", config)
            return report, proc, server.requests()
        finally:
            server.stop()

    def test_eks_by_the_api_version(self):
        report, _, requests = self.api_scan("v1.32.3-eks-abc123", [])
        self.assertEqual(report["scan"]["benchmark"], "eks-1.8.0")
        self.assertEqual(report["scan"]["benchmark_selected_by"],
                         {"rule": "api-version", "detail": "Kubernetes 1.32.3 from the API server's /version "
                                                           "(v1.32.3-eks-abc123); eks platform → eks-1.8.0"})
        self.assertIn("/version", requests)

    def test_aks_by_a_node_label(self):
        node = {"apiVersion": "v1", "kind": "Node",
                "metadata": {"name": "aks-pool-0", "labels": {"kubernetes.azure.com/cluster": "MC_rg_c_westeurope"}},
                "spec": {"providerID": "azure:///subscriptions/x/vm/0"},
                "status": {"nodeInfo": {"kubeletVersion": "v1.33.2"}}}
        report, _, _ = self.api_scan("v1.33.2", [node])
        self.assertEqual(report["scan"]["benchmark"], "aks-1.8")
        self.assertEqual(report["scan"]["benchmark_selected_by"]["detail"],
                         "Kubernetes 1.33.2 from the API server's /version (v1.33.2); aks platform from node "
                         "aks-pool-0's label kubernetes.azure.com/cluster → aks-1.8")

    def test_k3s_by_the_api_version(self):
        report, _, _ = self.api_scan("v1.33.4+k3s1", [])
        self.assertEqual((report["scan"]["benchmark"], report["scan"]["benchmark_selected_by"]["rule"]),
                         ("k3s-cis-1.12", "api-version"))

    def test_k3s_arguments_recorded_on_its_node_object_are_a_flag_source(self):
        """k3s hides its command line; the API server keeps it in the node's k3s.io/node-args."""
        objects = tempfile.mkdtemp(dir=self.dir, prefix="api-")
        args = json.dumps(["server", "--write-kubeconfig-mode", "0600", "--kube-apiserver-arg", "profiling=true"])
        nodes = [{"apiVersion": "v1", "kind": "Node",
                  "metadata": {"name": "k3s-1", "annotations": {"k3s.io/node-args": args}},
                  "status": {"nodeInfo": {"kubeletVersion": "v1.33.4+k3s1"}}},
                 {"apiVersion": "v1", "kind": "Node",
                  "metadata": {"name": "other", "annotations": {"k3s.io/node-args": "not json"}}}]
        with open(os.path.join(objects, "nodes.json"), "w", encoding="utf-8") as f:
            json.dump(nodes, f)
        server = FakeApiServer(objects, "--git-version", "v1.33.4+k3s1")
        try:
            config = server.kubeconfig(os.path.join(self.dir, f"kubeconfig-{server.port}.json"))
            root = self.node("k3s-server")
            report, _ = self.scan(root, "--kubeconfig", config, "--node-name", "k3s-1",
                                  "--targets", "master", "--check", "1.2.15")
            (result,) = report["results"]
            self.assertEqual(result["status"], "FAIL")
            self.assertIn({"source": "api", "ref": "annotation k3s.io/node-args of node k3s-1",
                           "value": "--profiling=true"},
                          [{k: e[k] for k in ("source", "ref", "value")} for e in result["evidence"]])
            # Another node's arguments are never used for this one; a bad annotation is a warning.
            report, proc = self.scan(root, "--kubeconfig", config, "--node-name", "other",
                                     "--targets", "master", "--check", "1.2.15")
            self.assertEqual(report["results"][0]["status"], "PASS")
            self.assertIn("annotation k3s.io/node-args of node other is not a JSON list of strings", proc.stderr)
        finally:
            server.stop()

    def test_list_benchmarks_shows_platform_and_range(self):
        proc = kubeproof("list", "benchmarks")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        lines = {line.split()[0]: line.split(None, 3) for line in proc.stdout.splitlines()}
        self.assertEqual(lines["cis-1.11"][1:3], ["generic", "1.29-1.32"])
        self.assertEqual(lines["eks-1.8.0"][1:3], ["eks", "1.32-1.34"])
        self.assertEqual(lines["cis-1.12"][1:], ["generic", "1.32-1.34", "CIS Kubernetes Benchmark v1.12.0"])
        self.assertEqual(lines["k8s-controls-1.0"][1:3], ["generic", "any"])
        self.assertEqual(len(lines), 12)


class StdinStoppedServer:
    """A test server in a child process (self.proc) that ends when its stdin closes."""

    def stop(self):
        self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


class FakeApiServer(StdinStoppedServer):
    """tests/k8s/fake_apiserver.py on loopback with real TLS; stopped by closing its stdin."""

    def __init__(self, objects_dir, *extra):
        script = os.path.join(CFG.source, "tests", "k8s", "fake_apiserver.py")
        self.proc = subprocess.Popen([sys.executable, script, "--objects", objects_dir, *extra], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.port = int(self.proc.stdout.readline().split()[1])
        self.files = json.loads(self.proc.stdout.readline().split(" ", 1)[1])

    def kubeconfig(self, path):
        with open(path, "w", encoding="utf-8") as f:
            json.dump({"apiVersion": "v1", "kind": "Config", "current-context": "fake",
                       "clusters": [{"name": "fake", "cluster": {"server": f"https://127.0.0.1:{self.port}",
                                                                  "certificate-authority": self.files["ca"]}}],
                       "users": [{"name": "cert", "user": {"client-certificate": self.files["client_cert"],
                                                           "client-key": self.files["client_key"]}}],
                       "contexts": [{"name": "fake", "context": {"cluster": "fake", "user": "cert"}}]}, f)
        return path

    def requests(self):
        """The paths the server was asked for, oldest first (its /_fake/requests log)."""
        context = ssl.create_default_context(cafile=self.files["ca"])
        with urllib.request.urlopen(f"https://127.0.0.1:{self.port}/_fake/requests", context=context, timeout=10) as r:
            return [entry["path"] for entry in json.load(r)]


class ApiPolicies(unittest.TestCase):
    """Section 5 against a real HTTPS API server on loopback: the same statuses as the manifests."""

    @classmethod
    def setUpClass(cls):
        if shutil.which("openssl") is None:
            raise unittest.SkipTest("openssl is missing: the fake API server cannot make its certificates")
        cls.dir = os.path.join(CFG.tmp, "api-objects")
        os.makedirs(cls.dir, exist_ok=True)
        objects = policy_objects()
        for resource, items in objects.items():
            with open(os.path.join(cls.dir, resource + ".json"), "w", encoding="utf-8") as f:
                json.dump(items, f)
        cls.manifest = os.path.join(CFG.tmp, "all-objects.json")
        with open(cls.manifest, "w", encoding="utf-8") as f:
            json.dump({"apiVersion": "v1", "kind": "List", "items": [o for items in objects.values() for o in items]}, f)

    def scan_api(self, *faults, extra=()):
        server = FakeApiServer(self.dir, *[arg for fault in faults for arg in ("--fault", fault)], *extra)
        try:
            config = server.kubeconfig(os.path.join(CFG.tmp, f"kubeconfig-{server.port}.json"))
            proc = kubeproof("run", "--benchmark", "cis-1.12", "--targets", "policies", "--kubeconfig", config, "--format", "json")
            return json.loads(proc.stdout), proc
        finally:
            server.stop()

    def test_same_statuses_as_the_manifests(self):
        api, proc = self.scan_api()
        self.assertEqual(proc.returncode, 0, proc.stderr)
        manifests, _ = manifest_scan(self, self.manifest, expect_rc=0)
        self.assertEqual({r["id"]: r["status"] for r in api["results"]}, {cid: r["status"] for cid, r in manifests.items()})
        results = by_id(api)
        for cid in ("5.1.1", "5.2.2", "5.2.3", "5.3.2"):
            self.assertEqual(results[cid]["status"], "WARN", cid)
        self.assertEqual(results["5.2.1"]["status"], "PASS")
        self.assertEqual(results["5.1.1"]["evidence"][0]["source"], "api")
        self.assertEqual(api["scan"]["kubernetes_version"], "1.31")
        # 5.1.5: the default account mounts its token, and a RoleBinding names it.
        self.assertEqual(results["5.1.5"]["status"], "WARN")
        self.assertEqual(sorted(e["ref"] for e in results["5.1.5"]["evidence"]),
                         ["RoleBinding team-a/ci-view", "ServiceAccount team-a/default"])

    def test_a_refused_list_is_error_never_pass(self):
        report, proc = self.scan_api("clusterrolebindings=403")
        self.assertEqual(proc.returncode, 1, "ERROR results fail the run")
        results = by_id(report)
        for cid in ("5.1.1", "5.1.2", "5.1.7"):
            self.assertEqual(results[cid]["status"], "ERROR", cid)
            self.assertIn("clusterrolebindings.rbac.authorization.k8s.io", results[cid]["reason"])
            self.assertIn("403", results[cid]["reason"])
        self.assertEqual(results["5.2.2"]["status"], "WARN", "checks that need other lists still run")

    def test_an_unreachable_server_is_error_not_pass(self):
        config = os.path.join(CFG.tmp, "unreachable.json")
        with open(config, "w", encoding="utf-8") as f:
            json.dump({"apiVersion": "v1", "kind": "Config", "current-context": "x",
                       "clusters": [{"name": "x", "cluster": {"server": f"https://127.0.0.1:{free_port()}",
                                                               "insecure-skip-tls-verify": True}}],
                       "users": [{"name": "x", "user": {"token": "t"}}],
                       "contexts": [{"name": "x", "context": {"cluster": "x", "user": "x"}}]}, f)
        proc = kubeproof("run", "--targets", "policies", "--kubeconfig", config, "--format", "json", timeout=60)
        self.assertEqual(proc.returncode, 1)
        statuses = {r["status"] for r in json.loads(proc.stdout)["results"]}
        self.assertEqual(statuses, {"ERROR", "WARN"}, "evaluated checks are ERROR, purely manual ones WARN")
        self.assertIn("TLS verification is off", proc.stderr)

    def test_control_plane_flags_through_the_api(self):
        # No node access (the node root has no Kubernetes): the API server's mirror pod of the
        # kubeadm kube-apiserver gives its flags, with the same defaults as on a node.
        with open(os.path.join(CFG.source, "examples", "nodes", "kubeadm-control-plane", "node.json"), encoding="utf-8") as f:
            argv = next(p["argv"] for p in json.load(f)["processes"] if p["argv"][:1] == ["kube-apiserver"])
        pod = {"metadata": {"name": "kube-apiserver-cp-1", "namespace": "kube-system",
                            "labels": {"component": "kube-apiserver", "tier": "control-plane"}},
               "spec": {"containers": [{"name": "kube-apiserver", "image": "registry.k8s.io/kube-apiserver:v1.32.0",
                                        "command": argv}]}}
        # A look-alike outside kube-system is not a control-plane component.
        decoy = {"metadata": {"name": "kube-controller-manager-cp-1", "namespace": "default",
                              "labels": {"component": "kube-controller-manager", "tier": "control-plane"}},
                 "spec": {"containers": [{"name": "kube-controller-manager", "image": "registry.k8s.io/kube-controller-manager:v1.32.0",
                                          "command": ["kube-controller-manager", "--profiling=false"]}]}}
        objects = os.path.join(CFG.tmp, "api-control-plane")
        os.makedirs(objects, exist_ok=True)
        with open(os.path.join(objects, "pods.json"), "w", encoding="utf-8") as f:
            json.dump([pod, decoy], f)
        server = FakeApiServer(objects)
        try:
            config = server.kubeconfig(os.path.join(CFG.tmp, "kubeconfig-cp.json"))
            proc = kubeproof("run", "--kubeconfig", config, "--targets", "master,policies", "--format", "json",
                             "--root", node_root("no-kubernetes"))
            paths = server.requests()
        finally:
            server.stop()
        self.assertIn("/api/v1/namespaces/kube-system/pods?limit=500", paths, "mirror pods are read from kube-system only")
        self.assertEqual(proc.returncode, 1, proc.stderr)
        results = by_id(json.loads(proc.stdout))
        self.assertEqual(results["1.2.15"]["status"], "FAIL")
        self.assertIn("pod kube-system/kube-apiserver-cp-1 (from the API server)", [e["ref"] for e in results["1.2.15"]["evidence"]])
        self.assertEqual(results["1.2.7"]["status"], "PASS")
        self.assertEqual(results["1.1.1"]["status"], "NA", "the manifest file is on a node kubeproof cannot see")
        self.assertEqual(results["1.3.2"]["status"], "NA", "no controller-manager pod: invisible, never PASS")

    def test_throttling_and_server_errors_are_retried(self):
        report, proc = self.scan_api("deployments=429:2", "namespaces=500:1")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(by_id(report)["5.2.2"]["status"], "WARN")

    def test_an_answer_without_items_is_not_an_empty_list(self):
        report, proc = self.scan_api("clusterrolebindings=noitems")
        self.assertEqual(proc.returncode, 1, proc.stderr)
        results = by_id(report)
        for cid in ("5.1.1", "5.1.2", "5.1.7"):
            self.assertEqual(results[cid]["status"], "ERROR", cid)
            self.assertRegex(results[cid]["reason"], r"list clusterrolebindings.rbac.authorization.k8s.io: GET \S+: the response has no \"items\"")
        self.assertEqual(results["5.2.2"]["status"], "WARN", "checks that need other lists still run")

    def test_a_type_not_served_does_not_hide_the_served_ones(self):
        # replicationcontrollers is one of the seven pod-bearing types 5.2.x read: without it the
        # privileged Deployment is still judged, and the missing type is named.
        report, proc = self.scan_api(extra=("--unserve", "replicationcontrollers"))
        self.assertEqual(proc.returncode, 0, proc.stderr)
        result = by_id(report)["5.2.2"]
        self.assertEqual(result["status"], "WARN")
        self.assertIn("not judged, the server does not serve them: the server does not serve replicationcontrollers", result["actual"])
        self.assertEqual(result["evidence"][0]["ref"], "Deployment team-a/web")

    def test_nothing_of_a_kind_is_na_not_pass(self):
        # The same cluster without any pod or workload: 5.2.x have nothing to judge.
        objects = {k: v for k, v in policy_objects().items() if k != "deployments"}
        directory = os.path.join(CFG.tmp, "api-no-workloads")
        os.makedirs(directory, exist_ok=True)
        for resource, items in objects.items():
            with open(os.path.join(directory, resource + ".json"), "w", encoding="utf-8") as f:
                json.dump(items, f)
        server = FakeApiServer(directory)
        try:
            config = server.kubeconfig(os.path.join(CFG.tmp, "kubeconfig-no-workloads.json"))
            proc = kubeproof("run", "--targets", "policies", "--kubeconfig", config, "--format", "json")
        finally:
            server.stop()
        results = by_id(json.loads(proc.stdout))
        for cid in ("5.2.2", "5.2.3", "5.2.8", "5.2.11", "5.1.6"):
            self.assertEqual(results[cid]["status"], "NA", cid)
            self.assertIn("no object of the kinds this check judges was read", results[cid]["reason"])
        self.assertEqual(results["5.1.3"]["status"], "PASS", "the ClusterRole was judged")


class ScanDeadline(unittest.TestCase):
    """run --timeout (one deadline for the scan's API requests) and the read timeout of each request,
    against a fake API server that answers /version and then hangs, or stalls in the middle of a body."""

    @classmethod
    def setUpClass(cls):
        if shutil.which("openssl") is None:
            raise unittest.SkipTest("openssl is missing: the fake API server cannot make its certificates")
        cls.dir = os.path.join(CFG.tmp, "deadline-objects")
        os.makedirs(cls.dir, exist_ok=True)
        for resource, items in policy_objects().items():
            with open(os.path.join(cls.dir, resource + ".json"), "w", encoding="utf-8") as f:
                json.dump(items, f)

    def scan(self, tag, faults, *extra):
        """Runs a policies scan against a fake server with `faults`: (proc, report, seconds, paths asked)."""
        server = FakeApiServer(self.dir, *[arg for fault in faults for arg in ("--fault", fault)])
        output = os.path.join(CFG.tmp, f"deadline-{tag}.json")
        try:
            config = server.kubeconfig(os.path.join(CFG.tmp, f"kubeconfig-deadline-{tag}.json"))
            started = time.monotonic()
            proc = kubeproof("run", "--benchmark", "cis-1.12", "--targets", "policies", "--kubeconfig", config,
                             "--format", "json", "--output", output, *extra, timeout=120)
            took = time.monotonic() - started
            paths = server.requests()
        finally:
            server.stop()
        report = None
        if os.path.exists(output):
            with open(output, encoding="utf-8") as f:
                report = json.load(f)
        return proc, report, took, paths

    def test_a_server_that_hangs_on_every_list_costs_the_timeout(self):
        proc, report, took, paths = self.scan("hang", ["*=hang"], "--timeout", "5s")
        self.assertLess(took, 20, "the scan's --timeout ends it, not each list's retries")
        self.assertGreaterEqual(took, 4.5, "the hung list was given the time that was left")
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.assertIsNotNone(report, "the report is written")
        lists = [p for p in paths if "limit=" in p]
        self.assertEqual(len(lists), 1, f"one list hung until the deadline; the others were never sent: {lists}")
        # Every check that judges objects (all but the purely manual ones, which a healthy server's
        # scan shows) is ERROR, naming a list and the timeout.
        _, healthy, _, _ = self.scan("healthy", [], "--timeout", "60s")
        judged = {r["id"] for r in healthy["results"] if not (r.get("reason") or "").startswith("manual check")}
        errors = [r for r in report["results"] if r["status"] == "ERROR"]
        self.assertGreater(len(judged), 20)
        self.assertEqual({r["id"] for r in errors}, judged)
        for r in errors:
            self.assertRegex(r["reason"], r"^list [a-z0-9.]+: the scan's --timeout of 5s passed", r["id"])
        for r in report["results"]:
            if r["id"] not in judged:
                self.assertEqual(r["status"], "WARN", f"{r['id']}: a manual check needs a human either way")
        self.assertIn(" passed before GET https://127.0.0.1:", errors[0]["reason"], "the lists never sent are named")
        # The request the deadline cut (here a clue for the benchmark's choice, which no result names).
        self.assertRegex(proc.stderr, r"warning: the scan's --timeout of 5s passed: GET https://127\.0\.0\.1:\d+/\S+: "
                                      r"timed out: .*; what was not finished then is ERROR")

    def test_a_body_that_stalls_is_cut_by_the_read_timeout_then_retried(self):
        # The first deployments list sends its headers and half its body, then nothing: the 15 s
        # read timeout cuts it (not the 30 s request timeout), and the retry is answered.
        proc, report, took, paths = self.scan("stall", ["deployments=stall:1"], "--timeout", "60s")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(len([p for p in paths if p.startswith("/apis/apps/v1/deployments?")]), 2, paths)
        self.assertGreater(took, 14)
        self.assertLess(took, 25, "cut by the read timeout, not by the request timeout of 30 s")
        result = by_id(report)["5.2.2"]
        self.assertEqual(result["status"], "WARN")
        self.assertEqual(result["evidence"][0]["ref"], "Deployment team-a/web")

    def test_timeout_is_a_duration_from_1s_to_24h(self):
        for value, message in (("0", "--timeout must be between 1s and 24h, not 0"),
                               ("soon", '--timeout: not a duration: "soon" (e.g. 90s, 10m)')):
            proc = kubeproof("run", "--targets", "policies", "--manifests", self.dir, "--timeout", value)
            self.assertEqual(proc.returncode, 2, value)
            self.assertIn(message, proc.stderr)
            self.assertEqual(proc.stdout, "")


# kind -> fake API server resource, for objects read with PyYAML (a YAML 1.1 decoder, as kubectl's)
RESOURCE_OF_KIND = {
    "Pod": "pods", "Namespace": "namespaces", "ServiceAccount": "serviceaccounts",
    "ReplicationController": "replicationcontrollers", "Deployment": "deployments", "DaemonSet": "daemonsets",
    "StatefulSet": "statefulsets", "ReplicaSet": "replicasets", "Job": "jobs", "CronJob": "cronjobs",
    "NetworkPolicy": "networkpolicies", "ClusterRole": "clusterroles", "ClusterRoleBinding": "clusterrolebindings",
    "Role": "roles", "RoleBinding": "rolebindings",
}


def objects_by_resource(path):
    """{resource: [object]} of a manifest file as an API server would hold it (None when PyYAML is missing)."""
    try:
        import yaml  # noqa: PLC0415 - optional: the API half of the case tests needs it
    except ImportError:
        return None
    class GoYamlV2Loader(yaml.SafeLoader):  # PyYAML is YAML 1.1 too, but go-yaml v2 also reads y/Y/n/N as booleans
        pass

    GoYamlV2Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:y|Y|n|N)$"), list("yYnN"))
    go_words = {"y": True, "Y": True, "n": False, "N": False}
    GoYamlV2Loader.add_constructor("tag:yaml.org,2002:bool", lambda loader, node: go_words[node.value] if node.value in go_words
                                   else yaml.SafeLoader.construct_yaml_bool(loader, node))
    store = {}
    with open(path, encoding="utf-8") as f:
        documents = list(yaml.load_all(f, Loader=GoYamlV2Loader)) if not path.endswith(".json") else [json.load(f)]
    pending = [d for d in documents if isinstance(d, dict)]
    while pending:
        obj = pending.pop(0)
        if obj.get("kind", "").endswith("List") and isinstance(obj.get("items"), list):
            pending += [i for i in obj["items"] if isinstance(i, dict)]
            continue
        resource = RESOURCE_OF_KIND.get(obj.get("kind"))
        if resource:
            store.setdefault(resource, []).append(json.loads(json.dumps(obj, default=str)))
    return store


def bare_ref(ref):
    """"Pod badpod" for "Pod default/badpod" and "Pod badpod": manifests leave the namespace out, the API fills it in."""
    kind, _, name = ref.partition(" ")
    return f"{kind} {name.split('/', 1)[-1]}"


class PolicyCaseRunner:
    """Section 5 over public third-party test cases (tests/fixtures/third-party, with their licences)
    and our own minimal cases (tests/fixtures/no-false-pass): each file scanned alone, through
    manifests and through the fake API server. A peer's violation must never be a PASS."""

    @classmethod
    def setUpClass(cls):
        cls.server = None
        if shutil.which("openssl") is not None:
            cls.server = FakeApiServer("")
            cls.config = cls.server.kubeconfig(os.path.join(CFG.tmp, "kubeconfig-cases.json"))

    @classmethod
    def tearDownClass(cls):
        if cls.server:
            cls.server.stop()

    def load(self, folder):
        base = os.path.join(CFG.source, "tests", "fixtures", folder)
        with open(os.path.join(base, "cases.json"), encoding="utf-8") as f:
            cases = json.load(f)
        return base, cases

    def scan_manifest(self, path):
        proc = kubeproof("run", "--format", "json", "--manifests", path)
        return proc, (by_id(json.loads(proc.stdout)) if proc.returncode in (0, 1) else None)

    def scan_api(self, path):
        store = objects_by_resource(path)
        if store is None or self.server is None:
            return None
        body = json.dumps(store).encode()
        context = ssl.create_default_context(cafile=self.server.files["ca"])
        request = urllib.request.Request(f"https://127.0.0.1:{self.server.port}/_fake/objects", data=body, method="PUT")
        with urllib.request.urlopen(request, context=context, timeout=10):
            pass
        proc = kubeproof("run", "--benchmark", "cis-1.12", "--targets", "policies", "--kubeconfig", self.config, "--format", "json")
        self.assertIn(proc.returncode, (0, 1), proc.stderr)
        return by_id(json.loads(proc.stdout))

    def check_case(self, case, expect, proc, results, api):
        where = f"{case['file']} {case['check']} ({'api' if api else 'manifests'}): {case.get('why', case.get('peer', ''))}"
        if expect == "invalid":
            self.assertEqual(proc.returncode, 2, where + "\n" + proc.stderr)
            self.assertRegex(proc.stderr, case["message_regex"], where)
            return
        self.assertIsNotNone(results, where + "\n" + (proc.stderr if proc else ""))
        result = results[case["check"]]
        refs = [e["ref"] for e in result["evidence"]]
        wanted = {"finding": "WARN", "clean": "PASS", "na": "NA", "error": "ERROR"}[expect]
        self.assertEqual(result["status"], wanted, f"{where}\n{result['actual']} {result.get('reason', '')}")
        for ref in case.get("objects", []) if expect == "finding" else []:
            self.assertIn(bare_ref(ref), [bare_ref(r) for r in refs], where)
        for ref in case.get("absent_refs", []):
            self.assertNotIn(ref, refs, where)
        for container in case.get("containers", []) if expect == "finding" else []:
            ref, _, label = container.rpartition(" ")
            self.assertTrue(any(bare_ref(e["ref"]) == bare_ref(ref) and e["value"].startswith(label) for e in result["evidence"]),
                            f"{where}: no evidence for {container}")
        if "evidence_regex" in case and expect == "finding":
            self.assertRegex(" | ".join(e["value"] for e in result["evidence"]), case["evidence_regex"], where)
        if "reason_regex" in case:
            self.assertRegex(result.get("reason", ""), case["reason_regex"], where)

    def run_cases(self, folder, api):
        base, cases = self.load(folder)
        if api and (self.server is None or objects_by_resource(os.path.join(base, cases[0]["file"])) is None):
            self.skipTest("the API half needs openssl and PyYAML")
        scanned = {}
        for case in cases:
            expect = case.get("api_expect", case["expect"]) if api else case["expect"]
            if expect == "skip":
                continue
            path = os.path.join(base, case["file"])
            if path not in scanned:
                scanned[path] = (None, self.scan_api(path)) if api else self.scan_manifest(path)
            proc, results = scanned[path]
            with self.subTest(file=case["file"], check=case["check"]):
                self.check_case(case, expect, proc, results, api)
        self.assertGreater(len(scanned), 0)


class PolicyCases(PolicyCaseRunner, unittest.TestCase):
    """The cases through manifests, and every Polaris failure case."""

    def test_third_party_cases_through_manifests(self):
        self.run_cases("third-party", api=False)

    def test_own_cases_through_manifests(self):
        self.run_cases("no-false-pass", api=False)

    def test_an_object_without_a_namespace_is_in_every_namespace_scope(self):
        # `kubectl apply -n prod -f` puts the privileged pod in prod: --namespaces prod judges it.
        path = os.path.join(CFG.tmp, "namespace-less.yaml")
        with open(path, "w", encoding="utf-8") as f:
            f.write("apiVersion: v1\nkind: Pod\nmetadata: {name: clean, namespace: prod}\n"
                    "spec: {containers: [{name: c, image: registry.example/app:1.0}]}\n---\n"
                    "apiVersion: v1\nkind: Pod\nmetadata: {name: applied-with-n}\n"
                    "spec: {containers: [{name: c, image: registry.example/app:1.0, securityContext: {privileged: true}}]}\n")
        for scope in (("--namespaces", "prod"), ("--namespaces", "other")):
            results, proc = manifest_scan(self, path, extra=scope, expect_rc=0)
            self.assertEqual(results["5.2.2"]["status"], "WARN", scope)
            self.assertIn("Pod applied-with-n", [e["ref"] for e in results["5.2.2"]["evidence"]], scope)

    def test_polaris_failures_are_never_a_pass(self):
        # Every Polaris failure case is something a pod security admission of the same strictness
        # rejects: the CIS check for the same risk must report it (or, for a manifest no API
        # server accepts, the whole input is refused with exit 2).
        covered_by = {"automountServiceAccountToken": ["5.1.6"], "dangerousCapabilities": ["5.2.9"],
                      "insecureCapabilities": ["5.2.9"], "privilegeEscalationAllowed": ["5.2.6"], "hostProcess": ["5.2.10"],
                      "hostPathSet": ["5.2.11"], "hostPortSet": ["5.2.12"], "hostIPCSet": ["5.2.4"], "hostNetworkSet": ["5.2.5"],
                      "hostPIDSet": ["5.2.3"], "runAsPrivileged": ["5.2.2"], "runAsRootAllowed": ["5.2.7"],
                      "clusterrolebindingClusterAdmin": ["5.1.1", "5.1.2", "5.1.3"],
                      "rolebindingClusterAdminClusterRole": ["5.1.1", "5.1.2", "5.1.3"],
                      "rolebindingClusterAdminRole": ["5.1.1", "5.1.2", "5.1.3"]}
        base = peer("FairwindsOps-polaris", "test", "checks")
        judged = 0
        for check, ids in covered_by.items():
            for name in sorted(os.listdir(os.path.join(base, check))):
                if not name.startswith("failure"):
                    continue
                proc, results = self.scan_manifest(os.path.join(base, check, name))
                with self.subTest(case=f"{check}/{name}"):
                    if results is None:
                        self.assertEqual(proc.returncode, 2, proc.stderr)
                        self.assertRegex(proc.stderr, re.escape(name) + r":\d+")
                        continue
                    judged += 1
                    self.assertIn("WARN", [results[cid]["status"] for cid in ids], {cid: results[cid]["status"] for cid in ids})
        self.assertGreaterEqual(judged, 40)


class PolicyCasesApi(PolicyCaseRunner, unittest.TestCase):
    """The same cases through the fake API server (a class of its own, so CTest can run it beside the rest)."""

    def test_third_party_cases_through_the_api(self):
        self.run_cases("third-party", api=True)

    def test_own_cases_through_the_api(self):
        self.run_cases("no-false-pass", api=True)


class EvidenceTrail(unittest.TestCase):
    """Stored, linked, signed reports of real scans (issue 10): verify finds every tampering, openssl
    checks a signature on its own, and the scan says who and what it is about."""

    DAY = 86400

    @classmethod
    def setUpClass(cls):
        if shutil.which("openssl") is None:
            raise unittest.SkipTest("openssl is missing")
        cls.dir = tempfile.mkdtemp(dir=CFG.tmp, prefix="evidence-")
        cls.key, cls.pub = cls.make_key("key")
        cls.other_key, cls.other_pub = cls.make_key("other")

    @classmethod
    def make_key(cls, name):
        key, pub = os.path.join(cls.dir, f"{name}.pem"), os.path.join(cls.dir, f"{name}.pub.pem")
        subprocess.run(["openssl", "genpkey", "-algorithm", "ed25519", "-out", key], check=True, capture_output=True)
        subprocess.run(["openssl", "pkey", "-in", key, "-pubout", "-out", pub], check=True, capture_output=True)
        return key, pub

    def run_scan(self, store, day, *extra, node="kubeadm-control-plane", env=None):
        environment = dict(base_env(), SOURCE_DATE_EPOCH=str(int(EPOCH) + day * self.DAY), **(env or {}))
        args = scan_args(node, "--format", "json", "--store", store, "--cluster", "demo", *extra)
        proc = subprocess.run([CFG.binary, *args], capture_output=True, text=True, env=environment, cwd=CFG.tmp, timeout=60)
        validate_run_output(args, proc, cwd=CFG.tmp)
        self.assertIn(proc.returncode, (0, 1), proc.stderr)
        return json.loads(proc.stdout), proc

    def signed_series(self, name, days):
        store = os.path.join(self.dir, name)
        for day in days:
            self.run_scan(store, day, "--sign-key", self.key)
        return store

    def stored(self, store):
        return sorted(os.path.join(d, f) for d, _, files in os.walk(store) for f in files if f.endswith(".json"))

    def verify(self, *args):
        return kubeproof("verify", *args, timeout=60)

    def test_a_signed_series_verifies_and_openssl_agrees(self):
        store = self.signed_series("clean", [1, 2, 3])
        reports = self.stored(store)
        self.assertEqual(len(reports), 3)
        self.assertRegex(os.path.relpath(reports[2], store),
                         r"^demo/node\.cp-1\.cis-1\.12\.master\+etcd\+controlplane\+node/2026/01/04/000003-20260104T000000Z\.json$")
        with open(reports[1], "rb") as f:
            second = f.read()
        with open(reports[2], encoding="utf-8") as f:
            third = json.load(f)
        self.assertEqual((third["scan"]["seq"], third["scan"]["previous"]), (3, hashlib.sha256(second).hexdigest()))
        self.assertEqual((third["scan"]["scope"], third["scan"]["node"], third["scan"]["cluster"]), ("node", "cp-1", {"name": "demo"}))
        proc = self.verify("--key", self.pub, "--every", "24h", store)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        self.assertIn("intact: 3 reports in 1 series", proc.stdout)
        # The signature, checked by openssl alone: DSSE's PAE over the report's exact bytes.
        with open(reports[2] + ".sig", encoding="utf-8") as f:
            envelope = json.load(f)
        with open(reports[2], "rb") as f:
            payload = f.read()
        self.assertEqual(base64.b64decode(envelope["payload"]), payload)
        kind = envelope["payloadType"].encode()
        pae = b"DSSEv1 %d %s %d %s" % (len(kind), kind, len(payload), payload)
        checked = self.openssl_verify(pae, base64.b64decode(envelope["signatures"][0]["sig"]), self.pub)
        self.assertEqual(checked.returncode, 0, checked.stderr)
        self.assertEqual(envelope["signatures"][0]["keyid"], self.keyid(self.pub))
        self.assertNotEqual(self.openssl_verify(pae.replace(b'"PASS"', b'"FAIL"', 1), base64.b64decode(envelope["signatures"][0]["sig"]),
                                                self.pub).returncode, 0)

    def openssl_verify(self, message, signature, pub):
        data, sig = os.path.join(self.dir, "pae.bin"), os.path.join(self.dir, "sig.bin")
        with open(data, "wb") as f:
            f.write(message)
        with open(sig, "wb") as f:
            f.write(signature)
        return subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", pub, "-rawin", "-in", data, "-sigfile", sig],
                              capture_output=True, text=True)

    def keyid(self, pub):
        der = subprocess.run(["openssl", "pkey", "-pubin", "-in", pub, "-outform", "DER"], capture_output=True, check=True).stdout
        return hashlib.sha256(der[-32:]).hexdigest()

    def tampered(self, name, change):
        source = self.signed_series(f"{name}-source", [1, 2, 3, 4, 5])
        store = os.path.join(self.dir, name)
        shutil.copytree(source, store)
        reports = self.stored(store)
        change(reports)
        proc = self.verify("--key", self.pub, "--every", "24h", "--format", "json", store)
        self.assertEqual(proc.returncode, 1, proc.stdout + proc.stderr)
        return reports, json.loads(proc.stdout)

    def test_one_byte_changed(self):
        def flip(reports):
            with open(reports[2], "rb") as f:
                data = f.read()
            with open(reports[2], "wb") as f:
                f.write(data.replace(b'"status": "FAIL"', b'"status": "PASS"', 1))
        reports, outcome = self.tampered("flip", flip)
        self.assertEqual([(p["kind"], p["path"]) for p in outcome["problems"]],
                         [("signature", reports[2]), ("link", reports[3])])

    def test_a_middle_report_deleted(self):
        def delete(reports):
            os.remove(reports[2])
            os.remove(reports[2] + ".sig")
        reports, outcome = self.tampered("delete", delete)
        # The deleted day is both a broken chain and, for a daily series, a two-day hole.
        self.assertEqual([p["kind"] for p in outcome["problems"]], ["missing", "gap"])
        self.assertIn("seq 3 is missing between", outcome["problems"][0]["message"])

    def test_two_reports_swapped(self):
        def swap(reports):
            for suffix in ("", ".sig"):
                os.rename(reports[1] + suffix, reports[1] + suffix + ".x")
                os.rename(reports[3] + suffix, reports[1] + suffix)
                os.rename(reports[1] + suffix + ".x", reports[3] + suffix)
        reports, outcome = self.tampered("swap", swap)
        self.assertEqual(sorted((p["kind"], p["path"]) for p in outcome["problems"]),
                         [("moved", reports[1]), ("moved", reports[3])])

    def test_resigned_with_another_key(self):
        def resign(reports):
            with open(reports[4], "rb") as f:
                payload = f.read()
            kind = b"application/vnd.kubeproof.report+json"
            pae_path, sig_path = os.path.join(self.dir, "resign.pae"), os.path.join(self.dir, "resign.sig")
            with open(pae_path, "wb") as f:
                f.write(b"DSSEv1 %d %s %d %s" % (len(kind), kind, len(payload), payload))
            subprocess.run(["openssl", "pkeyutl", "-sign", "-inkey", self.other_key, "-rawin", "-in", pae_path, "-out", sig_path],
                           check=True, capture_output=True)
            with open(sig_path, "rb") as f:
                sig = f.read()
            # Written the way other DSSE tools write it, the payload first: verify then reads the
            # whole envelope, not just its head.
            with open(reports[4] + ".sig", "w", encoding="utf-8") as f:
                json.dump({"payload": base64.b64encode(payload).decode(), "payloadType": kind.decode(),
                           "signatures": [{"keyid": self.keyid(self.other_pub), "sig": base64.b64encode(sig).decode()}]},
                          f)
        reports, outcome = self.tampered("resign", resign)
        self.assertEqual([(p["kind"], p["path"]) for p in outcome["problems"]], [("unknown-key", reports[4])])
        # With both keys it is a good signature: what was re-signed is exactly the report.
        proc = self.verify("--key", self.pub, "--key", self.other_pub, os.path.join(self.dir, "resign"))
        self.assertEqual(proc.returncode, 0, proc.stdout)

    def test_a_three_day_hole_in_a_daily_series(self):
        store = self.signed_series("hole", [1, 2, 3, 7, 8])
        proc = self.verify("--key", self.pub, "--every", "24h", store)
        self.assertEqual(proc.returncode, 1, proc.stdout)
        self.assertIn("[FAIL] gap: series node.cp-1.cis-1.12.master+etcd+controlplane+node: no scan for 4d 0h 0m between "
                      "2026-01-04T00:00:00Z and 2026-01-08T00:00:00Z", proc.stdout)
        self.assertEqual(self.verify("--key", self.pub, store).returncode, 0, "without --every a hole is no finding")

    def test_concurrent_runs_get_consecutive_seqs(self):
        store = os.path.join(self.dir, "concurrent")
        environment = dict(base_env(), SOURCE_DATE_EPOCH=str(int(EPOCH) + self.DAY))
        runs = [subprocess.Popen([CFG.binary, *scan_args("kubeadm-control-plane", "--format", "json", "--store", store,
                                                        "--cluster", "demo", "--output", os.path.join(self.dir, f"c{i}.json"))],
                                 env=environment, cwd=CFG.tmp, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                for i in range(4)]
        for run in runs:
            run.wait(timeout=60)
        seqs = sorted(json.load(open(path, encoding="utf-8"))["scan"]["seq"] for path in self.stored(store))
        self.assertEqual(seqs, [1, 2, 3, 4])
        self.assertEqual(self.verify(store).returncode, 0)

    def test_a_stored_report_is_never_replaced(self):
        # A file that takes the next report's name: the run takes the seq after it, links it and
        # leaves it alone; verify names it. (Two runs racing for one name are unit-tested.)
        store = os.path.join(self.dir, "never")
        self.run_scan(store, 1)
        first = self.stored(store)[0]
        squatter = first.replace("000001-", "000002-")
        with open(squatter, "w", encoding="utf-8") as f:
            f.write("not ours")
        report, _ = self.run_scan(store, 1)
        self.assertEqual(report["scan"]["seq"], 3)
        self.assertEqual(report["scan"]["previous"], hashlib.sha256(b"not ours").hexdigest())
        with open(squatter, encoding="utf-8") as f:
            self.assertEqual(f.read(), "not ours")
        proc = self.verify(store)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn(squatter, proc.stdout + proc.stderr)

    def test_the_definitions_digest_names_the_rules(self):
        report, _ = scan_json(self, "kubeadm-control-plane")
        files = []
        for top in ("checks", "frameworks"):
            for directory, _, names in os.walk(os.path.join(CFG.source, top)):
                files += [os.path.join(directory, n) for n in names if n.endswith(".yaml")]
        data = b""
        for path in sorted(os.path.relpath(p, CFG.source) for p in files):
            with open(os.path.join(CFG.source, path), "rb") as f:
                content = f.read()
            data += f"{path}\n{len(content)}\n".encode() + content
        self.assertEqual(report["tool"]["definitions_sha256"], hashlib.sha256(data).hexdigest())

    def test_who_and_what_a_scan_is_about(self):
        named, _ = scan_json(self, "worker-json-config", "--node-name", "w-7")
        self.assertEqual((named["scan"]["scope"], named["scan"]["node"]), ("node", "w-7"))
        environment = dict(base_env(), NODE_NAME="from-env")
        proc = subprocess.run([CFG.binary, *scan_args("worker-json-config", "--format", "json")], capture_output=True, text=True,
                              env=environment, timeout=60)
        self.assertEqual(json.loads(proc.stdout)["scan"]["node"], "from-env")
        proc = kubeproof("run", "--format", "json", "--manifests",
                         peer("FairwindsOps-polaris", "test", "checks", "hostPIDSet", "failure.yaml"))
        manifests = json.loads(proc.stdout)["scan"]
        self.assertEqual(manifests["scope"], "cluster", "manifests are judged by the cluster-scope policies")
        self.assertNotIn("node", manifests)

    def test_a_cluster_scan_names_the_cluster_and_its_nodes(self):
        objects = os.path.join(self.dir, "cluster-objects")
        os.makedirs(objects, exist_ok=True)
        kube_system = {"kind": "Namespace", "apiVersion": "v1", "metadata": {"name": "kube-system", "uid": "6f1c2a9e-0000-4000-8000-000000000001"}}
        node = {"kind": "Node", "apiVersion": "v1", "metadata": {"name": "cp-1", "creationTimestamp": "2025-06-01T10:00:00Z"},
                "spec": {"providerID": "aws:///eu-west-1a/i-0abc"}, "status": {"nodeInfo": {"kubeletVersion": "v1.31.2"}}}
        with open(os.path.join(objects, "namespaces.json"), "w", encoding="utf-8") as f:
            json.dump([kube_system], f)
        with open(os.path.join(objects, "nodes.json"), "w", encoding="utf-8") as f:
            json.dump([node], f)
        server = FakeApiServer(objects)
        try:
            config = server.kubeconfig(os.path.join(self.dir, "kubeconfig-identity.json"))
            proc = kubeproof("run", "--targets", "policies", "--kubeconfig", config, "--format", "json")
        finally:
            server.stop()
        scan = json.loads(proc.stdout)["scan"]
        self.assertEqual(scan["scope"], "cluster")
        self.assertEqual(scan["cluster"], {"name": "fake", "uid": "6f1c2a9e-0000-4000-8000-000000000001"})
        self.assertEqual(scan["nodes"], [{"name": "cp-1", "kubelet_version": "v1.31.2", "provider_id": "aws:///eu-west-1a/i-0abc",
                                          "created_at": "2025-06-01T10:00:00Z"}])

    def test_the_private_key_never_shows(self):
        secret = "c2VjcmV0LW1hdGVyaWFsLXRoYXQtbXVzdC1ub3Qtc2hvdw"
        bad = os.path.join(self.dir, "bad.pem")
        with open(bad, "w", encoding="utf-8") as f:
            f.write(f"-----BEGIN PRIVATE KEY-----\n{secret}\n-----END PRIVATE KEY-----\n")
        for key in (bad, self.pub):
            proc = kubeproof(*scan_args("kubeadm-control-plane", "--format", "json", "--store", os.path.join(self.dir, "k"),
                                        "--sign-key", key))
            self.assertEqual(proc.returncode, 2, proc.stderr)
            self.assertNotIn(secret, proc.stdout + proc.stderr)
        with open(self.key, encoding="utf-8") as f:
            real = "".join(line for line in f if "-----" not in line).strip()
        proc = kubeproof(*scan_args("kubeadm-control-plane", "--format", "json", "--output", os.path.join(self.dir, "o.json"),
                                    "--sign-key", self.key))
        self.assertIn(proc.returncode, (0, 1))
        with open(os.path.join(self.dir, "o.json.sig"), encoding="utf-8") as f:
            self.assertNotIn(real, f.read())
        self.assertEqual(kubeproof(*scan_args("kubeadm-control-plane", "--sign-key", self.key)).returncode, 2,
                         "signing needs a stored or written JSON report")

    def test_a_key_that_cannot_sign_leaves_no_report(self):
        # The key is read before the scan: a FIFO (which would block), a device and a public key are
        # exit 2 with nothing written, neither the report nor its envelope nor a store.
        fifo = os.path.join(self.dir, "key.fifo")
        os.mkfifo(fifo)
        for key, what in ((fifo, "a FIFO, not a regular file"), ("/dev/zero", "a device, not a regular file"),
                          (self.pub, "a public key cannot sign")):
            out = os.path.join(self.dir, "unsigned.json")
            store = os.path.join(self.dir, "never-stored")
            for where in (("--output", out), ("--store", store)):
                proc = kubeproof(*scan_args("kubeadm-control-plane", "--format", "json", *where, "--sign-key", key),
                                 timeout=30)
                self.assertEqual(proc.returncode, 2, proc.stderr)
                self.assertIn(f"--sign-key {key}", proc.stderr)
                self.assertIn(what, proc.stderr)
                self.assertEqual(proc.stdout, "")
                self.assertFalse(os.path.exists(out), key)
                self.assertFalse(os.path.exists(out + ".sig"), key)
                self.assertFalse(os.path.exists(store), key)

    def test_a_store_entry_named_like_a_report_is_never_skipped(self):
        # A FIFO or a link named like a report: verify and index name it (exit 2) instead of calling
        # the store intact without it; a FIFO never blocks them.
        store = self.signed_series("odd-entries", [1])
        day = os.path.dirname(self.stored(store)[0])
        odd = os.path.join(day, "000002-20260103T000000Z.json")
        os.mkfifo(odd)
        for args in (("verify", "--key", self.pub, store), ("index", store)):
            proc = kubeproof(*args, timeout=30)
            self.assertEqual(proc.returncode, 2, args)
            self.assertIn(f"{odd}: a FIFO, not a regular file", proc.stderr)
        os.unlink(odd)
        os.symlink("/dev/null", odd)
        proc = self.verify("--key", self.pub, store)
        self.assertEqual(proc.returncode, 2)
        self.assertIn(f"{odd}: a device, not a regular file", proc.stderr)
        os.unlink(odd)
        proc = self.verify("--key", self.pub, store)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)

    def test_unreadable_input_is_exit_2(self):
        store = os.path.join(self.dir, "unreadable")
        os.makedirs(store)
        with open(os.path.join(store, "notes.json"), "w", encoding="utf-8") as f:
            f.write('{"schema": "something else"}')
        proc = self.verify(store)
        self.assertEqual(proc.returncode, 2)
        self.assertIn("notes.json: not a kubeproof report", proc.stderr)
        self.assertEqual(self.verify(os.path.join(self.dir, "nothing-here")).returncode, 2)


# ---------------------------------------------------------------------------------------------
# facts snapshots: collect on the node, evaluate anywhere

class FactsSnapshot(unittest.TestCase):
    """`collect` then `run --facts` reports exactly what the live scan reports, in every format, with
    the node gone; the snapshot holds no key material; a broken snapshot is exit 2."""

    REPORT_FORMATS = ["text", "json", "junit", "sarif"]
    PEM_KEY = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----\n(.*?)-----END", re.S)
    SECRET_VALUE = re.compile(r"^\s*(?:client-key-data|token|secret|password):\s*(\S+)\s*$", re.M)

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(dir=CFG.tmp, prefix="facts-")

    def node_copy(self, node):
        """A fresh copy of an example node that this test may delete."""
        root = os.path.join(self.dir, node)
        script = os.path.join(CFG.source, "tests", "fixtures", "materialize.py")
        spec = os.path.join(CFG.source, "examples", "nodes", node)
        proc = subprocess.run([sys.executable, script, spec, root], capture_output=True, text=True)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        return root

    def collect(self, root, name):
        path = os.path.join(self.dir, name)
        proc = kubeproof("collect", "--root", root, "--proc", os.path.join(root, "proc"), "--output", path)
        self.assertEqual((proc.returncode, proc.stdout, proc.stderr), (0, "", ""), "collect")
        return path

    def assertSameRun(self, live, replay, what):
        self.assertIn(live.returncode, (0, 1), f"{what}: live scan failed: {live.stderr!r}")
        self.assertEqual((replay.returncode, replay.stderr), (live.returncode, live.stderr), what)
        if replay.stdout != live.stdout:
            self.fail(f"{what}: run --facts differs from the live scan:\n"
                      + unified_diff(live.stdout.decode(), replay.stdout.decode(), what))

    def check_node(self, node):
        root = self.node_copy(node)
        snapshot = self.collect(root, f"{node}.facts.json")
        extra = GOLDEN_EXTRA_ARGS.get(node, [])
        live = {fmt: kubeproof_bytes("run", "--root", root, "--proc", os.path.join(root, "proc"), "--format", fmt,
                                     *extra) for fmt in self.REPORT_FORMATS}
        shutil.rmtree(root)  # evaluating the snapshot must not need the node
        for fmt in self.REPORT_FORMATS:
            with self.subTest(format=fmt):
                replay = kubeproof_bytes("run", "--facts", snapshot, "--format", fmt, *extra)
                self.assertSameRun(live[fmt], replay, f"{node} {fmt}")
        with open(snapshot, "rb") as f:
            held = f.read()
        for secret in self.key_material(node):
            self.assertNotIn(secret.encode(), held, f"{node}: key material in the snapshot")

    def key_material(self, node):
        """PEM private key bodies and the values of client-key-data, token, secret and password keys in
        the node's files."""
        found = []
        tree = os.path.join(CFG.source, "examples", "nodes", node, "tree")
        for top, _, files in os.walk(tree):
            for name in files:
                with open(os.path.join(top, name), encoding="utf-8", errors="replace") as f:
                    text = f.read()
                for body in self.PEM_KEY.findall(text):
                    found.extend(line.strip() for line in body.splitlines() if line.strip())
                found.extend(self.SECRET_VALUE.findall(text))
        return found

    def test_kubeadm_control_plane(self):
        self.check_node("kubeadm-control-plane")

    def test_hardened_control_plane(self):
        self.check_node("hardened-control-plane")

    def test_worker_json_config(self):
        self.check_node("worker-json-config")

    def test_no_kubernetes(self):
        self.check_node("no-kubernetes")

    def test_every_example_node_is_covered(self):
        tested = {name[len("test_"):].replace("_", "-") for name in dir(self) if name.startswith("test_")}
        self.assertLessEqual(set(NODES), tested)

    def test_secrets_are_redacted_in_place(self):
        """The hardened node's aescbc key, which 1.2.28 reads, is replaced on its own line; the kubeadm
        node's key material is what check_node looks for (so that look is not empty)."""
        self.assertIn("LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVkt", "".join(self.key_material("kubeadm-control-plane")))
        snapshot = self.collect(self.node_copy("hardened-control-plane"), "hardened-secrets.json")
        with open(snapshot, encoding="utf-8") as f:
            facts = json.load(f)
        self.assertEqual(facts["schema"], "kubeproof.facts/v1")
        self.assertEqual((facts["tool"]["version"], facts["collected_at"]), (VERSION, EPOCH_RFC3339))
        files = {entry["path"]: entry for entry in facts["files"]}
        encryption = files["/etc/kubernetes/enc/encryption.yaml"]["read"]
        self.assertIn('              secret: "[redacted]"\n', encryption)
        with open(os.path.join(CFG.source, "examples", "nodes", "hardened-control-plane", "tree", "etc", "kubernetes",
                               "enc", "encryption.yaml"), encoding="utf-8") as f:
            self.assertEqual(encryption.count("\n"), f.read().count("\n"), "every line stays where it was")

    def test_later_selections_replay_from_one_snapshot(self):
        root = self.node_copy("kubeadm-control-plane")
        snapshot = self.collect(root, "selections.json")
        for selection in (["--targets", "node"], ["--check", "1.1.12,1.2.15,4.2.1"], ["--skip", "1.2.16"]):
            with self.subTest(selection=selection):
                live = kubeproof_bytes(*scan_args("kubeadm-control-plane", "--format", "json", *selection))
                replay = kubeproof_bytes("run", "--facts", snapshot, "--format", "json", *selection)
                self.assertSameRun(live, replay, " ".join(selection))

    def test_what_could_not_be_read_stays_error(self):
        """Collected by a user who cannot list /etc/kubernetes/pki, evaluated by root: still ERROR."""
        shared = tempfile.mkdtemp(prefix="kubeproof-e2e-facts-")  # outside CFG.tmp (0700)
        try:
            os.chmod(shared, 0o755)
            root = os.path.join(shared, "closed-pki")
            script = os.path.join(CFG.source, "tests", "fixtures", "materialize.py")
            spec = os.path.join(CFG.source, "examples", "nodes", "kubeadm-control-plane")
            subprocess.run([sys.executable, script, spec, root], check=True, capture_output=True)
            os.chmod(os.path.join(root, "etc", "kubernetes", "pki"), 0o700)
            checks = ["--check", ",".join(NodeStrictness.PKI_CHECKS), "--format", "json"]

            def unprivileged(*args):
                def drop_privileges():
                    os.setgroups([])
                    os.setgid(NodeStrictness.UNPRIVILEGED)
                    os.setuid(NodeStrictness.UNPRIVILEGED)
                return subprocess.run([CFG.binary, *args], capture_output=True, env=base_env(), cwd=shared,
                                      timeout=30, preexec_fn=drop_privileges)
            proc_dir = os.path.join(root, "proc")
            collected = unprivileged("collect", "--root", root, "--proc", proc_dir, "--output", "-")
            self.assertEqual(collected.returncode, 0, collected.stderr)
            live = unprivileged("run", "--root", root, "--proc", proc_dir, *checks)
        finally:
            shutil.rmtree(shared, ignore_errors=True)
        snapshot = os.path.join(self.dir, "closed-pki.json")
        with open(snapshot, "wb") as f:
            f.write(collected.stdout)
        replay = kubeproof_bytes("run", "--facts", snapshot, *checks)
        self.assertSameRun(live, replay, "unprivileged collection")
        for r in json.loads(replay.stdout)["results"]:
            self.assertEqual((r["status"], r["reason"]),
                             ("ERROR", "cannot see every file: /etc/kubernetes/pki: Permission denied"), r["id"])

    def test_collect_to_stdout(self):
        root = node_root("worker-json-config")
        path = self.collect(root, "worker-stdout.json")
        proc = kubeproof_bytes("collect", "--root", root, "--proc", os.path.join(root, "proc"), "--output", "-")
        with open(path, "rb") as f:
            self.assertEqual((proc.returncode, proc.stdout), (0, f.read()))

    def test_broken_snapshots_are_exit_2(self):
        snapshot = self.collect(node_root("no-kubernetes"), "whole.json")
        with open(snapshot, "rb") as f:
            whole = f.read()
        truncated = os.path.join(self.dir, "truncated.json")
        with open(truncated, "wb") as f:
            f.write(whole[:len(whole) // 2])
        other = os.path.join(self.dir, "v2.json")
        with open(other, "w", encoding="utf-8") as f:
            json.dump({"schema": "kubeproof.facts/v2"}, f)
        report = os.path.join(CFG.source, "tests", "e2e", "golden", "no-kubernetes.json")
        absent = os.path.join(self.dir, "absent.json")
        for path, message in (
                (truncated, f"kubeproof: {truncated}: not a facts snapshot: not JSON (parse error at "),
                (other, f"kubeproof: {other}: a facts snapshot of schema kubeproof.facts/v2; this kubeproof reads "
                        "kubeproof.facts/v1\n"),
                (report, f"kubeproof: {report}: not a facts snapshot: its schema is kubeproof.report/v1\n"),
                (absent, f"kubeproof: cannot read the facts snapshot: {absent}: No such file or directory\n")):
            with self.subTest(path=os.path.basename(path)):
                proc = kubeproof("run", "--facts", path)
                self.assertEqual((proc.returncode, proc.stdout), (2, ""), proc.stderr)
                self.assertTrue(proc.stderr.startswith(message), proc.stderr)

    def test_facts_with_root_or_proc_is_a_usage_error(self):
        for option in ("--root", "--proc"):
            with self.subTest(option=option):
                proc = kubeproof("run", "--facts", "facts.json", option, "/")
                self.assertEqual((proc.returncode, proc.stdout), (2, ""))
                self.assertTrue(proc.stderr.startswith(f"kubeproof: {option} excludes --facts\n"), proc.stderr)

    def test_collect_needs_an_output_and_a_readable_node(self):
        proc = kubeproof("collect", "--root", node_root("no-kubernetes"))
        self.assertEqual((proc.returncode, proc.stderr.splitlines()[0]), (2, "kubeproof: --output is required"))
        out = os.path.join(self.dir, "never.json")
        proc = kubeproof("collect", "--root", os.path.join(self.dir, "no-such-root"), "--output", out)
        self.assertEqual((proc.returncode, proc.stderr),
                         (3, f"kubeproof: cannot scan: the node root {os.path.join(self.dir, 'no-such-root')} is "
                             "not readable (No such file or directory)\n"))
        self.assertFalse(os.path.exists(out))


class AtomicOutput(unittest.TestCase):
    """--output replaces a file completely, or leaves it alone when nothing is written."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(dir=CFG.tmp, prefix="atomic-")
        self.out = os.path.join(self.dir, "report.json")
        self.old = b"old report\n" + b"x" * 1_000_000 + b"\n"
        with open(self.out, "wb") as f:
            f.write(self.old)

    def test_replaces_existing_file(self):
        expected = kubeproof_bytes(*scan_args("hardened-control-plane", "--format", "json")).stdout
        proc = kubeproof_bytes(*scan_args("hardened-control-plane", "--format", "json", "--output", self.out))
        self.assertEqual(proc.returncode, 0, proc.stderr)
        with open(self.out, "rb") as f:
            self.assertEqual(f.read(), expected)
        self.assertEqual(dir_entries(self.dir), ["report.json"])

    def test_broken_definitions_leave_file_alone(self):
        b = BrokenChecks("atomic")
        b.edit("cis-1.12/master.yaml", "gte: 30", lambda old: [old.replace("gte:", "gte2:")])
        proc = kubeproof_bytes(*scan_args("hardened-control-plane", "--checks-dir", b.dir, "--output", self.out))
        self.assertEqual(proc.returncode, 2, proc.stderr)
        with open(self.out, "rb") as f:
            self.assertEqual(f.read(), self.old)
        self.assertEqual(dir_entries(self.dir), ["report.json"])

    def test_unknown_check_leaves_file_alone(self):
        proc = kubeproof_bytes(*scan_args("hardened-control-plane", "--check", "9.9.9", "--output", self.out))
        self.assertEqual(proc.returncode, 2, proc.stderr)
        with open(self.out, "rb") as f:
            self.assertEqual(f.read(), self.old)
        self.assertEqual(dir_entries(self.dir), ["report.json"])


# ---------------------------------------------------------------------------------------------
# the report schema itself

class ReportSchema(unittest.TestCase):
    """docs/report.schema.json is a valid draft 2020-12 schema that tells good reports from broken ones."""

    def golden_report(self):
        path = os.path.join(CFG.source, "tests", "e2e", "golden", "kubeadm-control-plane.json")
        with open(path, encoding="utf-8") as f:
            report = json.load(f)
        report["tool"]["definitions_sha256"] = "0" * 64  # the golden holds a placeholder (normalise())
        return report

    def assertRejected(self, report, *fragments):
        with self.assertRaises(AssertionError) as caught:
            validate_report(json.dumps(report))
        for fragment in fragments:
            self.assertIn(fragment, str(caught.exception))

    def test_schema_is_valid_and_rejects_broken_reports(self):
        with open(os.path.join(CFG.source, REPORT_SCHEMA), encoding="utf-8") as f:
            schema = json.load(f)
        Draft202012Validator.check_schema(schema)
        self.assertEqual(schema["$schema"], "https://json-schema.org/draft/2020-12/schema")
        good = self.golden_report()
        validate_report(json.dumps(good))
        maybe = self.golden_report()
        maybe["results"][3]["status"] = "MAYBE"
        self.assertRejected(maybe, "$.results[3].status", "'MAYBE'")
        no_results = self.golden_report()
        del no_results["results"]
        self.assertRejected(no_results, "'results' is a required property")

    def test_formats_are_checked_and_planned_fields_accepted(self):
        for field, value in (("started_at", "2026-13-01T00:00:00Z"), ("finished_at", "yesterday"), ("id", "scan-1")):
            report = self.golden_report()
            report["scan"][field] = value
            with self.subTest(field=field):
                self.assertRejected(report, f"$.scan.{field}")
        report = self.golden_report()
        report["tool"]["definitions_sha256"] = "0" * 64
        report["scan"].update({"cluster": {"name": "prod", "uid": "0d6f0c3e-6a2b-4c7e-9f1a-2b3c4d5e6f70"},
                               "node": "cp-1", "scope": "node", "series": "prod/cp-1", "seq": 1, "previous": None,
                               "nodes": [{"name": "cp-1", "kubelet_version": "v1.32.1", "provider_id": "",
                                          "created_at": "2026-01-01T00:00:00Z"}],
                               "added_later": {"any": "thing"}})
        validate_report(json.dumps(report))
        report["scan"]["previous"] = "A" * 64
        self.assertRejected(report, "$.scan.previous")


# ---------------------------------------------------------------------------------------------
# diff and merge of stored reports

class HistoryCommands(unittest.TestCase):
    """`kubeproof diff` and `kubeproof merge` over reports of real scans of the example nodes (issue 10)."""

    STATUS_ORDER = ["ERROR", "FAIL", "WARN", "PASS", "NA", "SKIP"]  # worst first, as merge ranks them

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(dir=CFG.tmp, prefix="history-")

    def path(self, name):
        return os.path.join(self.dir, name)

    def scan_to(self, name, node, *extra, root=None):
        """A JSON report of a fixture node (or of a node root), written to `name`; returns its path."""
        out = self.path(name)
        root = root or node_root(node)
        proc = kubeproof("run", "--root", root, "--proc", os.path.join(root, "proc"), "--format", "json",
                         "--output", out, *extra)
        self.assertIn(proc.returncode, (0, 1), proc.stderr)
        return out

    def drifted_root(self):
        """A copy of the kubeadm node whose API server manifest became world-writable (1.1.1 regresses)
        and whose API server now runs with --profiling=false (1.2.15 is fixed)."""
        root = self.path("drifted-node")
        script = os.path.join(CFG.source, "tests", "fixtures", "materialize.py")
        spec = os.path.join(CFG.source, "examples", "nodes", "kubeadm-control-plane")
        proc = subprocess.run([sys.executable, script, spec, root], capture_output=True, text=True)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        os.chmod(os.path.join(root, "etc", "kubernetes", "manifests", "kube-apiserver.yaml"), 0o666)
        cmdline = os.path.join(root, "proc", str(NodeStrictness.APISERVER_PID), "cmdline")
        with open(cmdline, "rb") as f:
            argv = [a for a in f.read().decode().split("\0")[:-1] if not a.startswith("--profiling")]
        with open(cmdline, "wb") as f:
            f.write("".join(a + "\0" for a in argv + ["--profiling=false"]).encode())
        return root

    def load(self, path):
        with open(path, encoding="utf-8") as f:
            return json.load(f)

    def test_diff_of_a_drifted_node_names_the_check_and_node_and_exits_1(self):
        before = self.scan_to("before.json", "kubeadm-control-plane")
        after = self.scan_to("after.json", None, root=self.drifted_root())
        scan_id = self.load(before)["scan"]["id"]
        proc = kubeproof("diff", before, after)
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.assertEqual(proc.stderr, "")
        manifest = ("/etc/kubernetes/manifests/kube-apiserver.yaml: mode {}, owner root:root (in the static pod directory, "
                    "from staticPodPath in /var/lib/kubelet/config.yaml)")
        self.assertEqual(proc.stdout.splitlines(), [
            f"old: {before} (node cp-1, cis-1.12, scan {scan_id}, started {EPOCH_RFC3339})",
            f"new: {after} (node cp-1, cis-1.12, scan {scan_id}, started {EPOCH_RFC3339})",
            "[REGRESSED] 1.1.1 (apiserver.manifest.mode) cp-1: PASS -> FAIL: "
            "/etc/kubernetes/manifests/kube-apiserver.yaml has mode 666",
            "[FIXED] 1.2.15 (apiserver.profiling) cp-1: FAIL -> PASS: --profiling=false",
            "[DRIFTED] 1.1.2 (apiserver.manifest.owner) cp-1: PASS, evidence changed: "
            + manifest.format(600) + " -> " + manifest.format(666).split(": ", 1)[1],
            "3 changes: 1 regressed, 1 fixed, 1 drifted",
        ])
        as_json = kubeproof("diff", before, after, "--format", "json", "--output", self.path("diff.json"))
        self.assertEqual((as_json.returncode, as_json.stdout), (1, ""), as_json.stderr)
        diff = self.load(self.path("diff.json"))
        self.assertEqual(diff["schema"], "kubeproof.diff/v1")
        self.assertTrue(diff["regressed"])
        self.assertEqual({k: n for k, n in diff["counts"].items() if n}, {"regressed": 1, "fixed": 1, "drifted": 1})
        self.assertEqual(diff["changes"][0], {
            "kind": "regressed", "id": "1.1.1", "old_id": "1.1.1", "key": "apiserver.manifest.mode", "node": "cp-1",
            "title": "Ensure that the API server pod specification file permissions are set to 600 or more restrictive",
            "old_status": "PASS", "new_status": "FAIL",
            "actual": "/etc/kubernetes/manifests/kube-apiserver.yaml has mode 666", "evidence": []})
        self.assertEqual(diff["changes"][2]["evidence"], [{
            "source": "file", "ref": "/etc/kubernetes/manifests/kube-apiserver.yaml",
            "old": [manifest.format(600).split(": ", 1)[1]], "new": [manifest.format(666).split(": ", 1)[1]]}])
        # Byte-stable: the same comparison twice gives the same bytes.
        self.assertEqual(kubeproof("diff", before, after).stdout, proc.stdout)

    def test_diff_of_a_report_with_itself_is_empty(self):
        report = self.scan_to("same.json", "worker-json-config")
        proc = kubeproof("diff", report, report)
        self.assertEqual((proc.returncode, proc.stdout.splitlines()[-1], proc.stderr), (0, "no changes", ""))
        as_json = json.loads(kubeproof("diff", report, report, "--format", "json").stdout)
        self.assertEqual((as_json["regressed"], as_json["changes"], set(as_json["counts"].values())), (False, [], {0}))

    def test_diff_of_an_unreadable_report_is_exit_2_with_its_place(self):
        broken = self.path("broken.json")
        with open(broken, "w", encoding="utf-8") as f:
            f.write('{"schema": "kubeproof.report/v1",\n "tool": }\n')
        report = self.scan_to("fine.json", "worker-json-config")
        proc = kubeproof("diff", broken, report)
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertRegex(proc.stderr, rf"^kubeproof: {re.escape(broken)}:2:\d+: .*unexpected '}}'")
        self.assertEqual(proc.stdout, "")

    def merge_inputs(self, prefix, *extra):
        """Reports of the kubeadm control plane (cp-1), the hardened one (as cp-2) and the worker."""
        return [self.scan_to(f"{prefix}-kubeadm.json", "kubeadm-control-plane", *extra),
                self.scan_to(f"{prefix}-hardened.json", "hardened-control-plane", "--node-name", "cp-2", *extra),
                self.scan_to(f"{prefix}-worker.json", "worker-json-config", *extra)]

    def test_merge_keeps_each_nodes_evidence_and_the_worst_status_on_top(self):
        inputs = self.merge_inputs("m")
        out = self.path("merged.json")
        proc = kubeproof("merge", *reversed(inputs), "--cluster", "demo", "--output", out)
        self.assertEqual((proc.returncode, proc.stdout), (0, ""), proc.stderr)
        self.assertEqual(proc.stderr, f"kubeproof: merged 3 reports: cp-1 ({inputs[0]}), cp-2 ({inputs[1]}), "
                                      f"worker-1 ({inputs[2]})\n")
        merged = self.load(out)
        reports = {name: self.load(path) for name, path in zip(["cp-1", "cp-2", "worker-1"], inputs)}
        scan = merged["scan"]
        self.assertEqual((scan["scope"], scan["cluster"], "node" in scan), ("cluster", {"name": "demo"}, False))
        for entry, path in zip(scan["merged"], inputs):
            with open(path, "rb") as f:
                digest = hashlib.sha256(f.read()).hexdigest()
            report = reports[entry["node"]]
            self.assertEqual(entry, {"file": path, "sha256": digest, "node": report["scan"]["node"],
                                     "scan_id": report["scan"]["id"], "started_at": EPOCH_RFC3339,
                                     "totals": report["totals"]})
        results = by_id(merged)
        self.assertEqual(sorted(results), sorted({r["id"] for rep in reports.values() for r in rep["results"]}))
        for check_id, r in results.items():
            own = {n: by_id(rep)[check_id] for n, rep in reports.items() if check_id in by_id(rep)}
            self.assertEqual([n["node"] for n in r["nodes"]], sorted(own), check_id)
            for n in r["nodes"]:
                self.assertEqual((n["status"], n["actual"], n["evidence"]),
                                 (own[n["node"]]["status"], own[n["node"]]["actual"], own[n["node"]]["evidence"]), check_id)
            worst = min((n["status"] for n in r["nodes"]), key=self.STATUS_ORDER.index)
            self.assertEqual(r["status"], worst, check_id)
        self.assertEqual((results["1.2.15"]["status"], results["1.2.15"]["actual"]),
                         ("FAIL", "FAIL on 1 of 2 nodes: cp-1; PASS on 1: cp-2"))
        self.assertEqual(results["1.2.15"]["evidence"],
                         [dict(e, ref="cp-1: " + e["ref"]) for e in by_id(reports["cp-1"])["1.2.15"]["evidence"]])
        self.assertEqual((results["4.2.6"]["status"], results["4.2.6"]["actual"]),
                         ("FAIL", "FAIL on 1 of 3 nodes: worker-1; PASS on 2: cp-1, cp-2"))
        self.assertEqual(merged["totals"], {s: sum(r["status"] == s for r in merged["results"]) for s in STATUSES})
        # The merged report is a report diff reads: with itself nothing changed; against the same
        # cluster after a drift on cp-1, the regression is named with its node.
        self.assertEqual(kubeproof("diff", out, out).returncode, 0)
        drifted = self.scan_to("m-drifted.json", None, root=self.drifted_root())
        after = self.path("merged-after.json")
        self.assertEqual(kubeproof("merge", drifted, inputs[1], inputs[2], "--cluster", "demo", "--output", after).returncode, 0)
        proc = kubeproof("diff", out, after)
        self.assertEqual(proc.returncode, 1, proc.stdout + proc.stderr)
        self.assertIn("[REGRESSED] 1.1.1 (apiserver.manifest.mode) cp-1: PASS -> FAIL: "
                      "/etc/kubernetes/manifests/kube-apiserver.yaml has mode 666\n", proc.stdout)

    def test_merge_refuses_two_clusters_and_reports_that_name_none(self):
        prod = self.scan_to("prod.json", "hardened-control-plane", "--cluster", "prod")
        staging = self.scan_to("staging.json", "worker-json-config", "--cluster", "staging")
        out = self.path("refused.json")
        proc = kubeproof("merge", staging, prod, "--output", out)
        self.assertEqual((proc.returncode, proc.stdout), (2, ""))
        self.assertEqual(proc.stderr, f"kubeproof: cannot merge reports of different clusters: cluster prod: {prod}; "
                                      f"cluster staging: {staging}\n")
        self.assertFalse(os.path.exists(out), "nothing is written when merge refuses")
        inputs = self.merge_inputs("anonymous")
        proc = kubeproof("merge", *inputs, "--output", out)
        self.assertEqual(proc.returncode, 2)
        self.assertEqual(proc.stderr, f"kubeproof: cannot tell that these reports are of one cluster: no cluster: "
                                      f"{', '.join(inputs)}; give --cluster NAME if they belong together\n")
        proc = kubeproof("merge", prod, inputs[2], "--cluster", "demo", "--output", out)
        self.assertEqual((proc.returncode, proc.stderr), (2, f"kubeproof: {prod} is a report of cluster prod, not of demo (--cluster)\n"))
        self.assertFalse(os.path.exists(out))

    def test_merge_refuses_two_reports_of_one_node_unless_latest(self):
        first = self.scan_to("cp-1-a.json", "kubeadm-control-plane", "--cluster", "demo")
        second = self.scan_to("cp-1-b.json", "hardened-control-plane", "--cluster", "demo")
        out = self.path("one-node.json")
        proc = kubeproof("merge", first, second, "--output", out)
        self.assertEqual((proc.returncode, proc.stderr),
                         (2, f"kubeproof: two reports of node cp-1: {first} and {second} (give --latest to keep the "
                             f"newest of each node)\n"))
        proc = kubeproof("merge", first, second, "--latest", "--output", out)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual([m["file"] for m in self.load(out)["scan"]["merged"]], [second])
        self.assertIn(f"warning: --latest: node cp-1: {second}", proc.stderr)

    def test_a_narrower_report_hides_no_finding_from_merge_or_diff(self):
        # The full scan fails 1.2.15 (a master check); the later one ran --targets node only.
        full = self.scan_to("full.json", "kubeadm-control-plane", "--cluster", "demo", "--node-name", "cp-1")
        narrow = self.scan_to("narrow.json", "kubeadm-control-plane", "--cluster", "demo", "--node-name", "cp-1",
                              "--targets", "node")
        self.assertEqual(by_id(self.load(full))["1.2.15"]["status"], "FAIL")
        out = self.path("latest.json")
        proc = kubeproof("merge", full, narrow, "--latest", "--output", out)
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertIn(f"{narrow} (started ", proc.stderr)
        self.assertRegex(proc.stderr, f"that {re.escape(full)} judged \\(1\\.1\\.1, .*: it was narrowed")
        self.assertFalse(os.path.exists(out))
        # diff: the checks the narrow report lacked are ADDED in the full one, findings among them.
        proc = kubeproof("diff", narrow, full)
        self.assertEqual(proc.returncode, 1, proc.stdout)
        self.assertIn("[ADDED] 1.2.15 (apiserver.profiling): FAIL", proc.stdout)
        self.assertEqual(kubeproof("diff", full, narrow).returncode, 0)


class Waivers(unittest.TestCase):
    """Risk acceptances (issue 11): a waived finding keeps its status, marked waived in every format,
    and stops counting for the exit code until the day after its expiry; stale waivers are listed, and
    a broken waivers file is exit 2 naming every problem before anything is scanned."""

    DAY = 86400
    EXPIRES = "2026-01-31"  # EPOCH is 2026-01-01T00:00:00Z: valid through 2026-01-31T23:59:59Z
    LAST_SECOND = int(EPOCH) + 31 * DAY - 1
    DAY_AFTER = int(EPOCH) + 31 * DAY

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(dir=CFG.tmp, prefix="waivers-")

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def profiling_waiver(self, name="profiling.yaml", extra=""):
        return self.write(name, f"""waivers:
  - check: 1.2.15
    node: cp-1
    owner: alice@example.com
    approver: bob@example.com
    reason: profiling stays on until the load tests end
    ticket: SEC-12
    created: 2026-01-01
    expires: {self.EXPIRES}
{extra}""")

    def run_at(self, when, *args):
        """kubeproof with SOURCE_DATE_EPOCH at `when` (the scan's time decides expiry)."""
        proc = subprocess.run([CFG.binary, *args], capture_output=True, text=True, cwd=CFG.tmp, timeout=60,
                              env=dict(base_env(), SOURCE_DATE_EPOCH=str(when)))
        validate_run_output(args, proc, cwd=CFG.tmp)
        return proc

    def profiling_scan(self, waivers, fmt="json", when=int(EPOCH), *extra):
        return self.run_at(when, *scan_args("kubeadm-control-plane", "--check", "1.2.15", "--format", fmt,
                                             "--waivers", waivers, *extra))

    def test_a_waived_fail_stays_visible_and_does_not_fail_the_run(self):
        plain = kubeproof(*scan_args("kubeadm-control-plane", "--check", "1.2.15", "--format", "json"))
        self.assertEqual(plain.returncode, 1, plain.stderr)  # the FAIL alone fails the run
        waivers = self.profiling_waiver()
        proc = self.profiling_scan(waivers)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(proc.stderr, "")
        report = json.loads(proc.stdout)
        result = by_id(report)["1.2.15"]
        self.assertEqual(result["status"], "FAIL")
        self.assertEqual(result["waiver"], {
            "source": f"{waivers}:2", "check": "1.2.15", "node": "cp-1", "owner": "alice@example.com",
            "approver": "bob@example.com", "reason": "profiling stays on until the load tests end",
            "ticket": "SEC-12", "created": "2026-01-01", "expires": self.EXPIRES, "state": "active"})
        self.assertEqual(report["totals"]["FAIL"], 1)  # totals keep counting real statuses
        with open(waivers, "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        self.assertEqual(report["waivers"], {"file": waivers, "sha256": digest, "active": 1, "expired": 0, "stale": []})
        # The same scan, text, JUnit and SARIF.
        text = self.profiling_scan(waivers, "text")
        self.assertEqual(text.returncode, 0, text.stderr)
        self.assertIn("[FAIL] [WAIVED] 1.2.15 Ensure that the --profiling argument is set to false (Automated)\n"
                      "      expected: ", text.stdout)
        self.assertIn(f"      waived: owner alice@example.com, approved by bob@example.com, ticket SEC-12, "
                      f"expires {self.EXPIRES} ({waivers}:2)\n"
                      "      waiver reason: profiling stays on until the load tests end\n", text.stdout)
        self.assertIn(f"== Waivers {waivers} ==\n1 finding waived (accepted: not counted for --fail-on)\n"
                      "0 findings counted again (waiver expired)\n", text.stdout)
        self.assertIn("== Summary total ==\n0 checks PASS\n1 checks FAIL\n", text.stdout)
        junit = self.profiling_scan(waivers, "junit")
        self.assertEqual(junit.returncode, 0, junit.stderr)
        self.assertIn('<testsuites name="kubeproof cis-1.12" tests="1" failures="0" errors="0" skipped="1">', junit.stdout)
        self.assertIn('<skipped message="waived: FAIL: --profiling not set (default true); owner alice@example.com, '
                      f'expires {self.EXPIRES} ({waivers}:2)"/>', junit.stdout)
        self.assertNotIn("<failure", junit.stdout)
        sarif = self.profiling_scan(waivers, "sarif")
        self.assertEqual(sarif.returncode, 0, sarif.stderr)
        [located] = json.loads(sarif.stdout)["runs"][0]["results"]
        self.assertEqual((located["ruleId"], located["level"]), ("1.2.15", "error"))
        self.assertEqual(located["suppressions"], [{
            "kind": "external", "status": "accepted",
            "justification": f"profiling stays on until the load tests end (owner alice@example.com, expires "
                             f"{self.EXPIRES}, ticket SEC-12; {waivers}:2)",
            "properties": {"source": f"{waivers}:2", "check": "1.2.15", "owner": "alice@example.com",
                           "approver": "bob@example.com", "ticket": "SEC-12", "expires": self.EXPIRES}}])

    def test_the_day_after_its_expiry_the_fail_counts_again(self):
        waivers = self.profiling_waiver("expiring.yaml")
        last = self.profiling_scan(waivers, "json", self.LAST_SECOND)
        self.assertEqual(last.returncode, 0, last.stderr)
        self.assertEqual(by_id(json.loads(last.stdout))["1.2.15"]["waiver"]["state"], "active")
        after = self.profiling_scan(waivers, "json", self.DAY_AFTER)
        self.assertEqual(after.returncode, 1, after.stderr)
        report = json.loads(after.stdout)
        self.assertEqual(report["scan"]["started_at"], "2026-02-01T00:00:00Z")
        result = by_id(report)["1.2.15"]
        self.assertEqual((result["status"], result["waiver"]["state"]), ("FAIL", "expired"))
        self.assertEqual((report["waivers"]["active"], report["waivers"]["expired"], report["waivers"]["stale"]), (0, 1, []))
        text = self.profiling_scan(waivers, "text", self.DAY_AFTER)
        self.assertEqual(text.returncode, 1)
        self.assertIn("[FAIL] 1.2.15 Ensure that the --profiling argument is set to false (Automated)\n", text.stdout)
        self.assertNotIn("[WAIVED]", text.stdout)
        self.assertIn(f"      waiver expired {self.EXPIRES} ({waivers}:2): owner alice@example.com, approved by "
                      "bob@example.com, ticket SEC-12; the finding counts again\n", text.stdout)
        self.assertIn(f"expired: {waivers}:2 1.2.15, expired {self.EXPIRES} (owner alice@example.com, approved by "
                      "bob@example.com, ticket SEC-12)\n", text.stdout)
        junit = self.profiling_scan(waivers, "junit", self.DAY_AFTER)
        self.assertIn(f'<failure message="--profiling not set (default true) (waiver expired {self.EXPIRES}, '
                      f'{waivers}:2)" type="FAIL">', junit.stdout)
        self.assertIn('<property name="waiver" value="expired"/>', junit.stdout)
        sarif = json.loads(self.profiling_scan(waivers, "sarif", self.DAY_AFTER).stdout)
        [located] = sarif["runs"][0]["results"]
        self.assertNotIn("suppressions", located)
        self.assertTrue(located["message"]["text"].endswith(f" (waiver expired {self.EXPIRES}, {waivers}:2)"))

    def test_waivers_that_cover_nothing_are_listed_as_stale(self):
        waivers = self.profiling_waiver("stale.yaml", """  - check: apiserver.authorization-mode.node
    owner: carol
    reason: the check passes on this node
    expires: 2026-06-30
  - check: apiserver.profiling
    node: cp-2
    owner: dave
    reason: another node
    expires: 2026-06-30
""")
        proc = self.run_at(int(EPOCH), *scan_args("kubeadm-control-plane", "--check", "1.2.7,1.2.15", "--format", "json",
                                                  "--waivers", waivers))
        self.assertEqual(proc.returncode, 0, proc.stderr)
        report = json.loads(proc.stdout)
        self.assertEqual(by_id(report)["1.2.7"]["status"], "PASS")
        self.assertNotIn("waiver", by_id(report)["1.2.7"])
        self.assertEqual(report["waivers"]["stale"], [{"source": f"{waivers}:10", "check": "apiserver.authorization-mode.node"},
                                                      {"source": f"{waivers}:14", "check": "apiserver.profiling"}])
        text = self.run_at(int(EPOCH), *scan_args("kubeadm-control-plane", "--check", "1.2.7,1.2.15", "--waivers", waivers))
        self.assertIn(f"stale: {waivers}:10 apiserver.authorization-mode.node covered no finding of this scan (owner carol)\n"
                      f"stale: {waivers}:14 apiserver.profiling covered no finding of this scan (owner dave)\n", text.stdout)

    def test_an_expired_waiver_and_fail_on_warn(self):
        # 1.2.1 is a Manual check: WARN. With --fail-on warn a waived WARN does not count, an unwaived one does.
        waivers = self.write("warn.yaml", """waivers:
  - {check: 1.2.1, owner: alice, reason: anonymous health checks, expires: 2026-12-31}
  - {check: 1.2.15, owner: alice, reason: load test, expires: 2025-12-31}
""")
        proc = self.run_at(int(EPOCH), *scan_args("kubeadm-control-plane", "--check", "1.2.1", "--fail-on", "warn",
                                                  "--format", "json", "--waivers", waivers))
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(by_id(json.loads(proc.stdout))["1.2.1"]["status"], "WARN")
        proc = self.run_at(int(EPOCH), *scan_args("kubeadm-control-plane", "--check", "1.2.1,1.2.15", "--fail-on", "warn",
                                                  "--format", "json", "--waivers", waivers))
        self.assertEqual(proc.returncode, 1, proc.stderr)  # 1.2.15's waiver expired on 2025-12-31
        results = by_id(json.loads(proc.stdout))
        self.assertEqual((results["1.2.1"]["waiver"]["state"], results["1.2.15"]["waiver"]["state"]), ("active", "expired"))

    BROKEN = """waivers:
  - check: 1.2.99
    owner: alice
    reason: r
    expires: 2026-01-31
  - check: 1.2.15
    reason: no owner
    expires: 2026-02-30
  - check: 1.2.16
    owner: bob
    reason: r
    created: 2026-03-01
    expires: 2026-02-01
    team: platform
"""

    def broken_lines(self, path):
        return [f"{path}:2:12: 'check' 1.2.99 is neither a check id nor a check key of benchmark cis-1.12",
                f"{path}:6:5: waiver is missing required key 'owner'",
                f"{path}:8:14: 'expires' must be a date (2026-03-31) or an RFC 3339 time (2026-03-31T18:00:00Z), not '2026-02-30'",
                f"{path}:13:14: 'expires' 2026-02-01 is not after 'created' 2026-03-01: the waiver would never apply",
                f"{path}:14:5: unknown key 'team' in waiver"]

    def test_a_broken_waivers_file_is_exit_2_naming_every_problem(self):
        waivers = self.write("broken.yaml", self.BROKEN)
        out = os.path.join(self.dir, "never.json")
        proc = kubeproof(*scan_args("kubeadm-control-plane", "--format", "json", "--output", out, "--waivers", waivers))
        self.assertEqual((proc.returncode, proc.stdout), (2, ""), proc.stderr)
        located = [line for line in proc.stderr.splitlines() if line.startswith(waivers + ":")]
        self.assertEqual(located, self.broken_lines(waivers))
        self.assertIn(f"kubeproof: 5 problems in the waivers file {waivers}: nothing was scanned\n", proc.stderr)
        self.assertFalse(os.path.exists(out))
        missing = kubeproof(*scan_args("kubeadm-control-plane", "--waivers", os.path.join(self.dir, "absent.yaml")))
        self.assertEqual(missing.returncode, 2)
        self.assertIn("kubeproof: cannot read the waivers file: ", missing.stderr)
        self.assertIn("absent.yaml: No such file or directory", missing.stderr)

    def test_validate_waivers(self):
        good = self.profiling_waiver("valid.yaml", "  - {check: 4.1.9, owner: carol, expires: 2025-12-31}\n")
        proc = kubeproof("validate", "--waivers", good)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(proc.stdout, f"ok: {good}: 2 waivers for cis-1.12, 1 in force at 2026-01-01T00:00:00Z, 1 expired\n"
                                      f"expired: {good}:10: 4.1.9 (expires 2025-12-31, owner carol)\n")
        self.assertEqual(proc.stderr, f"kubeproof: warning: {good}:10:5: the waiver for 4.1.9 gives no 'reason': say why "
                                      "the risk is accepted\n")
        broken = self.write("broken-validate.yaml", self.BROKEN)
        proc = kubeproof("validate", "--waivers", broken)
        self.assertEqual((proc.returncode, proc.stdout), (2, ""))
        self.assertEqual([line for line in proc.stderr.splitlines() if line.startswith(broken + ":")],
                         self.broken_lines(broken))
        self.assertTrue(proc.stderr.endswith(f"kubeproof: 5 problems in the waivers file {broken}\n"), proc.stderr)
        unknown = kubeproof("validate", "--waivers", good, "--benchmark", "cis-0.1")
        self.assertEqual(unknown.returncode, 2)

    def manifests(self, *names):
        args = []
        for name in names:
            args += ["--manifests", peer("madhuakula-kubernetes-goat", "scenarios", name, "deployment.yaml")]
        return args

    def test_a_namespace_waiver_covers_a_section_5_finding_only_when_it_covers_every_object(self):
        waivers = self.write("namespace.yaml", """waivers:
  - check: pods.privileged
    namespace: default
    owner: platform-team
    reason: the system monitor reads the host by design
    expires: 2026-06-30
""")
        one = kubeproof("run", *self.manifests("system-monitor"), "--check", "5.2.2", "--fail-on", "warn",
                        "--format", "json", "--waivers", waivers)
        self.assertEqual(one.returncode, 0, one.stderr)
        result = by_id(json.loads(one.stdout))["5.2.2"]
        self.assertEqual((result["status"], result["findings"]), ("WARN", 1))
        self.assertEqual([e["ref"] for e in result["evidence"]], ["Deployment default/system-monitor-deployment"])
        self.assertEqual((result["waiver"]["namespace"], result["waiver"]["state"]), ("default", "active"))
        # A second privileged object outside the namespace: the waiver must not hide it.
        two = kubeproof("run", *self.manifests("system-monitor", "docker-bench-security"), "--check", "5.2.2",
                        "--fail-on", "warn", "--format", "json", "--waivers", waivers)
        self.assertEqual(two.returncode, 1, two.stderr)
        report = json.loads(two.stdout)
        result = by_id(report)["5.2.2"]
        self.assertEqual(sorted(e["ref"] for e in result["evidence"]),
                         ["DaemonSet docker-bench-security", "Deployment default/system-monitor-deployment"])
        self.assertNotIn("waiver", result)
        self.assertEqual(report["waivers"]["stale"], [{"source": f"{waivers}:2", "check": "pods.privileged"}])

    def test_object_and_selector_waivers_over_manifests(self):
        waivers = self.write("objects.yaml", """waivers:
  - check: 5.2.2
    selector: {name: docker-bench}
    owner: security-team
    reason: CIS benchmark runs need the host
    expires: 2026-06-30
  - check: 5.2.3
    object: DaemonSet/docker-bench-security
    owner: security-team
    reason: CIS benchmark runs need the host PID namespace
    expires: 2026-06-30
""")
        proc = kubeproof("run", *self.manifests("docker-bench-security"), "--check", "5.2.2,5.2.3", "--fail-on", "warn",
                         "--format", "json", "--waivers", waivers)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        results = by_id(json.loads(proc.stdout))
        self.assertEqual(results["5.2.2"]["evidence"][0]["labels"], {"name": "docker-bench"})
        self.assertEqual(results["5.2.2"]["waiver"]["selector"], {"name": "docker-bench"})
        self.assertEqual(results["5.2.3"]["waiver"]["object"], "DaemonSet/docker-bench-security")
        text = kubeproof("run", *self.manifests("docker-bench-security"), "--check", "5.2.2,5.2.3", "--waivers", waivers)
        self.assertIn("[WARN] [WAIVED] 5.2.2 ", text.stdout)
        self.assertIn("[WARN] [WAIVED] 5.2.3 ", text.stdout)
        # With the system monitor too, neither waiver covers every object at fault.
        proc = kubeproof("run", *self.manifests("docker-bench-security", "system-monitor"), "--check", "5.2.2,5.2.3",
                         "--fail-on", "warn", "--format", "json", "--waivers", waivers)
        self.assertEqual(proc.returncode, 1, proc.stderr)
        report = json.loads(proc.stdout)
        self.assertEqual([r.get("waiver") for r in report["results"]], [None, None])
        self.assertEqual(len(report["waivers"]["stale"]), 2)


# ---------------------------------------------------------------------------------------------
# Prometheus metrics (run --metrics-file), checked by promtool and a real node exporter

_SAMPLE = re.compile(r'([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)')
_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?')


def parse_exposition(text):
    """{(name, frozenset of (label, value)): float} of a text exposition's samples; label values are
    unescaped, a series twice is an error."""
    samples = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = _SAMPLE.fullmatch(line)
        if not m:
            raise ValueError(f"not a sample line: {line!r}")
        labels = m.group(2) or ""
        pairs = _LABEL.findall(labels)
        if "".join(f'{k}="{v}",' for k, v in pairs).rstrip(",") != labels.rstrip(","):
            raise ValueError(f"labels not understood: {line!r}")
        unescaped = {(k, re.sub(r'\\(.)', lambda e: "\n" if e.group(1) == "n" else e.group(1), v)) for k, v in pairs}
        key = (m.group(1), frozenset(unescaped))
        if key in samples:
            raise ValueError(f"series twice: {line!r}")
        samples[key] = float(m.group(3))
    return samples


def series(samples, name, **labels):
    """The value of the one sample of `name` whose labels include `labels`."""
    found = [v for (n, ls), v in samples.items() if n == name and set(labels.items()) <= dict(ls).items()]
    if len(found) != 1:
        raise AssertionError(f"{len(found)} samples of {name} with {labels}")
    return found[0]


def need_tool(testcase, name, package):
    path = shutil.which(name)
    if path is None:
        testcase.fail(f"{name} is not installed: install the Debian package {package} (scripts/setup.sh does)")
    return path


class Metrics(unittest.TestCase):
    """run --metrics-file writes the Prometheus text format that promtool accepts and a real
    prometheus-node-exporter serves, agreeing with the JSON report of the same scan."""
    NODE = "kubeadm-control-plane"

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(dir=CFG.tmp, prefix="metrics-")
        cls.textfiles = os.path.join(cls.dir, "textfile")
        os.mkdir(cls.textfiles)
        cls.report_path = os.path.join(cls.dir, "report.json")
        cls.prom = os.path.join(cls.textfiles, "kubeproof.prom")
        cls.proc = kubeproof_bytes(*scan_args(cls.NODE, "--format", "json", "--output", cls.report_path,
                                              "--metrics-file", cls.prom))

    def setUp(self):
        self.exporter = None
        self.exporter_log = None

    def tearDown(self):
        if self.exporter is not None:
            self.exporter.terminate()
            try:
                self.exporter.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.exporter.kill()
                self.exporter.wait()
        if self.exporter_log is not None:
            self.exporter_log.close()

    def written(self):
        self.assertEqual(self.proc.returncode, 1, f"kubeadm has findings; stderr:\n{self.proc.stderr.decode()}")
        with open(self.prom, encoding="utf-8") as f:
            text = f.read()
        with open(self.report_path, encoding="utf-8") as f:
            report = json.load(f)
        return text, report

    def test_file_replaced_atomically_with_mode_0644(self):
        self.written()
        self.assertEqual(dir_entries(self.textfiles), ["kubeproof.prom"])  # no temporary file left
        self.assertEqual(stat.S_IMODE(os.stat(self.prom).st_mode), 0o644)

    def test_promtool_accepts_the_file(self):
        promtool = need_tool(self, "promtool", "prometheus")
        self.written()
        with open(self.prom, "rb") as f:
            proc = subprocess.run([promtool, "check", "metrics"], stdin=f, capture_output=True, text=True, timeout=60)
        self.assertEqual(proc.returncode, 0, f"promtool check metrics:\n{proc.stdout}{proc.stderr}")
        self.assertEqual(proc.stdout + proc.stderr, "", "promtool's lint found problems")

    def test_promtool_refuses_a_broken_file(self):
        """The promtool check above can fail: a second TYPE line for a metric is refused."""
        promtool = need_tool(self, "promtool", "prometheus")
        text, _ = self.written()
        broken = text.replace("# TYPE kubeproof_checks gauge\n", "# TYPE kubeproof_checks gauge\n# TYPE kubeproof_checks gauge\n")
        proc = subprocess.run([promtool, "check", "metrics"], input=broken, capture_output=True, text=True, timeout=60)
        self.assertNotEqual(proc.returncode, 0, proc.stdout + proc.stderr)

    def test_byte_stable_for_the_same_scan_and_clock(self):
        text, _ = self.written()
        again = os.path.join(self.dir, "again.prom")
        proc = kubeproof_bytes(*scan_args(self.NODE, "--format", "json", "--output", os.path.join(self.dir, "r2.json"),
                                          "--metrics-file", again))
        self.assertEqual(proc.returncode, 1, proc.stderr.decode())
        with open(again, encoding="utf-8") as f:
            self.assertEqual(f.read(), text)

    def test_metrics_agree_with_the_json_report(self):
        text, report = self.written()
        samples = parse_exposition(text)
        checks = {dict(ls)["check"]: (dict(ls), v) for (n, ls), v in samples.items() if n == "kubeproof_check_status"}
        self.assertEqual(set(checks), {r["id"] for r in report["results"]})
        for r in report["results"]:
            labels, value = checks[r["id"]]
            self.assertEqual(value, 1)
            self.assertEqual(labels, {"benchmark": r["benchmark"], "check": r["id"], "section": r["group"],
                                      "status": r["status"], "waived": "false"}, r["id"])
        self.assertGreater(report["totals"]["FAIL"], 0)
        for status in STATUSES:
            self.assertEqual(series(samples, "kubeproof_checks", status=status), report["totals"][status], status)
        scan = {"benchmark": report["scan"]["benchmark"], "scope": "node"}
        self.assertEqual(series(samples, "kubeproof_scan_timestamp_seconds", **scan), int(EPOCH))
        self.assertEqual(series(samples, "kubeproof_last_success_timestamp_seconds", **scan), int(EPOCH))
        self.assertEqual(series(samples, "kubeproof_scan_duration_seconds", **scan), 0)
        self.assertEqual(series(samples, "kubeproof_waived_findings", **scan), 0)
        self.assertEqual(series(samples, "kubeproof_definitions_info", **scan,
                                definitions_sha256=report["tool"]["definitions_sha256"], version=VERSION), 1)
        names = {n for n, _ in samples}
        self.assertTrue(all(n.startswith("kubeproof_") for n in names), names)
        for node_text in (report["scan"]["host"], report["results"][0]["title"]):
            self.assertNotIn(node_text, text)  # no node label, no free text

    def test_node_exporter_serves_the_series(self):
        exporter = need_tool(self, "prometheus-node-exporter", "prometheus-node-exporter")
        text, _ = self.written()
        expected = parse_exposition(text)
        port = free_port()
        self.exporter_log = open(os.path.join(self.dir, "node-exporter.log"), "w+", encoding="utf-8")
        self.exporter = subprocess.Popen(
            [exporter, "--collector.disable-defaults", "--collector.textfile",
             f"--collector.textfile.directory={self.textfiles}", f"--web.listen-address=127.0.0.1:{port}"],
            stdout=self.exporter_log, stderr=subprocess.STDOUT, cwd=self.dir)
        served = None
        deadline = time.monotonic() + 20
        while served is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as answer:
                    served = answer.read().decode("utf-8")
            except OSError as err:
                if self.exporter.poll() is not None or time.monotonic() > deadline:
                    self.exporter_log.seek(0)
                    self.fail(f"the node exporter did not answer ({err}); its log:\n{self.exporter_log.read()}")
                time.sleep(0.2)
        got = parse_exposition(served)
        self.assertEqual(got.get(("node_textfile_scrape_error", frozenset())), 0.0, "the collector could not read the file")
        self.assertIn(("node_textfile_mtime_seconds", frozenset({("file", self.prom)})), got)
        ours = {k: v for k, v in got.items() if k[0].startswith("kubeproof_")}
        self.assertEqual(ours, expected)
        self.assertGreater(len(ours), len(STATUSES) + 5)

    def test_unwritable_metrics_file_is_exit_3_and_the_report_is_still_written(self):
        out = os.path.join(self.dir, "still.json")
        missing = os.path.join(self.dir, "no-such-dir", "kubeproof.prom")
        proc = kubeproof(*scan_args(self.NODE, "--format", "json", "--output", out, "--metrics-file", missing))
        self.assertEqual(proc.returncode, 3, proc.stderr)
        self.assertIn(f"kubeproof: cannot write the metrics file: {missing}: ", proc.stderr)
        with open(out, encoding="utf-8") as f:
            self.assertGreater(len(json.load(f)["results"]), 0)

    def test_a_failed_scan_leaves_the_previous_metrics_alone(self):
        """So kubeproof_last_success_timestamp_seconds ages and the PCI DSS 10.7.2 alert fires."""
        prom = os.path.join(self.dir, "kept.prom")
        with open(prom, "w", encoding="utf-8") as f:
            f.write("old\n")
        proc = kubeproof(*scan_args(self.NODE, "--check", "9.9.9", "--metrics-file", prom))
        self.assertEqual(proc.returncode, 2, proc.stderr)
        with open(prom, encoding="utf-8") as f:
            self.assertEqual(f.read(), "old\n")
        unwritable = kubeproof(*scan_args(self.NODE, "--output", os.path.join(self.dir, "nodir", "r.txt"),
                                          "--metrics-file", prom))
        self.assertEqual(unwritable.returncode, 3, unwritable.stderr)
        with open(prom, encoding="utf-8") as f:
            self.assertEqual(f.read(), "old\n")

    def test_metrics_file_and_report_cannot_share_a_path(self):
        same = os.path.join(self.dir, "same.prom")
        proc = kubeproof(*scan_args(self.NODE, "--output", same, "--metrics-file", same))
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertIn(f"kubeproof: --metrics-file and --output name the same file: {same}", proc.stderr)
        self.assertFalse(os.path.exists(same))

    def test_alert_rules_are_valid(self):
        promtool = need_tool(self, "promtool", "prometheus")
        rules = os.path.join(CFG.source, "docs", "kubeproof-alerts.yaml")
        proc = subprocess.run([promtool, "check", "rules", rules], capture_output=True, text=True, timeout=60)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        self.assertIn("SUCCESS: 3 rules found", proc.stdout)
        with open(rules, encoding="utf-8") as f:
            text = f.read()
        self.assertIn("time() - kubeproof_last_success_timestamp_seconds > 26 * 3600", text)


# ---------------------------------------------------------------------------------------------
# period reports: what a period's stored reports show per criterion

class MT19937_64:
    """std::mt19937_64 in plain Python, from the C++ standard's parameters (w=64, n=312, m=156,
    r=31, a=0xB5026F5AA96619E9, u=29, d=0x5555555555555555, s=17, b=0x71D67FFFEDA60000, t=37,
    c=0xFFF7EEE000000000, l=43, f=6364136223846793005): an auditor's own generator."""

    MASK = (1 << 64) - 1

    def __init__(self, seed):
        self.state = [seed & self.MASK]
        for i in range(1, 312):
            previous = self.state[-1]
            self.state.append((6364136223846793005 * (previous ^ (previous >> 62)) + i) & self.MASK)
        self.index = 312

    def next(self):
        if self.index == 312:
            for i in range(312):
                x = (self.state[i] & ~0x7FFFFFFF & self.MASK) | (self.state[(i + 1) % 312] & 0x7FFFFFFF)
                self.state[i] = self.state[(i + 156) % 312] ^ (x >> 1) ^ (0xB5026F5AA96619E9 if x & 1 else 0)
            self.index = 0
        y = self.state[self.index]
        self.index += 1
        y ^= (y >> 29) & 0x5555555555555555
        y ^= (y << 17) & 0x71D67FFFEDA60000
        y ^= (y << 37) & 0xFFF7EEE000000000
        return (y ^ (y >> 43)) & self.MASK


def draw_sample(population, size, seed):
    """The draw the README documents: a partial Fisher-Yates shuffle of [0, population), each step
    taking the first word of MT19937_64(seed) below 2^64 - (2^64 mod r), r the items left."""
    generator, items = MT19937_64(seed), list(range(population))
    for i in range(min(size, population)):
        r = population - i
        word = generator.next()
        while word >= (1 << 64) - (1 << 64) % r:
            word = generator.next()
        j = i + word % r
        items[i], items[j] = items[j], items[i]
    return items[:min(size, population)]


class Element:
    """An element of a parsed HTML page: its tag, attributes, children (elements and strings)."""

    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent, self.children = tag, dict(attrs), parent, []

    def text(self):
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def find_all(self, tag=None, **attrs):
        """Descendant elements of this tag (any when None) whose attributes have these values
        (class_ matches one of the classes)."""
        out = []
        for c in self.children:
            if isinstance(c, str):
                continue
            classes = (c.attrs.get("class") or "").split()
            if (tag is None or c.tag == tag) and all(
                    (v in classes) if k == "class_" else c.attrs.get(k) == v for k, v in attrs.items()):
                out.append(c)
            out.extend(c.find_all(tag, **attrs))
        return out

    def find(self, tag=None, **attrs):
        found = self.find_all(tag, **attrs)
        return found[0] if found else None

    def cells(self):
        """The text of each cell of each row of a table, row by row."""
        return [[c.text() for c in row.children if not isinstance(c, str) and c.tag in ("td", "th")]
                for row in self.find_all("tr")]


class PageParser(HTMLParser):
    """Python's html.parser made into a tree, with everything a self-contained page must not have
    noted: elements that load or run something, attributes that point outside the page, styles
    that import or fetch."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {}, None)
        self.current, self.tags, self.external, self.styles = self.root, [], [], []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        element = Element(tag, attrs, self.current)
        self.current.children.append(element)
        self.tags.append(tag)
        for name, value in attrs:
            value = (value or "").strip().lower()
            if name in ("href", "src", "srcset", "action", "data", "poster", "xlink:href") and not value.startswith("#"):
                self.external.append((tag, name, value))
            if "url(" in value or value.startswith(("http:", "https:", "//", "ftp:", "javascript:")):
                self.external.append((tag, name, value))
            if name.startswith("on"):
                self.external.append((tag, name, value))
        if tag not in self.VOID:
            self.current = element

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID:
            self.current = self.current.parent

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)
        if self.current.tag == "style":
            self.styles.append(data)


def png_pixels(path):
    """(width, height, number of distinct pixel values) of an 8-bit RGB or RGBA PNG, decoded here
    with zlib and PNG's five row filters."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise AssertionError(f"{path} is not a PNG")
    pos, idat, header = 8, [], None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", data[pos + 8:pos + 8 + length])
        elif kind == b"IDAT":
            idat.append(data[pos + 8:pos + 8 + length])
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or interlace != 0 or colour not in (2, 6):
        raise AssertionError(f"{path}: an 8-bit RGB or RGBA PNG without interlacing was expected, not {header}")
    bpp = 3 if colour == 2 else 4
    stride, raw = width * bpp, zlib.decompress(b"".join(idat))
    previous, seen = bytearray(stride), set()
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if kind == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 255
        elif kind == 2:
            line = bytearray((a + b) & 255 for a, b in zip(line, previous))
        elif kind in (3, 4):
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b, c = previous[i], (previous[i - bpp] if i >= bpp else 0)
                if kind == 3:
                    line[i] = (line[i] + ((a + b) >> 1)) & 255
                else:
                    p = a + b - c
                    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        seen.update(bytes(line[i:i + bpp]) for i in range(0, stride, bpp))
        previous = line
    return width, height, len(seen)


CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                  "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium(page, *args, timeout=120):
    """Runs Debian's headless Chromium over a local page with a fresh profile and HOME; returns stdout.
    A missing chromium fails the test: CI must run it (scripts/setup.sh installs it)."""
    binary = shutil.which("chromium")
    if binary is None:
        raise AssertionError("chromium is missing: the HTML report is tested in a real browser; install Debian's "
                             "chromium package (scripts/setup.sh does)")
    home = tempfile.mkdtemp(dir=CFG.tmp, prefix="chromium-")
    environment = dict(base_env(), HOME=home)
    proc = subprocess.run([binary, *CHROMIUM_FLAGS, f"--user-data-dir={os.path.join(home, 'profile')}", *args,
                           "file://" + os.path.abspath(page)],
                          capture_output=True, text=True, env=environment, cwd=home, timeout=timeout)
    if proc.returncode != 0:
        raise AssertionError(f"chromium {' '.join(args)} exited {proc.returncode}: {proc.stderr[-2000:]}")
    return proc.stdout


def oscal_criterion(control):
    """The criterion id of an OSCAL control id as docs/oscal.md maps it: an id that starts with "_" is the
    rest with each "_XX" a byte in hex; any other is the id itself."""
    if not control.startswith("_"):
        return control
    return re.sub(rb"_([0-9A-F]{2})", lambda m: bytes.fromhex(m.group(1).decode()), control[1:].encode()).decode()


def oscal_props(item):
    """The props of an OSCAL object as {name: value} (the last of a repeated name)."""
    return {p["name"]: p["value"] for p in item.get("props", [])}


def oscal_walk(node, key):
    """Every value of `key` anywhere in a JSON document."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k == key:
                yield v
            yield from oscal_walk(v, key)
    elif isinstance(node, list):
        for v in node:
            yield from oscal_walk(v, key)


class PeriodReport(unittest.TestCase):
    """`kubeproof report` (issue 11) over a store of real, signed scans of two example nodes across
    eight simulated days (2026-01-02 to 2026-01-09): cp-1 (kubeadm) regresses on day 4 (its API server
    manifest made mode 666) and is fixed on day 7, has no scan on day 5, and is scanned with a waiver
    of its 1.2.15 FAIL that expires on day 4 (2026-01-05); worker-1 scans every day. Text, JSON and
    CSV agree on the population, every exception (date, node, file, SHA-256), the gap, the waiver and
    the statuses, and say when each started and ended; the trail comes first in each; an altered
    report shows at the top; the sample is drawn again in Python. The HTML page says the same, loads
    nothing, escapes what reports carry, and is rendered, screenshot and printed to PDF by Chromium."""

    DAY = 86400
    DAYS = range(1, 9)
    MISSING = 5          # cp-1 has no scan that day
    DRIFT = (4, 7)       # cp-1's manifest is mode 666 from day 4 until day 7
    EXPIRES = "2026-01-05"  # the waiver holds through day 4 (2026-01-05T23:59:59Z)

    @classmethod
    def setUpClass(cls):
        if shutil.which("openssl") is None:
            raise unittest.SkipTest("openssl is missing")
        cls.dir = tempfile.mkdtemp(dir=CFG.tmp, prefix="period-")
        cls.key, cls.pub = os.path.join(cls.dir, "sign.pem"), os.path.join(cls.dir, "sign.pub")
        subprocess.run(["openssl", "genpkey", "-algorithm", "ed25519", "-out", cls.key], check=True, capture_output=True)
        subprocess.run(["openssl", "pkey", "-in", cls.key, "-pubout", "-out", cls.pub], check=True, capture_output=True)
        cls.cp_root = os.path.join(cls.dir, "cp-1")
        script = os.path.join(CFG.source, "tests", "fixtures", "materialize.py")
        subprocess.run([sys.executable, script, os.path.join(CFG.source, "examples", "nodes", "kubeadm-control-plane"),
                        cls.cp_root], check=True, capture_output=True)
        manifest = os.path.join(cls.cp_root, "etc", "kubernetes", "manifests", "kube-apiserver.yaml")
        cls.waivers = os.path.join(cls.dir, "waivers.yaml")
        with open(cls.waivers, "w", encoding="utf-8") as f:
            f.write(f"waivers:\n  - check: 1.2.15\n    node: cp-1\n    owner: alice@example.com\n"
                    f"    approver: bob@example.com\n    reason: profiling stays on until the load tests end\n"
                    f"    ticket: SEC-12\n    created: 2026-01-01\n    expires: {cls.EXPIRES}\n")
        cls.store = os.path.join(cls.dir, "store")
        for day in cls.DAYS:
            if day in cls.DRIFT:
                os.chmod(manifest, 0o666 if day == cls.DRIFT[0] else 0o600)
            if day != cls.MISSING:
                cls.scan(cls.cp_root, day, "cp-1", "--waivers", cls.waivers)
            cls.scan(node_root("worker-json-config"), day, "worker-1")

    @classmethod
    def scan(cls, root, day, node, *extra, store=None, cluster="demo"):
        environment = dict(base_env(), SOURCE_DATE_EPOCH=str(int(EPOCH) + day * cls.DAY))
        args = ["run", "--root", root, "--proc", os.path.join(root, "proc"), "--format", "json", "--store",
                store or cls.store, "--cluster", cluster, "--node-name", node, "--sign-key", cls.key, *extra]
        proc = subprocess.run([CFG.binary, *args], capture_output=True, text=True, env=environment, cwd=CFG.tmp, timeout=60)
        validate_run_output(args, proc, cwd=CFG.tmp)
        if proc.returncode not in (0, 1):
            raise AssertionError(f"scan of {node} on day {day}: {proc.stderr}")

    @classmethod
    def at(cls, day):
        return datetime.datetime.fromtimestamp(int(EPOCH) + day * cls.DAY, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

    def stored(self, store=None):
        """(started_at, node, file, sha256) of every stored report, read by Python, by start then node then file."""
        out = []
        for directory, _, files in os.walk(store or self.store):
            for name in files:
                if name.endswith(".json"):
                    path = os.path.join(directory, name)
                    with open(path, "rb") as f:
                        data = f.read()
                    scan = json.loads(data)["scan"]
                    out.append((scan["started_at"], scan["node"], path, hashlib.sha256(data).hexdigest()))
        return sorted(out)

    def report(self, *args, store=None, expect_rc=1):
        proc = kubeproof("report", "--framework", "soc2", *args, store or self.store, timeout=120)
        self.assertEqual(proc.returncode, expect_rc, proc.stderr + proc.stdout[:2000])
        return proc.stdout

    def catalogue(self, framework="soc2"):
        with open(os.path.join(CFG.source, "frameworks", f"{framework}.yaml"), encoding="utf-8") as f:
            text = f.read()
        block = text[text.index("\ncriteria:\n"):text.index("\nmappings:\n")]
        return re.findall(r'^  - id: "?([^"\s]+)"?$', block, re.M)

    def test_text_json_and_csv_agree_on_population_exceptions_gap_and_statuses(self):
        options = ("--every", "24h", "--key", self.pub)
        doc = json.loads(self.report(*options, "--format", "json"))
        text = self.report(*options)
        rows = list(csv.DictReader(io.StringIO(self.report(*options, "--format", "csv"), newline="")))
        stored = self.stored()
        self.assertEqual(len(stored), 15)
        # The trail comes first: one gap, cp-1's missing day, with its start, end and duration.
        self.assertEqual(list(doc)[:2], ["schema", "trail"])
        gap = (self.at(4), self.at(6), 2 * self.DAY)
        self.assertEqual([(p["kind"], p["start"], p["end"], p["seconds"]) for p in doc["trail"]["problems"]], [("gap", *gap)])
        self.assertTrue(doc["trail"]["signatures_checked"])
        self.assertEqual(text.splitlines()[4], "TRAIL: NOT intact: 1 problem (gap: 1) in 15 reports of 2 series; signatures checked")
        self.assertEqual({r["trail"] for r in rows}, {"NOT intact: 1 problem (gap: 1)"})
        self.assertEqual(list(rows[0])[0], "trail")
        # The period and the population: the store's files, read and hashed by Python.
        self.assertEqual((doc["period"]["from"], doc["period"]["to"], doc["period"]["expected_per_node"]), (self.at(1), self.at(9), 8))
        self.assertEqual([(s["started_at"], s["node"], s["file"], s["sha256"]) for s in doc["scans"]], stored)
        nodes = {n["node"]: n for n in doc["population"]["nodes"]}
        self.assertEqual({n: (v["expected"], v["found"]) for n, v in nodes.items()}, {"cp-1": (8, 7), "worker-1": (8, 8)})
        series = "node.cp-1.cis-1.12.master+etcd+controlplane+node"
        self.assertEqual(doc["population"]["missed_scans"],
                         [{"cluster": "demo", "node": "cp-1", "series": series, "start": gap[0], "end": gap[1], "seconds": gap[2]}])
        self.assertIn(f"  demo/cp-1 (series {series}): no scan from {gap[0]} to {gap[1]}: 2d 0h 0m\n", text)
        self.assertIn(f"  demo/cp-1: expected 8, found 7; first {self.at(1)}, last {self.at(8)}; missed 1 gap, 2d 0h 0m;", text)
        self.assertIn(f"  demo/worker-1: expected 8, found 8; first {self.at(1)}, last {self.at(8)}; missed none;", text)
        # The regression: 1.1.1 on cp-1 failed on days 4 and 6 and passed again on day 7.
        regression = next(c for c in doc["checks"] if c["id"] == "1.1.1")
        cp1 = next(n for n in regression["nodes"] if n["node"] == "cp-1")
        failing = [s for s in stored if s[1] == "cp-1" and s[0] in (self.at(4), self.at(6))]
        self.assertEqual([(e["started_at"], e["node"], e["status"], e["file"], e["sha256"]) for e in cp1["exceptions"]],
                         [(t, n, "FAIL", f, h) for t, n, f, h in failing])
        self.assertEqual(cp1["longest_failing_streak"], {"scans": 2, "seconds": 3 * self.DAY, "first": self.at(4), "last": self.at(6),
                                                         "ended_by": self.at(7), "ongoing": False})
        self.assertEqual((cp1["scans"], cp1["passed"], cp1["share_passed"], cp1["status_now"]), (7, 5, 0.7143, "PASS"))
        self.assertEqual([n["node"] for n in regression["nodes"]], ["cp-1"], "the worker has no control-plane checks")
        # Every exception of the JSON is a line of the text, and nothing else is.
        exceptions = [(e, c) for c in doc["checks"] for n in c["nodes"] for e in n["exceptions"]]
        self.assertEqual(len(exceptions), doc["summary"]["exceptions"])
        for e, _ in exceptions:
            waiver = "no waiver" if e["waiver"] is None else \
                f"waiver W{e['waiver'] + 1} {e['waiver_state']}{'' if e['covered'] else ' (not covered)'}"
            self.assertIn(f"    [{e['status']}] {e['started_at']} demo/{e['node']} {e['file']} sha256 {e['sha256']} {waiver}\n", text)
        self.assertEqual(len(re.findall(r"^    \[[A-Z]+\] \d{4}-", text, re.M)), len(exceptions))
        # Every (criterion, check, node) of the JSON is a CSV row with the same figures.
        csv_rows = {(r["criterion"], r["check id"], r["node"]): r for r in rows}
        streak = lambda s: (str(s["scans"]), str(s["seconds"]), s["first"], s["ended_by"] or "ongoing") if s else ("0", "0", "", "")
        for c in doc["checks"]:
            for n in c["nodes"]:
                for k in c["criteria"]:
                    r = csv_rows[(k, c["id"], n["node"])]
                    self.assertEqual((r["expected scans"], r["found scans"], r["scans with a result"], r["passed"], r["exceptions"],
                                      r["first failure"], r["last failure"], r["status now"], r["share passed"]),
                                     (str(n["expected"]), str(n["found"]), str(n["scans"]), str(n["passed"]), str(len(n["exceptions"])),
                                      n["first_failure"] or "", n["last_failure"] or "", n["status_now"] or "",
                                      f"{n['share_passed']:g}"), (k, c["id"], n["node"]))
                    self.assertEqual((r["longest failing streak (scans)"], r["longest failing streak (seconds)"],
                                      r["longest failing streak from"], r["longest failing streak until"]),
                                     streak(n["longest_failing_streak"]))
                    self.assertEqual((r["waived scans"], r["unwaived exceptions"], r["waiver sources"]),
                                     (str(n["covered"]), str(n["uncovered"]),
                                      "; ".join(doc["waivers"][u["waiver"]]["source"] for u in n["waivers"])))
        self.assertEqual(csv_rows[("CC6.1", "1.1.1", "cp-1")]["longest failing streak until"], self.at(7))
        # Byte-stable: the same period twice is the same bytes.
        self.assertEqual(self.report(*options), text)

    def test_a_waiver_that_expires_mid_period(self):
        options = ("--every", "24h", "--key", self.pub)
        doc = json.loads(self.report(*options, "--format", "json"))
        source = f"{self.waivers}:2"
        self.assertEqual(doc["waivers"], [{
            "source": source, "check": "1.2.15", "owner": "alice@example.com", "approver": "bob@example.com",
            "reason": "profiling stays on until the load tests end", "ticket": "SEC-12", "created": "2026-01-01",
            "expires": self.EXPIRES, "scope": {"node": "cp-1"}}])
        check = next(c for c in doc["checks"] if c["id"] == "1.2.15")
        [cp1] = check["nodes"]
        covered_days, expired_days = [1, 2, 3, 4], [6, 7, 8]  # no scan on day 5
        self.assertEqual([(e["started_at"], e["status"], e["waiver"], e["waiver_state"], e["covered"]) for e in cp1["exceptions"]],
                         [(self.at(d), "FAIL", 0, "active", True) for d in covered_days] +
                         [(self.at(d), "FAIL", 0, "expired", False) for d in expired_days])
        use = {"waiver": 0, "covered": 4, "expired": 3, "first_covered": self.at(1), "last_covered": self.at(4),
               "first_expired": self.at(6)}
        self.assertEqual((cp1["covered"], cp1["uncovered"], cp1["waivers"]), (4, 3, [use]))
        for k in (k for k in doc["criteria"] if doc["checks"].index(check) in k["checks"]):
            self.assertIn(use, k["waivers"], k["id"])
            self.assertIn("1.2.15: did not pass in 7 of 7 scans on 1 node (demo/cp-1), 4 covered by a waiver", k["reasons"])
        # The covered FAILs do not count for the exit code; the expired ones do.
        unwaived = sum(1 for c in doc["checks"] for n in c["nodes"] for e in n["exceptions"]
                       if e["status"] in ("FAIL", "ERROR") and not e["covered"])
        self.assertEqual(doc["summary"]["uncovered_failures"], unwaived)
        text = self.report(*options)
        self.assertIn(f"  W1 {source}: check 1.2.15, owner alice@example.com, approver bob@example.com, created 2026-01-01, "
                      f"expires {self.EXPIRES}, ticket SEC-12: profiling stays on until the load tests end; node cp-1\n", text)
        self.assertIn(f"    W1 ({source}, owner alice@example.com, expires {self.EXPIRES}): covered 4 scans, {self.at(1)} to "
                      f"{self.at(4)}; attached but not covering (expired) on 3 scans from {self.at(6)}\n", text)
        self.assertIn(f"  demo/cp-1: 7 scans: passed 0 (0.0%), exceptions 7 (4 covered by a waiver), not evaluated 0, without a result 0; "
                      f"status now FAIL ({self.at(8)})\n", text)
        rows = list(csv.DictReader(io.StringIO(self.report(*options, "--format", "csv"), newline="")))
        [row] = [r for r in rows if r["check id"] == "1.2.15" and r["criterion"] == check["criteria"][0]]
        self.assertEqual((row["waived scans"], row["unwaived exceptions"], row["waiver sources"], row["status now"]),
                         ("4", "3", source, "FAIL"))

    def test_oscal_validates_against_nists_schema_and_agrees_with_json(self):
        options = ("--every", "24h", "--key", self.pub)
        doc = json.loads(self.report(*options, "--format", "json"))
        text = self.report(*options, "--format", "oscal")  # validate_run_output checks it against NIST's schema
        self.assertEqual(oscal_errors(json.loads(text)), [])
        self.assertEqual(self.report(*options, "--format", "oscal"), text, "the same command twice gives the same bytes")
        ar = json.loads(text)["assessment-results"]
        self.assertEqual((ar["metadata"]["oscal-version"], ar["metadata"]["last-modified"], ar["metadata"]["version"]),
                         ("1.0.6", doc["generated_at"], doc["tool"]["version"]))
        [result] = ar["results"]
        self.assertEqual((result["start"], result["end"]), (doc["period"]["from"], doc["period"]["to"]))
        # The trail comes first: in the title, the description's first line and the first finding.
        self.assertTrue(result["title"].startswith("[TRAIL NOT INTACT] "), result["title"])
        self.assertTrue(result["description"].startswith(
            "TRAIL: NOT intact: 1 problem (gap: 1) in 15 reports of 2 series; signatures checked."), result["description"])
        resources = {r["uuid"]: r for r in ar["back-matter"]["resources"]}
        plan = resources[ar["import-ap"]["href"].removeprefix("#")]
        self.assertIn("no OSCAL assessment plan", plan["description"])
        for v in doc["population"]["versions"]:
            self.assertIn(f"kubeproof {v['tool_version']}, definitions {v['definitions_sha256']}: {v['scans']} scans", plan["description"])
        [tool] = result["local-definitions"]["assessment-assets"]["components"]
        self.assertEqual((tool["title"], tool["type"]), ("kubeproof", "software"))
        # The population: an observation per scan, in order, with the JSON's time, node, file and SHA-256 (and Python's).
        scans = [o for o in result["observations"] if o.get("types") == ["control-objective"]]
        self.assertEqual(len(scans), len(doc["scans"]))
        for o, s, stored in zip(scans, doc["scans"], self.stored()):
            p = oscal_props(o)
            [evidence] = o["relevant-evidence"]
            [rlink] = resources[evidence["href"].removeprefix("#")]["rlinks"]
            self.assertEqual((o["collected"], p["cluster"], p["node"], p["series"], p["seq"], p["definitions-sha256"],
                              urllib.parse.unquote(rlink["href"]), rlink["hashes"]),
                             (s["started_at"], s["cluster"], s["node"], s["series"], str(s["seq"]), s["definitions_sha256"],
                              s["file"], [{"algorithm": "SHA-256", "value": s["sha256"]}]))
            self.assertEqual((s["started_at"], s["node"], s["file"], s["sha256"]), stored)
            self.assertEqual((o["methods"], o["origins"]), (["TEST"], [{"actors": [{"type": "tool", "actor-uuid": tool["uuid"]}]}]))
        # A finding per criterion after the trail's, with the JSON's verdict and reasons; the control ids reviewed.
        trail, criteria = result["findings"][0], result["findings"][1:]
        self.assertEqual((trail["target"]["target-id"], trail["target"]["status"]["state"]), ("kubeproof-evidence-trail", "not-satisfied"))
        self.assertEqual([oscal_props(f["target"])["criterion-id"] for f in criteria], [k["id"] for k in doc["criteria"]])
        self.assertEqual([f["target"]["target-id"] for f in criteria],
                         [c["control-id"] for c in result["reviewed-controls"]["control-selections"][0]["include-controls"]])
        verdicts = {"passing throughout": ("satisfied", "pass"), "with exceptions": ("not-satisfied", "fail"),
                    "never evidenced": ("not-satisfied", "other")}
        related = {}
        for f, k in zip(criteria, doc["criteria"]):
            self.assertEqual((f["target"]["status"]["state"], f["target"]["status"]["reason"]), verdicts[k["verdict"]], k["id"])
            for reason in k["reasons"]:
                self.assertIn(f"\n- {reason}", f["description"])
            # And, check by check and node by node, when its exceptions started and ended.
            for n, c in ((n, doc["checks"][i]) for i in k["checks"] for n in doc["checks"][i]["nodes"] if n["exceptions"]):
                self.assertIn(f"\n- {c['id']} on demo/{n['node']}: did not pass in {len(n['exceptions'])} of {n['scans']} scans (", f["remarks"])
                self.assertIn(f"first {n['first_failure']}, last {n['last_failure']}", f["remarks"])
            # Its related observations are exactly the scans in which one of its checks did not pass, each once.
            failing = sorted({e["scan"] for i in k["checks"] for n in doc["checks"][i]["nodes"] for e in n["exceptions"]})
            related[k["id"]] = [r["observation-uuid"] for r in f.get("related-observations", [])]
            self.assertEqual(related[k["id"]], [scans[i]["uuid"] for i in failing], k["id"])
        self.assertEqual(sum(v == ("satisfied", "pass") for v in ((f["target"]["status"]["state"], f["target"]["status"]["reason"]) for f in criteria)),
                         sum(k["verdict"] == "passing throughout" for k in doc["criteria"]))
        regression = [scans[i]["uuid"] for i, s in enumerate(doc["scans"]) if s["node"] == "cp-1" and s["started_at"] in (self.at(4), self.at(6))]
        self.assertTrue(set(regression) <= set(related["CC6.1"]), "1.1.1's regression on cp-1 is among CC6.1's observations")
        cc61 = criteria[[k["id"] for k in doc["criteria"]].index("CC6.1")]
        self.assertIn(f"\n- 1.1.1 on demo/cp-1: did not pass in 2 of 7 scans (FAIL 2), first {self.at(4)}, last {self.at(6)}; "
                      f"longest failing streak 2 scans (3d 0h 0m) from {self.at(4)} until {self.at(7)}; status now PASS ({self.at(8)})\n",
                      cc61["remarks"])
        # The gap: an observation with its start, end and duration, related to the trail's finding.
        [gap] = [o for o in result["observations"] if o.get("types") == ["finding"]]
        self.assertEqual({k: oscal_props(gap)[k] for k in ("node", "gap-start", "gap-end", "gap-seconds")},
                         {"node": "cp-1", "gap-start": self.at(4), "gap-end": self.at(6), "gap-seconds": str(2 * self.DAY)})
        self.assertEqual(trail["related-observations"], [{"observation-uuid": gap["uuid"]}])
        # The waiver: a risk, approved for 4 scans, expired on 3, each with its dates; its criteria name it.
        [risk] = result["risks"]
        p = oscal_props(risk)
        self.assertEqual({k: p[k] for k in ("check", "owner", "approver", "ticket", "expires", "covered", "first-covered",
                                            "last-covered", "expired", "first-expired", "last-expired")},
                         {"check": "1.2.15", "owner": "alice@example.com", "approver": "bob@example.com", "ticket": "SEC-12",
                          "expires": self.EXPIRES, "covered": "4", "first-covered": self.at(1), "last-covered": self.at(4),
                          "expired": "3", "first-expired": self.at(6), "last-expired": self.at(8)})
        self.assertEqual(risk["status"], "open")
        self.assertEqual([(e["status-change"], e["start"], e["end"]) for e in risk["risk-log"]["entries"]],
                         [("deviation-approved", self.at(1), self.at(4)), ("open", self.at(6), self.at(8))])
        waived = [scans[i]["uuid"] for i, s in enumerate(doc["scans"]) if s["node"] == "cp-1"]
        self.assertEqual([r["observation-uuid"] for r in risk["related-observations"]], waived)
        check = next(i for i, c in enumerate(doc["checks"]) if c["id"] == "1.2.15")
        for f, k in zip(criteria, doc["criteria"]):
            self.assertEqual(f.get("related-risks"), [{"risk-uuid": risk["uuid"]}] if check in k["checks"] else None, k["id"])
            if check in k["checks"]:
                self.assertIn(f"; waiver W1 covered 4 ({self.at(1)} to {self.at(4)}), expired on 3 from {self.at(6)}", f["remarks"])
        # Every UUID is unique, and every reference points at something the document defines.
        uuids = list(oscal_walk(ar, "uuid"))
        self.assertEqual(len(uuids), len(set(uuids)))
        observations = {o["uuid"] for o in result["observations"]}
        self.assertTrue(set(oscal_walk(ar, "observation-uuid")) <= observations)
        self.assertTrue({h.removeprefix("#") for h in oscal_walk(ar, "href") if h.startswith("#")} <= set(resources))
        self.assertEqual(set(oscal_walk(ar, "actor-uuid")), {tool["uuid"]})
        self.assertTrue(set(oscal_walk(ar, "subject-uuid")) <=
                        {i["uuid"] for i in result["local-definitions"]["inventory-items"] + result["local-definitions"]["components"]})

    def test_the_oscal_schema_check_can_fail(self):
        document = json.loads(self.report("--every", "24h", "--format", "oscal"))
        self.assertEqual(oscal_errors(document), [])
        result = document["assessment-results"]["results"][0]
        breakages = {
            "a bad uuid": (lambda d: d["assessment-results"]["results"][0]["observations"][0].update(uuid="scan-1"), "uuid"),
            "a missing required field": (lambda d: d["assessment-results"]["metadata"].pop("last-modified"), "last-modified"),
            "a control id that is no token": (lambda d: d["assessment-results"]["results"][0]["reviewed-controls"]
                                              ["control-selections"][0]["include-controls"][0].update({"control-id": "1.2.3"}), "1.2.3"),
            "a time without its zone": (lambda d: d["assessment-results"]["results"][0].update(start="2026-01-02T00:00:00"), "start"),
            "a property OSCAL does not have": (lambda d: d["assessment-results"]["results"][0]["findings"][0].update(verdict="x"), "verdict"),
        }
        self.assertIn("reviewed-controls", result)
        for name, (breakage, word) in breakages.items():
            with self.subTest(name):
                broken = json.loads(json.dumps(document))
                breakage(broken)
                errors = oscal_errors(broken)
                self.assertTrue(errors and any(word in e for e in errors), errors)

    def test_oscal_control_ids_map_back_to_the_criteria(self):
        proc = kubeproof("report", "--framework", "pci-dss", "--every", "24h", "--format", "oscal", self.store, timeout=120)
        self.assertEqual(proc.returncode, 1, proc.stderr)  # and validate_run_output validated it
        result = json.loads(proc.stdout)["assessment-results"]["results"][0]
        controls = [c["control-id"] for c in result["reviewed-controls"]["control-selections"][0]["include-controls"]]
        self.assertEqual([oscal_criterion(c) for c in controls], self.catalogue("pci-dss"))
        self.assertEqual(controls[:2], ["_1", "_1.2.1"])
        for f in result["findings"][1:]:
            self.assertEqual(oscal_criterion(f["target"]["target-id"]), oscal_props(f["target"])["criterion-id"])
            self.assertTrue(f["title"].startswith(oscal_props(f["target"])["criterion-id"] + " "), f["title"])

    def test_every_criterion_of_the_catalogue_with_its_verdict(self):
        doc = json.loads(self.report("--every", "24h", "--format", "json"))
        self.assertEqual([k["id"] for k in doc["criteria"]], self.catalogue())
        verdicts = {k["id"]: k for k in doc["criteria"]}
        self.assertEqual((verdicts["CC1.1"]["verdict"], verdicts["CC1.1"]["reasons"]), ("never evidenced", ["no check supports it"]))
        cc61 = verdicts["CC6.1"]
        self.assertEqual(cc61["verdict"], "with exceptions")
        self.assertIn("1.1.1: did not pass in 2 of 7 scans on 1 node (demo/cp-1), 0 covered by a waiver", cc61["reasons"])
        self.assertIn("demo/cp-1: missed scans: 1 gap, 2d 0h 0m in all", cc61["reasons"])
        self.assertEqual(cc61["exceptions_count"], sum(len(n["exceptions"]) for i in cc61["checks"] for n in doc["checks"][i]["nodes"]))
        csv_rows = list(csv.DictReader(io.StringIO(self.report("--every", "24h", "--format", "csv"), newline="")))
        self.assertEqual(list(dict.fromkeys(r["criterion"] for r in csv_rows)), self.catalogue())
        self.assertEqual([(r["verdict"], r["check id"], r["node"]) for r in csv_rows if r["criterion"] == "CC1.1"], [("never evidenced", "", "")])
        text = self.report("--every", "24h")
        self.assertIn("CC1.1 The entity shows commitment to integrity and ethical values: never evidenced\n  - no check supports it\n", text)

    def test_a_scan_narrowed_with_check_is_no_pass_of_the_checks_it_left_out(self):
        # cp-1 ran every check on days 1 and 2, then `run --check 1.2.15` on days 3 and 4, into the
        # same series. The checks left out were judged in two scans of four: never "passing
        # throughout" (the criteria their PASSes on days 1-2 support used to say so).
        store = os.path.join(self.dir, "narrowed")
        for day in (1, 2, 3, 4):
            self.scan(self.cp_root, day, "cp-1", *(() if day <= 2 else ("--check", "1.2.15")), store=store)
        args = ("--every", "24h", "--key", self.pub, "--format", "json")
        text = self.report(*args, store=store)
        validate_period(text)
        doc = json.loads(text)
        self.assertEqual(len(doc["scans"]), 4)
        judged = 0
        for check in doc["checks"]:
            if not check["ran"]:
                continue
            [node] = check["nodes"]
            if check["id"] == "1.2.15":
                self.assertEqual((node["scans"], node["without_result"]), (4, 0))
            else:
                judged += 1
                self.assertEqual((node["scans"], node["without_result"], node["status_now"]), (2, 2, None), check["id"])
        self.assertGreater(judged, 50)
        verdicts = {k["id"]: k for k in doc["criteria"]}
        self.assertEqual([k for k, v in verdicts.items() if v["verdict"] == "passing throughout"], [])
        for k in verdicts.values():
            if k["verdict"] == "with exceptions" and not any("1.2.15" == doc["checks"][i]["id"] for i in k["checks"]):
                self.assertTrue(any("no result in 2 scans on 1 node (demo/cp-1)" in r for r in k["reasons"]), k)
        # The same figures from the store's index, and in CSV and text.
        self.assertEqual(kubeproof("index", store, "--key", self.pub, "--sign-key", self.key).returncode, 0)
        self.assertEqual(self.report(*args, store=store), text)
        rows = list(csv.DictReader(io.StringIO(self.report("--every", "24h", "--format", "csv", store=store), newline="")))
        self.assertEqual({r["scans without a result"] for r in rows if r["check id"] == "1.1.1"}, {"2"})
        self.assertIn("2 scans: passed 2 (100.0%), exceptions 0 (0 covered by a waiver), not evaluated 0, "
                      "without a result 2; status now not in its last scan", self.report("--every", "24h", store=store))

    def test_a_node_of_the_inventory_that_sent_no_report_is_no_pass_of_its_cluster(self):
        # Two days of node scans of cp-1 (hardened) and worker-1 and of cluster scans over the API, whose
        # inventory also names worker-2: worker-2 never sent a report, so no criterion that nodes of
        # the cluster evidenced is "passing throughout" (with or without --every). The same store
        # with an inventory of the two reporting nodes is the control.
        objects = os.path.join(self.dir, "inventory-objects")
        os.makedirs(objects, exist_ok=True)
        kube_system = {"kind": "Namespace", "apiVersion": "v1", "metadata": {"name": "kube-system", "uid": "6f1c2a9e-0000-4000-8000-0000000000a1"}}
        with open(os.path.join(objects, "namespaces.json"), "w", encoding="utf-8") as f:
            json.dump([kube_system], f)

        def nodes(*names):
            with open(os.path.join(objects, "nodes.json"), "w", encoding="utf-8") as f:
                json.dump([{"kind": "Node", "apiVersion": "v1", "metadata": {"name": n, "creationTimestamp": "2025-06-01T10:00:00Z"},
                            "status": {"nodeInfo": {"kubeletVersion": "v1.31.2"}}} for n in names], f)

        hardened = os.path.join(self.dir, "hardened-cp-1")  # passes most checks
        subprocess.run([sys.executable, os.path.join(CFG.source, "tests", "fixtures", "materialize.py"),
                        os.path.join(CFG.source, "examples", "nodes", "hardened-control-plane"), hardened],
                       check=True, capture_output=True)
        verdicts = {}
        for inventory in (("cp-1", "worker-1"), ("cp-1", "worker-1", "worker-2")):
            store = os.path.join(self.dir, "inventory-" + str(len(inventory)))
            nodes(*inventory)
            server = FakeApiServer(objects)
            try:
                config = server.kubeconfig(os.path.join(self.dir, f"kubeconfig-inventory-{len(inventory)}.json"))
                for day in (1, 2):
                    self.scan(hardened, day, "cp-1", store=store)
                    self.scan(node_root("worker-json-config"), day, "worker-1", store=store)
                    environment = dict(base_env(), SOURCE_DATE_EPOCH=str(int(EPOCH) + day * self.DAY))
                    proc = subprocess.run([CFG.binary, "run", "--targets", "policies", "--kubeconfig", config, "--format", "json",
                                           "--store", store, "--cluster", "demo", "--sign-key", self.key],
                                          capture_output=True, text=True, env=environment, timeout=60)
                    self.assertIn(proc.returncode, (0, 1), proc.stderr)
            finally:
                server.stop()
            for every in (("--every", "24h"), ()):
                expect = 1 if every or len(inventory) == 3 else None
                proc = kubeproof("report", "--framework", "soc2", *every, "--key", self.pub, "--format", "json", store, timeout=120)
                if expect is not None:
                    self.assertEqual(proc.returncode, expect, proc.stderr)
                validate_period(proc.stdout)
                doc = json.loads(proc.stdout)
                self.assertEqual([u["node"] for u in doc["population"]["unreported_nodes"]], ["worker-2"] if len(inventory) == 3 else [])
                verdicts[(len(inventory), bool(every))] = doc
            # The store's index knows the inventories and the scopes: the same bytes from it.
            self.assertEqual(kubeproof("index", store, "--key", self.pub, "--sign-key", self.key).returncode, 0)
            self.assertEqual(kubeproof("report", "--framework", "soc2", "--key", self.pub, "--format", "json", store).stdout,
                             proc.stdout)
        for every in (True, False):
            control, missing = verdicts[(2, every)], verdicts[(3, every)]
            passing = [k["id"] for k in control["criteria"] if k["verdict"] == "passing throughout"]
            on_nodes = [k["id"] for k in control["criteria"] if k["id"] in passing and any(
                n["node"] != "cluster" for i in k["checks"] for n in control["checks"][i]["nodes"] if n["scans"] > 0)]
            self.assertTrue(on_nodes, "the control store has criteria passing throughout on the nodes' evidence")
            after = {k["id"]: k for k in missing["criteria"]}
            for cid in on_nodes:
                self.assertEqual(after[cid]["verdict"], "with exceptions", cid)
                self.assertIn("demo/worker-2: in the cluster's inventory (2 cluster scans from ", "\n".join(after[cid]["reasons"]))
            for cid in passing:
                if cid not in on_nodes:  # evidenced by the cluster's objects only: worker-2 is not one of them
                    self.assertEqual(after[cid]["verdict"], "passing throughout", cid)

    def test_an_altered_or_deleted_report_is_no_pass_of_its_criteria(self):
        # Three signed daily scans of a hardened cp-1. One report altered after signing (FAIL made
        # PASS would read the same), or one deleted with its envelope: without --every neither leaves
        # a gap, and the criteria its PASSes support were "passing throughout" on evidence the trail
        # itself rejects.
        hardened = os.path.join(self.dir, "hardened-trail")
        subprocess.run([sys.executable, os.path.join(CFG.source, "tests", "fixtures", "materialize.py"),
                        os.path.join(CFG.source, "examples", "nodes", "hardened-control-plane"), hardened],
                       check=True, capture_output=True)
        control = os.path.join(self.dir, "trail-control")
        for day in (1, 2, 3):
            self.scan(hardened, day, "cp-1", store=control)
        second = next(s[2] for s in self.stored(control) if s[0] == self.at(2))
        altered, deleted = os.path.join(self.dir, "trail-altered"), os.path.join(self.dir, "trail-deleted")
        shutil.copytree(control, altered)
        shutil.copytree(control, deleted)
        with open(second.replace(control, altered), "rb") as f:
            data = f.read()
        with open(second.replace(control, altered), "wb") as f:
            f.write(data.replace(b'"status": "PASS"', b'"status": "PASS" ', 1))  # one byte, still JSON
        os.remove(second.replace(control, deleted))
        os.remove(second.replace(control, deleted) + ".sig")

        def verdicts(store, rc):
            proc = kubeproof("report", "--framework", "soc2", "--key", self.pub, "--format", "json", store, timeout=120)
            self.assertEqual(proc.returncode, rc, proc.stderr)
            validate_period(proc.stdout)
            return {k["id"]: k for k in json.loads(proc.stdout)["criteria"]}

        passing = [cid for cid, k in verdicts(control, 0).items() if k["verdict"] == "passing throughout"]
        self.assertTrue(passing, "the hardened node passes some criteria throughout")
        for store, kind in ((altered, "link: 1, signature: 1"), (deleted, "missing: 1")):
            after = verdicts(store, 1)
            for cid in passing:
                self.assertEqual(after[cid]["verdict"], "with exceptions", (store, cid))
                self.assertIn(f"demo/cp-1: the trail of its reports is not intact ({kind})", "\n".join(after[cid]["reasons"]))
            # The store's index says the same.
            index = kubeproof("index", store, "--key", self.pub, "--sign-key", self.key)
            self.assertIn(index.returncode, (0, 1), index.stderr)
            self.assertEqual(verdicts(store, 1), after)

    def test_a_report_deleted_at_the_edge_of_a_window_or_a_node_no_longer_scanned_shows(self):
        # cp-1 (hardened) fails 1.1.1 on day 4, the first day of the window [day 4, day 8); that
        # report is deleted. The store's seq 3 and seq 5 show it: the trail is not intact and no
        # criterion of 1.1.1 is "passing throughout", with or without --every. cp-2 stopped after
        # day 3: verify --every names the hole up to the store's newest scan.
        root = os.path.join(self.dir, "edge-cp-1")
        subprocess.run([sys.executable, os.path.join(CFG.source, "tests", "fixtures", "materialize.py"),
                        os.path.join(CFG.source, "examples", "nodes", "hardened-control-plane"), root],
                       check=True, capture_output=True)
        manifest = os.path.join(root, "etc", "kubernetes", "manifests", "kube-apiserver.yaml")
        store = os.path.join(self.dir, "edge")
        for day in range(1, 10):
            os.chmod(manifest, 0o666 if day == 4 else 0o600)
            self.scan(root, day, "cp-1", store=store)
            if day <= 3:
                self.scan(node_root("hardened-control-plane"), day, "cp-2", store=store)
        fourth = next(s[2] for s in self.stored(store) if s[0] == self.at(4) and s[1] == "cp-1")
        os.remove(fourth)
        os.remove(fourth + ".sig")
        window = ("--from", self.at(4), "--to", self.at(8), "--key", self.pub, "--cluster", "demo")
        for every in (("--every", "24h"), ()):
            proc = kubeproof("report", "--framework", "soc2", *window, *every, "--format", "json", store, timeout=120)
            self.assertEqual(proc.returncode, 1, proc.stderr)
            doc = json.loads(proc.stdout)
            self.assertFalse(doc["trail"]["intact"])
            self.assertIn("missing", [p["kind"] for p in doc["trail"]["problems"]])
            checks = [i for i, c in enumerate(doc["checks"]) if c["id"] == "1.1.1"]
            for k in doc["criteria"]:
                if set(k["checks"]) & set(checks):
                    self.assertEqual(k["verdict"], "with exceptions", k)
            if every:  # cp-2 was still scanned when the window began: its hole is a missed scan
                self.assertIn("demo/cp-2: no scan in the period", "\n".join(r for k in doc["criteria"] for r in k["reasons"]))
            proc = kubeproof("verify", "--key", self.pub, "--from", self.at(4), "--to", self.at(8), *every, store)
            self.assertEqual(proc.returncode, 1, proc.stdout)
            self.assertIn("seq 4 is missing", proc.stdout)
        proc = kubeproof("verify", "--key", self.pub, "--every", "24h", store)
        self.assertEqual(proc.returncode, 1, proc.stdout)
        self.assertRegex(proc.stdout, r"series node\.cp-2\.[^:]*: no scan for 6d 0h 0m between " + re.escape(self.at(3)) +
                         " and " + re.escape(self.at(9)))

    def test_a_deleted_newest_report_leaves_a_hole_the_next_scan_cannot_close(self):
        store = os.path.join(self.dir, "deleted-newest")
        for day in (1, 2, 3):
            self.scan(node_root("hardened-control-plane"), day, "cp-1", store=store)
        third = next(s[2] for s in self.stored(store) if s[0] == self.at(3))
        os.remove(third)
        os.remove(third + ".sig")
        self.scan(node_root("hardened-control-plane"), 4, "cp-1", store=store)
        fourth = next(s[2] for s in self.stored(store) if s[0] == self.at(4))
        self.assertTrue(os.path.basename(fourth).startswith("000004-"), fourth)  # seq 3 is not reused
        proc = kubeproof("verify", "--key", self.pub, store)
        self.assertEqual(proc.returncode, 1, proc.stdout)
        self.assertIn("seq 3 is missing", proc.stdout)

    def test_an_altered_report_is_at_the_top_of_every_format(self):
        store = os.path.join(self.dir, "altered")
        shutil.copytree(self.store, store)
        stored = self.stored(store)
        target = next(s[2] for s in stored if s[1] == "worker-1" and s[0] == self.at(2))
        after = next(s[2] for s in stored if s[1] == "worker-1" and s[0] == self.at(3))
        with open(target, "rb") as f:
            data = f.read()
        with open(target, "wb") as f:
            f.write(data.replace(b'"host": "worker-1"', b'"host": "worker-2"', 1))  # one byte
        options = ("--every", "24h", "--key", self.pub)
        lines = self.report(*options, store=store).splitlines()
        self.assertEqual(lines[4], "TRAIL: NOT intact: 3 problems (gap: 1, link: 1, signature: 1) in 15 reports of 2 series; signatures checked")
        self.assertTrue(lines[5].startswith(f"  [FAIL] signature: {target}: the signature does not match"), lines[5])
        self.assertEqual(sum(line.startswith(f"  [FAIL] link: {after}: its previous link does not match") for line in lines[6:8]), 1)
        doc = json.loads(self.report(*options, "--format", "json", store=store))
        self.assertFalse(doc["trail"]["intact"])
        self.assertEqual(sorted((p["kind"], p["path"]) for p in doc["trail"]["problems"]),
                         [("gap", None), ("link", after), ("signature", target)])
        rows = list(csv.reader(io.StringIO(self.report(*options, "--format", "csv", store=store), newline="")))
        self.assertEqual({r[0] for r in rows[1:]}, {"NOT intact: 3 problems (gap: 1, link: 1, signature: 1)"})
        # OSCAL: the result's title and description, the first finding, an observation per problem, the scan itself.
        ar = json.loads(self.report(*options, "--format", "oscal", store=store))["assessment-results"]
        [result] = ar["results"]
        self.assertTrue(result["title"].startswith("[TRAIL NOT INTACT] "), result["title"])
        self.assertTrue(result["description"].startswith(
            "TRAIL: NOT intact: 3 problems (gap: 1, link: 1, signature: 1) in 15 reports of 2 series; signatures checked."))
        trail = result["findings"][0]
        self.assertEqual((trail["target"]["target-id"], trail["target"]["status"]["state"], trail["title"]),
                         ("kubeproof-evidence-trail", "not-satisfied", "Evidence trail: NOT intact: 3 problems (gap: 1, link: 1, signature: 1)"))
        problems = {oscal_props(o)["trail-problem"]: o for o in result["observations"] if o.get("types") == ["finding"]}
        self.assertEqual(sorted(problems), ["gap", "link", "signature"])
        self.assertEqual(sorted(r["observation-uuid"] for r in trail["related-observations"]), sorted(o["uuid"] for o in problems.values()))
        resources = {r["uuid"]: r for r in ar["back-matter"]["resources"]}
        file_of = lambda o: urllib.parse.unquote(resources[o["relevant-evidence"][0]["href"].removeprefix("#")]["rlinks"][0]["href"])
        self.assertEqual((file_of(problems["signature"]), file_of(problems["link"])), (target, after))
        [tampered] = [o for o in result["observations"] if o.get("types") == ["control-objective"] and file_of(o) == target]
        self.assertEqual([p["value"] for p in tampered["props"] if p["name"] == "trail-problem"], ["signature"])
        self.assertTrue(tampered["remarks"].startswith("The evidence trail is NOT intact at this report:"), tampered["remarks"])
        # Without the key the broken link alone gives it away.
        unkeyed = json.loads(self.report("--format", "json", store=store))
        self.assertEqual([(p["kind"], p["path"]) for p in unkeyed["trail"]["problems"]], [("link", after)])

    def test_the_sample_is_drawn_again_in_python(self):
        seed = 20260101
        doc = json.loads(self.report("--every", "24h", "--sample", "5", "--seed", str(seed), "--format", "json"))
        sample, population = doc["sample"], doc["scans"]
        self.assertEqual((sample["seed"], sample["requested"], sample["population"]), (seed, 5, len(population)))
        drawn = draw_sample(len(population), 5, seed)
        self.assertEqual([c["scan"] for c in sample["chosen"]], drawn)
        for c, i in zip(sample["chosen"], drawn):
            self.assertEqual((c["file"], c["started_at"], c["node"]), (population[i]["file"], population[i]["started_at"], population[i]["node"]))
            with open(c["file"], "rb") as f:
                self.assertEqual(c["sha256"], hashlib.sha256(f.read()).hexdigest())
        text = self.report("--every", "24h", "--sample", "5", "--seed", str(seed))
        self.assertIn(f"SAMPLE: 5 of 15 scans, seed {seed}\n", text)
        for n, i in enumerate(drawn, 1):
            s = population[i]
            self.assertIn(f"  {n}. #{i + 1} {s['started_at']} demo/{s['node']} {s['file']} sha256 {s['sha256']}\n", text)
        everything = json.loads(self.report("--sample", "40", "--seed", "7", "--format", "json"))["sample"]
        self.assertEqual(sorted(c["scan"] for c in everything["chosen"]), list(range(15)))
        self.assertIn("asked for 40: the population has only 15", self.report("--sample", "40", "--seed", "7"))
        _, _, page = self.html_page("--every", "24h", "--sample", "5", "--seed", str(seed))
        sampled = page.root.find("section", id="sample")
        self.assertEqual(sampled.find("h2").text(), f"Sample: 5 of 15 scans, seed {seed}")
        self.assertEqual(sampled.find("table").cells()[1:],
                         [[str(n), str(i + 1), population[i]["started_at"], f"demo/{population[i]['node']}", population[i]["file"],
                           population[i]["sha256"]] for n, i in enumerate(drawn, 1)])
        other = json.loads(self.report("--sample", "5", "--seed", str(seed + 1), "--format", "json"))["sample"]
        self.assertEqual([c["scan"] for c in other["chosen"]], draw_sample(15, 5, seed + 1))

    def test_without_an_interval_nothing_is_expected(self):
        doc = json.loads(self.report("--format", "json"))
        self.assertTrue(doc["trail"]["intact"], doc["trail"])  # without --every a hole is no finding
        self.assertEqual((doc["period"]["every_seconds"], doc["period"]["expected_per_node"], doc["population"]["missed_scans"]),
                         (None, None, None))
        self.assertEqual(doc["period"]["to"], "2026-01-09T00:00:01Z")
        self.assertEqual({n["expected"] for n in doc["population"]["nodes"]}, {None})
        text = self.report()
        self.assertIn("POPULATION: 15 scans of 2 nodes; expected per node: not computed (no --every)\n", text)
        self.assertIn("MISSED SCANS (PCI DSS 10.7.3): not computed (no --every)\n", text)
        self.assertIn("  demo/cp-1: expected not computed, found 7;", text)
        rows = list(csv.DictReader(io.StringIO(self.report("--format", "csv"), newline="")))
        self.assertEqual({r["expected scans"] for r in rows if r["node"]}, {"not computed"})

    def test_a_period_cluster_filter_and_the_exit_code(self):
        store = os.path.join(self.dir, "two-clusters")
        for day in (1, 2, 3):
            self.scan(node_root("hardened-control-plane"), day, "cp-9", store=store, cluster="prod")
        self.scan(node_root("worker-json-config"), 1, "w-1", store=store, cluster="lab")
        prod = json.loads(self.report("--every", "24h", "--key", self.pub, "--cluster", "prod", "--format", "json",
                                      store=store, expect_rc=0))
        self.assertEqual([(n["cluster"], n["node"], n["found"]) for n in prod["population"]["nodes"]], [("prod", "cp-9", 3)])
        self.assertEqual((prod["summary"]["intact"], prod["summary"]["uncovered_failures"]), (True, 0))
        self.assertEqual(prod["clusters"], ["prod"])
        both = json.loads(self.report("--format", "json", store=store))  # the worker's FAILs: exit 1
        self.assertEqual([n["node"] for n in both["population"]["nodes"]], ["w-1", "cp-9"])
        self.assertGreater(both["summary"]["uncovered_failures"], 0)
        window = json.loads(self.report("--from", "2026-01-03", "--to", "2026-01-04", "--every", "1d", "--format", "json",
                                        store=store, expect_rc=0))
        self.assertEqual(([s["node"] for s in window["scans"]], window["period"]["from_source"]), (["cp-9"], "--from"))
        out = os.path.join(self.dir, "period.csv")
        self.report("--cluster", "prod", "--format", "csv", "--output", out, store=store, expect_rc=0)
        with open(out, newline="", encoding="utf-8") as f:
            self.assertEqual(next(csv.reader(f))[:5], ["trail", "framework", "period from", "period to", "criterion"])
        proc = kubeproof("report", "--framework", "soc2", "--cluster", "nope", store)
        self.assertEqual((proc.returncode, proc.stderr),
                         (2, "kubeproof: --cluster nope: no report of this cluster under the paths given (clusters: lab, prod)\n"))

    def formats(self):
        """The period report formats this binary has (from its --help)."""
        out = kubeproof("report", "--help").stdout
        line = next(l for l in out.splitlines() if "--format" in l)
        return re.findall(r"\b(text|json|csv|html|oscal)\b", line.split("--format", 1)[1]) or ["text", "json", "csv"]

    def test_the_index_changes_the_speed_and_nothing_else(self):
        store = os.path.join(self.dir, "indexed")
        shutil.copytree(self.store, store)
        index_file = os.path.join(store, "kubeproof-index.sqlite")
        formats = self.formats()
        self.assertIn("csv", formats)

        def outputs():
            out = {}
            for keyed in ((), ("--key", self.pub)):
                for fmt_ in formats:
                    for no_index in ((), ("--no-index",)):
                        proc = kubeproof_bytes("report", store, "--framework", "soc2", "--every", "24h", "--sample", "4",
                                               "--seed", "9", "--format", fmt_, *keyed, *no_index)
                        out[(keyed, fmt_, no_index)] = (proc.returncode, proc.stdout, proc.stderr)
            return out

        unsigned_warning = (f"kubeproof: warning: the index is not used, the reports are read: {index_file}: not "
                            "signed, and --key was given (kubeproof index --sign-key signs it)\n").encode()

        def same(out, why, unsigned=False):
            # With --key, an index nobody signed is not used (and says so once): the rest is the same.
            normal = {}
            for (keyed, fmt_, no_index), value in out.items():
                if no_index:
                    rc, stdout, stderr = out[(keyed, fmt_, ())]
                    if keyed and unsigned:
                        self.assertTrue(stderr.startswith(unsigned_warning), (why, fmt_, stderr))
                        stderr = stderr[len(unsigned_warning):]
                    self.assertEqual((rc, stdout, stderr), value, (why, keyed, fmt_))
                    normal[(keyed, fmt_, ())] = (rc, stdout, stderr)
            return normal

        def index(*args, expect_rc=0):
            # Indexed with keys, the index is signed: report --key uses only a signed index.
            if "--key" in args:
                args = (*args, "--sign-key", self.key)
            proc = kubeproof("index", store, *args, timeout=120)
            self.assertEqual(proc.returncode, expect_rc, proc.stderr)
            return proc.stderr

        before = same(outputs(), "no index yet")
        self.assertEqual(index("--key", self.pub),
                         f"kubeproof: {index_file}: 15 reports: 15 read, 0 unchanged, 0 removed\n")
        self.assertEqual(same(outputs(), "indexed"), before)
        self.assertEqual(index("--key", self.pub), f"kubeproof: {index_file}: 15 reports: 0 read, 15 unchanged, 0 removed\n")
        # Indexed without keys, then asked with keys: the signatures are checked from the files.
        self.assertEqual(index("--rebuild"), f"kubeproof: {index_file}: 15 reports: 15 read, 0 unchanged, 0 removed\n")
        self.assertEqual(same(outputs(), "indexed without keys", unsigned=True), before)
        self.assertEqual(index("--key", self.pub), f"kubeproof: {index_file}: 15 reports: 15 read, 0 unchanged, 0 removed\n")
        # report reads an unchanged report's digest from the index (shown by rewriting it there);
        # verify never reads the index.
        import sqlite3
        first = self.stored(store)[0]
        with sqlite3.connect(index_file) as db:
            self.assertEqual(db.execute("SELECT sha256 FROM reports WHERE path = ?", (os.path.relpath(first[2], store),)).fetchone(),
                             (first[3],))
            db.execute("UPDATE reports SET sha256 = ? WHERE path = ?", ("0" * 64, os.path.relpath(first[2], store)))
        doc = json.loads(kubeproof("report", store, "--framework", "soc2", "--format", "json").stdout)
        self.assertEqual(doc["scans"][0]["sha256"], "0" * 64)
        doc = json.loads(kubeproof("report", store, "--framework", "soc2", "--format", "json", "--no-index").stdout)
        self.assertEqual(doc["scans"][0]["sha256"], first[3])
        plain = os.path.join(self.dir, "indexed-copy")
        shutil.copytree(store, plain, ignore=shutil.ignore_patterns("*.sqlite"))
        verified = [kubeproof("verify", path, "--every", "24h", "--key", self.pub) for path in (store, plain)]
        self.assertEqual([(v.returncode, v.stdout.replace(plain, store)) for v in verified],
                         [(verified[0].returncode, verified[0].stdout)] * 2)
        self.assertEqual(index("--rebuild", "--key", self.pub),
                         f"kubeproof: {index_file}: 15 reports: 15 read, 0 unchanged, 0 removed\n")

        # A report altered after indexing, keeping its size and mtime: its ctime changed, so the index
        # is not believed and every format shows the broken signature and link exactly as without it.
        stored = self.stored(store)
        target = next(s[2] for s in stored if s[1] == "worker-1" and s[0] == self.at(2))
        st = os.stat(target)
        with open(target, "r+b") as f:
            data = f.read()
            f.seek(0)
            f.write(data.replace(b'"host": "worker-1"', b'"host": "worker-2"', 1))
        os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))
        self.assertEqual(os.stat(target).st_size, st.st_size)
        altered = same(outputs(), "altered after indexing")
        self.assertNotEqual(altered, before)
        doc = json.loads(altered[(("--key", self.pub), "json", ())][1])
        self.assertIn(("signature", target), [(p["kind"], p["path"]) for p in doc["trail"]["problems"]])
        self.assertEqual(index("--key", self.pub), f"kubeproof: {index_file}: 15 reports: 1 read, 14 unchanged, 0 removed\n")
        self.assertEqual(same(outputs(), "re-indexed"), altered)
        # A report removed; a touched one is read again.
        os.remove(target)
        os.remove(target + ".sig")
        os.utime(stored[0][2])
        self.assertEqual(index("--key", self.pub), f"kubeproof: {index_file}: 14 reports: 1 read, 13 unchanged, 1 removed\n")
        removed = same(outputs(), "a report removed")
        # An index that is not one is passed over with a warning, and rebuilt by `index`.
        with open(index_file, "wb") as f:
            f.write(b"not an index")
        proc = kubeproof_bytes("report", store, "--framework", "soc2", "--every", "24h", "--sample", "4", "--seed", "9",
                               "--format", "json", "--key", self.pub)
        self.assertEqual((proc.returncode, proc.stdout), removed[(("--key", self.pub), "json", ())][:2])
        self.assertIn(b"warning: the index is not used, the reports are read", proc.stderr)
        self.assertEqual(index("--key", self.pub), f"kubeproof: {index_file}: 14 reports: 14 read, 0 unchanged, 0 removed\n")
        self.assertEqual(same(outputs(), "rebuilt"), removed)

    def test_a_forged_index_never_stands_in_for_signed_reports(self):
        # The index is a file anyone who can write the store can edit. Marking every result PASS in
        # it used to turn `report --key` green (exit 0) over reports whose signatures hold FAILs.
        import sqlite3
        store = os.path.join(self.dir, "forged-index")
        shutil.copytree(self.store, store)
        index_file = os.path.join(store, "kubeproof-index.sqlite")
        args = ("report", store, "--framework", "soc2", "--every", "24h", "--format", "json", "--key", self.pub)
        honest = kubeproof(*args, "--no-index")
        self.assertEqual(honest.returncode, 1, honest.stderr)

        def forge():
            with sqlite3.connect(index_file) as db:
                db.execute("UPDATE OR IGNORE kinds SET status_ref = (SELECT ref FROM statuses WHERE status = 'PASS')")

        for sign in ((), ("--sign-key", self.key)):
            with self.subTest(signed=bool(sign)):
                self.assertEqual(kubeproof("index", store, "--rebuild", "--key", self.pub, *sign).returncode, 0)
                self.assertEqual(os.path.exists(index_file + ".sig"), bool(sign))
                if sign:
                    used = kubeproof(*args)
                    self.assertEqual((used.returncode, used.stdout, used.stderr),
                                     (honest.returncode, honest.stdout, honest.stderr))
                forge()
                forged = kubeproof(*args)
                self.assertEqual((forged.returncode, forged.stdout), (honest.returncode, honest.stdout))
                why = "not the index its signature signed" if sign else "not signed, and --key was given"
                self.assertIn(f"warning: the index is not used, the reports are read: {index_file}: {why}",
                              forged.stderr)
        # Signed by a key that is not among --key: not used either.
        other_key = os.path.join(self.dir, "other-index.pem")
        subprocess.run(["openssl", "genpkey", "-algorithm", "ed25519", "-out", other_key], check=True,
                       capture_output=True)
        self.assertEqual(kubeproof("index", store, "--rebuild", "--key", self.pub, "--sign-key", other_key).returncode, 0)
        forge()
        self.assertEqual(kubeproof("index", store, "--key", self.pub, "--sign-key", other_key).returncode, 0)
        forged = kubeproof(*args)
        self.assertEqual((forged.returncode, forged.stdout), (honest.returncode, honest.stdout))
        self.assertIn(f"{index_file}: signed by none of the --key keys", forged.stderr)
        # Without --key nothing is authenticated, the index included: it is used as it stands.
        plain = ("report", store, "--framework", "soc2", "--every", "24h", "--format", "json")
        self.assertNotEqual(kubeproof(*plain).stdout, kubeproof(*plain, "--no-index").stdout)

    def test_the_index_exports_every_result_as_csv_and_jsonl(self):
        store = os.path.join(self.dir, "exported")
        shutil.copytree(self.store, store)
        out_csv, out_jsonl = os.path.join(self.dir, "rows.csv"), os.path.join(self.dir, "rows.jsonl")
        for fmt_, out in (("csv", out_csv), ("jsonl", out_jsonl)):
            proc = kubeproof("index", store, "--key", self.pub, "--export", fmt_, "--output", out, timeout=120)
            self.assertEqual(proc.returncode, 0, proc.stderr)
        expected = []
        for started, node, path, sha in self.stored(store):
            with open(path, encoding="utf-8") as f:
                report = json.load(f)
            for r in report["results"]:
                expected.append((started, node, os.path.relpath(path, store), sha, r["id"], r["status"],
                                 (r.get("waiver") or {}).get("state", "")))
        with open(out_csv, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        self.assertEqual(sorted((r["started_at"], r["node"], r["file"], r["sha256"], r["check_id"], r["status"], r["waiver_state"])
                                for r in rows), sorted(expected))
        self.assertEqual({r["signature"] for r in rows}, {"valid"})
        with open(out_jsonl, encoding="utf-8") as f:
            lines = [json.loads(line) for line in f]
        self.assertEqual(len(lines), len(expected))
        for line, row in zip(lines, rows):
            self.assertEqual((line["started_at"], line["node"], line["check_id"], line["status"], line["sha256"]),
                             (row["started_at"], row["node"], row["check_id"], row["status"], row["sha256"]))
        waived = [l for l in lines if l["check_id"] == "1.2.15" and l["node"] == "cp-1"]
        self.assertEqual([(l["started_at"], l["waiver"]["state"]) for l in waived],
                         [(self.at(d), "active") for d in (1, 2, 3, 4)] + [(self.at(d), "expired") for d in (6, 7, 8)])
        regression = [l for l in lines if l["check_id"] == "1.1.1" and l["node"] == "cp-1"]
        self.assertEqual([l["status"] for l in regression], ["PASS", "PASS", "PASS", "FAIL", "FAIL", "PASS", "PASS"])
        self.assertIn("CC6.1", regression[0]["controls"]["soc2"])
        proc = kubeproof("index", store, "--output", out_csv)
        self.assertEqual((proc.returncode, proc.stderr),
                         (2, "kubeproof: --output names where --export writes the status rows: give --export too\n"))
        proc = kubeproof("index", os.path.join(store, "demo"), "--export", "yaml")
        self.assertEqual(proc.returncode, 2)

    def test_waivers_decided_again_over_the_period(self):
        """report --waivers decides each result's waiver at its scan's time from the file, in place of
        the waivers the scans carried."""
        options = ("--every", "24h", "--key", self.pub)
        # The file the scans carried, given again: every format is byte for byte the same, but for the
        # sentence that says where the waivers were decided.
        with open(self.waivers, "rb") as f:
            said = (f"decided from {self.waivers} (sha256 {hashlib.sha256(f.read()).hexdigest()}) at each scan's "
                    f"time, in place of the waivers the scans carried").encode()
        html_said = re.compile(rb"<p>Decided from the waivers file .*? in place of the waivers the scans carried\. "
                               rb"Stale \(covered no result of the period\): none\.")
        oscal_said = re.compile(rb"\\n\\nWaivers: decided from .*? in place of the waivers the scans carried\. "
                                rb"Stale \(covered no result of the period\): none\.")
        without = {
            "text": lambda b: b.replace(b"\n  " + said + b"\n  stale (covered no result of the period): none\n", b"\n", 1),
            "json": lambda b: b.replace(b'"waivers_decided_from": {"file":', b"", 1),
            "csv": lambda b: b,
            "html": lambda b: html_said.sub(b"<p>As the scans carried them (run --waivers).", b, 1),
            "oscal": lambda b: oscal_said.sub(b"", b, 1),
        }
        for fmt_ in self.formats():
            carried = kubeproof_bytes("report", self.store, "--framework", "soc2", *options, "--format", fmt_)
            again = kubeproof_bytes("report", self.store, "--framework", "soc2", *options, "--format", fmt_,
                                    "--waivers", self.waivers)
            if fmt_ == "json":
                docs = [json.loads(p.stdout) for p in (again, carried)]
                self.assertEqual(docs[0].pop("waivers_decided_from")["file"], self.waivers)
                self.assertIsNone(docs[1].pop("waivers_decided_from"))
                self.assertEqual(docs[0], docs[1])
                continue
            self.assertNotEqual(again.stdout, carried.stdout, fmt_) if fmt_ != "csv" else None
            self.assertEqual((again.returncode, without[fmt_](again.stdout), again.stderr),
                             (carried.returncode, carried.stdout, b""), fmt_)
        # Another file: cp-1's waiver now holds through 2026-01-07, and a check that fails on the worker
        # in every scan gets one for the worker until 2026-01-03.
        doc = json.loads(self.report(*options, "--format", "json"))
        worker_check = next(c for c in doc["checks"] if any(
            n["node"] == "worker-1" and all(e["status"] == "FAIL" for e in n["exceptions"]) and len(n["exceptions"]) == 8
            for n in c["nodes"]))
        other = os.path.join(self.dir, "later.yaml")
        with open(other, "w", encoding="utf-8") as f:
            f.write("waivers:\n"
                    "  - check: 1.2.15\n    node: cp-1\n    owner: alice@example.com\n    reason: extended\n"
                    "    created: 2026-01-01\n    expires: 2026-01-07\n"
                    f"  - check: {worker_check['id']}\n    node: worker-1\n    owner: carol@example.com\n    reason: kubelet rollout\n"
                    "    ticket: OPS-7\n    created: 2026-01-01\n    expires: 2026-01-03\n"
                    "  - check: 1.1.1\n    node: cp-9\n    owner: dave@example.com\n    reason: a node that never reported\n"
                    "    created: 2026-01-01\n    expires: 2026-02-01\n")
        doc = json.loads(self.report(*options, "--format", "json", "--waivers", other))
        with open(other, "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        self.assertEqual(doc["waivers_decided_from"],
                         {"file": other, "sha256": digest, "stale": [{"source": f"{other}:15", "check": "1.1.1"}]})
        self.assertIsNone(json.loads(self.report(*options, "--format", "json"))["waivers_decided_from"])
        said = f"decided from {other} (sha256 {digest}) at each scan's time, in place of the waivers the scans carried"
        self.assertIn(f"\n  {said}\n  stale (covered no result of the period): {other}:15 (check 1.1.1);\n",
                      self.report(*options, "--waivers", other))
        if "html" in self.formats():
            page = self.report(*options, "--format", "html", "--waivers", other)
            self.assertIn(f"{other}</span> (SHA-256 <span class=\"mono\">{digest}</span>) at each scan's time", page)
            self.assertIn(f"Stale (covered no result of the period): {other}:15 (check 1.1.1).", page)
        if "oscal" in self.formats():
            oscal = json.loads(self.report(*options, "--format", "oscal", "--waivers", other))
            self.assertIn(f"Waivers: decided from {other} (SHA-256 {digest}) at each scan's time",
                          oscal["assessment-results"]["results"][0]["description"])
            self.assertIn(f"Stale (covered no result of the period): {other}:15 (check 1.1.1).",
                          oscal["assessment-results"]["results"][0]["description"])
        self.assertEqual([w["source"] for w in doc["waivers"]], [f"{other}:2", f"{other}:8"])
        self.assertIsNone(next(c for c in doc["checks"] if c["id"] == "1.2.15")["nodes"][0]["exceptions"][0].get("none"))
        cp1 = next(c for c in doc["checks"] if c["id"] == "1.2.15")["nodes"][0]
        self.assertEqual([(e["started_at"], e["waiver_state"], e["covered"]) for e in cp1["exceptions"]],
                         [(self.at(d), "active", True) for d in (1, 2, 3, 4, 6)] +
                         [(self.at(d), "expired", False) for d in (7, 8)])
        worker = next(n for c in doc["checks"] if c["id"] == worker_check["id"] for n in c["nodes"] if n["node"] == "worker-1")
        fails = [e for e in worker["exceptions"] if e["status"] == "FAIL"]
        self.assertEqual([(e["started_at"], e["waiver"], e["waiver_state"]) for e in fails],
                         [(self.at(d), 1, "active") for d in (1, 2)] + [(self.at(d), 1, "expired") for d in range(3, 9)])
        text = self.report(*options, "--waivers", other)
        self.assertIn(f"  W2 {other}:8: check {worker_check['id']}, owner carol@example.com, created 2026-01-01, "
                      f"expires 2026-01-03, ticket OPS-7: kubelet rollout; node worker-1\n", text)
        rows = list(csv.DictReader(io.StringIO(self.report(*options, "--format", "csv", "--waivers", other), newline="")))
        [row] = [r for r in rows if r["check id"] == "1.2.15" and r["criterion"] == next(
            c for c in doc["checks"] if c["id"] == "1.2.15")["criteria"][0]]
        self.assertEqual((row["waived scans"], row["unwaived exceptions"], row["waiver sources"]), ("5", "2", f"{other}:2"))
        # The index is not read when waivers are decided again: the same output with it.
        store = os.path.join(self.dir, "waivers-indexed")
        shutil.copytree(self.store, store)
        self.assertEqual(kubeproof("index", store, "--key", self.pub).returncode, 0)
        indexed = kubeproof("report", store, "--framework", "soc2", *options, "--format", "json", "--waivers", other)
        self.assertEqual(json.loads(indexed.stdout)["checks"], json.loads(json.dumps(doc["checks"]).replace(self.store, store)))
        # A file with a problem is exit 2 naming file:line, and nothing is written.
        broken = os.path.join(self.dir, "broken.yaml")
        with open(broken, "w", encoding="utf-8") as f:
            f.write("waivers:\n  - check: 1.2.15\n    reason: no owner, no expiry\n")
        out = os.path.join(self.dir, "never.json")
        proc = kubeproof("report", self.store, "--framework", "soc2", "--waivers", broken, "--output", out)
        self.assertEqual((proc.returncode, proc.stdout), (2, ""))
        self.assertIn(f"{broken}:2:", proc.stderr)
        self.assertTrue(proc.stderr.endswith(f"in the waivers file {broken}: no period report was written\n"), proc.stderr)
        self.assertFalse(os.path.exists(out))

    def test_bad_input_is_exit_2_with_a_clear_message(self):
        empty = os.path.join(self.dir, "empty")
        os.makedirs(empty, exist_ok=True)
        cases = [
            (["--framework", "nope", self.store], "kubeproof: unknown framework 'nope' (known: iso-27001, pci-dss, soc2)\n"),
            (["--framework", "soc2", "--from", "2026-02-30", self.store],
             "kubeproof: --from 2026-02-30: expected a date (2026-01-31) or an RFC 3339 time (2026-01-31T02:00:00Z)\n"),
            (["--framework", "soc2", "--from", "2026-01-09", "--to", "2026-01-02", self.store],
             "kubeproof: --from 2026-01-09 is not before --to 2026-01-02\n"),
            (["--framework", "soc2", "--sample", "3", self.store],
             "kubeproof: --sample N and --seed S go together: the seed makes the selection one an auditor can perform again\n"),
            (["--framework", "soc2", "--every", "soon", self.store], "kubeproof: --every soon: expected a duration such as 24h, 6h or 1d\n"),
            (["--framework", "soc2", empty], "kubeproof: no reports (*.json) under the paths given\n"),
            (["--framework", "soc2", "--waivers", "w.yaml", "--benchmark", "cis-0.1", self.store],
             "kubeproof: unknown benchmark 'cis-0.1'\n"),
            (["--framework", "soc2", "--from", "2027-01-01", "--to", "2027-02-01", self.store],
             "kubeproof: no report started in the period 2027-01-01T00:00:00Z to 2027-02-01T00:00:00Z (15 reports read)\n"),
        ]
        for args, message in cases:
            with self.subTest(args=args):
                proc = kubeproof("report", *args)
                self.assertEqual((proc.returncode, proc.stderr, proc.stdout), (2, message, ""))
        with open(os.path.join(empty, "notes.json"), "w", encoding="utf-8") as f:
            f.write('{"schema": "kubeproof.report/v1",\n "tool": }\n')
        proc = kubeproof("report", "--framework", "soc2", empty)
        self.assertEqual(proc.returncode, 2)
        self.assertRegex(proc.stderr, rf"^kubeproof: {re.escape(os.path.join(empty, 'notes.json'))}:2:\d+: ")
        self.assertEqual(kubeproof("report", "--framework", "soc2").returncode, 2)
        out = os.path.join(self.dir, "refused.txt")
        self.assertEqual(kubeproof("report", "--framework", "nope", "--output", out, self.store).returncode, 2)
        self.assertFalse(os.path.exists(out), "nothing is written when the report is refused")

    def html_page(self, *options, store=None, expect_rc=1):
        """The HTML period report of these options written with --output: its path, text and parsed tree."""
        handle, path = tempfile.mkstemp(dir=self.dir, prefix="period-", suffix=".html")
        os.close(handle)
        self.assertEqual(self.report(*options, "--format", "html", "--output", path, store=store, expect_rc=expect_rc), "")
        with open(path, encoding="utf-8") as f:
            text = f.read()
        return path, text, PageParser(text)

    def assert_self_contained(self, text, page):
        for tag in ("script", "link", "iframe", "object", "embed", "img", "base", "frame"):
            self.assertNotIn(tag, page.tags)
        self.assertEqual(page.external, [])
        self.assertTrue(page.styles)
        for style in page.styles:
            self.assertNotIn("@import", style)
            self.assertNotIn("url(", style)
        self.assertNotIn("http", text.replace('http-equiv="Content-Security-Policy"', ""))
        csp = [m.attrs.get("content") for m in page.root.find_all("meta")
               if (m.attrs.get("http-equiv") or "").lower() == "content-security-policy"]
        self.assertEqual(csp, ["default-src 'none'; style-src 'unsafe-inline'; img-src data:"])
        self.assertLess(text.index("Content-Security-Policy"), text.index("<style>"), "the policy holds before anything is read")

    def test_html_is_self_contained_and_agrees_with_json(self):
        options = ("--every", "24h", "--key", self.pub)
        doc = json.loads(self.report(*options, "--format", "json"))
        path, text, page = self.html_page(*options)
        self.assert_self_contained(text, page)
        self.assertEqual(self.html_page(*options)[1], text, "the same reports and options give the same bytes")
        # The trail first, every problem listed; then the summary and the facts of the period.
        trail = page.root.find("section", id="trail")
        self.assertEqual((trail.attrs["class"], trail.find("h2").text()), ("trail broken", "TRAIL: " + doc["trail"]["outcome"]))
        self.assertEqual([li.text() for li in trail.find_all("li")], [f"[FAIL] {p['kind']}: {p['message']}" for p in doc["trail"]["problems"]])
        self.assertEqual([s.attrs["id"] for s in page.root.find_all("section") if not s.attrs["id"].startswith("criterion-")],
                         ["trail", "summary", "population", "missed", "unreported", "versions", "waivers", "criteria", "exceptions"])
        for css, verdict in (("passing", "passing throughout"), ("exceptions", "with exceptions"), ("never", "never evidenced")):
            ids = [k["id"] for k in doc["criteria"] if k["verdict"] == verdict]
            box = page.root.find("div", class_=css)
            self.assertEqual(box.find("span", id=f"count-{css}").text(), str(len(ids)), verdict)
            self.assertEqual(box.find("span", class_="what").text(), f"{'criterion' if len(ids) == 1 else 'criteria'} {verdict}")
            self.assertEqual([a.text() for a in box.find_all("a")], ids)
        figures = [li.text() for li in page.root.find("ul", class_="figures").find_all("li")]
        covered = sum(n["covered"] for c in doc["checks"] for n in c["nodes"])
        self.assertEqual(figures, [f"{len(doc['scans'])} scans", "2 nodes", "1 missed-scan gap (2d 0h 0m in all)",
                                   f"{doc['summary']['exceptions']} exceptions ({covered} covered by a waiver)",
                                   f"{doc['summary']['uncovered_failures']} FAIL or ERROR not covered by a waiver"])
        population = page.root.find("section", id="population").find("table").cells()
        self.assertEqual([row[:6] for row in population[1:]],
                         [[f"demo/{n['node']}", str(n["expected"]), str(n["found"]), "1 gap, 2d 0h 0m" if n["missed"] else "none",
                           n["first_started"], n["last_started"]] for n in doc["population"]["nodes"]])
        missed = page.root.find("section", id="missed").find("table").cells()
        self.assertEqual(missed[1:], [[f"demo/{m['node']}", m["series"], m["start"], m["end"], "2d 0h 0m", str(m["seconds"])]
                                      for m in doc["population"]["missed_scans"]])
        self.assertEqual(missed[1][2:5], [self.at(4), self.at(6), "2d 0h 0m"])
        # The waiver: every field, and what it covered and for how long.
        [w] = doc["waivers"]
        waivers = page.root.find("section", id="waivers")
        self.assertEqual(waivers.find("table").cells()[1], ["W1", w["source"], w["check"], "node cp-1", w["owner"], w["approver"],
                                                            w["created"], w["expires"], w["ticket"], w["reason"]])
        self.assertEqual([li.text() for li in waivers.find_all("li")],
                         [f"1.2.15 on demo/cp-1: covered 4 scans, from {self.at(1)} to {self.at(4)} (3d 0h 0m from the first to "
                          f"the last); attached but not covering (expired) on 3 scans from {self.at(6)}"])
        # One section per criterion in catalogue order, its verdict and reasons, a chart of exactly its exceptions.
        sections = page.root.find_all("section", class_="criterion")
        self.assertEqual([s.find("span", class_="id").text() for s in sections], [k["id"] for k in doc["criteria"]])
        for s, k in zip(sections, doc["criteria"]):
            with self.subTest(criterion=k["id"]):
                self.assertEqual(s.find("span", class_="verdict").text(), k["verdict"])
                self.assertEqual([li.text() for li in s.find("ul", class_="reasons").find_all("li")], k["reasons"])
                svg = s.find("svg")
                if k["verdict"] == "never evidenced":
                    self.assertIsNone(svg)
                    continue
                self.assertEqual(svg.attrs["role"], "img")
                self.assertTrue(svg.attrs["aria-label"].startswith(f"Exceptions of {k['id']} per bucket of 1d 0h 0m from {self.at(1)}"))
                bars = [re.fullmatch(r"(\S+) to (\S+): (\d+) not covered by a waiver, (\d+) covered by an active waiver",
                                     g.find("title").text()).groups() for g in svg.find_all("g", class_="bar")]
                self.assertEqual([(b[0], b[1]) for b in bars], [(self.at(d), self.at(d + 1)) for d in self.DAYS])
                expected = [[0, 0] for _ in self.DAYS]
                nodes = set()
                for i in k["checks"]:
                    for n in doc["checks"][i]["nodes"]:
                        if n["passed"] + len(n["exceptions"]) > 0:
                            nodes.add(n["node"])
                        for e in n["exceptions"]:
                            expected[self.DAYS.index(next(d for d in self.DAYS if self.at(d) == e["started_at"]))][e["covered"]] += 1
                self.assertEqual([[int(b[2]), int(b[3])] for b in bars], expected)
                self.assertEqual(sum(sum(x) for x in expected), k["exceptions_count"])
                self.assertEqual([r.find("title").text() for r in svg.find_all("rect", class_="missed")],
                                 [f"missed scans: demo/cp-1, no scan from {self.at(4)} to {self.at(6)} (2d 0h 0m)"] * ("cp-1" in nodes))
        # The row of 1.1.1 on cp-1: its figures, failures and longest failing streak.
        cc61 = sections[[k["id"] for k in doc["criteria"]].index("CC6.1")].find("table").cells()
        row = cc61[cc61.index(next(r for r in cc61 if r[0].startswith("1.1.1 "))) + 1]
        self.assertEqual(row[:13], ["demo/cp-1", "8 / 7", "7", "5", "71.4%", "0", "0", "2", "0", self.at(4) + self.at(6),
                                    f"2 scans, 3d 0h 0mfrom {self.at(4)}until {self.at(7)}", "PASS" + self.at(8), ""])
        # Every exception, with its check, date, node, status, report file, SHA-256 and waiver.
        rows = [(d.attrs["data-check"], *cells) for d in page.root.find_all("details") for cells in d.find("table").cells()[1:]]
        expected = [(c["id"], e["started_at"], f"demo/{e['node']}", e["status"], e["file"], e["sha256"],
                     "no waiver" if e["waiver"] is None else f"W{e['waiver'] + 1} {e['waiver_state']} ({'covered' if e['covered'] else 'not covered'})")
                    for c in doc["checks"] for n in c["nodes"] for e in n["exceptions"]]
        self.assertEqual(len(rows), doc["summary"]["exceptions"])
        self.assertEqual(sorted(rows), sorted(expected))
        self.assertIn(("1.2.15", self.at(6), "demo/cp-1", "FAIL", *next(s[2:] for s in self.stored() if s[:2] == (self.at(6), "cp-1")),
                       "W1 expired (not covered)"), rows)
        # In a real browser: the DOM it built, a screenshot, and the page printed to PDF.
        dom = PageParser(chromium(path, "--dump-dom"))
        self.assertNotIn("script", dom.tags)
        for css, verdict in (("passing", "passing throughout"), ("exceptions", "with exceptions"), ("never", "never evidenced")):
            box = dom.root.find("div", class_=css)
            self.assertEqual(box.find("span", id=f"count-{css}").text(), str(sum(k["verdict"] == verdict for k in doc["criteria"])))
            self.assertIn(verdict, box.text())
        charts = [s.find("svg") for s in dom.root.find_all("section", class_="criterion")]
        self.assertEqual([c is not None for c in charts], [k["verdict"] != "never evidenced" for k in doc["criteria"]])
        for chart, k in zip(charts, doc["criteria"]):
            if chart is not None:
                self.assertEqual(len(chart.find_all("g", class_="bar")), len(self.DAYS))
                coloured = chart.find_all("rect", class_="uncovered") + chart.find_all("rect", class_="covered")
                self.assertEqual(bool(coloured), k["exceptions_count"] > 0, k["id"])
        png = os.path.join(self.dir, "period.png")
        chromium(path, f"--screenshot={png}", "--window-size=1280,2400")
        width, height, colours = png_pixels(png)
        self.assertEqual((width, height), (1280, 2400))
        self.assertGreater(colours, 100, "the screenshot is not blank")
        pdf = os.path.join(self.dir, "period.pdf")
        chromium(path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
        for tool in ("pdftotext", "pdfinfo"):
            self.assertIsNotNone(shutil.which(tool), f"{tool} is missing: install Debian's poppler-utils (scripts/setup.sh does)")
        info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True, check=True, timeout=60).stdout
        self.assertRegex(info, r"Page size: +594\.\d+ x 841\.\d+ pts \(A4\)")
        printed = subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True, check=True, timeout=60).stdout
        self.assertIn("TRAIL: NOT intact: 1 problem (gap: 1)", printed)
        self.assertNotIn("file://", printed, "no header or footer with the page's address")
        titles = {k["id"]: k["title"] for k in doc["criteria"]}
        for criterion in self.catalogue():
            self.assertRegex(printed, rf"(?<![\w.]){re.escape(criterion)}\s+{re.escape(titles[criterion].split()[0])}\s", criterion)
        self.assertGreaterEqual(printed.count("Report file"), len(page.root.find_all("details")),
                                "the collapsed exception lists are printed open")

    def test_html_escapes_what_reports_carry(self):
        store, waivers = os.path.join(self.dir, "hostile"), os.path.join(self.dir, "hostile-waivers.yaml")
        node = "<b>evil</b>"
        owner = "<script>alert('owner')</script>&\"'"
        reason = "<script>alert(1)</script> & \"quoted\" 'single' </td></tr></table>"
        with open(waivers, "w", encoding="utf-8") as f:  # JSON strings are YAML double-quoted scalars
            f.write(f"waivers:\n  - check: 4.1.1\n    node: {json.dumps(node)}\n    owner: {json.dumps(owner)}\n"
                    f"    approver: bob\n    reason: {json.dumps(reason)}\n    ticket: SEC-13\n    created: 2026-01-01\n"
                    f"    expires: 2026-12-31\n")
        for day in (1, 2):
            self.scan(node_root("worker-json-config"), day, node, "--waivers", waivers, store=store)
        path, text, page = self.html_page("--every", "24h", store=store)
        self.assert_self_contained(text, page)
        self.assertNotIn("<script", text.lower())
        self.assertNotIn("<b>evil", text)
        self.assertIn("demo/&lt;b&gt;evil&lt;/b&gt;", text)
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quoted&quot; &#39;single&#39; &lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;", text)
        self.assertEqual(page.root.find("section", id="waivers").find("table").cells()[1],
                         ["W1", f"{waivers}:2", "4.1.1", f"node {node}", owner, "bob", "2026-01-01", "2026-12-31", "SEC-13", reason])
        self.assertEqual(page.root.find("section", id="population").find("table").cells()[1][0], f"demo/{node}")
        self.assertEqual({cells[1] for d in page.root.find_all("details") for cells in d.find("table").cells()[1:]}, {f"demo/{node}"})
        self.assertEqual([b for b in page.root.find_all("b") if "evil" in b.text()], [])
        # The browser builds the same: no script element, the strings as text.
        dom = PageParser(chromium(path, "--dump-dom"))
        self.assertNotIn("script", dom.tags)
        self.assertEqual(dom.root.find("section", id="waivers").find("table").cells()[1][4:10:5], [owner, reason])


class SiemFormats(unittest.TestCase):
    """`run --format ocsf` and `--format asff` (issue 14, item 4) on real scans of the example nodes:
    every record has the fields and values the reference requires, there is one per result of the JSON
    report of the same scan with the same status, ids are stable, and a PASS after a FAIL of the same
    check on the same node closes the finding under the same id."""

    ACCOUNT, REGION = "123456789012", "eu-west-1"
    # /work/shared/reference/evidence.md, "OCSF Compliance Finding": the required fields, class 2003 in
    # category 2, type_uid = class_uid * 100 + activity_id, activity_id 1 Create / 2 Update / 3 Close,
    # severity_id 0-6, time in ms, metadata{product, version}, finding_info{uid}, compliance (with
    # standards, required in 1.3.0), compliance.status_id 1 Pass / 2 Warning / 3 Fail (99 Other: NA and
    # SKIP), the finding's status_id 1 New ... 6 Deleted (99 Other).
    OCSF_REQUIRED = ["activity_id", "category_uid", "class_uid", "type_uid", "severity_id", "time", "metadata",
                     "finding_info", "compliance"]
    OCSF_ACTIVITIES = {1, 2, 3}
    OCSF_COMPLIANCE = {"PASS": 1, "WARN": 2, "ERROR": 2, "FAIL": 3, "NA": 99, "SKIP": 99}
    OCSF_LIFECYCLE = {1, 2, 3, 4, 5, 6, 99}
    # evidence.md, "AWS ASFF": the required fields (botocore's service model, and Severity and Types from
    # the user guide), Compliance.Status, RecordState and Workflow.Status value sets, at most 100 findings
    # a BatchImportFindings call, Description at most 1,024 characters; Title at most 256 and
    # RelatedRequirements at most 32 items per the API reference (AwsSecurityFinding, Compliance).
    ASFF_REQUIRED = ["SchemaVersion", "Id", "ProductArn", "GeneratorId", "AwsAccountId", "CreatedAt", "UpdatedAt",
                     "Title", "Description", "Resources", "Severity", "Types"]
    ASFF_COMPLIANCE = {"PASS": "PASSED", "FAIL": "FAILED", "WARN": "WARNING", "ERROR": "WARNING",
                       "NA": "NOT_AVAILABLE", "SKIP": "NOT_AVAILABLE"}
    ASFF_LABELS = {"INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"}
    ASFF_RECORD_STATES = {"ACTIVE", "ARCHIVED"}
    ASFF_WORKFLOWS = {"NEW", "NOTIFIED", "RESOLVED", "SUPPRESSED"}
    NODES = ["kubeadm-control-plane", "hardened-control-plane", "worker-json-config", "no-kubernetes"]

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(dir=CFG.tmp, prefix="siem-")

    def run_with(self, args, env=None):
        environment = dict(base_env(), **(env or {}))
        return subprocess.run([CFG.binary, *args], capture_output=True, text=True, env=environment, cwd=CFG.tmp,
                              timeout=60)

    def ocsf(self, root, *extra):
        proc = self.run_with(["run", "--root", root, "--proc", os.path.join(root, "proc"), "--format", "ocsf",
                              *extra])
        self.assertIn(proc.returncode, (0, 1), proc.stderr)
        self.assertTrue(proc.stdout.endswith("\n"))
        return proc.stdout, [json.loads(line) for line in proc.stdout.splitlines()]

    def asff(self, root, *extra, env=None):
        proc = self.run_with(["run", "--root", root, "--proc", os.path.join(root, "proc"), "--format", "asff",
                              *extra], env=env)
        self.assertIn(proc.returncode, (0, 1), proc.stderr)
        batches = [json.loads(line) for line in proc.stdout.splitlines()]
        for batch in batches:
            self.assertEqual(list(batch), ["Findings"])
            self.assertTrue(1 <= len(batch["Findings"]) <= 100, len(batch["Findings"]))
        return proc.stdout, [f for batch in batches for f in batch["Findings"]]

    def aws_flags(self):
        return ("--aws-account-id", self.ACCOUNT, "--aws-region", self.REGION)

    def check_ocsf(self, record, result):
        for field in self.OCSF_REQUIRED:
            self.assertIn(field, record)
        self.assertEqual((record["class_uid"], record["category_uid"]), (2003, 2))
        self.assertIn(record["activity_id"], self.OCSF_ACTIVITIES)
        self.assertEqual(record["type_uid"], 2003 * 100 + record["activity_id"])
        self.assertIn(record["severity_id"], range(0, 7))
        self.assertEqual(record["time"], int(EPOCH) * 1000)
        self.assertEqual(record["metadata"]["product"]["name"], "kubeproof")
        self.assertTrue(record["metadata"]["version"])
        self.assertTrue(record["finding_info"]["uid"])
        self.assertTrue(record["finding_info"]["title"])
        compliance = record["compliance"]
        self.assertEqual(compliance["standards"][0], "CIS Kubernetes Benchmark v1.12.0")
        self.assertEqual(compliance["control"], result["id"])
        self.assertEqual(compliance["status_id"], self.OCSF_COMPLIANCE[result["status"]])
        self.assertIn(record["status_id"], self.OCSF_LIFECYCLE)
        expected_requirements = sorted(c for criteria in result["controls"].values() for c in criteria)
        self.assertEqual(sorted(r.rsplit(" ", 1)[1] for r in compliance.get("requirements", [])),
                         expected_requirements)
        if result["status"] == "PASS":
            self.assertEqual((record["activity_id"], record["status_id"]), (3, 4))

    def check_asff(self, finding, result):
        for field in self.ASFF_REQUIRED:
            self.assertIn(field, finding)
        self.assertEqual(finding["SchemaVersion"], "2018-10-08")
        self.assertEqual(finding["AwsAccountId"], self.ACCOUNT)
        self.assertEqual(finding["ProductArn"],
                         f"arn:aws:securityhub:{self.REGION}:{self.ACCOUNT}:product/{self.ACCOUNT}/default")
        self.assertEqual((finding["CreatedAt"], finding["UpdatedAt"]), (EPOCH_RFC3339, EPOCH_RFC3339))
        self.assertTrue(_is_rfc3339(finding["CreatedAt"]))
        self.assertTrue(0 < len(finding["Title"]) <= 256)
        self.assertTrue(0 < len(finding["Description"]) <= 1024)
        self.assertIn(finding["Severity"]["Label"], self.ASFF_LABELS)
        self.assertTrue(all(t.count("/") <= 2 and t.startswith("Software and Configuration Checks/")
                            for t in finding["Types"]))
        self.assertTrue(1 <= len(finding["Resources"]) <= 32)
        for resource in finding["Resources"]:
            self.assertTrue(resource["Type"] and resource["Id"])
        self.assertEqual(finding["Compliance"]["Status"], self.ASFF_COMPLIANCE[result["status"]])
        self.assertLessEqual(len(finding["Compliance"].get("RelatedRequirements", [])), 32)
        self.assertIn(finding["RecordState"], self.ASFF_RECORD_STATES)
        self.assertIn(finding["Workflow"]["Status"], self.ASFF_WORKFLOWS)
        self.assertEqual(finding["ProductFields"]["kubeproof/CheckId"], result["id"])
        if result["status"] == "PASS":
            self.assertEqual(finding["Severity"]["Label"], "INFORMATIONAL")
            self.assertEqual(finding["Workflow"]["Status"], "RESOLVED")
        if result["status"] == "FAIL":
            self.assertIn(finding["Severity"]["Label"], {"HIGH", "MEDIUM"})

    def test_ocsf_has_one_valid_record_per_result_of_the_json_report(self):
        for node in self.NODES:
            with self.subTest(node=node):
                report, _ = scan_json(self, node)
                text, records = self.ocsf(node_root(node))
                self.assertEqual(len(records), len(report["results"]))
                for record, result in zip(records, report["results"]):
                    self.check_ocsf(record, result)
                    self.assertEqual(record["finding_info"]["uid"],
                                     f"kubeproof/-/{report['scan']['node']}/{result['key']}")
                self.assertEqual(len({r["finding_info"]["uid"] for r in records}), len(records))
                statuses = {r["status"] for r in report["results"]}
                self.assertIn("NA" if node == "no-kubernetes" else "PASS", statuses)
                self.assertEqual(self.ocsf(node_root(node))[0], text)  # byte-stable

    def test_asff_has_one_valid_finding_per_result_with_the_ocsf_ids(self):
        for node in self.NODES:
            with self.subTest(node=node):
                report, _ = scan_json(self, node)
                text, findings = self.asff(node_root(node), *self.aws_flags())
                self.assertEqual(len(findings), len(report["results"]))
                for finding, result in zip(findings, report["results"]):
                    self.check_asff(finding, result)
                _, records = self.ocsf(node_root(node))
                self.assertEqual([f["Id"] for f in findings], [r["finding_info"]["uid"] for r in records])
                self.assertEqual(self.asff(node_root(node), *self.aws_flags())[0], text)  # byte-stable

    def test_asff_cluster_name_is_part_of_the_id(self):
        root = node_root("kubeadm-control-plane")
        _, findings = self.asff(root, *self.aws_flags(), "--cluster", "arn:aws:eks:eu-west-1:1:cluster/prod")
        self.assertTrue(findings[0]["Id"].startswith("kubeproof/arn:aws:eks:eu-west-1:1:cluster%2Fprod/cp-1/"),
                        findings[0]["Id"])
        self.assertEqual(findings[0]["Resources"][0]["Id"], "kubernetes://arn:aws:eks:eu-west-1:1:cluster/prod/nodes/cp-1")

    def test_asff_account_and_region_come_from_flags_else_the_environment(self):
        root = node_root("kubeadm-control-plane")
        env = {"AWS_ACCOUNT_ID": "210987654321", "AWS_REGION": "us-gov-west-1"}
        _, findings = self.asff(root, env=env)
        self.assertEqual(findings[0]["AwsAccountId"], "210987654321")
        self.assertEqual(findings[0]["ProductArn"],
                         "arn:aws-us-gov:securityhub:us-gov-west-1:210987654321:product/210987654321/default")
        _, findings = self.asff(root, *self.aws_flags(), env=env)  # the flags win
        self.assertEqual(findings[0]["AwsAccountId"], self.ACCOUNT)
        args = ["run", "--root", root, "--proc", os.path.join(root, "proc"), "--format", "asff"]
        cases = [([], {}, "--format asff needs the AWS account id: --aws-account-id or AWS_ACCOUNT_ID (12 digits)"),
                 (["--aws-region", self.REGION], {"AWS_ACCOUNT_ID": "1234"},
                  "--format asff: the AWS account id must be 12 digits, not \"1234\""),
                 (["--aws-account-id", "12345678901x", "--aws-region", self.REGION], {},
                  "--format asff: the AWS account id must be 12 digits, not \"12345678901x\""),
                 (["--aws-account-id", self.ACCOUNT], {}, "--format asff needs the AWS Region: --aws-region or AWS_REGION"),
                 (["--aws-account-id", self.ACCOUNT, "--aws-region", "Europe"], {},
                  "--format asff: not an AWS Region: \"Europe\"")]
        for extra, environment, message in cases:
            with self.subTest(extra=extra, env=environment):
                proc = self.run_with(args + extra, env=environment)
                self.assertEqual(proc.returncode, 2, proc.stderr)
                self.assertEqual(proc.stdout, "")
                self.assertIn(message, proc.stderr)
        # Other formats do not need an account.
        self.assertIn(self.run_with(["run", "--root", root, "--proc", os.path.join(root, "proc"),
                                     "--format", "ocsf"]).returncode, (0, 1))

    def test_a_pass_after_a_fail_closes_the_same_finding(self):
        root = os.path.join(self.dir, "cp-1")
        script = os.path.join(CFG.source, "tests", "fixtures", "materialize.py")
        spec = os.path.join(CFG.source, "examples", "nodes", "kubeadm-control-plane")
        proc = subprocess.run([sys.executable, script, spec, root], capture_output=True, text=True)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        manifest = os.path.join(root, "etc", "kubernetes", "manifests", "kube-apiserver.yaml")
        uid = "kubeproof/demo/cp-1/apiserver.manifest.mode"

        def scan():
            _, records = self.ocsf(root, "--cluster", "demo", "--check", "1.1.1")
            _, findings = self.asff(root, "--cluster", "demo", "--check", "1.1.1", *self.aws_flags())
            self.assertEqual(len(records), 1)
            self.assertEqual(len(findings), 1)
            return records[0], findings[0]

        os.chmod(manifest, 0o666)
        failing, failing_asff = scan()
        os.chmod(manifest, 0o600)
        passing, passing_asff = scan()
        self.assertEqual(failing["finding_info"]["uid"], uid)
        self.assertEqual((failing["activity_id"], failing["status_id"], failing["status"]), (1, 1, "New"))
        self.assertEqual((failing["compliance"]["status_id"], failing["compliance"]["status"]), (3, "Fail"))
        self.assertEqual(failing["severity_id"], 4)
        self.assertIn("mode 666", failing["finding_info"]["desc"])
        self.assertEqual(passing["finding_info"]["uid"], uid)
        self.assertEqual((passing["activity_id"], passing["type_uid"], passing["status_id"], passing["status"]),
                         (3, 200303, 4, "Resolved"))
        self.assertEqual((passing["compliance"]["status_id"], passing["compliance"]["status"]), (1, "Pass"))
        self.assertEqual(failing_asff["Id"], uid)
        self.assertEqual(passing_asff["Id"], uid)
        self.assertEqual((failing_asff["Compliance"]["Status"], failing_asff["Severity"]["Label"]), ("FAILED", "HIGH"))
        self.assertEqual(failing_asff["Workflow"]["Status"], "NEW")
        self.assertEqual((passing_asff["Compliance"]["Status"], passing_asff["Severity"]["Label"],
                          passing_asff["RecordState"], passing_asff["Workflow"]["Status"]),
                         ("PASSED", "INFORMATIONAL", "ACTIVE", "RESOLVED"))


class Packages(unittest.TestCase):
    """scripts/package.sh (issue 14, item 5) over the built tree: the .deb (CPack) has no Depends,
    installs into an empty root with a fresh dpkg database and scans there; the OCI image (umoci) is
    FROM scratch, one layer holding the binary and user 65532, and its entrypoint runs as that user
    from the unpacked root; the completions complete, the man page renders; both are reproducible."""
    NODE = "kubeadm-control-plane"
    TOOLS = {"cpack": "cmake", "dpkg-deb": "dpkg", "umoci": "umoci", "skopeo": "skopeo", "zsh": "zsh",
             "groff": "groff", "chroot": "coreutils"}
    DEB_FILES = {"usr/bin/kubeproof": "-rwxr-xr-x", "usr/share/bash-completion/completions/kubeproof": "-rw-r--r--",
                 "usr/share/zsh/vendor-completions/_kubeproof": "-rw-r--r--",
                 "usr/share/man/man1/kubeproof.1.gz": "-rw-r--r--", "usr/share/doc/kubeproof/copyright": "-rw-r--r--"}
    USER = "65532:65532"

    @staticmethod
    def checked(args):
        proc = subprocess.run(args, capture_output=True, text=True, timeout=120)
        if proc.returncode != 0:
            raise AssertionError(f"{args} failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}")
        return proc

    @classmethod
    def package(cls, out):
        proc = subprocess.run(["bash", os.path.join(CFG.source, "scripts", "package.sh"),
                               "--build-dir", os.path.dirname(CFG.binary), "--out", out],
                              capture_output=True, text=True, env=base_env(), timeout=120)
        if proc.returncode != 0:
            raise AssertionError(f"scripts/package.sh failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}")
        debs = [f for f in os.listdir(out) if f.endswith(".deb")]
        if debs != [f"kubeproof_{VERSION}_amd64.deb"]:
            raise AssertionError(f"expected one kubeproof_{VERSION}_amd64.deb in {out}: {sorted(os.listdir(out))}")
        return os.path.join(out, debs[0]), os.path.join(out, "oci")

    @classmethod
    def setUpClass(cls):
        kind = subprocess.run(["file", "-b", CFG.binary], capture_output=True, text=True).stdout
        if "statically linked" not in kind:
            raise unittest.SkipTest(f"PACKAGES NOT TESTED with this binary: it is not static ({kind.strip()}); "
                                    f"packages are built from the release preset's binary, whose ctest runs them")
        missing = [f"{tool} (Debian {pkg})" for tool, pkg in cls.TOOLS.items() if shutil.which(tool) is None]
        if missing:
            raise AssertionError(f"not installed: {', '.join(missing)}; scripts/setup.sh installs them")
        cls.dir = tempfile.mkdtemp(dir=CFG.tmp, prefix="packages-")
        cls.deb, cls.image = cls.package(os.path.join(cls.dir, "out"))
        cls.rootfs = os.path.join(cls.dir, "bundle", "rootfs")
        cls.checked(["umoci", "unpack", "--image", f"{cls.image}:{VERSION}", os.path.join(cls.dir, "bundle")])

    def run_ok(self, args, **kwargs):
        proc = subprocess.run(args, capture_output=True, text=True, timeout=60, **kwargs)
        self.assertEqual(proc.returncode, 0, f"{args}:\n{proc.stdout}{proc.stderr}")
        return proc

    def copy_node(self, root):
        """The example node inside `root` at /node, owners and modes kept (cp -a)."""
        self.checked(["cp", "-a", node_root(self.NODE), os.path.join(root, "node")])

    def direct_totals(self):
        report, _ = scan_json(self, self.NODE, expect_rc=1)
        return report["totals"]

    # -- the .deb

    def test_deb_control_fields_name_no_dependency(self):
        fields = self.run_ok(["dpkg-deb", "--field", self.deb]).stdout
        parsed = dict(line.split(": ", 1) for line in fields.splitlines() if line and not line[0].isspace())
        self.assertEqual((parsed["Package"], parsed["Version"], parsed["Architecture"], parsed["Section"]),
                         ("kubeproof", VERSION, "amd64", "admin"))
        self.assertEqual(parsed["Homepage"], "https://github.com/kubeproof/kubeproof")
        self.assertIn("@", parsed["Maintainer"])
        self.assertTrue(parsed["Description"].startswith("Kubernetes CIS benchmark scanner"), parsed["Description"])
        for relation in ("Depends", "Pre-Depends", "Recommends"):
            self.assertNotIn(relation, parsed, f"a static binary needs nothing: {fields}")

    def test_deb_contents_owners_modes_and_dates(self):
        listing = self.run_ok(["dpkg-deb", "--contents", self.deb]).stdout.splitlines()
        files, day = {}, time.strftime("%Y-%m-%d", time.gmtime(int(EPOCH)))
        for line in listing:
            mode, owner, _size, date, _clock, path = line.split(None, 5)
            self.assertEqual(owner, "root/root", line)
            self.assertEqual(date, day, f"every time stamp is SOURCE_DATE_EPOCH: {line}")
            if mode.startswith("d"):
                self.assertEqual(mode, "drwxr-xr-x", line)
            else:
                files[path.removeprefix("./")] = mode
        self.assertEqual(files, self.DEB_FILES)

    def test_deb_installs_into_an_empty_root_and_scans(self):
        root = os.path.join(self.dir, "clean-root")
        for d in ("var/lib/dpkg/info", "var/lib/dpkg/updates"):
            os.makedirs(os.path.join(root, d))
        open(os.path.join(root, "var/lib/dpkg/status"), "w").close()
        self.run_ok(["dpkg", f"--root={root}", "--force-script-chrootless", "--log=/dev/null", "-i", self.deb])
        status = self.run_ok(["dpkg-query", f"--root={root}", "-W", "-f=${Status} ${Version}", "kubeproof"]).stdout
        self.assertEqual(status, f"install ok installed {VERSION}")
        with open(os.path.join(root, "var/lib/dpkg/info/kubeproof.list"), encoding="utf-8") as f:
            listed = {p for p in f.read().splitlines() if os.path.isfile(os.path.join(root, p.lstrip("/")))}
        self.assertEqual(listed, {"/" + p for p in self.DEB_FILES})
        on_disk = {os.path.relpath(os.path.join(d, f), root) for d, _, fs in os.walk(root) for f in fs}
        self.assertEqual({p for p in on_disk if not p.startswith("var/lib/dpkg/")}, set(self.DEB_FILES))
        proc = self.run_ok(["chroot", root, "/usr/bin/kubeproof", "version"], env=base_env())
        self.assertEqual(proc.stdout.splitlines()[0], f"kubeproof {VERSION}")
        self.copy_node(root)
        proc = subprocess.run(["chroot", root, "/usr/bin/kubeproof", "run", "--root", "/node", "--format", "json"],
                              capture_output=True, text=True, env=base_env(), timeout=60)
        self.assertEqual(proc.returncode, 1, f"kubeadm has findings; stderr:\n{proc.stderr}")
        self.assertEqual(json.loads(proc.stdout)["totals"], self.direct_totals())

    def installed(self, path):
        """A file as the .deb installs it, extracted once."""
        tree = os.path.join(self.dir, "deb-x")
        if not os.path.isdir(tree):
            self.checked(["dpkg-deb", "-x", self.deb, tree])
        return os.path.join(tree, path)

    def test_bash_completion_completes_commands_options_and_values(self):
        script = r"""
source "$1"
complete -p kubeproof
words() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=(); _kubeproof; echo "${COMPREPLY[*]}"; }
words kubeproof r
words kubeproof run --fo
words kubeproof run --format ''
words kubeproof run --root /tmp --format js
words kubeproof list ''
words kubeproof report --no-i
words kubeproof run --no-such
words kubeproof g
"""
        proc = self.run_ok(["bash", "-c", script, "bash",
                            self.installed("usr/share/bash-completion/completions/kubeproof")])
        lines = proc.stdout.splitlines()
        self.assertEqual(lines[0], "complete -o default -F _kubeproof kubeproof")
        lines[1] = " ".join(sorted(lines[1].split()))
        formats = self.run_ok([CFG.binary, "run", "--help"]).stdout
        self.assertIn("{text,json,junit,sarif", formats)
        self.assertEqual(lines[1:], ["report run", "--format", "text json junit sarif ocsf asff", "json",
                                     "benchmarks checks frameworks controls", "--no-index", "", ""])

    def test_zsh_completion_is_valid_zsh_with_the_options(self):
        path = self.installed("usr/share/zsh/vendor-completions/_kubeproof")
        self.run_ok(["zsh", "-n", path])
        with open(path, encoding="utf-8") as f:
            text = f.read()
        self.assertTrue(text.startswith("#compdef kubeproof\n"))
        self.assertIn("'--format[Output format]:value:(text json junit sarif ocsf asff)'", text)
        self.assertIn("'1:what:(benchmarks checks frameworks controls)'", text)
        self.assertNotRegex(text.replace("`kubeproof generate zsh`", ""), r"\bgenerate\b")

    def test_man_page_renders_every_command(self):
        page = self.installed("usr/share/man/man1/kubeproof.1.gz")
        with open(page, "rb") as f:
            roff = zlib.decompress(f.read(), 16 + zlib.MAX_WBITS)
        proc = subprocess.run(["groff", "-man", "-Tutf8", "-ww", "-z"], input=roff, capture_output=True, timeout=60)
        self.assertEqual((proc.returncode, proc.stderr.decode()), (0, ""), "groff warnings")
        env = {**base_env(), "MANPAGER": "cat", "MANWIDTH": "100"}
        text = self.run_ok(["man", "-l", page], env=env).stdout
        text = re.sub(".\b", "", text)  # overstrikes, should man embolden anyway
        help_text = self.run_ok([CFG.binary, "--help"]).stdout
        commands = re.findall(r"^  (\w+)  ", help_text.split("Subcommands:")[1], re.M)
        self.assertIn("report", commands, help_text)
        self.assertIn("kubeproof - Kubernetes CIS benchmark scanner", text)
        for command in commands:
            self.assertRegex(text, rf"\n {{2,}}kubeproof {command}\b", f"the man page has no section for {command}")
        self.assertIn("--format text|json|junit|sarif|ocsf|asff", text)
        self.assertNotRegex(text, r"\bgenerate\b")

    # -- the image

    def skopeo(self, *args):
        return json.loads(self.run_ok(["skopeo", "inspect", *args, f"oci:{self.image}:{VERSION}"]).stdout)

    def test_image_manifest_and_config(self):
        inspected = self.skopeo()
        self.assertEqual((inspected["Architecture"], inspected["Os"], len(inspected["Layers"]), inspected["Created"]),
                         ("amd64", "linux", 1, EPOCH_RFC3339))
        self.assertEqual(inspected["Labels"]["org.opencontainers.image.version"], VERSION)
        config = self.skopeo("--config")
        self.assertEqual((config["config"]["User"], config["config"]["Entrypoint"]),
                         (self.USER, ["/usr/bin/kubeproof"]))
        self.assertEqual(len(config["rootfs"]["diff_ids"]), 1)
        self.assertNotIn("Cmd", config["config"])

    def test_image_holds_only_the_binary_and_its_user(self):
        found = {}
        for d, dirs, files in os.walk(self.rootfs):
            for name in dirs + files:
                path = os.path.join(d, name)
                st = os.lstat(path)
                found[os.path.relpath(path, self.rootfs)] = (stat.filemode(st.st_mode), st.st_uid, st.st_gid)
        self.assertEqual(found, {"etc": ("drwxr-xr-x", 0, 0), "usr": ("drwxr-xr-x", 0, 0),
                                 "usr/bin": ("drwxr-xr-x", 0, 0), "usr/bin/kubeproof": ("-rwxr-xr-x", 0, 0),
                                 "etc/passwd": ("-rw-r--r--", 0, 0), "etc/group": ("-rw-r--r--", 0, 0)})
        with open(os.path.join(self.rootfs, "etc/passwd"), encoding="utf-8") as f:
            self.assertEqual(f.read(), "kubeproof:x:65532:65532:kubeproof:/nonexistent:/sbin/nologin\n")
        with open(os.path.join(self.rootfs, "usr/bin/kubeproof"), "rb") as a, open(CFG.binary, "rb") as b:
            self.assertEqual(a.read(), b.read())

    def test_image_entrypoint_runs_as_its_user(self):
        """Runs what the image's config says (entrypoint, user) in its unpacked root: a scan of a
        node whose 0600 root files it cannot read (ERROR, never PASS), into a folder only 65532 may
        write."""
        config = self.skopeo("--config")["config"]
        bundle = os.path.join(self.dir, "bundle-run")
        self.checked(["umoci", "unpack", "--image", f"{self.image}:{VERSION}", bundle])
        rootfs = os.path.join(bundle, "rootfs")
        command = ["chroot", f"--userspec={config['User']}", rootfs, *config["Entrypoint"]]
        proc = self.run_ok([*command, "version"], env=base_env())
        self.assertEqual(proc.stdout.splitlines()[0], f"kubeproof {VERSION}")
        self.copy_node(rootfs)
        out = os.path.join(rootfs, "out")
        os.mkdir(out, 0o700)
        os.chown(out, 65532, 65532)
        proc = subprocess.run([*command, "run", "--root", "/node", "--format", "json", "--output", "/out/r.json"],
                              capture_output=True, text=True, env=base_env(), timeout=60)
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.assertEqual(os.stat(os.path.join(out, "r.json")).st_uid, 65532)
        with open(os.path.join(out, "r.json"), encoding="utf-8") as f:
            report = json.load(f)
        denied = [r["id"] for r in report["results"]
                  if r["status"] == "ERROR" and "Permission denied" in r.get("reason", "")]
        self.assertTrue(denied, "as 65532 the node's 0600 root files are unreadable: ERROR results")
        self.assertNotEqual(report["totals"], self.direct_totals())

    def test_packages_are_reproducible(self):
        deb, image = self.package(os.path.join(self.dir, "again"))
        with open(deb, "rb") as a, open(self.deb, "rb") as b:
            self.assertEqual(hashlib.sha256(a.read()).hexdigest(), hashlib.sha256(b.read()).hexdigest())
        digests = [json.loads(self.run_ok(["skopeo", "inspect", f"oci:{i}:{VERSION}"]).stdout)["Digest"]
                   for i in (image, self.image)]
        self.assertEqual(digests[0], digests[1])


# ---------------------------------------------------------------------------------------------
# runner

# ---------------------------------------------------------------------------------------------
# run --upload: reports delivered to S3 (SigV4) or an HTTPS URL, with a pending queue (issue 14)

def _load_fake_apiserver():
    """tests/k8s/fake_apiserver.py as a module, for its certificate helpers."""
    import importlib.util
    spec = importlib.util.spec_from_file_location(
        "fake_apiserver", os.path.join(CFG.source, "tests", "k8s", "fake_apiserver.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class S3Server(StdinStoppedServer):
    """tests/e2e/s3_server.js: s3rver on loopback behind a gate that has each SigV4 signature
    recomputed by aws4 and checks the payload hash, Content-MD5 and x-amz-checksum-sha256; stopped by
    closing its stdin."""

    def __init__(self, directory, keys, tokens=None, fail_first=0, bucket="evidence"):
        script = os.path.join(CFG.source, "tests", "e2e", "s3_server.js")
        config = {"directory": directory, "bucket": bucket, "keys": keys, "tokens": tokens or {},
                  "fail_first": fail_first}
        self.proc = subprocess.Popen(["node", script, json.dumps(config)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                     cwd=os.path.join(CFG.source, "tests", "e2e"))
        line = self.proc.stdout.readline()
        if not line.startswith("PORT "):
            self.stop()
            raise RuntimeError(f"s3_server.js did not start (run scripts/setup.sh for s3rver): {line!r}")
        self.port = int(line.split()[1])
        self.endpoint = f"http://127.0.0.1:{self.port}"

    def get(self, path):
        with urllib.request.urlopen(f"{self.endpoint}{path}", timeout=10) as r:
            return r.read(), dict(r.headers)

    def log(self):
        return json.loads(self.get("/_test/log")[0])


class HttpsRecorder:
    """A loopback HTTPS server in a thread: records each PUT (path, headers, body) and answers the
    statuses queued in `statuses` (200 when empty); a POST to /sts/ is an STS
    AssumeRoleWithWebIdentity answered with `sts_answer`."""

    def __init__(self, certificates, sts_answer=""):
        import http.server
        import threading
        recorder = self
        self.puts, self.posts, self.statuses, self.sts_answer = [], [], [], sts_answer

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def body(self):
                return self.rfile.read(int(self.headers.get("Content-Length", "0")))

            def answer(self, status, text=b""):
                self.send_response(status)
                self.send_header("Content-Length", str(len(text)))
                self.end_headers()
                self.wfile.write(text)

            def do_PUT(self):
                recorder.puts.append((self.path, dict(self.headers), self.body()))
                self.answer(recorder.statuses.pop(0) if recorder.statuses else 200)

            def do_POST(self):
                recorder.posts.append((self.path, dict(self.headers), self.body()))
                self.answer(200, recorder.sts_answer.encode())

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(certificates["server_cert"], certificates["server_key"])
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


STS_ANSWER = """<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <Credentials>
      <AccessKeyId>ASIAKUBEPROOFTEST</AccessKeyId>
      <SecretAccessKey>STS-SECRET-CANARY-7b1c</SecretAccessKey>
      <SessionToken>STS-TOKEN-CANARY-3e9f</SessionToken>
      <Expiration>2099-01-01T00:00:00Z</Expiration>
    </Credentials>
  </AssumeRoleWithWebIdentityResult>
</AssumeRoleWithWebIdentityResponse>
"""


class Upload(unittest.TestCase):
    """run --upload (issue 14 item 1): the stored report and its signature land byte for byte in a
    real S3 implementation on loopback that checks every signature; refused, unreachable or failing
    stores leave the report queued and exit 4, and the next run delivers the queue oldest first;
    presigned and collector URLs over HTTPS; credentials from STS; no secret is ever printed."""

    SECRET = "S3-SECRET-CANARY-51d2"
    KEY_ID = "AKIAKUBEPROOFTEST"
    HEADER_SECRET = "HEADER-CANARY-88a0"
    PRESIGNED_SECRET = "PRESIGN-CANARY-0c41"
    WEB_TOKEN = "WEB-IDENTITY-CANARY-f00d"
    NODE = "kubeadm-control-plane"
    FILE_WRONG_SECRET = "FILE-WRONG-CANARY-6a5e"
    CANARIES = (SECRET, HEADER_SECRET, PRESIGNED_SECRET, WEB_TOKEN, "STS-SECRET-CANARY-7b1c",
                "STS-TOKEN-CANARY-3e9f", FILE_WRONG_SECRET)

    @classmethod
    def setUpClass(cls):
        if shutil.which("node") is None or shutil.which("openssl") is None:
            raise unittest.SkipTest("node or openssl is missing (scripts/setup.sh installs them)")
        if not os.path.isdir(os.path.join(CFG.source, "tests", "e2e", "node_modules", "s3rver")):
            raise AssertionError("s3rver is not installed: run scripts/setup.sh (npm ci in tests/e2e)")
        cls.dir = tempfile.mkdtemp(dir=CFG.tmp, prefix="upload-")
        cls.key = os.path.join(cls.dir, "sign.pem")
        subprocess.run(["openssl", "genpkey", "-algorithm", "ed25519", "-out", cls.key], check=True, capture_output=True)
        cls.certs = _load_fake_apiserver().make_certificates(tempfile.mkdtemp(dir=cls.dir, prefix="tls-"))
        cls.count = 0

    def setUp(self):
        self.servers = []

    def tearDown(self):
        for server in self.servers:
            server.stop()

    def fresh(self, name):
        Upload.count += 1
        path = os.path.join(self.dir, f"{name}-{Upload.count}")
        os.makedirs(path)
        return path

    def s3(self, **kwargs):
        server = S3Server(self.fresh("s3data"), {self.KEY_ID: self.SECRET}, **kwargs)
        self.servers.append(server)
        return server

    def scan(self, store, *extra, env=None, secret=None, day=0):
        environment = dict(base_env(), SOURCE_DATE_EPOCH=str(int(EPOCH) + day * 86400),
                           KUBEPROOF_UPLOAD_RETRY_DELAY_MS="50",
                           AWS_ACCESS_KEY_ID=self.KEY_ID, AWS_SECRET_ACCESS_KEY=secret or self.SECRET)
        environment.update(env or {})
        environment = {k: v for k, v in environment.items() if v is not None}
        args = scan_args(self.NODE, "--format", "json", "--store", store, "--cluster", "demo",
                         "--sign-key", self.key, *extra)
        proc = subprocess.run([CFG.binary, *args], capture_output=True, text=True, env=environment, cwd=CFG.tmp,
                              timeout=120)
        validate_run_output(args, proc, cwd=CFG.tmp)
        for canary in self.CANARIES:
            self.assertNotIn(canary, proc.stdout + proc.stderr, "a secret was printed")
        return proc

    def reports(self, store):
        """The stored reports, relative to the store, oldest first."""
        found = []
        for directory, dirs, files in os.walk(store):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            found += [os.path.relpath(os.path.join(directory, f), store) for f in files if f.endswith(".json")]
        return sorted(found)

    def pending(self, store):
        """What the queue names, oldest first."""
        folder = os.path.join(store, ".pending")
        names = sorted(n for n in os.listdir(folder) if n.endswith(".pending")) if os.path.isdir(folder) else []
        out = []
        for name in names:
            with open(os.path.join(folder, name), encoding="utf-8") as f:
                lines = f.read().splitlines()
            self.assertEqual(lines[0], "kubeproof.pending/v1")
            out.append(lines[1])
        return out

    def assert_landed(self, server, store, relative, prefix="prod/"):
        """The object and its .sig are the stored bytes; S3's ETag is their MD5."""
        for name in (relative, relative + ".sig"):
            with open(os.path.join(store, name), "rb") as f:
                local = f.read()
            remote, headers = server.get(f"/evidence/{prefix}{urllib.parse.quote(name)}")
            self.assertEqual(remote, local, f"{name} differs in S3")
            self.assertEqual(headers.get("ETag", "").strip('"'), hashlib.md5(local).hexdigest())

    def puts(self, server):
        return [(e["path"], e["status"]) for e in server.log() if e["method"] == "PUT"]

    def assert_no_canary_in_store(self, store):
        for directory, _, files in os.walk(store):
            for name in files:
                with open(os.path.join(directory, name), "rb") as f:
                    data = f.read()
                for canary in self.CANARIES:
                    self.assertNotIn(canary.encode(), data, f"a secret in {name}")

    def test_report_and_signature_land_in_s3_byte_for_byte(self):
        server, store = self.s3(), self.fresh("store")
        proc = self.scan(store, "--upload", "s3://evidence/prod", "--s3-endpoint", server.endpoint)
        self.assertEqual(proc.returncode, 1, proc.stderr)  # the node's findings; delivery succeeded
        [relative] = self.reports(store)
        self.assert_landed(server, store, relative)
        self.assertEqual(self.pending(store), [])
        self.assertIn(f"kubeproof: uploaded {relative}\n", proc.stderr)
        quoted = urllib.parse.quote(relative)
        self.assertEqual(self.puts(server), [(f"/evidence/prod/{quoted}.sig", 200), (f"/evidence/prod/{quoted}", 200)])
        for entry in server.log():
            if entry["method"] == "PUT":
                self.assertEqual(entry["signed_headers"], "content-md5;content-type;host;x-amz-checksum-sha256;"
                                                          "x-amz-content-sha256;x-amz-date")
        self.assert_no_canary_in_store(store)
        # verify reads the store with its queue folder as before, and report finds the same one report
        pub = os.path.join(self.dir, "sign.pub.pem")
        subprocess.run(["openssl", "pkey", "-in", self.key, "-pubout", "-out", pub], check=True, capture_output=True)
        verify = kubeproof("verify", "--key", pub, store)
        self.assertEqual(verify.returncode, 0, verify.stdout + verify.stderr)
        self.assertNotIn(".pending", verify.stdout + verify.stderr)

    def test_a_wrong_secret_is_refused_kept_pending_and_sent_by_the_next_run(self):
        server, store = self.s3(), self.fresh("store")
        refused = self.scan(store, "--upload", "s3://evidence/prod", "--s3-endpoint", server.endpoint,
                            secret="not-the-secret")
        self.assertEqual(refused.returncode, 4, refused.stderr)
        [first] = self.reports(store)
        self.assertIn(f"cannot upload {first}.sig to s3://evidence/prod/{first}.sig: HTTP 403 (SignatureDoesNotMatch)\n",
                      refused.stderr)
        self.assertIn("1 report(s) pending upload", refused.stderr)
        self.assertEqual(self.pending(store), [first])
        self.assertEqual([status for _, status in self.puts(server)], [403], "a 403 is never retried")
        delivered = self.scan(store, "--upload", "s3://evidence/prod", "--s3-endpoint", server.endpoint, day=1)
        self.assertEqual(delivered.returncode, 1, delivered.stderr)
        first_again, second = self.reports(store)
        self.assertEqual(first_again, first)
        self.assertEqual(self.pending(store), [])
        for relative in (first, second):
            self.assert_landed(server, store, relative)
        sent = [path for path, status in self.puts(server) if status == 200]
        self.assertEqual(sent, [f"/evidence/prod/{urllib.parse.quote(r)}{s}" for r in (first, second) for s in (".sig", "")],
                         "the pending report goes first")

    def test_an_unreachable_store_keeps_the_report_until_the_next_run(self):
        with socket.socket() as s:  # a port nothing listens on
            s.bind(("127.0.0.1", 0))
            closed = s.getsockname()[1]
        store = self.fresh("store")
        proc = self.scan(store, "--upload", "s3://evidence/prod", "--s3-endpoint", f"http://127.0.0.1:{closed}")
        self.assertEqual(proc.returncode, 4, proc.stderr)
        [first] = self.reports(store)
        self.assertRegex(proc.stderr, rf"cannot upload {re.escape(first)}\.sig to s3://evidence/prod/\S+: .* \(3 attempts\)\n")
        self.assertEqual(self.pending(store), [first])
        server = self.s3()
        again = self.scan(store, "--upload", "s3://evidence/prod", "--s3-endpoint", server.endpoint, day=1)
        self.assertEqual(again.returncode, 1, again.stderr)
        self.assertEqual(self.pending(store), [])
        for relative in self.reports(store):
            self.assert_landed(server, store, relative)

    def test_a_503_is_tried_again(self):
        server, store = self.s3(fail_first=1), self.fresh("store")
        proc = self.scan(store, "--upload", "s3://evidence", "--s3-endpoint", server.endpoint)
        self.assertEqual(proc.returncode, 1, proc.stderr)
        [relative] = self.reports(store)
        quoted = urllib.parse.quote(relative)
        self.assertEqual(self.puts(server), [(f"/evidence/{quoted}.sig", 503), (f"/evidence/{quoted}.sig", 200),
                                             (f"/evidence/{quoted}", 200)])
        self.assert_landed(server, store, relative, prefix="")

    def test_a_corrupt_queue_entry_is_named_and_kept(self):
        server, store = self.s3(), self.fresh("store")
        os.makedirs(os.path.join(store, ".pending"))
        bad = os.path.join(store, ".pending", "00000000000000000001-x.json.pending")
        with open(bad, "w", encoding="utf-8") as f:
            f.write("kubeproof.pending/v1\n../../etc/passwd.json\n")
        proc = self.scan(store, "--upload", "s3://evidence/prod", "--s3-endpoint", server.endpoint)
        self.assertEqual(proc.returncode, 4, proc.stderr)
        self.assertIn(f"kubeproof: {bad}: the second line is not a report's path inside the store\n", proc.stderr)
        self.assertTrue(os.path.exists(bad))
        [relative] = self.reports(store)
        self.assert_landed(server, store, relative)

    def test_credentials_from_a_web_identity_token_through_sts(self):
        sts = HttpsRecorder(self.certs, STS_ANSWER)
        self.servers.append(sts)
        server = S3Server(self.fresh("s3data"), {"ASIAKUBEPROOFTEST": "STS-SECRET-CANARY-7b1c"},
                          tokens={"ASIAKUBEPROOFTEST": "STS-TOKEN-CANARY-3e9f"})
        self.servers.append(server)
        token = os.path.join(self.dir, "web-identity-token")
        with open(token, "w", encoding="utf-8") as f:
            f.write(self.WEB_TOKEN + "\n")
        store = self.fresh("store")
        env = {"AWS_ACCESS_KEY_ID": None, "AWS_SECRET_ACCESS_KEY": None, "AWS_WEB_IDENTITY_TOKEN_FILE": token,
               "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/kubeproof-upload",
               "AWS_ENDPOINT_URL_STS": f"https://127.0.0.1:{sts.port}/sts/"}
        proc = self.scan(store, "--upload", "s3://evidence/prod", "--s3-endpoint", server.endpoint,
                         "--s3-ca-file", self.certs["ca"], env=env)
        self.assertEqual(proc.returncode, 1, proc.stderr)
        [(path, headers, body)] = sts.posts
        self.assertEqual(path, "/sts/")
        self.assertEqual(headers["Content-Type"], "application/x-www-form-urlencoded")
        self.assertEqual(urllib.parse.parse_qs(body.decode()),
                         {"Action": ["AssumeRoleWithWebIdentity"], "Version": ["2011-06-15"],
                          "RoleArn": ["arn:aws:iam::123456789012:role/kubeproof-upload"],
                          "RoleSessionName": ["kubeproof"], "WebIdentityToken": [self.WEB_TOKEN]})
        [relative] = self.reports(store)
        self.assert_landed(server, store, relative)
        self.assertTrue(all(e["token"] and e["signed_headers"].endswith(";x-amz-security-token")
                            for e in server.log() if e["method"] == "PUT"))
        # a malformed answer: kept pending, exit 4, the problem named
        sts.sts_answer = STS_ANSWER.replace("</Credentials>", "")
        broken = self.scan(store, "--upload", "s3://evidence/prod", "--s3-endpoint", server.endpoint,
                           "--s3-ca-file", self.certs["ca"], env=env, day=1)
        self.assertEqual(broken.returncode, 4, broken.stderr)
        self.assertIn("kubeproof: cannot upload: STS AssumeRoleWithWebIdentity for "
                      "arn:aws:iam::123456789012:role/kubeproof-upload: the answer has no single <Credentials> element\n",
                      broken.stderr)
        self.assertEqual(self.pending(store), [self.reports(store)[1]])

    def test_credentials_from_a_shared_credentials_file_profile(self):
        # No credential in the environment: only the file's path and the profile (issue 14: a Secret
        # mounted as a file). [default] holds the same key id with a wrong secret, so only the
        # profile AWS_PROFILE names is accepted.
        server, store = self.s3(), self.fresh("store")
        credentials = os.path.join(self.fresh("aws"), "credentials")
        with open(credentials, "w", encoding="utf-8", newline="") as f:
            f.write(f"# two profiles\r\n[default]\r\naws_access_key_id = {self.KEY_ID}\r\n"
                    f"aws_secret_access_key = {self.FILE_WRONG_SECRET}\r\n\r\n"
                    f"; the one the store knows\r\n[uploader]\r\n  aws_access_key_id={self.KEY_ID}\r\n"
                    f"aws_secret_access_key = {self.SECRET}")
        env = {"AWS_ACCESS_KEY_ID": None, "AWS_SECRET_ACCESS_KEY": None, "AWS_SESSION_TOKEN": None,
               "AWS_WEB_IDENTITY_TOKEN_FILE": None, "AWS_SHARED_CREDENTIALS_FILE": credentials,
               "AWS_PROFILE": "uploader"}
        upload = ("--upload", "s3://evidence/prod", "--s3-endpoint", server.endpoint)
        proc = self.scan(store, *upload, env=env)
        self.assertEqual(proc.returncode, 1, proc.stderr)
        [first] = self.reports(store)
        self.assert_landed(server, store, first)
        self.assertEqual(self.pending(store), [])
        self.assertTrue(all(e["status"] == 200 and not e["token"] for e in server.log() if e["method"] == "PUT"))
        # the other profile's secret: refused, queued
        refused = self.scan(store, *upload, env=dict(env, AWS_PROFILE="default"), day=1)
        self.assertEqual(refused.returncode, 4, refused.stderr)
        second = self.reports(store)[1]
        self.assertIn(f"cannot upload {second}.sig to s3://evidence/prod/{second}.sig: HTTP 403 (SignatureDoesNotMatch)\n",
                      refused.stderr)
        self.assertEqual(self.pending(store), [second])
        # a profile the file lacks, and a file that is not there: named, nothing sent, still queued
        puts = len(self.puts(server))
        missing = self.scan(store, *upload, env=dict(env, AWS_PROFILE="nope"), day=2)
        self.assertEqual(missing.returncode, 4, missing.stderr)
        self.assertIn(f"kubeproof: cannot upload: {credentials}: no [nope] profile\n", missing.stderr)
        gone = os.path.join(self.dir, "no-such-credentials")
        absent = self.scan(store, *upload, env=dict(env, AWS_SHARED_CREDENTIALS_FILE=gone), day=3)
        self.assertEqual(absent.returncode, 4, absent.stderr)
        self.assertIn(f"kubeproof: cannot upload: AWS_SHARED_CREDENTIALS_FILE {gone}: No such file or directory\n",
                      absent.stderr)
        self.assertEqual(len(self.puts(server)), puts, "no request without credentials")
        self.assertEqual(self.pending(store), self.reports(store)[1:])
        self.assert_no_canary_in_store(store)

    def test_a_presigned_url_takes_the_report_with_the_headers_given(self):
        recorder = HttpsRecorder(self.certs)
        self.servers.append(recorder)
        store = self.fresh("store")
        url = (f"https://127.0.0.1:{recorder.port}/bucket/scan.json?X-Amz-Algorithm=AWS4-HMAC-SHA256"
               f"&X-Amz-Signature={self.PRESIGNED_SECRET}")
        proc = self.scan(store, "--upload", url, "--upload-header", f"Authorization: Bearer {self.HEADER_SECRET}",
                         "--upload-header", "X-Team: audit", "--s3-ca-file", self.certs["ca"])
        self.assertEqual(proc.returncode, 1, proc.stderr)
        [relative] = self.reports(store)
        [(path, headers, body)] = recorder.puts
        self.assertEqual(path, url.split(str(recorder.port), 1)[1])
        with open(os.path.join(store, relative), "rb") as f:
            self.assertEqual(body, f.read())
        self.assertEqual(headers["Authorization"], f"Bearer {self.HEADER_SECRET}")
        self.assertEqual(headers["X-Team"], "audit")
        self.assertEqual(headers["Content-MD5"], base64.b64encode(hashlib.md5(body).digest()).decode())
        self.assertIn(f"note: {relative}.sig stays in the store only: the --upload URL names one object", proc.stderr)
        self.assertEqual(self.pending(store), [])

    def test_a_collector_url_takes_report_and_signature_under_their_store_paths(self):
        recorder = HttpsRecorder(self.certs)
        recorder.statuses = [500, 500, 500]
        self.servers.append(recorder)
        store = self.fresh("store")
        base = f"https://127.0.0.1:{recorder.port}/in/"
        failed = self.scan(store, "--upload", base, "--s3-ca-file", self.certs["ca"])
        self.assertEqual(failed.returncode, 4, failed.stderr)
        [first] = self.reports(store)
        self.assertIn(f"cannot upload {first}.sig to {base}{urllib.parse.quote(first)}.sig: HTTP 500 (3 attempts)\n",
                      failed.stderr)
        self.assertEqual(self.pending(store), [first])
        delivered = self.scan(store, "--upload", base, "--s3-ca-file", self.certs["ca"], day=1)
        self.assertEqual(delivered.returncode, 1, delivered.stderr)
        first, second = self.reports(store)
        self.assertEqual([p for p, _, _ in recorder.puts[3:]],
                         [f"/in/{urllib.parse.quote(r)}{s}" for r in (first, second) for s in (".sig", "")])
        for path, _, body in recorder.puts[3:]:
            with open(os.path.join(store, urllib.parse.unquote(path[len("/in/"):])), "rb") as f:
                self.assertEqual(body, f.read())
        self.assertEqual(self.pending(store), [])

    def test_usage_errors(self):
        store = self.fresh("store")
        cases = [
            (["--upload", "s3://evidence/prod"], None,
             "kubeproof: --upload sends the reports kept in the store: it needs --store DIR\n"),
            (["--store", store, "--upload", "s3://evidence/prod"], {"AWS_REGION": None},
             "kubeproof: --upload s3:// needs the bucket's Region: --aws-region, AWS_REGION or AWS_DEFAULT_REGION\n"),
            (["--store", store, "--upload", "s3://evidence", "--s3-endpoint", "http://127.0.0.1:1",
              "--upload-header", "X-A: b"], None,
             "kubeproof: --upload-header goes with an https:// --upload, not s3://\n"),
            (["--store", store, "--upload", "https://127.0.0.1:1/in/", "--upload-header", f"bad {self.HEADER_SECRET}"],
             None, "kubeproof: --upload-header takes 'Name: value' (a header name, a colon, the value)\n"),
        ]
        for args, env, message in cases:
            with self.subTest(args=args):
                environment = dict(base_env(), **(env or {}))
                environment = {k: v for k, v in environment.items() if v is not None}
                proc = subprocess.run([CFG.binary, *scan_args(self.NODE, *args)], capture_output=True, text=True,
                                      env=environment, cwd=CFG.tmp, timeout=60)
                self.assertEqual((proc.returncode, proc.stderr), (2, message))
        self.assertEqual(self.reports(store), [], "a usage error scans nothing")


class CountingResult(unittest.TextTestResult):
    """Counts test methods (a method with several failing subtests counts once) and times each."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.durations = []
        self._started = 0.0

    def startTest(self, test):
        self._started = time.monotonic()
        super().startTest(test)

    def stopTest(self, test):
        super().stopTest(test)
        self.durations.append((time.monotonic() - self._started, test.id()))

    def slowest(self, count):
        """The `count` slowest test methods, as (seconds, id), slowest first."""
        return sorted(self.durations, reverse=True)[:count]

    def failed_ids(self):
        """Ids of failed test methods, and of failed class/module fixtures (which run no method)."""
        ids = set()
        for test, _ in self.failures + self.errors:
            ids.add(getattr(test, "test_case", test).id())
        for test in self.unexpectedSuccesses:
            ids.add(test.id())
        return ids

    def failed_methods(self):
        return {i for i in self.failed_ids() if not i.startswith(("setUp", "tearDown"))}


# ---------------------------------------------------------------------------------------------
# run --every (issue 14 item 2): the long-running mode of the node DaemonSet

def store_reports(store):
    return sorted(os.path.join(d, f) for d, _, files in os.walk(store) for f in files if f.endswith(".json"))


def leftovers(*dirs):
    """Temporary files an interrupted write would leave (the atomic writers' .tmp.*, the store's .partial)."""
    return sorted(os.path.join(d, f) for top in dirs for d, _, files in os.walk(top) for f in files
                  if ".tmp" in f or f.endswith(".partial"))


class EveryMode(unittest.TestCase):
    """`run --every`: one scan per interval into a store, chained; SIGTERM between scans ends the
    loop at once, during a scan after the scan's outputs are written; one loop per store."""

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(dir=CFG.tmp, prefix="every-")

    def start(self, name, *extra, stdin=None):
        store = os.path.join(self.dir, name, "store")
        # The real clock: every scan has its own time (SOURCE_DATE_EPOCH would give them one).
        env = {k: v for k, v in base_env().items() if k != "SOURCE_DATE_EPOCH"}
        proc = subprocess.Popen([CFG.binary, "run", "--every", "2s", "--jitter", "0", "--store", store,
                                 "--cluster", "demo", "--format", "json", "--fail-on", "never", *extra],
                                stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                                cwd=CFG.tmp)
        self.addCleanup(lambda: proc.poll() is None and proc.kill())
        return proc, store

    def wait_for(self, predicate, timeout=20.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return True
            time.sleep(0.05)
        return False

    def stop(self, proc, sig=signal.SIGTERM, timeout=10):
        sent = time.monotonic()
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=timeout)
        return proc.returncode, time.monotonic() - sent, out, err

    def test_scans_once_per_interval_into_a_chain_and_stops_at_once_between_scans(self):
        out_dir = os.path.join(self.dir, "chain-out")
        os.makedirs(out_dir)
        output, metrics = os.path.join(out_dir, "latest.json"), os.path.join(out_dir, "kubeproof.prom")
        proc, store = self.start("chain", "--root", node_root("kubeadm-control-plane"), "--output", output,
                                 "--metrics-file", metrics)
        started = time.monotonic()
        self.assertTrue(self.wait_for(lambda: len(store_reports(store)) >= 3), "three scans within 20 s")
        took = time.monotonic() - started
        time.sleep(0.3)  # the third scan's outputs are written; the loop waits for the fourth
        rc, stopped_in, out, err = self.stop(proc)
        self.assertEqual(rc, 0, err)
        self.assertLess(stopped_in, 1.0, "SIGTERM during the wait ends the loop at once")
        self.assertGreaterEqual(took, 3.5, "start to start 2 s: the third scan starts 4 s after the first")
        self.assertEqual(out, "", "in --every mode the report goes to the store and --output, not stdout")
        reports = store_reports(store)
        self.assertEqual(len(reports), 3, err)
        scans = []
        for path in reports:
            with open(path, "rb") as f:
                data = f.read()
            scans.append((json.loads(data)["scan"], hashlib.sha256(data).hexdigest()))
        self.assertEqual([s["seq"] for s, _ in scans], [1, 2, 3])
        self.assertEqual([s.get("previous", "") for s, _ in scans[1:]], [digest for _, digest in scans[:2]])
        starts = [datetime.datetime.fromisoformat(s["started_at"].replace("Z", "+00:00")) for s, _ in scans]
        # Whole seconds in the report: 2 s apart, give or take the second the start fell into.
        for gap in [(b - a).total_seconds() for a, b in zip(starts, starts[1:])]:
            self.assertIn(gap, (1.0, 2.0, 3.0))
        verified = kubeproof("verify", store)
        self.assertEqual(verified.returncode, 0, verified.stdout + verified.stderr)
        self.assertIn("intact: 3 reports in 1 series", verified.stdout)
        # --output and --metrics-file are the last scan's, rewritten each time, nothing half written.
        with open(output, encoding="utf-8") as f:
            latest = json.load(f)
        validate_report(json.dumps(latest))
        self.assertEqual(latest["scan"]["seq"], 3)
        with open(metrics, encoding="utf-8") as f:
            self.assertIn("kubeproof_", f.read())
        self.assertEqual(leftovers(store, out_dir), [])
        # The log: one line as each scan starts, one with its totals, its report and the next scan's time.
        lines = err.splitlines()
        self.assertEqual(lines[0][:len("kubeproof: scanning every 2s; first scan at 20")],
                         "kubeproof: scanning every 2s; first scan at 20")
        for n in (1, 2, 3):
            self.assertIn(f"kubeproof: scan {n} started", lines)
            finished = next(line for line in lines if line.startswith(f"kubeproof: scan {n} finished"))
            self.assertRegex(finished, rf"^kubeproof: scan {n} finished \(exit 0\): PASS \d+ FAIL \d+ WARN \d+ SKIP \d+ "
                                       rf"NA \d+ ERROR \d+; stored {re.escape(reports[n - 1])}; wrote {re.escape(output)}$")
        self.assertEqual(len([line for line in lines if line.startswith("kubeproof: next scan at ")]), 3)
        self.assertEqual(lines[-1], "kubeproof: SIGTERM: stopping after 3 scans (0 failed)")

    def test_a_signal_during_a_scan_lets_it_finish_writing(self):
        # The scan reads its manifests from stdin: it is under way, blocked, until the test writes them.
        out_dir = os.path.join(self.dir, "mid-scan-out")
        os.makedirs(out_dir)
        output = os.path.join(out_dir, "latest.json")
        proc, store = self.start("mid-scan", "--targets", "policies", "--manifests", "-", "--output", output,
                                 stdin=subprocess.PIPE)
        time.sleep(0.5)
        proc.send_signal(signal.SIGTERM)
        time.sleep(0.5)
        self.assertIsNone(proc.poll(), "the scan is not interrupted")
        proc.stdin.write("apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: shop}\n"
                         "spec:\n  containers:\n  - name: web\n    image: nginx\n"
                         "    securityContext: {privileged: true}\n")
        proc.stdin.close()
        rc = proc.wait(timeout=10)
        err = proc.stderr.read()
        self.assertEqual(rc, 0, err)
        reports = store_reports(store)
        self.assertEqual(len(reports), 1, err)
        with open(reports[0], encoding="utf-8") as f:
            stored = json.load(f)
        with open(output, encoding="utf-8") as f:
            latest = json.load(f)
        self.assertEqual(stored["scan"]["id"], latest["scan"]["id"])
        self.assertEqual(stored["totals"], latest["totals"])
        self.assertGreater(latest["totals"]["FAIL"] + latest["totals"]["WARN"], 0)
        self.assertEqual(leftovers(store, out_dir), [])
        self.assertTrue(err.rstrip().endswith("kubeproof: SIGTERM: stopping after 1 scan (0 failed)"), err)
        self.assertNotIn("next scan at", err)

    def test_one_loop_per_store(self):
        first, store = self.start("one-loop", "--root", node_root("hardened-control-plane"))
        self.assertTrue(self.wait_for(lambda: len(store_reports(store)) >= 1))
        second = subprocess.run([CFG.binary, "run", "--every", "2s", "--store", store, "--root",
                                 node_root("hardened-control-plane")], capture_output=True, text=True,
                                env=base_env(), cwd=CFG.tmp, timeout=30)
        self.assertEqual(second.returncode, 3, second.stderr)
        self.assertEqual(second.stderr, f"kubeproof: another `kubeproof run --every` is scanning into {store} "
                                        f"(it holds {store}/.every.lock): one loop per store\n")
        rc, stopped_in, _, err = self.stop(first, signal.SIGINT)
        self.assertEqual(rc, 0, err)
        self.assertLess(stopped_in, 1.0)
        self.assertIn("kubeproof: SIGINT: stopping after", err)

    def test_a_failed_scan_is_logged_and_counted_and_the_loop_goes_on(self):
        out_dir = os.path.join(self.dir, "failing-out")
        os.makedirs(out_dir)
        output = os.path.join(out_dir, "latest.json")
        proc, store = self.start("failing", "--root", node_root("hardened-control-plane"), "--output", output)
        self.assertTrue(self.wait_for(lambda: os.path.exists(output)))
        shutil.rmtree(out_dir)  # the second scan cannot write --output
        self.assertTrue(self.wait_for(lambda: len(store_reports(store)) >= 2))
        time.sleep(0.3)
        os.makedirs(out_dir)
        self.assertTrue(self.wait_for(lambda: os.path.exists(output)), "the third scan writes it again")
        time.sleep(0.2)
        rc, _, _, err = self.stop(proc)
        self.assertEqual(rc, 0, err)
        self.assertIn(f"kubeproof: cannot write the report: {output}", err)
        self.assertRegex(err, r"kubeproof: scan 2 finished \(exit 3\): PASS")
        self.assertIn("kubeproof: SIGTERM: stopping after 3 scans (1 failed)", err)

    def test_usage_errors(self):
        store = os.path.join(self.dir, "usage-store")
        root = node_root("hardened-control-plane")
        for args, message in (
                (("--every", "500ms", "--store", store), "kubeproof: --every must be between 1s and 8784h, not 500ms\n"),
                (("--every", "daily", "--store", store), "kubeproof: --every: not a duration: \"daily\" (e.g. 24h, 90m)\n"),
                (("--every", "24h", "--jitter", "-1s", "--store", store),
                 "kubeproof: --jitter must be between 0s and 8784h, not -1s\n"),
                (("--every", "24h"), "kubeproof: --every needs --store: each scan is kept there, linked to the one before\n"),
                (("--jitter", "1m"), "kubeproof: --jitter goes with --every\n")):
            proc = kubeproof("run", "--root", root, *args)
            self.assertEqual((proc.returncode, proc.stderr), (2, message), args)
        self.assertFalse(os.path.exists(store))


# ---------------------------------------------------------------------------------------------
# the kustomize deployment (deploy/): built by kubectl, scanned by kubeproof itself

OVERLAYS = ["plain", "s3", "signing", "s3-static-keys", "controls"]
KUBECTL_MISSING = ("KUBECTL IS MISSING: the Deployment tests cannot build deploy/overlays/* and are SKIPPED. kubectl "
                   "(with its built-in kustomize) is not a Debian 12 package; put it on PATH and run again")


def project_version():
    with open(os.path.join(CFG.source, "CMakeLists.txt"), encoding="utf-8") as f:
        return re.search(r"^project\(kubeproof VERSION (\S+)", f.read(), re.M).group(1)


def pod_specs(objects):
    """(object, its pod spec) for every object that holds one."""
    for o in objects:
        spec = o.get("spec", {})
        if o["kind"] == "CronJob":
            yield o, spec["jobTemplate"]["spec"]["template"]["spec"]
        elif "template" in spec:
            yield o, spec["template"]["spec"]


def exceptions_table():
    """deploy/EXCEPTIONS.md's table of exceptions: (check, object, evidence) -> reason."""
    rows = {}
    with open(os.path.join(CFG.source, "deploy", "EXCEPTIONS.md"), encoding="utf-8") as f:
        for line in f:
            cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
            if line.startswith("| 5.") and len(cells) == 4:
                check, ref, evidence, reason = cells
                rows[(check, ref, evidence.strip("`"))] = reason
    return rows


class Deployment(unittest.TestCase):
    """deploy/: every overlay builds with `kubectl kustomize`, passes kubeproof's own section 5 checks but for
    the host access listed in deploy/EXCEPTIONS.md, names only the image the packaging builds, keeps
    credentials in files, grants only reads and lets traffic out only to the API server and storage."""

    @classmethod
    def setUpClass(cls):
        if shutil.which("kubectl") is None:
            print(f"\n*** {KUBECTL_MISSING} ***\n", file=sys.stderr)
            raise unittest.SkipTest(KUBECTL_MISSING)
        import yaml  # noqa: PLC0415 - Debian python3-yaml, installed by scripts/setup.sh
        cls.dir = tempfile.mkdtemp(dir=CFG.tmp, prefix="deploy-")
        cls.rendered, cls.objects, cls.build_errors = {}, {}, {}
        for overlay in OVERLAYS:
            made = subprocess.run(["kubectl", "kustomize", os.path.join(CFG.source, "deploy", "overlays", overlay)],
                                  capture_output=True, text=True, timeout=120)
            cls.build_errors[overlay] = made.stderr if made.returncode != 0 else ""
            path = os.path.join(cls.dir, f"{overlay}.yaml")
            with open(path, "w", encoding="utf-8") as f:
                f.write(made.stdout)
            cls.rendered[overlay] = path
            cls.objects[overlay] = [o for o in yaml.safe_load_all(made.stdout) if o]

    def test_every_overlay_builds(self):
        for overlay in OVERLAYS:
            self.assertEqual(self.build_errors[overlay], "", overlay)
            kinds = sorted(f"{o['kind']} {o['metadata'].get('namespace', '')}/{o['metadata']['name']}".replace(" /", " ")
                           for o in self.objects[overlay])
            self.assertEqual(kinds, ["ClusterRole kubeproof-cluster-reader", "ClusterRoleBinding kubeproof-cluster-reader",
                                     "CronJob kubeproof/kubeproof-cluster", "DaemonSet kubeproof-node/kubeproof-node",
                                     "Namespace kubeproof", "Namespace kubeproof-node",
                                     "NetworkPolicy kubeproof-node/kubeproof-node", "NetworkPolicy kubeproof/kubeproof-cluster",
                                     "PersistentVolumeClaim kubeproof/kubeproof-cluster-reports",
                                     "ServiceAccount kubeproof-node/kubeproof-node",
                                     "ServiceAccount kubeproof/kubeproof-cluster"], overlay)
        self.assertFalse(os.path.exists(os.path.join(CFG.source, "examples", "deploy")), "replaced by deploy/")

    def test_every_image_is_the_one_the_packaging_builds(self):
        image = f"ghcr.io/kubeproof/kubeproof:{project_version()}"
        for overlay in OVERLAYS:
            containers = [c for _, spec in pod_specs(self.objects[overlay])
                          for c in spec.get("initContainers", []) + spec["containers"]]
            self.assertEqual(len(containers), 2, overlay)
            for c in containers:
                self.assertEqual(c["image"], image, overlay)
                self.assertEqual(c["command"], ["/usr/bin/kubeproof"], "the binary itself, no shell")
            daemon = next(spec for o, spec in pod_specs(self.objects[overlay]) if o["kind"] == "DaemonSet")
            self.assertEqual(daemon["containers"][0]["args"][:2], ["run", "--every=24h"])
            self.assertNotIn("initContainers", daemon)
        for text in self.rendered.values():
            with open(text, encoding="utf-8") as f:
                self.assertEqual(re.findall(r"image: (\S+)", f.read()), [image, image])

    def scan(self, overlay):
        proc = kubeproof("run", "--targets", "policies", "--manifests", self.rendered[overlay], "--format", "json",
                         "--fail-on", "never")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        return json.loads(proc.stdout)

    def test_the_manifests_pass_their_own_policy_scan_but_for_the_documented_exceptions(self):
        documented = exceptions_table()
        self.assertGreater(len(documented), 10)
        for reason in documented.values():
            self.assertGreater(len(reason), 40, "each exception says why")
        for overlay in OVERLAYS:
            report = self.scan(overlay)
            self.assertEqual((report["totals"]["FAIL"], report["totals"]["ERROR"]), (0, 0), overlay)
            found = {(r["id"], e["ref"], e["value"]) for r in report["results"] if r["status"] in ("WARN", "FAIL", "ERROR")
                     for e in r["evidence"]}
            self.assertEqual(sorted(found - set(documented)), [], f"{overlay}: findings deploy/EXCEPTIONS.md does not explain")
            self.assertEqual(sorted(set(documented) - found), [], f"{overlay}: stale entries in deploy/EXCEPTIONS.md")
            # Every other finding is a manual check that names no object (5.3.1, 5.4.2, ...), and the
            # checks that judge these manifests' own choices pass.
            results = by_id(report)
            for cid in ("5.1.1", "5.1.2", "5.1.3", "5.1.5", "5.2.1", "5.2.2", "5.2.5", "5.2.6", "5.2.8",
                        "5.3.2", "5.4.1", "5.6.2"):
                self.assertEqual(results[cid]["status"], "PASS", f"{overlay}: {cid}")
            # The one token mounted is the cluster scan's own, by hand (the upload's is for STS).
            self.assertEqual([e["ref"] for e in results["5.1.6"]["evidence"]], ["CronJob kubeproof/kubeproof-cluster"],
                             overlay)
        self.assertEqual({ref for _, ref, _ in documented},
                         {"DaemonSet kubeproof-node/kubeproof-node", "CronJob kubeproof/kubeproof-cluster"},
                         "the cluster scan's one exception is its API token")

    def test_credentials_are_files_never_environment_variables_from_secrets(self):
        for overlay in OVERLAYS:
            for o, spec in pod_specs(self.objects[overlay]):
                for c in spec["containers"]:
                    self.assertEqual(c.get("envFrom", []), [], overlay)
                    for env in c.get("env", []):
                        self.assertNotIn("secretKeyRef", env.get("valueFrom", {}), f"{overlay}: {env}")
                        self.assertFalse(any(word in env["name"] for word in ("SECRET", "ACCESS_KEY", "SESSION_TOKEN",
                                                                             "PASSWORD")), env["name"])
                self.assertFalse(spec.get("automountServiceAccountToken", True), "no automatic token")
        signing = {o["kind"]: spec for o, spec in pod_specs(self.objects["signing"])}
        for kind, spec in signing.items():
            volume = next(v for v in spec["volumes"] if v["name"] == "signing-key")
            self.assertEqual(volume["secret"]["secretName"], "kubeproof-signing-key")
            self.assertIn("--sign-key=/var/run/secrets/kubeproof/signing/sign.pem", spec["containers"][0]["args"], kind)
        for _, spec in pod_specs(self.objects["s3"]):
            container = spec["containers"][0]
            env = {e["name"]: e.get("value") for e in container["env"]}
            self.assertEqual(env["AWS_WEB_IDENTITY_TOKEN_FILE"], "/var/run/secrets/kubeproof/aws/token")
            token = next(v for v in spec["volumes"] if v["name"] == "aws-identity")
            self.assertEqual(token["projected"]["sources"][0]["serviceAccountToken"]["audience"], "sts.amazonaws.com")
            self.assertIn("--upload=s3://kubeproof-evidence/prod", container["args"])
            self.assertTrue(any(a.startswith("--s3-endpoint=https://") for a in container["args"]))
        static = {o["kind"]: spec for o, spec in pod_specs(self.objects["s3-static-keys"])}
        self.assertEqual(sorted(static), ["CronJob", "DaemonSet"])
        for kind, spec in static.items():
            container = spec["containers"][0]
            env = {e["name"]: e.get("value") for e in container["env"]}
            self.assertEqual(env["AWS_SHARED_CREDENTIALS_FILE"], "/var/run/secrets/kubeproof/s3/credentials", kind)
            self.assertFalse({"AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN"} & set(env), kind)
            volume = next(v for v in spec["volumes"] if v["name"] == "s3-credentials")
            self.assertEqual(volume["secret"]["secretName"], "kubeproof-s3-credentials", kind)
            self.assertEqual(volume["secret"]["defaultMode"], 0o400 if kind == "DaemonSet" else 0o440, kind)
            mount = next(m for m in container["volumeMounts"] if m["name"] == "s3-credentials")
            self.assertEqual((mount["mountPath"], mount.get("readOnly")), ("/var/run/secrets/kubeproof/s3", True), kind)
            self.assertIn("--upload=s3://kubeproof-evidence/prod", container["args"])
            self.assertIn("--s3-endpoint=https://minio.minio.svc:9000", container["args"], "path style, MinIO's port")

    def assert_rbac_matches_scan(self, overlay):
        """The overlay's ClusterRole grants `list` on exactly the types its cluster scan asks the API
        server for (the fake server records them), and nothing but get/list/watch; returns the grants."""
        role = next(o for o in self.objects[overlay] if o["kind"] == "ClusterRole")
        for rule in role["rules"]:
            self.assertLessEqual(set(rule["verbs"]), {"get", "list", "watch"}, rule)
            self.assertNotIn("*", rule["resources"] + rule["apiGroups"])
            self.assertFalse({"secrets", "pods/log"} & set(rule["resources"]))
        gets = [rule for rule in role["rules"] if "get" in rule["verbs"]]
        self.assertEqual(gets, [{"apiGroups": [""], "resources": ["namespaces"], "resourceNames": ["kube-system"],
                                 "verbs": ["get"]}])
        cronjob = next(o for o in self.objects[overlay] if o["kind"] == "CronJob")
        args = [a for a in cronjob["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]["args"]
                if a.startswith("--benchmark=") or a.startswith("--targets=")]
        objects_dir = os.path.join(self.dir, f"api-objects-{overlay}")
        os.makedirs(objects_dir, exist_ok=True)
        for resource, items in policy_objects().items():
            with open(os.path.join(objects_dir, resource + ".json"), "w", encoding="utf-8") as f:
                json.dump(items, f)
        server = FakeApiServer(objects_dir)
        try:
            config = server.kubeconfig(os.path.join(self.dir, f"kubeconfig-{overlay}.json"))
            proc = kubeproof("run", *args, "--kubeconfig", config, "--format", "json")
            paths = [p.split("?")[0].strip("/").split("/") for p in server.requests()]
        finally:
            server.stop()
        self.assertIn(proc.returncode, (0, 1), proc.stderr)
        granted = {(group, resource) for rule in role["rules"] if "list" in rule["verbs"]
                   for group in rule["apiGroups"] for resource in rule["resources"]}
        listed = {("", p[2]) for p in paths if p[0] == "api" and len(p) == 3}
        listed |= {(p[1], p[3]) for p in paths if p[0] == "apis" and len(p) == 4}
        self.assertEqual(listed, granted, overlay)
        binding = next(o for o in self.objects[overlay] if o["kind"] == "ClusterRoleBinding")
        self.assertEqual(binding["subjects"], [{"kind": "ServiceAccount", "name": "kubeproof-cluster", "namespace": "kubeproof"}])
        return granted, json.loads(proc.stdout)

    def test_rbac_reads_only_the_types_a_policy_scan_lists(self):
        granted, report = self.assert_rbac_matches_scan("plain")
        self.assertNotIn(("", "configmaps"), granted)  # CIS section 5 never reads them
        self.assertNotIn("benchmarks", report["scan"])

    def test_the_controls_overlay_adds_its_benchmark_and_the_reads_it_needs(self):
        granted, report = self.assert_rbac_matches_scan("controls")
        self.assertEqual(report["scan"]["benchmarks"][1], "k8s-controls-1.0")
        self.assertTrue({("", "configmaps"), ("policy", "poddisruptionbudgets"), ("networking.k8s.io", "ingresses"),
                         ("", "resourcequotas"), ("", "limitranges")} <= granted)

    def test_network_policies_let_out_only_the_api_server_storage_and_dns(self):
        dns = {"to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
                       "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}],
               "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}]}
        api = {"ports": [{"protocol": "TCP", "port": 443}, {"protocol": "TCP", "port": 6443}]}
        storage = {"ports": [{"protocol": "TCP", "port": 443}]}
        minio = {"ports": [{"protocol": "TCP", "port": 9000}]}  # s3-static-keys: MinIO's default port
        expected = {"plain": {"kubeproof-node": [], "kubeproof-cluster": [api]},
                    "signing": {"kubeproof-node": [], "kubeproof-cluster": [api]},
                    "controls": {"kubeproof-node": [], "kubeproof-cluster": [api]},
                    "s3": {"kubeproof-node": [storage, dns], "kubeproof-cluster": [api, dns]},
                    "s3-static-keys": {"kubeproof-node": [minio, dns], "kubeproof-cluster": [api, minio, dns]}}
        for overlay in OVERLAYS:
            policies = {o["metadata"]["name"]: o["spec"] for o in self.objects[overlay] if o["kind"] == "NetworkPolicy"}
            for name, spec in policies.items():
                self.assertEqual(spec["podSelector"], {})
                self.assertEqual(spec["policyTypes"], ["Ingress", "Egress"])
                self.assertNotIn("ingress", spec, "nothing connects to a scanner")
            self.assertEqual({name: spec.get("egress", []) for name, spec in policies.items()}, expected[overlay], overlay)

    def test_only_the_node_scanner_has_host_access_and_only_what_it_needs(self):
        for overlay in OVERLAYS:
            specs = {o["kind"]: spec for o, spec in pod_specs(self.objects[overlay])}
            node, cluster = specs["DaemonSet"], specs["CronJob"]
            context = node["containers"][0]["securityContext"]
            self.assertEqual(context["capabilities"], {"drop": ["ALL"], "add": ["DAC_READ_SEARCH", "SYS_PTRACE"]})
            self.assertEqual((context["privileged"], context["allowPrivilegeEscalation"], context["readOnlyRootFilesystem"],
                              context["runAsUser"]), (False, False, True, 0))
            self.assertTrue(node["hostPID"])
            self.assertFalse(node.get("hostNetwork", False) or node.get("hostIPC", False))
            mounts = {m["name"]: m for m in node["containers"][0]["volumeMounts"]}
            for volume in node["volumes"]:
                if "hostPath" in volume:
                    writable = volume["name"] == "store"
                    self.assertEqual(mounts[volume["name"]].get("readOnly", False), not writable, volume["name"])
                    self.assertNotEqual(volume["hostPath"]["path"], "/", "exactly the paths needed, not the host root")
            # The cluster scan: restricted.
            self.assertFalse(any(key in cluster for key in ("hostPID", "hostNetwork", "hostIPC")))
            self.assertFalse(any("hostPath" in v for v in cluster["volumes"]))
            self.assertEqual((cluster["securityContext"]["runAsNonRoot"], cluster["securityContext"]["runAsUser"]), (True, 65532))
            self.assertEqual(cluster["containers"][0]["securityContext"]["capabilities"], {"drop": ["ALL"]})
        namespaces = {o["metadata"]["name"]: o["metadata"]["labels"] for o in self.objects["plain"] if o["kind"] == "Namespace"}
        self.assertEqual(namespaces["kubeproof"]["pod-security.kubernetes.io/enforce"], "restricted")
        self.assertEqual(namespaces["kubeproof-node"]["pod-security.kubernetes.io/enforce"], "privileged")


# ---------------------------------------------------------------------------------------------
# k3s and RKE2: components inside the k3s server process, flags from its config files

class K3sRke2(unittest.TestCase):
    """examples/nodes/k3s-server and rke2-server: a k3s server recognised with no flag, its flags
    from k3s's defaults, config.yaml, config.yaml.d/ and its command line with the file and line as
    evidence; SQLite means no etcd; RKE2 judged from its static pods."""

    K3S_CONFIG = "etc/rancher/k3s/config.yaml"

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="k3s-", dir=CFG.tmp)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    def node(self, spec, name):
        """A fresh materialised copy of an example node that this test may change."""
        root = os.path.join(self.dir, name)
        script = os.path.join(CFG.source, "tests", "fixtures", "materialize.py")
        proc = subprocess.run([sys.executable, script, os.path.join(CFG.source, "examples", "nodes", spec), root],
                              capture_output=True, text=True)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        return root

    def write(self, root, path, text):
        full = os.path.join(root, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w", encoding="utf-8") as f:
            f.write(text)

    def scan(self, root, *extra, proc=None):
        out = kubeproof("run", "--root", root, "--proc", proc or os.path.join(root, "proc"), "--format", "json",
                        "--benchmark", "cis-1.12", *extra)
        self.assertIn(out.returncode, (0, 1), out.stderr)
        return by_id(json.loads(out.stdout)), out

    def refs(self, result):
        return [e["ref"] for e in result["evidence"]]

    def test_k3s_server_recognised_with_no_flag(self):
        results, _ = self.scan(self.node("k3s-server", "plain"))
        api = results["1.2.15"]
        self.assertEqual(api["status"], "PASS", api)
        self.assertIn("k3s default", self.refs(api))
        self.assertIn("kube-apiserver inside k3s server pid 812", self.refs(api))
        # 1.2.16 (audit log path) comes from config.yaml, with its line
        self.assertEqual(results["1.2.16"]["status"], "PASS")
        self.assertIn("/etc/rancher/k3s/config.yaml:5", self.refs(results["1.2.16"]))
        # the drop-in's kube-apiserver-arg+ appended to config.yaml's list
        self.assertEqual(results["1.2.19"]["status"], "PASS", results["1.2.19"])
        self.assertIn("/etc/rancher/k3s/config.yaml.d/50-audit-rotation.yaml:4", self.refs(results["1.2.19"]))
        self.assertEqual(results["1.2.17"]["status"], "PASS")
        self.assertIn("/etc/rancher/k3s/config.yaml:7", self.refs(results["1.2.17"]))
        # the kubelet's settings come from kubelet.conf.d
        self.assertEqual(results["4.2.1"]["status"], "PASS")
        self.assertTrue(any(r.startswith("/var/lib/rancher/k3s/agent/etc/kubelet.conf.d/00-k3s-defaults.conf")
                            for r in self.refs(results["4.2.1"])), self.refs(results["4.2.1"]))

    def test_profiling_true_in_config_fails_with_file_and_line(self):
        root = self.node("k3s-server", "profiling")
        self.write(root, self.K3S_CONFIG, "write-kubeconfig-mode: \"0600\"\nkube-apiserver-arg:\n"
                   "  - audit-log-path=/var/lib/rancher/k3s/server/logs/audit.log\n  - profiling=true\n")
        results, _ = self.scan(root)
        r = results["1.2.15"]
        self.assertEqual(r["status"], "FAIL", r)
        self.assertIn("/etc/rancher/k3s/config.yaml:4", self.refs(r))
        self.assertIn("--profiling=true in /etc/rancher/k3s/config.yaml:4", r["actual"])
        # a drop-in that sets the list again puts it back
        self.write(root, "etc/rancher/k3s/config.yaml.d/90-cis.yaml", "kube-apiserver-arg:\n  - profiling=false\n")
        results, _ = self.scan(root)
        self.assertEqual(results["1.2.15"]["status"], "PASS")
        self.assertIn("/etc/rancher/k3s/config.yaml.d/90-cis.yaml:2", self.refs(results["1.2.15"]))
        # ... and one that appends (kube-apiserver-arg+) with a later value turns it on again
        self.write(root, "etc/rancher/k3s/config.yaml.d/95-debug.yaml", "kube-apiserver-arg+: [profiling=true]\n")
        results, _ = self.scan(root)
        self.assertEqual(results["1.2.15"]["status"], "FAIL")
        self.assertIn("/etc/rancher/k3s/config.yaml.d/95-debug.yaml:1", self.refs(results["1.2.15"]))

    def test_command_line_overrides_the_files(self):
        root = self.node("k3s-server", "cli")
        cmdline = os.path.join(root, "proc", "812", "cmdline")
        with open(cmdline, "wb") as f:
            f.write(b"/usr/local/bin/k3s\0server\0--kube-apiserver-arg=profiling=true\0")
        results, _ = self.scan(root)
        r = results["1.2.15"]
        self.assertEqual(r["status"], "FAIL")
        self.assertIn("k3s server pid 812 command line", self.refs(r))
        # the command line's list replaced config.yaml's: the audit path is no longer set
        self.assertEqual(results["1.2.16"]["status"], "FAIL", results["1.2.16"])

    def test_sqlite_means_section_2_is_na_with_the_reason(self):
        results, _ = self.scan(self.node("k3s-server", "sqlite"))
        reason = "k3s uses its SQLite datastore (/var/lib/rancher/k3s/server/db/state.db): no etcd"
        section2 = {i: r for i, r in results.items() if i.startswith("2.")}
        self.assertEqual(len(section2), 7)
        for check_id, r in section2.items():
            self.assertEqual((r["status"], r.get("reason")), ("NA", reason), check_id)
            self.assertIn(reason, [e["value"] for e in r["evidence"]])

    def test_bad_config_is_an_error_never_a_pass(self):
        root = self.node("k3s-server", "bad")
        self.write(root, self.K3S_CONFIG, "kube-apiserver-arg: [profiling=false\n")
        results, out = self.scan(root)
        r = results["1.2.15"]
        self.assertEqual(r["status"], "ERROR", r)
        self.assertIn("/etc/rancher/k3s/config.yaml:2:1: invalid YAML/JSON", r["reason"])

    def test_rke2_gives_real_results_from_its_static_pods(self):
        results, _ = self.scan(self.node("rke2-server", "rke2"))
        for check_id in ("1.1.1", "1.1.3", "1.1.5", "1.1.7"):  # manifests 0600 (profile: cis)
            self.assertEqual(results[check_id]["status"], "PASS", results[check_id])
        self.assertIn("/var/lib/rancher/rke2/agent/pod-manifests/kube-apiserver.yaml", self.refs(results["1.1.1"]))
        self.assertEqual(results["1.2.15"]["status"], "PASS")
        self.assertEqual(results["2.2"]["status"], "PASS")
        self.assertIn("/var/lib/rancher/rke2/server/db/etcd/config:4", self.refs(results["2.2"]))
        self.assertEqual(results["1.1.12"]["status"], "PASS", results["1.1.12"])  # etcd:etcd data dir
        self.assertEqual(results["4.2.1"]["status"], "PASS")
        # the manifest's flag is the truth; the config line that asked for it is shown beside it
        self.assertEqual(results["1.2.17"]["status"], "PASS")
        self.assertEqual([(e["source"], e["ref"]) for e in results["1.2.17"]["evidence"]][-2:],
                         [("process", "kube-apiserver pid 1502"), ("config", "/etc/rancher/rke2/config.yaml:7")])

    def test_goldens(self):
        """Each node under the generic benchmark and under its distribution's own."""
        for spec, own in (("k3s-server", "k3s-cis-1.12"), ("rke2-server", "rke2-cis-1.12")):
            root = self.node(spec, "golden-" + spec)
            for bench, name in (("cis-1.12", f"{spec}.json"), (own, f"{spec}.{own}.json")):
                out = kubeproof("run", "--root", root, "--proc", os.path.join(root, "proc"), "--format", "json",
                                "--benchmark", bench)
                self.assertIn(out.returncode, (0, 1), out.stderr)
                self.assertEqual(out.stderr, "")
                check_golden_text(self, name, normalise(out.stdout).replace(root, f"<{spec}>"))

    def test_distribution_benchmarks_say_what_does_not_apply(self):
        root = self.node("k3s-server", "na-k3s")
        report, _ = scan_json_root(self, root, "--benchmark", "k3s-cis-1.12")
        keyed = {r["key"]: r for r in report["results"]}
        for key in ("apiserver.manifest.mode", "kubelet.service.mode", "kubelet.hostname-override"):
            self.assertEqual(keyed[key]["status"], "NA", key)
            self.assertIn("k3s", keyed[key]["reason"], key)
        # The TLS files k3s always passes are its defaults: present, with "k3s default" as evidence.
        self.assertEqual(keyed["apiserver.kubelet-client-cert"]["status"], "PASS")
        self.assertIn("k3s default", json.dumps(keyed["apiserver.kubelet-client-cert"]["evidence"]))
        # SQLite: the API server passes no etcd client files, and nothing pretends it does.
        self.assertEqual(keyed["apiserver.etcd-cafile"]["status"], "FAIL")
        self.assertIn("systemctl restart k3s", keyed["apiserver.profiling"]["remediation"])
        rke2 = self.node("rke2-server", "na-rke2")
        report, _ = scan_json_root(self, rke2, "--benchmark", "rke2-cis-1.12")
        keyed = {r["key"]: r for r in report["results"]}
        self.assertEqual(keyed["kubelet.service.mode"]["status"], "NA")
        self.assertNotEqual(keyed["apiserver.manifest.mode"]["status"], "NA", "RKE2 has static pod manifests")


# ---------------------------------------------------------------------------------------------
# managed platforms: eks-1.8.0, gke-1.9.0 and aks-1.8 over an EKS-style worker (issue 12, items 1 and 5)

MANAGED_NODE = "eks-worker"
MANAGED_BENCHMARKS = ["eks-1.8.0", "gke-1.9.0", "aks-1.8"]
MANAGED_TARGETS = "controlplane,node"  # a worker's detected target is node; the cloud-side sections are controlplane
# Objects for the policies sections: the built-in bindings of the three identities GKE 4.1.8-4.1.10
# ask about, one non-default binding of each, and two namespaces (one enforcing baseline).
MANAGED_OBJECTS = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: "system:public-info-viewer"}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "system:public-info-viewer"}
subjects:
  - {apiGroup: rbac.authorization.k8s.io, kind: Group, name: "system:authenticated"}
  - {apiGroup: rbac.authorization.k8s.io, kind: Group, name: "system:unauthenticated"}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: "system:basic-user"}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "system:basic-user"}
subjects:
  - {apiGroup: rbac.authorization.k8s.io, kind: Group, name: "system:authenticated"}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: "system:discovery"}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "system:discovery"}
subjects:
  - {apiGroup: rbac.authorization.k8s.io, kind: Group, name: "system:authenticated"}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: everyone-can-view}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects:
  - {apiGroup: rbac.authorization.k8s.io, kind: Group, name: "system:authenticated"}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: public-status}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "system:public-info-viewer"}
subjects:
  - {apiGroup: rbac.authorization.k8s.io, kind: Group, name: "system:unauthenticated"}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: anonymous-status, namespace: web}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects:
  - {apiGroup: rbac.authorization.k8s.io, kind: User, name: "system:anonymous"}
---
apiVersion: v1
kind: Namespace
metadata:
  name: web
  labels: {pod-security.kubernetes.io/enforce: baseline}
---
apiVersion: v1
kind: Namespace
metadata:
  name: batch
  labels: {pod-security.kubernetes.io/enforce: privileged}
"""


def id_order(check_id):
    return tuple(int(part) for part in check_id.split("."))


def scan_json_root(testcase, root, *extra):
    """A JSON scan of a node root outside the fixture set: (report, returncode)."""
    proc = kubeproof("run", "--root", root, "--proc", os.path.join(root, "proc"), "--format", "json", *extra)
    testcase.assertIn(proc.returncode, (0, 1), proc.stderr)
    return json.loads(proc.stdout), proc.returncode


def check_golden_text(testcase, name, actual):
    """Compares `actual` with tests/e2e/golden/NAME, or rewrites it under UPDATE_GOLDEN=1."""
    path = os.path.join(CFG.source, "tests", "e2e", "golden", name)
    if CFG.update_golden:
        old = open(path, encoding="utf-8").read() if os.path.exists(path) else None
        with open(path, "w", encoding="utf-8") as f:
            f.write(actual)
        print(f"\n  UPDATE_GOLDEN=1: {'unchanged' if old == actual else 'rewrote'} golden/{name}", file=sys.stderr, end=" ")
        return
    testcase.assertTrue(os.path.exists(path), f"golden/{name} is missing; run with UPDATE_GOLDEN=1")
    expected = open(path, encoding="utf-8").read()
    if expected != actual:
        testcase.fail(f"golden/{name} differs (UPDATE_GOLDEN=1 rewrites it):\n" + unified_diff(expected, actual, name))


class ManagedBenchmarks(unittest.TestCase):
    """eks-1.8.0, gke-1.9.0 and aks-1.8 over examples/nodes/eks-worker: each benchmark's own ids and
    thresholds on the node, the cloud-side sections as manual guidance that is never PASS, the GKE
    binding checks over manifests, and a JSON golden per benchmark."""

    @classmethod
    def setUpClass(cls):
        cls.root = os.path.join(CFG.tmp, "managed-nodes", MANAGED_NODE)
        script = os.path.join(CFG.source, "tests", "fixtures", "materialize.py")
        spec = os.path.join(CFG.source, "examples", "nodes", MANAGED_NODE)
        proc = subprocess.run([sys.executable, script, spec, cls.root], capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"materialize.py {MANAGED_NODE} failed:\n{proc.stdout}{proc.stderr}")
        cls.objects = os.path.join(CFG.tmp, "managed-objects.yaml")
        with open(cls.objects, "w", encoding="utf-8") as f:
            f.write(MANAGED_OBJECTS)

    def scan(self, benchmark, *extra, fmt="json", targets=MANAGED_TARGETS):
        proc = kubeproof("run", "--root", self.root, "--proc", os.path.join(self.root, "proc"),
                         "--benchmark", benchmark, "--targets", targets, "--format", fmt, *extra)
        self.assertIn(proc.returncode, (0, 1), f"{benchmark} scan failed; stderr:\n{proc.stderr}")
        self.assertEqual(proc.stderr, "", f"{benchmark}: a fixture scan prints nothing on stderr")
        return proc

    def results(self, benchmark, *extra, targets=MANAGED_TARGETS):
        report = json.loads(self.scan(benchmark, *extra, targets=targets).stdout)
        self.assertEqual(report["scan"]["benchmark"], benchmark)
        return by_id(report)

    def test_eks_ids_and_labels(self):
        results = self.results("eks-1.8.0")
        expected = (["2.1.1", "2.1.2"] + [f"3.1.{i}" for i in range(1, 5)] + [f"3.2.{i}" for i in range(1, 10)]
                    + ["5.1.1", "5.1.2", "5.1.3", "5.1.4", "5.2.1", "5.3.1"] + [f"5.4.{i}" for i in range(1, 6)] + ["5.5.1"])
        self.assertEqual(sorted(results, key=id_order), expected)
        self.assertTrue(all(r["benchmark"] == "eks-1.8.0" for r in results.values()))
        self.assertEqual(results["3.2.1"]["title"], "Ensure that the Anonymous Auth is Not Enabled")
        self.assertEqual(results["3.2.1"]["key"], "kubelet.anonymous-auth")
        self.assertEqual(results["3.2.7"]["key"], "kubelet.event-qps", "EKS 3.2.7 is generic 4.2.8")
        self.assertTrue(results["3.2.7"]["automated"], "EKS labels 3.2.7 Automated where cis-1.12 says Manual")

    def test_644_thresholds_where_cis_1_12_wants_600(self):
        generic = self.results("cis-1.12", targets="node")
        for benchmark in MANAGED_BENCHMARKS:
            results = self.results(benchmark)
            pairs = [("3.1.1", "4.1.5", "/var/lib/kubelet/kubeconfig")]
            if benchmark != "aks-1.8":  # AKS 3.1.3 judges azure.json instead
                pairs.append(("3.1.3", "4.1.9", "/etc/kubernetes/kubelet/kubelet-config.json"))
            for managed_id, generic_id, path in pairs:
                managed, base = results[managed_id], generic[generic_id]
                self.assertEqual(managed["key"], base["key"], f"{benchmark} {managed_id} reuses {generic_id}")
                self.assertEqual((managed["status"], managed["expected"]), ("PASS", f"{path} has mode 644 or more restrictive"),
                                 f"{benchmark} {managed_id}: {managed['actual']}")
                self.assertEqual((base["status"], base["expected"]), ("FAIL", f"{path} has mode 600 or more restrictive"),
                                 f"cis-1.12 {generic_id}: {base['actual']}")

    def test_same_key_same_verdict_unless_the_threshold_differs(self):
        generic = {r["key"]: r["status"] for r in self.results("cis-1.12", targets="node").values()}
        thresholds = {"kubelet.kubeconfig.mode", "kubelet.config.mode"}
        for benchmark in MANAGED_BENCHMARKS:
            shared = {r["key"]: r["status"] for r in self.results(benchmark).values() if r["key"] in generic}
            self.assertTrue(thresholds <= set(shared) or benchmark == "aks-1.8", f"{benchmark}: {sorted(shared)}")
            for key, status in shared.items():
                if key in thresholds:
                    self.assertNotEqual(status, generic[key], f"{benchmark} {key}: 644 against 600")
                else:
                    self.assertEqual(status, generic[key], f"{benchmark} {key}")

    def test_node_verdicts(self):
        fails = {b: sorted((i for i, r in self.results(b).items() if r["status"] in ("FAIL", "ERROR")), key=id_order)
                 for b in MANAGED_BENCHMARKS}
        # The AMI leaves rotateCertificates unset; the kubelet's default is false (see the 3.2.8 notes).
        self.assertEqual(fails, {"eks-1.8.0": ["3.2.8"], "gke-1.9.0": [], "aks-1.8": ["3.2.8"]})
        aks = self.results("aks-1.8")
        for check_id in ("3.1.3", "3.1.4"):
            self.assertEqual(aks[check_id]["status"], "NA", aks[check_id]["actual"])
            self.assertIn("/etc/kubernetes/azure.json", aks[check_id]["actual"])
        eks = self.results("eks-1.8.0")
        refs = [e["ref"] for e in eks["3.2.1"]["evidence"]]
        self.assertTrue(any(ref.startswith("/etc/kubernetes/kubelet/kubelet-config.json") for ref in refs), refs)

    def test_cloud_side_sections_are_manual_warn_never_pass(self):
        counts = {}
        for benchmark in MANAGED_BENCHMARKS:
            cloud = [r for r in self.results(benchmark).values() if r["target"] == "controlplane"]
            counts[benchmark] = len(cloud)
            for r in cloud:
                self.assertEqual(r["status"], "WARN", f"{benchmark} {r['id']}")
                self.assertTrue(r.get("guidance"), f"{benchmark} {r['id']} has guidance for the person")
                self.assertEqual(r["actual"], "not evaluated automatically")
        self.assertEqual(counts, {"eks-1.8.0": 14, "gke-1.9.0": 33, "aks-1.8": 14})

    def test_cloud_side_sections_are_absent_not_pass_when_not_selected(self):
        results = self.results("eks-1.8.0", targets="node")
        self.assertEqual(sorted({r["target"] for r in results.values()}), ["node"])

    def test_a_worker_scan_shows_the_cloud_side_guidance_by_default(self):
        for benchmark in ("eks-1.8.0", "gke-1.9.0", "aks-1.8"):
            report, _ = scan_json_root(self, self.root, "--benchmark", benchmark)
            self.assertEqual(report["scan"]["targets"], ["controlplane", "node"], benchmark)
            cloud = [r for r in report["results"] if r["target"] == "controlplane"]
            self.assertTrue(cloud, benchmark)
            self.assertTrue(all(r["status"] == "WARN" for r in cloud), benchmark)
        generic, _ = scan_json_root(self, self.root, "--benchmark", "cis-1.12")
        self.assertEqual(generic["scan"]["targets"], ["node"], "only managed platforms add their cloud sections")

    def test_policies_sections(self):
        eks = self.results("eks-1.8.0", "--manifests", self.objects, targets="node,policies")
        self.assertEqual(eks["4.1.7"]["status"], "WARN", "Cluster Access Manager is manual guidance")
        self.assertTrue(eks["4.1.7"]["guidance"])
        self.assertEqual(eks["4.1.1"]["key"], "rbac.cluster-admin-bindings")
        aks = self.results("aks-1.8", "--manifests", self.objects, targets="policies")
        self.assertEqual(aks["4.4.1"]["status"], "WARN")
        self.assertNotIn("4.3.1", aks, "AKS group 4.3 has no checks")

    def test_gke_binding_and_pod_security_checks(self):
        gke = self.results("gke-1.9.0", "--manifests", self.objects, targets="policies")

        def flagged(check_id):
            return sorted(e["ref"] for e in gke[check_id]["evidence"])
        self.assertEqual((gke["4.1.8"]["status"], flagged("4.1.8")), ("FAIL", ["RoleBinding web/anonymous-status"]))
        self.assertEqual((gke["4.1.9"]["status"], flagged("4.1.9")), ("FAIL", ["ClusterRoleBinding public-status"]))
        self.assertEqual((gke["4.1.10"]["status"], flagged("4.1.10")), ("FAIL", ["ClusterRoleBinding everyone-can-view"]))
        self.assertEqual((gke["4.2.1"]["status"], flagged("4.2.1")), ("WARN", ["Namespace batch"]))
        self.assertEqual([gke[i]["key"] for i in ("4.1.8", "4.1.9", "4.1.10", "4.2.1")],
                         ["rbac.anonymous-bindings", "rbac.unauthenticated-bindings", "rbac.authenticated-bindings",
                          "namespaces.pod-security-baseline"])

    def test_every_benchmark_validates(self):
        proc = kubeproof("validate", "--checks-dir", os.path.join(CFG.source, "checks"))
        self.assertEqual((proc.returncode, proc.stderr), (0, ""))
        listed = kubeproof("list", "benchmarks")
        for benchmark in MANAGED_BENCHMARKS:
            self.assertIn(benchmark, listed.stdout)

    def test_goldens(self):
        for benchmark in MANAGED_BENCHMARKS:
            with self.subTest(benchmark=benchmark):
                actual = normalise(self.scan(benchmark).stdout).replace(self.root, f"<{MANAGED_NODE}>")
                check_golden_text(self, f"{MANAGED_NODE}.{benchmark}.json", actual)


class AuditPolicies(unittest.TestCase):
    """CIS 3.2.1 and 3.2.2 judge the audit policy --audit-policy-file names: each fixture under
    tests/fixtures/audit-policies/ is put in place of the hardened node's policy and scanned."""

    NODE = "hardened-control-plane"
    POLICY = "etc/kubernetes/audit-policy.yaml"

    def scan_with(self, fixture):
        root = os.path.join(CFG.tmp, "audit-" + fixture.replace(".yaml", ""))
        shutil.rmtree(root, ignore_errors=True)
        subprocess.run(["cp", "-a", node_root(self.NODE), root], check=True)
        if fixture:
            shutil.copyfile(os.path.join(CFG.source, "tests", "fixtures", "audit-policies", fixture),
                            os.path.join(root, self.POLICY))
        proc = kubeproof("run", "--root", root, "--proc", os.path.join(root, "proc"), "--targets", "controlplane",
                         "--check", "3.2.1,3.2.2", "--format", "json")
        results = by_id(json.loads(proc.stdout))
        return results["3.2.1"], results["3.2.2"], proc

    def evidence(self, result):
        return [f"{e['ref']} {e['value']}" for e in result["evidence"]]

    def test_a_policy_meeting_every_requirement_passes(self):
        exists, coverage, proc = self.scan_with("passes.yaml")
        self.assertEqual((exists["status"], coverage["status"]), ("PASS", "PASS"), proc.stdout)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("/etc/kubernetes/audit-policy.yaml:17 level: Metadata [secrets-metadata-only] rule 3 "
                      "(/etc/kubernetes/audit-policy.yaml:17) level Metadata matches all requests of get, list, "
                      "watch, create, update, patch, delete, deletecollection of secrets", self.evidence(coverage))
        self.assertIn("/etc/kubernetes/audit-policy.yaml:24 level: RequestResponse [rbac-changes-logged] rule 4 "
                      "(/etc/kubernetes/audit-policy.yaml:24) level RequestResponse matches all requests of create, "
                      "update, patch, delete, deletecollection of roles.rbac.authorization.k8s.io",
                      self.evidence(coverage))

    def test_secrets_at_request_response_are_a_finding_naming_the_rule(self):
        exists, coverage, _ = self.scan_with("secrets-request-response.yaml")
        self.assertEqual(exists["status"], "PASS")
        self.assertEqual(coverage["status"], "WARN", "CIS marks 3.2.2 Manual: a failure is WARN")
        self.assertIn("secrets-metadata-only: rule 1 (/etc/kubernetes/audit-policy.yaml:6) level RequestResponse "
                      "matches all requests of get, list, watch, create, update, patch, delete, deletecollection of "
                      "secrets: they are logged at RequestResponse, which writes the request and response bodies "
                      "into the log", coverage["actual"])
        self.assertIn("of configmaps: they are logged at RequestResponse", coverage["actual"])
        self.assertNotIn("writes-logged", coverage["actual"], "every write is logged (rule 2)")
        self.assertIn("At Request or RequestResponse the API server writes the request and response bodies into the "
                      "audit log", " ".join(coverage["remediation"].split()), "the remediation says why")

    def test_level_none_first_swallows_exec(self):
        _, coverage, _ = self.scan_with("none-first.yaml")
        self.assertEqual(coverage["status"], "WARN")
        self.assertIn("pod-access-logged: rule 1 (/etc/kubernetes/audit-policy.yaml:6) level None matches all "
                      "requests of get, create of pods/exec: they are not logged", coverage["actual"])
        self.assertNotIn("of pods/proxy", coverage["actual"], "the proxies reach the Metadata rule")
        self.assertNotIn("rbac-changes-logged", coverage["actual"])

    def test_a_policy_without_rbac_rules_names_what_is_unlogged(self):
        _, coverage, _ = self.scan_with("no-rbac.yaml")
        self.assertEqual(coverage["status"], "WARN")
        for resource in ("roles", "rolebindings", "clusterroles", "clusterrolebindings"):
            self.assertIn(f"rbac-changes-logged: no rule matches every request of create, update, patch, delete, "
                          f"deletecollection of {resource}.rbac.authorization.k8s.io: they are not logged",
                          coverage["actual"])
        self.assertNotIn("secrets-metadata-only", coverage["actual"])
        self.assertNotIn("pod-access-logged", coverage["actual"])

    def test_no_policy_file_and_a_broken_one(self):
        root_exists, root_coverage, _ = self.scan_with("")
        self.assertEqual(root_exists["status"], "PASS", "the hardened node's own policy")
        root = os.path.join(CFG.tmp, "audit-broken")
        shutil.rmtree(root, ignore_errors=True)
        subprocess.run(["cp", "-a", node_root(self.NODE), root], check=True)
        with open(os.path.join(root, self.POLICY), "w", encoding="utf-8") as f:
            f.write("apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: [unclosed\n")
        proc = kubeproof("run", "--root", root, "--proc", os.path.join(root, "proc"), "--targets", "controlplane",
                         "--check", "3.2.1,3.2.2", "--format", "json")
        broken = by_id(json.loads(proc.stdout))
        self.assertEqual(broken["3.2.1"]["status"], "ERROR")
        self.assertRegex(broken["3.2.1"]["reason"], r"^/etc/kubernetes/audit-policy.yaml:\d+:\d+")
        os.remove(os.path.join(root, self.POLICY))
        proc = kubeproof("run", "--root", root, "--proc", os.path.join(root, "proc"), "--targets", "controlplane",
                         "--check", "3.2.1,3.2.2", "--format", "json")
        gone = by_id(json.loads(proc.stdout))
        self.assertEqual(gone["3.2.1"]["status"], "WARN")
        self.assertEqual(gone["3.2.1"]["actual"], "/etc/kubernetes/audit-policy.yaml does not exist")

    def test_the_policy_named_by_the_mirror_pod_is_read_under_the_root(self):
        # No API server process on the scanned root (no-kubernetes), but the API server shows the
        # kube-apiserver mirror pod (the hardened node's argv, --audit-policy-file included) and
        # the file is under --root: both checks judge it, the evidence naming the file and line.
        if shutil.which("openssl") is None:
            self.skipTest("openssl is missing: the fake API server cannot make its certificates")
        with open(os.path.join(CFG.source, "examples", "nodes", self.NODE, "node.json"), encoding="utf-8") as f:
            argv = next(p["argv"] for p in json.load(f)["processes"] if p["argv"][:1] == ["kube-apiserver"])
        self.assertIn("--audit-policy-file=/etc/kubernetes/audit-policy.yaml", argv)
        pod = {"metadata": {"name": "kube-apiserver-cp-1", "namespace": "kube-system",
                            "labels": {"component": "kube-apiserver", "tier": "control-plane"}},
               "spec": {"containers": [{"name": "kube-apiserver", "image": "registry.k8s.io/kube-apiserver:v1.32.0",
                                        "command": argv}]}}
        objects = os.path.join(CFG.tmp, "audit-mirror-objects")
        os.makedirs(objects, exist_ok=True)
        with open(os.path.join(objects, "pods.json"), "w", encoding="utf-8") as f:
            json.dump([pod], f)
        outcomes = {}
        server = FakeApiServer(objects)
        try:
            config = server.kubeconfig(os.path.join(objects, "kubeconfig.json"))
            for fixture in ("passes.yaml", "secrets-request-response.yaml", ""):
                root = os.path.join(CFG.tmp, "audit-mirror-" + (fixture or "none").replace(".yaml", ""))
                shutil.rmtree(root, ignore_errors=True)
                subprocess.run(["cp", "-a", node_root("no-kubernetes"), root], check=True)
                if fixture:
                    os.makedirs(os.path.join(root, "etc", "kubernetes"), exist_ok=True)
                    shutil.copyfile(os.path.join(CFG.source, "tests", "fixtures", "audit-policies", fixture),
                                    os.path.join(root, self.POLICY))
                proc = kubeproof("run", "--root", root, "--kubeconfig", config, "--targets", "controlplane",
                                 "--check", "3.2.1,3.2.2", "--format", "json")
                self.assertIn(proc.returncode, (0, 1), proc.stderr)
                outcomes[fixture] = by_id(json.loads(proc.stdout))
        finally:
            server.stop()
        passes = outcomes["passes.yaml"]
        self.assertEqual((passes["3.2.1"]["status"], passes["3.2.2"]["status"]), ("PASS", "PASS"))
        self.assertIn("pod kube-system/kube-apiserver-cp-1 (from the API server)",
                      [e["ref"] for e in passes["3.2.2"]["evidence"]])
        self.assertIn("/etc/kubernetes/audit-policy.yaml from --audit-policy-file (pod kube-system/kube-apiserver-cp-1 "
                      "(from the API server))", self.evidence(passes["3.2.2"]))
        self.assertTrue(any(e.startswith("/etc/kubernetes/audit-policy.yaml:17 level: Metadata [secrets-metadata-only]")
                            for e in self.evidence(passes["3.2.2"])), self.evidence(passes["3.2.2"]))
        secrets = outcomes["secrets-request-response.yaml"]["3.2.2"]
        self.assertEqual(secrets["status"], "WARN")
        self.assertIn("of secrets: they are logged at RequestResponse", secrets["actual"])
        missing = outcomes[""]["3.2.1"]
        self.assertEqual(missing["status"], "WARN", "named by the pod, absent from the root: never PASS")
        self.assertEqual(missing["actual"], "/etc/kubernetes/audit-policy.yaml does not exist")


class HostileCorpus(unittest.TestCase):
    """tests/hostile/: every case of cases.json ends with its documented exit code, a message naming
    the file (and line), no output file on fatal input, no canary credential anywhere, no raw control
    byte on stderr, within 20 s; plus the inputs a repository cannot hold (made here)."""

    CANARY = "kp-hostile-canary-7f3e"
    DIR = os.path.join("tests", "hostile")  # under CFG.source

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(dir=CFG.tmp, prefix="hostile-")
        cls.good_report = os.path.join(cls.tmp, "good.json")
        root = node_root("kubeadm-control-plane")
        proc = subprocess.run([CFG.binary, "run", "--root", root, "--proc", os.path.join(root, "proc"),
                               "--format", "json", "--output", cls.good_report], capture_output=True, env=base_env())
        assert proc.returncode in (0, 1), proc.stderr

    def run_case(self, args, name, timeout=20):
        out = os.path.join(self.tmp, name + ".out.json")
        if os.path.exists(out):
            os.remove(out)
        start = time.monotonic()
        proc = subprocess.run([CFG.binary, *args], capture_output=True, env=base_env(), cwd=self.tmp,
                              timeout=timeout)
        return proc, time.monotonic() - start, out

    def check_case(self, case, path, args, out_path):
        proc, elapsed, _ = self.run_case(args, case["file"])
        stderr = proc.stderr.decode("utf-8", "replace")
        written = open(out_path, "rb").read() if os.path.exists(out_path) else b""
        expected = case["exit"] if isinstance(case["exit"], list) else [case["exit"]]
        self.assertIn(proc.returncode, expected, f"{case['file']}: {stderr[-600:]}")
        self.assertLess(elapsed, 20, case["file"])
        for stream in (proc.stdout, proc.stderr, written):
            self.assertNotIn(self.CANARY.encode(), stream, f"{case['file']}: a credential is shown")
        self.assertIsNone(re.search(rb"[\x00-\x08\x0b-\x1f\x7f]", proc.stderr),
                          f"{case['file']}: a raw control byte on stderr: {proc.stderr[-300:]!r}")
        shown = case.get("names", os.path.basename(path))
        if proc.returncode == 2:
            self.assertEqual(written, b"", f"{case['file']}: an output file on fatal input")
            self.assertIn(shown, stderr, case["file"])
            if "line" in case:
                self.assertRegex(stderr, re.escape(shown) + rf":{case['line']}(:\d+)?:", case["file"])
        elif "{out}" in case["args"]:
            report = json.loads(written)  # judged: a whole report was written
            self.assertTrue(report["results"], case["file"])
            if "line" in case:  # the objects that could not be judged are named with their place
                reasons = " ".join(r.get("reason", "") for r in report["results"])
                self.assertIn(f"{os.path.basename(path)}:{case['line']}:", reasons, case["file"])
        return proc, written

    def test_the_corpus(self):
        with open(os.path.join(CFG.source, self.DIR, "cases.json"), encoding="utf-8") as f:
            cases = json.load(f)
        self.assertGreaterEqual(len(cases), 60)
        listed = {c["file"] for c in cases}
        on_disk = {n for n in os.listdir(os.path.join(CFG.source, self.DIR)) if n not in ("cases.json", "README.md")}
        self.assertEqual(listed, on_disk, "every file is a case and every case a file")
        for case in cases:
            path = os.path.join(CFG.source, self.DIR, case["file"])
            out = os.path.join(self.tmp, case["file"] + ".out.json")
            args = [a.replace("{file}", path).replace("{out}", out).replace("{good_report}", self.good_report)
                    for a in case["args"]]
            with self.subTest(case=case["file"]):
                self.check_case(case, path, args, out)

    def test_escaped_names_in_text_output(self):
        path = os.path.join(CFG.source, self.DIR, "manifest-control-chars.yaml")
        proc, _, _ = self.run_case(["run", "--benchmark", "cis-1.12", "--manifests", path], "text")
        self.assertIn(proc.returncode, (0, 1), proc.stderr)
        self.assertNotIn(b"\x1b", proc.stdout)
        self.assertNotIn(b"\x07", proc.stdout)
        self.assertIn(b"Pod shop/web\\x1b[31m\\x07 containers[0] (app): securityContext.privileged=true",
                      proc.stdout)  # named, escaped

    def test_inputs_a_repository_cannot_hold(self):
        fifo = os.path.join(self.tmp, "manifest.fifo")
        os.mkfifo(fifo)
        zero = os.path.join(self.tmp, "kubeconfig-zero")
        os.symlink("/dev/zero", zero)
        loop_a, loop_b = os.path.join(self.tmp, "loop-a.yaml"), os.path.join(self.tmp, "loop-b.yaml")
        os.symlink(loop_b, loop_a)
        os.symlink(loop_a, loop_b)
        kube_fifo = os.path.join(self.tmp, "kubeconfig.fifo")
        os.mkfifo(kube_fifo)
        # In a folder, beside a good manifest: a link to a file that is gone, and a FIFO. Before,
        # both were skipped and the good manifest alone was judged.
        odd_dir, fifo_dir = os.path.join(self.tmp, "odd-dir"), os.path.join(self.tmp, "fifo-dir")
        for folder in (odd_dir, fifo_dir):
            os.makedirs(folder, exist_ok=True)
            with open(os.path.join(folder, "app.yaml"), "w", encoding="utf-8") as f:
                f.write("apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n")
        os.symlink(os.path.join(self.tmp, "generated", "gone.yaml"), os.path.join(odd_dir, "gone.yaml"))
        os.mkfifo(os.path.join(fifo_dir, "queue.yaml"))
        for args, shown in (
                (["run", "--benchmark", "cis-1.12", "--manifests", fifo], "manifest.fifo"),
                (["run", "--benchmark", "cis-1.12", "--targets", "policies", "--kubeconfig", kube_fifo], "kubeconfig.fifo"),
                (["run", "--benchmark", "cis-1.12", "--targets", "policies", "--kubeconfig", zero], "kubeconfig-zero"),
                (["run", "--benchmark", "cis-1.12", "--manifests", loop_a], "loop-a.yaml"),
                (["run", "--benchmark", "cis-1.12", "--facts", fifo], "manifest.fifo"),
                (["validate", "--waivers", zero, "--benchmark", "cis-1.12"], "kubeconfig-zero"),
                (["run", "--benchmark", "cis-1.12", "--manifests", odd_dir], "gone.yaml"),
                (["run", "--benchmark", "cis-1.12", "--manifests", fifo_dir], "queue.yaml")):
            with self.subTest(args=args):
                proc, elapsed, _ = self.run_case(args, "special")
                self.assertEqual(proc.returncode, 2, proc.stderr)
                self.assertIn(shown, proc.stderr.decode(), args)
                self.assertLess(elapsed, 10)

    def test_json_nested_a_million_levels_deep(self):
        # Parsing a million "[" is fine; copying, comparing or printing what it builds recursed once
        # per level and overflowed the stack (SIGSEGV in run --manifests, diff, merge, run --facts).
        # Every reader refuses JSON nested deeper than 1,000 levels before building it.
        deep = "[" * 1_000_000 + "]" * 1_000_000
        manifest = os.path.join(self.tmp, "deep-pod.json")
        with open(manifest, "w", encoding="utf-8") as f:
            f.write('{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "x"}, "spec": '
                    '{"containers": [{"name": "c", "image": "i", "securityContext": {"privileged": false, '
                    f'"x": {deep}}}}}]}}}}\n')
        with open(self.good_report, encoding="utf-8") as f:
            good = f.read()
        first = good.index("{", good.index('"results": ['))
        report = os.path.join(self.tmp, "deep-report.json")
        with open(report, "w", encoding="utf-8") as f:
            f.write(good[:first + 1] + f'"x": {deep}, ' + good[first + 1:])
        root = node_root("kubeadm-control-plane")
        facts = os.path.join(self.tmp, "deep-facts.json")
        subprocess.run([CFG.binary, "collect", "--root", root, "--proc", os.path.join(root, "proc"), "--output",
                        facts], check=True, capture_output=True, env=base_env())
        with open(facts, encoding="utf-8") as f:
            snapshot = f.read()
        with open(facts, "w", encoding="utf-8") as f:
            f.write("{" + f'"x": {deep}, ' + snapshot[snapshot.index("{") + 1:])
        merged = os.path.join(self.tmp, "deep-merged.json")
        too_deep = "nested deeper than 1000 levels, the most kubeproof reads"
        for args, shown in (
                (["run", "--benchmark", "cis-1.12", "--manifests", manifest, "--format", "json"], f"{manifest}:1:"),
                (["diff", report, self.good_report], f"{report}: {too_deep}"),
                (["merge", report, self.good_report, "--output", merged], f"{report}: {too_deep}"),
                (["report", report, "--framework", "soc2"], f"{report}: {too_deep}"),
                (["verify", report], f"{report}: {too_deep}"),
                (["run", "--facts", facts, "--format", "json"], f"{facts}: not a facts snapshot: it is {too_deep}")):
            with self.subTest(command=args[0]):
                proc, elapsed, _ = self.run_case(args, "deep")
                stderr = proc.stderr.decode()
                self.assertEqual(proc.returncode, 2, stderr[-400:])
                self.assertIn(shown, stderr)
                self.assertIn(too_deep, stderr)
                self.assertEqual(proc.stdout, b"")
                self.assertLess(elapsed, 10)
        self.assertFalse(os.path.exists(merged))

    def test_yaml_of_more_than_a_million_values_is_refused_before_it_is_built(self):
        # A waivers file of 200,000 entries (17 MB) took 1.2 GB and 4.4 s to read; a kubeconfig and
        # check definitions go through the same reader. Counted first, refused at the cap.
        waivers = os.path.join(self.tmp, "waivers-200k.yaml")
        with open(waivers, "w", encoding="utf-8") as f:
            f.write("waivers:\n" + "".join(f"  - check: 1.2.15\n    node: n{i}\n    owner: a@b\n    reason: r\n"
                                            "    expires: 2027-01-01\n" for i in range(200_000)))
        kubeconfig = os.path.join(self.tmp, "kubeconfig-big.yaml")
        with open(kubeconfig, "w", encoding="utf-8") as f:
            f.write("apiVersion: v1\nkind: Config\npreferences:\n" +
                    "".join(f"  k{i}: [a, b, c, d, e, f, g, h, i]\n" for i in range(120_000)))
        checks = os.path.join(self.tmp, "checks-big")
        shutil.rmtree(checks, ignore_errors=True)
        shutil.copytree(os.path.join(CFG.source, "checks"), checks)
        with open(os.path.join(checks, "components.yaml"), "a", encoding="utf-8") as f:
            f.write("# padding\n" + "".join(f"# {i}\n" for i in range(10)) +
                    "x-padding: [" + ", ".join("1" for _ in range(1_100_000)) + "]\n")
        too_large = "the document is too large: "
        for args, shown in (
                (["validate", "--waivers", waivers, "--benchmark", "cis-1.12"], f"{waivers}: {too_large}16.9 MiB"),
                (["run", "--benchmark", "cis-1.12", "--targets", "policies", "--kubeconfig", kubeconfig],
                 f"kubeconfig {kubeconfig}: {too_large}"),
                (["validate", "--checks-dir", checks], f"{too_large}")):
            with self.subTest(command=args[:2]):
                proc, elapsed, _ = self.run_case(args, "large")
                stderr = proc.stderr.decode()
                self.assertEqual(proc.returncode, 2, stderr[-400:])
                self.assertIn(shown, stderr)
                self.assertIn("holding more than 1000000 values", stderr)
                self.assertLess(elapsed, 10)

    def test_a_yaml_file_past_the_cap_is_refused_unread(self):
        # A sparse file: one byte past 256 MiB on paper, nothing on disk. Before the cap, a 300 MB
        # YAML file of one scalar took 41 s and 1.8 GB to be refused.
        huge = os.path.join(self.tmp, "huge.yaml")
        with open(huge, "wb") as f:
            f.write(b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n  a: ")
            f.truncate((256 << 20) + 1)
        proc, elapsed, out = self.run_case(["run", "--benchmark", "cis-1.12", "--manifests", huge, "--format",
                                            "json", "--output", os.path.join(self.tmp, "huge.out.json")], "huge")
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertIn(f"{huge}: a YAML file larger than 256 MiB, the most kubeproof reads of one; it is not read",
                      proc.stderr.decode())
        self.assertFalse(os.path.exists(out))
        self.assertLess(elapsed, 5)

    def test_a_file_the_scanning_user_cannot_read(self):
        if shutil.which("setpriv") is None:
            self.skipTest("setpriv (util-linux) is missing")
        private = os.path.join(self.tmp, "private")
        os.makedirs(private, exist_ok=True)
        os.chmod(private, 0o755)
        secret = os.path.join(private, "manifest.yaml")
        with open(secret, "w", encoding="utf-8") as f:
            f.write("apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n")
        os.chmod(secret, 0o600)
        proc = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", CFG.binary, "run",
                               "--benchmark", "cis-1.12", "--manifests", secret], capture_output=True, text=True,
                              env=base_env(), cwd="/", timeout=20)
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertIn(f"{secret}: Permission denied", proc.stderr)

    def test_a_node_file_reached_through_a_directory_outside_the_root(self):
        root = os.path.join(self.tmp, "escape-root")
        shutil.rmtree(root, ignore_errors=True)
        subprocess.run(["cp", "-a", node_root("kubeadm-control-plane"), root], check=True)
        outside = os.path.join(self.tmp, "outside", "kubernetes")
        shutil.rmtree(os.path.dirname(outside), ignore_errors=True)
        shutil.copytree(os.path.join(root, "etc", "kubernetes"), outside, symlinks=True)
        shutil.rmtree(os.path.join(root, "etc", "kubernetes"))
        os.symlink(os.path.relpath(outside, os.path.join(root, "etc")), os.path.join(root, "etc", "kubernetes"))
        proc, _, _ = self.run_case(["run", "--root", root, "--proc", os.path.join(root, "proc"), "--check",
                                    "1.1.1", "--format", "json"], "escape")
        result = json.loads(proc.stdout)["results"][0]
        self.assertNotEqual(result["status"], "PASS", result)  # the manifest outside the root is not read

    def test_api_answers_cut_short_or_not_json(self):
        if shutil.which("openssl") is None:
            self.skipTest("openssl is missing: the fake API server cannot make its certificates")
        objects = os.path.join(self.tmp, "api-objects")
        os.makedirs(objects, exist_ok=True)
        for fault in ("html", "truncated", "shortlength"):
            server = FakeApiServer(objects, "--fault", f"pods={fault}")
            try:
                config = server.kubeconfig(os.path.join(self.tmp, f"kubeconfig-{fault}.json"))
                proc, elapsed, _ = self.run_case(["run", "--benchmark", "cis-1.12", "--targets", "policies",
                                                  "--kubeconfig", config, "--format", "json", "--timeout", "20s"],
                                                 fault, timeout=60)
            finally:
                server.stop()
            with self.subTest(fault=fault):
                self.assertEqual(proc.returncode, 1, proc.stderr)
                results = {r["id"]: r for r in json.loads(proc.stdout)["results"]}
                self.assertEqual(results["5.2.2"]["status"], "ERROR", results["5.2.2"])  # never PASS
                self.assertIn("pods", results["5.2.2"]["reason"])
                self.assertLess(elapsed, 60)


class SafeText(unittest.TestCase):
    """Messages and text output are safe to print: no secret in a quoted source line, no raw control,
    bidi or invalid byte from a file name, a manifest or a definition (README, hardening)."""

    CANARY_KEY = "AKIAQ3EGRALCANARY7XQ"  # the shape of an AWS access key id
    CANARY_DATA = "Y2FuYXJ5LXNlY3JldC1kYXRh"  # base64 of "canary-secret-data"
    FORGED = "\n[PASS] 9.9.9 forged (Automated)\x1b[2J\u202e"

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="safe-text-", dir=CFG.tmp)

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def assertNoRawControls(self, text, what):
        """Every character of `text` printable: line feeds only, no other C0, DEL, C1 or bidi control."""
        bad = [c for c in text if (ord(c) < 0x20 and c != "\n") or 0x7F <= ord(c) <= 0x9F
               or c in "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"]
        self.assertEqual(bad, [], f"{what}: raw control characters in:\n{text!r}")

    def test_syntax_error_in_secret_data_shows_the_place_not_the_value(self):
        path = self.write("secret.yaml", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n"
                          f"  password: {self.CANARY_DATA}\n"
                          f"  aws: {self.CANARY_KEY}: \x1b]0;owned\x07\n")
        proc = kubeproof("run", "--manifests", path)
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertRegex(proc.stderr, rf"(?m)^{re.escape(path)}:7:\d+: invalid YAML: ")
        self.assertIn("    aws: <redacted>\n", proc.stderr)
        self.assertNotIn(self.CANARY_KEY, proc.stderr)
        self.assertNotIn(self.CANARY_DATA, proc.stderr)
        self.assertNoRawControls(proc.stderr, "stderr")

    def test_credential_in_any_manifest_is_redacted(self):
        path = self.write("configmap.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n"
                          f"  url: postgres://app:canarypass@db/x {self.CANARY_KEY}: x\n")
        proc = kubeproof("run", "--manifests", path)
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertRegex(proc.stderr, rf"(?m)^{re.escape(path)}:6:\d+: invalid YAML: ")
        self.assertIn("    url: <redacted> <redacted> x\n", proc.stderr)
        self.assertNotIn(self.CANARY_KEY, proc.stderr)
        self.assertNotIn("canarypass", proc.stderr)

    def test_a_list_of_secrets_on_one_line(self):
        items = [{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": f"s{i}"},
                  "data": {"token": f"{self.CANARY_DATA}{i:03d}"}} for i in range(200)]
        text = json.dumps({"apiVersion": "v1", "kind": "List", "items": items}, separators=(",", ":"))
        content = text[:-2] + ",}"  # a syntax error at the very end
        path = self.write("secrets.json", content)
        proc = kubeproof("run", "--manifests", path)
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertRegex(proc.stderr, rf"(?m)^{re.escape(path)}:1:\d+: ")
        self.assertNotIn(self.CANARY_DATA, proc.stderr)
        quoted = [line for line in proc.stderr.split("\n") if line.startswith("    ")]
        self.assertEqual(len(quoted), 2, proc.stderr)  # the line and its caret
        for line in quoted:
            self.assertLessEqual(len(line), 4 + 100, line)
        self.assertTrue(quoted[0].startswith("    …"), quoted[0])
        # The caret points at the same character of the cut line as the column does in the file.
        column = int(re.search(rf"{re.escape(path)}:1:(\d+):", proc.stderr).group(1))
        caret = quoted[1].index("^")
        self.assertEqual(quoted[0][caret], content[column - 1])
        self.assertEqual(quoted[0][caret - 3:caret + 1], "}},}")

    def test_manifest_path_with_controls_is_escaped(self):
        path = self.write("bad\x1b]0;owned\x07" + self.FORGED + ".yaml", "metadata: [unclosed\n")
        proc = kubeproof_bytes("run", "--manifests", path)
        self.assertEqual(proc.returncode, 2, proc.stderr)
        stderr = proc.stderr.decode("utf-8")
        self.assertNoRawControls(stderr, "stderr")
        self.assertIn("bad\\x1b]0;owned\\x07\\n[PASS] 9.9.9 forged (Automated)\\x1b[2J\\u202e.yaml:", stderr)
        self.assertNotRegex(stderr, r"(?m)^\[PASS\]")

    def test_objects_no_api_server_accepts_are_listed_one_per_line(self):
        path = self.write("wrong" + self.FORGED + ".yaml",
                          "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec: {containers: {name: x}}\n")
        proc = kubeproof("run", "--manifests", path, "--benchmark", "cis-1.12")
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertNoRawControls(proc.stderr, "stderr")
        lines = proc.stderr.split("\n")
        self.assertTrue(lines[0].startswith(
            os.path.join(self.dir, "wrong\\n[PASS] 9.9.9 forged (Automated)\\x1b[2J\\u202e.yaml:1: ")), lines)
        self.assertEqual(lines[1], "kubeproof: the manifests cannot be scanned: 1 object no API server would accept")

    def kubeadm_root(self, name):
        return materialised_node(os.path.join(self.dir, name))

    def test_file_name_cannot_forge_a_line_of_the_text_report(self):
        root = self.kubeadm_root("evil-names")
        name = "evil" + self.FORGED + "\xff.key"
        path = os.path.join(root, "etc", "kubernetes", "pki").encode() + b"/" + \
            name.encode("utf-8", "surrogateescape").replace(b"\xc3\xbf", b"\xff")
        with open(path, "w") as f:
            f.write("not a key\n")
        os.chmod(path, 0o666)
        proc = kubeproof_bytes(*scan_args_of(root, "--check", "1.1.21"))
        self.assertEqual(proc.returncode, 0, proc.stderr)  # WARN: a Manual check
        self.assertNotIn(b"\xff", proc.stdout)
        out = proc.stdout.decode("utf-8")
        self.assertNoRawControls(out, "text report")
        self.assertNotRegex(out, r"(?m)^\s*\[PASS\] 9\.9\.9")
        self.assertIn("evil\\n[PASS] 9.9.9 forged (Automated)\\x1b[2J\\u202e\\xff.key has mode 666", out)
        # JUnit's own escaping: the same name leaves well-formed XML 1.0.
        junit = kubeproof_bytes(*scan_args_of(root, "--check", "1.1.21", "--format", "junit"))
        from xml.etree import ElementTree
        ElementTree.fromstring(junit.stdout)

    def test_bidi_control_in_a_title_is_escaped(self):
        broken = BrokenChecks("bidi-title")
        broken.edit("cis-1.12/master.yaml", "title:", lambda line: [line.replace("title: ", "title: Ensure \u202e"
                    "gnp.exe ", 1)], after='id: "1.1.1"')
        root = node_root("kubeadm-control-plane")
        proc = kubeproof_bytes("run", "--root", root, "--proc", os.path.join(root, "proc"),
                               "--checks-dir", broken.dir, "--check", "1.1.1")
        out = proc.stdout.decode("utf-8")
        self.assertIn(" 1.1.1 Ensure \\u202egnp.exe ", out)
        self.assertNoRawControls(out, "text report")


def scan_args_of(root, *extra):
    return ["run", "--root", root, "--proc", os.path.join(root, "proc"), *extra]


def materialised_node(root, node="kubeadm-control-plane"):
    """A fresh copy of an example node at `root` (materialize.py: real modes, owners and /proc)."""
    script = os.path.join(CFG.source, "tests", "fixtures", "materialize.py")
    proc = subprocess.run([sys.executable, script, os.path.join(CFG.source, "examples", "nodes", node), root],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise AssertionError(f"materialize.py {node} failed:\n{proc.stdout}{proc.stderr}")
    return root


def materialise():
    script = os.path.join(CFG.source, "tests", "fixtures", "materialize.py")
    for node in NODES:
        spec = os.path.join(CFG.source, "examples", "nodes", node)
        proc = subprocess.run([sys.executable, script, spec, node_root(node)], capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"materialize.py {node} failed:\n{proc.stdout}{proc.stderr}")


# ---------------------------------------------------------------------------------------------
# kubeproof's own controls (checks/k8s-controls-1.0, issue 15 item 1)

CONTROLS = "k8s-controls-1.0"
CONTROLS_FIXTURES = os.path.join("tests", "fixtures", "controls")  # under CFG.source
# The literal credentials of tests/fixtures/controls/cluster.yaml: made up, found, and never shown.
CONTROLS_CANARIES = ["kp-canary-env-5e1d9a", "AKIAKUBEPROOFCANARY1", "kp-canary-cm-0b7c44", "kp-canary-url-91aa"]
CONTROLS_RESOURCES = {
    "Namespace": "namespaces", "NetworkPolicy": "networkpolicies", "CiliumNetworkPolicy": "ciliumnetworkpolicies",
    "ClusterPolicy": "clusterpolicies", "ResourceQuota": "resourcequotas", "LimitRange": "limitranges",
    "Deployment": "deployments", "PodDisruptionBudget": "poddisruptionbudgets", "CronJob": "cronjobs",
    "ConfigMap": "configmaps", "Ingress": "ingresses", "StatefulSet": "statefulsets",
}


class OwnControls(unittest.TestCase):
    """k8s-controls-1.0 over our fixtures, as manifests and through the fake API server with the same
    verdicts; the canary credentials in no output format; the peer fixtures' verdicts written down."""

    # key -> (status, the objects of its findings, sorted). cluster.yaml says why each one is there.
    EXPECTED = {
        "network.default-deny": ("FAIL", ["Namespace allow-only", "Namespace kyverno-ns"]),
        "network.default-deny-egress": ("FAIL", ["Namespace allow-only", "Namespace kyverno-ns",
                                                 "Namespace privileged-ns"]),
        "transport.ingress-tls": ("FAIL", ["Ingress shop/web"]),
        "availability.disruption-budget": ("FAIL", ["Deployment shop/cache", "Deployment shop/web"]),
        "availability.probes": ("FAIL", ["Deployment allow-only/worker"]),
        "availability.redundancy": ("FAIL", ["Deployment allow-only/worker"]),
        "resources.limits": ("FAIL", ["Deployment allow-only/worker"]),
        "resources.namespace-quota": ("FAIL", ["Namespace allow-only", "Namespace kyverno-ns",
                                               "Namespace privileged-ns"]),
        "secrets.hardcoded": ("FAIL", ["ConfigMap allow-only/app-config", "ConfigMap allow-only/app-config",
                                       "Deployment allow-only/worker", "Deployment allow-only/worker"]),
        "images.pinned": ("FAIL", ["CronJob shop/report", "Deployment allow-only/worker"]),
        "admission.enforced": ("FAIL", ["Namespace allow-only", "Namespace privileged-ns"]),
    }

    def fixture(self, name):
        return os.path.join(CFG.source, CONTROLS_FIXTURES, name)

    def scan(self, *args, fmt="json"):
        proc = kubeproof("run", "--benchmark", CONTROLS, "--targets", "policies", "--format", fmt, *args)
        self.assertIn(proc.returncode, (0, 1), proc.stderr)
        return proc

    def by_key(self, proc):
        report = json.loads(proc.stdout)
        self.assertEqual(report["scan"]["benchmark"], CONTROLS)
        return {r["key"]: r for r in report["results"]}

    def api_scan(self, manifest, fmt="json"):
        return self.api_scan_files(manifest, fmt=fmt)

    def assert_expected(self, results, source):
        self.assertEqual(sorted(results), sorted(self.EXPECTED))
        for key, (status, refs) in self.EXPECTED.items():
            r = results[key]
            self.assertEqual(r["status"], status, f"{source} {key}: {r.get('actual')} {r.get('reason')}")
            self.assertEqual(sorted(bare_ref(e["ref"]) if source == "api" else e["ref"] for e in r["evidence"]),
                             sorted(bare_ref(x) for x in refs) if source == "api" else refs, f"{source} {key}")
            self.assertTrue(all(e["source"] == source for e in r["evidence"]), key)
            self.assertTrue(r["automated"], key)

    def test_manifest_verdicts_and_evidence(self):
        results = self.by_key(self.scan("--manifests", self.fixture("cluster.yaml")))
        self.assert_expected(results, "manifest")
        # Evidence names the object, the item and file:line, and says why.
        cluster = self.fixture("cluster.yaml")
        for r in results.values():
            for e in r["evidence"]:
                self.assertEqual(os.path.realpath(e["file"]), os.path.realpath(cluster), e)
                self.assertGreater(e["line"], 0, e)
        values = lambda key: sorted(e["value"] for e in results[key]["evidence"])  # noqa: E731
        self.assertIn("containers[0] (worker) env DB_PASSWORD: "
                      "credential=variable named like a credential with a literal value", values("secrets.hardcoded"))
        self.assertIn("containers[0] (worker) env AWS_ACCESS_KEY_ID: credential=AWS access key id",
                      values("secrets.hardcoded"))
        self.assertIn("data database_url: credential=URL with a password", values("secrets.hardcoded"))
        self.assertTrue(any("podSecurityEnforce=privileged" in v for v in values("admission.enforced")))
        self.assertTrue(any("imagePin=latest" in v and "image=busybox:latest" in v for v in values("images.pinned")))
        self.assertTrue(any("imagePin=untagged" in v for v in values("images.pinned")))
        self.assertEqual(values("transport.ingress-tls"), ["rules[1] (admin.example.com): tls=false"])
        self.assertTrue(any("protectingBudgets=[]" in v and "replicas=2" in v
                            for v in values("availability.disruption-budget")))  # cache: a budget that allows 2 of 2

    def test_a_compliant_namespace_passes_every_control(self):
        results = self.by_key(self.scan("--manifests", self.fixture("compliant.yaml")))
        self.assertEqual(sorted(results), sorted(self.EXPECTED))
        for key, r in results.items():
            self.assertEqual(r["status"], "PASS", f"{key}: {r.get('actual')} {r.get('evidence')}")

    def test_the_api_gives_the_same_verdicts(self):
        for name in ("cluster.yaml", "compliant.yaml"):
            manifests = self.by_key(self.scan("--manifests", self.fixture(name)))
            api = self.by_key(self.api_scan(self.fixture(name)))
            self.assertEqual({k: r["status"] for k, r in api.items()}, {k: r["status"] for k, r in manifests.items()},
                             name)
            self.assertEqual({k: sorted(bare_ref(e["ref"]) for e in r["evidence"]) for k, r in api.items()},
                             {k: sorted(bare_ref(e["ref"]) for e in r["evidence"]) for k, r in manifests.items()}, name)
        self.assert_expected(self.by_key(self.api_scan(self.fixture("cluster.yaml"))), "api")

    def test_no_canary_in_any_output_format(self):
        cluster = self.fixture("cluster.yaml")
        aws = ("--aws-account-id", "123456789012", "--aws-region", "eu-west-1")
        outputs = {}
        for fmt in ("text", "json", "junit", "sarif", "ocsf", "asff"):
            proc = self.scan("--manifests", cluster, *(aws if fmt == "asff" else ()), fmt=fmt)
            self.assertEqual(proc.returncode, 1, proc.stderr)  # the findings fail the run
            outputs[fmt] = proc.stdout + proc.stderr
        outputs["api-json"] = (lambda p: p.stdout + p.stderr)(self.api_scan(cluster))
        for fmt, text in outputs.items():
            self.assertIn("KC.4.1", text, fmt)  # the check is there ...
            for canary in CONTROLS_CANARIES:
                self.assertNotIn(canary, text, f"{fmt} shows a credential")  # ... its values are not
        self.assertIn("DB_PASSWORD", outputs["text"])  # the variable is named

    def test_a_syntax_error_on_a_credential_line_does_not_quote_it(self):
        # The diagnostic of an invalid manifest quotes the offending line on stderr (CI logs keep it):
        # a secret-named key's value on it is redacted, in YAML and in JSON.
        cases = {"bad-credential.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: a}\n"
                                        "data:\n  db-password: kp-canary-yaml-31f0: [\n",
                 "bad-credential.json": '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"},\n'
                                        ' "data": {"api-token": "kp-canary-json-8d2e" "x": 1}}\n'}
        for name, text in cases.items():
            path = os.path.join(CFG.tmp, name)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            proc = kubeproof("run", "--benchmark", CONTROLS, "--targets", "policies", "--manifests", path)
            self.assertEqual((proc.returncode, proc.stdout), (2, ""), proc.stderr)
            self.assertIn(f"{name}:", proc.stderr)
            self.assertIn("[redacted]", proc.stderr)
            self.assertNotIn("kp-canary", proc.stderr)

    def test_peer_fixtures(self):
        # Online Boutique (release/kubernetes-manifests.yaml, what users apply): twelve Deployments of
        # one replica each, no PodDisruptionBudget, no Namespace, no Ingress. No workload runs more
        # than one replica, so none needs a budget: disruption-budget PASSes, and the missing
        # redundancy is redundancy's finding, for all twelve. Images carry release tags (v0.10.6,
        # redis:alpine); the loadgenerator has no probes and its init container no resources.
        boutique = self.by_key(self.scan("--manifests", peer("GoogleCloudPlatform-microservices-demo", "release",
                                                            "kubernetes-manifests.yaml")))
        expected = {"availability.disruption-budget": "PASS", "availability.redundancy": "FAIL",
                    "availability.probes": "FAIL", "resources.limits": "FAIL", "secrets.hardcoded": "PASS",
                    "images.pinned": "PASS", "network.default-deny": "NA", "network.default-deny-egress": "NA",
                    "resources.namespace-quota": "NA", "admission.enforced": "NA", "transport.ingress-tls": "NA"}
        self.assertEqual({k: r["status"] for k, r in boutique.items()}, expected)
        redundancy = boutique["availability.redundancy"]["evidence"]
        self.assertEqual(len(redundancy), 12)
        self.assertTrue(all(e["value"] == "replicas=1, spreadAcross=[]" for e in redundancy), redundancy)
        self.assertEqual([e["ref"] for e in boutique["availability.probes"]["evidence"]], ["Deployment loadgenerator"])
        # The skaffold sources (kubernetes-manifests/) name bare images that skaffold fills in: untagged.
        sources = self.by_key(self.scan("--manifests", peer("GoogleCloudPlatform-microservices-demo",
                                                           "kubernetes-manifests")))
        self.assertEqual(sources["images.pinned"]["status"], "FAIL")
        self.assertTrue(all("imagePin=untagged" in e["value"] for e in sources["images.pinned"]["evidence"]))
        # kubernetes-goat: its credentials are Secret objects (and image layers). Secrets are where
        # Kubernetes keeps credentials; they are not literals in env, args, ConfigMaps or annotations, so
        # this control does not flag them. Untagged images everywhere, kube-bench at :latest; two
        # Namespaces with no network policy, quota or Pod Security label; its one Kyverno policy in
        # Enforce mode is about `Pod/exec` (a subresource), which admits no pod, so it does not count.
        goat = self.by_key(self.scan("--manifests", peer("madhuakula-kubernetes-goat")))
        expected = {"secrets.hardcoded": "PASS", "images.pinned": "FAIL", "availability.probes": "FAIL",
                    "availability.redundancy": "FAIL", "availability.disruption-budget": "PASS",
                    "resources.limits": "FAIL", "network.default-deny": "FAIL", "network.default-deny-egress": "FAIL",
                    "resources.namespace-quota": "FAIL", "admission.enforced": "FAIL", "transport.ingress-tls": "NA"}
        self.assertEqual({k: r["status"] for k, r in goat.items()}, expected)
        pins = {bare_ref(e["ref"]): e["value"] for e in goat["images.pinned"]["evidence"]}
        self.assertIn("imagePin=latest", pins["Job kube-bench-master"])
        self.assertEqual(sorted(e["ref"] for e in goat["admission.enforced"]["evidence"]),
                         ["Namespace big-monolith", "Namespace secure-middleware"])

    def api_scan_files(self, *manifests, args=(), fmt="json"):
        """Loads the fixture files into the fake API server and scans it, with more run arguments."""
        try:
            import yaml  # noqa: PLC0415
        except ImportError:
            self.skipTest("PyYAML is missing: the fixture cannot be loaded into the fake API server")
        if shutil.which("openssl") is None:
            self.skipTest("openssl is missing: the fake API server cannot make its certificates")
        directory = tempfile.mkdtemp(dir=CFG.tmp, prefix="controls-api-")
        store = {}
        for manifest in manifests:
            with open(manifest, encoding="utf-8") as f:
                for obj in yaml.safe_load_all(f):
                    if isinstance(obj, dict):
                        store.setdefault(CONTROLS_RESOURCES[obj["kind"]], []).append(obj)
        for resource, items in store.items():
            with open(os.path.join(directory, resource + ".json"), "w", encoding="utf-8") as f:
                json.dump(items, f)
        server = FakeApiServer(directory)
        try:
            config = server.kubeconfig(os.path.join(directory, "kubeconfig.json"))
            return self.scan("--kubeconfig", config, *args, fmt=fmt)
        finally:
            server.stop()

    @staticmethod
    def verdicts(proc):
        report = json.loads(proc.stdout)
        return {r["key"]: (r["status"], sorted(e["ref"] for e in r["evidence"]))
                for r in report["results"]}, report

    def test_system_namespaces_are_left_out_by_default_and_listed(self):
        cluster, system = self.fixture("cluster.yaml"), self.fixture("system.yaml")
        # kube-system's CoreDNS (two replicas, no budget, no probes) and the namespace itself
        # (no policy, quota or label) change nothing by default ...
        proc = self.scan("--manifests", cluster, "--manifests", system)
        validate_report(proc.stdout)
        results, report = self.verdicts(proc)
        alone, _ = self.verdicts(self.scan("--manifests", cluster))
        self.assertEqual(results, alone)
        self.assertEqual(report["scan"]["namespace_scope"],
                         {"excluded": ["kube-node-lease", "kube-public", "kube-system"],
                          "excluded_by": [CONTROLS]})
        self.assertIn("outside the system namespaces kube-node-lease, kube-public, kube-system",
                      self.by_key(self.scan("--manifests", cluster))["images.pinned"]["actual"])
        text = self.scan("--manifests", cluster, "--manifests", system, fmt="text").stdout
        self.assertIn("Namespaces in scope: all but the system namespaces kube-node-lease, kube-public, "
                      "kube-system (left out by k8s-controls-1.0)\n", text)
        # ... and are judged when --namespaces names kube-system.
        named, report = self.verdicts(self.scan("--manifests", cluster, "--manifests", system,
                                                "--namespaces", "kube-system"))
        self.assertEqual(report["scan"]["namespace_scope"], {"namespaces": ["kube-system"]})
        self.assertEqual(named["availability.disruption-budget"], ("FAIL", ["Deployment kube-system/coredns"]))
        self.assertEqual(named["availability.probes"], ("FAIL", ["Deployment kube-system/coredns"]))
        self.assertEqual(named["network.default-deny"], ("FAIL", ["Namespace kube-system"]))
        self.assertEqual(named["admission.enforced"], ("FAIL", ["Namespace kube-system"]))
        self.assertEqual(named["resources.limits"][0], "PASS")
        self.assertEqual(named["transport.ingress-tls"][0], "NA")  # shop's Ingress is out of scope
        self.assertIn("in namespaces kube-system", self.by_key(self.scan(
            "--manifests", cluster, "--manifests", system, "--namespaces", "kube-system"))["transport.ingress-tls"]["reason"])

    def test_namespaces_and_selector_limit_the_checks_alike_over_manifests_and_api(self):
        cluster, system = self.fixture("cluster.yaml"), self.fixture("system.yaml")
        # shop is the one namespace labelled restricted: its findings only (cluster.yaml says why).
        shop = {"network.default-deny": ("PASS", []), "network.default-deny-egress": ("PASS", []),
                "transport.ingress-tls": ("FAIL", ["Ingress shop/web"]),
                "availability.disruption-budget": ("FAIL", ["Deployment shop/cache", "Deployment shop/web"]),
                "availability.probes": ("PASS", []), "availability.redundancy": ("PASS", []),
                "resources.limits": ("PASS", []), "resources.namespace-quota": ("PASS", []),
                "secrets.hardcoded": ("PASS", []), "images.pinned": ("FAIL", ["CronJob shop/report"]),
                "admission.enforced": ("PASS", [])}
        selector = ("--namespace-selector", "pod-security.kubernetes.io/enforce=restricted")
        proc = self.scan("--manifests", cluster, "--manifests", system, *selector)
        validate_report(proc.stdout)
        by_selector, report = self.verdicts(proc)
        self.assertEqual(by_selector, shop)
        self.assertEqual(report["scan"]["namespace_scope"],
                         {"selector": "pod-security.kubernetes.io/enforce=restricted", "selected": ["shop"]})
        by_name, report = self.verdicts(self.scan("--manifests", cluster, "--namespaces", "shop"))
        self.assertEqual(by_name, shop)
        self.assertEqual(report["scan"]["namespace_scope"], {"namespaces": ["shop"]})
        api, report = self.verdicts(self.api_scan_files(cluster, system, args=selector))
        self.assertEqual(api, shop)
        self.assertEqual(report["scan"]["namespace_scope"]["selected"], ["shop"])
        api, _ = self.verdicts(self.api_scan_files(cluster, system, args=("--namespaces", "shop,allow-only")))
        manifests, _ = self.verdicts(self.scan("--manifests", cluster, "--manifests", system,
                                               "--namespaces", "shop", "--namespaces", "allow-only"))
        self.assertEqual(api, manifests)
        self.assertEqual(manifests["availability.probes"], ("FAIL", ["Deployment allow-only/worker"]))
        # A selector that matches nothing: every check NA, said on stderr; never a PASS.
        proc = self.scan("--manifests", cluster, "--namespace-selector", "pci=cde")
        none, _ = self.verdicts(proc)
        self.assertEqual({status for status, _ in none.values()}, {"NA"})
        self.assertIn("--namespace-selector pci=cde matched no Namespace object", proc.stderr)

    def test_scope_options_are_checked(self):
        cluster = self.fixture("cluster.yaml")
        for args, message in (
                (("--namespaces", "Shop"), "invalid namespace 'Shop' in --namespaces"),
                (("--namespaces", ""), "invalid namespace '' in --namespaces"),
                (("--namespace-selector", "pci"), "invalid --namespace-selector 'pci': expected LABEL=VALUE"),
                (("--namespace-selector", "a b=c"), "invalid --namespace-selector 'a b=c'"),
                (("--namespaces", "shop", "--namespace-selector", "a=b"),
                 "use either --namespaces or --namespace-selector, not both")):
            proc = kubeproof("run", "--benchmark", CONTROLS, "--manifests", cluster, *args)
            self.assertEqual((proc.returncode, proc.stdout), (2, ""), args)
            self.assertIn(message, proc.stderr, args)

    def test_several_benchmarks_in_one_scan(self):
        cluster = self.fixture("cluster.yaml")
        both = kubeproof("run", "--benchmark", f"cis-1.12,{CONTROLS}", "--manifests", cluster, "--format", "json")
        self.assertEqual(both.returncode, 1, both.stderr)
        validate_report(both.stdout)  # the published schema knows the new fields
        report = json.loads(both.stdout)
        scan = report["scan"]
        self.assertEqual(scan["benchmark"], f"cis-1.12+{CONTROLS}")
        self.assertEqual(scan["benchmarks"], ["cis-1.12", CONTROLS])
        self.assertEqual(scan["benchmark_selected_by"]["rule"], "benchmark-flag")
        self.assertIn(f"scanned with {CONTROLS} (named by --benchmark)", scan["benchmark_selected_by"]["detail"])
        # Each result names its own benchmark and has the verdict a scan of that benchmark alone gives.
        alone = {}
        for bench in ("cis-1.12", CONTROLS):
            proc = kubeproof("run", "--benchmark", bench, "--manifests", cluster, "--format", "json")
            alone[bench] = {r["id"]: (r["status"], r["evidence"]) for r in json.loads(proc.stdout)["results"]}
        for bench in ("cis-1.12", CONTROLS):
            mine = {r["id"]: (r["status"], r["evidence"]) for r in report["results"] if r["benchmark"] == bench}
            self.assertEqual(mine, alone[bench], bench)
        self.assertEqual(len(report["results"]), len(alone["cis-1.12"]) + len(alone[CONTROLS]))
        self.assertEqual(sorted({r["group"].split(".")[0] for r in report["results"]}), ["5", "KC"])
        # --check picks from either; the text report names both.
        picked = kubeproof("run", "--benchmark", f"cis-1.12,{CONTROLS}", "--manifests", cluster,
                           "--check", "5.1.1,KC.4.1", "--format", "json")
        self.assertEqual(sorted(r["id"] for r in json.loads(picked.stdout)["results"]), ["5.1.1", "KC.4.1"])
        text = kubeproof("run", "--benchmark", f"cis-1.12,{CONTROLS}", "--manifests", cluster)
        self.assertTrue(text.stdout.startswith(f"== Benchmark cis-1.12+{CONTROLS} (chosen by benchmark-flag) =="),
                        text.stdout[:200])
        # Benchmarks whose ids overlap cannot be told apart by id: refused, as are repeats and unknowns.
        for value, message in (("cis-1.12,cis-1.11", "benchmarks cis-1.12 and cis-1.11 cannot be scanned together"),
                               (f"{CONTROLS},{CONTROLS}", f"--benchmark names {CONTROLS} twice"),
                               (f"cis-1.12,nope", "unknown benchmark 'nope'")):
            proc = kubeproof("run", "--benchmark", value, "--manifests", cluster)
            self.assertEqual((proc.returncode, proc.stdout), (2, ""), value)
            self.assertIn(message, proc.stderr, value)

    def test_detect_beside_own_controls_on_a_node(self):
        # The node's CIS benchmark by detection, kubeproof's controls over the manifests, one report.
        root = materialised_node(tempfile.mkdtemp(dir=CFG.tmp, prefix="controls-node-"))
        proc = kubeproof("run", "--root", root, "--proc", os.path.join(root, "proc"), "--benchmark",
                         f"detect,{CONTROLS}", "--targets", "master,policies", "--manifests",
                         self.fixture("cluster.yaml"), "--format", "json")
        self.assertEqual(proc.returncode, 1, proc.stderr)
        report = json.loads(proc.stdout)
        self.assertEqual(report["scan"]["benchmarks"], ["cis-1.12", CONTROLS])
        self.assertEqual(report["scan"]["benchmark_selected_by"]["rule"], "static-pod-image")
        benches = {r["benchmark"] for r in report["results"]}
        self.assertEqual(benches, {"cis-1.12", CONTROLS})
        self.assertTrue(any(r["id"] == "1.2.1" for r in report["results"]))

    def test_soc2_availability_and_processing_integrity_are_supported(self):
        controls = kubeproof("list", "controls", "--framework", "soc2")
        self.assertEqual(controls.returncode, 0, controls.stderr)
        supported, gaps = controls.stdout.split("No check supports these", 1)
        for criterion in ("A1.1", "A1.2", "PI1.1", "PI1.3", "PI1.4"):
            self.assertRegex(supported, rf"(?m)^\s*{re.escape(criterion)} .*\n\s+checks: .*{CONTROLS}:KC\.",
                             criterion)
            self.assertNotRegex(gaps, rf"(?m)^\s*{re.escape(criterion)} ", criterion)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", required=True, help="the kubeproof binary")
    parser.add_argument("--sleeper", required=True, help="the kubeproof_test_sleeper binary")
    parser.add_argument("--source", required=True, help="the source tree (holds checks/, examples/, tests/)")
    parser.add_argument("-k", dest="patterns", action="append", help="only tests matching this substring")
    parser.add_argument("--classes", help="only these test classes, comma-separated (CTest runs two halves in parallel)")
    parser.add_argument("--except-classes", help="every test class but these, comma-separated (the other half)")
    args = parser.parse_args()
    CFG.binary = os.path.abspath(args.binary)
    CFG.sleeper = os.path.abspath(args.sleeper)
    CFG.source = os.path.abspath(args.source)
    CFG.update_golden = os.environ.get("UPDATE_GOLDEN") == "1"
    global PEERS
    PEERS = os.path.join(os.path.dirname(CFG.source), "shared", "reference", "peer-fixtures")
    if not os.path.isdir(PEERS):
        print(f"run.py: the third-party test manifests are missing: {PEERS} (../shared beside the repository)", file=sys.stderr)
        return 2
    for path in (CFG.binary, CFG.sleeper):
        if not os.access(path, os.X_OK):
            print(f"run.py: not an executable: {path}", file=sys.stderr)
            return 2
    if os.geteuid() != 0:
        print("run.py: must run as root: the fixture nodes have real owners", file=sys.stderr)
        return 2
    if JSONSCHEMA_MISSING:
        print(f"run.py: {JSONSCHEMA_MISSING}", file=sys.stderr)
        return 2

    CFG.tmp = tempfile.mkdtemp(prefix="kubeproof-e2e-")
    CFG.nodes = os.path.join(CFG.tmp, "nodes")
    started = time.monotonic()
    try:
        materialise()
        loader = unittest.TestLoader()
        if args.patterns:
            loader.testNamePatterns = [f"*{p}*" for p in args.patterns]
        classes = (Goldens, ReportShape, NodeSemantics, CliContract, DefinitionDiagnostics, RealProcesses, AtomicOutput,
                   Frameworks, BenchmarkCatalogue, ManifestPolicies, ApiPolicies, PolicyCases, PolicyCasesApi, NodeStrictness, ReportSchema,
                   EvidenceTrail, FactsSnapshot, HistoryCommands, Waivers, Metrics, PeriodReport, SiemFormats,
                   EveryMode, Deployment, Upload, Packages)
        classes += (ManagedBenchmarks, K3sRke2, BenchmarkSelection, OwnControls, AuditPolicies)
        classes += (HardeningInputs,)
        classes += (ScanDeadline,)
        classes += (HostileCorpus,)
        classes += (SafeText,)
        for named, keep in ((args.classes, True), (args.except_classes, False)):
            if not named:
                continue
            unknown = sorted(set(named.split(",")) - {c.__name__ for c in classes})
            if unknown:
                print(f"run.py: unknown test classes: {', '.join(unknown)}", file=sys.stderr)
                return 2
            classes = tuple(c for c in classes if (c.__name__ in named.split(",")) == keep)
        suite = unittest.TestSuite(loader.loadTestsFromTestCase(case) for case in classes)
        runner = unittest.TextTestRunner(stream=sys.stdout, verbosity=2, resultclass=CountingResult)
        result = runner.run(suite)
    finally:
        shutil.rmtree(CFG.tmp, ignore_errors=True)
    failed = len(result.failed_ids())
    skipped = len(result.skipped)
    passed = result.testsRun - len(result.failed_methods()) - skipped - len(result.expectedFailures)
    extra = f", {skipped} skipped" if skipped else ""
    print("slowest tests:")
    for seconds, test_id in result.slowest(8):
        print(f"  {seconds:6.1f}s {test_id.removeprefix('__main__.')}")
    print(f"e2e took {time.monotonic() - started:.1f}s")
    print(f"{passed} passed, {failed} failed{extra}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
