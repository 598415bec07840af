#!/usr/bin/env bash
# Quick start on a fresh Debian 12 machine (as root): install the build dependencies, build the
# fully static kubeproof, materialise the bundled kubeadm control-plane example node (real modes,
# owners and a fake /proc) and scan it. The scan finds what a default kubeadm node really has, so
# kubeproof exits 1 ("findings"); this script reports that and exits 0.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh
cmake --preset release
cmake --build --preset release --target kubeproof
node=build/example-node
python3 tests/fixtures/materialize.py examples/nodes/kubeadm-control-plane "$node"

printf '\n=== kubeproof run --root %s --proc %s/proc\n\n' "$node" "$node"
status=0
build/release/kubeproof run --root "$node" --proc "$node/proc" || status=$?
case $status in
    0) echo "quickstart: no findings" ;;
    1) echo "quickstart: scan finished with findings (exit 1), as expected for a default kubeadm node" ;;
    *) echo "quickstart: kubeproof failed with exit $status" >&2; exit "$status" ;;
esac
printf 'binary: build/release/kubeproof (%s)\n' "$(file -b build/release/kubeproof | cut -d, -f1-5)"
