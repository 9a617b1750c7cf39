#!/usr/bin/env python3
"""test_api_supply.py — GET /v1/currency/supply-series end to end: the real
server issues and redeems for two operators at known hours of the test clock,
and the series answers each operator's issuance, redemption and supply per
hour, in the caller's scope.

The engine stamps batches with the wall clock plus the serve option
test_clock_offset_s (only with SZFIN_TEST_CLOCK=1). Each simulated hour is a
restart with the offset one hour larger; the first offset puts the clock at
10 minutes past a UTC hour H0, so nothing the test does lies near an hour's
end however long a step takes (each restart's work takes seconds).

What happens (amounts in yuan), and the series derived by hand from it:
  hour 0: operator 1 (bank) issues 500.00; operator 2 (payment institution)
          issues 300.00
  hour 1: operator 1 issues 200.00 and redeems 100.00
  hour 2: nothing
  hour 3: operator 2 redeems 50.00; operator 1 issues 0.01
  window [H0, H0+4h), step 3600 s:
    operator 1: issued 500.00, 200.00, 0.00, 0.01
                redeemed 0.00, 100.00, 0.00, 0.00
                supply at each hour's end: 500.00, 500+200-100 = 600.00,
                600.00, 600.01
    operator 2: issued 300.00, 0.00, 0.00, 0.00
                redeemed 0.00, 0.00, 0.00, 50.00
                supply 300.00, 300.00, 300.00, 250.00
  window [H0+1h, H0+3h): the same middle hours (supply 600.00, 600.00 and
    300.00, 300.00: what came after the window is taken back out of today's
    outstanding 600.01 and 250.00).
  window [H0-1h, H0): before anything: 0.00 everywhere.
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from api_harness import Server, Tap  # noqa: E402

HOUR_S = 3600
t = Tap()


def first_offset_s():
    """Seconds from now to 10 minutes past the next UTC hour (a minute ahead at least)."""
    now = int(time.time()) + 60
    target = (now // HOUR_S + 1) * HOUR_S + 600
    return target - now + 60


BASE_S = first_offset_s()
H0_S = (int(time.time()) + BASE_S) // HOUR_S * HOUR_S


def env_for(hour):
    return {"SZFIN_CHECK_INVARIANTS": "1", "SZFIN_TEST_CLOCK": "1",
            "SZFIN_TEST_CLOCK_OFFSET_S": str(BASE_S + hour * HOUR_S)}


def rfc3339(s):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(s))


def post_ok(s, path, body, token):
    st, doc = s.post(path, body, token)
    assert st == 201, (path, st, doc)
    return doc


def series(s, token, start_h, end_h, extra=""):
    return s.get(f"/v1/currency/supply-series?from={rfc3339(H0_S + start_h * HOUR_S)}"
                 f"&to={rfc3339(H0_S + end_h * HOUR_S)}&step=3600{extra}", token)


def column(doc, tenant, key):
    op = next(o for o in doc["operators"] if o["tenant_id"] == tenant)
    return [p[key] for p in op["points"]]


def hour0(s):
    cb = s.token("central_bank", name="pboc")
    tokens = {"cb": cb, "op1": s.token("operator", tenant=1, name="bank"),
              "op2": s.token("operator", tenant=2, name="pay"), "rg": s.token("regulator", name="cbirc"),
              "me": s.token("merchant", tenant=1, owner=900, name="shop")}
    post_ok(s, "/v1/operators", {"id": "1001", "tenant_id": "1", "type": "bank", "name": "Futian Bank"}, cb)
    post_ok(s, "/v1/operators", {"id": "1002", "tenant_id": "2", "type": "payment_institution", "name": "Nanshan Pay"}, cb)
    for tenant, cid in (("1", "1101"), ("2", "1102")):
        post_ok(s, f"/v1/operators/{tenant}/reserve", {"id": cid, "amount": "1000000.00"}, cb)
    post_ok(s, "/v1/operators/1/issue", {"id": "1201", "amount": "500.00"}, cb)
    post_ok(s, "/v1/operators/2/issue", {"id": "1202", "amount": "300.00"}, cb)
    return tokens


servers = []
try:
    s = Server(env=env_for(0)).start()
    servers.append(s)
    tok = hour0(s)
    t.eq(s.stop(), 0, "hour 0: the server stops cleanly (every batch checked)")

    s = Server(data_dir=s.data_dir, env=env_for(1)).start()
    servers.append(s)
    post_ok(s, "/v1/operators/1/issue", {"id": "1211", "amount": "200.00"}, tok["cb"])
    post_ok(s, "/v1/operators/1/redeem", {"id": "1212", "amount": "100.00"}, tok["cb"])
    t.eq(s.stop(), 0, "hour 1: the server stops cleanly")

    s = Server(data_dir=s.data_dir, env=env_for(3)).start()
    servers.append(s)
    post_ok(s, "/v1/operators/2/redeem", {"id": "1231", "amount": "50.00"}, tok["cb"])
    post_ok(s, "/v1/operators/1/issue", {"id": "1232", "amount": "0.01"}, tok["cb"])

    st, doc = series(s, tok["cb"], 0, 4)
    t.ok(st == 200 and [o["tenant_id"] for o in doc["operators"]] == ["1", "2"] and doc["step_s"] == 3600,
         "the central bank sees both operators, four hourly steps", (st, doc))
    t.eq(column(doc, "1", "issued"), ["500.00", "200.00", "0.00", "0.01"], "operator 1 issued per hour")
    t.eq(column(doc, "1", "redeemed"), ["0.00", "100.00", "0.00", "0.00"], "operator 1 redeemed per hour")
    t.eq(column(doc, "1", "supply"), ["500.00", "600.00", "600.00", "600.01"], "operator 1 supply at each hour's end")
    t.eq(column(doc, "2", "issued"), ["300.00", "0.00", "0.00", "0.00"], "operator 2 issued per hour")
    t.eq(column(doc, "2", "redeemed"), ["0.00", "0.00", "0.00", "50.00"], "operator 2 redeemed per hour")
    t.eq(column(doc, "2", "supply"), ["300.00", "300.00", "300.00", "250.00"], "operator 2 supply at each hour's end")
    t.eq(column(doc, "1", "start"), [rfc3339(H0_S + k * HOUR_S) for k in range(4)], "steps start on the hours")
    op1 = doc["operators"][0]
    t.ok(op1["issued_total"] == "700.01" and op1["redeemed_total"] == "100.00" and op1["supply_now"] == "600.01"
         and op1["truncated"] is False and op1["name"] == "Futian Bank", "operator 1's totals", op1)

    st, doc = series(s, tok["cb"], 1, 3)
    t.ok(st == 200 and column(doc, "1", "supply") == ["600.00", "600.00"]
         and column(doc, "2", "supply") == ["300.00", "300.00"] and column(doc, "1", "issued") == ["200.00", "0.00"],
         "a window ending before the latest issuance takes it back out of today's supply", (st, doc))
    st, doc = series(s, tok["cb"], -1, 0)
    t.ok(st == 200 and column(doc, "1", "supply") == ["0.00"] and column(doc, "2", "supply") == ["0.00"],
         "before the first issuance the supply was 0.00", (st, doc))

    # ---- scope ---------------------------------------------------------------------------------------------
    st, doc = series(s, tok["op1"], 0, 4)
    t.ok(st == 200 and [o["tenant_id"] for o in doc["operators"]] == ["1"]
         and column(doc, "1", "supply") == ["500.00", "600.00", "600.00", "600.01"],
         "an operator sees only itself", (st, doc))
    st, doc = series(s, tok["op1"], 0, 4, "&tenant=2")
    t.ok(st == 404, "an operator asking for another operator gets 404", (st, doc))
    st, doc = series(s, tok["op2"], 0, 4)
    t.ok(st == 200 and [o["tenant_id"] for o in doc["operators"]] == ["2"], "operator 2 sees only itself", (st, doc))
    st, doc = series(s, tok["rg"], 0, 4)
    t.ok(st == 200 and len(doc["operators"]) == 2 and column(doc, "2", "supply")[-1] == "250.00",
         "a regulator sees every operator", (st, doc))
    st, doc = series(s, tok["cb"], 0, 4, "&tenant=2")
    t.ok(st == 200 and [o["tenant_id"] for o in doc["operators"]] == ["2"], "?tenant= narrows to one operator", (st, doc))
    st, doc = series(s, tok["me"], 0, 4)
    t.ok(st == 403, "a merchant may not read the supply", (st, doc))
    st, doc = s.get(f"/v1/currency/supply-series?from={rfc3339(H0_S)}&to={rfc3339(H0_S + HOUR_S)}", None)
    t.ok(st == 401, "no token: 401", (st, doc))

    # ---- bad queries change nothing and say why --------------------------------------------------------------
    for query, why in ((f"from={rfc3339(H0_S)}", "to missing"),
                       (f"from={rfc3339(H0_S)}&to={rfc3339(H0_S)}", "empty window"),
                       (f"from={rfc3339(H0_S)}&to={rfc3339(H0_S + 5400)}&step=3600", "not a whole number of steps"),
                       (f"from={rfc3339(H0_S)}&to={rfc3339(H0_S + 2 * 86400)}&step=60", "more than 1440 steps"),
                       (f"from={rfc3339(H0_S)}&to={rfc3339(H0_S + 60)}&step=0", "step 0"),
                       (f"from=yesterday&to={rfc3339(H0_S)}", "from not a time"),
                       (f"from={rfc3339(H0_S)}&to={rfc3339(H0_S + 60)}&step=60&limt=1", "unknown parameter")):
        st, doc = s.get(f"/v1/currency/supply-series?{query}", tok["cb"])
        t.ok(st == 400 and isinstance(doc, dict) and doc.get("detail"), f"400 with a reason: {why}", (st, doc))
    t.eq(s.stop(), 0, "hour 3: the server stops cleanly")
finally:
    for srv in servers:
        if srv.proc and srv.proc.poll() is None:
            srv.stop()
    if servers:
        servers[0].cleanup()
t.done()
