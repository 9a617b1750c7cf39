#!/usr/bin/env python3
"""test_api_screening_registration.py — screening at wallet opening and at
enterprise registration, through the real server, on the shipped made-up list
share/risk/watchlist-test.tsv (szfin-test, version 1).

Expected values come from the list file, not from the matcher: the list
names T0012 "Maria Fernanda Ortega" (Latin), T0002 张伟华 (simplified Han),
T0001 陳志明 (traditional Han) and T0003 黄晓东, whose Hanyu Pinyin reading is
"Huang Xiaodong" (黄 huáng, 晓 xiǎo, 东 dōng; the list itself gives only the
Cantonese "Wong Hiu Tung"), and the enterprise T0009 深圳市恒通贸易有限公司.
Each, given as a wallet's holder_name or an enterprise's name, is the
listed name or its reading, so it scores at or above the default threshold
(900 per mille) against that entry and opens a screening alert (typology 0)
with the registration, naming list szfin-test version 1 and the entry;
"Robert Smith" shares no surname or given name with any entry: clear, no
alert. A retry of an open wallet is not screened again (no second alert). A
server without a watch list opens the wallet, screens nothing and says so.
A cross-border transfer (code in the cross-border range: with no rule set in
force, the default set's 8000-8099) to "Golden Bridge Remittance Ltd" (T0011,
listed as such) is booked with an alert on the debit account; to "Robert
Smith" it is booked clear; a code outside the range is refused, nothing booked.
After a kill and a restart with the snapshots removed, the replayed log gives
the same alerts.

The credit defect: 91440300MA5FC0DE2 + its 18th character is a valid code
(tests/e2e/test_api_credit.py). Its organization code MA5FC0DE has the GB
11714 check character 2: weights 3 7 9 10 5 8 4 2 over M=22 A=10 5 F=15 C=12
0 D=13 E=14 give 66+70+45+150+60+0+52+28 = 471, 471 mod 11 = 9, 11-9 = 2.
With a 3 in position 17 and a correct 18th character (GB 32100, recomputed
below), the problem is uscc_bad_organization_check_character naming '2'."""
import glob
import json
import os
import signal
import sys

sys.path.insert(0, os.path.dirname(__file__))
from api_harness import Server, Tap, uscc  # noqa: E402

HITS = (  # (wallet id, holder name, listed entry)
    ("30001", "Maria Fernanda Ortega", "T0012"),
    ("30002", "张伟华", "T0002"),
    ("30003", "陳志明", "T0001"),
    ("30004", "Huang Xiaodong", "T0003"),
)

t = Tap()
s = Server().start()
bare = None
try:
    cb = s.token("central_bank", name="pboc")
    bank = s.token("operator", tenant=1, name="bank")
    reg = s.token("regulator", name="reg")
    st, doc = s.post("/v1/operators", {"id": "1001", "tenant_id": "1", "type": "bank", "name": "Nanshan Bank"}, cb)
    t.eq(st, 201, "operator 1 registered")

    def open_wallet(wid, name=None, srv=None, token=None):
        body = {"id": wid, "owner_id": str(int(wid) + 100000), "type": "personal", "class": 2}
        if name is not None:
            body["holder_name"] = name
        return (srv or s).post("/v1/wallets", body, token or bank)

    alerts = {}
    for wid, name, entry in HITS:
        st, doc = open_wallet(wid, name)
        sc = (doc or {}).get("screening", {})
        t.ok(st == 201 and sc.get("status") == "hit" and sc.get("entry", {}).get("id") == entry
             and sc.get("score", 0) >= 900 and sc.get("threshold") == 900 and sc.get("alert") is not None,
             f"wallet of {name}: opened, hit {entry} at or above 900, alert opened", (st, doc))
        t.ok(sc.get("list") == "szfin-test" and sc.get("list_version") == 1,
             f"{name}: the answer names the list and its version", sc)
        alerts[wid] = (sc.get("alert"), entry, sc.get("score"))
        st, a = s.get(f"/v1/risk/alerts/{sc.get('alert')}", reg)
        t.ok(st == 200 and a and a.get("typology") == 0 and a.get("payer") == wid and a.get("transfer_id") == wid
             and a.get("score") == sc.get("score") and a.get("report") == "suspicious",
             f"{name}: the alert is typology 0 on the wallet, with the hit's score", a)
        t.ok(a and f"entry {entry} of watch list szfin-test version 1" in a.get("explanation", {}).get("en", ""),
             f"{name}: the alert shows the list version and the entry", a)

    st, doc = open_wallet("30005", "Robert Smith")
    sc = (doc or {}).get("screening", {})
    t.ok(st == 201 and sc.get("status") == "clear" and sc.get("alert") is None and sc.get("score", 1000) < 900,
         "a clean name: wallet opened, screening clear, no alert", (st, doc))
    st, doc = open_wallet("30006")
    t.ok(st == 201 and (doc or {}).get("screening", {}).get("status") == "not_screened",
         "no holder_name: opened, not screened, and the answer says so", doc)
    st, doc = open_wallet("30001", "Maria Fernanda Ortega")
    t.ok(st == 200 and (doc or {}).get("screening", {}).get("status") == "not_screened",
         "a retry of an open wallet answers 200 and is not screened again", (st, doc))
    st, doc = s.post("/v1/wallets", {"id": "30007", "owner_id": "1", "type": "personal", "class": 2,
                                     "holder_name": "\u00ff" * 200}, bank)
    t.ok(st == 400 and doc and doc.get("code") == "field_invalid", "an over-long holder name is refused", (st, doc))
    st, doc = s.get("/v1/wallets/30007", reg)
    t.eq(st, 404, "and nothing was opened")

    # ---- enterprises ------------------------------------------------------------
    base = "/v1/credit/enterprises"
    ent = {"id": "40001", "uscc": uscc("91440300MA5FC0DE2"), "name": "深圳市恒通贸易有限公司", "industry": "F5191",
           "registered_capital": "1000000.00", "founded": "2015-06-01"}
    st, doc = s.post(base, ent, cb)
    sc = (doc or {}).get("screening", {})
    t.ok(st == 201 and sc.get("status") == "hit" and sc.get("entry", {}).get("id") == "T0009"
         and sc.get("alert") is not None, "a listed enterprise name: registered, hit T0009, alert opened", (st, doc))
    st, a = s.get(f"/v1/risk/alerts/{sc.get('alert')}", reg)
    t.ok(st == 200 and a and a.get("typology") == 0 and a.get("payer") == "40001"
         and "entry T0009 of watch list szfin-test version 1" in a.get("explanation", {}).get("en", ""),
         "the enterprise's alert shows the list version and the entry", a)
    st, doc = s.post(base, dict(ent, id="40002", uscc=uscc("91440301MA5FC0DE2"), name="Robert Smith Consulting"), cb)
    t.ok(st == 201 and (doc or {}).get("screening", {}).get("status") == "clear"
         and doc["screening"].get("alert") is None, "a clean enterprise name: clear, no alert", (st, doc))
    bad17 = uscc("91440300MA5FC0DE3")
    st, doc = s.post(base, dict(ent, id="40003", uscc=bad17), cb)
    t.ok(st == 400 and doc and doc.get("code") == "uscc_bad_organization_check_character"
         and "'2'" in doc.get("detail", ""), "a wrong 17th character is refused and the right one named", (st, doc))
    st, doc = s.get(f"{base}/{bad17}", cb)
    t.ok(st == 400 and doc and doc.get("code") == "uscc_bad_organization_check_character"
         and "'2'" in doc.get("detail", ""), "the same problem for the code in a path", (st, doc))

    # ---- cross-border transfers ------------------------------------------------------
    # No rule set is in force here: the cross-border codes are the default set's 8000-8099.
    for aid in ("7000", "7002"):
        st, doc = s.post("/v1/accounts", {"id": aid, "kind": "general", "owner_id": "1", "currency": "CNY"}, bank)
        t.eq(st, 201, f"account {aid}")
    xb = "/v1/risk/cross-border-transfers"

    def xfer(tid, code):
        return {"id": tid, "debit_account_id": "7000", "credit_account_id": "7002", "amount": "1200.00",
                "currency": "CNY", "code": code}

    st, doc = s.post(xb, {"transfer": xfer("50001", 8001), "counterparty_name": "Golden Bridge Remittance Ltd"}, bank)
    sc = (doc or {}).get("screening", {})
    t.ok(st == 201 and doc.get("id") == "50001" and sc.get("status") == "hit"
         and sc.get("entry", {}).get("id") == "T0011" and sc.get("alert") is not None,
         "a cross-border transfer to a listed counterparty: booked, hit T0011, alert opened", (st, doc))
    st, a = s.get(f"/v1/risk/alerts/{sc.get('alert')}", reg)
    t.ok(st == 200 and a and a.get("typology") == 0 and a.get("payer") == "7000" and a.get("transfer_id") == "50001"
         and "entry T0011 of watch list szfin-test version 1" in a.get("explanation", {}).get("en", ""),
         "the alert names the debit account, the transfer, the list version and the entry", a)
    st, doc = s.post(xb, {"transfer": xfer("50002", 8002), "counterparty_name": "Robert Smith"}, bank)
    t.ok(st == 201 and (doc or {}).get("screening", {}).get("status") == "clear"
         and doc["screening"].get("alert") is None, "a clean counterparty: booked, clear, no alert", (st, doc))
    st, doc = s.post(xb, {"transfer": xfer("50003", 100), "counterparty_name": "Robert Smith"}, bank)
    t.ok(st == 400 and doc and doc.get("code") == "risk_not_cross_border", "a domestic code is refused", (st, doc))
    st, doc = s.get("/v1/transfers/50003", reg)
    t.eq(st, 404, "and nothing was booked")
    st, doc = s.post(xb, {"transfer": xfer("50004", 8003)}, bank)
    t.ok(st == 400 and doc and doc.get("code") == "field_missing", "the counterparty name is required", (st, doc))

    st, doc = s.get("/v1/risk/alerts?typology=0", reg)
    before = sorted(json.dumps(a, sort_keys=True) for a in (doc or {}).get("alerts", []))
    t.eq(len(before), 6, "six screening alerts: four wallets, one enterprise, one cross-border transfer")
    s.stop(signal.SIGKILL)  # no snapshot at close; and any periodic one removed: the log is replayed
    for snap in glob.glob(os.path.join(s.data_dir, "snapshots", "*")):
        os.unlink(snap)
    s.start()
    st, doc = s.get("/v1/risk/alerts?typology=0", reg)
    after = sorted(json.dumps(a, sort_keys=True) for a in (doc or {}).get("alerts", []))
    t.eq(after, before, "after a restart the replayed log gives the same screening alerts")
    for wid, (alert_no, entry, score) in alerts.items():
        st, a = s.get(f"/v1/risk/alerts/{alert_no}", reg)
        t.ok(st == 200 and a.get("payer") == wid and a.get("score") == score
             and f"entry {entry} " in a.get("explanation", {}).get("en", ""), f"alert {alert_no} reads back", a)

    # ---- no watch list ------------------------------------------------------------
    bare = Server(env={"SZFIN_RISK_WATCHLIST": "/nonexistent/watchlist.tsv"}).start()
    cb2 = bare.token("central_bank", name="pboc")
    bank2 = bare.token("operator", tenant=1, name="bank")
    st, doc = bare.post("/v1/operators", {"id": "1001", "tenant_id": "1", "type": "bank", "name": "Nanshan Bank"}, cb2)
    t.eq(st, 201, "second server: operator 1")
    st, doc = open_wallet("30001", "Maria Fernanda Ortega", srv=bare, token=bank2)
    sc = (doc or {}).get("screening", {})
    t.ok(st == 201 and sc.get("status") == "not_screened" and "no watch list" in sc.get("detail", ""),
         "no watch list active: the wallet opens, nothing is screened, the answer says so", (st, doc))
    st, doc = bare.get("/v1/risk/alerts?typology=0", bare.token("regulator", name="reg"))
    t.eq(len((doc or {}).get("alerts", [])), 0, "and no alert")
finally:
    s.cleanup()
    if bare is not None:
        bare.cleanup()
t.done()
