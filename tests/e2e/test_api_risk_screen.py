#!/usr/bin/env python3
"""test_api_risk_screen.py — POST /v1/risk/screen through the real server, on
the shipped made-up list share/risk/watchlist-test.tsv (szfin-test, version 1).

Expected values come from the list file and the naming conventions the pair
set documents (docs/risk-analytics.md), not from the matcher: T0001 is listed
as 陈志明 / 陳志明 / Chan Chi Ming, so the traditional spelling, the simplified
one and the Hanyu Pinyin "Chen Zhiming" (the reading of 陈志明) name the same
person and must hit T0001 at or above the default threshold of 900 per mille;
"Zhiming Chen" (given name first) too, because token order does not count.
"Robert Smith" shares no surname or given name with any entry: no hit. A
threshold of 1000 keeps only exact keys: the listed traditional spelling still
hits with 1000 (it normalises to the same key as the simplified entry).
Bad input (no name, an unknown field, a threshold above 1000) is a 400
problem, and a wallet operator may screen (registration screening).

With a subject (the account being registered, here account 42 of tenant 1)
the hit enters the log and opens a screening alert (typology 0, score = the
hit's score, suspicious report due in 5 working days) whose explanation names
entry T0001 of szfin-test version 1; an unrelated name with a subject opens
none; an operator of tenant 2 cannot record for tenant 1's account (404); an
auditor may not record (403). After a restart the alert is back (it is in the
log)."""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from api_harness import Server, Tap  # noqa: E402

t = Tap()
s = Server().start()
try:
    co = s.token("compliance_officer", tenant=1)
    op = s.token("operator", tenant=1)
    for name in ("陳志明", "陈志明", "Chen Zhiming", "Zhiming Chen", "CHAN Chi-Ming"):
        st, doc = s.post("/v1/risk/screen", {"name": name}, co)
        hits = (doc or {}).get("hits", [])
        t.ok(st == 200 and hits and hits[0]["id"] == "T0001" and hits[0]["score"] >= 900,
             f"{name} hits T0001 at or above 900", doc)
        t.ok(doc and doc.get("list") == "szfin-test" and doc.get("list_version") == 1 and doc.get("threshold") == 900,
             f"{name}: the answer names the list, its version and the threshold", doc)
    st, doc = s.post("/v1/risk/screen", {"name": "Robert Smith"}, co)
    t.eq((st, doc and doc.get("hits")), (200, []), "an unrelated name has no hit")
    st, doc = s.post("/v1/risk/screen", {"name": "陳志明", "threshold": 1000}, op)
    hits = (doc or {}).get("hits", [])
    t.ok(st == 200 and hits and hits[0]["id"] == "T0001" and hits[0]["score"] == 1000,
         "an operator screens; the traditional spelling is an exact key of T0001", doc)
    for body, code in (({}, "field_missing"), ({"name": "x", "nam": "y"}, "field_unknown"),
                       ({"name": "x", "threshold": 1001}, "field_invalid")):
        st, doc = s.post("/v1/risk/screen", body, co)
        t.ok(st == 400 and doc and doc.get("code") == code, f"{sorted(body)} is refused with {code}", (st, doc))
    st, doc = s.post("/v1/risk/screen", {"name": "陳志明"}, None)
    t.eq(st, 401, "screening needs a token")

    cb = s.token("central_bank")
    rg = s.token("regulator")
    au = s.token("auditor")
    op2 = s.token("operator", tenant=2)
    st, _ = s.post("/v1/accounts", {"id": "42", "currency": "CNY", "tenant_id": "1"}, cb)
    t.eq(st, 201, "account 42 of tenant 1")
    st, doc = s.post("/v1/risk/screen", {"name": "Chen Zhiming", "subject": "42", "event": "9001"}, op)
    t.ok(st == 200 and doc and doc.get("alert") is not None and doc["hits"][0]["id"] == "T0001",
         "screening a registration with a hit opens an alert", doc)
    alert_no = (doc or {}).get("alert")
    score = (doc or {}).get("hits", [{}])[0].get("score")
    st, a = s.get(f"/v1/risk/alerts/{alert_no}", rg)
    t.ok(st == 200 and a and a.get("typology") == 0 and a.get("score") == score and a.get("payer") == "42"
         and a.get("transfer_id") == "9001" and a.get("report") == "suspicious" and a.get("report_due") is not None,
         "the screening alert: typology 0, the hit's score, the subject and the event", a)
    t.ok(a and "entry T0001 of watch list szfin-test version 1" in a.get("explanation", {}).get("en", "")
         and "T0001" in a.get("explanation", {}).get("zh", ""), "its explanation names the entry and list", a)
    st, doc = s.post("/v1/risk/screen", {"name": "Robert Smith", "subject": "42"}, op)
    t.ok(st == 200 and doc and doc.get("hits") == [] and doc.get("alert") is None, "no hit, no alert", doc)
    st, doc = s.post("/v1/risk/screen", {"name": "Chen Zhiming", "subject": "42"}, op2)
    t.eq(st, 404, "another tenant's operator cannot record for this account")
    st, doc = s.post("/v1/risk/screen", {"name": "Chen Zhiming", "subject": "42"}, au)
    t.eq(st, 403, "an auditor does not record")
    st, doc = s.get("/v1/risk/alerts?typology=0", rg)
    t.eq(len((doc or {}).get("alerts", [])), 1, "exactly one screening alert")
    s.stop()
    s.start()
    st, a2 = s.get(f"/v1/risk/alerts/{alert_no}", rg)
    t.ok(st == 200 and a2 and a2.get("score") == score, "after a restart the screening alert is back", a2)
finally:
    s.cleanup()
t.done()
