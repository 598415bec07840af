#!/usr/bin/env bash
# Builds kubeproof's packages from a built release tree into build/packages/ (git-ignored):
#   kubeproof_<version>_amd64.deb   by CPack: /usr/bin/kubeproof, bash and zsh completion, the man
#                                   page, the licence; no Depends (the binary is static)
#   oci/  (tag <version>)           an OCI image layout, FROM scratch: the binary at /usr/bin/kubeproof
#                                   and /etc/passwd, /etc/group naming user 65532; nothing else
#
#   bash scripts/package.sh [--build-dir build/release] [--out build/packages]
#
# Reproducible: every time stamp is SOURCE_DATE_EPOCH (default: the commit's date), so the same
# commit gives the same .deb and the same image digest. Needs cpack, dpkg-deb (dpkg-dev), umoci and
# skopeo (scripts/setup.sh installs them); builds nothing itself: run the release build first.
# Publish the image with e.g. `skopeo copy oci:build/packages/oci:0.1.0 docker://ghcr.io/kubeproof/kubeproof:0.1.0`.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
build_dir=build/release
out=build/packages
while (($#)); do
    case $1 in
        --build-dir) build_dir=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        *) printf 'package.sh: unknown argument %s\n' "$1" >&2; exit 2 ;;
    esac
done

log() { printf 'package: %s\n' "$*"; }
fail() { printf 'package.sh: %s\n' "$*" >&2; exit 1; }

for tool in cpack dpkg-deb umoci skopeo; do
    command -v "$tool" >/dev/null || fail "$tool is not installed (scripts/setup.sh installs it)"
done
binary=$build_dir/kubeproof
[[ -x $binary && -f $build_dir/CPackConfig.cmake ]] || fail "no built tree in $build_dir: build the release preset first"
# The package and the image promise "nothing else needed": only a static binary keeps that.
if ! file -b "$binary" | grep -q 'statically linked'; then
    fail "$binary is not statically linked (package the release preset's binary)"
fi

if [[ -z ${SOURCE_DATE_EPOCH:-} ]]; then
    SOURCE_DATE_EPOCH=$(git log -1 --format=%ct 2>/dev/null || echo 0)
fi
export SOURCE_DATE_EPOCH
created=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)
field() { "$binary" version --format json | python3 -c "import json, sys; print(json.load(sys.stdin)['$1'])"; }
version=$(field version)
commit=$(field commit)
mkdir -p "$out"
out=$(cd "$out" && pwd)

# The .deb: cpack runs the install rules (cmake/Packaging.cmake) into a staging tree.
log "deb (cpack) into $out"
rm -rf "$out/_CPack_Packages" "$out"/kubeproof_*.deb
cpack --config "$build_dir/CPackConfig.cmake" -B "$out" >/dev/null
rm -rf "$out/_CPack_Packages"
deb=$(ls "$out"/kubeproof_"$version"_*.deb)
log "$deb"

# The image: an empty image, unpacked, the files copied in with their owners and modes, packed as
# one layer, then its configuration (user, entrypoint, labels, dates).
image=$out/oci
bundle=$(mktemp -d "$out/bundle.XXXXXX")
trap 'rm -rf "$bundle"' EXIT
log "image (umoci) $image:$version"
rm -rf "$image"
umoci init --layout "$image"
umoci new --image "$image:$version"
umoci unpack --image "$image:$version" "$bundle/b" >/dev/null
rootfs=$bundle/b/rootfs
install -d -m 0755 -o 0 -g 0 "$rootfs/usr" "$rootfs/usr/bin" "$rootfs/etc"
install -m 0755 -o 0 -g 0 "$binary" "$rootfs/usr/bin/kubeproof"
printf 'kubeproof:x:65532:65532:kubeproof:/nonexistent:/sbin/nologin\n' >"$rootfs/etc/passwd"
printf 'kubeproof:x:65532:\n' >"$rootfs/etc/group"
chown 0:0 "$rootfs/etc/passwd" "$rootfs/etc/group"
chmod 0644 "$rootfs/etc/passwd" "$rootfs/etc/group"
find "$rootfs" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
umoci repack --image "$image:$version" --history.created "$created" \
    --history.created_by "scripts/package.sh" "$bundle/b"
umoci config --image "$image:$version" --created "$created" --history.created "$created" \
    --history.created_by "scripts/package.sh: user, entrypoint, labels" \
    --config.user 65532:65532 --config.entrypoint /usr/bin/kubeproof --config.workingdir / \
    --config.label "org.opencontainers.image.title=kubeproof" \
    --config.label "org.opencontainers.image.version=$version" \
    --config.label "org.opencontainers.image.revision=$commit" \
    --config.label "org.opencontainers.image.source=https://github.com/kubeproof/kubeproof" \
    --config.label "org.opencontainers.image.created=$created"
umoci gc --layout "$image"
skopeo inspect "oci:$image:$version" | sed -n 's/^ *"Digest": "\(.*\)",$/package: image digest \1/p'
