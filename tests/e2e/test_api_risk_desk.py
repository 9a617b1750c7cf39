#!/usr/bin/env python3
"""test_api_risk_desk.py — the AML desk (risk analyst, compliance officer) at
the dashboard's routes, through the real server: both roles sign in with a
session cookie and read /v1/whoami and /v1/views (which list the risk domain
as reachable, and no currency or credit one), read alerts, cases and reports
of their own tenant only, and are refused everything the dashboard's other
views read (supply series, operators, the audit head). A regulator reads the
same risk lists across tenants and cannot work a case.

Expected values, derived by hand from the default rule set
(share/risk/default.json, typology 2: an institution transfer of at least
2,000,000.00 CNY is a large-value report, due in 5 working days): one
2,000,000.00 transfer in tenant 1 (accounts 11 -> 12) and one in tenant 2
(21 -> 22) raise one large-value alert each; the tenant-1 desk sees only the
first, the tenant-2 analyst only the second, the regulator both.
"""
import http.client
import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from api_harness import Server, Tap  # noqa: E402

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
DEFAULT = os.path.join(ROOT, "share", "risk", "default.json")
t = Tap()
s = Server().start()


def session_get(cookie, path):
    c = http.client.HTTPConnection("127.0.0.1", s.port, timeout=30)
    c.request("GET", path, headers={"Cookie": cookie})
    resp = c.getresponse()
    body = resp.read()
    c.close()
    return resp.status, json.loads(body) if body else None


def login(token):
    c = http.client.HTTPConnection("127.0.0.1", s.port, timeout=30)
    c.request("POST", "/v1/session", body=json.dumps({"token": token}), headers={"Content-Type": "application/json"})
    resp = c.getresponse()
    doc = json.loads(resp.read())
    cookie = (resp.getheader("Set-Cookie") or "").split(";")[0]
    c.close()
    return resp.status, doc, cookie


try:
    cb = s.token("central_bank")
    rg = s.token("regulator")
    desk = {"risk_analyst": s.token("risk_analyst", tenant=1), "compliance_officer": s.token("compliance_officer", tenant=1)}
    ra2 = s.token("risk_analyst", tenant=2)
    for acc, tenant in (("11", "1"), ("12", "1"), ("21", "2"), ("22", "2")):
        st, doc = s.post("/v1/accounts", {"id": acc, "currency": "CNY", "tenant_id": tenant}, cb)
        assert st == 201, (st, doc)
    with open(DEFAULT, encoding="utf-8") as f:
        st, doc = s.post("/v1/risk/rulesets", json.load(f), rg)
    assert st == 200, (st, doc)
    for tid, (dr, cr) in (("501", ("11", "12")), ("502", ("21", "22"))):
        st, doc = s.post("/v1/transfers", {"id": tid, "debit_account_id": dr, "credit_account_id": cr,
                                           "amount": "2000000.00", "currency": "CNY"}, cb)
        assert st == 201, (st, doc)

    for role, token in desk.items():
        st, doc, cookie = login(token)
        t.ok(st == 201 and doc["role"] == role and doc["tenant_id"] == "1" and cookie.startswith("szfin_session="),
             f"{role}: logs in and gets a session cookie", (st, doc))
        st, doc = session_get(cookie, "/v1/whoami")
        t.ok(st == 200 and doc.get("role") == role and doc.get("tenant_id") == "1", f"{role}: /v1/whoami answers", (st, doc))
        st, doc = session_get(cookie, "/v1/views")
        t.ok(st == 200 and doc["role"] == role and "risk" in doc["reachable"]
             and not {"currency", "credit", "green"} & set(doc["reachable"]),
             f"{role}: /v1/views lists the risk domain as reachable, no currency, credit or green", (st, doc))
        st, doc = session_get(cookie, "/v1/risk/alerts")
        t.ok(st == 200 and [a["transfer_id"] for a in doc["alerts"]] == ["501"],
             f"{role}: sees the large-value alert of its own tenant only", (st, doc))
        st, doc = session_get(cookie, "/v1/risk/cases")
        t.eq((st, doc and doc.get("cases")), (200, []), f"{role}: no cases yet")
        for path in ("/v1/currency/supply-series?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z",
                     "/v1/operators/1", "/v1/audit/head", "/v1/credit/models"):
            st, doc = session_get(cookie, path)
            t.ok(st in (403, 404), f"{role}: {path.split('?')[0]} is refused", (st, doc))
        st, doc = session_get(cookie, "/v1/accounts/11")
        t.ok(st == 403, f"{role}: reads no ledger route, not even its own tenant's account", (st, doc))

    st, doc = s.get("/v1/risk/reports?kind=large_value", desk["compliance_officer"])
    t.ok(st == 200 and [r["transaction_id"] for r in doc["rows"]] == ["501"]
         and doc["rows"][0]["status"] == "due", "the compliance officer's large-value reports due: its tenant's one", (st, doc))
    st, doc = s.get("/v1/risk/reports?kind=large_value", desk["risk_analyst"])
    t.eq(st, 403, "a risk analyst may not export reports (the dashboard shows its alerts' report fields)")
    st, doc = s.get("/v1/risk/alerts", ra2)
    t.ok(st == 200 and [a["transfer_id"] for a in doc["alerts"]] == ["502"], "tenant 2's analyst sees only tenant 2's", (st, doc))
    st, doc = s.get("/v1/risk/alerts", rg)
    t.ok(st == 200 and sorted(a["transfer_id"] for a in doc["alerts"]) == ["501", "502"], "a regulator sees both", (st, doc))
    st, doc = s.get("/v1/risk/reports?kind=large_value", rg)
    t.ok(st == 200 and len(doc["rows"]) == 2, "a regulator sees both reports due", (st, doc))
    st, doc = s.get("/v1/views", rg)
    t.ok(st == 200 and "risk" in doc["reachable"], "the regulator's views include the risk domain", (st, doc))
    alert = doc and s.get("/v1/risk/alerts", rg)[1]["alerts"][0]["alert"]
    st, doc = s.post("/v1/risk/cases", {"case_id": "9001", "alert": alert}, rg)
    t.eq(st, 403, "a regulator cannot open a case (read-only)")
    t.eq(s.stop(), 0, "the server stops cleanly")
finally:
    if s.proc and s.proc.poll() is None:
        s.stop()
    s.cleanup()
t.done()
