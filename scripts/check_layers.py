#!/usr/bin/env python3
"""Checks the include graph against the folder rules of ARCHITECTURE.md.

ARCHITECTURE.md holds a fenced ```layers block: one line per folder, `folder: what it may include`.
Every `#include "<folder>/..."` in lib/<folder>/ and cli/ must be allowed there, and every folder of
lib/ must have a line, and every allowed edge must be used, so that the table is the graph. Exits 1
naming each edge that is not allowed (file:line), each allowed edge nothing uses and each folder the
table does not know; 0 when the graph matches.

Two rules of ARCHITECTURE.md are checked with it: only lib/k8s/ and lib/delivery/ include curl, and
a file that parses JSON with nlohmann (parse, sax_parse) limits its nesting (util/json_depth.hpp:
json_nesting_past before a DOM parse, k_max_json_depth in a SAX handler), since copying or printing
a value nested a million levels deep overflows the stack.
"""

import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z0-9_]+)/[^"]+"')
CURL = re.compile(r'^\s*#\s*include\s+<curl/')
CURL_FOLDERS = {"k8s", "delivery"}  # ARCHITECTURE.md: nothing else includes curl
JSON_PARSE = re.compile(r"\b(?:json|Json|ordered_json)::(?:parse|sax_parse)\(")
JSON_DEPTH = re.compile(r"\b(?:json_nesting_past|k_max_json_depth)\b")


def unguarded_json_parses(path):
    """file:line of each nlohmann JSON parse in a file that never limits the nesting."""
    found = []
    for directory, _, files in os.walk(path):
        for name in sorted(files):
            if not name.endswith(".cpp"):
                continue
            file = os.path.join(directory, name)
            with open(file, encoding="utf-8") as f:
                text = f.read()
            if JSON_DEPTH.search(text):
                continue
            found += [(file, number) for number, line in enumerate(text.splitlines(), 1) if JSON_PARSE.search(line)]
    return found


def rules(text):
    block = re.search(r"```layers\n(.*?)```", text, re.S)
    if not block:
        raise SystemExit("check_layers: ARCHITECTURE.md has no ```layers block")
    allowed = {}
    for number, line in enumerate(block.group(1).splitlines(), 1):
        if not line.strip():
            continue
        folder, _, deps = line.partition(":")
        if not _:
            raise SystemExit(f"check_layers: ARCHITECTURE.md layers line {number}: expected 'folder: deps', got {line!r}")
        allowed[folder.strip()] = set(deps.split())
    return allowed


def includes(root, folder_path):
    for directory, _, files in os.walk(folder_path):
        for name in sorted(files):
            if not name.endswith((".cpp", ".hpp", ".h", ".c")):
                continue
            path = os.path.join(directory, name)
            with open(path, encoding="utf-8") as f:
                for number, line in enumerate(f, 1):
                    if CURL.match(line):
                        yield os.path.relpath(path, root), number, "<curl>"
                        continue
                    found = INCLUDE.match(line)
                    if found:
                        yield os.path.relpath(path, root), number, found.group(1)


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with open(os.path.join(root, "ARCHITECTURE.md"), encoding="utf-8") as f:
        allowed = rules(f.read())
    folders = {name: os.path.join(root, "lib", name) for name in sorted(os.listdir(os.path.join(root, "lib")))
               if os.path.isdir(os.path.join(root, "lib", name))}
    folders["cli"] = os.path.join(root, "cli")
    problems, used = [], set()
    for folder in folders:
        if folder not in allowed:
            problems.append(f"lib/{folder}/: a folder ARCHITECTURE.md's layers table does not know; add its line")
    for folder, path in folders.items():
        for file, number, target in includes(root, path):
            if target == "<curl>":
                if folder not in CURL_FOLDERS:
                    problems.append(f"{file}:{number}: {folder} includes curl, which only "
                                    f"{' and '.join(sorted(CURL_FOLDERS))} may")
                continue
            if target == folder:
                continue
            used.add((folder, target))
            if target not in allowed.get(folder, set()):
                problems.append(f"{file}:{number}: {folder} includes {target}/, which ARCHITECTURE.md does not allow")
    for folder, path in folders.items():
        for file, number in unguarded_json_parses(path):
            problems.append(f"{os.path.relpath(file, root)}:{number}: parses JSON without limiting its nesting "
                            "(util/json_depth.hpp)")
    unused = sorted((f, t) for f, deps in allowed.items() for t in deps if (f, t) not in used and f in folders)
    problems += [f"ARCHITECTURE.md allows {f} -> {t}, but no file of {f} includes {t}/: remove it from the table"
                 for f, t in unused]
    for problem in problems:
        print(f"check_layers: {problem}", file=sys.stderr)
    if problems:
        return 1
    print(f"check_layers: {len(used)} folder edges, exactly those ARCHITECTURE.md allows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
