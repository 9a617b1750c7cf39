#!/usr/bin/env python3
"""test_load_count.py — `szfin load --batch` counts a transfer only when its
own result in the binary answer was ok, against a real server.

With --refuse-every N, the transfer at index i of each batch names one
account on both sides when i % N == N - 1, which the ledger refuses
(accounts_same). Hand derivation for --batch 10 --refuse-every 4: indices
3 and 7 of each batch are refused, so per batch 2 refused and 8 ok; for a
batch of 7 with --refuse-every 7: index 6 only, so 1 refused and 6 ok. The
ledger's own transfer count (GET /v1/status) must grow by exactly the
reported ok count."""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from api_harness import BIN, Server, Tap  # noqa: E402

t = Tap()
s = Server().start()


def load(*args):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SZFIN_")}
    env["SZFIN_URL"] = f"http://127.0.0.1:{s.port}"
    env["SZFIN_TOKEN_FILE"] = os.path.join(s.data_dir, "admin.token")
    p = subprocess.run([BIN, "load", "--seconds", "1", "--concurrency", "1", "--accounts", "50", "--json", "--yes"]
                       + list(args), capture_output=True, text=True, env=env, timeout=120,
                       cwd=tempfile.gettempdir())
    try:
        return p.returncode, json.loads(p.stdout), p.stderr
    except ValueError:
        return p.returncode, None, p.stdout + p.stderr


def ledger_transfers(admin):
    code, doc = s.get("/v1/status", token=admin)
    return doc.get("transfers") if code == 200 and isinstance(doc, dict) else None


try:
    admin = s.read_admin_token()
    for batch, every, refused_per_batch in ((10, 4, 2), (7, 7, 1), (10, None, 0)):
        before = ledger_transfers(admin)
        extra = ["--refuse-every", str(every)] if every else []
        rc, doc, err = load("--batch", str(batch), *extra)
        label = f"batch {batch}, refuse every {every}"
        t.ok(rc == 0 and doc is not None and doc["requests"] > 0, f"load runs ({label})", err)
        if doc is None:
            continue
        n = doc["requests"]
        t.eq(doc["refused"], n * refused_per_batch, f"refused transfers counted ({label})")
        t.eq(doc["transfers"], n * (batch - refused_per_batch), f"only ok transfers counted ({label})")
        after = ledger_transfers(admin)
        if before is not None and after is not None:
            t.eq(after - before, doc["transfers"], f"the ledger holds exactly the counted transfers ({label})")
        else:
            t.ok(False, f"status reports a transfer count ({label})", str((before, after)))
    rc, doc, err = load("--refuse-every", "3")
    t.ok(rc == 2 and "--refuse-every needs --batch" in err, "--refuse-every without --batch is refused", err)
finally:
    s.stop()
    s.cleanup()
t.done()
