#!/usr/bin/env python3
"""test_api_history.py — account history's query (issue: e-CNY holes, item 8)
and the amount a void shows, against the real binary on loopback.

- an unknown query parameter is refused (400 query_invalid) instead of being
  ignored (`?limt=1` used to return every row);
- from/to (RFC 3339 UTC; from inclusive, to exclusive) select the transfers
  whose timestamps fall in the window, newest first, with paging;
- a void of a pending transfer shows the voided amount, not 0.00.
Expected sets follow from the definition of the window applied to the
transfers' own timestamps (three transfers made about a second apart)."""
import datetime
import sys
import time

sys.path.insert(0, __import__("os").path.dirname(__file__))
from api_harness import Server, Tap  # noqa: E402

t = Tap()
s = Server().start()


def rfc3339(ns):
    return datetime.datetime.fromtimestamp(ns // 10**9, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def ids(doc):
    return [x["id"] for x in (doc or {}).get("transfers", [])]


try:
    cb = s.token("central_bank")
    op = s.token("operator", tenant=1)
    s.post("/v1/accounts", {"id": "11", "currency": "CNY", "kind": "reserve"}, op)
    s.post("/v1/accounts", {"id": "12", "currency": "CNY", "kind": "wallet", "owner_id": "7"}, op)
    stamps = {}
    for n in (301, 302, 303):
        st, doc = s.post("/v1/transfers", {"id": str(n), "debit_account_id": "11", "credit_account_id": "12",
                                           "amount": "1.00", "currency": "CNY"}, op)
        t.eq(st, 201, f"transfer {n}")
        stamps[str(n)] = int(s.get(f"/v1/transfers/{n}", op)[1]["timestamp_ns"])
        time.sleep(1.2)  # the window is in whole seconds: a second apart at least
    st, doc = s.get("/v1/accounts/12/transfers", op)
    t.eq((st, ids(doc)), (200, ["303", "302", "301"]), "history is newest first")

    st, doc = s.get("/v1/accounts/12/transfers?limt=1", op)
    t.eq((st, doc and doc["code"]), (400, "query_invalid"), "a misspelt query parameter is refused")
    t.ok(doc and "limt" in doc.get("detail", ""), "the problem names the unknown parameter", doc)
    for bad in ["from=yesterday", "to=2026-13-01T00:00:00Z", "from=2030-01-01T00:00:00Z&to=2029-01-01T00:00:00Z"]:
        st, doc = s.get(f"/v1/accounts/12/transfers?{bad}", op)
        t.eq((st, doc and doc["code"]), (400, "query_invalid"), f"refused: {bad}")

    # from: the second after 301's second; to: 303's second (exclusive)
    after_301 = rfc3339(stamps["301"] + 10**9)
    at_303 = rfc3339(stamps["303"])
    want_from = [n for n in ["303", "302", "301"] if stamps[n] >= (stamps["301"] // 10**9 + 1) * 10**9]
    st, doc = s.get(f"/v1/accounts/12/transfers?from={after_301}", op)
    t.eq((st, ids(doc)), (200, want_from), f"from={after_301} keeps the later ones")
    want_to = [n for n in ["303", "302", "301"] if stamps[n] < (stamps["303"] // 10**9) * 10**9]
    st, doc = s.get(f"/v1/accounts/12/transfers?to={at_303}", op)
    t.eq((st, ids(doc)), (200, want_to), f"to={at_303} keeps the earlier ones")
    st, doc = s.get(f"/v1/accounts/12/transfers?from={after_301}&to={at_303}", op)
    t.eq((st, ids(doc)), (200, [n for n in want_to if n in want_from]), "from and to together: the window")
    t.ok(want_from == ["303", "302"] and want_to == ["302", "301"], "the window picks 302 alone (timestamps)",
         stamps)
    st, doc = s.get(f"/v1/accounts/12/transfers?to={at_303}&limit=1", op)
    t.eq((st, ids(doc)), (200, want_to[:1]), "a window pages like the whole list")
    cursor = doc and doc["next_cursor"]
    st, doc = s.get(f"/v1/accounts/12/transfers?to={at_303}&limit=1&cursor={cursor}", op)
    t.eq((st, ids(doc)), (200, want_to[1:2]), "the next page of the window")
    st, doc = s.get("/v1/accounts/12/transfers?from=2099-01-01T00:00:00Z", op)
    t.eq((st, ids(doc), doc and doc["next_cursor"]), (200, [], None), "a window after everything is empty")

    # a void shows what it voided
    st, doc = s.post("/v1/transfers", {"id": "310", "debit_account_id": "11", "credit_account_id": "12",
                                       "amount": "5.00", "currency": "CNY", "pending": True}, op)
    t.eq(st, 201, "a pending transfer of 5.00")
    st, doc = s.post("/v1/transfers/310/void", {"id": "311"}, op)
    t.eq((st, doc and doc["status"]), (201, "void"), "voided")
    st, doc = s.get("/v1/transfers/311", op)
    t.eq((st, doc and doc["amount"]), (200, "5.00"), "the void shows the voided amount, not 0.00")
    st, doc = s.get("/v1/accounts/12/transfers?limit=1", op)
    t.eq(doc and doc["transfers"][0]["amount"], "5.00", "and so does the history")
finally:
    s.cleanup()
t.done()
