#!/usr/bin/env bash
# The project's test command. The build checks itself first (formatting, the folder layering of
# ARCHITECTURE.md), then builds the fully static release binary with gcc and runs the end-to-end
# tests against it, then builds with clang under ASan+UBSan and runs the unit tests and the same
# end-to-end tests under the sanitizers, then runs
# clang-tidy (warnings are errors) over the clang build's compile commands, file by file. Exits
# non-zero on the first failure. Run scripts/setup.sh once first.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

export ASAN_OPTIONS=detect_leaks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

start=$SECONDS
step() { printf '\n=== %s (%ds)\n' "$*" "$((SECONDS - start))"; }

on_exit() {
    local status=$?
    if ((status != 0)); then
        printf '\ntest.sh: FAILED (exit %d) after %ds\n' "$status" "$((SECONDS - start))"
    fi
}
trap on_exit EXIT

step "check format"
bash scripts/check_format.sh
step "check layers"
python3 scripts/check_layers.py

# ccache (Debian's) keeps what the compilers made between runs, outside the tree, keyed by the
# preprocessed source, the precompiled header's bytes and the flags: a clone whose sources did not
# change rebuilds from it in seconds, and a cache miss is an ordinary compile. CCACHE_BASEDIR makes
# the paths relative, so that the gcc build of a clone in another directory shares it (the clang
# build's precompiled headers hold the build directory's path: only a clone at the same path shares
# those). scripts/check_tidy.sh keeps clean results the same way. KUBEPROOF_CCACHE=0 turns both off.
launcher=(-DCMAKE_C_COMPILER_LAUNCHER= -DCMAKE_CXX_COMPILER_LAUNCHER=)  # off: a build dir forgets it
ccache_on=0
if [[ ${KUBEPROOF_CCACHE:-1} == 0 ]]; then
    export KUBEPROOF_TIDY_CACHE=${KUBEPROOF_TIDY_CACHE:-off}
elif command -v ccache >/dev/null; then
    ccache_on=1
    export CCACHE_DIR=${CCACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kubeproof-ccache}
    export CCACHE_BASEDIR=$PWD
    # Precompiled headers: their defines and timestamps are not in the preprocessed text (ccache's
    # manual, "Precompiled headers"); the header's own bytes still are in the key.
    export CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
    launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
    ccache --zero-stats >/dev/null
fi

# Both builds are configured at once: each runs curl's platform checks one compiler call at a time,
# so the two share the two cores (80 s for both, against 29 s + 61 s one after the other).
step "configure release and asan-ubsan"
mkdir -p build
configure() {
    if cmake --preset "$1" "${launcher[@]}" >"build/configure-$1.log" 2>&1; then
        printf '%s: %s\n' "$1" "$(tail -n 1 "build/configure-$1.log")"
    else
        cat "build/configure-$1.log" >&2
        return 1
    fi
}
configure release &
release_configure=$!
configure asan-ubsan &
asan_configure=$!
wait "$release_configure"
wait "$asan_configure"

for preset in release asan-ubsan; do
    step "build $preset"
    cmake --build --preset "$preset" -j2
    step "test $preset"
    ctest --preset "$preset" -j2
done

step "clang-tidy"
bash scripts/check_tidy.sh

# Each libFuzzer target over its seed corpus for 5 s (tests/fuzz/, scripts/fuzz.sh), from a fixed
# random seed: the same commit makes the same inputs, so a smoke run fails on what a change did,
# not on what one run's luck found (the long runs, with random seeds, are for finding).
step "fuzz smoke run"
KUBEPROOF_FUZZ_SEED=${KUBEPROOF_FUZZ_SEED:-1} bash scripts/fuzz.sh 5

if ((ccache_on)); then
    step "ccache"
    ccache --show-stats | grep -E '^ *(Hits|Misses):' || true
fi

binary=build/release/kubeproof
step "release binary"
file "$binary"
if ! file "$binary" | grep -q 'statically linked'; then
    printf 'test.sh: %s is not statically linked\n' "$binary" >&2
    exit 1
fi
printf 'test.sh: OK: format, layers, gcc release, clang asan-ubsan, clang-tidy and the fuzz smoke run passed in %ds (%s: %s bytes)\n' \
    "$((SECONDS - start))" "$binary" "$(stat -c %s "$binary")"
