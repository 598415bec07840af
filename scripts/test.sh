#!/usr/bin/env bash
# The project's test command: builds the fully static release preset and runs its tests, then
# builds the ASan+UBSan preset and runs the same tests under the sanitizers. Exits non-zero on
# the first failure. Run scripts/setup.sh once first.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

export ASAN_OPTIONS=detect_leaks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

start=$SECONDS
step() { printf '\n=== %s\n' "$*"; }
on_exit() {
    local status=$?
    if ((status != 0)); then
        printf '\ntest.sh: FAILED (exit %d) after %ds\n' "$status" "$((SECONDS - start))"
    fi
}
trap on_exit EXIT

for preset in release asan-ubsan; do
    step "configure $preset"
    cmake --preset "$preset"
    step "build $preset"
    cmake --build --preset "$preset" -j2
    step "test $preset"
    ctest --preset "$preset" -j2
done

binary=build/release/kubeproof
step "release binary"
file "$binary"
if ! file "$binary" | grep -q 'statically linked'; then
    printf 'test.sh: %s is not statically linked\n' "$binary" >&2
    exit 1
fi
printf 'test.sh: OK: release and asan-ubsan built and all tests passed in %ds (%s: %s bytes)\n' \
    "$((SECONDS - start))" "$binary" "$(stat -c %s "$binary")"
