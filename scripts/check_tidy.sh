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
tidy_flags=(-quiet --checks=-bugprone-suspicious-include)

# A unit that was clean before is not checked again while nothing clang-tidy reads has changed: its
# preprocessed text (every header it includes, with its comments, NOLINT among them, and its macro
# definitions; the clone's path taken out), its compile
# command, .clang-tidy, these flags and clang-tidy's version. Only clean results are kept, as an
# empty file named by that digest under KUBEPROOF_TIDY_CACHE (default ~/.cache/kubeproof-tidy;
# "off" checks every unit). A unit that cannot be preprocessed is simply checked, and so is every
# unit if the digests cannot be computed.
cache=${KUBEPROOF_TIDY_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubeproof-tidy}
todo=("${units[@]}")
if [[ $cache != off ]] && mkdir -p "$cache" &&
    python3 - "$commands/compile_commands.json" "$(pwd)" "$cache" "$("$tidy" --version)" \
        "${tidy_flags[*]}" >"$commands/todo" <<'PY'; then
import concurrent.futures, hashlib, json, os, shlex, subprocess, sys
entries, root, cache, version, flags = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
config = open(os.path.join(root, ".clang-tidy"), "rb").read()
def digest_of(entry):
    command, skip = [], False
    for word in shlex.split(entry["command"]):
        if skip:
            skip = False
        elif word in ("-o", "-MT", "-MF"):
            skip = True
        elif word not in ("-c", "-MD"):
            command.append(word)
    try:
        text = subprocess.run(command + ["-E", "-C", "-dD", "-o", "-"], cwd=entry["directory"], capture_output=True,
                              check=True, timeout=300).stdout
    except (subprocess.SubprocessError, OSError):
        return None
    digest = hashlib.sha256()
    for part in (version.encode(), flags.encode(), config, " ".join(command).replace(root, "@").encode(),
                 text.replace(root.encode(), b"@")):
        digest.update(len(part).to_bytes(8, "little") + part)
    return digest.hexdigest()
with concurrent.futures.ThreadPoolExecutor(os.cpu_count()) as pool:
    digests = list(pool.map(digest_of, entries))
for entry, digest in zip(entries, digests):
    if digest is None or not os.path.exists(os.path.join(cache, digest)):
        print(os.path.join(entry["directory"], entry["file"]) + ("\t" + digest if digest else ""))
PY
    mapfile -t todo <"$commands/todo"
fi
printf 'check_tidy: %d of %d compile units to check (the others were clean, and are unchanged)\n' \
    "${#todo[@]}" "${#units[@]}"
# One unit ("PATH" or "PATH<tab>DIGEST"): clang-tidy, and its digest recorded when it is clean.
check_unit() {
    local unit=${1%%$'\t'*} digest=
    [[ $1 == *$'\t'* ]] && digest=${1#*$'\t'}
    read -ra flags <<<"$tidy_flags_text"
    "$tidy" -p "$commands" "${flags[@]}" "$unit" || return 1
    if [[ -n $digest ]]; then : >"$cache/$digest"; fi
}
export -f check_unit
export tidy cache commands tidy_flags_text="${tidy_flags[*]}"
((${#todo[@]} == 0)) || printf '%s\0' "${todo[@]}" |
    xargs -0 -P "$(nproc)" -n 1 bash -c 'check_unit "$1"' _ \
        >/tmp/kubeproof-tidy.log 2>&1 || {
    grep -E 'warning:|error:' /tmp/kubeproof-tidy.log | sort -u >&2 || true
    printf 'check_tidy: clang-tidy found problems (full log: /tmp/kubeproof-tidy.log)\n' >&2
    exit 1
}
printf 'check_tidy: %d files clean, in %d compile units (%s)\n' "${#sources[@]}" "${#units[@]}" \
    "$("$tidy" --version | grep -m1 version)"
