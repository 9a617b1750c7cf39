#!/usr/bin/env python3
"""test_api_currency_accrual.py — daily interest accrual end to end: the real
server crosses China-time days on the test clock, interest accrues on a bank's
real-name wallet at the rate version in force each day, the periodic interest
command pays it on the ledger, and a class-4 wallet earns nothing.

The engine stamps batches with the wall clock; a test moves it with the serve
option test_clock_offset_s, which the server refuses unless SZFIN_TEST_CLOCK=1
(checked first). Each simulated day is a restart with the offset one day
larger, so the accrual state also survives recovery. The first offset puts the
clock at 12:00 China time (UTC+8), so no step of the test lies near a day's
end however long it takes. Every batch is followed by the server's invariant
check (SZFIN_CHECK_INVARIANTS=1): the two-tier equalities and, for the deposit
regime, interest due plus paid equals accrued.

Expected figures, derived by hand from the rule in docs/currency.md
(due += floor((rem + balance_fen x rate_ppm) / 365,000,000), rem carried):
  wallet 10,000.00 = 1,000,000 fen, class 2.
  day 0 at 3,500 ppm: 1,000,000 x 3,500 = 3,500,000,000;
        / 365,000,000 = 9 fen, rem 3,500,000,000 - 3,285,000,000 = 215,000,000
  day 1 at 2,500 ppm (version 2 took effect on day 1):
        215,000,000 + 2,500,000,000 = 2,715,000,000 -> 7 fen, rem 160,000,000
  day 2 at 2,500 ppm: 160,000,000 + 2,500,000,000 = 2,660,000,000 -> 7 fen,
        rem 105,000,000
  due after day 2: 9 + 7 + 7 = 23 fen = 0.23, paid on day 3 (balance 10,000.23).
  day 3 at 2,500 ppm on 1,000,023 fen: 105,000,000 + 2,500,057,500
        = 2,605,057,500 -> 7 fen (the paid interest earns too).
  The class-4 wallet (5,000.00) accrues 0.00 throughout.
"""
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from api_harness import BIN, Server, Tap  # noqa: E402

DAY_S = 86400
CHINA_OFFSET_S = 8 * 3600
t = Tap()


def first_offset_s():
    """Seconds from now to the next 12:00 China time (at least a minute ahead)."""
    now = int(time.time()) + 60
    china = now + CHINA_OFFSET_S
    noon = (china // DAY_S) * DAY_S + DAY_S // 2
    if noon <= china:
        noon += DAY_S
    return noon - china + 60


BASE_S = first_offset_s()


def env_for(day):
    return {"SZFIN_CHECK_INVARIANTS": "1", "SZFIN_TEST_CLOCK": "1",
            "SZFIN_TEST_CLOCK_OFFSET_S": str(BASE_S + day * DAY_S)}


def test_clock_refused_without_flag():
    data_dir = tempfile.mkdtemp(prefix="szfin-e2e-clock-")
    env = dict(os.environ, SZFIN_TEST_CLOCK_OFFSET_S="86400")
    env.pop("SZFIN_TEST_CLOCK", None)
    p = subprocess.run([BIN, "serve", "--data-dir", data_dir, "--listen", "127.0.0.1:0"], env=env,
                       capture_output=True, text=True, timeout=30)
    t.ok(p.returncode != 0 and "SZFIN_TEST_CLOCK=1" in p.stderr,
         "the server refuses a moved clock unless SZFIN_TEST_CLOCK=1 is set", (p.returncode, p.stderr[-300:]))
    subprocess.run(["rm", "-rf", data_dir], check=False)


def setup(s):
    """Day 0: a bank, its rate table, a class-2 and a class-4 wallet with money."""
    cb = s.token("central_bank", name="pboc")
    bank = s.token("operator", tenant=1, name="bank")
    st, doc = s.post("/v1/operators", {"id": "1001", "tenant_id": "1", "type": "bank", "name": "Futian Bank"}, cb)
    assert st == 201, (st, doc)
    for path, cid in (("reserve", "1101"), ("issue", "1201")):
        st, doc = s.post(f"/v1/operators/1/{path}", {"id": cid, "amount": "1000000.00"}, cb)
        assert st == 201, (st, doc)
    # The batch clock is the wall clock plus the offset: version 1 from a
    # second ahead (today, day 0), version 2 from tomorrow's noon (day 1).
    clock_ns = (int(time.time()) + BASE_S) * 10**9
    st, doc = s.post("/v1/operators/1/rates", {"id": "1311", "version": 1, "rate_ppm": 3500,
                                               "effective_from_ns": str(clock_ns + 10 * 10**9)}, bank)
    t.ok(st == 201, "the bank sets 0.35% from today (day 0 on the test clock)", (st, doc))
    st, doc = s.post("/v1/operators/1/rates", {"id": "1312", "version": 2, "rate_ppm": 2500,
                                               "effective_from_ns": str(clock_ns + DAY_S * 10**9)}, bank)
    t.ok(st == 201, "and 0.25% from tomorrow", (st, doc))
    for acc, owner in (("7001", "501"), ("7004", "504")):
        st, doc = s.post("/v1/accounts", {"id": acc, "currency": "CNY", "kind": "bank_deposit", "owner_id": owner,
                                          "flags": ["debits_must_not_exceed_credits"]}, bank)
        assert st == 201, (st, doc)
    st, doc = s.post("/v1/accounts", {"id": "7000", "currency": "CNY", "kind": "general", "owner_id": "1"}, bank)
    assert st == 201, (st, doc)
    for k, acc in enumerate(("7001", "7004")):
        st, doc = s.post("/v1/transfers", {"id": str(7100 + k), "debit_account_id": "7000", "credit_account_id": acc,
                                           "amount": "50000.00", "currency": "CNY"}, bank)
        assert st == 201, (st, doc)
    for wid, cls, owner, acc, amount, cid in (("10002", 2, "501", "7001", "10000.00", "3001"),
                                              ("10004", 4, "504", "7004", "5000.00", "3002")):
        st, doc = s.post("/v1/wallets", {"id": wid, "owner_id": owner, "type": "personal", "class": cls,
                                         "bank_account_id": acc}, bank)
        assert st == 201, (st, doc)
        st, doc = s.post(f"/v1/wallets/{wid}/topup", {"id": cid, "amount": amount}, bank)
        assert st == 201, (st, doc)
    return cb, bank


def wallet(s, wid, token):
    st, doc = s.get(f"/v1/wallets/{wid}", token)
    assert st == 200, (st, doc)
    return doc


def tick(s, bank, cid):
    """One batch on the current day that moves no money (an account
    creation): its batch_begin accrues the days since the last batch."""
    st, doc = s.post("/v1/accounts", {"id": cid, "currency": "CNY", "kind": "general", "owner_id": "1"}, bank)
    assert st == 201, (st, doc)


def held(s, cb):
    st, doc = s.get("/v1/operators/1", cb)
    assert st == 200, (st, doc)
    return doc


servers = []
try:
    test_clock_refused_without_flag()
    s = Server(env=env_for(0)).start()
    servers.append(s)
    cb, bank = setup(s)
    t.ok(wallet(s, "10002", bank)["interest_due"] == "0.00", "nothing is due before day 0 has ended",
         wallet(s, "10002", bank))
    t.eq(s.stop(), 0, "day 0: the server stops cleanly (every batch checked)")

    # ---- day 1: the first batch accrues day 0 at version 1 -----------------------------------------------------
    s = Server(data_dir=s.data_dir, env=env_for(1)).start()
    servers.append(s)
    tick(s, bank, "8001")
    w = wallet(s, "10002", bank)
    t.ok(w["interest_due"] == "0.09" and w["balance"] == "10000.00",
         "day 1: day 0 accrued 0.09 (1,000,000 x 3,500 / 365,000,000 = 9.59 fen, truncated)", w)
    t.eq(wallet(s, "10004", bank)["interest_due"], "0.00", "a class-4 wallet earns nothing")
    t.eq(s.stop(), 0, "day 1: the server stops cleanly")

    # ---- day 3: days 1 and 2 accrue together at version 2; the command pays --------------------------------------
    s = Server(data_dir=s.data_dir, env=env_for(3)).start()
    servers.append(s)
    tick(s, bank, "8002")
    w = wallet(s, "10002", bank)
    t.ok(w["interest_due"] == "0.23", "day 3: days 1 and 2 added 0.07 each at 0.25%, the remainder carried", w)
    before = held(s, cb)
    t.ok(before["interest"]["accrued"] == "0.23" and before["interest"]["due"] == "0.23"
         and before["interest"]["paid"] == "0.00", "the operator shows 0.23 accrued and due", before["interest"])
    st, doc = s.post("/v1/operators/1/interest/pay", {"id": "1331"}, bank)
    t.ok(st == 201 and doc["paid"] == "0.23" and doc["wallets_paid"] == 1,
         "the interest command pays 0.23 to the one wallet with interest due", (st, doc))
    w = wallet(s, "10002", bank)
    t.ok(w["balance"] == "10000.23" and w["interest_due"] == "0.00", "the wallet holds its interest", w)
    t.eq(wallet(s, "10004", bank)["balance"], "5000.00", "the class-4 wallet is unchanged")
    after = held(s, cb)

    def fen(x):
        whole, _, frac = x.partition(".")
        return int(whole) * 100 + int((frac + "00")[:2])
    t.ok(fen(after["held_for_customers"]) - fen(before["held_for_customers"]) == 23
         and after["supply"] == before["supply"] and after["interest"]["paid"] == "0.23"
         and after["interest"]["due"] == "0.00",
         "two-tier: supply unchanged, customers' holdings (the bank's liability) up by the 0.23 paid",
         (before, after))
    st, doc = s.post("/v1/operators/1/interest/pay", {"id": "1331"}, bank)
    t.ok(st == 200 and doc["paid"] == "0.23", "the same command id again answers 200 and pays nothing more", (st, doc))
    t.eq(s.stop(), 0, "day 3: the server stops cleanly")

    # ---- day 4: the paid interest earns too ------------------------------------------------------------------
    s = Server(data_dir=s.data_dir, env=env_for(4)).start()
    servers.append(s)
    tick(s, bank, "8003")
    w = wallet(s, "10002", bank)
    t.ok(w["interest_due"] == "0.07" and w["balance"] == "10000.23",
         "day 4: day 3 accrued 0.07 on 10,000.23 (remainder 105,000,000 carried from day 2)", w)
    t.ok(held(s, cb)["interest"]["accrued"] == "0.30", "accrued over four days: 0.30", held(s, cb)["interest"])
    t.eq(s.stop(), 0, "day 4: the server stops cleanly")
finally:
    for srv in servers:
        if srv.proc and srv.proc.poll() is None:
            srv.stop()
    if servers:
        servers[0].cleanup()
t.done()
