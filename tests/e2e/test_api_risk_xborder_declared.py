#!/usr/bin/env python3
"""test_api_risk_xborder_declared.py — abnormal cross-border flows through the
real server with the default rule set (share/risk/default.json): declared
cross-border business (POST/GET /v1/risk/declarations), volume against it
(typology 14), splitting across remitters (typology 15), plain POST
/v1/transfers with a cross-border code (judged by the rules, not
name-screened), and the paged alert and case lists (limit, cursor,
next_cursor; szfin risk alerts --limit --after).

Expected values, derived by hand from the default rule set:
- typology 14, rule 23: the payer's cross-border outflow (codes 8000-8099) of
  the CST month, this transfer included, over its declared monthly volume, in
  basis points; alert at >= 15000 (150 %). Declared 100,000.00 CNY: a first
  transfer of 99,999.99 is 9999 bp (no alert); a second of 50,000.01 makes
  150,000.00 = 15000 bp: one alert. Neither amount is a multiple of 10,000
  (typology 11), and one payee only (fan-out needs 10 new payees).
- typology 15, rule 24: distinct cross-border remitters into one payee in
  24 h, this one included; alert at >= 5. Payers 3..7 each send 1,000.01 to 8
  with code 8001: the 4th makes 4 (no alert), the 5th makes 5 (one alert).
  A 6th transfer from payer 3 again (domestic code 0) is not cross-border:
  rule 24 filters it out, no alert.
- no screening alert (typology 0) is raised by POST /v1/transfers: it carries
  no counterparty name (docs/risk.md, "Screening")."""
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


def transfer(n, debit, credit, amount, code, token):
    body = {"id": str(n), "debit_account_id": str(debit), "credit_account_id": str(credit), "amount": amount,
            "currency": "CNY"}
    if code:
        body["code"] = code
    return s.post("/v1/transfers", body, token)


def alerts(token, typology):
    st, doc = s.get(f"/v1/risk/alerts?typology={typology}&limit=1000", token)
    return (doc or {}).get("alerts", [])


try:
    import json
    cb = s.token("central_bank")
    rg = s.token("regulator")
    co = s.token("compliance_officer", tenant=1)
    co2 = s.token("compliance_officer", tenant=2)
    ra = s.token("risk_analyst", tenant=1)
    for i in range(1, 9):
        st, _ = s.post("/v1/accounts", {"id": str(i), "currency": "CNY", "tenant_id": "1"}, cb)
        t.eq(st, 201, f"account {i} created")
    with open(DEFAULT, encoding="utf-8") as f:
        rules = json.load(f)
    st, _ = s.post("/v1/risk/rulesets", rules, rg)
    t.eq(st, 200, "the default rule set is active")

    # declarations: refusals change nothing
    decl = {"account": "1", "currency": "CNY", "monthly_volume": "100000.00"}
    st, doc = s.post("/v1/risk/declarations", dict(decl, currency="USD"), co)
    t.ok(st == 400 and doc and doc.get("code") == "currency_mismatch", "a declaration in another currency is refused",
         (st, doc))
    st, doc = s.post("/v1/risk/declarations", dict(decl, account="999"), co)
    t.eq(st, 404, "a declaration for a missing account is refused")
    st, doc = s.post("/v1/risk/declarations", dict(decl, monthly_volume="12.345"), co)
    t.eq(st, 400, "a declared volume with three decimals is refused")
    st, doc = s.post("/v1/risk/declarations", dict(decl, extra=1), co)
    t.eq(st, 400, "an unknown field is refused")
    st, doc = s.post("/v1/risk/declarations", decl, co2)
    t.ok(st >= 400 and doc and doc.get("code") == "out_of_scope", "another tenant's officer may not declare", (st, doc))
    st, doc = s.post("/v1/risk/declarations", decl, ra)
    t.eq(st, 403, "a risk analyst may not declare")
    st, doc = s.get("/v1/risk/declarations/1", rg)
    t.eq((doc or {}).get("monthly_volume", "missing"), None, "nothing declared after the refusals")
    st, doc = s.post("/v1/risk/declarations", decl, co)
    t.ok(st == 200 and doc and doc.get("monthly_volume") == "100000.00" and doc.get("currency") == "CNY",
         "the compliance officer declares 100,000.00 CNY a month", (st, doc))
    st, doc = s.get("/v1/risk/declarations/1", ra)
    t.eq((doc or {}).get("monthly_volume_minor"), "10000000", "the declaration reads back in minor units")

    # typology 14: volume against the declared business
    st, _ = transfer(101, 1, 2, "99999.99", 8001, cb)
    t.eq(st, 201, "cross-border 99,999.99 (9999 bp of the declaration)")
    t.eq(len(alerts(rg, 14)), 0, "below 150 %: no alert")
    st, _ = transfer(102, 1, 2, "50000.01", 8001, cb)
    t.eq(st, 201, "cross-border 50,000.01 brings the month to 150,000.00")
    got = alerts(rg, 14)
    t.eq(len(got), 1, "at 150 % of the declared volume: one alert")
    if got:
        c = got[0].get("contributions", [{}])[0]
        t.eq(str(c.get("value")), "15000", "its value is 15000 bp")
        t.ok("declared monthly" in got[0].get("explanation", {}).get("en", ""), "the explanation names the declaration",
             got[0].get("explanation"))

    # typology 15: splitting across remitters
    for k, payer in enumerate((3, 4, 5, 6)):
        st, _ = transfer(200 + k, payer, 8, "1000.01", 8001, cb)
        t.eq(st, 201, f"cross-border remitter {k + 1} into account 8")
    t.eq(len(alerts(rg, 15)), 0, "four distinct remitters: no alert")
    st, _ = transfer(204, 7, 8, "1000.01", 8001, cb)
    t.eq(len(alerts(rg, 15)), 1, "the fifth distinct remitter in 24 h: one alert")
    st, _ = transfer(205, 3, 8, "1000.01", 0, cb)
    t.eq(len(alerts(rg, 15)), 1, "a domestic transfer is not counted: still one alert")
    screening = [a for a in alerts(rg, 0) if a.get("typology") == 0]
    t.eq(len(screening), 0, "POST /v1/transfers with a cross-border code raises no screening alert (no name)")

    # paging: newest first, limit and cursor
    st, doc = s.get("/v1/risk/alerts?limit=1000", rg)
    every = [a["alert"] for a in (doc or {}).get("alerts", [])]
    t.ok(len(every) >= 2 and doc.get("next_cursor") is None, "one big page holds every alert", doc)
    seen, cursor, pages = [], None, 0
    while pages < 20:
        path = "/v1/risk/alerts?limit=1" + (f"&cursor={cursor}" if cursor else "")
        st, doc = s.get(path, rg)
        seen += [a["alert"] for a in (doc or {}).get("alerts", [])]
        cursor = (doc or {}).get("next_cursor")
        pages += 1
        if cursor is None:
            break
    t.eq(seen, every, "pages of one, followed by next_cursor, give every alert once, newest first")
    st, doc = s.get("/v1/risk/alerts?cursor=0", rg)
    t.ok(st == 400 and doc and doc.get("code") == "cursor_invalid", "cursor 0 is refused", doc)
    st, doc = s.get("/v1/risk/alerts?limit=0", rg)
    t.ok(st == 400 and doc and doc.get("code") == "limit_invalid", "limit 0 is refused", doc)
    st, doc = s.get("/v1/risk/alerts?page=2", rg)
    t.eq(st, 400, "an unknown query parameter is refused")
    for k, no in enumerate(every[:2]):
        st, _ = s.post("/v1/risk/cases", {"case_id": str(900 + k), "alert": no}, ra)
        t.eq(st, 201, f"case {900 + k} opened")
    st, doc = s.get("/v1/risk/cases?limit=1", ra)
    first = [c["case_id"] for c in (doc or {}).get("cases", [])]
    cursor = (doc or {}).get("next_cursor")
    t.ok(first == ["901"] and cursor is not None, "cases page 1 of 1 row: the newest, with a cursor", doc)
    st, doc = s.get(f"/v1/risk/cases?limit=1&cursor={cursor}", ra)
    t.ok([c["case_id"] for c in (doc or {}).get("cases", [])] == ["900"] and doc.get("next_cursor") is None,
         "cases page 2: the older case, no cursor after it", doc)

    # the CLI pages too
    tok = os.path.join(s.data_dir, "rg.token")
    with open(tok, "w") as f:
        f.write(rg)
    url = f"http://127.0.0.1:{s.port}"
    out = subprocess.run([BIN, "risk", "alerts", "--limit", "1", "--url", url, "--token-file", tok, "--json"],
                         capture_output=True, text=True)
    doc = json.loads(out.stdout) if out.returncode == 0 else {}
    t.ok([a["alert"] for a in doc.get("alerts", [])] == every[:1] and doc.get("next_cursor"),
         "szfin risk alerts --limit 1", out.stdout + out.stderr)
    out = subprocess.run([BIN, "risk", "alerts", "--limit", "1", "--after", str(doc.get("next_cursor")), "--url", url,
                          "--token-file", tok, "--json"], capture_output=True, text=True)
    doc2 = json.loads(out.stdout) if out.returncode == 0 else {}
    t.eq([a["alert"] for a in doc2.get("alerts", [])], every[1:2], "szfin risk alerts --after the cursor")
    out = subprocess.run([BIN, "risk", "status", "--limit", "1", "--url", url, "--token-file", tok],
                         capture_output=True, text=True)
    t.eq(out.returncode, 2, "--limit belongs to alerts and cases")

    # restart: the declaration comes back from the log
    s.stop()
    s.start()
    st, doc = s.get("/v1/risk/declarations/1", rg)
    t.eq((doc or {}).get("monthly_volume"), "100000.00", "after a restart the declaration is back")
    url = f"http://127.0.0.1:{s.port}"  # the restarted server's port
    cotok = os.path.join(s.data_dir, "co.token")
    with open(cotok, "w") as f:
        f.write(co)
    out = subprocess.run([BIN, "risk", "declare", "1", "CNY", "0", "--url", url, "--token-file", cotok, "--json"],
                         capture_output=True, text=True)
    t.ok(out.returncode == 0 and json.loads(out.stdout or "{}").get("monthly_volume", "x") is None,
         "szfin risk declare ... 0 withdraws the declaration", out.stdout + out.stderr)
    out = subprocess.run([BIN, "risk", "declaration", "1", "--url", url, "--token-file", tok, "--json"],
                         capture_output=True, text=True)
    t.ok(out.returncode == 0 and json.loads(out.stdout or "{}").get("monthly_volume", "x") is None,
         "szfin risk declaration reads it back", out.stdout + out.stderr)
finally:
    s.cleanup()
t.done()
