#!/usr/bin/env python3
"""lint_layers.py — the include-layering check of `make lint`.

Reads every #include "..." line of src/*/*.[ch] and fails (exit 1, printing
each offending edge as file:line: from -> to) on an edge that breaks the
layering

    core -> log -> engine -> ledger -> domains -> api -> cli,  plus src/app/

where a file may include only folders to its LEFT (and its own folder and
include/szfin). Domains are every other folder under src/ (currency,
contract, credit, green, ...); a domain may include another domain's
published headers. src/app/ (the composition root) may include anything.
Exceptions, the adapters:
  - src/<domain>/http*.c may include api/   (the domain's HTTP routes)
  - src/<domain>/cli*.c  may include cli/ and api/ (the domain's szfin subcommands;
    the CLI sits above the API, so they may parse with the API's text codec)
And one extra rule: src/api/ and src/cli/ never include a domain.

Edges that other pieces of work are still removing may be listed in
scripts/lint_layers_pending.txt ("from-file -> included-path" per line,
# comments); they are reported as pending but do not fail the check. A
pending line that no longer matches any edge is reported as stale (remove
it). Usage: lint_layers.py [repo root]
"""
import os
import re
import sys

ORDER = ["core", "log", "engine", "ledger", "<domains>", "api", "cli", "app"]
PLATFORM = {"core", "log", "engine", "ledger", "api", "cli", "app"}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def layer(folder):
    return ORDER.index(folder if folder in PLATFORM else "<domains>")


def allowed(src_path, src_folder, target_folder):
    base = os.path.basename(src_path)
    if target_folder in (src_folder, "szfin"):
        return True
    if src_folder == "app":
        return True
    src_is_domain = src_folder not in PLATFORM
    target_is_domain = target_folder not in PLATFORM
    if src_folder in ("api", "cli") and target_is_domain:
        return False
    if src_is_domain and target_is_domain:
        return True
    if src_is_domain and target_folder == "api" and base.startswith("http") and base.endswith(".c"):
        return True
    if src_is_domain and target_folder in ("cli", "api") and base.startswith("cli") and base.endswith(".c"):
        return True  # the CLI sits above the API: its adapters may use the API's text codec
    return layer(target_folder) < layer(src_folder)


def edges(root):
    src = os.path.join(root, "src")
    for folder in sorted(os.listdir(src)):
        d = os.path.join(src, folder)
        if not os.path.isdir(d):
            continue
        for name in sorted(os.listdir(d)):
            if not name.endswith((".c", ".h")):
                continue
            path = os.path.join(d, name)
            with open(path, encoding="utf-8", errors="replace") as f:
                for number, line in enumerate(f, 1):
                    m = INCLUDE.match(line)
                    if not m:
                        continue
                    target = m.group(1)
                    target_folder = target.split("/")[0] if "/" in target else folder
                    yield f"src/{folder}/{name}", number, folder, target, target_folder


def load_pending(root):
    pending = set()
    path = os.path.join(root, "scripts", "lint_layers_pending.txt")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.split("#", 1)[0].strip()
                if line:
                    a, _, b = line.partition("->")
                    pending.add((a.strip(), b.strip()))
    return pending


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
    pending = load_pending(root)
    used = set()
    bad = []
    count = 0
    for path, number, folder, target, target_folder in edges(root):
        count += 1
        if allowed(path, folder, target_folder):
            continue
        if (path, target) in pending:
            used.add((path, target))
            print(f"pending: {path}:{number}: {folder} -> {target}")
            continue
        bad.append(f"{path}:{number}: {folder} -> {target}")
    for a, b in sorted(pending - used):
        print(f"stale pending entry (remove it from scripts/lint_layers_pending.txt): {a} -> {b}")
    for line in bad:
        print(f"layering: {line}")
    print(f"lint_layers: {count} include edges, {len(bad)} breaking the layering, {len(used)} pending")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
