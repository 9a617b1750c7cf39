#!/usr/bin/env python3
"""test_api_currency.py — the currency and contract domains over HTTP on the
real binary, as their users drive them: the central bank registers a bank and
a payment institution, moves reserves, issues (100% reserve for the payment
institution) and redeems; the bank opens wallets of classes 1-4 on bank
accounts, tops up, pays merchants with categories, hits every limit with its
own problem code, upgrades a class, runs a sub-wallet, auto top-up and a
refund back where the money came from; a hard wallet is registered with an
Ed25519 key, loaded, and syncs offline payments signed by `szfin currency
sign-offline` with every rejection reason, then is suspended (its value
waits for the settlement window);
escrow, subsidy and conditional contracts run to each end, timed steps
included; roles and tenant scope; idempotent retries; the raw ledger routes
refuse domain accounts; every route refuses a body its schema does not
admit; everything survives a restart. The server checks
every domain invariant after each batch (SZFIN_CHECK_INVARIANTS=1)."""
import os
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from api_harness import BIN, Server, Tap  # noqa: E402

ENV = {"SZFIN_CHECK_INVARIANTS": "1"}
t = Tap()
s = Server(env=ENV).start()
restarted = None

SEED = "11" * 32          # the device's secret seed (stays on the device)
OTHER_SEED = "22" * 32    # somebody else's key: signatures do not verify


def problem(st, doc, status, code, name):
    t.ok(st == status and isinstance(doc, dict) and doc.get("code") == code, name, f"status {st} doc {doc}")


def cli(*args):
    out = subprocess.run([BIN, "currency"] + list(args), capture_output=True, text=True, timeout=30)
    if out.returncode != 0:
        raise RuntimeError(f"szfin currency {args}: {out.stderr}")
    return out.stdout.strip()


def cli_http(srv, token, *args):
    env = dict(os.environ, SZFIN_URL=f"http://127.0.0.1:{srv.port}", SZFIN_TOKEN=token)
    return subprocess.run([BIN, "currency"] + list(args), capture_output=True, text=True, timeout=30, env=env)


def sign(device, payee, amount, counter, seed=SEED):
    return cli("sign-offline", "--seed", seed, "--device", device, "--payee", payee, "--amount", amount,
               "--counter", str(counter), "--time", str(time.time_ns()))


def open_flow_lines(path):
    """Lines of a YAML file whose flow collection ({...} or [...]) does not close on the same
    line, outside block scalars (|). The dashboard's reader (web/yaml.js) reads flow collections
    one line at a time: one left open stops it (or, for a sequence, never returns)."""
    bad, block_indent = [], None
    for n, line in enumerate(open(path, encoding="utf-8"), 1):
        indent = len(line) - len(line.lstrip())
        if block_indent is not None and (not line.strip() or indent > block_indent):
            continue
        block_indent = None
        if line.rstrip().endswith(": |"):
            block_indent = indent
            continue
        depth, quote = 0, None
        for i, ch in enumerate(line):
            if quote:
                quote = None if ch == quote else quote
            elif ch in "'\"" and (i == 0 or line[i - 1] in " [{:,"):
                quote = ch
            elif ch in "[{":
                depth += 1
            elif ch in "]}":
                depth -= 1
        if depth != 0:
            bad.append(n)
    return bad


def now_ns():
    return time.time_ns()


def tick(srv, tok):
    """Make the engine run a batch (timed contract steps run at batch start)."""
    st, _ = srv.post("/v1/operators", {"id": "1001", "tenant_id": "1", "type": "bank", "name": "Pengcheng Bank"}, tok)
    assert st == 200, st


try:
    tok = {
        "cb": s.token("central_bank", name="pboc"),
        "bank": s.token("operator", tenant=1, name="bank"),
        "pi": s.token("operator", tenant=2, name="pay-institution"),
        "shop": s.token("merchant", tenant=1, owner=601, name="grocer"),
        "reg": s.token("regulator", name="reg"),
        "aud": s.token("auditor", name="aud"),
    }
    cb, bank, pi, shop, reg = tok["cb"], tok["bank"], tok["pi"], tok["shop"], tok["reg"]

    # ---- operators, reserve, issuance, redemption ----------------------------------
    op1 = {"id": "1001", "tenant_id": "1", "type": "bank", "name": "Pengcheng Bank"}
    st, doc = s.post("/v1/operators", op1, bank)
    problem(st, doc, 403, "forbidden", "an operator cannot register operators")
    st, doc, _, resp = s.request("POST", "/v1/operators", body=op1, token=cb)
    t.ok(st == 201 and doc["type"] == "bank" and doc["reserve"] == "0.00" and doc["supply"] == "0.00",
         "the central bank registers a bank", doc)
    t.eq(resp.getheader("Location"), "/v1/operators/1", "Location names the operator")
    st, doc2 = s.post("/v1/operators", op1, cb)
    t.ok(st == 200 and doc2 == doc, "registering again with the same fields answers 200", doc2)
    st, doc = s.post("/v1/operators", dict(op1, name="Other Bank"), cb)
    problem(st, doc, 409, "exists_with_different_fields", "the same tenant with other fields is 409")
    st, doc = s.post("/v1/operators", {"id": "1002", "tenant_id": "2", "type": "payment_institution",
                                       "name": "Nanshan Pay"}, cb)
    t.ok(st == 201 and doc["type"] == "payment_institution", "the central bank registers a payment institution", doc)
    st, doc = s.post("/v1/operators", {"id": "1003", "tenant_id": "3", "type": "trust"}, cb)
    problem(st, doc, 400, "field_invalid", "an unknown operator type is refused")

    st, doc = s.post("/v1/operators/1/reserve", {"id": "1101", "amount": "1000000.00"}, cb)
    t.ok(st == 201 and doc["reserve"] == "1000000.00", "reserve deposited for the bank", doc)
    st, doc = s.post("/v1/operators/2/reserve", {"id": "1102", "amount": "100000.00", "direction": "deposit"}, cb)
    t.ok(st == 201 and doc["reserve"] == "100000.00", "reserve deposited for the payment institution", doc)
    st, doc = s.post("/v1/operators/2/issue", {"id": "1201", "amount": "100000.01"}, cb)
    problem(st, doc, 422, "reserve_insufficient", "a payment institution cannot issue beyond 100% reserve")
    st, doc = s.post("/v1/operators/2/issue", {"id": "1202", "amount": "60000.00"}, cb)
    t.ok(st == 201 and doc["vault"] == "60000.00" and doc["reserve"] == "40000.00" and doc["issued"] == "60000.00",
         "the payment institution is issued 60,000 against its reserve", doc)
    st, doc = s.post("/v1/operators/1/issue", {"id": "1203", "amount": "1500000.00"}, cb)
    t.ok(st == 201 and doc["reserve"] == "-500000.00" and doc["vault"] == "1500000.00",
         "a bank may be issued beyond its reserve (central bank credit, shown negative)", doc)
    st, doc = s.post("/v1/operators/1/redeem", {"id": "1204", "amount": "100000.00"}, cb)
    t.ok(st == 201 and doc["vault"] == "1400000.00" and doc["redeemed"] == "100000.00"
         and doc["supply"] == "1460000.00", "the bank redeems 100,000", doc)
    st, doc = s.post("/v1/operators/2/redeem", {"id": "1205", "amount": "60000.01"}, cb)
    problem(st, doc, 422, "vault_insufficient", "nobody redeems more than its vault holds")
    st, doc = s.post("/v1/operators/2/reserve", {"id": "1206", "amount": "40000.01", "direction": "withdraw"}, cb)
    problem(st, doc, 422, "reserve_insufficient", "nobody withdraws more reserve than it holds")
    st, doc = s.post("/v1/operators/9/issue", {"id": "1207", "amount": "1.00"}, cb)
    problem(st, doc, 404, "not_found", "an unknown operator is 404")
    st, doc = s.get("/v1/operators/2", bank)
    problem(st, doc, 404, "not_found", "an operator does not see another operator")
    st, doc = s.get("/v1/operators/1", reg)
    t.ok(st == 200 and doc["held_for_customers"] == "0.00", "the regulator reads an operator", doc)

    # ---- the customers' bank accounts (plain ledger accounts) ------------------------
    for acc in ({"id": "7000", "kind": "general", "owner_id": "1"},
                {"id": "7001", "kind": "bank_deposit", "owner_id": "501", "flags": ["debits_must_not_exceed_credits"]},
                {"id": "7002", "kind": "bank_deposit", "owner_id": "502", "flags": ["debits_must_not_exceed_credits"]},
                {"id": "7003", "kind": "bank_deposit", "owner_id": "503", "flags": ["debits_must_not_exceed_credits"]},
                {"id": "7009", "kind": "bank_deposit", "owner_id": "509", "flags": ["debits_must_not_exceed_credits"]}):
        st, doc = s.post("/v1/accounts", dict(acc, currency="CNY"), bank)
        assert st == 201, (st, doc)
    for k, acc in enumerate(("7001", "7002", "7003", "7009")):
        st, doc = s.post("/v1/transfers", {"id": str(7100 + k), "debit_account_id": "7000", "credit_account_id": acc,
                                           "amount": "500000.00", "currency": "CNY"}, bank)
        assert st == 201, (st, doc)
    st, doc = s.post("/v1/accounts", {"id": "7201", "currency": "CNY", "kind": "bank_deposit", "owner_id": "601"}, pi)
    t.eq(st, 201, "the payment institution's customer has a bank account too")

    # ---- wallets of every class --------------------------------------------------------
    def wallet(wid, cls, owner, wtype="personal", token=bank, **extra):
        body = {"id": wid, "owner_id": owner, "type": wtype, "class": cls}
        body.update(extra)
        return s.post("/v1/wallets", body, token)

    st, doc, _, resp = s.request("POST", "/v1/wallets", body={"id": "10004", "owner_id": "501", "type": "personal",
                                                               "class": 4, "bank_account_id": "7001"}, token=bank)
    t.ok(st == 201 and doc["class"] == 4 and doc["balance"] == "0.00" and doc["tenant_id"] == "1"
         and doc["class_limits"] == {"balance": "10000.00", "payment": "2000.00", "daily": "5000.00",
                                     "annual": "50000.00"},
         "a class 4 wallet shows the class limits in force", doc)
    t.eq(resp.getheader("Location"), "/v1/wallets/10004", "Location names the wallet")
    st, doc = wallet("10003", 3, "503", bank_account_id="7003")
    t.ok(st == 201 and doc["class_limits"]["payment"] == "5000.00", "a class 3 wallet", doc)
    st, doc = wallet("10002", 2, "502", bank_account_id="7002", auto_topup=True)
    t.ok(st == 201 and doc["auto_topup"] and doc["class_limits"]["balance"] == "500000.00",
         "a class 2 wallet with auto top-up", doc)
    st, doc = wallet("10001", 1, "509", wtype="corporate", bank_account_id="7009",
                     limits={"balance": "900000.00", "payment": "80000.00"})
    t.ok(st == 201 and doc["type"] == "corporate" and doc["own_limits"]["payment"] == "80000.00"
         and doc["class_limits"]["payment"] == "0.00", "a class 1 corporate wallet with operator-set caps", doc)
    st, doc = wallet("10005", 4, "505", limits={"annual": "3000.00"})
    t.ok(st == 201 and doc["own_limits"]["annual"] == "3000.00", "a class 4 wallet with its own annual limit", doc)
    st, doc = wallet("20001", 2, "601", wtype="merchant", mcc=5411)
    t.ok(st == 201 and doc["type"] == "merchant" and doc["mcc"] == 5411, "a grocer's merchant wallet (MCC 5411)", doc)
    st, doc = wallet("20002", 2, "602", wtype="merchant", mcc=5812)
    t.eq(st, 201, "a restaurant's merchant wallet (MCC 5812)")
    st, doc = wallet("20003", 2, "603", wtype="merchant", mcc=8299)
    t.eq(st, 201, "a tutoring school's merchant wallet (MCC 8299)")
    st, doc = wallet("20004", 2, "604", wtype="merchant", mcc=7997)
    t.eq(st, 201, "a gym's merchant wallet (MCC 7997)")
    st, doc = wallet("21001", 2, "611", wtype="merchant", token=pi, mcc=5411)
    t.ok(st == 201 and doc["tenant_id"] == "2", "the payment institution opens a merchant wallet", doc)
    st, doc = wallet("21002", 3, "612", token=pi, bank_account_id="7201")
    t.eq(st, 201, "the payment institution opens a personal wallet")

    st, doc = wallet("10006", 5, "506")
    problem(st, doc, 400, "field_invalid", "class 5 is refused")
    st, doc = wallet("10006", 0, "506")
    problem(st, doc, 422, "class_invalid", "class 0 is refused by the domain")
    st, doc = wallet("10006", 2, "506", wtype="merchant")
    problem(st, doc, 422, "mcc_invalid", "a merchant wallet needs its category")
    st, doc = wallet("10006", 2, "506", bank_account_id="7000")
    problem(st, doc, 422, "bank_account_invalid", "the linked account must be a bank deposit account")
    st, doc = wallet("10006", 2, "506", auto_topup=True)
    problem(st, doc, 422, "bank_account_missing", "auto top-up needs a bank account")
    st, doc = wallet("10006", 2, "506", tenant_id="1", token=pi)
    problem(st, doc, 403, "out_of_scope", "an operator opens wallets only in its own tenant")
    st, doc = wallet("10006", 2, "506", bank_account_id="7201")
    problem(st, doc, 409, "bank_account_other_operator", "another operator's bank account cannot be linked, and the refusal says why")
    st, doc = wallet("10004", 4, "501", bank_account_id="7001")
    t.eq(st, 200, "opening the same wallet again answers 200")
    st, doc = wallet("10004", 3, "501", bank_account_id="7001")
    problem(st, doc, 409, "exists_with_different_fields", "the same wallet id with other fields is 409")

    # ---- top-ups, payments, limits ------------------------------------------------------
    def topup(wid, cid, amount, token=bank):
        return s.post(f"/v1/wallets/{wid}/topup", {"id": cid, "amount": amount}, token)

    def pay(wid, cid, payee, amount, token=bank, **extra):
        body = {"id": cid, "payee_id": payee, "amount": amount}
        body.update(extra)
        return s.post(f"/v1/wallets/{wid}/payments", body, token)

    def balance(wid, token=reg):
        st, doc = s.get(f"/v1/wallets/{wid}", token)
        return doc["balance"] if st == 200 else None

    st, doc = topup("10004", "3001", "9000.00")
    t.ok(st == 201 and doc["balance"] == "9000.00", "top-up from the linked bank account", doc)
    st, doc = s.get("/v1/accounts/7001", bank)
    t.eq(doc["credits_posted"], "500000.00", "the bank account is the ledger's own account")
    t.ok(doc["debits_posted"] == "9000.00", "the top-up debited the bank account", doc)
    st, doc = topup("10004", "3002", "1500.00")
    problem(st, doc, 422, "balance_cap_exceeded", "a top-up beyond the class 4 balance cap is refused")
    st, doc = topup("10005", "3003", "10.00")
    problem(st, doc, 422, "bank_account_missing", "a wallet without a bank account cannot top up")
    for wid, cid, amount in (("10003", "3004", "3000.00"), ("10002", "3005", "20000.00"),
                             ("10001", "3006", "300000.00"), ("21002", "3007", "1000.00")):
        st, doc = topup(wid, cid, amount, pi if wid.startswith("21") else bank)
        assert st == 201, (wid, st, doc)
    st, doc = topup("10001", "3008", "200000.01")
    problem(st, doc, 422, "bank_insufficient_funds", "a top-up beyond the bank balance is refused")

    st, doc = pay("10004", "4001", "20001", "2500.00")
    problem(st, doc, 422, "per_payment_limit_exceeded", "class 4: 2,500 in one payment is refused")
    st, doc = pay("10004", "4002", "20001", "2000.00", mcc=5411)
    t.ok(st == 201 and doc["mcc"] == 5411 and doc["amount"] == "2000.00" and doc["payer_id"] == "10004"
         and doc["payee_id"] == "20001", "a payment to a merchant records its category", doc)
    st, doc2 = pay("10004", "4002", "20001", "2000.00", mcc=5411)
    t.ok(st == 200 and doc2 == doc, "a retried payment answers 200 with the same outcome", doc2)
    st, doc2 = pay("10004", "4002", "20001", "2001.00", mcc=5411)
    problem(st, doc2, 409, "exists_with_different_fields", "the same payment id with another amount is 409")
    t.eq(balance("10004"), "7000.00", "the retries moved nothing")
    st, doc = pay("10004", "4003", "20001", "2000.00")
    t.ok(st == 201 and doc["mcc"] == 5411, "the merchant's category is taken when none is named", doc)
    st, doc = pay("10004", "4004", "20001", "1500.00")
    problem(st, doc, 422, "daily_outflow_limit_exceeded", "class 4: more than 5,000 out today is refused")
    st, doc = s.get("/v1/wallets/10004", bank)
    t.ok(doc["outflow_today"] == "4000.00" and doc["outflow_this_year"] == "4000.00",
         "the wallet shows today's and this year's outflow", doc)
    st, doc = pay("10004", "4005", "20001", "10.00", mcc=5812)
    problem(st, doc, 422, "mcc_invalid", "a payment naming another category than the merchant's is refused")
    st, doc = pay("10004", "4006", "10003", "10.00", mcc=5411)
    problem(st, doc, 422, "mcc_invalid", "a person-to-person payment carries no category")
    st, doc = pay("10004", "4007", "10004", "10.00")
    problem(st, doc, 422, "same_wallet", "a wallet cannot pay itself")
    st, doc = pay("10004", "4008", "99999", "10.00")
    problem(st, doc, 404, "wallet_not_found", "an unknown payee is 404 wallet_not_found")
    st, doc = pay("10003", "4009", "10002", "3000.01")
    problem(st, doc, 422, "insufficient_funds", "paying more than the balance (no auto top-up) is refused")
    st, doc = pay("10002", "4010", "10004", "5000.01")
    problem(st, doc, 422, "balance_cap_exceeded", "the receiving class 4 wallet's balance cap is enforced")
    # own annual limit (10005 has no bank account: fund it by a payment)
    st, doc = pay("10002", "4011", "10005", "4000.00")
    t.eq(st, 201, "a person-to-person payment")
    st, doc = pay("10005", "4012", "20001", "2000.00")
    t.eq(st, 201, "the wallet with its own annual limit pays 2,000")
    st, doc = pay("10005", "4013", "20001", "1500.00")
    problem(st, doc, 422, "annual_outflow_limit_exceeded", "its own annual limit of 3,000 is enforced")
    # the ledger legs of payments read back in the wallet account's history
    st, doc = s.get("/v1/accounts/10005/transfers?limit=5", reg)
    legs = doc.get("transfers", []) if st == 200 else []
    t.ok(st == 200 and any(x.get("amount") == "2000.00" and x.get("credit_account_id") == "20001" for x in legs),
         "a wallet's history shows its payments' ledger transfers", (st, doc))

    # upgrade 10004 from class 4 to class 3
    st, doc = s.post("/v1/wallets/10004/update", {"id": "4101", "class": 3}, bank)
    t.ok(st == 201 and doc["class"] == 3 and doc["class_limits"]["payment"] == "5000.00"
         and doc["balance"] == "5000.00" and doc["outflow_today"] == "4000.00",
         "upgrading to class 3 keeps balance and today's outflow, and shows the new limits", doc)
    st, doc = pay("10004", "4102", "20001", "2500.00")
    t.ok(st == 201, "after the upgrade 2,500 in one payment is fine", doc)
    st, doc = pay("10004", "4103", "20001", "3501.00")
    problem(st, doc, 422, "daily_outflow_limit_exceeded", "class 3: the daily 10,000 counts today's earlier outflow")
    st, doc = s.post("/v1/wallets/10002/update", {"id": "4104", "class": 2}, bank)
    t.ok(st == 201 and doc["auto_topup"], "an update that leaves auto_topup out keeps it", doc)

    # cross-operator payment: the liability moves with the money
    st, before1 = s.get("/v1/operators/1", cb)
    st, before2 = s.get("/v1/operators/2", cb)
    st, doc = pay("10002", "4201", "21001", "100.00")
    t.eq(st, 201, "a bank customer pays a payment institution's merchant")
    st, after1 = s.get("/v1/operators/1", cb)
    st, after2 = s.get("/v1/operators/2", cb)

    def yuan(x):
        return round(float(x) * 100)
    t.ok(yuan(before1["held_for_customers"]) - yuan(after1["held_for_customers"]) == 10000
         and yuan(after2["held_for_customers"]) - yuan(before2["held_for_customers"]) == 10000,
         "100.00 of liability moved from the bank to the payment institution", (before1, after1, before2, after2))

    st, doc = s.post("/v1/wallets/10003/withdraw", {"id": "4301", "amount": "500.00"}, bank)
    t.ok(st == 201 and doc["balance"] == "2500.00", "a withdrawal goes back to the bank account", doc)

    # ---- sub-wallet ----------------------------------------------------------------------
    st, doc = s.post("/v1/wallets", {"id": "10012", "parent_id": "10002",
                                     "limits": {"balance": "300.00", "payment": "100.00", "daily": "150.00"}}, bank)
    t.ok(st == 201 and doc["type"] == "sub" and doc["parent_id"] == "10002" and doc["class"] == 2,
         "a sub-wallet takes its parent's class", doc)
    st, doc = s.post("/v1/wallets/10012/sub-fund", {"id": "5001", "amount": "250.00"}, bank)
    t.ok(st == 201 and doc["balance"] == "250.00", "the sub-wallet is funded from its parent", doc)
    st, doc = s.post("/v1/wallets/10012/sub-fund", {"id": "5002", "amount": "100.00"}, bank)
    problem(st, doc, 422, "sub_wallet_balance_cap_exceeded", "the sub-wallet's own balance cap is enforced")
    st, doc = pay("10012", "5003", "20002", "120.00")
    problem(st, doc, 422, "sub_wallet_per_payment_limit_exceeded", "the sub-wallet's own per-payment limit")
    st, doc = pay("10012", "5004", "20002", "100.00")
    t.ok(st == 201 and doc["mcc"] == 5812, "the sub-wallet pays the restaurant", doc)
    st, doc = pay("10012", "5005", "20002", "60.00")
    problem(st, doc, 422, "sub_wallet_daily_limit_exceeded", "the sub-wallet's own daily limit")
    st, doc = s.get("/v1/wallets/10002", bank)
    t.ok(doc["outflow_today"] == "4200.00" and doc["sub_wallets"] == 1,
         "the sub-wallet's spending counts in the parent's outflow", doc)
    st, doc = s.post("/v1/wallets/10002/close", {"id": "5006"}, bank)
    problem(st, doc, 409, "wallet_has_sub_wallets", "a parent with open sub-wallets cannot close")
    parent_before = balance("10002")
    st, doc = s.post("/v1/wallets/10012/close", {"id": "5007"}, bank)
    t.ok(st == 201 and doc["closed"] and doc["balance"] == "0.00", "the sub-wallet closes", doc)
    t.eq(yuan(balance("10002")) - yuan(parent_before), 15000, "its 150.00 went back to the parent")
    st, doc = pay("10012", "5008", "20002", "1.00")
    problem(st, doc, 409, "wallet_closed", "a closed wallet cannot pay")

    # ---- auto top-up and refund --------------------------------------------------------------
    st, doc = s.get("/v1/accounts/7002", bank)
    bank_before = yuan(doc["credits_posted"]) - yuan(doc["debits_posted"])
    wallet_before = yuan(balance("10002"))
    amount = (wallet_before + 30000) / 100
    st, doc = pay("10002", "6001", "20003", f"{amount:.2f}")
    t.ok(st == 201 and doc["auto_topup"] == "300.00" and doc["refunded"] == "0.00",
         "a payment short by 300.00 pulls exactly 300.00 from the bank", doc)
    t.eq(balance("10002"), "0.00", "the wallet is empty after the payment")
    st, doc = s.post("/v1/payments/6001/refunds", {"id": "6002", "amount": f"{amount:.2f}"}, shop)
    problem(st, doc, 404, "not_found", "another merchant cannot refund the school's payment")
    st, doc = s.post("/v1/payments/6001/refunds", {"id": "6002", "amount": f"{amount:.2f}"}, pi)
    problem(st, doc, 404, "not_found", "another operator cannot refund it either")
    st, doc = s.post("/v1/payments/6001/refunds", {"id": "6002", "amount": f"{amount:.2f}"}, bank)
    t.ok(st == 201 and doc["to_bank"] == "300.00", "the refund sends the auto-topped-up 300.00 to the bank first", doc)
    st, doc = s.get("/v1/accounts/7002", bank)
    t.eq(yuan(doc["credits_posted"]) - yuan(doc["debits_posted"]), bank_before, "the bank account is whole again")
    t.eq(yuan(balance("10002")), wallet_before, "the rest went back to the wallet")
    st, doc = s.get("/v1/payments/6001", reg)
    t.ok(st == 200 and doc["refunded"] == f"{amount:.2f}", "the payment shows what was refunded", doc)
    st, doc = s.post("/v1/payments/6001/refunds", {"id": "6003", "amount": "0.01"}, bank)
    problem(st, doc, 422, "refund_exceeds_payment", "refunds cannot exceed the payment")
    st, doc = s.get("/v1/payments/6001", pi)
    problem(st, doc, 404, "not_found", "another operator does not see the payment")
    st, doc = s.post("/v1/payments/6999/refunds", {"id": "6004", "amount": "1.00"}, bank)
    problem(st, doc, 404, "not_found", "refunding an unknown payment is 404")

    # ---- limits configuration ------------------------------------------------------------------
    st, doc = s.get("/v1/currency/limits", shop)
    t.ok(st == 200 and [v["version"] for v in doc["versions"]] == ["1"]
         and doc["versions"][0]["class4"]["payment"] == "2000.00", "version 1 holds the default limits", doc)
    ini = os.path.join(os.path.dirname(BIN), "..", "..", "share", "currency", "limits.ini")
    out = cli_http(s, bank, "limits", "load", ini)
    t.ok(out.returncode == 1 and "forbidden" in out.stdout + out.stderr, "the CLI's limits load needs the central bank",
         out.stdout + out.stderr)
    out = cli_http(s, cb, "--json", "limits", "load", ini)
    versions = __import__("json").loads(out.stdout)["versions"] if out.returncode == 0 else None
    t.ok(versions and versions[1]["version"] == "2" and versions[1]["class3"] == versions[0]["class3"]
         and versions[1]["effective_from_ns"] == str(1893427200 * 10**9),
         "szfin currency limits load submits share/currency/limits.ini as version 2 (2030-01-01 China time)",
         out.stdout + out.stderr)
    out = cli_http(s, cb, "limits", "load", ini)
    t.eq(out.returncode, 0, "loading the same file again is idempotent")
    lim = {"version": 3, "effective_from_ns": str(now_ns() - 10**9), "offline_payment_max": "500",
           "offline_count_max": 10, "class1": {}, "class2": {"balance": "500000", "payment": "50000", "daily": "100000"},
           "class3": {"balance": "20000", "payment": "5000", "daily": "10000"},
           "class4": {"balance": "10000", "payment": "2000", "daily": "5000", "annual": "50000"}}
    st, doc = s.post("/v1/currency/limits", lim, cb)
    problem(st, doc, 422, "limits_effective_in_past", "a limits version cannot take effect in the past")
    st, doc = s.post("/v1/currency/limits", lim, bank)
    problem(st, doc, 403, "forbidden", "operators cannot set limits")
    lim["effective_from_ns"] = str(1924963200 * 10**9)  # 2031-01-01
    st, doc = s.post("/v1/currency/limits", lim, cb)
    t.ok(st == 201 and [v["version"] for v in doc["versions"]] == ["1", "2", "3"], "version 3 is scheduled", doc)
    st, doc = s.post("/v1/currency/limits", lim, cb)
    t.eq(st, 200, "the same version again answers 200")
    st, doc = s.post("/v1/currency/limits", dict(lim, version=1), cb)
    problem(st, doc, 409, "exists_with_different_fields", "version 1 cannot be redefined")

    # ---- hard wallet ---------------------------------------------------------------------------
    pk = __import__("json").loads(cli("keygen", "--seed", SEED))["public_key"]
    st, doc = s.post("/v1/devices", {"id": "30001", "wallet_id": "10003", "public_key": pk}, bank)
    t.ok(st == 201 and doc["public_key"] == pk and doc["value"] == "0.00" and not doc["suspended"],
         "a hard wallet is registered with its Ed25519 key", doc)
    st, doc = s.post("/v1/devices", {"id": "30002", "wallet_id": "10003", "public_key": "00" * 32}, bank)
    problem(st, doc, 422, "device_key_invalid", "a key that is not an Ed25519 point is refused")
    st, doc = s.post("/v1/devices", {"id": "30003", "wallet_id": "10003", "public_key": pk}, pi)
    problem(st, doc, 403, "out_of_scope", "an operator cannot attach a device to another operator's wallet")
    st, doc = s.post("/v1/devices/30001/load", {"id": "30101", "amount": "1000.00", "device_counter": 0}, bank)
    t.ok(st == 201 and doc["value"] == "1000.00" and doc["loaded"] == "1000.00", "1,000 loaded into the device", doc)
    t.eq(balance("10003"), "1500.00", "the load left the wallet")
    st, doc = s.post("/v1/devices/30009/load", {"id": "30102", "amount": "1.00"}, bank)
    problem(st, doc, 404, "not_found", "loading an unknown device is 404")

    def sync(cid, msgs, token=bank, device="30001"):
        return s.post(f"/v1/devices/{device}/sync", {"id": cid, "messages": msgs}, token)

    def outcomes(doc):
        return [m["result"] for m in doc["messages"]] if isinstance(doc, dict) and "messages" in doc else doc

    m1 = sign("30001", "20001", "200.00", 1)
    st, doc = sync("30201", [m1], token=shop)
    t.ok(st == 201 and doc["accepted"] == 1 and outcomes(doc) == ["accepted"],
         "the merchant syncs an offline payment it received", doc)
    st, doc2 = sync("30201", [m1], token=shop)
    t.ok(st == 200 and doc2 == doc, "a retried sync answers 200 with the same outcomes", doc2)
    bad = sign("30001", "20001", "50.00", 2, seed=OTHER_SEED)
    st, doc = sync("30202", [sign("30001", "20001", "50.00", 3), m1, bad])
    t.ok(st == 201 and outcomes(doc) == ["offline_counter_skipped", "offline_counter_replayed", "offline_bad_signature"],
         "skipped counter, replayed counter and a bad signature, each with its own outcome", doc)
    malformed = "00" + m1[2:]
    unknown = sign("30999", "20001", "1.00", 1)
    st, doc = sync("30203", [sign("30001", "20001", "600.00", 2), sign("30001", "20001", "450.00", 3),
                             sign("30001", "20001", "400.00", 4), sign("30001", "99999", "1.00", 5),
                             malformed, unknown])
    t.ok(st == 201 and outcomes(doc) == ["offline_amount_over_cap", "accepted", "offline_exceeds_loaded_value",
                                         "offline_payee_invalid", "offline_malformed", "offline_device_unknown"],
         "over the cap, accepted, beyond the loaded value, bad payee, malformed, unknown device", doc)
    st, doc = sync("30204", [sign("30001", "20001", "10.00", c) for c in range(6, 12)])
    t.ok(st == 201 and outcomes(doc) == ["accepted"] * 5 + ["offline_count_exceeded"],
         "the 11th payment since the last load exceeds the offline count", doc)
    st, doc = s.get("/v1/devices/30001", bank)
    t.ok(doc["spent_offline"] == "700.00" and doc["value"] == "300.00" and doc["last_counter"] == "11",
         "the device spent 700.00 offline and holds 300.00", doc)
    st, doc = s.get("/v1/devices/30001", pi)
    problem(st, doc, 404, "not_found", "another operator does not see the device")
    st, doc = s.get("/v1/devices/30001", shop)
    problem(st, doc, 404, "not_found", "a merchant does not see a customer's device")
    st, doc = sync("30205", ["zz"])
    problem(st, doc, 400, "field_invalid", "a message that is not 272 hex digits is refused")
    st, doc = s.post("/v1/devices/30001/suspend", {"id": "30301"}, bank)
    t.ok(st == 201 and doc["suspended"] and not doc["settled"] and doc["refunded"] == "0.00"
         and doc["value"] == "300.00", "suspending the lost device keeps its value for the settlement window", doc)
    t.eq(balance("10003"), "1500.00", "the value is refunded only after the window (7 days by default)")
    st, doc = s.post("/v1/devices/30001/suspend", {"id": "30302"}, bank)
    problem(st, doc, 409, "device_suspended", "a device is suspended once")
    st, doc = sync("30206", [sign("30001", "20001", "10.00", 12)])
    t.ok(st == 201 and outcomes(doc) == ["offline_device_suspended"], "later messages are rejected", doc)
    st, doc = s.post("/v1/devices/30001/load", {"id": "30103", "amount": "1.00", "device_counter": 12}, bank)
    problem(st, doc, 409, "device_suspended", "a suspended device cannot be loaded")

    # ---- prepaid escrow --------------------------------------------------------------------------
    st, doc = s.post("/v1/contract-templates", {"id": "40001", "kind": "prepaid_escrow", "name": "gym",
                                                "max_sessions": 12, "auto_confirm_s": 2,
                                                "max_duration_s": 86400}, bank)
    t.ok(st == 201 and doc["result"] == "ok", "an escrow template is registered", doc)
    st, doc = s.post("/v1/contract-templates", {"id": "40001", "kind": "prepaid_escrow", "name": "gym",
                                                "max_sessions": 12, "auto_confirm_s": 2,
                                                "max_duration_s": 86400}, bank)
    t.eq(st, 200, "the same template again answers 200")
    escrow = {"kind": "prepaid_escrow", "id": "41001", "template_id": "40001", "consumer_wallet_id": "10002",
              "merchant_wallet_id": "20004", "session_amount": "100.00", "sessions": 5}
    st, doc = s.post("/v1/contracts", dict(escrow, template_id="40999"), bank)
    problem(st, doc, 404, "template_not_found", "a contract needs a registered template")
    st, doc = s.post("/v1/contracts", dict(escrow, sessions=13), bank)
    problem(st, doc, 422, "sessions_invalid", "more sessions than the template allows are refused")
    st, doc = s.post("/v1/contracts", escrow, pi)
    problem(st, doc, 403, "out_of_scope", "another operator cannot spend the consumer's wallet")
    w_before = yuan(balance("10002"))
    st, doc, _, resp = s.request("POST", "/v1/contracts", body=escrow, token=bank)
    t.ok(st == 201 and doc["status"] == "active" and doc["money"]["funded"] == "500.00"
         and doc["money"]["held"] == "500.00" and doc["terms"]["sessions"] == 5,
         "a 5 x 100.00 escrow is funded from the consumer", doc)
    t.eq(resp.getheader("Location"), "/v1/contracts/41001", "Location names the contract")
    t.eq(w_before - yuan(balance("10002")), 50000, "the consumer's wallet paid 500.00 into escrow")
    st, doc2 = s.post("/v1/contracts", escrow, bank)
    t.ok(st == 200 and doc2 == doc, "a retried create answers 200 with the same contract", doc2)
    st, doc2 = s.post("/v1/contracts", dict(escrow, sessions=4), bank)
    problem(st, doc2, 409, "exists_with_different_fields", "the same contract id with other terms is 409")

    def event(cid, eid, etype, party, token=bank, **extra):
        body = {"id": eid, "type": etype, "party_id": party}
        body.update(extra)
        return s.post(f"/v1/contracts/{cid}/events", body, token)

    st, doc = event("41001", "41101", "confirm", "10002")
    problem(st, doc, 409, "no_session_to_confirm", "nothing delivered: nothing to confirm")
    st, doc = event("41001", "41102", "deliver", "10002")
    problem(st, doc, 422, "party_mismatch", "only the merchant reports a delivery")
    st, doc = event("41001", "41103", "deliver", "20004")
    t.ok(st == 201 and doc["delivered"] == 1, "the gym reports session 1 delivered", doc)
    st, doc = event("41001", "41104", "confirm", "10002")
    t.ok(st == 201 and doc["released"] == 1 and doc["money"]["paid"] == "100.00",
         "the consumer confirms: one session released to the gym", doc)
    st, doc2 = event("41001", "41104", "confirm", "10002")
    t.eq(st, 200, "a retried confirmation answers 200")
    st, doc = event("41001", "41105", "deliver", "20004")
    t.ok(st == 201 and doc["delivered"] == 2, "session 2 delivered; the consumer stays silent", doc)
    time.sleep(2.5)
    tick(s, cb)
    st, doc = s.get("/v1/contracts/41001", reg)
    t.ok(st == 200 and doc["released"] == 2 and doc["money"]["paid"] == "200.00"
         and doc["events"][-1]["type"] == "auto_released", "session 2 released itself after auto_confirm_s", doc)
    st, doc = event("41001", "41106", "deliver", "20004")
    t.eq(st, 201, "session 3 delivered")
    st, doc = event("41001", "41107", "cancel", "10002")
    t.ok(st == 201 and doc["status"] == "cancelled" and doc["money"]["paid"] == "300.00"
         and doc["money"]["refunded"] == "200.00" and doc["money"]["held"] == "0.00",
         "cancelling pays the delivered session and refunds the remaining two", doc)
    t.eq([e["type"] for e in doc["events"]],
         ["created", "delivered", "confirmed", "delivered", "auto_released", "delivered", "confirmed", "cancelled"],
         "the contract lists every event, oldest first")
    st, doc = event("41001", "41108", "deliver", "20004")
    problem(st, doc, 409, "contract_not_active", "an ended contract takes no events")
    st, doc = event("41999", "41109", "deliver", "20004")
    problem(st, doc, 404, "contract_not_found", "an event on an unknown contract is 404")
    st, doc = s.get("/v1/contracts/41001", pi)
    problem(st, doc, 404, "not_found", "another operator does not see the contract")

    # merchant insolvency
    for cid in ("41002", "41003"):
        st, doc = s.post("/v1/contracts", dict(escrow, id=cid, merchant_wallet_id="20003", sessions=3), bank)
        assert st == 201, (st, doc)
    st, doc = event("41002", "41201", "deliver", "20003")
    t.eq(st, 201, "the school delivers one session of the first course")
    st, doc = s.post("/v1/merchants/20003/insolvency", {"id": "41202"}, pi)
    problem(st, doc, 403, "out_of_scope", "another operator cannot declare the school insolvent")
    w_before = yuan(balance("10002"))
    st, doc = s.post("/v1/merchants/20003/insolvency", {"id": "41202"}, cb)
    t.ok(st == 201 and doc["result"] == "ok", "the central bank declares the school insolvent", doc)
    st, a = s.get("/v1/contracts/41002", reg)
    st, b = s.get("/v1/contracts/41003", reg)
    t.ok(a["status"] == "merchant_insolvent" and a["money"]["paid"] == "100.00" and a["money"]["refunded"] == "200.00"
         and b["status"] == "merchant_insolvent" and b["money"]["refunded"] == "300.00",
         "every active escrow of the school paid what was delivered and refunded the rest", (a, b))
    t.eq(yuan(balance("10002")) - w_before, 50000, "500.00 went back to the consumer")

    # a wallet an active escrow pays from cannot close: the escrow ends first
    st, doc = wallet("10007", 2, "501", bank_account_id="7001")
    st, doc = topup("10007", "41301", "500.00")
    st, doc = s.post("/v1/contracts", dict(escrow, id="41004", consumer_wallet_id="10007", sessions=2), bank)
    t.eq(st, 201, "an escrow from a wallet that will close")
    st, doc = event("41004", "41302", "deliver", "20004")
    gym_before = balance("20004")
    st, before = s.get("/v1/contracts/41004", reg)
    st, doc = s.post("/v1/wallets/10007/close", {"id": "41303"}, bank)
    problem(st, doc, 409, "wallet_has_contracts", "a wallet an active escrow pays from cannot close")
    st, after = s.get("/v1/contracts/41004", reg)
    t.ok(after == before and after["status"] == "active", "the refused close left the escrow as it was", after)
    st, doc = event("41004", "41304", "cancel", "10007")
    t.ok(st == 201 and doc["status"] == "cancelled" and doc["money"]["paid"] == "100.00"
         and doc["money"]["refunded"] == "100.00",
         "cancelling pays the delivered session and refunds the other to the still open wallet", doc)
    t.eq(yuan(balance("20004")) - yuan(gym_before), 10000, "the gym was paid for the delivered session")
    st, doc = s.post("/v1/wallets/10007/close", {"id": "41305"}, bank)
    t.ok(st == 201 and doc["closed"], "then the consumer closes the wallet (its balance goes to the bank)", doc)

    # ---- purpose-bound subsidy --------------------------------------------------------------------
    st, doc = s.post("/v1/contract-templates", {"id": "40002", "kind": "subsidy", "name": "food coupons",
                                                "mcc": [5411], "max_duration_s": 3600}, cb)
    t.eq(st, 201, "the central bank registers a subsidy template for groceries")
    sub = {"kind": "subsidy", "id": "42001", "template_id": "40002", "issuer_wallet_id": "10001",
           "budget": "1000.00", "expires_at_ns": str(now_ns() + 4 * 10**9)}
    st, doc = s.post("/v1/contracts", dict(sub, expires_at_ns=str(now_ns() + 7200 * 10**9)), bank)
    problem(st, doc, 422, "deadline_invalid", "an expiry beyond the template's duration is refused")
    issuer_before = yuan(balance("10001"))
    st, doc = s.post("/v1/contracts", sub, bank)
    t.ok(st == 201 and doc["kind"] == "subsidy" and doc["money"]["held"] == "1000.00", "a 1,000 subsidy is funded", doc)
    st, doc = s.post("/v1/contracts/42001/grants", {"id": "42101", "wallet_id": "10003", "amount": "300.00"}, bank)
    t.ok(st == 201 and doc["money"]["granted"] == "300.00", "300.00 granted to a resident", doc)
    st, doc = s.post("/v1/contracts/42001/grants", {"id": "42102", "wallet_id": "10004", "amount": "200.00"}, bank)
    t.eq(st, 201, "200.00 granted to another resident")
    st, doc = s.post("/v1/contracts/42001/grants", {"id": "42103", "wallet_id": "10004", "amount": "600.00"}, bank)
    problem(st, doc, 422, "subsidy_budget_insufficient", "grants cannot exceed the budget")

    def spend(sid, wid, payee, amount, token=bank, **extra):
        body = {"id": sid, "wallet_id": wid, "payee_id": payee, "amount": amount}
        body.update(extra)
        return s.post("/v1/contracts/42001/spend", body, token)

    shop_before = yuan(balance("20001"))
    st, doc = spend("42201", "10003", "20001", "100.00")
    t.ok(st == 201 and doc["money"]["paid"] == "100.00" and doc["events"][-1]["type"] == "spent"
         and doc["events"][-1]["detail"] == 5411, "the resident spends 100.00 at the grocer (MCC 5411)", doc)
    t.eq(yuan(balance("20001")) - shop_before, 10000, "the grocer received it")
    st, doc = spend("42202", "10003", "20002", "10.00")
    problem(st, doc, 422, "subsidy_category_not_allowed", "the restaurant's category is not allowed")
    st, doc = spend("42203", "10003", "10002", "10.00")
    problem(st, doc, 422, "subsidy_payee_not_merchant", "subsidy money cannot go to a person")
    st, doc = spend("42204", "10003", "20001", "10.00", to_bank=True)
    problem(st, doc, 422, "subsidy_redemption_forbidden", "subsidy money cannot be redeemed to a bank")
    st, doc = spend("42205", "10003", "20001", "250.00")
    problem(st, doc, 422, "grant_insufficient", "nobody spends more than their grant")
    st, doc = spend("42206", "10002", "20001", "1.00")
    problem(st, doc, 404, "grant_not_found", "a wallet without a grant is 404 grant_not_found")
    st, doc = spend("42207", "10003", "20001", "1.00", token=pi)
    problem(st, doc, 403, "out_of_scope", "another operator cannot spend a resident's grant")
    st, doc = s.post("/v1/contracts/42001/grants", {"id": "42104", "wallet_id": "21002", "amount": "1.00"}, pi)
    problem(st, doc, 404, "not_found", "another operator cannot grant from the issuer's subsidy")
    time.sleep(max(0, (int(sub["expires_at_ns"]) - now_ns()) / 1e9) + 0.5)
    tick(s, cb)
    st, doc = s.get("/v1/contracts/42001", bank)
    t.ok(st == 200 and doc["status"] == "expired" and doc["money"]["refunded"] == "900.00"
         and doc["money"]["paid"] == "100.00" and doc["events"][-1]["type"] == "expired"
         and doc["events"][-1]["amount"] == "900.00", "at expiry grants and the unused budget return to the issuer", doc)
    t.eq(issuer_before - yuan(balance("10001")), 10000, "the issuer is out only what was spent")
    st, doc = spend("42208", "10004", "20001", "1.00")
    problem(st, doc, 409, "subsidy_expired", "an expired subsidy cannot be spent")

    # ---- conditional payment -----------------------------------------------------------------------
    st, doc = s.post("/v1/contract-templates", {"id": "40003", "kind": "conditional", "name": "delivery",
                                                "condition_code": 7, "max_duration_s": 3600}, bank)
    t.eq(st, 201, "a conditional template (event code 7: goods received)")
    cond = {"kind": "conditional", "id": "43001", "template_id": "40003", "payer_wallet_id": "10002",
            "payee_wallet_id": "20002", "condition_party_id": "9901", "amount": "150.00",
            "deadline_ns": str(now_ns() + 3600 * 10**9), "condition_code": 7}
    st, doc = s.post("/v1/contracts", dict(cond, condition_code=8), bank)
    problem(st, doc, 422, "condition_code_mismatch", "the contract's code must be the template's")
    st, doc = s.post("/v1/contracts", cond, bank)
    t.ok(st == 201 and doc["terms"]["condition_code"] == 7 and doc["money"]["held"] == "150.00",
         "150.00 held until the condition", doc)
    st, doc = event("43001", "43101", "condition", "9902", code=7)
    problem(st, doc, 422, "party_mismatch", "only the named party posts the condition")
    st, doc = event("43001", "43102", "condition", "9901", code=6)
    problem(st, doc, 422, "condition_code_mismatch", "another event code does not release")
    st, doc = event("43001", "43103", "condition", "9901", code=7)
    t.ok(st == 201 and doc["status"] == "completed" and doc["money"]["paid"] == "150.00",
         "the condition is met: the payee is paid", doc)
    st, doc = s.post("/v1/contracts", dict(cond, id="43002", deadline_ns=str(now_ns() + 2 * 10**9)), bank)
    t.eq(st, 201, "a second conditional payment with a short deadline")
    time.sleep(2.5)
    tick(s, cb)
    st, doc = s.get("/v1/contracts/43002", reg)
    t.ok(st == 200 and doc["status"] == "refunded" and doc["money"]["refunded"] == "150.00"
         and doc["events"][-1]["type"] == "deadline_refund", "at the deadline the payer is refunded", doc)
    st, doc = event("43002", "43104", "condition", "9901", code=7)
    problem(st, doc, 409, "contract_not_active", "a refunded conditional payment cannot be released")

    # ---- roles and tenant scope -----------------------------------------------------------------------
    st, doc = s.get("/v1/wallets/10002", pi)
    problem(st, doc, 404, "not_found", "an operator does not see another operator's wallet")
    st, doc = pay("10002", "8001", "21001", "1.00", token=pi)
    problem(st, doc, 404, "not_found", "an operator cannot pay from another operator's wallet")
    st, doc = topup("10002", "8002", "1.00", token=pi)
    problem(st, doc, 404, "not_found", "nor top it up")
    st, doc = s.post("/v1/wallets/10002/update", {"id": "8003", "class": 1}, pi)
    problem(st, doc, 404, "not_found", "nor change its class")
    st, doc = s.get("/v1/wallets/10002", reg)
    t.ok(st == 200 and doc["id"] == "10002", "the regulator reads any wallet", doc)
    st, doc = s.get("/v1/wallets/10002", tok["aud"])
    t.eq(st, 200, "the auditor reads any wallet")
    st, doc = pay("10002", "8004", "20001", "1.00", token=reg)
    problem(st, doc, 403, "forbidden", "the regulator moves no money")
    st, doc = s.post("/v1/operators/1/issue", {"id": "8005", "amount": "1.00"}, reg)
    problem(st, doc, 403, "forbidden", "the regulator issues nothing")
    st, doc = s.get("/v1/wallets/20001", shop)
    t.ok(st == 200 and doc["mcc"] == 5411, "a merchant reads its own wallet", doc)
    st, doc = s.get("/v1/wallets/20002", shop)
    problem(st, doc, 404, "not_found", "a merchant does not see another merchant's wallet")
    st, doc = pay("20001", "8006", "10002", "1.00", token=shop)
    t.eq(st, 201, "a merchant pays from its own wallet")
    st, doc = s.get("/v1/wallets/10002")
    t.eq(st, 401, "wallets need a token")
    out = cli_http(s, bank, "--json", "wallet", "pay", "10003", "--id", "8007", "--payee-id", "20001",
                   "--amount", "1.00")
    t.ok(out.returncode == 0 and __import__("json").loads(out.stdout)["payee_id"] == "20001",
         "szfin currency wallet pay", out.stdout + out.stderr)
    out = cli_http(s, bank, "--json", "wallet", "get", "10003")
    t.ok(out.returncode == 0 and __import__("json").loads(out.stdout)["balance"] == balance("10003"),
         "szfin currency wallet get", out.stdout + out.stderr)
    out = cli_http(s, pi, "wallet", "get", "10003")
    t.ok(out.returncode == 1 and "not_found" in out.stdout + out.stderr, "the CLI shows the problem and exits 1",
         out.stdout + out.stderr)
    out = cli_http(s, bank, "--json", "contract", "get", "41001")
    t.ok(out.returncode == 0 and __import__("json").loads(out.stdout)["status"] == "cancelled",
         "szfin currency contract get", out.stdout + out.stderr)

    # ---- the raw ledger routes refuse domain accounts ---------------------------------------------------
    raw = {"id": "9001", "debit_account_id": "10002", "credit_account_id": "7000", "amount": "1.00", "currency": "CNY"}
    st, doc = s.post("/v1/transfers", raw, bank)
    problem(st, doc, 403, "domain_account", "a raw transfer out of a wallet is refused")
    st, doc = s.post("/v1/transfers", dict(raw, debit_account_id="7000", credit_account_id="10002"), bank)
    problem(st, doc, 403, "domain_account", "a raw transfer into a wallet is refused")
    st, doc = s.post("/v1/transfers", dict(raw, debit_account_id="7000", credit_account_id="10002"), cb)
    problem(st, doc, 403, "domain_account", "even the central bank cannot move wallet money by raw transfer")
    st, doc = s.post("/v1/transfers/batch", {"transfers": [dict(raw, id="9002", debit_account_id="7000",
                                                                 credit_account_id="7001"), raw]}, bank)
    problem(st, doc, 403, "domain_account", "a batch naming a wallet is refused as a whole")
    rec = struct.pack("<QQQQQQQQQQQQIIHH20x", 9003, 0, 7000, 0, 10002, 0, 0, 0, 0, 0, 100, 0, 0,
                      ord("C") | ord("N") << 8 | ord("Y") << 16, 0, 0)
    assert len(rec) == 128
    st, doc, _, _ = s.request("POST", "/v1/binary/transfers", raw=rec, token=bank,
                              content_type="application/octet-stream")
    problem(st, doc, 403, "domain_account", "a binary transfer into a wallet is refused")
    for action in ("freeze", "unfreeze", "close"):
        st, doc, _, _ = s.request("POST", f"/v1/accounts/10002/{action}", token=bank)
        problem(st, doc, 403, "domain_account", f"a wallet cannot be {action}d through the account routes")
    st, doc = s.post("/v1/accounts", {"id": "9010", "currency": "CNY", "tenant_id": "1",
                                      "user_data": str(0x535a435500000001)}, bank)
    problem(st, doc, 403, "domain_account", "nobody creates accounts carrying the currency tag")
    st, doc = s.get("/v1/accounts/10002", bank)
    t.ok(st == 200 and doc["kind"] == "wallet", "wallet accounts stay readable on the ledger routes", doc)
    st, doc = s.post("/v1/transfers", dict(raw, debit_account_id="7000", credit_account_id="7001", id="9004"), bank)
    t.eq(st, 201, "raw transfers between plain accounts still work")

    # The dashboard's API reference reads docs/openapi.yaml with web/yaml.js: the currency section
    # once held two flow collections spread over several lines, which stopped it.
    spec = os.path.join(os.path.dirname(__file__), "..", "..", "docs", "openapi.yaml")
    t.eq(open_flow_lines(spec), [], "every flow collection in docs/openapi.yaml closes on its own line")

    # ---- request shapes: one codec for every route (docs/openapi.yaml) -------------------------------
    # Every body is decoded by its route's schema before the handler runs: unknown fields (also inside
    # nested objects and fields of another contract kind) are refused, a required field that is absent
    # is field_missing, an empty string is never a value, booleans are true or false, and enums are
    # checked on every route. A refused body changes nothing.
    wallet_before = s.get("/v1/wallets/10003", bank)
    shapes = [
        ("/v1/operators", {"id": "9101", "tenant_id": "9"}, cb, 400, "field_missing", "an operator needs its type"),
        ("/v1/operators", {"id": "9101", "type": "bank"}, cb, 400, "field_missing", "an operator needs its tenant"),
        ("/v1/operators", {"id": "9101", "tenant_id": "9", "type": "bank", "name": ""}, cb, 400, "field_invalid",
         "an empty operator name is refused"),
        ("/v1/operators", {"id": "9101", "tenant_id": "9", "type": "bank", "name": "x" * 32}, cb, 400, "field_invalid",
         "an operator name over 31 bytes is refused, not cut"),
        ("/v1/operators", {"id": "9101", "tenant_id": "9", "type": "bank", "currency": "USD"}, cb, 400, "field_invalid",
         "an operator's currency can only be CNY"),
        ("/v1/operators/1/issue", {"id": "9102", "amount": "1.00", "direction": "deposit"}, cb, 400, "field_unknown",
         "issuance takes no direction"),
        ("/v1/operators/1/reserve", {"id": "9102", "amount": "1.00", "direction": "sideways"}, cb, 400, "field_invalid",
         "a reserve move is a deposit or a withdrawal"),
        ("/v1/wallets", {"id": "9103", "class": 2}, bank, 400, "field_missing", "a main wallet needs its type"),
        ("/v1/wallets", {"id": "9103", "parent_id": "10002", "type": "trust"}, bank, 400, "field_invalid",
         "an unknown type is refused on a sub-wallet too"),
        ("/v1/wallets", {"id": "9103", "class": 2, "type": "personal", "auto_topup": "yes"}, bank, 400, "field_invalid",
         "auto_topup is true or false when opening a wallet, as when updating one"),
        ("/v1/wallets", {"id": "9103", "class": 2, "type": "personal", "limits": {"weekly": "1.00"}}, bank, 400,
         "field_unknown", "an unknown field inside limits is refused"),
        ("/v1/wallets", {"id": "9103", "class": 2, "type": "personal", "limits": {"daily": "1.001"}}, bank, 400,
         "amount_invalid", "a limit with three decimals is refused"),
        ("/v1/wallets", {"id": "9103", "class": 2, "type": "personal", "owner_id": ""}, bank, 400, "id_invalid",
         "an empty id is refused"),
        ("/v1/wallets/10003/close", {"id": "9104", "amount": "1.00"}, bank, 400, "field_unknown",
         "closing a wallet takes no amount"),
        ("/v1/wallets/10003/topup", {"id": "9104", "amount": "1.00", "direction": "to_parent"}, bank, 400,
         "field_unknown", "a top-up takes no direction"),
        ("/v1/wallets/10012/sub-fund", {"id": "9104", "amount": "1.00", "direction": "upwards"}, bank, 400,
         "field_invalid", "a sub-wallet is funded from_parent or to_parent, nothing else"),
        ("/v1/wallets/10003/update", {"id": "9104", "limits": []}, bank, 400, "field_invalid",
         "limits must be an object"),
        ("/v1/currency/limits", {"effective_from_ns": "1", "offline_payment_max": "1", "offline_count_max": 1}, cb, 400,
         "field_missing", "a limits version needs its version"),
        ("/v1/currency/limits", dict(lim, version=9, class2={"monthly": "1"}), cb, 400, "field_unknown",
         "an unknown field inside a class of a limits version is refused"),
        ("/v1/devices", {"id": "9105", "wallet_id": "10003"}, bank, 400, "field_missing", "a device needs its key"),
        ("/v1/devices/30001/sync", {"id": "9106"}, bank, 400, "field_missing", "a sync needs its messages"),
        ("/v1/devices/30001/sync", {"id": "9106", "messages": []}, bank, 400, "field_invalid",
         "a sync carries at least one message"),
        ("/v1/devices/30001/sync", {"id": "9106", "messages": ["zz" * 136]}, bank, 400, "field_invalid",
         "a message of 272 characters that are not hex digits is refused"),
        ("/v1/contract-templates", {"id": "9107", "max_duration_s": 60}, bank, 400, "field_missing",
         "a template needs its kind"),
        ("/v1/contract-templates", {"id": "9107", "kind": "subsidy", "mcc": [5411]}, bank, 400, "field_missing",
         "a template needs its longest duration"),
        ("/v1/contracts", dict(escrow, id="9108", budget="1.00"), bank, 400, "field_unknown",
         "an escrow refuses a subsidy's budget"),
        ("/v1/contracts", {k: v for k, v in dict(escrow, id="9108").items() if k != "sessions"}, bank, 400,
         "field_missing", "an escrow needs its number of sessions"),
        ("/v1/contracts/41001/events", {"id": "9109", "party_id": "20004"}, bank, 400, "field_missing",
         "an event needs its type"),
        ("/v1/contracts/42001/spend", {"id": "9110", "wallet_id": "10002", "amount": "1.00", "to_bank": "no"}, bank,
         400, "field_invalid", "to_bank is true or false"),
    ]
    for path, body, token, status, code, name in shapes:
        st, doc = s.post(path, body, token)
        problem(st, doc, status, code, name)
    t.ok(s.get("/v1/wallets/10003", bank) == wallet_before, "the refused bodies changed nothing",
         s.get("/v1/wallets/10003", bank))

    # ---- restart keeps everything ---------------------------------------------------------------------------
    paths = ["/v1/operators/1", "/v1/operators/2", "/v1/wallets/10001", "/v1/wallets/10002", "/v1/wallets/10003",
             "/v1/wallets/10004", "/v1/wallets/10012", "/v1/wallets/20001", "/v1/wallets/21001",
             "/v1/payments/6001", "/v1/devices/30001", "/v1/contracts/41001", "/v1/contracts/41002",
             "/v1/contracts/42001", "/v1/contracts/43001", "/v1/contracts/43002", "/v1/currency/limits"]
    before = {p: s.get(p, reg) for p in paths}
    t.ok(all(st == 200 for st, _ in before.values()), "every record reads before the restart",
         {p: st for p, (st, _) in before.items()})
    t.eq(s.stop(), 0, "the server stops cleanly")
    restarted = Server(data_dir=s.data_dir, env=ENV).start()
    for p in paths:
        t.ok(restarted.get(p, reg) == before[p], f"after restart {p} is unchanged", restarted.get(p, reg))
    st, doc = restarted.post("/v1/wallets/10004/payments", {"id": "4002", "payee_id": "20001", "amount": "2000.00",
                                                            "mcc": 5411}, bank)
    t.eq(st, 200, "after restart a retried payment still answers 200")
    st, doc = restarted.post("/v1/wallets/10003/payments", {"id": "8101", "payee_id": "20001", "amount": "10.00"}, bank)
    t.ok(st == 201, "after restart new payments work", doc)
    st, doc = restarted.post("/v1/devices/30001/sync", {"id": "8102", "messages": [sign("30001", "20001", "10.00", 12)]},
                             bank)
    t.ok(st == 201 and outcomes(doc) == ["offline_device_suspended"], "after restart the device stays suspended", doc)
finally:
    if restarted is not None:
        restarted.cleanup()
    s.cleanup()
t.done()
