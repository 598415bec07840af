#!/usr/bin/env bash
# Installs kubeproof's build dependencies on Debian 12 and fetches Debian's curl source into .deps/.
# Idempotent: skips apt when every package is installed and the fetch when .deps/curl-* exists.
# Never modifies /etc/apt: the curl source comes through a private deb-src list under .deps/.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo_root=$(pwd)

packages=(build-essential cmake ninja-build libssl-dev libc-ares-dev libyaml-cpp-dev libyaml-dev libre2-dev libfmt-dev
          nlohmann-json3-dev rapidjson-dev libcereal-dev libjemalloc-dev libcli11-dev doctest-dev libvalijson-dev libsqlite3-dev dpkg-dev python3 openssl etcd-server
          hyperfine file python3-yaml python3-jsonschema python3-regex chromium poppler-utils
          prometheus prometheus-node-exporter nodejs
          umoci skopeo zsh man-db groff-base
          clang clang-format clang-tidy clang-tools libclang-rt-14-dev ccache)

log() { printf 'setup: %s\n' "$*"; }

missing_packages() {
    local pkg
    for pkg in "${packages[@]}"; do
        if [[ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)" != "install ok installed" ]]; then
            printf '%s\n' "$pkg"
        fi
    done
}

as_root() {
    if [[ $(id -u) -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null; then
        sudo "$@"
    else
        log "need root for: $*" >&2
        exit 1
    fi
}

# Another apt/dpkg (e.g. a background install) may hold the lock: wait for it, then retry a few times.
wait_for_dpkg_lock() {
    local waited=0
    while fuser /var/lib/dpkg/lock-frontend /var/lib/dpkg/lock /var/lib/apt/lists/lock \
            >/dev/null 2>&1; do
        if ((waited % 30 == 0)); then log "waiting for another apt/dpkg to release its lock..."; fi
        sleep 2
        waited=$((waited + 2))
        if ((waited > 1800)); then
            log "gave up waiting for the dpkg lock after ${waited}s" >&2
            return 1
        fi
    done
}

apt_retry() {
    local attempt
    for attempt in 1 2 3 4 5; do
        wait_for_dpkg_lock
        if as_root env DEBIAN_FRONTEND=noninteractive apt-get "$@"; then return 0; fi
        log "apt-get $1 failed (attempt $attempt); retrying in 10s"
        sleep 10
    done
    return 1
}

install_packages() {
    local missing
    mapfile -t missing < <(missing_packages)
    if ((${#missing[@]} == 0)); then
        log "all ${#packages[@]} apt packages already installed; skipping apt"
        return
    fi
    log "missing packages: ${missing[*]}"
    log "apt-get update"
    apt_retry update -q
    log "apt-get install ${packages[*]}"
    apt_retry install -y -q --no-install-recommends "${packages[@]}"
    mapfile -t missing < <(missing_packages)
    if ((${#missing[@]} != 0)); then
        log "still missing after install: ${missing[*]}" >&2
        exit 1
    fi
}

# Writes a deb-src copy of the machine's apt sources into $1 (src.list and parts/).
write_private_sources() {
    local srcapt=$1 f
    mkdir -p "$srcapt/lists/partial" "$srcapt/parts" "$srcapt/cache/archives/partial"
    rm -f "$srcapt"/parts/*.sources
    : >"$srcapt/src.list"
    for f in /etc/apt/sources.list.d/*.sources; do
        [[ -e "$f" ]] || continue
        sed -E 's/^Types:[[:space:]]*deb([[:space:]]|$)/Types: deb-src\1/' "$f" \
            >"$srcapt/parts/$(basename "$f")"
    done
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [[ -e "$f" ]] || continue
        sed -nE 's/^[[:space:]]*deb([[:space:]])/deb-src\1/p' "$f" >>"$srcapt/src.list"
    done
    if ! grep -qs 'deb-src' "$srcapt/src.list" "$srcapt"/parts/*.sources; then
        log "no apt sources found under /etc/apt to derive a deb-src list from" >&2
        exit 1
    fi
}

fetch_curl_source() {
    local deps="$repo_root/.deps" existing
    existing=$(compgen -G "$deps/curl-*/CMakeLists.txt" | head -n1 || true)
    if [[ -n "$existing" ]]; then
        log "curl source present at ${existing%/CMakeLists.txt}; skipping fetch"
        return
    fi
    mkdir -p "$deps"
    local srcapt="$deps/apt"
    write_private_sources "$srcapt"
    # Dir::Cache is private too so the system's package cache is never rewritten from these lists.
    local O=(-o "Dir::Etc::SourceList=$srcapt/src.list" -o "Dir::Etc::SourceParts=$srcapt/parts"
             -o "Dir::State::Lists=$srcapt/lists" -o "Dir::Cache=$srcapt/cache")
    log "fetching Debian's curl source into .deps/ (private deb-src list in .deps/apt)"
    (
        cd "$deps"
        local attempt
        for attempt in 1 2 3; do
            if apt-get -q "${O[@]}" update && apt-get -q "${O[@]}" source curl; then exit 0; fi
            log "curl source fetch failed (attempt $attempt); retrying in 10s"
            rm -rf "$deps"/curl-*/
            sleep 10
        done
        exit 1
    )
    existing=$(compgen -G "$deps/curl-*/CMakeLists.txt" | head -n1 || true)
    if [[ -z "$existing" ]]; then
        log "apt-get source curl finished but no .deps/curl-*/CMakeLists.txt exists" >&2
        exit 1
    fi
    log "curl source ready at ${existing%/CMakeLists.txt}"
}

# The e2e tests' npm tools (tests/e2e/package.json, versions pinned in package-lock.json: s3rver for
# the Upload class) into tests/e2e/node_modules (git-ignored); skipped when the lock file is unchanged.
install_npm_tools() {
    local dir="$repo_root/tests/e2e"
    if cmp -s "$dir/package-lock.json" "$dir/node_modules/.kubeproof-package-lock.json"; then
        log "npm tools up to date in tests/e2e/node_modules; skipping npm ci"
        return
    fi
    # Debian's nodejs has no npm (its own package); a nodejs that bundles npm conflicts with that one.
    if ! command -v npm >/dev/null; then
        log "apt-get install npm"
        apt_retry install -y -q --no-install-recommends npm
    fi
    log "npm ci in tests/e2e (s3rver)"
    (cd "$dir" && npm ci --no-audit --no-fund --ignore-scripts)
    cp "$dir/package-lock.json" "$dir/node_modules/.kubeproof-package-lock.json"
}

install_packages
fetch_curl_source
install_npm_tools
log "done"
