#!/usr/bin/env bash
# Runs clang-tidy with the project's .clang-tidy (a focused set, every warning an error) over every
# source file of lib/ and cli/, using the compile commands of the clang build (the asan-ubsan
# preset, build/asan-ubsan, or the build directory given as argument). Exits non-zero on any
# warning.
#
# That build compiles in unity batches (KUBEPROOF_UNITY): clang-tidy reads each batch, which
# includes its .cpp files, so the standard library and nlohmann/json headers a file includes are
# parsed and walked by the checks once per batch rather than once per file, about a third of the
# work. The included files are still checked line by line (HeaderFilterRegex covers lib/ and cli/);
# only bugprone-suspicious-include is off, since including .cpp files is what a batch does. The
# script checks that every source file of lib/ and cli/ is in some batch or compiled alone.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
build=${1:-build/asan-ubsan}
if [[ ! -f "$build/compile_commands.json" ]]; then
    cmake --preset asan-ubsan -B "$build" >"$build.configure.log" 2>&1 || {
        cat "$build.configure.log" >&2
        exit 2
    }
fi
# The build may use precompiled headers (KUBEPROOF_PCH): clang-tidy then walks every declaration
# of the standard library and nlohmann/json deserialized from the PCH, which makes it slower, not
# faster. It gets the same compile commands without the PCH flags.
commands=$(mktemp -d)
trap 'rm -rf "$commands"' EXIT
mapfile -t sources < <(git ls-files 'lib/*.cpp' 'cli/*.cpp')
python3 - "$build/compile_commands.json" "$commands" "$(pwd)" "${sources[@]}" <<'PY'
import json, os, re, sys
entries = json.load(open(sys.argv[1]))
out, root, sources = sys.argv[2], sys.argv[3], {os.path.join(sys.argv[3], s) for s in sys.argv[4:]}
pch = re.compile(r" -Xclang -include-pch -Xclang \S+| -Xclang -include -Xclang \S+| -Winvalid-pch")
include = re.compile(r'^#include "([^"]+)"', re.M)
kept, covered = [], set()
for entry in entries:
    path = os.path.join(entry["directory"], entry["file"])
    files = [path]
    if "/Unity/unity_" in path:  # a batch: the files it includes
        files = include.findall(open(path).read())
    mine = [f for f in files if f in sources]
    if not mine:
        continue
    covered.update(mine)
    entry["command"] = pch.sub("", entry["command"])
    kept.append((len(mine), entry))
missing = sorted(sources - covered)
if missing:
    sys.exit("check_tidy: not in the compile commands: " + ", ".join(os.path.relpath(f, root) for f in missing))
kept.sort(key=lambda k: -k[0])  # the largest batches first, so that the jobs end together
json.dump([entry for _, entry in kept], open(os.path.join(out, "compile_commands.json"), "w"))
with open(os.path.join(out, "units"), "w") as units:
    for _, entry in kept:
        units.write(os.path.join(entry["directory"], entry["file"]) + "\n")
PY
mapfile -t units <"$commands/units"
tidy=$(command -v clang-tidy-14 || command -v clang-tidy)
printf '%s\n' "${units[@]}" |
    xargs -P "$(nproc)" -n 1 "$tidy" -quiet -p "$commands" --checks=-bugprone-suspicious-include \
        >/tmp/kubeproof-tidy.log 2>&1 || {
    grep -E 'warning:|error:' /tmp/kubeproof-tidy.log | sort -u >&2 || true
    printf 'check_tidy: clang-tidy found problems (full log: /tmp/kubeproof-tidy.log)\n' >&2
    exit 1
}
printf 'check_tidy: %d files clean, in %d compile units (%s)\n' "${#sources[@]}" "${#units[@]}" \
    "$("$tidy" --version | grep -m1 version)"
