#!/usr/bin/env python3
"""test_api_desks.py — the credit-analyst and green-desk roles (issue 14)
against the real server. The rule under test (docs/openapi.yaml, "Desk
roles"): a desk token belongs to one bank (tenant) and, in its one domain,
acts as that bank's operator, with the operator's tenant scoping; outside
it, it has whoami, views, the event stream and logout only.

Expected answers therefore come from the operator of the same tenant, asked
the same question in the same run (another path through the server), and
from the rule itself for the refusals; none are pasted from this code's
output."""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from api_harness import Server, Tap  # noqa: E402

t = Tap()
s = Server().start()
n = [5000]


def nid():
    n[0] += 1
    return str(n[0])


def same(a, b, name):
    """Same status and problem code (or both 2xx)."""
    code = lambda d: d.get("code") if isinstance(d, dict) else None  # noqa: E731
    t.ok(a[0] == b[0] and code(a[1]) == code(b[1]), name, f"desk {a[0]} {code(a[1])} vs operator {b[0]} {code(b[1])}")


try:
    cb = s.token("central_bank")
    op1 = s.token("operator", tenant=1)
    op2 = s.token("operator", tenant=2)
    ca1 = s.token("credit_analyst", tenant=1, name="credit desk 1")
    ca2 = s.token("credit_analyst", tenant=2, name="credit desk 2")
    gd1 = s.token("green_desk", tenant=1, name="green desk 1")
    gd2 = s.token("green_desk", tenant=2, name="green desk 2")

    for role in ("credit_analyst", "green_desk"):
        st, doc = s.post("/v1/tokens", {"role": role, "name": "no bank"}, s.admin)
        t.eq((st, doc and doc["code"]), (422, "tenant_required"), f"a {role} token needs its bank (tenant)")

    st, doc = s.get("/v1/whoami", ca1)
    t.ok(st == 200 and doc["role"] == "credit_analyst" and doc.get("tenant_id") == "1",
         "whoami: credit_analyst of tenant 1", str(doc))
    st, doc = s.get("/v1/views", ca1)
    t.ok(st == 200 and "credit" in doc["reachable"] and "green" not in doc["reachable"]
         and "currency" not in doc["reachable"], "views: a credit analyst reaches credit, not green or currency",
         str(doc))
    st, doc = s.get("/v1/views", gd1)
    t.ok(st == 200 and "green" in doc["reachable"] and "credit" not in doc["reachable"],
         "views: a green desk reaches green, not credit", str(doc))
    st, doc = s.get("/v1/views", op1)
    t.ok(st == 200 and {"credit", "green", "currency"} <= set(doc["reachable"]),
         "views: an operator reaches credit, green and currency", str(doc))

    # Outside their domain: the ledger, currency, the other desk's domain.
    for who, tok in (("credit_analyst", ca1), ("green_desk", gd1)):
        for path in ("/v1/accounts?owner_id=1", "/v1/transfers", "/v1/currency/limits", "/v1/stats/CNY"):
            st, doc = s.get(path, tok)
            t.eq((st, doc and doc["code"]), (403, "forbidden"), f"{who}: GET {path} is forbidden")
        st, doc = s.post("/v1/transfers", {"id": nid(), "debit_account_id": "11", "credit_account_id": "12",
                                           "amount": "1.00", "currency": "CNY"}, tok)
        t.eq((st, doc and doc["code"]), (403, "forbidden"), f"{who}: moving money is forbidden")
    st, doc = s.get("/v1/green/factors", ca1)
    t.eq((st, doc and doc["code"]), (403, "forbidden"), "a credit analyst cannot read the green domain")
    st, doc = s.get("/v1/credit/models", gd1)
    t.eq((st, doc and doc["code"]), (403, "forbidden"), "a green desk cannot read the credit domain")
    st, doc = s.post("/v1/credit/enterprises", {"id": nid(), "uscc": "91440300MA5FC0DE2J", "name": "x",
                                                "industry": "I65", "registered_capital": "1.00",
                                                "founded": "2020-01-01"}, ca1)
    t.eq((st, doc and doc["code"]), (403, "forbidden"),
         "a credit analyst cannot register enterprises (operators cannot either)")

    # ---- credit: as the operator of the same bank ---------------------------------
    code = "91440300MA5FC0DE2J"
    st, doc = s.post("/v1/credit/enterprises", {"id": nid(), "uscc": code, "name": "Desk Test Co", "industry": "I65",
                                                "registered_capital": "100000.00", "founded": "2020-01-01"}, cb)
    t.eq(st, 201, "the central bank registers an enterprise")
    base = f"/v1/credit/enterprises/{code}"
    same(s.get(base, ca1), s.get(base, op1), "the registry record: as operator 1")
    same(s.get("/v1/credit/models", ca1), s.get("/v1/credit/models", op1), "the models: as operator 1")
    same(s.get("/v1/credit/warnings", ca1), s.get("/v1/credit/warnings", op1), "the warnings: as operator 1")
    a, b = s.get(f"{base}/authorizations", ca2), s.get(f"{base}/authorizations", op2)
    same(a, b, "consents of another bank's view: as operator 2")
    t.ok(a[0] == 200 and a[1]["authorizations"] == [], "bank 2's analyst sees no consents before any is given")
    a = s.post(f"{base}/report", {"id": nid(), "purpose": "loan_approval"}, ca1)
    b = s.post(f"{base}/report", {"id": nid(), "purpose": "loan_approval"}, op1)
    same(a, b, "a report without the enterprise's consent is refused as for operator 1")
    t.ok(a[0] >= 400, "without consent there is no report", str(a))
    a = s.post(f"{base}/score", {"id": nid(), "purpose": "loan_approval"}, ca1)
    b = s.post(f"{base}/score", {"id": nid(), "purpose": "loan_approval"}, op1)
    same(a, b, "a score without consent is refused as for operator 1")
    st, doc = s.get(f"{base}/queries", ca1)
    same((st, doc), s.get(f"{base}/queries", op1), "the enterprise's query log: as operator 1 (the enterprise's own)")

    # ---- green: as the operator of the same bank ----------------------------------
    same(s.get("/v1/green/factors", gd1), s.get("/v1/green/factors", op1), "the factor sets: as operator 1")
    a, b = s.get("/v1/green/books/1/financed-emissions", gd1), s.get("/v1/green/books/1/financed-emissions", op1)
    same(a, b, "bank 1's financed emissions: as operator 1")
    a, b = s.get("/v1/green/books/1/financed-emissions", gd2), s.get("/v1/green/books/1/financed-emissions", op2)
    same(a, b, "bank 1's book for bank 2's desk: as operator 2")
    t.eq((a[0], a[1] and a[1].get("code")), (403, "out_of_scope"), "another bank's book is out of scope")
    pos = {"id": nid(), "loan_id": "77001", "outstanding": "10000000.00", "equity": "40000000.00",
           "debt": "60000000.00", "emissions_tco2e": "5000", "data_quality": 2}
    st, doc = s.post("/v1/green/positions", pos, gd1)
    # PCAF: attribution = outstanding / (equity + debt) = 10m / 100m = 0.1; 0.1 x 5,000 t = 500 t.
    t.ok(st == 201 and doc["attribution"] == "0.100000" and doc["financed_tco2e"] == "500.00",
         "the green desk books a PCAF position for its bank: 500 t financed", str(doc))
    st, doc = s.get("/v1/green/books/1/financed-emissions", op1)
    t.ok(st == 200 and doc["position_count"] == 1 and doc["financed_tco2e"] == "500.00",
         "the position is in bank 1's book as its operator sees it", str(doc))
    st, doc = s.get("/v1/green/books/2/financed-emissions", op2)
    t.ok(st != 200 or doc["position_count"] == 0, "and not in bank 2's", str(doc))

    # The event stream: desks see no ledger accounts (scope), but may open it.
    st, doc, _, _ = s.request("GET", "/v1/events?after=x", token=gd1)
    t.eq((st, doc and doc["code"]), (400, "cursor_invalid"), "a desk may open the event stream (cursor checked)")
finally:
    s.cleanup()
t.done()
