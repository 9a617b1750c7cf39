#!/usr/bin/env python3
"""test_risk_backtest_data_dir.py — `szfin risk backtest --data-dir DIR` replays a
real server's log read-only against a rule-set file that was never activated.

The server runs with no rule set in force and takes, through the API:
- seven transfers of 49,800.00 CNY from account 1 to account 2 on one CST day;
- a linked pair whose second transfer names a missing account, so neither
  commits (the backtest must not see the first one);
- one transfer of 10.00 from 3 to 2.
So 8 transfers committed. Expected from the default rule set's structuring
rule (rule 9: same-day transfers from one account in [45,000, 50,000); bands
3 -> 40, 5 -> 80, 7 -> 100; typology 5 alerts at 80): the 5th, 6th and 7th
transfers of account 1 alert (3 alerts, the committed-transfer ordinals 5, 6,
7; live, the 7th would have been interdicted — a backtest reports, it does
not refuse). No other typology reaches its threshold: one payee, 348,600.00
in total (under every large-value line), 49,800.00 is no multiple of 10,000.
The data directory's files are byte for byte the same afterwards, and the
restarted server still has no rule set and no alert (live state untouched).
A missing directory and a directory without a log are clear errors (exit 1).
The risk commands read their options through the tables of cli/args.h:
misspelt options and actions get a "did you mean", --help exits 0."""
import hashlib
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from api_harness import BIN, Server, Tap, wait_out_cst_midnight  # noqa: E402

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
DEFAULT = os.path.join(ROOT, "share", "risk", "default.json")


def tree_digest(d):
    h = hashlib.sha256()
    for base, dirs, files in sorted(os.walk(d)):
        dirs.sort()
        for name in sorted(files):
            p = os.path.join(base, name)
            h.update(p.encode())
            with open(p, "rb") as f:
                h.update(f.read())
    return h.hexdigest()


wait_out_cst_midnight()
t = Tap()
s = Server().start()
try:
    cb = s.token("central_bank")
    for i in (1, 2, 3):
        st, _ = s.post("/v1/accounts", {"id": str(i), "currency": "CNY", "tenant_id": "1"}, cb)
        t.eq(st, 201, f"account {i} created")
    for k in range(1, 8):
        st, _ = s.post("/v1/transfers", {"id": str(100 + k), "debit_account_id": "1", "credit_account_id": "2",
                                         "amount": "49800.00", "currency": "CNY"}, cb)
        t.eq(st, 201, f"transfer {k} of 49,800.00 passes (no rule set in force)")
    st, doc = s.post("/v1/transfers/batch", {"linked": True, "transfers": [
        {"id": "200", "debit_account_id": "1", "credit_account_id": "3", "amount": "49800.00", "currency": "CNY"},
        {"id": "201", "debit_account_id": "1", "credit_account_id": "99", "amount": "1.00", "currency": "CNY"}]}, cb)
    st2, _ = s.get("/v1/transfers/200", cb)
    t.eq(st2, 404, "the linked pair did not commit")
    st, _ = s.post("/v1/transfers", {"id": "300", "debit_account_id": "3", "credit_account_id": "2",
                                     "amount": "10.00", "currency": "CNY"}, cb)
    t.eq(st, 201, "a small transfer from 3")
    s.stop()
    before = tree_digest(s.data_dir)
    out_csv = os.path.join(tempfile.mkdtemp(prefix="szfin-bt-"), "alerts.csv")
    out = subprocess.run([BIN, "risk", "backtest", "--rules", DEFAULT, "--data-dir", s.data_dir, "--out", out_csv],
                         capture_output=True, text=True)
    t.eq(out.returncode, 0, "the backtest of the data directory runs")
    t.ok("8 committed transfers replayed from the log" in out.stdout, "8 committed transfers (the failed chain left out)",
         out.stdout + out.stderr)
    t.ok("# typology 5 structuring: 3" in out.stdout, "three structuring alerts", out.stdout)
    with open(out_csv) as f:
        rows = [line.rstrip("\n").split(",") for line in f][1:]
    t.eq([(r[1], r[4], r[6]) for r in rows], [("5", "1", "5"), ("5", "1", "6"), ("5", "1", "7")],
         "structuring alerts about account 1 on the 5th, 6th and 7th committed transfers")
    t.eq(tree_digest(s.data_dir), before, "the data directory is unchanged")
    s.start()
    st, doc = s.get("/v1/risk/status", cb)
    t.ok(st == 200 and doc and doc.get("version_in_force") in (None, 0) and doc.get("alert_count") == 0,
         "the live server still has no rule set and no alert", doc)
    s.stop()
    empty = tempfile.mkdtemp(prefix="szfin-bt-empty-")
    for d in (os.path.join(empty, "missing"), empty):
        out = subprocess.run([BIN, "risk", "backtest", "--rules", DEFAULT, "--data-dir", d], capture_output=True,
                             text=True)
        t.ok(out.returncode == 1 and "szfin risk backtest:" in out.stderr, f"{d}: a clear error", out.stderr)
    out = subprocess.run([BIN, "risk", "backtest", "--rules", DEFAULT, "--data-dir", empty, "--transfers", "x.csv"],
                         capture_output=True, text=True)
    t.eq(out.returncode, 2, "--data-dir and --transfers together are a usage error")
    # the option tables (cli/args.h): did-you-mean for options and actions, --help exits 0
    for argv, want in ((["risk", "backtest", "--rulse", DEFAULT], "did you mean --rules?"),
                       (["risk", "gen", "--seeed", "3"], "did you mean --seed?"),
                       (["risk", "statsu"], "did you mean 'status'?"),
                       (["risk", "status", "--jsno"], "did you mean --json?")):
        out = subprocess.run([BIN] + argv, capture_output=True, text=True)
        t.ok(out.returncode == 2 and want in out.stderr, f"szfin {' '.join(argv)}: {want}", out.stderr)
    for argv in (["risk", "--help"], ["risk", "backtest", "--help"], ["risk", "gen", "--help"]):
        out = subprocess.run([BIN] + argv, capture_output=True, text=True)
        t.ok(out.returncode == 0 and out.stdout.startswith("usage: szfin risk"), f"szfin {' '.join(argv)}", out.stdout)
finally:
    s.cleanup()
t.done()
