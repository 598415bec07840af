#!/usr/bin/env bash
# Builds the fuzz targets of the asan-ubsan preset (clang, libFuzzer + ASan + UBSan; tests/fuzz;
# the same build as the sanitized tests, so after scripts/test.sh's build this builds nothing) and
# runs each fuzz target over its seed corpus for SECONDS (default 10) with -max_total_time, as many
# targets at a time as there are cores (KUBEPROOF_FUZZ_JOBS=N to choose; 1 for long runs on a
# shared machine).
# Fails (non-zero) on any crash, leak, timeout or out-of-memory; prints the executions per target.
# KUBEPROOF_FUZZ_SEED=N fixes libFuzzer's random seed (scripts/test.sh does, for CI's smoke run).
#   bash scripts/fuzz.sh [SECONDS] [TARGET...]      TARGET: loader kubeconfig manifests cmdline
#                                                   document facts_snapshot report json_stream
#                                                   (default: all)
# The seeds in tests/fuzz/corpus/<target>/ are only read: what a run adds goes to
# build/asan-ubsan/fuzz/corpus/<target>/, and a crashing input to
# build/asan-ubsan/fuzz/artifacts/<target>/ (add it to the seeds with the fix). KUBEPROOF_FUZZ_LOCK=FILE builds under `flock FILE` (a shared machine);
# KUBEPROOF_FUZZ_BUILD=0 runs the targets already built.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

seconds=${1:-10}
shift || true
targets=("$@")
if ((${#targets[@]} == 0)); then
    targets=(loader kubeconfig manifests cmdline document facts_snapshot report json_stream)
fi

build() {
    cmake --preset asan-ubsan >/dev/null && cmake --build --preset asan-ubsan -j2 --target kubeproof_fuzzers
}
if [[ ${KUBEPROOF_FUZZ_BUILD:-1} == 0 ]]; then
    :
elif [[ -n ${KUBEPROOF_FUZZ_LOCK:-} ]]; then
    export -f build
    flock "$KUBEPROOF_FUZZ_LOCK" bash -c build
else
    build
fi

# Leaks are failures; a UBSan finding stops the run (the libraries build with
# -fno-sanitize-recover=all), with its stack.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# Runs one target; its exit status goes to LOG.status.
run_target() {
    local target=$1 status=0
    local binary=build/asan-ubsan/tests/fuzz/fuzz_$target
    local work=build/asan-ubsan/fuzz/corpus/$target
    local artifacts=build/asan-ubsan/fuzz/artifacts/$target/
    local log=build/asan-ubsan/fuzz/fuzz_$target.log
    mkdir -p "$work" "$artifacts"
    # -timeout: one input taking 10 s is a hang; -rss_limit_mb: the default 2 GB, stated.
    # KUBEPROOF_FUZZ_SEED=N: libFuzzer's -seed (CI's smoke run fixes it); else a random one.
    "$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        ${KUBEPROOF_FUZZ_SEED:+-seed="$KUBEPROOF_FUZZ_SEED"} \
        -artifact_prefix="$artifacts" "$work" "tests/fuzz/corpus/$target" >"$log" 2>&1 || status=$?
    echo "$status" >"$log.status"
}

# KUBEPROOF_FUZZ_JOBS targets at a time (default: one per core), each a single process.
jobs=${KUBEPROOF_FUZZ_JOBS:-$(nproc)}
for ((i = 0; i < ${#targets[@]}; i += jobs)); do
    for target in "${targets[@]:i:jobs}"; do
        printf '=== fuzz_%s for %ss\n' "$target" "$seconds"
        run_target "$target" &
    done
    wait
done

summary=()
failed=0
for target in "${targets[@]}"; do
    log=build/asan-ubsan/fuzz/fuzz_$target.log
    status=$(cat "$log.status" 2>/dev/null || echo 1)
    executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    per_second=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    corpus=$(find "build/asan-ubsan/fuzz/corpus/$target" "tests/fuzz/corpus/$target" -type f | wc -l)
    if ((status != 0)); then
        failed=1
        tail -n 60 "$log"
        summary+=("$(printf '%-16s FAILED (exit %d): see %s and %s' "$target" "$status" "$log" \
            "build/asan-ubsan/fuzz/artifacts/$target/")")
    else
        summary+=("$(printf '%-16s %10s executions %8s/s  corpus %5d inputs' "$target" \
            "${executions:-?}" "${per_second:-?}" "$corpus")")
    fi
done

printf '\nfuzz.sh: %ss per target\n' "$seconds"
printf '%s\n' "${summary[@]}"
if ((failed)); then
    printf 'fuzz.sh: FAILED: a target crashed, leaked or timed out\n' >&2
    exit 1
fi
