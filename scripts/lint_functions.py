#!/usr/bin/env python3
"""lint_functions.py — no function over 70 lines without a reason, in every
folder of src/.

A function is a body opening with "{" in column 0 and closing with "}" in
column 0 (the project's layout); its length is the lines between them. A
longer one passes only if the comment just above its signature says why,
with the words "over 70 lines" (any case). Prints file:line: name (N lines) for each
offender and exits 1. Usage: lint_functions.py [repo root]
"""
import os
import re
import sys

def source_folders(root):
    src = os.path.join(root, "src")
    return tuple(sorted(f"src/{d}" for d in os.listdir(src) if os.path.isdir(os.path.join(src, d))))
LIMIT = 70


def functions(lines):
    start = None
    for i, line in enumerate(lines):
        if line.startswith("{") and start is None:
            sig = i - 1
            while sig > 0 and not re.match(r"^[A-Za-z_]", lines[sig]):
                sig -= 1
            start = (sig, i)
        elif line.startswith("}") and start is not None:
            yield start[0], i - start[1] - 1
            start = None


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
    bad = 0
    folders = source_folders(root)
    for folder in folders:
        d = os.path.join(root, folder)
        if not os.path.isdir(d):
            continue
        for name in sorted(os.listdir(d)):
            if not name.endswith(".c"):
                continue
            with open(os.path.join(d, name), encoding="utf-8", errors="replace") as f:
                lines = f.read().split("\n")
            for sig, length in functions(lines):
                if length <= LIMIT:
                    continue
                above = "\n".join(lines[max(0, sig - 6):sig])
                if "over 70 lines" in above.lower():
                    continue
                print(f"{folder}/{name}:{sig + 1}: {lines[sig].strip()[:60]} ({length} lines, no reason given)")
                bad += 1
    print(f"lint_functions: {bad} function(s) over {LIMIT} lines without a reason in {len(folders)} folders of src/")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
