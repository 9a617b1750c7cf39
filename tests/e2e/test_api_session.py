#!/usr/bin/env python3
"""test_api_session.py — dashboard sessions (src/api/session.h) on the real
server: a token exchanged for a cookie, the cookie accepted where a bearer
token is, the CSRF rule on cookie-authenticated changes, logout, revocation,
the views list and the auditor's head and verification.

Expected values come from the contract in session.h and RFC 6265 (cookie
attributes), not from the server's output: HttpOnly, SameSite=Strict,
Path=/, Max-Age=3600; 64 hex digits of session id; a logout answers
Max-Age=0."""
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from api_harness import Server, Tap  # noqa: E402

t = Tap()
s = Server().start()


def login(token):
    st, doc, _, resp = s.request("POST", "/v1/session", body={"token": token})
    return st, doc, resp.getheader("Set-Cookie", "")


def with_cookie(method, path, cookie, headers=None, body=None):
    h = {"Cookie": cookie}
    h.update(headers or {})
    st, doc, _, resp = s.request(method, path, headers=h, body=body)
    return st, doc, resp


try:
    au = s.token("auditor", name="aud")
    op = s.token("operator", tenant=1, name="bank1")

    st, doc, set_cookie = login(au)
    t.eq(st, 201, "a valid token logs in")
    t.eq(doc.get("role") if doc else None, "auditor", "the answer names the role")
    m = re.match(r"^szfin_session=([0-9a-f]{64}); (.*)$", set_cookie)
    t.ok(m is not None, "the cookie carries a 64-hex-digit session id", set_cookie)
    attrs = set(m.group(2).split("; ")) if m else set()
    t.ok({"Path=/", "HttpOnly", "SameSite=Strict", "Max-Age=3600"} <= attrs, "HttpOnly, SameSite=Strict, an expiry", attrs)
    t.ok(au not in set_cookie, "the cookie is not the token")
    cookie = f"szfin_session={m.group(1)}" if m else ""

    st, doc, _ = with_cookie("GET", "/v1/whoami", cookie)
    t.ok(st == 200 and doc["role"] == "auditor", "the cookie authenticates like the bearer token", doc)
    st, doc, _ = with_cookie("GET", "/v1/views", cookie)
    t.ok(st == 200 and doc["domains"][0] == "platform" and "auth" in doc["domains"], "views list the served domains", doc)

    st, doc, _ = with_cookie("GET", "/v1/audit/head", cookie)
    t.ok(st == 200 and re.fullmatch(r"[0-9a-f]{64}", doc["head_hash"]), "the auditor reads the head hash", doc)
    st, doc, _ = with_cookie("POST", "/v1/audit/verify", cookie)
    t.ok(st == 403 and doc["code"] == "csrf_header_required", "a cookie-authenticated POST without a marker is 403", doc)
    st, doc, _ = with_cookie("POST", "/v1/audit/verify", cookie, {"X-Szfin-Request": "1"})
    t.eq(st, 202, "with X-Szfin-Request: 1 the verification starts")
    for _ in range(200):
        st, doc, _ = with_cookie("GET", "/v1/audit/head", cookie)
        if doc and doc["verifications"] != "0":
            break
        time.sleep(0.05)
    t.ok(doc["verifications"] == "1" and doc["last_ok"] is True and doc["last_time_ns"] != "0",
         "the verification ran and found the log intact", doc)
    st, doc = s.get("/v1/audit/head", op)
    t.eq(st, 403, "an operator may not read the audit head")

    for bad, why in (("szfin_" + "0" * 64, "an unknown token"), ("x", "a short text"), ("szfin_" + "0" * 65, "a long text")):
        st, doc, set_cookie = login(bad)
        t.ok(st == 401 and doc["code"] == "unauthorized" and set_cookie == "", f"{why} does not log in", doc)
    st, doc, _, _ = s.request("POST", "/v1/session", body={"token": au, "remember": True})
    t.ok(st == 400 and doc["code"] == "field_unknown", "an unknown field is refused", doc)
    st, doc, _ = with_cookie("GET", "/v1/whoami", "szfin_session=" + "ab" * 32)
    t.eq(st, 401, "a made-up session id is 401")

    st, doc, resp = with_cookie("DELETE", "/v1/session", cookie, {"X-Szfin-Request": "1"})
    t.ok(st == 200 and doc["ended"] is True and "Max-Age=0" in resp.getheader("Set-Cookie", ""), "logout ends it", doc)
    st, doc, _ = with_cookie("GET", "/v1/whoami", cookie)
    t.eq(st, 401, "the ended session is refused")

    st, doc, set_cookie = login(op)
    cookie2 = set_cookie.split(";")[0]
    tokens = s.get("/v1/tokens", s.admin)[1]["tokens"]
    op_id = next(x["id"] for x in tokens if x["name"] == "bank1")
    st, _, _, _ = s.request("DELETE", f"/v1/tokens/{op_id}", token=s.admin)
    t.eq(st, 200, "the operator's token is revoked")
    st, doc, _ = with_cookie("GET", "/v1/whoami", cookie2)
    t.eq(st, 401, "a session dies with its token")
finally:
    s.cleanup()
t.done()
