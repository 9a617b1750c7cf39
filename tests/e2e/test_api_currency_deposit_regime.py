#!/usr/bin/env python3
"""test_api_currency_deposit_regime.py — the 2026 rules through the real
server: a bank's versioned demand-deposit rate table, its reserve ratio set
by the central bank, and the interest payment command; payment institutions
keep 100% reserve and pay no interest.

Daily accrual needs a China-time day to pass, which a test of the real
server cannot wait for; it is tested with the batch time under the test's
control in tests/unit/test_currency_interest.c (figures derived by hand).
Here every batch is followed by the server's invariant check
(SZFIN_CHECK_INVARIANTS=1), the deposit-regime invariants included (pledges
add up to the central bank's pledged account and follow each bank's ratio;
interest due plus paid equals accrued)."""
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
    pi_tok = s.token("operator", tenant=2, name="pay-institution")
    reg = s.token("regulator", name="reg")
    for body in ({"id": "1001", "tenant_id": "1", "type": "bank", "name": "Futian Bank"},
                 {"id": "1002", "tenant_id": "2", "type": "payment_institution", "name": "Qianhai Pay"}):
        st, doc = s.post("/v1/operators", body, cb)
        assert st == 201, (st, doc)
    for tenant, k in (("1", 1), ("2", 2)):
        st, doc = s.post(f"/v1/operators/{tenant}/reserve", {"id": f"110{k}", "amount": "1000000.00"}, cb)
        assert st == 201, (st, doc)
        st, doc = s.post(f"/v1/operators/{tenant}/issue", {"id": f"120{k}", "amount": "1000000.00"}, cb)
        assert st == 201, (st, doc)
    st, doc = s.get("/v1/operators/1", reg)
    t.ok(doc.get("reserve_ratio_bp") == 10000 and doc.get("pledged") == "1000000.00" and doc.get("reserve") == "0.00"
         and doc.get("interest") == {"accrued": "0.00", "paid": "0.00", "due": "0.00", "rates": []},
         "until a ratio is set a bank pledges 100% of its issuance", doc)

    # ---- payment institutions: 100% reserve, no interest ------------------------------------------------------
    future_ns = str(time.time_ns() + 3600 * 10**9)
    st, doc = s.post("/v1/operators/2/rates", {"id": "1301", "version": 1, "rate_ppm": 3500,
                                               "effective_from_ns": future_ns}, pi_tok)
    problem(st, doc, 422, "not_a_bank", "a payment institution has no deposit rate")
    st, doc = s.post("/v1/operators/2/reserve-ratio", {"id": "1302", "ratio_bp": 1000}, cb)
    problem(st, doc, 422, "not_a_bank", "a payment institution keeps 100% reserve")
    st, doc = s.post("/v1/operators/2/interest/pay", {"id": "1303"}, pi_tok)
    problem(st, doc, 422, "not_a_bank", "and pays no interest")
    st, doc = s.post("/v1/operators/2/issue", {"id": "1304", "amount": "0.01"}, cb)
    problem(st, doc, 422, "reserve_insufficient", "nor issues beyond its reserve")

    # ---- a bank's rate table --------------------------------------------------------------------------------
    st, doc = s.post("/v1/operators/1/rates", {"id": "1311", "version": 1, "rate_ppm": 3500,
                                               "effective_from_ns": "1"}, bank)
    problem(st, doc, 422, "rate_invalid", "a rate cannot take effect in the past")
    st, doc = s.post("/v1/operators/1/rates", {"id": "1311", "version": 1, "rate_ppm": 100001,
                                               "effective_from_ns": future_ns}, bank)
    problem(st, doc, 400, "field_invalid", "a rate above 10% (100,000 ppm) is refused")
    st, doc = s.post("/v1/operators/1/rates", {"id": "1311", "version": 1, "rate_ppm": 3500,
                                               "effective_from_ns": future_ns}, pi_tok)
    problem(st, doc, 404, "not_found", "another operator does not set the bank's rates")
    st, doc = s.post("/v1/operators/1/rates", {"id": "1311", "version": 1, "rate_ppm": 3500,
                                               "effective_from_ns": future_ns}, bank)
    t.ok(st == 201 and doc["interest"]["rates"] == [{"version": 1, "rate_ppm": 3500, "effective_from_ns": future_ns}],
         "the bank adds version 1: 0.35% a year from an hour from now", (st, doc))
    st, doc = s.post("/v1/operators/1/rates", {"id": "1312", "version": 1, "rate_ppm": 3000,
                                               "effective_from_ns": str(int(future_ns) + 1)}, bank)
    problem(st, doc, 422, "rate_invalid", "a version number is used once")
    later_ns = str(int(future_ns) + 86400 * 10**9)
    st, doc = s.post("/v1/operators/1/rates", {"id": "1313", "version": 2, "rate_ppm": 3000,
                                               "effective_from_ns": later_ns}, cb)
    t.ok(st == 201 and [v["version"] for v in doc["interest"]["rates"]] == [1, 2],
         "version 2 (0.30%) a day later, set by the central bank", (st, doc))

    # ---- reserve ratio ----------------------------------------------------------------------------------------
    st, doc = s.post("/v1/operators/1/reserve-ratio", {"id": "1321", "ratio_bp": 1000}, bank)
    problem(st, doc, 403, "forbidden", "a bank does not set its own reserve ratio")
    st, doc = s.post("/v1/operators/1/reserve-ratio", {"id": "1321", "ratio_bp": 10001}, cb)
    problem(st, doc, 400, "field_invalid", "a ratio above 100% is refused")
    st, doc = s.post("/v1/operators/1/reserve-ratio", {"id": "1321", "ratio_bp": 1000}, cb)
    # 1,000,000 x 10% = 100,000 pledged; the other 900,000 return to the reserve.
    t.ok(st == 201 and doc["reserve_ratio_bp"] == 1000 and doc["pledged"] == "100000.00"
         and doc["reserve"] == "900000.00", "at 10% the bank pledges 100,000 and has 900,000 back", (st, doc))
    st, doc = s.post("/v1/operators/1/issue", {"id": "1322", "amount": "10.00"}, cb)
    # ceil(1,000,010.00 x 10%) = 100,001.00; the reserve gives 1.00 more: 899,999.00.
    t.ok(st == 201 and doc["pledged"] == "100001.00" and doc["reserve"] == "899999.00",
         "an issue of 10.00 pledges 1.00 more", (st, doc))
    st, doc = s.post("/v1/operators/1/redeem", {"id": "1323", "amount": "0.05"}, cb)
    # 1,000,009.95 x 10% = 100,000.995, rounded up to the fen: 100,001.00 (no change).
    t.ok(st == 201 and doc["pledged"] == "100001.00", "a pledge is rounded up to the fen", (st, doc))

    # ---- interest payment with nothing accrued yet -------------------------------------------------------------
    st, doc = s.post("/v1/operators/1/interest/pay", {"id": "1331"}, bank)
    t.ok(st == 201 and doc["paid"] == "0.00" and doc["wallets_paid"] == 0 and doc["operator"]["interest"]["due"] == "0.00",
         "the interest command pays nothing before a day has ended", (st, doc))
    st, doc2 = s.post("/v1/operators/1/interest/pay", {"id": "1331"}, bank)
    t.ok(st == 200 and doc2["paid"] == "0.00", "the same payment command again answers 200", (st, doc2))

    env = dict(os.environ, SZFIN_URL=f"http://127.0.0.1:{s.port}", SZFIN_TOKEN=bank)
    third_ns = str(int(later_ns) + 86400 * 10**9)
    out = subprocess.run([BIN, "currency", "--json", "operator", "rates", "1", "--id", "1314", "--version", "3",
                          "--rate-ppm", "2500", "--effective-from-ns", third_ns], capture_output=True, text=True,
                         timeout=30, env=env)
    cli_doc = json.loads(out.stdout) if out.returncode == 0 else {}
    t.ok([v["rate_ppm"] for v in cli_doc.get("interest", {}).get("rates", [])] == [3500, 3000, 2500],
         "szfin currency operator rates adds version 3", (out.returncode, out.stdout, out.stderr))
    out = subprocess.run([BIN, "currency", "--json", "operator", "interest-pay", "1", "--id", "1332"],
                         capture_output=True, text=True, timeout=30, env=env)
    t.ok(out.returncode == 0 and json.loads(out.stdout).get("wallets_paid") == 0,
         "szfin currency operator interest-pay runs the payment", (out.returncode, out.stdout, out.stderr))

    before = s.get("/v1/operators/1", reg)
    t.eq(s.stop(), 0, "the server stops cleanly after every batch was checked")
    restarted = Server(data_dir=s.data_dir, env=ENV).start()
    t.ok(restarted.get("/v1/operators/1", reg) == before, "after restart the rates, ratio and pledge are kept",
         restarted.get("/v1/operators/1", reg))
    t.eq(restarted.stop(), 0, "the restarted server stops cleanly")
finally:
    if restarted is not None:
        restarted.cleanup()
    s.cleanup()
t.done()
