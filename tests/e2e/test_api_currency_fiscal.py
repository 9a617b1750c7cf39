#!/usr/bin/env python3
"""test_api_currency_fiscal.py — fiscal payments (财政收支) end to end on the
real binary: a government agency's wallet disburses a subsidy to 2,000
wallets in one request (21 chunk commands in one engine batch), idempotent
per line, with one result per line and a reconciliation with the ledger;
taxes and fees are collected into the treasury's wallet with a receipt.

Rules checked (docs/currency.md, "Fiscal payments"):
  * a refused line (unknown, frozen or capped payee, zero amount, the
    agency's funds) is reported with its result; the other lines pay;
  * a line id pays at most once, in any batch (paid_before);
  * the same request again answers 200 with the same report, paying nothing;
  * bad input (no lines, too many, unknown purpose, a non-agency payer,
    an unknown query parameter value) is refused and changes nothing;
  * a collection is the payer's outflow (limits, controls) into the
    treasury wallet and answers a receipt;
  * reports and receipts survive a restart.

The server checks every domain invariant (the two-tier invariant among them)
after each batch (SZFIN_CHECK_INVARIANTS=1). Amounts are derived by hand in
the comments."""
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(__file__))
from api_harness import BIN, Server, Tap  # noqa: E402

ENV = {"SZFIN_CHECK_INVARIANTS": "1"}
N = 2000  # payee wallets 100000 .. 101999
t = Tap()
s = Server(env=ENV).start()
restarted = None


def problem(st, doc, status, code, name):
    t.ok(st == status and isinstance(doc, dict) and doc.get("code") == code, name, f"status {st} doc {doc}")


def cli_http(srv, token, *args, stdin=None):
    env = dict(os.environ, SZFIN_URL=f"http://127.0.0.1:{srv.port}", SZFIN_TOKEN=token)
    return subprocess.run([BIN, "currency", "--json"] + list(args), capture_output=True, text=True, timeout=60,
                          env=env, input=stdin)


try:
    cb = s.token("central_bank", name="pboc")
    bank = s.token("operator", tenant=1, name="bank")
    other = s.token("operator", tenant=2, name="other-bank")
    agency_tok = s.token("merchant", tenant=1, owner=900, name="district-civil-affairs")
    reg = s.token("regulator", name="reg")

    def balance(wid, srv=None):
        st, doc = (srv or s).get(f"/v1/wallets/{wid}", reg)
        assert st == 200, (st, doc)
        return doc["balance"]

    # ---- setup: bank (tenant 1) issued 5,000,000; agency G 30001, treasury T 30002, agency G2 30003 -------------
    for body in ({"id": "1001", "tenant_id": "1", "type": "bank", "name": "Luohu Bank"},
                 {"id": "1002", "tenant_id": "2", "type": "bank", "name": "Bao'an Bank"}):
        st, doc = s.post("/v1/operators", body, cb)
        assert st == 201, (st, doc)
    for cid, route in (("1101", "reserve"), ("1201", "issue")):
        st, doc = s.post(f"/v1/operators/1/{route}", {"id": cid, "amount": "5000000.00"}, cb)
        assert st == 201, (st, doc)
    st, doc = s.post("/v1/accounts", {"id": "7000", "kind": "general", "owner_id": "1", "currency": "CNY"}, bank)
    assert st == 201, (st, doc)
    for k, (acc, owner, amount) in enumerate((("7009", "900", "3000000.00"), ("7010", "903", "1000.00"),
                                               ("7011", "601", "10000.00"))):
        st, doc = s.post("/v1/accounts", {"id": acc, "kind": "bank_deposit", "owner_id": owner, "currency": "CNY",
                                          "flags": ["debits_must_not_exceed_credits"]}, bank)
        assert st == 201, (st, doc)
        st, doc = s.post("/v1/transfers", {"id": str(7100 + k), "debit_account_id": "7000", "credit_account_id": acc,
                                           "amount": amount, "currency": "CNY"}, bank)
        assert st == 201, (st, doc)
    st, doc = s.post("/v1/wallets", {"id": "30001", "owner_id": "900", "type": "government", "class": 2,
                                     "bank_account_id": "7009"}, bank)
    problem(st, doc, 422, "class_invalid", "a government agency wallet is class 1")
    for wid, owner, wtype, acc in (("30001", "900", "government", "7009"), ("30002", "901", "treasury", None),
                                   ("30003", "903", "government", "7010")):
        body = {"id": wid, "owner_id": owner, "type": wtype, "class": 1}
        if acc:
            body["bank_account_id"] = acc
        st, doc = s.post("/v1/wallets", body, bank)
        t.ok(st == 201 and doc.get("type") == wtype, f"a {wtype} wallet {wid} is opened", (st, doc))
    st, doc = s.post("/v1/wallets/30001/topup", {"id": "2001", "amount": "2000000.00"}, bank)
    assert st == 201, (st, doc)
    st, doc = s.post("/v1/wallets/30003/topup", {"id": "2002", "amount": "1000.00"}, bank)
    assert st == 201, (st, doc)
    # G 2,000,000.00   G2 1,000.00

    def open_citizen(k):
        return s.post("/v1/wallets", {"id": str(100000 + k), "owner_id": str(200000 + k), "type": "personal",
                                      "class": 3}, bank)[0]

    with ThreadPoolExecutor(max_workers=16) as pool:
        codes = list(pool.map(open_citizen, range(N)))
    t.ok(codes == [201] * N, f"{N} citizen wallets (class 3) are opened", {c: codes.count(c) for c in set(codes)})
    # W4: a class-4 wallet with 9,800.00 (cap 10,000); F: a frozen wallet; M: a merchant taxpayer.
    st, doc = s.post("/v1/wallets", {"id": "40004", "owner_id": "404", "type": "personal", "class": 4}, bank)
    assert st == 201, (st, doc)
    st, doc = s.post("/v1/wallets/30001/payments", {"id": "2003", "payee_id": "40004", "amount": "9800.00"}, bank)
    assert st == 201, (st, doc)
    # G 2,000,000 - 9,800 = 1,990,200.00
    st, doc = s.post("/v1/wallets", {"id": "40005", "owner_id": "405", "type": "personal", "class": 3}, bank)
    assert st == 201, (st, doc)
    st, doc = s.post("/v1/wallets/40005/controls", {"id": "2004", "authority": "regulator", "state": "frozen",
                                                     "reason": "sanctions"}, reg)
    assert st == 201, (st, doc)
    st, doc = s.post("/v1/wallets", {"id": "20001", "owner_id": "601", "type": "merchant", "class": 2, "mcc": 5411,
                                     "bank_account_id": "7011"}, bank)
    assert st == 201, (st, doc)
    st, doc = s.post("/v1/wallets/20001/topup", {"id": "2005", "amount": "1000.00"}, bank)
    assert st == 201, (st, doc)

    # ---- bad input ---------------------------------------------------------------------------------------------------
    def batch(bid, lines, payer="30001", purpose="subsidy", token=bank):
        return s.post("/v1/fiscal/disbursements", {"id": bid, "payer_id": payer, "purpose": purpose, "lines": lines},
                      token)

    one = [{"id": "9", "payee_id": "100000", "amount": "1.00"}]
    st, doc = batch("8000", [])
    problem(st, doc, 400, "field_invalid", "a disbursement without lines is refused")
    st, doc = batch("8000", [{"id": str(900000 + k), "payee_id": "100000", "amount": "0.01"} for k in range(4097)])
    t.ok(st == 400 and doc.get("code") in ("field_invalid", "limit_invalid"),
         "4,097 lines (over the 4,096 limit) are refused", (st, doc))
    st, doc = batch("8000", one, purpose="bonus")
    problem(st, doc, 400, "field_invalid", "an unknown purpose is refused")
    st, doc = batch("8000", one, payer="100001")
    problem(st, doc, 422, "fiscal_payer_invalid", "a personal wallet does not pay a disbursement")
    st, doc = batch("8000", one, token=other)
    problem(st, doc, 404, "not_found", "another operator cannot spend the agency's wallet")
    st, doc = s.get("/v1/fiscal/disbursements/8000", reg)
    problem(st, doc, 404, "not_found", "after bad input no batch 8000 exists")
    t.eq(balance("30001"), "1990200.00", "after bad input the agency's balance is unchanged")

    # ---- the subsidy run: 2,000 good lines and five others ------------------------------------------------------------
    lines = [{"id": str(500000 + k), "payee_id": str(100000 + k), "amount": "500.00"} for k in range(N)]
    lines += [
        {"id": "590001", "payee_id": "199999", "amount": "500.00"},   # unknown wallet
        {"id": "590002", "payee_id": "40005", "amount": "500.00"},    # frozen by the regulator
        {"id": "590003", "payee_id": "40004", "amount": "500.00"},    # 9,800 + 500 > the class-4 cap 10,000
        {"id": "590004", "payee_id": "100001", "amount": "0.00"},     # zero
        {"id": "500007", "payee_id": "100007", "amount": "500.00"},   # line 500007 again in the same batch
    ]
    st, doc = batch("8001", lines, token=agency_tok)
    # Paid: 2,000 x 500 = 1,000,000.00. Failed: 500 + 500 + 500 + 0 = 1,500.00 in 4 lines. Paid before: 1 line, 500.00.
    t.ok(st == 201 and doc["lines_count"] == N + 5 and doc["complete"] is True
         and doc["paid"] == {"count": N, "amount": "1000000.00"}
         and doc["failed"] == {"count": 4, "amount": "1500.00"}
         and doc["paid_before"] == {"count": 1, "amount": "500.00"},
         "the agency pays 2,000 lines of 500.00 in one request; four are refused, one repeats", (st, doc and {
             k: doc.get(k) for k in ("lines_count", "complete", "paid", "failed", "paid_before")}))
    res = {ln["id"]: ln["result"] for ln in doc.get("lines", [])[N:]} if st == 201 else {}
    t.eq(res, {"590001": "wallet_not_found", "590002": "wallet_frozen", "590003": "balance_cap_exceeded",
               "590004": "amount_zero", "500007": "exists"}, "each refused line carries its own result")
    t.ok(st == 201 and all(ln["result"] == "paid" and ln.get("transfer_id") for ln in doc["lines"][:N]),
         "every good line is paid, with its ledger transfer", None)
    rec = doc.get("reconciliation", {}) if st == 201 else {}
    t.eq(rec, {"line_records": N + 5, "ledger_transfers": N, "ledger_amount": "1000000.00", "unmatched": 0,
               "reconciled": True}, "the report reconciles with the ledger's transfers")
    # G 1,990,200 - 1,000,000 = 990,200.00
    t.eq(balance("30001"), "990200.00", "the agency paid exactly the paid lines")
    t.eq([balance(w) for w in ("100000", "100007", "101999", "40004", "40005")],
         ["500.00", "500.00", "500.00", "9800.00", "0.00"], "payees hold what their lines say")

    st, doc2 = batch("8001", lines, token=agency_tok)
    t.ok(st == 200 and doc2 == doc, "the same request again answers 200 with the same report", (st, doc2 and doc2.get("paid")))
    t.eq(balance("30001"), "990200.00", "and pays nothing again")
    st, doc2 = batch("8001", lines[:10], token=agency_tok)
    problem(st, doc2, 409, "exists_with_different_fields", "the batch id with other lines is 409")

    st, doc = s.get("/v1/fiscal/disbursements/8001?lines=failed", reg)
    t.ok(st == 200 and [ln["id"] for ln in doc["lines"]] == ["590001", "590002", "590003", "590004"],
         "?lines=failed lists only the refused lines", (st, doc and doc.get("lines")))
    st, doc = s.get("/v1/fiscal/disbursements/8001?lines=none", agency_tok)
    t.ok(st == 200 and "lines" not in doc and doc["reconciliation"]["reconciled"] is True,
         "the agency reads its report without lines", (st, doc))
    st, doc = s.get("/v1/fiscal/disbursements/8001?lines=some", reg)
    problem(st, doc, 400, "query_invalid", "an unknown value of ?lines= is refused")
    st, doc = s.get("/v1/fiscal/disbursements/8001", other)
    problem(st, doc, 404, "not_found", "another operator does not read the report")

    # ---- a second run: the capped line fixed under a new id, a paid line id reused ---------------------------------
    st, doc = batch("8002", [{"id": "590013", "payee_id": "40004", "amount": "200.00"},
                             {"id": "500000", "payee_id": "100000", "amount": "500.00"}], purpose="other")
    # 40004: 9,800 + 200 = 10,000.00 (at the cap); line 500000 paid in batch 8001.
    t.ok(st == 201 and doc["paid"] == {"count": 1, "amount": "200.00"}
         and doc["paid_before"] == {"count": 1, "amount": "500.00"} and doc["failed"]["count"] == 0,
         "a line id paid in an earlier batch is not paid again", (st, doc))
    t.eq(balance("40004"), "10000.00", "the fixed line pays up to the cap")
    t.eq(balance("100000"), "500.00", "the reused line id paid nothing")

    # ---- an agency that runs out of money --------------------------------------------------------------------------
    st, doc = batch("8003", [{"id": str(591000 + k), "payee_id": str(100100 + k), "amount": "400.00"} for k in range(3)],
                    payer="30003", purpose="salary")
    # G2 holds 1,000.00: 400 + 400 paid, the third 400 > 200 left.
    t.ok(st == 201 and doc["paid"] == {"count": 2, "amount": "800.00"} and doc["failed"] == {"count": 1, "amount": "400.00"}
         and doc["lines"][2]["result"] == "insufficient_funds", "the third salary line finds the agency short", (st, doc))
    t.eq(balance("30003"), "200.00", "the agency keeps what it could not pay")

    # ---- tax and fee collection ------------------------------------------------------------------------------------
    def collect(cid, payer="20001", treasury="30002", amount="120.00", kind="tax", code=101, period=202611, token=bank):
        return s.post("/v1/fiscal/collections", {"id": cid, "payer_id": payer, "treasury_id": treasury, "amount": amount,
                                                 "kind": kind, "tax_code": code, "period": period}, token)

    st, doc = collect("8101", treasury="30001")
    problem(st, doc, 422, "treasury_invalid", "taxes go into a treasury wallet, not an agency's")
    st, doc = collect("8101", period=202613)
    problem(st, doc, 422, "collection_invalid", "month 13 is no period")
    st, doc = collect("8101", kind="donation")
    problem(st, doc, 400, "field_invalid", "an unknown kind is refused")
    st, doc = s.post("/v1/wallets/20001/controls", {"id": "2006", "authority": "operator", "state": "receive_only",
                                                     "reason": "suspected_fraud"}, bank)
    assert st == 201, (st, doc)
    st, doc = collect("8101")
    problem(st, doc, 409, "wallet_receive_only", "a receive-only taxpayer pays no tax either (controls apply)")
    st, doc = s.post("/v1/wallets/20001/controls", {"id": "2007", "authority": "operator", "state": "none"}, bank)
    assert st == 201, (st, doc)
    st, doc = collect("8101", amount="1000.01")
    problem(st, doc, 422, "insufficient_funds", "the merchant holds 1,000.00")
    t.eq(balance("30002"), "0.00", "after refusals the treasury holds nothing")
    st, doc = collect("8101")
    t.ok(st == 201 and doc["kind"] == "tax" and doc["tax_code"] == 101 and doc["period"] == 202611
         and doc["amount"] == "120.00" and doc["payer_id"] == "20001" and doc["treasury_id"] == "30002"
         and doc.get("receipt_no"), "a tax of 120.00 is collected with a receipt", (st, doc))
    receipt = doc
    st, doc = collect("8101")
    t.ok(st == 200 and doc == receipt, "the same collection again answers 200 with the same receipt", (st, doc))
    st, doc = collect("8102", amount="30.00", kind="fee", code=201, token=s.token("merchant", tenant=1, owner=601))
    t.ok(st == 201 and doc["kind"] == "fee", "the taxpayer itself pays a fee of 30.00", (st, doc))
    # T 120 + 30 = 150.00; M 1,000 - 150 = 850.00
    t.eq(balance("30002"), "150.00", "the treasury holds 120 + 30")
    t.eq(balance("20001"), "850.00", "the merchant paid 120 + 30")
    st, doc = s.get("/v1/fiscal/collections/8101", reg)
    t.ok(st == 200 and doc == receipt, "the receipt reads back", (st, doc))
    st, doc = s.get("/v1/fiscal/collections/8101", other)
    problem(st, doc, 404, "not_found", "another operator does not read the receipt")
    st, doc = s.get("/v1/fiscal/collections/2003", reg)
    problem(st, doc, 404, "not_found", "a payment is no receipt")

    # ---- the CLI --------------------------------------------------------------------------------------------------
    body = json.dumps({"id": "8004", "payer_id": "30001", "purpose": "pension",
                       "lines": [{"id": "592000", "payee_id": "100500", "amount": "12.34"}]})
    out = cli_http(s, bank, "fiscal", "disburse", "--file", "-", stdin=body)
    cli_doc = json.loads(out.stdout) if out.returncode == 0 else {}
    t.ok(cli_doc.get("paid") == {"count": 1, "amount": "12.34"}, "szfin currency fiscal disburse --file - pays",
         (out.returncode, out.stdout, out.stderr))
    out = cli_http(s, reg, "fiscal", "report", "8001", "--lines", "none")
    cli_doc = json.loads(out.stdout) if out.returncode == 0 else {}
    t.ok(cli_doc.get("paid") == {"count": N, "amount": "1000000.00"}, "szfin currency fiscal report reads the report",
         (out.returncode, out.stdout[:300], out.stderr))
    out = cli_http(s, reg, "fiscal", "receipt", "8101")
    t.ok(out.returncode == 0 and json.loads(out.stdout) == receipt, "szfin currency fiscal receipt reads the receipt",
         (out.returncode, out.stdout, out.stderr))

    # ---- restart ------------------------------------------------------------------------------------------------
    before = {p: s.get(p, reg) for p in ("/v1/fiscal/disbursements/8001", "/v1/fiscal/disbursements/8003",
                                         "/v1/fiscal/collections/8101", "/v1/wallets/30001")}
    t.eq(s.stop(), 0, "the server stops cleanly after every batch was checked")
    restarted = Server(data_dir=s.data_dir, env=ENV).start()
    for p, v in before.items():
        t.ok(restarted.get(p, reg) == v, f"after restart {p} is unchanged", None)
    st, doc = restarted.post("/v1/fiscal/disbursements", {"id": "8001", "payer_id": "30001", "purpose": "subsidy",
                                                          "lines": lines}, agency_tok)
    t.ok(st == 200 and doc["paid"]["count"] == N, "after restart the same request still answers 200", (st, None))
    t.eq(restarted.stop(), 0, "the restarted server stops cleanly")
finally:
    if restarted is not None:
        restarted.cleanup()
    s.cleanup()
t.done()
