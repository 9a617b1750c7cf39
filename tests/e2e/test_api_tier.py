#!/usr/bin/env python3
"""test_api_tier.py — the real server with a hot window of 256 transfers
(--hot-window-transfers): after 3000 transfers most of them live on index
runs in data_dir/tier, and a retried old transfer still answers as the rules
say (same fields: idempotent 200; other fields: 409
exists_with_different_fields; a new id is accepted); GET of an old transfer,
a second post of an old posted hold (409 pending_already_posted), account
history and the regulator-wide list all reach the disk tier — while
running, after a clean restart (snapshot), after SIGKILL (log replay), and
after the run files were deleted (rebuilt at start). Expected values are
the test's own arithmetic over what it sent."""
import glob
import os
import signal
import sys

sys.path.insert(0, os.path.dirname(__file__))
from api_harness import Server, Tap  # noqa: E402

TRANSFER_COUNT = 3000
BATCH = 200
HOLD_ID = 990001  # a hold made and posted before the other transfers: final, so it goes to the disk tier

t = Tap()
s = Server("--hot-window-transfers", "256").start()
data_dir = s.data_dir


def item(i):
    return {"id": str(i), "debit_account_id": "1", "credit_account_id": "2", "amount": "0.%02d" % (1 + i % 99),
            "currency": "CNY"}


new_ids = iter(range(TRANSFER_COUNT + 500, TRANSFER_COUNT + 600))


def probe(server, token, label):
    st, doc = server.post("/v1/transfers", item(5), token)
    t.eq(st, 200, f"{label}: an old transfer retried with the same fields is an idempotent 200")
    other = dict(item(5), amount="7.77")
    st, doc = server.post("/v1/transfers", other, token)
    t.eq((st, doc and doc.get("code")), (409, "exists_with_different_fields"),
         f"{label}: the old id with other fields is 409 exists_with_different_fields")
    st, doc = server.post("/v1/transfers", item(next(new_ids)), token)
    t.eq(st, 201, f"{label}: a new id is accepted")
    st, doc = server.get("/v1/transfers/5", token)
    t.eq((st, doc and doc.get("amount"), doc and doc.get("debit_account_id"), doc and doc.get("status")),
         (200, "0.06", "1", "posted"), f"{label}: GET of an old transfer reads it from the disk tier")
    st, doc = server.post(f"/v1/transfers/{HOLD_ID}/post", {"id": str(next(new_ids))}, token)
    t.eq((st, doc and doc.get("code")), (409, "pending_already_posted"),
         f"{label}: a second post of an old posted hold is pending_already_posted")
    st, doc = server.get(f"/v1/transfers/{HOLD_ID}", token)
    t.eq(doc and doc.get("status"), "pending_posted", f"{label}: the old hold shows pending_posted")
    seen = walk(server, "/v1/accounts/2/transfers?limit=1000", token)
    t.ok(all(str(i) in seen for i in (1, 5, 1500, TRANSFER_COUNT)) and len(seen) == len(set(seen)),
         f"{label}: account history runs across the disk tier to the first transfer", f"{len(seen)} rows")
    listed = walk(server, "/v1/transfers?limit=1000", token)
    t.ok(str(HOLD_ID) in listed and listed.index(str(HOLD_ID)) < listed.index("1") and str(TRANSFER_COUNT) in listed,
         f"{label}: the regulator-wide list reads old slots from the disk tier", f"{len(listed)} rows")


def walk(server, path, token):
    """Every row id of a paged list, following next_cursor."""
    ids, cursor = [], None
    for _ in range(100):
        st, doc = server.get(path + (f"&cursor={cursor}" if cursor else ""), token)
        if st != 200 or not doc:
            t.ok(False, f"page of {path}", f"status {st}")
            break
        ids += [row["id"] for row in doc["transfers"]]
        cursor = doc.get("next_cursor")
        if cursor is None:
            break
    return ids


try:
    cb = s.token("central_bank", name="tier")
    for acct in ("1", "2"):
        st, _ = s.post("/v1/accounts", {"id": acct, "currency": "CNY"}, cb)
        t.eq(st, 201, f"account {acct}")
    hold = dict(item(HOLD_ID), amount="3.00", pending=True)
    st, _ = s.post("/v1/transfers", hold, cb)
    t.eq(st, 201, "a hold before the other transfers")
    st, _ = s.post(f"/v1/transfers/{HOLD_ID}/post", {"id": "990002"}, cb)
    t.eq(st, 201, "the hold posted at once")
    ok = 0
    for first in range(1, TRANSFER_COUNT + 1, BATCH):
        items = [item(i) for i in range(first, min(first + BATCH, TRANSFER_COUNT + 1))]
        st, doc = s.post("/v1/transfers/batch", {"transfers": items}, cb)
        ok += doc["ok_count"] if st == 200 and doc else 0
    t.eq(ok, TRANSFER_COUNT, "3000 transfers in batches of 200")
    runs = glob.glob(os.path.join(data_dir, "tier", "run-*.idx"))
    t.ok(len(runs) >= 5, "old transfers moved to index runs", f"{len(runs)} run files")
    probe(s, cb, "running")

    t.eq(s.stop(signal.SIGTERM), 0, "clean stop")
    s.start()
    probe(s, cb, "after a restart from the snapshot")

    s.stop(signal.SIGKILL)
    s.start()
    probe(s, cb, "after SIGKILL")

    s.stop(signal.SIGKILL)
    for f in glob.glob(os.path.join(data_dir, "tier", "run-*.idx")):
        os.unlink(f)
    s.start()
    probe(s, cb, "after the run files were deleted")
    st, doc = s.post("/v1/transfers/batch", {"transfers": [item(i) for i in range(TRANSFER_COUNT + 1000,
                                                                                  TRANSFER_COUNT + 1400)]}, cb)
    t.eq(st == 200 and doc and doc["ok_count"], 400, "more transfers after the rebuild")
    runs = glob.glob(os.path.join(data_dir, "tier", "run-*.idx"))
    t.ok(len(runs) >= 2, "runs rebuilt from the log", f"{len(runs)} run files")
    t.eq(s.stop(signal.SIGTERM), 0, "clean stop")
finally:
    s.cleanup()
t.done()
