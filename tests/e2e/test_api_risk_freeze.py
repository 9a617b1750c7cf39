#!/usr/bin/env python3
"""test_api_risk_freeze.py — closing a case as "frozen" freezes the alert's payer
wallet through the currency domain's wallet control (issue 12 / issue 9), end to
end through the real server.

Setup (as in test_api_currency_controls.py): bank operator of tenant 1 with
1,000,000.00 issued; personal wallets 10001 and 10002 topped up with
10,000.00 each. Rule set (version 1): one rule "amount >= 500.00" scoring 100
in one typology alerting at 100. A payment of 600.00 from 10001 alerts (600 >=
500); its payer is wallet 10001.
- An analyst may not close as frozen (risk_disposition_denied): the wallet
  keeps no control.
- The compliance officer closes as frozen: the answer's wallet_control says
  10001 frozen "ok"; the wallet then shows one control (authority operator,
  state frozen, reason aml_investigation), can_pay false, and a payment of
  1.00 from it is refused wallet_frozen; its balance stays 10,000 - 600 =
  9,400.00.
- The operator lifts it through /v1/wallets/10001/controls (state none): it
  pays again.
- Retention (default 3650 days): purging before 2026-01-01 is refused
  (risk_retention_not_reached); before 1990-01-01 runs and leaves the alert."""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from api_harness import Server, Tap  # noqa: E402

RULES = {"format": "szfin-risk-rules/1", "version": 1, "name": "freeze-test", "currency": "CNY",
         "rules": [{"id": 1, "feature": "amount", "bands": [{"min": "500.00", "score": 100}]}],
         "typologies": [{"id": 1, "name": "amount at least 500", "report": "suspicious", "alert": 100,
                         "rules": [{"rule": 1, "weight": 100}]}]}

t = Tap()
s = Server().start()
try:
    cb = s.token("central_bank")
    bank = s.token("operator", tenant=1)
    reg = s.token("regulator")
    ra = s.token("risk_analyst", tenant=1)
    co = s.token("compliance_officer", tenant=1)
    st, doc = s.post("/v1/operators", {"id": "1001", "tenant_id": "1", "type": "bank", "name": "Futian Bank"}, cb)
    assert st == 201, (st, doc)
    for cid, route in (("1101", "reserve"), ("1201", "issue")):
        st, doc = s.post(f"/v1/operators/1/{route}", {"id": cid, "amount": "1000000.00"}, cb)
        assert st == 201, (st, doc)
    st, doc = s.post("/v1/accounts", {"id": "7000", "kind": "general", "owner_id": "1", "currency": "CNY"}, bank)
    assert st == 201, (st, doc)
    for k, owner in enumerate(("501", "502")):
        acc = str(7001 + k)
        st, doc = s.post("/v1/accounts", {"id": acc, "kind": "bank_deposit", "owner_id": owner, "currency": "CNY",
                                          "flags": ["debits_must_not_exceed_credits"]}, bank)
        assert st == 201, (st, doc)
        st, doc = s.post("/v1/transfers", {"id": str(7100 + k), "debit_account_id": "7000", "credit_account_id": acc,
                                           "amount": "100000.00", "currency": "CNY"}, bank)
        assert st == 201, (st, doc)
    for wid, owner, acc in (("10001", "501", "7001"), ("10002", "502", "7002")):
        st, doc = s.post("/v1/wallets", {"id": wid, "owner_id": owner, "type": "personal", "class": 2,
                                         "bank_account_id": acc}, bank)
        assert st == 201, (st, doc)
    for cid, wid in (("2001", "10001"), ("2002", "10002")):
        st, doc = s.post(f"/v1/wallets/{wid}/topup", {"id": cid, "amount": "10000.00"}, bank)
        assert st == 201, (st, doc)
    st, doc = s.post("/v1/risk/rulesets", RULES, reg)
    t.eq(st, 200, "the one-rule set is activated")
    st, doc = s.post("/v1/wallets/10001/payments", {"id": "3001", "payee_id": "10002", "amount": "600.00"}, bank)
    t.eq(st, 201, "a payment of 600.00 from wallet 10001")
    st, doc = s.get("/v1/risk/alerts?typology=1", reg)
    alerts = (doc or {}).get("alerts", [])
    t.ok(len(alerts) == 1 and alerts[0].get("payer") == "10001", "one alert, its payer wallet 10001", alerts)
    alert_no = alerts[0]["alert"] if alerts else 0
    st, doc = s.post("/v1/risk/cases", {"case_id": "900", "alert": alert_no}, ra)
    t.eq(st, 201, "the analyst opens a case")
    st, doc = s.post("/v1/risk/cases/900/events", {"action": "close", "disposition": "frozen"}, ra)
    t.ok(st >= 400 and doc and doc.get("code") == "risk_disposition_denied", "an analyst may not close as frozen", doc)
    st, w = s.get("/v1/wallets/10001", reg)
    t.eq(w and w.get("controls"), [], "the refused close froze nothing")
    st, doc = s.post("/v1/risk/cases/900/events", {"action": "close", "disposition": "frozen",
                                                    "text": "funds of a suspected mule"}, co)
    t.eq(st, 200, "the compliance officer closes the case as frozen")
    t.eq(doc and (doc.get("status"), doc.get("disposition")), ("closed", "frozen"), "closed, frozen")
    t.eq(doc and doc.get("wallet_control"), {"wallet": "10001", "state": "frozen", "result": "ok"},
         "the answer says the payer wallet was frozen")
    st, w = s.get("/v1/wallets/10001", reg)
    controls = (w or {}).get("controls", [])
    t.ok(len(controls) == 1 and controls[0].get("authority") == "operator" and controls[0].get("state") == "frozen"
         and controls[0].get("reason") == "aml_investigation", "the wallet carries the operator's AML freeze", w)
    t.eq(w and w.get("can_pay"), False, "the frozen wallet cannot pay")
    st, doc = s.post("/v1/wallets/10001/payments", {"id": "3002", "payee_id": "10002", "amount": "1.00"}, bank)
    t.ok(st >= 400 and doc and doc.get("code") == "wallet_frozen", "a payment from it is refused", doc)
    t.eq(w and w.get("balance"), "9400.00", "balance 10,000.00 - 600.00")
    st, doc = s.post("/v1/wallets/10001/controls", {"id": "4001", "authority": "operator", "state": "none"}, bank)
    t.ok(st in (200, 201), "the operator lifts its freeze", doc)
    st, doc = s.post("/v1/wallets/10001/payments", {"id": "3003", "payee_id": "10002", "amount": "1.00"}, bank)
    t.eq(st, 201, "the wallet pays again")

    # retention: nothing here is 10 years old (the rule set keeps the default 3650 days)
    st, doc = s.post("/v1/risk/purge", {"before": "2026-01-01T00:00:00Z"}, reg)
    t.ok(st >= 400 and doc and doc.get("code") == "risk_retention_not_reached",
         "records younger than the retention period are not purged", doc)
    st, doc = s.post("/v1/risk/purge", {"before": "1990-01-01T00:00:00Z"}, reg)
    t.eq((st, doc), (200, {"more": False, "older_left": 0}), "a purge of what is older than 10 years runs")
    st, doc = s.get(f"/v1/risk/alerts/{alert_no}", reg)
    t.eq(st, 200, "the alert is still there")
    st, doc = s.post("/v1/risk/purge", {"before": "1990-01-01T00:00:00Z"}, co)
    t.eq(st, 403, "a compliance officer does not purge")
finally:
    s.cleanup()
t.done()
