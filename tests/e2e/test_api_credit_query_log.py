#!/usr/bin/env python3
"""test_api_credit_query_log.py — GET /v1/credit/queries, the query log
across enterprises, on the real binary: a bank (and its credit analyst)
sees only the queries its own tenant made, newest first, paged by limit
and cursor; a regulator sees every tenant's, or one tenant's; bad
arguments get problems; the enterprise itself and desks of other domains
are refused; `szfin credit queries` pages the same list.

Expected rows are derived by hand from the queries this test makes, in the
order it makes them (q1..q5 below). Python 3 standard library only."""
import datetime
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from api_harness import BIN, Server, Tap, uscc  # noqa: E402

CST = datetime.timezone(datetime.timedelta(hours=8))


def rfc3339(ns_text):
    """The RFC 3339 UTC text of a time in ns since 1970, by Python's datetime."""
    ns = int(ns_text)
    d = datetime.datetime.fromtimestamp(ns // 10**9, datetime.timezone.utc)
    return d.strftime("%Y-%m-%dT%H:%M:%S") + f".{ns % 10**9:09d}Z"


t = Tap()
s = Server().start()
try:
    def token(role, tenant=None, owner=None, name="e2e"):
        doc = s.token_doc(role, tenant, owner, name)
        return doc["token"], doc["id"]

    cb, _ = token("central_bank")
    bank1, bank1_id = token("operator", tenant=1, name="bank 1")
    bank2, bank2_id = token("operator", tenant=2, name="bank 2")
    analyst1, analyst1_id = token("credit_analyst", tenant=1, name="bank 1 credit desk")
    owner1, _ = token("merchant", tenant=1, owner=700001, name="enterprise 1")
    owner2, _ = token("merchant", tenant=1, owner=700002, name="enterprise 2")
    regulator, _ = token("regulator")
    risk1, _ = token("risk_analyst", tenant=1)

    E1 = uscc("91440300MA5FC0DE2")
    E2 = uscc("91440301MA5FC0DE2")
    base = "/v1/credit/enterprises"
    for k, (code, owner) in enumerate(((E1, 700001), (E2, 700002))):
        st, doc = s.post(base, {"id": str(5000 + k), "uscc": code, "name": f"Firm {k + 1}", "industry": "C3973",
                                "registered_capital": "1000000.00", "founded": "2016-03-18",
                                "owner_id": str(owner)}, cb)
        t.eq(st, 201, f"register enterprise {k + 1}")
    until = (datetime.datetime.now(CST).date() + datetime.timedelta(days=30)).isoformat()
    consents = {}
    for cid, owner, code, bank in (("5101", owner1, E1, "1"), ("5102", owner1, E1, "2"), ("5103", owner2, E2, "1")):
        st, doc = s.post(f"{base}/{code}/authorizations",
                         {"id": cid, "institution": bank, "purpose": "loan_approval", "expires": until}, owner)
        t.eq(st, 201, f"consent {cid}: {code} to bank {bank}")
        consents[(code, bank)] = cid

    # q1 bank 1 on E1, q2 bank 2 on E1, q3 bank 1 on E2, q4 bank 1's analyst on E2, q5 bank 1 on E1.
    made = [("5201", bank1, E1, "1", bank1_id), ("5202", bank2, E1, "2", bank2_id), ("5203", bank1, E2, "1", bank1_id),
            ("5204", analyst1, E2, "1", analyst1_id), ("5205", bank1, E1, "1", bank1_id)]
    before_ns = time.time_ns()
    for qid, tok, code, _, _ in made:
        st, doc = s.post(f"{base}/{code}/report", {"id": qid, "purpose": "loan_approval"}, tok)
        t.eq(st, 201, f"report {qid} under the consent")
    after_ns = time.time_ns()
    st, doc = s.post(f"{base}/{E2}/report", {"id": "5206", "purpose": "loan_approval"}, bank2)
    t.eq(st, 403, "bank 2 has no consent of E2: refused, and not logged")

    def ids(path, tok):
        st, doc = s.get(path, tok)
        return st, [q["id"] for q in doc["queries"]] if st == 200 else doc, doc

    st, got, doc = ids("/v1/credit/queries", bank1)
    t.eq((st, got), (200, ["5205", "5204", "5203", "5201"]), "bank 1 sees its tenant's queries, newest first")
    t.eq(doc["next_cursor"], None, "one page: no next cursor")
    st, got, _ = ids("/v1/credit/queries", analyst1)
    t.eq((st, got), (200, ["5205", "5204", "5203", "5201"]), "bank 1's credit analyst sees the same, by its tenant")
    st, got, _ = ids("/v1/credit/queries", bank2)
    t.eq((st, got), (200, ["5202"]), "bank 2 sees only its own query")
    st, got, _ = ids("/v1/credit/queries?tenant_id=2", bank1)
    t.eq((st, got), (200, []), "bank 1 asking for bank 2's queries gets an empty page")
    st, got, _ = ids("/v1/credit/queries?tenant_id=1", bank2)
    t.eq((st, got), (200, []), "bank 2 asking for bank 1's queries gets an empty page")

    # Paging bank 1 by two: the cursor continues below q4 (index 3 + 1 = 4 -> next is index 2, q3 = cursor 3).
    st, p1 = s.get("/v1/credit/queries?limit=2", bank1)
    t.eq(([q["id"] for q in p1["queries"]], p1["next_cursor"]), (["5205", "5204"], "3"), "page 1 of 2")
    st, p2 = s.get(f"/v1/credit/queries?limit=2&cursor={p1['next_cursor']}", bank1)
    t.eq(([q["id"] for q in p2["queries"]], p2["next_cursor"]), (["5203", "5201"], None),
         "page 2 skips bank 2's q2 and ends the list")
    st, p3 = s.get("/v1/credit/queries?limit=1&cursor=2", bank1)
    t.eq([q["id"] for q in p3["queries"]], ["5201"], "a cursor on bank 2's row skips it for bank 1")

    st, got, _ = ids("/v1/credit/queries", regulator)
    t.eq((st, got), (200, ["5205", "5204", "5203", "5202", "5201"]), "the regulator sees every tenant's queries")
    st, got, _ = ids("/v1/credit/queries?tenant_id=2", regulator)
    t.eq((st, got), (200, ["5202"]), "the regulator filters by tenant")
    st, got, _ = ids(f"/v1/credit/queries?enterprise={E2}", regulator)
    t.eq((st, got), (200, ["5204", "5203"]), "the regulator filters by enterprise")
    st, got, _ = ids(f"/v1/credit/queries?enterprise={E2}", bank2)
    t.eq((st, got), (200, []), "bank 2 on E2: none of its own")
    st, got, _ = ids("/v1/credit/queries", s.admin)
    t.eq(len(got), 5, "the admin sees all five")

    # One row in full: q4, by bank 1's analyst on E2 under consent 5103.
    st, doc = s.get(f"/v1/credit/queries?enterprise={E2}&limit=1", bank1)
    q = doc["queries"][0]
    t.eq((q["id"], q["enterprise"], q["institution"], q["user_token_id"], q["purpose"], q["kind"],
          q["authorization_id"]),
         ("5204", E2, "1", analyst1_id, "loan_approval", "report", consents[(E2, "1")]),
         "a row names the enterprise, the tenant and user that asked, the purpose and the consent used")
    t.ok(before_ns <= int(q["at_ns"]) <= after_ns, "the row's time is when the query was made", q["at_ns"])
    t.eq(q["at"], rfc3339(q["at_ns"]), "the time in RFC 3339 (UTC)")
    t.ok(len(q["returned"]["content_hash"]) == 32, "what was returned: the report's content hash", q["returned"])
    st, one = s.get(f"{base}/{E2}/queries", owner2)
    same = [r for r in one["queries"] if r["id"] == "5204"]
    t.ok(st == 200 and same == [q], "the same row as in the enterprise's own query log", (same, q))

    # Refusals and bad arguments.
    for tok, who in ((owner1, "the enterprise"), (risk1, "a risk analyst")):
        st, doc = s.get("/v1/credit/queries", tok)
        t.eq(st, 403, f"{who} may not read the cross-enterprise log")
    st, doc = s.get("/v1/credit/queries")
    t.eq(st, 401, "no token: 401")
    for query, code in (("limit=0", "limit_invalid"), ("limit=x", "limit_invalid"), ("cursor=0", "cursor_invalid"),
                        ("cursor=99", "cursor_invalid"), ("tenant_id=x", "query_invalid"),
                        ("tenant_id=0", "query_invalid"), ("enterprise=" + uscc("91440302MA5FC0DE2"),
                                                         "enterprise_not_found")):
        st, doc, payload, resp = s.request("GET", "/v1/credit/queries?" + query, token=bank1)
        t.ok(st in (400, 404) and doc and doc.get("code") == code and
             resp.getheader("Content-Type", "").startswith("application/problem+json"),
             f"?{query}: problem {code}", (st, payload[:300]))

    # The CLI pages the same list.
    env = dict(os.environ, SZFIN_URL=f"http://127.0.0.1:{s.port}", SZFIN_TOKEN=bank1)
    p = subprocess.run([BIN, "credit", "queries", "--limit", "2", "--json"], capture_output=True, text=True, env=env)
    doc = json.loads(p.stdout) if p.returncode == 0 else None
    t.ok(doc is not None and [q["id"] for q in doc["queries"]] == ["5205", "5204"] and doc["next_cursor"] == "3",
         "szfin credit queries --limit 2: page 1", (p.returncode, p.stdout[:300], p.stderr[:300]))
    p = subprocess.run([BIN, "credit", "queries", "--limit", "2", "--cursor", "3", "--json"], capture_output=True,
                       text=True, env=env)
    doc = json.loads(p.stdout) if p.returncode == 0 else None
    t.ok(doc is not None and [q["id"] for q in doc["queries"]] == ["5203", "5201"],
         "szfin credit queries --cursor 3: page 2", (p.returncode, p.stdout[:300], p.stderr[:300]))
    p = subprocess.run([BIN, "credit", "queries", "--tenant", "2", "--json"], capture_output=True, text=True,
                       env=dict(env, SZFIN_TOKEN=regulator))
    doc = json.loads(p.stdout) if p.returncode == 0 else None
    t.ok(doc is not None and [q["id"] for q in doc["queries"]] == ["5202"],
         "szfin credit queries --tenant 2 (regulator)", (p.returncode, p.stdout[:300], p.stderr[:300]))
    p = subprocess.run([BIN, "credit", "queries", "--enterprise", E2], capture_output=True, text=True, env=env)
    t.ok(p.returncode == 0 and "5204" in p.stdout and "5203" in p.stdout and "5205" not in p.stdout and
         "T" in p.stdout, "szfin credit queries --enterprise prints a table", (p.returncode, p.stdout[:500], p.stderr))
    p = subprocess.run([BIN, "credit", "queries", E1, "--json"], capture_output=True, text=True,
                       env=dict(env, SZFIN_TOKEN=owner1))
    doc = json.loads(p.stdout) if p.returncode == 0 else None
    t.ok(doc is not None and [q["id"] for q in doc["queries"]] == ["5205", "5202", "5201"],
         "szfin credit queries CODE: the enterprise's own log", (p.returncode, p.stdout[:300], p.stderr[:300]))
    p = subprocess.run([BIN, "credit", "queries", "--help"], capture_output=True, text=True, env=env)
    t.ok(p.returncode == 0 and "--cursor" in p.stdout and "--tenant" in p.stdout,
         "szfin credit queries --help exits 0 and names the paging options", (p.returncode, p.stdout[-400:]))
    p = subprocess.run([BIN, "credit", "queries", "--limt", "2"], capture_output=True, text=True, env=env)
    t.ok(p.returncode == 2 and "--limit" in p.stderr, "a misspelt flag is an error with a suggestion",
         (p.returncode, p.stderr))
    p = subprocess.run([BIN, "credit", "queries", "--limit", "0"], capture_output=True, text=True, env=env)
    t.ok(p.returncode != 0 and "limit" in (p.stdout + p.stderr), "the server's problem reaches the user",
         (p.returncode, p.stdout, p.stderr))
finally:
    s.stop()
    s.cleanup()
t.done()
