#!/usr/bin/env python3
"""test_api_contract_escrow_rules.py — prepaid escrow refinements as
Shenzhen's 元管家 supervises prepaid funds, end to end on the real binary:

  * a cooling-off period (the template's cooling_off_s): a cancellation in
    it refunds everything the escrow still holds, delivered sessions
    included; after it, delivered sessions are paid and only the rest is
    refunded; what was already released stays the merchant's;
  * a merchant's risk status (normal, watch, high; set by its operator, the
    central bank or a regulator): at high it takes no new prepayment,
    while running escrows go on;
  * versioned templates: a contract records the version it was made under,
    and a new version never changes running contracts;
  * a proportional freeze of the merchant's prepaid funds: a share of each
    release is held in the escrow until it completes or is cancelled (then
    the merchant's) or the merchant is insolvent (then the consumer's).

The server checks every domain invariant after each batch
(SZFIN_CHECK_INVARIANTS=1). Balances are derived by hand in the comments."""
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from api_harness import BIN, Server, Tap  # noqa: E402

ENV = {"SZFIN_CHECK_INVARIANTS": "1"}
t = Tap()
s = Server(env=ENV).start()
restarted = None


def problem(st, doc, status, code, name):
    t.ok(st == status and isinstance(doc, dict) and doc.get("code") == code, name, f"status {st} doc {doc}")


try:
    cb = s.token("central_bank", name="pboc")
    bank = s.token("operator", tenant=1, name="bank")
    gym = s.token("merchant", tenant=1, owner=601, name="gym")
    reg = s.token("regulator", name="reg")

    def balance(wid, srv=None):
        st, doc = (srv or s).get(f"/v1/wallets/{wid}", reg)
        assert st == 200, (st, doc)
        return doc["balance"]

    st, doc = s.post("/v1/operators", {"id": "1001", "tenant_id": "1", "type": "bank", "name": "Nanshan Bank"}, cb)
    assert st == 201, (st, doc)
    for cid, route in (("1101", "reserve"), ("1201", "issue")):
        st, doc = s.post(f"/v1/operators/1/{route}", {"id": cid, "amount": "100000.00"}, cb)
        assert st == 201, (st, doc)
    st, doc = s.post("/v1/accounts", {"id": "7000", "kind": "general", "owner_id": "1", "currency": "CNY"}, bank)
    assert st == 201, (st, doc)
    st, doc = s.post("/v1/accounts", {"id": "7001", "kind": "bank_deposit", "owner_id": "501", "currency": "CNY",
                                      "flags": ["debits_must_not_exceed_credits"]}, bank)
    assert st == 201, (st, doc)
    st, doc = s.post("/v1/transfers", {"id": "7100", "debit_account_id": "7000", "credit_account_id": "7001",
                                       "amount": "10000.00", "currency": "CNY"}, bank)
    assert st == 201, (st, doc)
    st, doc = s.post("/v1/wallets", {"id": "10001", "owner_id": "501", "type": "personal", "class": 2,
                                     "bank_account_id": "7001"}, bank)
    assert st == 201, (st, doc)
    st, doc = s.post("/v1/wallets", {"id": "20001", "owner_id": "601", "type": "merchant", "class": 2, "mcc": 7997}, bank)
    assert st == 201 and doc.get("risk_status") == "normal", (st, doc)
    st, doc = s.post("/v1/wallets/10001/topup", {"id": "2001", "amount": "5000.00"}, bank)
    assert st == 201, (st, doc)
    # consumer C 10001: 5,000.00   gym M 20001: 0.00

    def template(tid, cooling, kind="prepaid_escrow", **extra):
        body = {"id": tid, "kind": kind, "name": "gym", "max_sessions": 12, "auto_confirm_s": 3600,
                "max_duration_s": 86400, "cooling_off_s": cooling}
        body.update(extra)
        return s.post("/v1/contract-templates", body, bank)

    st, doc = template("5009", 600, kind="subsidy", mcc=[5411])
    problem(st, doc, 422, "template_invalid", "only an escrow template has a cooling-off period")
    st, doc = template("5001", 3600)
    t.ok(st == 201, "an escrow template with a one-hour cooling-off period", (st, doc))
    st, doc = template("5002", 1)
    t.ok(st == 201, "and one with a one-second cooling-off period", (st, doc))

    def escrow(cid, tmpl, sessions):
        return s.post("/v1/contracts", {"kind": "prepaid_escrow", "id": cid, "template_id": tmpl,
                                        "consumer_wallet_id": "10001", "merchant_wallet_id": "20001",
                                        "session_amount": "100.00", "sessions": sessions}, bank)

    def event(cid, eid, etype, party):
        return s.post(f"/v1/contracts/{cid}/events", {"id": eid, "type": etype, "party_id": party}, bank)

    # ---- cooling-off: everything held comes back ------------------------------------------------------------
    st, doc = escrow("41001", "5001", 3)
    t.ok(st == 201 and int(doc["terms"].get("cooling_off_until_ns", 0)) > 0, "a 3 x 100.00 escrow shows its cooling-off end",
         (st, doc))
    st, doc = event("41001", "41101", "deliver", "20001")
    t.ok(st == 201 and doc["delivered"] == 1, "the gym delivers session 1", (st, doc))
    st, doc = event("41001", "41102", "cancel", "10001")
    t.ok(st == 201 and doc["status"] == "cancelled" and doc["money"]["refunded"] == "300.00"
         and doc["money"]["paid"] == "0.00" and doc["events"][-1]["type"] == "cooling_off_refund",
         "a cancellation in the cooling-off period refunds all 300.00, the delivered session too", (st, doc))
    # C 5,000 - 300 + 300 = 5,000.00; M 0.00
    t.eq((balance("10001"), balance("20001")), ("5000.00", "0.00"), "the consumer has all of it back")

    # ---- after the cooling-off: the delivered session is paid -------------------------------------------------
    st, doc = escrow("41002", "5002", 3)
    assert st == 201, (st, doc)
    st, doc = event("41002", "41201", "deliver", "20001")
    assert st == 201, (st, doc)
    time.sleep(1.3)
    st, doc = event("41002", "41202", "cancel", "10001")
    t.ok(st == 201 and doc["status"] == "cancelled" and doc["money"]["paid"] == "100.00"
         and doc["money"]["refunded"] == "200.00" and doc["events"][-1]["type"] == "cancelled",
         "after the cooling-off the delivered session is paid and 200.00 refunded", (st, doc))
    # C 5,000 - 300 + 200 = 4,900.00; M 100.00
    t.eq((balance("10001"), balance("20001")), ("4900.00", "100.00"), "balances after the late cancellation")

    # ---- a released session stays the merchant's, even in the cooling-off period --------------------------------
    st, doc = escrow("41003", "5001", 2)
    assert st == 201, (st, doc)
    st, doc = event("41003", "41301", "deliver", "20001")
    assert st == 201, (st, doc)
    st, doc = event("41003", "41302", "confirm", "10001")
    assert st == 201 and doc["money"]["paid"] == "100.00", (st, doc)
    st, doc = event("41003", "41303", "cancel", "10001")
    t.ok(st == 201 and doc["money"]["refunded"] == "100.00" and doc["money"]["paid"] == "100.00",
         "a cooling-off cancellation refunds what is held (100.00), not what was released", (st, doc))
    # C 4,900 - 200 + 100 = 4,800.00; M 200.00
    t.eq((balance("10001"), balance("20001")), ("4800.00", "200.00"), "balances after it")

    # ---- merchant risk status ----------------------------------------------------------------------------
    st, doc = escrow("41004", "5001", 2)
    assert st == 201, (st, doc)
    # C 4,600.00 (41004 holds 200.00)
    st, doc = s.post("/v1/wallets/20001/risk-status", {"id": "6001", "status": "high"}, gym)
    problem(st, doc, 403, "forbidden", "a merchant does not set its own risk status")
    st, doc = s.post("/v1/wallets/10001/risk-status", {"id": "6002", "status": "high"}, reg)
    problem(st, doc, 422, "wallet_type_invalid", "a risk status is a merchant's")
    st, doc = s.post("/v1/wallets/20001/risk-status", {"id": "6003", "status": "alarming"}, reg)
    problem(st, doc, 400, "field_invalid", "an unknown status is refused")
    st, doc = s.post("/v1/wallets/20001/risk-status", {"id": "6004", "status": "high", "reason": "suspected_fraud"}, reg)
    t.ok(st == 201 and doc.get("risk_status") == "high", "the regulator marks the gym high-risk", (st, doc))
    st, doc = escrow("41005", "5001", 2)
    problem(st, doc, 422, "merchant_at_risk", "a high-risk merchant takes no new prepayment")
    t.eq(balance("10001"), "4600.00", "the refused prepayment took nothing")
    st, doc = event("41004", "41401", "deliver", "20001")
    t.ok(st == 201, "a running escrow goes on: the gym delivers", (st, doc))
    st, doc = event("41004", "41402", "confirm", "10001")
    t.ok(st == 201 and doc["money"]["paid"] == "100.00", "and the consumer confirms", (st, doc))
    # M 200 + 100 = 300.00
    st, doc = s.post("/v1/wallets/20001/risk-status", {"id": "6005", "status": "watch"}, bank)
    t.ok(st == 201 and doc.get("risk_status") == "watch", "the operator lowers it to watch", (st, doc))
    st, doc = escrow("41005", "5001", 2)
    t.ok(st == 201, "under watch the merchant takes prepayments again", (st, doc))
    # C 4,600 - 200 = 4,400.00
    t.eq((balance("10001"), balance("20001")), ("4400.00", "300.00"), "balances follow the hand derivation")

    env = dict(os.environ, SZFIN_URL=f"http://127.0.0.1:{s.port}", SZFIN_TOKEN=reg)
    out = subprocess.run([BIN, "currency", "--json", "wallet", "risk-status", "20001", "--id", "6006", "--status", "high",
                          "--reason", "sanctions"], capture_output=True, text=True, timeout=30, env=env)
    t.ok(out.returncode == 0 and json.loads(out.stdout).get("risk_status") == "high",
         "szfin currency wallet risk-status sets it from the command line", (out.returncode, out.stdout, out.stderr))
    st, doc = s.post("/v1/wallets/20001/risk-status", {"id": "6007", "status": "watch"}, bank)
    assert st == 201, (st, doc)

    # ---- versioned templates: a new version never changes running contracts -----------------------------------
    st, doc = escrow("41006", "5001", 2)
    t.ok(st == 201 and doc["terms"]["template_version"] == 1 and "cooling_off_until_ns" in doc["terms"],
         "an escrow made under version 1 records it", (st, doc))
    # C 4,400 - 200 = 4,200.00
    v2 = {"id": "5101", "version": 2, "kind": "prepaid_escrow", "name": "gym", "max_sessions": 12, "auto_confirm_s": 3600,
          "max_duration_s": 86400, "cooling_off_s": 0}
    st, doc = s.post("/v1/contract-templates/5001/versions", dict(v2, id="5102", version=3), bank)
    problem(st, doc, 422, "template_version_invalid", "versions follow one another (2 after 1)")
    st, doc = s.post("/v1/contract-templates/5001/versions", dict(v2, id="5103", kind="subsidy", mcc=[5411]), bank)
    problem(st, doc, 422, "template_kind_mismatch", "a version keeps the template's kind")
    st, doc = s.post("/v1/contract-templates/5999/versions", dict(v2, id="5104"), bank)
    problem(st, doc, 404, "template_not_found", "a version of an unknown template is 404")
    st, doc = s.post("/v1/contract-templates/5001/versions", v2, bank)
    t.ok(st == 201, "version 2 of the gym template drops the cooling-off period", (st, doc))
    st, doc = s.post("/v1/contract-templates/5001/versions", v2, bank)
    t.eq(st, 200, "the same version again answers 200")
    st, doc = s.post("/v1/contract-templates/5001/versions", dict(v2, max_sessions=6), bank)
    problem(st, doc, 409, "exists_with_different_fields", "the same command id with other terms is 409")
    st, doc = s.post("/v1/contract-templates/5001/versions", dict(v2, id="5105", max_sessions=6), bank)
    problem(st, doc, 409, "exists_with_different_fields", "and so is version 2 again with other terms")
    st, doc = template("5001", 3600)
    t.eq(st, 200, "the original registration again still answers 200 (compared with version 1)")
    st, doc = escrow("41007", "5001", 2)
    t.ok(st == 201 and doc["terms"]["template_version"] == 2 and "cooling_off_until_ns" not in doc["terms"],
         "a new escrow runs under version 2", (st, doc))
    # C 4,200 - 200 = 4,000.00
    for cid, eid in (("41006", "41601"), ("41007", "41701")):
        st, doc = event(cid, eid, "deliver", "20001")
        assert st == 201, (st, doc)
    st, doc = event("41006", "41602", "cancel", "10001")
    t.ok(st == 201 and doc["money"]["refunded"] == "200.00" and doc["events"][-1]["type"] == "cooling_off_refund",
         "the version-1 escrow keeps its cooling-off period: all 200.00 back", (st, doc))
    st, doc = event("41007", "41702", "cancel", "10001")
    t.ok(st == 201 and doc["money"]["paid"] == "100.00" and doc["money"]["refunded"] == "100.00",
         "the version-2 escrow has none: the delivered session is paid", (st, doc))
    # C 4,000 + 200 + 100 = 4,300.00; M 300 + 100 = 400.00
    t.eq((balance("10001"), balance("20001")), ("4300.00", "400.00"), "balances after both cancellations")

    # ---- proportional freeze of the merchant's prepaid funds ----------------------------------------------------
    # Running: 41004 (2 sessions, 1 released, holds 100.00) and 41005 (2 sessions, none delivered, holds 200.00).
    st, doc = s.post("/v1/wallets/20001/risk-status", {"id": "6009", "status": "watch", "freeze_share_bp": 10001}, reg)
    problem(st, doc, 400, "field_invalid", "a freeze share above 100% is refused")
    st, doc = s.post("/v1/wallets/20001/risk-status", {"id": "6010", "status": "watch", "freeze_share_bp": 3000}, reg)
    t.ok(st == 201 and doc.get("prepaid_freeze_bp") == 3000, "the regulator freezes 30% of the gym's prepaid releases",
         (st, doc))
    st, doc = escrow("41008", "5001", 3)
    assert st == 201, (st, doc)
    # C 4,300 - 300 = 4,000.00
    for k in range(2):
        st, doc = event("41008", f"4180{2 * k}", "deliver", "20001")
        assert st == 201, (st, doc)
        st, doc = event("41008", f"4180{2 * k + 1}", "confirm", "10001")
    # Each confirmed 100.00: 70.00 to the gym, 30.00 held back.
    t.ok(st == 201 and doc["money"]["paid"] == "140.00" and doc["money"]["frozen"] == "60.00"
         and doc["money"]["held"] == "160.00", "two releases pay 2 x 70.00 and hold 2 x 30.00 back", (st, doc))
    t.eq(balance("20001"), "540.00", "the gym received 400 + 140")
    st, doc = event("41008", "41806", "cancel", "10001")
    # Cancelled: the 60.00 held back is the gym's (sessions delivered), session 3 (100.00) goes back.
    t.ok(st == 201 and doc["money"]["paid"] == "200.00" and doc["money"]["refunded"] == "100.00"
         and doc["money"]["frozen"] == "0.00", "a cancellation pays the held-back 60.00 and refunds session 3", (st, doc))
    # M 540 + 60 = 600.00; C 4,000 + 100 = 4,100.00
    st, doc = escrow("41009", "5001", 1)
    assert st == 201, (st, doc)
    st, doc = event("41009", "41901", "deliver", "20001")
    assert st == 201, (st, doc)
    st, doc = event("41009", "41902", "confirm", "10001")
    t.ok(st == 201 and doc["status"] == "completed" and doc["money"]["paid"] == "100.00" and doc["money"]["frozen"] == "0.00",
         "a completed escrow pays what was held back", (st, doc))
    # M 600 + 100 = 700.00; C 4,100 - 100 = 4,000.00
    st, doc = escrow("41010", "5001", 2)
    assert st == 201, (st, doc)
    st, doc = event("41010", "42001", "deliver", "20001")
    assert st == 201, (st, doc)
    st, doc = event("41010", "42002", "confirm", "10001")
    assert st == 201 and doc["money"]["frozen"] == "30.00", (st, doc)
    # M 700 + 70 = 770.00; C 4,000 - 200 = 3,800.00
    st, doc = s.post("/v1/merchants/20001/insolvency", {"id": "42003"}, cb)
    t.ok(st in (200, 201), "the gym is declared insolvent", (st, doc))
    st, doc = s.get("/v1/contracts/41010", reg)
    # 41010: the 30.00 held back and session 2 (100.00) go back to the consumer: the freeze is the guarantee.
    t.ok(doc["status"] == "merchant_insolvent" and doc["money"]["paid"] == "70.00" and doc["money"]["refunded"] == "130.00",
         "on insolvency what the freeze held back returns to the consumer", doc)
    # C 3,800 + 100 (41004) + 200 (41005) + 130 (41010) = 4,230.00; M 770.00
    t.eq((balance("10001"), balance("20001")), ("4230.00", "770.00"), "balances after the insolvency")

    # ---- restart ---------------------------------------------------------------------------------------
    st, before = s.get("/v1/wallets/20001", reg)
    t.eq(s.stop(), 0, "the server stops cleanly after every batch was checked")
    restarted = Server(data_dir=s.data_dir, env=ENV).start()
    st, after = restarted.get("/v1/wallets/20001", reg)
    t.ok(after == before and after.get("risk_status") == "watch", "after restart the risk status is kept", after)
    t.eq(restarted.stop(), 0, "the restarted server stops cleanly")
finally:
    if restarted is not None:
        restarted.cleanup()
    s.cleanup()
t.done()
