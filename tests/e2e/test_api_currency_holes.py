#!/usr/bin/env python3
"""test_api_currency_holes.py — the holes an operator's auditor found in the
currency domain, each reproduced end to end through the API on the real
binary, with the rule that closes it:

  1. a class-4 wallet cannot hold more than its class through sub-wallets
     (a sub-wallet's limits are bounded by its parent's; sub-wallet balances
     count toward the parent's balance cap);
  2. reporting a hard wallet lost stops new offline acceptance from the
     report time on, lets payments signed before it settle during the
     settlement window, and refunds only the rest after the window;
  3. a wallet cannot close while one of its hard wallets is active or still
     settling, or while a contract holds money for or from it;
  4. a class downgrade is refused while the balance is above the new cap;
  5. an offline receipt over the payee's balance cap settles its excess to
     the payee's linked bank account (or stays pending without one); a
     subsidy grant is held to the holder's cap and shows on the wallet;
  6. a merchant does not read an operator's reserve, vault and holdings;
  7. currency codes are checked against ISO 4217, amounts against each
     code's minor unit;
  8. (smaller) a command id that is another kind's (a wallet's) answers
     id_taken_by_other_kind.

The server checks every domain invariant (the two-tier invariant among them)
after each batch (SZFIN_CHECK_INVARIANTS=1) and stops on a violation, so the
closing check that it still answers and stops cleanly covers every batch.
Expected amounts are derived by hand in the comments."""
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from api_harness import BIN, Server, Tap  # noqa: E402

ENV = {"SZFIN_CHECK_INVARIANTS": "1"}
SEED = "33" * 32
t = Tap()
s = Server(env=ENV).start()


def problem(st, doc, status, code, name):
    t.ok(st == status and isinstance(doc, dict) and doc.get("code") == code, name, f"status {st} doc {doc}")


def cli(*args):
    out = subprocess.run([BIN, "currency"] + list(args), capture_output=True, text=True, timeout=30)
    if out.returncode != 0:
        raise RuntimeError(f"szfin currency {args}: {out.stderr}")
    return out.stdout.strip()


def sign(device, payee, amount, counter, device_time_ns):
    return cli("sign-offline", "--seed", SEED, "--device", device, "--payee", payee, "--amount", amount,
               "--counter", str(counter), "--time", str(device_time_ns))


def outcomes(doc):
    return [m["result"] for m in doc["messages"]] if isinstance(doc, dict) and "messages" in doc else doc


def wait_until(cond, timeout_s=60):
    """Poll until cond() holds (a deadline the engine acts on by a tick batch)."""
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        if cond():
            return True
        time.sleep(0.1)
    return cond()


try:
    cb = s.token("central_bank", name="pboc")
    bank = s.token("operator", tenant=1, name="bank")
    pi = s.token("operator", tenant=2, name="pay-institution")
    shop1 = s.token("merchant", tenant=1, owner=601, name="grocer")
    shop2 = s.token("merchant", tenant=2, owner=611, name="other-grocer")
    reg = s.token("regulator", name="reg")

    def balance(wid):
        st, doc = s.get(f"/v1/wallets/{wid}", reg)
        return doc["balance"] if st == 200 else (st, doc)

    def bank_balance(aid):
        st, doc = s.get(f"/v1/accounts/{aid}", reg)
        return round((float(doc["credits_posted"]) - float(doc["debits_posted"])) * 100)

    # ---- setup: a bank (tenant 1) issued 1,000,000; a payment institution (tenant 2) --------------
    for body in ({"id": "1001", "tenant_id": "1", "type": "bank", "name": "Pengcheng Bank"},
                 {"id": "1002", "tenant_id": "2", "type": "payment_institution", "name": "Nanshan Pay"}):
        st, doc = s.post("/v1/operators", body, cb)
        assert st == 201, (st, doc)
    st, doc = s.post("/v1/operators/1/reserve", {"id": "1101", "amount": "1000000.00"}, cb)
    assert st == 201, (st, doc)
    st, doc = s.post("/v1/operators/1/issue", {"id": "1201", "amount": "1000000.00"}, cb)
    assert st == 201, (st, doc)
    st, doc = s.post("/v1/accounts", {"id": "7000", "kind": "general", "owner_id": "1", "currency": "CNY"}, bank)
    assert st == 201, (st, doc)
    for k, owner in enumerate(("501", "502", "503", "504", "505", "601")):
        acc = str(7001 + k)
        st, doc = s.post("/v1/accounts", {"id": acc, "kind": "bank_deposit", "owner_id": owner, "currency": "CNY",
                                          "flags": ["debits_must_not_exceed_credits"]}, bank)
        assert st == 201, (st, doc)
        st, doc = s.post("/v1/transfers", {"id": str(7100 + k), "debit_account_id": "7000", "credit_account_id": acc,
                                           "amount": "100000.00", "currency": "CNY"}, bank)
        assert st == 201, (st, doc)

    def wallet(wid, cls, owner, bank_account=None, wtype="personal", **extra):
        body = {"id": wid, "owner_id": owner, "type": wtype, "class": cls}
        if bank_account:
            body["bank_account_id"] = bank_account
        body.update(extra)
        return s.post("/v1/wallets", body, bank)

    # ---- hole 6: operator holdings are not for merchants ----------------------------------------------
    st, doc = s.get("/v1/operators/1", shop2)
    problem(st, doc, 404, "not_found", "hole 6: a merchant of another operator does not read the operator")
    st, doc = s.get("/v1/operators/1", shop1)
    problem(st, doc, 404, "not_found", "hole 6: a merchant of the operator itself does not read it either")
    st, doc = s.get("/v1/operators/2", bank)
    problem(st, doc, 404, "not_found", "hole 6: another operator does not read it")
    for who, tok in (("the operator's own staff", bank), ("the central bank", cb), ("the regulator", reg)):
        st, doc = s.get("/v1/operators/1", tok)
        t.ok(st == 200 and doc.get("vault") == "1000000.00", f"hole 6: {who} reads the operator", (st, doc))

    # ---- hole 1: a class-4 wallet cannot grow through sub-wallets -------------------------------------
    st, doc = wallet("10004", 4, "501", "7001")
    assert st == 201, (st, doc)
    st, doc = s.post("/v1/wallets", {"id": "10014", "parent_id": "10004", "limits": {"balance": "1000000.00"}}, bank)
    problem(st, doc, 422, "sub_wallet_limits_over_class",
            "hole 1: a sub-wallet of a class-4 wallet cannot have a 1,000,000 cap (class 4: 10,000)")
    st, doc = s.post("/v1/wallets", {"id": "10014", "parent_id": "10004", "limits": {"payment": "2000.01"}}, bank)
    problem(st, doc, 422, "sub_wallet_limits_over_class", "hole 1: nor a per-payment limit above class 4's 2,000")
    st, doc = s.post("/v1/wallets", {"id": "10014", "parent_id": "10004", "limits": {"balance": "10000.00"}}, bank)
    t.ok(st == 201 and doc.get("class") == 4, "hole 1: a sub-wallet within the class is opened", (st, doc))
    st, doc = s.post("/v1/wallets/10004/topup", {"id": "2001", "amount": "10000.00"}, bank)
    t.ok(st == 201, "hole 1: the class-4 wallet is topped up to its 10,000 cap", (st, doc))
    st, doc = s.post("/v1/wallets/10014/sub-fund", {"id": "2002", "amount": "10000.00"}, bank)
    t.ok(st == 201 and doc.get("balance") == "10000.00", "hole 1: all 10,000 moves to the sub-wallet", (st, doc))
    # family = 0 (parent) + 10,000 (sub) = the class-4 cap: not even 0.01 more comes in
    st, doc = s.post("/v1/wallets/10004/topup", {"id": "2003", "amount": "10000.00"}, bank)
    problem(st, doc, 422, "balance_cap_exceeded", "hole 1: the sub-wallet's 10,000 counts toward the parent's cap")
    st, doc = s.post("/v1/wallets/10004/topup", {"id": "2004", "amount": "0.01"}, bank)
    problem(st, doc, 422, "balance_cap_exceeded", "hole 1: not even 0.01 more")
    st, doc = s.post("/v1/wallets/10014/sub-fund", {"id": "2005", "amount": "4000.00", "direction": "to_parent"}, bank)
    t.ok(st == 201 and doc.get("balance") == "6000.00",
         "hole 1: money moves back to the parent within the family (6,000 stay)", (st, doc))
    st, doc = s.post("/v1/wallets/10004/topup", {"id": "2006", "amount": "0.01"}, bank)
    problem(st, doc, 422, "balance_cap_exceeded", "hole 1: the family still holds 10,000, the cap")
    st, doc = s.post("/v1/wallets/10004/withdraw", {"id": "2007", "amount": "1000.00"}, bank)
    t.eq(st, 201, "hole 1: the holder withdraws 1,000 to the bank")
    st, doc = s.post("/v1/wallets/10004/topup", {"id": "2008", "amount": "1000.00"}, bank)
    t.ok(st == 201 and doc.get("balance") == "4000.00",
         "hole 1: 1,000 comes in again (3,000 + 1,000 in the parent, 6,000 in the sub-wallet)", (st, doc))
    st, doc = s.post("/v1/wallets/10004/topup", {"id": "2009", "amount": "0.01"}, bank)
    problem(st, doc, 422, "balance_cap_exceeded", "hole 1: and the family is at 10,000 again")

    # ---- hole 4: a downgrade with the balance above the new cap ----------------------------------------
    st, doc = wallet("10003", 3, "503", "7003")
    assert st == 201, (st, doc)
    st, doc = s.post("/v1/wallets/10003/topup", {"id": "2101", "amount": "16000.00"}, bank)
    assert st == 201, (st, doc)
    st, doc = s.post("/v1/wallets/10003/update", {"id": "2102", "class": 4}, bank)
    problem(st, doc, 409, "balance_over_class_cap", "hole 4: 3 -> 4 is refused while the wallet holds 16,000 (cap 10,000)")
    st, doc = s.get("/v1/wallets/10003", reg)
    t.ok(doc.get("class") == 3 and doc.get("balance") == "16000.00", "hole 4: the refusal changed nothing", doc)
    st, doc = s.post("/v1/wallets/10003/update", {"id": "2103", "class": 3, "limits": {"balance": "15999.99"}}, bank)
    problem(st, doc, 409, "balance_over_class_cap", "hole 4: so is an own cap below the balance")
    st, doc = s.post("/v1/wallets/10003/withdraw", {"id": "2104", "amount": "6000.00"}, bank)
    t.eq(st, 201, "hole 4: the holder moves the excess 6,000 to the bank")
    st, doc = s.post("/v1/wallets/10003/update", {"id": "2105", "class": 4}, bank)
    t.ok(st == 201 and doc.get("class") == 4 and doc.get("balance") == "10000.00",
         "hole 4: with 10,000 (= the class-4 cap) the downgrade is accepted", (st, doc))
    st, doc = s.post("/v1/wallets/10004/update", {"id": "2106", "class": 4, "limits": {"balance": "9999.99"}}, bank)
    problem(st, doc, 409, "balance_over_class_cap", "hole 4: sub-wallet balances count for the new cap too")

    # ---- hole 7: ISO 4217 ---------------------------------------------------------------------------------
    def account(aid, currency, token=bank):
        return s.post("/v1/accounts", {"id": aid, "kind": "general", "owner_id": "1", "currency": currency}, token)

    st, doc = account("7801", "XYZ")
    problem(st, doc, 400, "field_invalid", "hole 7: XYZ is not an ISO 4217 code")
    st, doc = account("7806", "XXX")
    problem(st, doc, 400, "field_invalid", "hole 7: XXX (no currency, no minor unit) is refused at once")
    st, doc = account("7807", "HKD")
    t.eq(st, 201, "hole 7: HKD is an ISO 4217 code")
    for aid, cur in (("7802", "BHD"), ("7803", "BHD"), ("7804", "JPY"), ("7805", "JPY")):
        st, doc = account(aid, cur)
        t.eq(st, 201, f"hole 7: an account in {cur}")
    st, doc = s.post("/v1/transfers", {"id": "7901", "debit_account_id": "7802", "credit_account_id": "7803",
                                       "amount": "1.234", "currency": "BHD"}, bank)
    t.ok(st == 201 and doc.get("amount") == "1.234", "hole 7: BHD has three decimals (minor unit 3)", (st, doc))
    st, doc = s.get("/v1/accounts/7803", reg)
    t.ok(st == 200 and doc.get("credits_posted") == "1.234", "hole 7: and reads back with three", (st, doc))
    st, doc = s.post("/v1/transfers", {"id": "7902", "debit_account_id": "7804", "credit_account_id": "7805",
                                       "amount": "1.5", "currency": "JPY"}, bank)
    t.ok(st == 400, "hole 7: JPY has no decimals (minor unit 0)", (st, doc))

    # ---- holes 3 and 2: a hard wallet reported lost -----------------------------------------------------
    pk = json.loads(cli("keygen", "--seed", SEED))["public_key"]
    st, doc = wallet("20001", 2, "601", wtype="merchant", mcc=5411)
    assert st == 201, (st, doc)
    st, doc = wallet("10005", 2, "505", "7005")
    assert st == 201, (st, doc)
    st, doc = s.post("/v1/wallets/10005/topup", {"id": "2201", "amount": "1000.00"}, bank)
    assert st == 201, (st, doc)
    st, doc = s.post("/v1/devices", {"id": "30005", "wallet_id": "10005", "public_key": pk}, bank)
    assert st == 201, (st, doc)
    st, doc = s.post("/v1/devices/30005/load", {"id": "2202", "amount": "300.00", "device_counter": 0}, bank)
    assert st == 201, (st, doc)
    st, doc = s.post("/v1/wallets/10005/close", {"id": "2203"}, bank)
    problem(st, doc, 409, "wallet_has_devices", "hole 3: a wallet whose hard wallet is active cannot close")
    st, doc = s.get("/v1/wallets/10005", reg)
    t.ok(doc.get("closed") is False and doc.get("balance") == "700.00", "hole 3: the refusal changed nothing", doc)

    # a limits version with a 3-second settlement window (the default is 7 days), the class figures unchanged
    effective_ns = time.time_ns() + 2 * 10**9
    lim = {"version": 2, "effective_from_ns": str(effective_ns), "offline_payment_max": "500",
           "offline_count_max": 10, "offline_settle_s": 3, "class1": {},
           "class2": {"balance": "500000", "payment": "50000", "daily": "100000"},
           "class3": {"balance": "20000", "payment": "5000", "daily": "10000"},
           "class4": {"balance": "10000", "payment": "2000", "daily": "5000", "annual": "50000"}}
    st, doc = s.post("/v1/currency/limits", lim, cb)
    t.ok(st == 201 and doc["versions"][-1].get("offline_settle_s") == 3
         and doc["versions"][0].get("offline_settle_s") == 7 * 86400,
         "hole 2: the settlement window is part of the limits (version 1: 7 days)", (st, doc))
    while time.time_ns() <= effective_ns + 10**8:
        time.sleep(0.1)
    st, doc = s.post("/v1/devices/30005/suspend", {"id": "2204"}, bank)
    t.ok(st == 201 and doc.get("suspended") and doc.get("settled") is False and doc.get("value") == "300.00"
         and doc.get("refunded") == "0.00", "hole 2: suspension keeps the value while the window is open", (st, doc))
    # the report time the server stamped (a server without it: the wall clock after the report)
    report_ns = int(doc["suspended_ns"]) if isinstance(doc, dict) and "suspended_ns" in doc else time.time_ns()
    before = sign("30005", "20001", "100.00", 1, report_ns - 10**9)   # signed a second before the report
    after = sign("30005", "20001", "50.00", 2, report_ns + 1)         # signed after it
    st, doc = s.post("/v1/devices/30005/sync", {"id": "2205", "messages": [before, after]}, shop1)
    t.ok(st == 201 and outcomes(doc) == ["accepted", "offline_device_suspended"],
         "hole 2: a payment signed before the report settles in the window; one signed after it does not", (st, doc))
    t.eq(balance("20001"), "100.00", "hole 2: the merchant is paid")
    st, doc = s.post("/v1/wallets/10005/close", {"id": "2206"}, bank)
    problem(st, doc, 409, "wallet_has_devices", "hole 3: nor while its suspended hard wallet is settling")
    # the engine refunds the rest when the window ends (a tick batch on an idle server)
    t.ok(wait_until(lambda: s.get("/v1/devices/30005", reg)[1].get("settled") is True),
         "hole 2: the window ends", s.get("/v1/devices/30005", reg))
    st, doc = s.get("/v1/devices/30005", reg)
    # 300 loaded - 100 paid offline = 200 refunded; wallet 700 + 200 = 900
    t.ok(doc.get("value") == "0.00" and doc.get("refunded") == "200.00" and doc.get("spent_offline") == "100.00",
         "hole 2: only the rest (300 - 100 = 200) is refunded after the window", doc)
    t.eq(balance("10005"), "900.00", "hole 2: the rest is back in the wallet")
    late = sign("30005", "20001", "10.00", 2, report_ns - 10**9)
    st, doc = s.post("/v1/devices/30005/sync", {"id": "2207", "messages": [late]}, shop1)
    t.ok(st == 201 and outcomes(doc) == ["offline_device_suspended"],
         "hole 2: after the window nothing more settles, even signed before the report", (st, doc))
    st, doc = s.post("/v1/wallets/10005/close", {"id": "2208"}, bank)
    t.ok(st == 201 and doc.get("closed") and doc.get("balance") == "0.00",
         "hole 3: once its hard wallet is settled the wallet closes (900 back to the bank)", (st, doc))
    t.eq(bank_balance("7005"), (100000 - 1000 + 900) * 100, "hole 3: the bank account got the 900 back")

    # ---- hole 5: an offline receipt over the payee's balance cap ------------------------------------------
    st, doc = wallet("10002", 2, "502", "7002")
    assert st == 201, (st, doc)
    st, doc = s.post("/v1/wallets/10002/topup", {"id": "2301", "amount": "12000.00"}, bank)
    assert st == 201, (st, doc)
    st, doc = s.post("/v1/devices", {"id": "30006", "wallet_id": "10002", "public_key": pk}, bank)
    assert st == 201, (st, doc)
    st, doc = s.post("/v1/devices/30006/load", {"id": "2302", "amount": "1000.00", "device_counter": 0}, bank)
    assert st == 201, (st, doc)
    st, doc = wallet("10007", 4, "504", "7004")                       # class 4 with a linked bank account
    assert st == 201, (st, doc)
    st, doc = s.post("/v1/wallets/10007/topup", {"id": "2303", "amount": "9900.00"}, bank)
    assert st == 201, (st, doc)
    st, doc = wallet("10009", 4, "506")                               # class 4 without one
    assert st == 201, (st, doc)
    st, doc = s.post("/v1/wallets/10002/payments", {"id": "2304", "payee_id": "10009", "amount": "9950.00"}, bank)
    assert st == 201, (st, doc)
    now = time.time_ns()
    m1 = sign("30006", "10007", "300.00", 1, now)
    st, doc = s.post("/v1/devices/30006/sync", {"id": "2305", "messages": [m1]}, bank)
    t.ok(st == 201 and outcomes(doc) == ["accepted"], "hole 5: the offline payment over the payee's cap is accepted",
         (st, doc))
    # 9,900 + 300 = 10,200 > 10,000: 100 to the wallet, 200 to its bank account (100,000 - 9,900 + 200)
    t.eq(balance("10007"), "10000.00", "hole 5: the payee's wallet is filled to its cap, not beyond")
    t.eq(bank_balance("7004"), (100000 - 9900 + 200) * 100, "hole 5: the excess 200 settles to the payee's bank account")
    m2 = sign("30006", "10009", "100.00", 2, now + 1)
    m3 = sign("30006", "10007", "10.00", 3, now + 2)
    st, doc = s.post("/v1/devices/30006/sync", {"id": "2306", "messages": [m2, m3]}, bank)
    t.ok(st == 201 and outcomes(doc) == ["offline_payee_over_cap", "offline_counter_skipped"],
         "hole 5: without a bank account the receipt over the cap stays pending (its counter is not used)", (st, doc))
    t.eq(balance("10009"), "9950.00", "hole 5: the pending receipt moved nothing")
    st, doc = s.post("/v1/wallets/10009/update", {"id": "2307", "class": 3}, bank)
    assert st == 201, (st, doc)
    st, doc = s.post("/v1/devices/30006/sync", {"id": "2308", "messages": [m2, m3]}, bank)
    t.ok(st == 201 and outcomes(doc) == ["accepted", "accepted"],
         "hole 5: after the payee's upgrade (class 3, cap 20,000) the pending receipt settles", (st, doc))
    t.eq(balance("10009"), "10050.00", "hole 5: 9,950 + 100 in the upgraded wallet")
    st, doc = s.get("/v1/devices/30006", reg)
    t.ok(doc.get("spent_offline") == "410.00" and doc.get("value") == "590.00",
         "hole 5: the device paid 300 + 100 + 10 = 410 of its 1,000", doc)

    # ---- hole 5: subsidy grants and the holder's balance cap; the grant shows on the wallet -----------------
    st, doc = wallet("10010", 1, "601", "7006", wtype="corporate")
    assert st == 201, (st, doc)
    st, doc = s.post("/v1/wallets/10010/topup", {"id": "2401", "amount": "5000.00"}, bank)
    assert st == 201, (st, doc)
    st, doc = s.post("/v1/contract-templates", {"id": "40002", "kind": "subsidy", "name": "food coupons",
                                                "mcc": [5411], "max_duration_s": 3600}, cb)
    assert st == 201, (st, doc)
    st, doc = s.post("/v1/contracts", {"kind": "subsidy", "id": "42001", "template_id": "40002",
                                       "issuer_wallet_id": "10010", "budget": "3000.00",
                                       "expires_at_ns": str(time.time_ns() + 1800 * 10**9)}, bank)
    assert st == 201, (st, doc)
    st, doc = wallet("10011", 4, "507")
    assert st == 201, (st, doc)
    st, doc = s.post("/v1/wallets/10002/topup", {"id": "2402", "amount": "9000.00"}, bank)
    assert st == 201, (st, doc)
    st, doc = s.post("/v1/wallets/10002/payments", {"id": "2403", "payee_id": "10011", "amount": "9000.00"}, bank)
    assert st == 201, (st, doc)
    # class 4: 9,000 in the wallet + 1,500 granted = 10,500 > 10,000
    st, doc = s.post("/v1/contracts/42001/grants", {"id": "2404", "wallet_id": "10011", "amount": "1500.00"}, bank)
    problem(st, doc, 422, "balance_cap_exceeded", "hole 5: a grant is held to the holder's balance cap")
    st, doc = s.post("/v1/contracts/42001/grants", {"id": "2405", "wallet_id": "10011", "amount": "1000.00"}, bank)
    t.eq(st, 201, "hole 5: 9,000 + 1,000 granted = the cap is fine")
    st, doc = s.post("/v1/contracts/42001/grants", {"id": "2406", "wallet_id": "10011", "amount": "0.01"}, bank)
    problem(st, doc, 422, "balance_cap_exceeded", "hole 5: the grant held so far counts too")
    st, doc = s.get("/v1/wallets/10011/grants", bank)
    g = doc.get("grants", []) if st == 200 and isinstance(doc, dict) else []
    t.ok(st == 200 and doc.get("remaining") == "1000.00" and len(g) == 1 and g[0].get("contract_id") == "42001"
         and g[0].get("granted") == "1000.00" and g[0].get("remaining") == "1000.00",
         "hole 5: the holder's remaining grant is visible on the wallet", (st, doc))
    st, doc = s.get("/v1/wallets/10011/grants", pi)
    problem(st, doc, 404, "not_found", "hole 5: another operator does not see the wallet's grants")

    # ---- hole 3 (contracts): a wallet a contract holds money for cannot close -------------------------------
    st, doc = s.post("/v1/wallets/10010/close", {"id": "2501"}, bank)
    problem(st, doc, 409, "wallet_has_contracts", "hole 3: the issuer of an active subsidy cannot close its wallet")
    st, doc = s.post("/v1/wallets/10011/close", {"id": "2502"}, bank)
    problem(st, doc, 409, "wallet_has_contracts", "hole 3: nor can a holder whose grant still holds money")
    st, doc = s.get("/v1/wallets/10010", reg)
    t.ok(doc.get("closed") is False, "hole 3: the issuer's wallet stays open", doc)

    # ---- 8: a command id equal to a wallet's names the clash --------------------------------------------------
    st, doc = s.post("/v1/wallets/10002/payments", {"id": "10004", "payee_id": "10011", "amount": "1.00"}, bank)
    problem(st, doc, 409, "id_taken_by_other_kind", "8: a payment whose id is a wallet's id says the ids share a space")
    st, doc = s.post("/v1/wallets/10002/payments", {"id": "2403", "payee_id": "10011", "amount": "1.00"}, bank)
    problem(st, doc, 409, "exists_with_different_fields", "8: the same kind with other fields stays as it was")

    # ---- the end: every batch kept the invariants (the server checks them and stops on a violation) ----
    st, doc = s.get("/v1/operators/1", reg)
    t.eq(st, 200, "the server still answers after every batch was checked")
    t.eq(s.stop(), 0, "the server stops cleanly")
finally:
    s.cleanup()
t.done()
