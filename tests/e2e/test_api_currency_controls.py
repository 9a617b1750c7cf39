#!/usr/bin/env python3
"""test_api_currency_controls.py — wallet controls end to end on the real
binary: freeze, receive-only (只收不付) and pay-only states with the
authority that set them and a reason code, a judicial freeze of an amount,
and a daily limit the holder sets below the class limit.

The rules checked (docs/currency.md, "Wallet controls"):
  * each authority (operator, regulator, judicial) has one control per
    wallet and only that authority lifts it; operator staff act for the
    operator and for courts, the central bank and regulators for the
    regulator, merchants for neither;
  * the controls are a transfer hook: every ledger transfer of the wallet
    obeys them, a payment, a withdrawal, a top-up, a contract's funding, a
    sub-wallet's spending (a sub-wallet obeys its main wallet's controls);
  * an amount freeze keeps that much of the balance in the wallet;
  * bad input is refused with a problem and changes nothing;
  * the controls survive a clean restart and a kill -9.

The server checks every domain invariant after each batch
(SZFIN_CHECK_INVARIANTS=1) and stops on a violation. Balances are derived by
hand in the comments (class 2 of limits version 1: balance cap 500,000,
per payment 50,000, daily 100,000)."""
import json
import os
import signal
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from api_harness import BIN, Server, Tap  # noqa: E402

ENV = {"SZFIN_CHECK_INVARIANTS": "1"}
t = Tap()
s = Server(env=ENV).start()
restarted = None


def problem(st, doc, status, code, name):
    t.ok(st == status and isinstance(doc, dict) and doc.get("code") == code, name, f"status {st} doc {doc}")


def cli_http(srv, token, *args):
    env = dict(os.environ, SZFIN_URL=f"http://127.0.0.1:{srv.port}", SZFIN_TOKEN=token)
    return subprocess.run([BIN, "currency"] + list(args), capture_output=True, text=True, timeout=30, env=env)


try:
    cb = s.token("central_bank", name="pboc")
    bank = s.token("operator", tenant=1, name="bank")
    holder_a = s.token("merchant", tenant=1, owner=501, name="holder-a")
    holder_b = s.token("merchant", tenant=1, owner=502, name="holder-b")
    reg = s.token("regulator", name="reg")

    def wallet_doc(wid, srv=None):
        st, doc = (srv or s).get(f"/v1/wallets/{wid}", reg)
        assert st == 200, (st, doc)
        return doc

    def balance(wid, srv=None):
        return wallet_doc(wid, srv)["balance"]

    def pay(cid, payer, payee, amount, token=bank, srv=None):
        return (srv or s).post(f"/v1/wallets/{payer}/payments", {"id": cid, "payee_id": payee, "amount": amount}, token)

    def control(wid, cid, authority, state, token=bank, **extra):
        body = {"id": cid, "authority": authority, "state": state}
        body.update(extra)
        return s.post(f"/v1/wallets/{wid}/controls", body, token)

    # ---- setup: bank (tenant 1) issued 1,000,000; wallets A 10001, B 10002 (class 2), merchant M 20001 ----------
    st, doc = s.post("/v1/operators", {"id": "1001", "tenant_id": "1", "type": "bank", "name": "Futian Bank"}, cb)
    assert st == 201, (st, doc)
    for cid, route in (("1101", "reserve"), ("1201", "issue")):
        st, doc = s.post(f"/v1/operators/1/{route}", {"id": cid, "amount": "1000000.00"}, cb)
        assert st == 201, (st, doc)
    st, doc = s.post("/v1/accounts", {"id": "7000", "kind": "general", "owner_id": "1", "currency": "CNY"}, bank)
    assert st == 201, (st, doc)
    for k, owner in enumerate(("501", "502", "601")):
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
    st, doc = s.post("/v1/wallets", {"id": "20001", "owner_id": "601", "type": "merchant", "class": 2, "mcc": 5411,
                                     "bank_account_id": "7003"}, bank)
    assert st == 201, (st, doc)
    for cid, wid in (("2001", "10001"), ("2002", "10002")):
        st, doc = s.post(f"/v1/wallets/{wid}/topup", {"id": cid, "amount": "10000.00"}, bank)
        assert st == 201, (st, doc)
    # A 10,000.00   B 10,000.00
    doc = wallet_doc("10001")
    t.ok(doc.get("controls") == [] and doc.get("can_pay") is True and doc.get("can_receive") is True
         and doc.get("frozen_amount") == "0.00" and doc.get("holder_limits") == {"daily": "0.00"},
         "a new wallet has no control and no holder limit", doc)

    # ---- bad input: a clear problem, nothing changes --------------------------------------------------------------
    st, doc = s.post("/v1/wallets/10001/controls", {"id": "3001", "state": "frozen", "reason": "other"}, bank)
    problem(st, doc, 400, "field_missing", "a control without an authority is refused")
    st, doc = control("10001", "3001", "operator", "melted", reason="other")
    problem(st, doc, 400, "field_invalid", "an unknown state is refused")
    st, doc = control("10001", "3001", "operator", "frozen", reason="bored")
    problem(st, doc, 400, "field_invalid", "an unknown reason is refused")
    st, doc = control("10001", "3001", "operator", "frozen", reason="other", colour="red")
    problem(st, doc, 400, "field_unknown", "an unknown field is refused")
    st, doc = control("10001", "3001", "operator", "frozen")
    problem(st, doc, 422, "control_invalid", "a control needs its reason code")
    st, doc = control("10001", "3001", "operator", "frozen", reason="other", amount="5.00")
    problem(st, doc, 422, "control_invalid", "only an amount freeze carries an amount")
    st, doc = control("10001", "3001", "judicial", "amount", reason="court_order")
    problem(st, doc, 422, "control_invalid", "an amount freeze needs its amount")
    st, doc = control("10001", "3001", "operator", "none")
    problem(st, doc, 409, "control_not_set", "lifting a control nobody set is refused")
    st, doc = control("10001", "3001", "operator", "frozen", token=holder_a, reason="holder_request")
    problem(st, doc, 403, "forbidden", "a merchant token (the holder) does not set controls")
    st, doc = control("10001", "3001", "regulator", "frozen", reason="aml_investigation")
    problem(st, doc, 403, "forbidden", "an operator does not act for the regulator")
    st, doc = control("10001", "3001", "operator", "frozen", token=reg, reason="aml_investigation")
    problem(st, doc, 403, "forbidden", "a regulator does not act for the operator")
    st, doc = control("19999", "3001", "operator", "frozen", reason="other")
    problem(st, doc, 404, "not_found", "a control on an unknown wallet is 404")
    doc = wallet_doc("10001")
    t.ok(doc["controls"] == [] and doc["can_pay"] and doc["can_receive"], "after bad input the wallet is unchanged", doc)

    # ---- receive-only (只收不付), set by the operator ---------------------------------------------------------------
    st, doc = control("10001", "3002", "operator", "receive_only", reason="suspected_fraud")
    t.ok(st == 201 and doc.get("can_pay") is False and doc.get("can_receive") is True
         and len(doc.get("controls", [])) == 1 and doc["controls"][0]["authority"] == "operator"
         and doc["controls"][0]["state"] == "receive_only" and doc["controls"][0]["reason"] == "suspected_fraud"
         and int(doc["controls"][0]["set_ns"]) > 0,
         "the operator puts A in receive-only, with its reason and time", doc)
    st, doc2 = control("10001", "3002", "operator", "receive_only", reason="suspected_fraud")
    t.eq(st, 200, "the same control command again answers 200")
    st, doc2 = control("10001", "3002", "operator", "frozen", reason="suspected_fraud")
    problem(st, doc2, 409, "exists_with_different_fields", "the same id with another state is 409")
    st, doc = pay("4001", "10001", "10002", "100.00")
    problem(st, doc, 409, "wallet_receive_only", "receive-only: A cannot pay")
    st, doc = s.post("/v1/wallets/10001/withdraw", {"id": "4002", "amount": "100.00"}, bank)
    problem(st, doc, 409, "wallet_receive_only", "receive-only: A cannot withdraw to its bank either")
    st, doc = pay("4003", "10002", "10001", "200.00")
    t.ok(st == 201, "receive-only: A still receives a payment", doc)
    st, doc = s.post("/v1/wallets/10001/topup", {"id": "4004", "amount": "100.00"}, bank)
    t.ok(st == 201, "receive-only: A is still topped up", doc)
    # A 10,000 + 200 + 100 = 10,300.00   B 10,000 - 200 = 9,800.00
    t.eq(balance("10001"), "10300.00", "A holds 10,000 + 200 + 100")
    t.eq(balance("10002"), "9800.00", "B holds 10,000 - 200")

    # ---- a regulator's freeze over it; each authority lifts only its own ------------------------------------------
    st, doc = control("10001", "3003", "regulator", "frozen", token=reg, reason="aml_investigation")
    t.ok(st == 201 and doc.get("can_pay") is False and doc.get("can_receive") is False and len(doc["controls"]) == 2,
         "the regulator freezes A: two controls, neither way open", doc)
    st, doc = pay("4005", "10002", "10001", "10.00")
    problem(st, doc, 409, "wallet_frozen", "frozen: A receives nothing")
    st, doc = s.post("/v1/wallets/10001/topup", {"id": "4006", "amount": "10.00"}, bank)
    problem(st, doc, 409, "wallet_frozen", "frozen: not even a top-up")
    st, doc = control("10001", "3004", "operator", "none")
    t.ok(st == 201 and len(doc["controls"]) == 1 and doc["controls"][0]["authority"] == "regulator"
         and doc["can_pay"] is False, "the operator lifts its own control; the regulator's stays", doc)
    st, doc = pay("4007", "10001", "10002", "50.00")
    problem(st, doc, 409, "wallet_frozen", "still frozen by the regulator: A cannot pay")
    st, doc = control("10001", "3005", "operator", "none")
    problem(st, doc, 409, "control_not_set", "the operator cannot lift the regulator's freeze")
    st, doc = control("10001", "3006", "regulator", "none", token=cb)
    t.ok(st == 201 and doc["controls"] == [] and doc["can_pay"] and doc["can_receive"],
         "the central bank (for the regulator) lifts the freeze", doc)
    st, doc = pay("4008", "10001", "10002", "50.00")
    t.ok(st == 201, "A pays again once every control is lifted", doc)
    # A 10,300 - 50 = 10,250.00   B 9,800 + 50 = 9,850.00; A's outflow today: 50.00

    # ---- pay-only on B -----------------------------------------------------------------------------------------------
    st, doc = control("10002", "3007", "operator", "pay_only", reason="identity_unverified")
    t.ok(st == 201 and doc["can_pay"] is True and doc["can_receive"] is False, "B is pay-only", doc)
    st, doc = pay("4009", "10001", "10002", "10.00")
    problem(st, doc, 409, "wallet_pay_only", "pay-only: B receives nothing")
    st, doc = pay("4010", "10002", "10001", "50.00")
    t.ok(st == 201, "pay-only: B still pays", doc)
    # A 10,250 + 50 = 10,300.00   B 9,850 - 50 = 9,800.00
    st, doc = control("10002", "3008", "operator", "none")
    t.ok(st == 201 and doc["can_receive"] is True, "the operator lifts B's pay-only", doc)

    # ---- a judicial freeze of an amount ----------------------------------------------------------------------------
    st, doc = control("10001", "3009", "judicial", "amount", reason="court_order", amount="10000.00")
    t.ok(st == 201 and doc["frozen_amount"] == "10000.00" and doc["can_pay"] is True
         and doc["controls"][0]["authority"] == "judicial" and doc["controls"][0]["amount"] == "10000.00",
         "a court freezes 10,000.00 of A (executed by the operator)", doc)
    # A holds 10,300.00 of which 10,000.00 are frozen: 300.00 may leave.
    st, doc = pay("4011", "10001", "10002", "300.01")
    problem(st, doc, 409, "wallet_amount_frozen", "a payment that dips into the frozen 10,000 is refused")
    st, doc = pay("4012", "10001", "10002", "300.00")
    t.ok(st == 201, "what is above the frozen amount (300.00) can be paid", doc)
    t.eq(balance("10001"), "10000.00", "A holds exactly the frozen amount")
    st, doc = pay("4013", "10001", "10002", "0.01")
    problem(st, doc, 409, "wallet_amount_frozen", "not one fen more")
    st, doc = pay("4014", "10002", "10001", "100.00")
    t.ok(st == 201, "an amount freeze does not stop A receiving", doc)
    st, doc = pay("4015", "10001", "10002", "100.00")
    t.ok(st == 201, "and what came in above the frozen amount may leave", doc)
    # A 10,000.00; outflow today 50 + 300 + 100 = 450.00.   B 9,800 + 300 - 100 + 100 = 10,100.00
    st, doc = s.post("/v1/contract-templates", {"id": "5001", "kind": "prepaid_escrow", "name": "gym",
                                                "max_sessions": 12, "auto_confirm_s": 3600,
                                                "max_duration_s": 86400}, bank)
    assert st == 201, (st, doc)
    escrow = {"kind": "prepaid_escrow", "id": "5101", "template_id": "5001", "consumer_wallet_id": "10001",
              "merchant_wallet_id": "20001", "session_amount": "100.00", "sessions": 1}
    st, doc = s.post("/v1/contracts", escrow, bank)
    problem(st, doc, 409, "wallet_amount_frozen", "a contract's funding obeys the amount freeze too")
    st, doc = s.post("/v1/wallets/10001/close", {"id": "4016"}, bank)
    problem(st, doc, 409, "wallet_amount_frozen", "a wallet with an amount freeze cannot close")
    st, doc = control("10001", "3010", "operator", "none")
    problem(st, doc, 409, "control_not_set", "the operator's own slot is empty: it does not lift the court's freeze")

    # ---- a sub-wallet obeys its main wallet's controls --------------------------------------------------------------
    st, doc = s.post("/v1/wallets", {"id": "10011", "parent_id": "10001"}, bank)
    assert st == 201, (st, doc)
    st, doc = s.post("/v1/wallets/10011/sub-fund", {"id": "4017", "amount": "100.00"}, bank)
    problem(st, doc, 409, "wallet_amount_frozen", "the frozen amount does not move to a sub-wallet either")
    st, doc = control("10001", "3011", "judicial", "none")
    t.ok(st == 201 and doc["frozen_amount"] == "0.00" and doc["controls"] == [], "the court's freeze is lifted", doc)
    st, doc = s.post("/v1/wallets/10011/sub-fund", {"id": "4018", "amount": "500.00"}, bank)
    t.ok(st == 201 and doc["balance"] == "500.00", "A funds its sub-wallet with 500.00", doc)
    # A 10,000 - 500 = 9,500.00   sub 500.00
    st, doc = control("10001", "3012", "operator", "frozen", reason="suspected_fraud")
    assert st == 201, (st, doc)
    doc = wallet_doc("10011")
    t.ok(doc["controls"] == [] and doc["can_pay"] is False and doc["can_receive"] is False,
         "the sub-wallet shows its main wallet's freeze as its own blocks", doc)
    st, doc = pay("4019", "10011", "10002", "10.00")
    problem(st, doc, 409, "wallet_frozen", "the sub-wallet of a frozen wallet cannot pay")
    st, doc = control("10001", "3013", "operator", "none")
    assert st == 201, (st, doc)
    st, doc = pay("4020", "10011", "10002", "10.00")
    t.ok(st == 201, "after the lift the sub-wallet pays", doc)
    # sub 490.00; A's outflow today 450 + 10 = 460.00 (a sub-wallet's spending counts on its parent).
    # B 10,110.00

    # ---- the holder's own daily limit ---------------------------------------------------------------------------------
    st, doc = s.post("/v1/wallets/10001/holder-limit", {"id": "6001", "daily": "100000.01"}, holder_a)
    problem(st, doc, 422, "holder_limit_over_class", "the holder cannot set more than the class-2 daily 100,000")
    st, doc = s.post("/v1/wallets/10001/holder-limit", {"id": "6002", "daily": "800.00"}, holder_b)
    problem(st, doc, 404, "not_found", "another holder does not see A")
    st, doc = s.post("/v1/wallets/10011/holder-limit", {"id": "6003", "daily": "100.00"}, holder_a)
    problem(st, doc, 422, "wallet_type_invalid", "the holder limit is set on the main wallet")
    st, doc = s.post("/v1/wallets/10001/holder-limit", {"id": "6004", "daily": "ten"}, holder_a)
    problem(st, doc, 400, "amount_invalid", "the limit is an amount")
    st, doc = s.post("/v1/wallets/10001/holder-limit", {"id": "6005", "daily": "800.00"}, holder_a)
    t.ok(st == 201 and doc["holder_limits"] == {"daily": "800.00"} and doc["outflow_today"] == "460.00",
         "the holder sets 800.00 a day, with 460.00 already spent today", doc)
    # 800 - 460 = 340.00 left today.
    st, doc = pay("4021", "10001", "10002", "340.01", token=holder_a)
    problem(st, doc, 422, "holder_daily_limit_exceeded", "340.01 is over the holder's 800.00 today")
    st, doc = pay("4022", "10011", "10002", "340.01", token=holder_a)
    problem(st, doc, 422, "holder_daily_limit_exceeded", "from the sub-wallet too (the family's outflow)")
    st, doc = s.post("/v1/contracts", dict(escrow, id="5102", session_amount="340.01"), bank)
    problem(st, doc, 422, "holder_daily_limit_exceeded", "a contract's funding counts against it as well")
    st, doc = pay("4023", "10001", "10002", "340.00", token=holder_a)
    t.ok(st == 201, "exactly the rest of the holder's limit can be paid", doc)
    st, doc = pay("4024", "10001", "10002", "0.01", token=holder_a)
    problem(st, doc, 422, "holder_daily_limit_exceeded", "then nothing more today")
    st, doc = s.post("/v1/wallets/10001/holder-limit", {"id": "6006", "daily": "0.00"}, holder_a)
    t.ok(st == 201 and doc["holder_limits"] == {"daily": "0.00"}, "the holder removes the limit", doc)
    st, doc = pay("4025", "10001", "10002", "0.01", token=holder_a)
    t.ok(st == 201, "and the class limit alone applies again", doc)
    # A 9,500 - 340 - 0.01 = 9,159.99   B 10,110 + 340 + 0.01 = 10,450.01
    t.eq(balance("10001"), "9159.99", "A's balance follows the hand derivation")
    t.eq(balance("10002"), "10450.01", "B's balance follows the hand derivation")

    # ---- the CLI ---------------------------------------------------------------------------------------------------
    out = cli_http(s, bank, "--json", "wallet", "control", "10002", "--id", "3014", "--authority", "operator",
                   "--state", "receive_only", "--reason", "dormant")
    cli_doc = json.loads(out.stdout) if out.returncode == 0 else {}
    t.ok(cli_doc.get("controls") == [{"authority": "operator", "state": "receive_only", "reason": "dormant",
                                      "set_ns": cli_doc["controls"][0]["set_ns"]}] if cli_doc.get("controls") else False,
         "szfin currency wallet control sets a control", (out.returncode, out.stdout, out.stderr))
    out = cli_http(s, bank, "wallet", "control", "10002", "--id", "3015", "--authority", "operator", "--state", "frozen")
    t.ok(out.returncode != 0 and "control_invalid" in out.stdout + out.stderr,
         "the CLI shows the problem of a control without reason", (out.returncode, out.stdout, out.stderr))
    out = cli_http(s, holder_b, "wallet", "holder-limit", "10002", "--id", "6007", "--daily", "900.00")
    t.ok(out.returncode == 0 and '"900.00"' in out.stdout, "szfin currency wallet holder-limit sets the holder's limit",
         (out.returncode, out.stdout, out.stderr))

    # ---- restart and kill -9: the controls stay ---------------------------------------------------------------------
    before = {w: wallet_doc(w) for w in ("10001", "10002", "10011")}
    t.eq(s.stop(), 0, "the server stops cleanly")
    restarted = Server(data_dir=s.data_dir, env=ENV).start()
    t.ok(all(wallet_doc(w, restarted) == before[w] for w in before), "after a restart the wallets are unchanged",
         {w: wallet_doc(w, restarted) for w in before})
    st, doc = pay("4026", "10002", "10001", "1.00", srv=restarted)
    problem(st, doc, 409, "wallet_receive_only", "after a restart B is still receive-only")
    restarted.stop(signal.SIGKILL)
    restarted = Server(data_dir=s.data_dir, env=ENV).start()
    t.ok(all(wallet_doc(w, restarted) == before[w] for w in before), "after kill -9 the wallets are unchanged",
         {w: wallet_doc(w, restarted) for w in before})
    st, doc = pay("4027", "10002", "10001", "1.00", srv=restarted)
    problem(st, doc, 409, "wallet_receive_only", "after kill -9 B is still receive-only")
    st, doc = pay("4028", "10001", "10002", "1.00", srv=restarted)
    t.ok(st == 201, "and A pays as before", doc)
    t.eq(restarted.stop(), 0, "the server stops cleanly after every batch was checked")
finally:
    if restarted is not None:
        restarted.cleanup()
    s.cleanup()
t.done()
