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
problem, and a wallet operator may screen (registration screening)."""
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
finally:
    s.cleanup()
t.done()
