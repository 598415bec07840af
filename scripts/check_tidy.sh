#!/usr/bin/env bash
# Runs clang-tidy with the project's .clang-tidy (a focused set, every warning an error) over every
# source file of lib/ and cli/, using the compile commands of the clang build (the asan-ubsan
# preset). That build compiles in unity batches, whose compile commands name the batches, not the
# files: by default this configures build/tidy from the same preset file by file (configure only,
# nothing is built) and reads its commands. A build directory given as argument is used as it is.
# Exits non-zero on any warning.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
build=${1:-}
if [[ -z "$build" ]]; then
    build=build/tidy
    mkdir -p build
    cmake --preset asan-ubsan -B "$build" -DKUBEPROOF_UNITY=OFF -DKUBEPROOF_PCH=OFF >"$build.configure.log" 2>&1 || {
        cat "$build.configure.log" >&2
        exit 2
    }
fi
if [[ ! -f "$build/compile_commands.json" ]]; then
    printf 'check_tidy: %s/compile_commands.json is missing: configure that build first\n' "$build" >&2
    exit 2
fi
# The build may use precompiled headers (KUBEPROOF_PCH): clang-tidy then walks every declaration
# of the standard library and nlohmann/json deserialized from the PCH, which makes it slower, not
# faster. It gets the same compile commands without the PCH flags.
commands=$(mktemp -d)
trap 'rm -rf "$commands"' EXIT
python3 - "$build/compile_commands.json" "$commands/compile_commands.json" <<'PY'
import json, re, sys
entries = json.load(open(sys.argv[1]))
pch = re.compile(r" -Xclang -include-pch -Xclang \S+| -Xclang -include -Xclang \S+| -Winvalid-pch")
for entry in entries:
    entry["command"] = pch.sub("", entry["command"])
json.dump(entries, open(sys.argv[2], "w"))
PY
runner=$(command -v run-clang-tidy-14 || command -v run-clang-tidy)
mapfile -t sources < <(git ls-files 'lib/*.cpp' 'cli/*.cpp')
# run-clang-tidy takes regular expressions: anchor each file's absolute path.
patterns=()
for file in "${sources[@]}"; do patterns+=("^$(pwd)/${file//./\\.}\$"); done
"$runner" -quiet -p "$commands" -j "$(nproc)" "${patterns[@]}" >/tmp/kubeproof-tidy.log 2>&1 || {
    grep -E 'warning:|error:' /tmp/kubeproof-tidy.log | sort -u >&2 || true
    printf 'check_tidy: clang-tidy found problems (full log: /tmp/kubeproof-tidy.log)\n' >&2
    exit 1
}
printf 'check_tidy: %d files clean (%s)\n' "${#sources[@]}" "$(clang-tidy --version | grep -m1 version)"
