#!/usr/bin/env python3
"""test_api_risk.py — the risk / AML domain (src/risk/) end to end through the
real server: the default rule set (share/risk/default.json) is activated; a
planted structuring run and a large-value transfer raise alerts with their
explanations; the interdicted transfer is refused and changes no balance;
cases go through their lifecycle with the analyst / compliance-officer roles
and tenant scope; reports export as JSON and CSV; bad rule sets change nothing.

Expected values, derived by hand from the default rule set:
- structuring (typology 5, rule 9: same-day transfers from one account with
  45,000.00 <= amount < 50,000.00; bands 3 -> 40, 5 -> 80, 7 -> 100; alert at
  80, interdiction at 100): six transfers of 49,800.00 pass; the 5th and 6th
  score 80 (alerts), the 7th scores 100 and is refused, and its refusal says
  it is "the 7th same-day transfer between 45,000.00 and 50,000.00 CNY";
- large value (typology 2, rule 3: institution transfer >= 2,000,000.00 CNY,
  general accounts are institutions in the default set): 2,000,000.00 alerts,
  1,999,999.99 on another day-pair does not (rule 4's cumulative of that
  second payer stays below 2,000,000.00)."""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from api_harness import BIN, Server, Tap, wait_out_cst_midnight  # noqa: E402

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
DEFAULT = os.path.join(ROOT, "share", "risk", "default.json")


wait_out_cst_midnight()
t = Tap()
s = Server().start()


def transfer(n, debit, credit, amount, token):
    return s.post("/v1/transfers", {"id": str(n), "debit_account_id": str(debit), "credit_account_id": str(credit),
                                    "amount": amount, "currency": "CNY"}, token)


def balance(account, token):
    st, doc = s.get(f"/v1/accounts/{account}", token)
    return doc and (doc.get("debits_posted"), doc.get("credits_posted"))


try:
    cb = s.token("central_bank")
    rg = s.token("regulator")
    op = s.token("operator", tenant=1)
    ra = s.token("risk_analyst", tenant=1)
    co = s.token("compliance_officer", tenant=1)
    ra2 = s.token("risk_analyst", tenant=2)
    st, doc = s.post("/v1/tokens", {"role": "risk_analyst", "name": "no tenant"}, s.admin)
    t.ok(st >= 400 and doc and doc.get("code") == "tenant_required", "a risk analyst token needs a tenant", doc)

    for i in (1, 2, 3, 4, 5, 6):
        st, _ = s.post("/v1/accounts", {"id": str(i), "currency": "CNY", "tenant_id": "1"}, cb)
        t.eq(st, 201, f"account {i} created")

    with open(DEFAULT, encoding="utf-8") as f:
        rules = json.load(f)
    st, doc = s.post("/v1/risk/rulesets", rules, op)
    t.eq(st, 403, "an operator may not activate a rule set")
    bad = dict(rules, rulez=[])
    st, doc = s.post("/v1/risk/rulesets", bad, rg)
    t.ok(st == 400 and doc and doc.get("code") == "risk_ruleset_invalid" and "rulez" in doc.get("detail", ""),
         "an unknown field in a rule set is refused, naming it", doc)
    bad = json.loads(json.dumps(rules))
    bad["typologies"][0]["rules"][0]["rule"] = 99
    st, doc = s.post("/v1/risk/rulesets", bad, rg)
    t.ok(st == 400 and "rule 99" in (doc or {}).get("detail", ""), "a typology naming a missing rule is refused", doc)
    st, doc = s.get("/v1/risk/rulesets", rg)
    t.eq(doc and doc.get("versions"), [], "refused rule sets changed nothing")
    st, doc = s.post("/v1/risk/rulesets", rules, rg)
    t.eq(st, 200, "a regulator activates the default rule set")
    t.eq([v["version"] for v in (doc or {}).get("versions", [])], [1], "version 1 is kept")
    st, doc = s.post("/v1/risk/rulesets", rules, rg)
    t.ok(st >= 400 and doc and doc.get("code") == "risk_version_not_newer", "the same version twice is refused", doc)

    # structuring: seven transfers of 49,800.00 from account 1 on one day
    for k in range(1, 7):
        st, doc = transfer(100 + k, 1, 2, "49800.00", cb)
        t.eq(st, 201, f"structuring transfer {k} of 49,800.00 passes")
    before = balance(1, cb)
    st, doc = transfer(107, 1, 2, "49800.00", cb)
    t.ok(st >= 400 and doc and doc.get("code") == "risk_interdicted", "the 7th is interdicted", (st, doc))
    t.eq(balance(1, cb), before, "the interdicted transfer moved nothing")
    st, doc = s.get("/v1/transfers/107", cb)
    t.eq(st, 404, "the interdicted transfer is not in the ledger")

    st, doc = s.get("/v1/risk/alerts?typology=5", rg)
    alerts = (doc or {}).get("alerts", [])
    t.eq([a["transfer_id"] for a in alerts], ["106", "105"], "alerts on the 6th and 5th transfers, newest first")
    t.eq([a["score"] for a in alerts], [80, 80], "each scores 80")
    a5 = alerts[-1] if alerts else {}
    t.eq(a5.get("contributions", [{}])[0].get("value"), "5", "the 5th transfer's count is 5")
    t.ok("the 5th same-day transfer between 45,000.00 and 50,000.00 CNY from this account"
         in a5.get("explanation", {}).get("en", ""), "English explanation", a5.get("explanation"))
    t.ok("当日第5笔45,000.00至50,000.00元之间的转出交易" in a5.get("explanation", {}).get("zh", ""),
         "Chinese explanation", a5.get("explanation"))
    t.eq(a5.get("baseline", {}).get("same_day_out_count"), 4, "baseline: four earlier transfers today")
    t.eq(a5.get("baseline", {}).get("same_day_outflow"), "199200.00", "baseline: 4 x 49,800.00 out today")
    t.eq(a5.get("evidence", {}).get("transfers"), ["105", "104", "103", "102", "101"],
         "evidence: this transfer and the four before it")
    t.eq(a5.get("ruleset_version"), 1, "the alert names the rule-set version")

    st, doc = s.get("/v1/risk/alerts?kind=refusals", rg)
    refusals = (doc or {}).get("alerts", [])
    t.eq(len(refusals), 1, "one refusal")
    r7 = refusals[0] if refusals else {}
    t.ok(r7.get("interdicted") is True and r7.get("score") == 100, "the refusal is an alert with score 100", r7)
    t.ok("transfer of 49,800.00 CNY is the 7th same-day transfer between 45,000.00 and 50,000.00 CNY from this account"
         in r7.get("explanation", {}).get("en", ""), "the refusal explains itself", r7.get("explanation"))

    # large value: institution transfer at the threshold, and one fen below
    st, _ = transfer(200, 3, 4, "2000000.00", cb)
    t.eq(st, 201, "a 2,000,000.00 transfer passes (large value is reported, not refused)")
    st, _ = transfer(201, 5, 6, "1999999.99", cb)
    t.eq(st, 201, "a 1,999,999.99 transfer passes")
    st, doc = s.get("/v1/risk/alerts?typology=2", rg)
    large = (doc or {}).get("alerts", [])
    t.eq([a["transfer_id"] for a in large], ["200"], "only the transfer at 2,000,000.00 is large value")
    t.ok(large and large[0]["report"] == "large_value" and large[0]["report_due"] is not None,
         "a large-value alert has a report due date", large)
    t.ok(large and "transfer of 2,000,000.00 CNY is at or above 2,000,000.00 CNY" in large[0]["explanation"]["en"],
         "large-value explanation", large and large[0]["explanation"])

    # scope: an analyst of tenant 2 sees none of tenant 1's alerts
    st, doc = s.get("/v1/risk/alerts", ra2)
    t.eq((st, doc and doc.get("alerts")), (200, []), "an analyst of another tenant sees no alerts")
    st, doc = s.get("/v1/risk/alerts", ra)
    t.eq(st, 200, "the tenant's analyst reads its alerts")
    t.ok(len((doc or {}).get("alerts", [])) >= 3, "the analyst sees the tenant's alerts", doc)

    # cases
    alert_no = a5.get("alert")
    st, doc = s.post("/v1/risk/cases", {"case_id": "900", "alert": alert_no}, op)
    t.eq(st, 403, "an operator may not open a case")
    st, doc = s.post("/v1/risk/cases", {"case_id": "900", "alert": alert_no}, ra2)
    t.ok(st >= 400 and doc and doc.get("code") == "risk_alert_not_found", "another tenant's analyst cannot reach the alert", doc)
    st, doc = s.post("/v1/risk/cases", {"case_id": "900", "alert": alert_no, "text": "structuring suspected"}, ra)
    t.eq(st, 201, "the analyst opens a case")
    t.eq(doc and doc.get("status"), "open", "the case is open")
    st, doc = s.post("/v1/risk/cases", {"case_id": "900", "alert": alert_no}, ra)
    t.ok(st >= 400 and doc and doc.get("code") == "risk_case_exists", "a case id is used once", doc)
    for body, name in (({"action": "assign", "assignee": "77"}, "assign"),
                       ({"action": "comment", "text": "seven transfers just under 50,000"}, "comment"),
                       ({"action": "escalate", "text": "to compliance"}, "escalate")):
        st, doc = s.post("/v1/risk/cases/900/events", body, ra)
        t.eq(st, 200, f"the analyst can {name}")
    t.eq(doc and (doc.get("status"), doc.get("escalation_level"), doc.get("assignee")), ("escalated", 1, "77"),
         "escalated once, assigned")
    st, doc = s.post("/v1/risk/cases/900/events", {"action": "close", "disposition": "reported"}, ra)
    t.ok(st >= 400 and doc and doc.get("code") == "risk_disposition_denied", "an analyst may not close as reported", doc)
    st, doc = s.post("/v1/risk/cases/900/events", {"action": "close"}, co)
    t.ok(st == 400 and doc and doc.get("code") == "field_missing", "closing needs a disposition", doc)
    st, doc = s.post("/v1/risk/cases/900/events", {"action": "close", "disposition": "reported"}, co)
    t.eq(st, 200, "the compliance officer closes the case as reported")
    t.eq(doc and (doc.get("status"), doc.get("disposition")), ("closed", "reported"), "closed, reported")
    t.eq([h["action"] for h in (doc or {}).get("history", [])], ["open", "assign", "comment", "escalate", "close"],
         "the history keeps every step in order")
    st, doc = s.post("/v1/risk/cases/900/events", {"action": "comment", "text": "late"}, co)
    t.ok(st >= 400 and doc and doc.get("code") == "risk_case_closed", "a closed case takes no more events", doc)
    st, doc = s.get("/v1/risk/cases/900", ra2)
    t.eq(st, 404, "another tenant's analyst cannot read the case")

    # reports
    st, doc = s.get("/v1/risk/reports?kind=large_value", ra)
    t.eq(st, 403, "an analyst may not export reports")
    st, doc, payload, resp = s.request("GET", "/v1/risk/reports?kind=large_value&format=csv", token=co)
    lines = payload.decode().strip().split("\r\n") if st == 200 else []
    t.eq(st, 200, "the compliance officer exports the large-value report as CSV")
    t.ok(lines and lines[0].startswith("report_type,alert,institution_tenant,transaction_time,transaction_id,amount"),
         "CSV header", lines[:1])
    t.ok(len(lines) == 2 and ",200,2000000.00,CNY,transfer," in lines[1] and lines[1].startswith("BH,"),
         "one large-value row for transfer 200", lines)
    st, doc = s.get("/v1/risk/reports?kind=suspicious&format=json", co)
    rows = (doc or {}).get("rows", [])
    t.eq(sorted(r["transaction_id"] for r in rows if r["typology"] == "5"), ["105", "106", "107"],
         "the suspicious report has the two structuring alerts and the refusal")
    t.eq([r["status"] for r in rows if r["alert"] == alert_no], ["reported"], "the reported alert's row says so")
    st, doc = s.get("/v1/risk/reports?kind=nonsense", co)
    t.eq(st, 400, "an unknown report kind is refused")

    # the CLI
    env = dict(os.environ, SZFIN_URL=f"http://127.0.0.1:{s.port}")
    tok = os.path.join(s.data_dir, "rg.token")
    with open(tok, "w") as f:
        f.write(rg)
    out = subprocess.run([BIN, "risk", "check", DEFAULT], capture_output=True, text=True)
    t.ok(out.returncode == 0 and "24 rules, 15 typologies" in out.stdout, "szfin risk check reads the default set",
         out.stdout + out.stderr)
    out = subprocess.run([BIN, "risk", "status", "--url", f"http://127.0.0.1:{s.port}", "--token-file", tok, "--json"],
                         capture_output=True, text=True)
    t.ok(out.returncode == 0 and '"version_in_force": 1' in out.stdout.replace('":1', '": 1'),
         "szfin risk status", out.stdout + out.stderr)

    # restart: alerts, refusals and cases come back from the log
    s.stop()
    s.start()
    st, doc = s.get("/v1/risk/status", rg)
    t.ok(doc and doc.get("refusal_count") == 1 and doc.get("case_count") == 1 and doc.get("version_in_force") == 1,
         "after a restart the refusal, the case and the version are back", doc)
finally:
    s.cleanup()
t.done()
