#!/usr/bin/env python3
"""test_api_ticks.py — timed effects happen without traffic: a pending hold
with a 1 s timeout expires on an idle server (the engine commits a tick
batch when the deadline is due), its funds are released, and a restart
replays the tick to the same state. Polls with a generous bound; the
assertion is on the outcome, never on speed."""
import sys
import time

sys.path.insert(0, __import__("os").path.dirname(__file__))
from api_harness import Server, Tap  # noqa: E402

t = Tap()
s = Server().start()
try:
    cb = s.token("central_bank")
    op1 = s.token("operator", tenant=1)
    st, _ = s.post("/v1/accounts", {"id": "11", "currency": "CNY", "kind": "reserve"}, op1)
    t.eq(st, 201, "payer account")
    st, _ = s.post("/v1/accounts", {"id": "12", "currency": "CNY", "kind": "wallet", "owner_id": "77"}, op1)
    t.eq(st, 201, "payee account")
    st, doc = s.post("/v1/transfers", {"id": "500", "debit_account_id": "11", "credit_account_id": "12",
                                        "amount": "25.00", "currency": "CNY", "pending": True, "timeout_s": 1}, op1)
    t.eq((st, doc and doc["status"]), (201, "pending"), "hold with a 1 s timeout")
    st, doc = s.get("/v1/accounts/11", op1)
    t.eq(doc and doc["debits_pending"], "25.00", "the hold reserves 25.00")
    # Send nothing that writes; only read, until the hold has expired. About
    # 2 s is expected; 30 s bounds a slow machine (this is not a speed test).
    status = None
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        st, doc = s.get("/v1/transfers/500", op1)
        status = doc and doc.get("status")
        if status == "pending_expired":
            break
        time.sleep(0.1)
    t.eq(status, "pending_expired", "the hold expired with no write after it")
    st, doc = s.get("/v1/accounts/11", op1)
    t.eq(doc and doc["debits_pending"], "0.00", "its funds are released on the payer")
    st, doc = s.get("/v1/accounts/12", op1)
    t.eq(doc and doc["credits_pending"], "0.00", "and on the payee")
    # The tick batch is in the log: a restart replays it to the same state.
    s.stop()
    s.start()
    st, doc = s.get("/v1/transfers/500", op1)
    t.eq(doc and doc.get("status"), "pending_expired", "after a restart the hold is still expired")
    st, doc = s.get("/v1/accounts/11", op1)
    t.eq(doc and doc["debits_pending"], "0.00", "and its funds still released")
finally:
    s.cleanup()
t.done()
