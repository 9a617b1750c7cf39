#!/usr/bin/env python3
"""test_api_series.py — GET /v1/series/minutes (issue 14: the operator's
payments per minute and limit breaches) against the real server loaded
with the demo data (scripts/demo_data.py through the API).

Expected figures are differences the test itself causes, derived by hand:
  operator 1 pays 1.00 and 2.50 from its reserve 11 to its customer account
  870001; operator 2 pays 0.07 from its reserve 12 to wallet 100001 (bank
  = 1 + 100001 % 3 = 2, demo_data.py). So operator 1's window gains 2
  payments and 3.50, operator 2's 1 and 0.07, the regulator's 3 and 3.57.
  A 2,500.00 payment from class-4 wallet 800004 (bank 1; the demo's class 4
  per-payment limit is 2,000.00) is refused per_payment_limit_exceeded: one
  breach for operator 1 and the regulator, none for operator 2."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from api_harness import BIN, ROOT, Server, Tap  # noqa: E402

t = Tap()
s = Server().start()


def minor(text):
    whole, _, frac = text.partition(".")
    return int(whole) * 100 + int((frac + "00")[:2])


def totals(token):
    st, doc = s.get("/v1/series/minutes?minutes=10", token)
    assert st == 200, (st, doc)
    return (sum(m["payments"] for m in doc["minutes"]), sum(minor(m["amount"]) for m in doc["minutes"]),
            sum(m["limit_breaches"] for m in doc["minutes"]), doc)


try:
    subprocess.run([sys.executable, os.path.join(ROOT, "scripts/demo_data.py"), f"http://127.0.0.1:{s.port}",
                    s.data_dir], check=True, capture_output=True, env=dict(os.environ, SZFIN_BIN=BIN))

    def tok(name):
        with open(os.path.join(s.data_dir, "demo", name + ".token")) as f:
            return f.read().strip()

    op1, op2, rg, me = tok("operator-1"), tok("operator-2"), tok("regulator"), tok("merchant-200001")

    st, doc = s.get("/v1/series/minutes?minutes=3", rg)
    t.ok(st == 200 and len(doc["minutes"]) == 3 and doc["currency"] == "CNY", "three minutes, CNY by default", str(doc)[:200])
    starts = [int(m["start_ns"]) for m in doc["minutes"]]
    t.ok(all(b - a == 60 * 10**9 for a, b in zip(starts, starts[1:])) and starts[0] % (60 * 10**9) == 0,
         "rows are consecutive UTC minutes", str(starts))
    t.ok(all(m["start"].endswith(":00Z") for m in doc["minutes"]), "each row names its minute in RFC 3339")
    for bad in ("minutes=0", "minutes=1441", "minutes=x", "currency=cny", "mins=5"):
        st, doc = s.get(f"/v1/series/minutes?{bad}", rg)
        t.eq((st, doc and doc["code"]), (400, "query_invalid"), f"?{bad} is refused")
    st, doc = s.get("/v1/series/minutes", me)
    t.eq((st, doc and doc["code"]), (403, "forbidden"), "a merchant has no series")
    st, doc = s.get("/v1/series/minutes", None)
    t.eq(st, 401, "anonymous: 401")

    before = {name: totals(token) for name, token in (("op1", op1), ("op2", op2), ("rg", rg))}
    for token, id_, debit, credit, amount in ((op1, "990201", "11", "870001", "1.00"),
                                              (op1, "990202", "11", "870001", "2.50"),
                                              (op2, "990203", "12", "100001", "0.07")):
        st, doc = s.post("/v1/transfers", {"id": id_, "debit_account_id": debit, "credit_account_id": credit,
                                           "amount": amount, "currency": "CNY"}, token)
        t.eq(st, 201, f"transfer {id_} of {amount}")
    st, doc = s.post("/v1/wallets/800004/payments", {"id": "990204", "payee_id": "800003", "amount": "2500.00"}, op1)
    t.eq((st, doc and doc["code"]), (422, "per_payment_limit_exceeded"), "a class-4 payment over 2,000.00 is refused")
    after = {name: totals(token) for name, token in (("op1", op1), ("op2", op2), ("rg", rg))}
    want = {"op1": (2, 350, 1), "op2": (1, 7, 0), "rg": (3, 357, 1)}
    for name, (payments, amount, breaches) in want.items():
        got = tuple(a - b for a, b in zip(after[name][:3], before[name][:3]))
        t.eq(got, (payments, amount, breaches), f"{name}: +{payments} payments, +{amount} fen, +{breaches} breaches")
    t.ok(after["rg"][3]["breaches_since"] is not None and not after["rg"][3]["truncated"],
         "the answer says since when breaches are counted, and that the scan was complete")
finally:
    s.cleanup()
t.done()
