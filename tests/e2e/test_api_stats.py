#!/usr/bin/env python3
"""test_api_stats.py — the statistics domain (src/stats/, szfin's example
domain) end to end: the real server counts the transfers clients make, by
UTC day and currency, with a large-value threshold; roles and bad input;
figures survive a clean restart and a kill -9; `szfin stats` prints them.

Expected figures are derived by hand from the transfers made here:
1.00 + 50,000.00 + 49,999.99 CNY = 100,000.99 CNY in three movements, one of
them (exactly 50,000.00) at the 50,000.00 threshold, so large_count is 1."""
import json
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from api_harness import BIN, Server, Tap  # noqa: E402

t = Tap()
s = Server().start()


def utc_date():
    return time.strftime("%Y-%m-%d", time.gmtime())


def stats(token):
    return s.get("/v1/stats/CNY", token)


try:
    cb = s.token("central_bank")
    rg = s.token("regulator")
    op = s.token("operator", tenant=1)
    for i in (1, 2):
        st, _ = s.post("/v1/accounts", {"id": str(i), "currency": "CNY", "tenant_id": "1"}, cb)
        t.eq(st, 201, f"account {i} created")

    st, doc = s.post("/v1/stats/thresholds", {"currency": "CNY", "threshold": "50000.00"}, rg)
    t.eq(st, 200, "a regulator sets the CNY large-value threshold")
    t.eq(doc and doc.get("threshold"), "50000.00", "the threshold reads back as sent")
    t.eq(doc and doc.get("days"), [], "no movement yet")

    date_before = utc_date()
    for n, amount in ((10, "1.00"), (11, "50000.00"), (12, "49999.99")):
        st, _ = s.post("/v1/transfers", {"id": str(n), "debit_account_id": "1", "credit_account_id": "2",
                                         "amount": amount, "currency": "CNY"}, cb)
        t.eq(st, 201, f"transfer {amount} committed")
    st, _ = s.post("/v1/transfers", {"id": "13", "debit_account_id": "1", "credit_account_id": "2",
                                     "amount": "5.00", "currency": "CNY", "pending": True, "timeout_s": 3600}, cb)
    t.eq(st, 201, "a pending hold (moves nothing yet)")
    date_after = utc_date()

    st, doc = stats(cb)
    t.eq(st, 200, "the central bank reads the CNY figures")
    day = (doc or {}).get("days", [{}])[0] if (doc or {}).get("days") else {}
    t.ok(day.get("date") in (date_before, date_after), "figures are on today's UTC date", day)
    t.eq(day.get("transfer_count"), "3", "three movements (the hold is not one)")
    t.eq(day.get("volume"), "100000.99", "volume 1.00 + 50,000.00 + 49,999.99")
    t.eq(day.get("large_count"), "1", "one movement at or above 50,000.00")
    t.eq(doc and doc.get("total_count"), "3", "total count")

    # roles: the figures are system-wide aggregates
    st, doc = stats(op)
    t.eq(st, 403, "an operator may not read system-wide figures")
    st, _ = s.post("/v1/stats/thresholds", {"currency": "CNY", "threshold": "1.00"}, op)
    t.eq(st, 403, "an operator may not set thresholds")

    # bad input changes nothing
    for body, code, name in (
        ({"currency": "CNY", "threshold": "abc"}, "amount_invalid", "a threshold that is not an amount"),
        ({"currency": "CNY", "threshold": "1.001"}, "amount_invalid", "more fraction digits than the currency has"),
        ({"currency": "CN", "threshold": "1.00"}, "field_invalid", "a currency that is not three letters"),
        ({"currency": "CNY"}, "field_missing", "no threshold"),
        ({"currency": "CNY", "threshold": "1.00", "extra": 1}, "field_unknown", "an unknown field"),
    ):
        st, doc = s.post("/v1/stats/thresholds", body, rg)
        t.ok(st == 400 and doc and doc.get("code") == code, f"refused: {name} ({code})", f"{st} {doc}")
    st, doc = stats(rg)
    t.eq(doc and doc.get("threshold"), "50000.00", "after the refusals the threshold is unchanged")
    st, doc = s.get("/v1/stats/C1Y", rg)
    t.eq(st, 400, "a path currency that is not a code is refused")
    st, doc = s.get("/v1/stats/EUR", rg)
    t.eq(st, 404, "a currency never seen has no figures")

    # the CLI prints the same document
    env = dict(os.environ, SZFIN_URL=f"http://127.0.0.1:{s.port}", SZFIN_TOKEN=rg)
    p = subprocess.run([BIN, "stats", "show", "CNY", "--json"], capture_output=True, text=True, env=env, timeout=60)
    t.eq(p.returncode, 0, "szfin stats show exits 0")
    try:
        cli_doc = json.loads(p.stdout)
    except ValueError:
        cli_doc = None
    t.eq(cli_doc, stats(rg)[1], "szfin stats show --json prints the server's figures")
    p = subprocess.run([BIN, "stats", "threshold", "CNY", "1.5x"], capture_output=True, text=True, env=env, timeout=60)
    t.eq(p.returncode, 1, "szfin stats threshold with a bad amount exits 1")

    # durable: a clean restart (snapshot) and a kill -9 (replay) keep the figures
    before = stats(rg)[1]
    s.stop()
    s.start()
    t.eq(stats(rg)[1], before, "figures after a clean restart")
    s.stop(sig=signal.SIGKILL)
    s.start()
    t.eq(stats(rg)[1], before, "figures after kill -9 and replay")
finally:
    s.cleanup()
t.done()
