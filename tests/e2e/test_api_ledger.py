#!/usr/bin/env python3
"""test_api_ledger.py — every ledger route end to end: accounts, transfers,
pending post/void, linked batches, lookups, history and list paging, the
error codes, idempotent retries, tenant isolation and the binary endpoints,
against the real binary on loopback."""
import struct
import sys

sys.path.insert(0, __import__("os").path.dirname(__file__))
from api_harness import Server, Tap  # noqa: E402

t = Tap()
s = Server().start()
try:
    cb = s.token("central_bank")
    op1 = s.token("operator", tenant=1)
    op2 = s.token("operator", tenant=2)
    me = s.token("merchant", tenant=1, owner=77)
    rg = s.token("regulator")

    def acct(token, id_, **kw):
        body = {"id": str(id_), "currency": "CNY"}
        body.update(kw)
        return s.post("/v1/accounts", body, token)

    def xfer(token, id_, debit, credit, amount, **kw):
        body = {"id": str(id_), "debit_account_id": str(debit), "credit_account_id": str(credit),
                "amount": amount, "currency": "CNY"}
        body.update(kw)
        return s.post("/v1/transfers", body, token)

    # --- accounts
    st, doc = acct(cb, 1, kind="reserve")
    t.eq(st, 201, "central bank creates the issuance account")
    st, doc = acct(op1, 11, kind="reserve", flags=["debits_must_not_exceed_credits"])
    t.eq((st, doc and doc["tenant_id"]), (201, "1"), "an operator's account gets its tenant")
    st, doc = acct(op1, 12, kind="wallet", owner_id="77", flags=["debits_must_not_exceed_credits"])
    t.eq(st, 201, "wallet of owner 77 in tenant 1")
    st, doc = acct(op2, 21, kind="wallet", owner_id="77", flags=["debits_must_not_exceed_credits"])
    t.eq(st, 201, "wallet of owner 77 in tenant 2")
    st, doc = acct(op1, 12, kind="wallet", owner_id="77", flags=["debits_must_not_exceed_credits"])
    t.eq(st, 200, "creating the same account again is an idempotent 200")
    st, doc = acct(op1, 12, kind="loan")
    t.eq((st, doc and doc["code"]), (409, "exists_with_different_fields"), "same id, other fields: 409")
    st, doc = acct(op1, 13, tenant_id="2")
    t.eq((st, doc and doc["code"]), (403, "out_of_scope"), "operator cannot create in another tenant")
    st, doc = acct(me, 14)
    t.eq((st, doc and doc["code"]), (403, "forbidden"), "merchant cannot create accounts")
    st, doc = s.post("/v1/accounts", {"id": "15", "currency": "CNY", "colour": "red"}, op1)
    t.eq((st, doc and doc["code"]), (400, "field_unknown"), "unknown field is rejected")
    st, doc = s.post("/v1/accounts", {"id": "0x0", "currency": "CNY"}, op1)
    t.eq((st, doc and doc["code"]), (400, "id_invalid"), "zero id is rejected")
    st, doc = s.get("/v1/accounts/0x0000000000000000000000000000000c", op1)
    t.eq((st, doc and doc["id"]), (200, "12"), "hex id lookup answers the decimal id")

    # --- transfers
    st, doc = xfer(cb, 100, 1, 11, "1000.00", code=1)
    t.eq((st, doc and doc["status"], doc and doc["amount"]), (201, "posted", "1000.00"), "issuance to a bank")
    st, doc = xfer(op1, 101, 11, 12, "250.5")
    t.eq((st, doc and doc["amount"]), (201, "250.50"), "top-up, amount canonicalised")
    st, doc = xfer(op1, 101, 11, 12, "250.50")
    t.eq(st, 200, "idempotent retry answers 200")
    st, doc = xfer(op1, 101, 11, 12, "250.51")
    t.eq((st, doc and doc["code"]), (409, "exists_with_different_fields"), "retry with other amount: 409")
    st, doc = xfer(op1, 102, 12, 11, "9999.00")
    t.eq((st, doc and doc["code"]), (422, "exceeds_credits"), "overdraft refused with exceeds_credits")
    st, doc = xfer(op2, 103, 11, 21, "1.00")
    t.eq((st, doc and doc["code"]), (403, "out_of_scope"), "operator 2 cannot debit tenant 1")
    st, doc = xfer(op1, 104, 12, 21, "10.00")
    t.eq(st, 201, "operator 1 pays a customer of operator 2")
    st, doc = xfer(me, 105, 12, 11, "1.00")
    t.eq(st, 201, "merchant moves money from its own account")
    st, doc = xfer(me, 106, 11, 12, "1.00")
    t.eq((st, doc and doc["code"]), (403, "out_of_scope"), "merchant cannot debit another owner's account")
    st, doc = xfer(rg, 107, 11, 12, "1.00")
    t.eq((st, doc and doc["code"]), (403, "forbidden"), "regulator moves nothing")
    st, doc = xfer(op1, 108, 12, 12, "1.00")
    t.eq((st, doc and doc["code"]), (422, "accounts_same"), "same accounts refused")
    st, doc = xfer(op1, 109, 12, 999, "1.00")
    t.eq((st, doc and doc["code"]), (422, "credit_account_not_found"), "unknown credit account")
    st, doc = xfer(op1, 110, 999, 12, "1.00")
    t.eq((st, doc and doc["code"]), (422, "debit_account_not_found"), "unknown debit account")
    st, doc = xfer(op1, 111, 11, 12, "0")
    t.eq((st, doc and doc["code"]), (422, "amount_zero"), "zero amount")
    st, doc = xfer(op1, 112, 11, 12, "1.001")
    t.eq((st, doc and doc["code"]), (400, "amount_invalid"), "three decimals for CNY")
    st, doc = s.post("/v1/transfers", {"id": "113", "debit_account_id": "11", "credit_account_id": "12",
                                       "amount": 5, "currency": "CNY"}, op1)
    t.eq((st, doc and doc["code"]), (400, "amount_invalid"), "numeric amount refused (strings only)")
    st, doc = xfer(op1, 114, 11, 12, "184467440737095516.16")
    t.eq((st, doc and doc["code"]), (400, "amount_invalid"), "amount past 2^64-1 fen refused")
    st, doc = s.post("/v1/transfers", {"id": "115", "debit_account_id": "11"}, op1)
    t.eq((st, doc and doc["code"]), (400, "field_missing"), "missing fields")

    # --- pending, post, void
    st, doc = xfer(op1, 200, 11, 12, "40.00", pending=True, timeout_s=3600)
    t.eq((st, doc and doc["status"]), (201, "pending"), "pending transfer")
    st, doc = s.get("/v1/accounts/11", op1)
    t.eq(doc and doc["debits_pending"], "40.00", "pending amount is held")
    st, doc = s.post("/v1/transfers/200/post", {"id": "201", "amount": "30.00"}, op1)
    t.eq((st, doc and doc["amount"], doc and doc["debit_account_id"]), (201, "30.00", "11"), "partial post")
    st, doc = s.post("/v1/transfers/200/post", {"id": "202"}, op1)
    t.eq((st, doc and doc["code"]), (409, "pending_already_posted"), "second post refused")
    st, doc = s.get("/v1/transfers/200", op1)
    t.eq(doc and doc["status"], "pending_posted", "pending shows pending_posted")
    st, doc = xfer(op1, 203, 11, 12, "5.00", pending=True)
    st, doc = s.post("/v1/transfers/203/void", {"id": "204"}, op1)
    t.eq((st, doc and doc["status"]), (201, "void"), "void")
    st, doc = s.post("/v1/transfers/203/void", {"id": "204"}, op1)
    t.eq(st, 200, "void retried with the same id is idempotent")
    st, doc = s.post("/v1/transfers/999999/void", {"id": "205"}, op1)
    t.eq((st, doc and doc["code"]), (422, "pending_not_found"), "void of unknown pending")
    st, doc = s.post("/v1/transfers/203/void", {"id": "206", "amount": "1"}, op1)
    t.eq((st, doc and doc["code"]), (400, "field_unknown"), "void takes no amount")
    # the reason code of a post or void is validated and kept (it used to be accepted and dropped)
    st, doc = xfer(op1, 207, 11, 12, "2.00", pending=True)
    st, doc = s.post("/v1/transfers/207/post", {"id": "208", "code": 65536}, op1)
    t.eq((st, doc and doc["code"]), (400, "field_invalid"), "a post's code above 65535 is refused")
    st, doc = s.post("/v1/transfers/207/post", {"id": "208", "code": 9}, op1)
    t.eq((st, doc and doc["code"]), (201, 9), "a post keeps its reason code")
    st, doc = s.post("/v1/transfers/207/post", {"id": "209", "amount": "1.001"}, op1)
    t.eq((st, doc and doc["code"]), (400, "amount_invalid"), "post amount with three decimals for CNY")
    st, doc = s.post("/v1/transfers/207/post", {"id": "209", "amount": ""}, op1)
    t.eq((st, doc and doc["code"]), (400, "amount_invalid"), "empty post amount")

    # --- batches
    items = [{"id": str(300 + i), "debit_account_id": "11", "credit_account_id": "12", "amount": "1.00",
              "currency": "CNY"} for i in range(5)]
    st, doc = s.post("/v1/transfers/batch", {"transfers": items}, op1)
    t.eq((st, doc and doc["ok_count"]), (200, 5), "batch of 5")
    bad = [{"id": "310", "debit_account_id": "11", "credit_account_id": "12", "amount": "1.00", "currency": "CNY"},
           {"id": "311", "debit_account_id": "12", "credit_account_id": "11", "amount": "99999.00", "currency": "CNY"}]
    st, doc = s.post("/v1/transfers/batch", {"transfers": bad, "linked": True}, op1)
    results = [r["result"] for r in doc["results"]] if doc else None
    t.eq(results, ["linked_event_failed", "exceeds_credits"], "linked batch fails as a whole")
    st, doc = s.get("/v1/transfers/310", op1)
    t.eq(st, 404, "nothing of the failed chain exists")
    st, doc = s.post("/v1/transfers/batch", {"transfers": []}, op1)
    t.eq((st, doc and doc["code"]), (400, "batch_empty"), "empty batch")
    st, doc = s.post("/v1/transfers/batch", {"linked": True}, op1)
    t.eq((st, doc and doc["code"]), (400, "field_missing"), "a batch without transfers: field_missing")
    st, doc = s.post("/v1/transfers/batch", {"transfers": items[:1], "linked": "yes"}, op1)
    t.eq((st, doc and doc["code"]), (400, "field_invalid"), "linked must be a boolean")
    st, doc = s.post("/v1/transfers/batch", {"transfers": [items[0], dict(items[1], amount="1.234")]}, op1)
    t.ok(st == 400 and doc and doc["code"] == "amount_invalid" and doc["detail"].startswith("transfers[1]: "),
         "a bad item is named by its index", str(doc))

    # --- lookups and scope
    st, doc = s.get("/v1/transfers/101", rg)
    t.eq((st, doc and doc["amount"]), (200, "250.50"), "regulator reads any transfer")
    st, doc = s.get("/v1/transfers/101", op2)
    t.eq((st, doc and doc["code"]), (404, "transfer_not_found"), "operator 2 cannot see tenant 1's transfer")
    st, doc = s.get("/v1/transfers/104", op2)
    t.eq(st, 200, "operator 2 sees a transfer into its customer's account")
    st, doc = s.get("/v1/accounts/11", op2)
    t.eq((st, doc and doc["code"]), (404, "account_not_found"), "other tenant's account is not found")
    st, doc = s.get("/v1/accounts/12", me)
    t.eq(st, 200, "merchant reads its own account")
    st, doc = s.get("/v1/accounts/11", me)
    t.eq(st, 404, "merchant cannot read others")
    st, doc = s.get("/v1/accounts/abc", op1)
    t.eq((st, doc and doc["code"]), (400, "id_invalid"), "malformed id in path")

    # --- history paging
    seen = []
    cursor = None
    pages = 0
    while True:
        path = "/v1/accounts/12/transfers?limit=3" + (f"&cursor={cursor}" if cursor else "")
        st, doc = s.get(path, op1)
        if st != 200:
            break
        pages += 1
        seen += [x["id"] for x in doc["transfers"]]
        cursor = doc["next_cursor"]
        if not cursor:
            break
    t.ok(pages >= 3 and len(seen) == len(set(seen)) and "101" in seen and "300" in seen,
         "history pages through every transfer once", f"{pages} pages {seen}")
    # one transfer per page: every record starts a page once, posts and voids
    # (records that store no accounts of their own) included
    single, cursor, status = [], None, 200
    while status == 200:
        st, doc = s.get("/v1/accounts/12/transfers?limit=1" + (f"&cursor={cursor}" if cursor else ""), op1)
        status = st
        if st != 200:
            break
        single += [x["id"] for x in doc["transfers"]]
        cursor = doc["next_cursor"]
        if not cursor:
            break
    t.ok(status == 200 and single == seen, "a page may start at a post or void record", f"{status} {single}")
    st, doc = s.get("/v1/accounts/12/transfers?limit=0", op1)
    t.eq((st, doc and doc["code"]), (400, "limit_invalid"), "limit 0 refused")
    st, doc = s.get("/v1/accounts/12/transfers?limit=1000", op1)
    t.eq(st, 200, "limit 1000 accepted")
    st, doc = s.get("/v1/accounts/12/transfers?limit=1001", op1)
    t.eq(st, 400, "limit 1001 refused")
    st, doc = s.get("/v1/accounts/21/transfers?cursor=" + (cursor or "3"), op2)
    t.ok(st in (200, 400), "a cursor from another account never leaks", str(doc))
    st, doc = s.get("/v1/accounts?owner_id=77", rg)
    t.eq(sorted(a["id"] for a in doc["accounts"]), ["12", "21"], "list by owner (regulator sees both tenants)")
    st, doc = s.get("/v1/accounts?owner_id=77", op2)
    t.eq([a["id"] for a in doc["accounts"]], ["21"], "list by owner is tenant scoped")
    # Without owner_id (issue 14): every account the token may read, filtered and paged.
    st, doc = s.get("/v1/accounts", op1)
    t.ok(st == 200 and doc["accounts"] and all(a["tenant_id"] == "1" for a in doc["accounts"]),
         "list without owner_id is tenant scoped for an operator", str(doc))
    st, doc = s.get("/v1/accounts?limit=1000", rg)
    every = [a["id"] for a in doc["accounts"]]
    t.ok(st == 200 and {"12", "21"} <= set(every) and doc["next_cursor"] is None,
         "a regulator lists every account without owner_id", str(doc))
    st, doc = s.get("/v1/accounts?tenant_id=2&limit=1000", rg)
    t.ok(st == 200 and "21" in [a["id"] for a in doc["accounts"]] and
         all(a["tenant_id"] == "2" for a in doc["accounts"]), "filter by tenant_id", str(doc))
    st, doc = s.get("/v1/accounts?currency=USD", rg)
    t.ok(st == 200 and all(a["currency"] == "USD" for a in doc["accounts"]), "filter by currency", str(doc))
    paged, cursor = [], None
    for _ in range(len(every) + 1):
        st, doc = s.get("/v1/accounts?limit=2" + (f"&cursor={cursor}" if cursor else ""), rg)
        paged += [a["id"] for a in doc["accounts"]]
        cursor = doc["next_cursor"]
        if cursor is None:
            break
    t.eq(paged, every, "paging by limit=2 visits every account once, in order")
    st, doc = s.get("/v1/accounts?currency=cny", rg)
    t.eq((st, doc and doc["code"]), (400, "query_invalid"), "a bad currency filter is refused")
    # GET /v1/transfers: every transfer in scope, filtered by account and currency, paged.
    st, doc = s.get("/v1/transfers?limit=1000", rg)
    everything = doc["transfers"] if st == 200 else []
    t.ok(st == 200 and everything and doc["next_cursor"] is None, "a regulator lists every transfer", str(doc))
    st, one = s.get(f"/v1/transfers/{everything[0]['id']}", rg) if everything else (0, None)
    t.eq(one, everything[0] if everything else None, "a listed transfer is the one GET /v1/transfers/{id} answers")
    st, hist = s.get("/v1/accounts/12/transfers?limit=1000", rg)
    st, doc = s.get("/v1/transfers?account_id=12&limit=1000", rg)
    t.eq(sorted(x["id"] for x in doc["transfers"]), sorted(x["id"] for x in hist["transfers"]),
         "filtered by account_id: the same transfers as the account's history")
    st, doc = s.get("/v1/transfers?currency=USD&limit=1000", rg)
    t.ok(st == 200 and all(x["currency"] == "USD" for x in doc["transfers"]), "filtered by currency", str(doc))
    paged, cursor = [], None
    for _ in range(len(everything) + 1):
        st, doc = s.get("/v1/transfers?limit=1" + (f"&cursor={cursor}" if cursor else ""), rg)
        paged += [x["id"] for x in doc["transfers"]]
        cursor = doc["next_cursor"]
        if cursor is None:
            break
    t.eq(paged, [x["id"] for x in everything], "paging by limit=1 visits every transfer once, in order")
    st, doc = s.get("/v1/transfers?limit=1000", op2)
    mine = {x["id"] for x in doc["transfers"]}
    t.ok(st == 200 and mine <= {x["id"] for x in everything} and len(mine) < len(everything),
         "an operator lists only transfers it may read", str(doc))
    st, doc = s.get("/v1/transfers?account_id=nope", rg)
    t.eq((st, doc and doc["code"]), (400, "query_invalid"), "a bad account_id filter is refused")

    # --- freeze
    st, doc = s.post("/v1/accounts/12/freeze", None, op1)
    t.ok(st == 200 and "frozen" in doc["flags"], "freeze", str(doc))
    st, doc = xfer(op1, 400, 11, 12, "1.00")
    t.eq((st, doc and doc["code"]), (422, "credit_account_frozen"), "frozen account refuses credits")
    st, doc = s.post("/v1/accounts/12/unfreeze", None, op1)
    t.ok(st == 200 and "frozen" not in doc["flags"], "unfreeze")
    st, doc = s.post("/v1/accounts/12/close", None, op1)
    t.eq((st, doc and doc["code"]), (422, "account_has_balance"), "close with balance refused")

    # --- binary
    def rec_transfer(id_, debit, credit, amount):
        cny = ord("C") | ord("N") << 8 | ord("Y") << 16
        return struct.pack("<QQQQQQQQQQQQIIHH20x", id_, 0, debit, 0, credit, 0, 0, 0, 0, 0, amount, 0, 0, cny, 0, 0)

    body = b"".join(rec_transfer(500 + i, 11, 12, 1) for i in range(10)) + rec_transfer(520, 12, 12, 1)
    st, _, payload, resp = s.request("POST", "/v1/binary/transfers", raw=body, token=op1,
                                     content_type="application/octet-stream")
    codes = list(struct.unpack(f"<{len(payload) // 4}I", payload)) if st == 200 else payload
    t.eq((st, codes), (200, [0] * 10 + [11]), "binary batch answers one result per record")
    st, _, payload, _ = s.request("POST", "/v1/binary/transfers", raw=body[:100], token=op1,
                                  content_type="application/octet-stream")
    t.eq(st, 400, "binary body not a multiple of 128 bytes")
    # a chain left open at the end of a request would link into another client's
    # commands of the same batch: refused whole, nothing applied
    open_chain = bytearray(rec_transfer(540, 11, 12, 1))
    struct.pack_into("<H", open_chain, 106, 1)  # flags = linked
    st, doc, _, _ = s.request("POST", "/v1/binary/transfers", raw=bytes(open_chain), token=op1,
                              content_type="application/octet-stream")
    t.eq((st, doc and doc["code"]), (422, "linked_chain_open"), "binary batch may not end inside a linked chain")
    st, _ = s.get("/v1/transfers/540", op1)
    t.eq(st, 404, "the refused open chain left no trace")
    st, doc, _, _ = s.request("POST", "/v1/binary/transfers", raw=rec_transfer(530, 11, 21, 1), token=op2,
                              content_type="application/octet-stream")
    t.eq((st, doc and doc["code"]), (403, "out_of_scope"), "binary batch is tenant scoped")
    st, doc, _, _ = s.request("POST", "/v1/binary/transfers", raw=body, token=op1, content_type="application/json")
    t.eq((st, doc and doc["code"]), (415, "unsupported_media_type"), "binary route needs octet-stream")
    acc = struct.pack("<QQQQ", 600, 0, 99, 0) + bytes(56) + struct.pack("<IHH", ord("C") | ord("N") << 8 | ord("Y") << 16, 3, 0) + bytes(32)
    st, _, payload, _ = s.request("POST", "/v1/binary/accounts", raw=acc, token=op1, content_type="application/octet-stream")
    t.eq((st, payload), (200, b"\0\0\0\0"), "binary account create")
    st, doc = s.get("/v1/accounts/600", op1)
    t.eq(doc and doc["tenant_id"], "1", "binary account got the operator's tenant")
finally:
    rc = s.stop()
    t.eq(rc, 0, "SIGTERM exits 0")
    s.cleanup()
t.done()
