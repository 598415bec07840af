#!/usr/bin/env bash
# Fails when a tracked C or C++ file differs from what clang-format makes of it with the
# project's .clang-format. Fix with: git ls-files '*.cpp' '*.hpp' '*.c' '*.h' | xargs clang-format -i
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
formatter=${CLANG_FORMAT:-clang-format}
mapfile -t files < <(git ls-files '*.cpp' '*.hpp' '*.c' '*.h')
if ! "$formatter" --dry-run --Werror "${files[@]}"; then
    printf 'check_format: the files above differ from .clang-format (%s); run clang-format -i on them\n' \
        "$("$formatter" --version)" >&2
    exit 1
fi
printf 'check_format: %d files match .clang-format\n' "${#files[@]}"
