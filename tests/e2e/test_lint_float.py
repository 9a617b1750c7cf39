#!/usr/bin/env python3
"""test_lint_float.py — scripts/lint-float.sh finds floating point in an
apply path and only there: it runs the script on small source trees written
here and on the repository itself. Python 3 standard library only."""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from api_harness import ROOT, Tap  # noqa: E402

SCRIPT = os.path.join(ROOT, "scripts", "lint-float.sh")


def lint(files):
    """Runs the script on a tree of {path: text}; returns (status, output)."""
    with tempfile.TemporaryDirectory(prefix="szfin-lint-") as root:
        for path, text in files.items():
            full = os.path.join(root, path)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "w") as f:
                f.write(text)
        p = subprocess.run(["bash", SCRIPT, root], capture_output=True, text=True)
        return p.returncode, p.stdout + p.stderr


CLEAN = "/* apply.c: money in fen; never double. */\nint f(int x) { return x * 2; } /* log(x) */\n"
t = Tap()
st, out = lint({"src/credit/apply.c": CLEAN, "src/engine/engine.c": 'const char *s = "double 1.5";\n'})
t.ok(st == 0, "words in comments and strings are not code", out)
cases = [
    ("src/credit/apply.c", "double score;\n", "double"),
    ("src/green/domain.h", "struct x { float f; };\n", "float"),
    ("src/ledger/ledger.c", "#include <math.h>\n", "<math.h>"),
    ("src/engine/state.c", "long y = lround(x);\n", "lround()"),
    ("src/log/wal.c", "int r = (int)(x * 1.5);\n", "constant 1.5"),
    ("src/credit/features.c", "long y = (long)1e9;\n", "constant 1e9"),
    ("src/currency/wallet.c", "v = exp (x);\n", "exp()"),
    ("src/core/clock.c", "double t;\n", "double"),
]
for path, text, why in cases:
    st, out = lint({path: text})
    t.ok(st == 1 and f"{path}:1: {why}" in out, f"{why} in {path} fails the lint", out)
st, out = lint({"src/credit/http_models.c": "double x = 1.5;\n", "src/credit/cli.c": "double y;\n",
                "src/credit/http_internal.h": "double h;\n",
                "src/green/routes.c": "float z;\n", "src/api/json.c": "double j;\n", "src/cli/main.c": "double m;\n",
                "src/credit/train.c": "/*\n * train.c — training.\n *\n * lint-float: offline — training runs in the CLI.\n */\ndouble w;\n"})
t.ok(st == 0, "adapters, api/, cli/ and files marked offline are not apply paths", out)
st, out = lint({"src/credit/train.c": "/* train.c */\n" + "\n" * 45 + "/* lint-float: offline */\ndouble w;\n"})
t.ok(st == 1, "the marker counts only in a file's opening comment (first 40 lines)", out)
p = subprocess.run(["bash", SCRIPT], capture_output=True, text=True)
t.ok(p.returncode == 0, "the repository's apply paths have no floating point", p.stdout + p.stderr)
t.done()
