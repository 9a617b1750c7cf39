#!/usr/bin/env python3
"""test_lint_layers.py — the include-layering check (scripts/lint_layers.py)
on a small made-up tree: every kind of edge it must refuse and every kind it
must allow, each decided by the rule in the script's header; then the real
tree, which must pass. Also the function-length rule of src/api, src/cli
and src/app (scripts/lint_functions.py) on both sides of 70 lines."""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from api_harness import Tap  # noqa: E402

ROOT = os.environ.get("SZFIN_ROOT", os.path.join(os.path.dirname(__file__), "..", ".."))
SCRIPT = os.path.join(ROOT, "scripts", "lint_layers.py")

FILES = {
    # allowed: left-pointing, own folder, include/szfin, adapters, app
    "src/ledger/ledger.c": ['"engine/state.h"', '"core/assert.h"', '"ledger.h"', '"szfin/szfin.h"'],
    "src/green/http.c": ['"api/api.h"', '"ledger/ledger.h"', '"currency/currency.h"'],
    "src/green/http_books.c": ['"api/schema.h"'],
    "src/green/cli.c": ['"cli/client.h"'],
    "src/api/router.c": ['"engine/engine.h"', '"api/api.h"'],
    "src/cli/serve.c": ['"api/api.h"'],
    "src/app/registry.c": ['"green/domain.h"', '"api/api.h"', '"cli/cli.h"'],
    # refused
    "src/log/wal.c": ['"engine/engine.h"'],             # log -> engine: right-pointing
    "src/engine/state.h": ['"ledger/ledger.h"'],         # engine -> ledger
    "src/green/apply.c": ['"api/api.h"'],                # only http*.c may include api/
    "src/green/domain.h": ['"cli/cli.h"'],               # only cli*.c may include cli/
    "src/api/accounts.c": ['"currency/currency.h"'],     # api never includes a domain
    "src/cli/green.c": ['"green/domain.h"'],             # nor does cli
    "src/ledger/ledger.h": ['"app/registry.h"'],         # nobody includes the composition root
}
REFUSED = {
    "src/log/wal.c:1: log -> engine/engine.h",
    "src/engine/state.h:1: engine -> ledger/ledger.h",
    "src/green/apply.c:1: green -> api/api.h",
    "src/green/domain.h:1: green -> cli/cli.h",
    "src/api/accounts.c:1: api -> currency/currency.h",
    "src/cli/green.c:1: cli -> green/domain.h",
    "src/ledger/ledger.h:1: ledger -> app/registry.h",
}

t = Tap()
with tempfile.TemporaryDirectory() as tree:
    for path, includes in FILES.items():
        full = os.path.join(tree, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w") as f:
            f.write("".join(f"#include {i}\n" for i in includes))
    os.makedirs(os.path.join(tree, "scripts"))
    p = subprocess.run([sys.executable, SCRIPT, tree], capture_output=True, text=True)
    printed = {line[len("layering: "):] for line in p.stdout.splitlines() if line.startswith("layering: ")}
    t.eq(p.returncode, 1, "a tree with upward edges fails")
    t.eq(printed, REFUSED, "exactly the breaking edges are printed, with file and line")
    # a pending entry silences its edge; a pending entry matching nothing is stale
    with open(os.path.join(tree, "scripts", "lint_layers_pending.txt"), "w") as f:
        f.write("# comment\n" + "".join(f"{e.split(':')[0]} -> {e.split(' -> ')[1]}\n" for e in REFUSED))
        f.write("src/core/nothing.c -> api/api.h\n")
    p = subprocess.run([sys.executable, SCRIPT, tree], capture_output=True, text=True)
    t.eq(p.returncode, 0, "every breaking edge listed as pending: passes")
    t.ok("stale pending entry" in p.stdout and "src/core/nothing.c" in p.stdout, "a stale pending entry is reported")

FUNCTIONS = os.path.join(ROOT, "scripts", "lint_functions.py")


def body(n):
    return "int f(void)\n{\n" + "\tx++;\n" * n + "}\n"


for lines, reason, want, name in [(70, "", 0, "a 70-line function passes"),
                                  (71, "", 1, "a 71-line function fails"),
                                  (71, "/* One table walk: over 70 lines because it is one switch. */\n", 0,
                                   "a 71-line function with its reason passes")]:
    with tempfile.TemporaryDirectory() as tree:
        os.makedirs(os.path.join(tree, "src", "api"))
        with open(os.path.join(tree, "src", "api", "f.c"), "w") as f:
            f.write(reason + body(lines))
        p = subprocess.run([sys.executable, FUNCTIONS, tree], capture_output=True, text=True)
        t.eq(p.returncode, want, name)

p = subprocess.run([sys.executable, FUNCTIONS, ROOT], capture_output=True, text=True)
t.ok(p.returncode == 0, "every folder of src/ keeps the function-length rule", p.stdout[-2000:])
p = subprocess.run([sys.executable, SCRIPT, ROOT], capture_output=True, text=True)
t.ok(p.returncode == 0, "the real tree passes the layering check", p.stdout[-2000:])
t.done()
