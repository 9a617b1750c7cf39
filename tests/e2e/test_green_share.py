#!/usr/bin/env python3
"""test_green_share.py — a server started from another working directory,
with no SZFIN_ROOT or SZFIN_GREEN_DIR, finds the green factor sets in
share/green beside its binary (as web/ is found) and logs the directory it
used (issue 14: it silently had none, which changed command outcomes and
then failed verify --replay forever). The expected sets are the files in the
repository's share/green/factors."""
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from api_harness import ROOT, Server, Tap  # noqa: E402

for name in ("SZFIN_ROOT", "SZFIN_GREEN_DIR"):
    os.environ.pop(name, None)
elsewhere = tempfile.mkdtemp(prefix="szfin-elsewhere-")
os.chdir(elsewhere)
t = Tap()
s = Server().start()
try:
    want = sorted(f[:-4] for f in os.listdir(os.path.join(ROOT, "share", "green", "factors")) if f.endswith(".csv"))
    st, doc = s.get("/v1/green/factors", s.admin)
    got = sorted(x.get("version") for x in (doc or {}).get("loaded", []))
    t.eq((st, got), (200, want), "factor sets found beside the binary from another working directory")
    share = os.path.realpath(os.path.join(ROOT, "share", "green"))
    t.ok(f"green: environment (factor sets, regions, taxonomy) from {share}" in s.log_tail(200),
         "the directory used is logged", s.log_tail())
finally:
    s.cleanup()
    os.rmdir(elsewhere)
t.done()
