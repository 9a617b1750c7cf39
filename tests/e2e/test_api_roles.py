#!/usr/bin/env python3
"""test_api_roles.py — walks every route of the served OpenAPI document with
every role (and with no token) and checks the answer against the route's
declared roles; checks the operations routes (/healthz, /readyz, /metrics,
/v1/status, /, /docs, /openapi.yaml) and token management."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(__file__))
from api_harness import Server, Tap  # noqa: E402

ROLES = ["central_bank", "operator", "merchant", "regulator", "auditor", "admin", "risk_analyst", "compliance_officer",
         "credit_analyst", "green_desk"]
# Desk roles act as their bank's operator in one domain (docs/openapi.yaml, "Desk roles").
DESK_DOMAIN = {"credit_analyst": "/v1/credit/", "green_desk": "/v1/green/"}


def allowed(who, op):
    if who in op["roles"]:
        return True
    prefix = DESK_DOMAIN.get(who)
    return prefix is not None and "operator" in op["roles"] and op["path"].startswith(prefix)


def spec_operations(text):
    ops, path, in_paths = [], None, False
    for line in text.splitlines():
        if line == "paths:":
            in_paths = True
            continue
        if in_paths and line and not line.startswith(" "):
            break
        m = re.match(r"^  (/\S*):$", line)
        if m:
            path = m.group(1)
            continue
        m = re.match(r"^    (get|post|put|delete|patch):$", line)
        if m and path:
            ops.append({"method": m.group(1).upper(), "path": path, "roles": None})
            continue
        m = re.match(r"^      x-szfin-roles: \[(.*)\]$", line)
        if m and ops:
            ops[-1]["roles"] = [r.strip() for r in m.group(1).split(",") if r.strip()]
    return ops


t = Tap()
s = Server().start()
try:
    tokens = {"admin": s.admin}
    for role in ROLES:
        if role == "admin":
            continue
        tenant = 1 if role in ("operator", "merchant", "risk_analyst", "compliance_officer", "credit_analyst",
                               "green_desk") else None
        owner = 5 if role == "merchant" else None
        tokens[role] = s.token(role, tenant=tenant, owner=owner, name=role)
    st, _, payload, resp = s.request("GET", "/openapi.yaml")
    t.ok(st == 200 and payload.startswith(b"openapi: 3.1"), "/openapi.yaml is served")
    ops = spec_operations(payload.decode())
    t.ok(len(ops) >= 25 and all(o["roles"] is not None for o in ops), "every operation declares x-szfin-roles",
         str([o for o in ops if o["roles"] is None]))
    for op in ops:
        path = op["path"].replace("{id}", "123").replace("{file}", "app.js")
        if op["path"] == "/v1/events":
            path += "?after=x"  # a stream never ends: a bad cursor answers at once, after auth
        body = None
        raw = None
        ctype = None
        if op["method"] in ("POST", "PUT"):
            if "binary" in path:
                raw, ctype = b"", "application/octet-stream"
            else:
                body = {}
        public = not op["roles"]
        for who in ROLES + [None]:
            token = tokens.get(who) if who else None
            st, doc, _, resp = s.request(op["method"], path, body=body, raw=raw, token=token, content_type=ctype)
            code = doc.get("code") if isinstance(doc, dict) else None
            where = f"{op['method']} {op['path']} as {who or 'anonymous'}"
            if public:
                good = st not in (401, 403, 405) and code != "not_found" or op["path"] in ("/web/{file}", "/web/vendor/{file}")
            elif who is None:
                good = st == 401 and code == "unauthorized" and resp.getheader("WWW-Authenticate")
            elif allowed(who, op):
                good = st not in (401, 405) and code not in ("forbidden", "method_not_allowed")
            else:
                good = st == 403 and code == "forbidden"
            t.ok(good, where, f"status {st} code {code}")
            if st >= 400 and st != 405 and not public:
                t.ok(resp.getheader("Content-Type", "").startswith("application/problem+json"),
                     where + " answers problem+json")

    st, doc, _, _ = s.request("GET", "/v1/nowhere")
    t.eq((st, doc and doc["code"]), (404, "not_found"), "unknown path: 404 not_found")
    st, doc, _, _ = s.request("PATCH", "/v1/accounts")
    t.eq((st, doc and doc["code"]), (405, "method_not_allowed"), "wrong method: 405")
    st, doc, _, _ = s.request("GET", "/v1/whoami", token="szfin_" + "0" * 64)
    t.eq(st, 401, "unknown token: 401")
    st, doc, _, _ = s.request("GET", "/v1/whoami", headers={"Authorization": "Basic abc"})
    t.eq(st, 401, "non-bearer auth: 401")

    # tokens: list, role change, revoke
    st, doc = s.get("/v1/tokens", s.admin)
    t.ok(st == 200 and len(doc["tokens"]) == len(ROLES) and all("token" not in x for x in doc["tokens"]),
         "token list never shows token text")
    st, doc = s.post("/v1/tokens", {"role": "operator"}, s.admin)
    t.eq((st, doc and doc["code"]), (422, "tenant_required"), "operator token needs a tenant")
    st, doc = s.post("/v1/tokens", {"role": "king"}, s.admin)
    t.eq(st, 400, "unknown role refused")
    st, doc = s.post("/v1/tokens", {"name": "nobody"}, s.admin)
    t.eq((st, doc and doc["code"]), (400, "field_missing"), "a token without a role: field_missing")
    st, doc = s.post("/v1/tokens", {"role": "auditor", "name": ""}, s.admin)
    t.eq((st, doc and doc["code"]), (400, "field_invalid"), "an empty name is refused (leave it out instead)")
    st, doc = s.post("/v1/tokens", {"role": "auditor", "name": "x" * 32}, s.admin)
    t.eq((st, doc and doc["name"]), (201, "x" * 32), "a name of 32 bytes (the most) is kept")
    st, doc = s.post("/v1/tokens", {"role": "auditor", "name": "x" * 33}, s.admin)
    t.eq((st, doc and doc["code"]), (400, "field_invalid"), "a name of 33 bytes is refused")
    st, doc = s.post("/v1/tokens", {"role": "auditor", "tenant_id": 7}, s.admin)
    t.eq((st, doc and doc["code"]), (400, "field_invalid"), "tenant_id travels as a decimal string")
    victim = s.post("/v1/tokens", {"role": "auditor", "name": "victim"}, s.admin)[1]
    st, doc, _, _ = s.request("PUT", f"/v1/tokens/{victim['id']}/role", body={"role": "regulator"}, token=s.admin)
    t.eq((st, doc and doc["role"]), (200, "regulator"), "role change")
    st, doc = s.get("/v1/whoami", victim["token"])
    t.eq(doc and doc["role"], "regulator", "the new role applies at once")
    st, doc, _, _ = s.request("DELETE", f"/v1/tokens/{victim['id']}", token=s.admin)
    t.eq((st, doc and doc["revoked"]), (200, True), "revoke")
    st, doc = s.get("/v1/whoami", victim["token"])
    t.eq(st, 401, "a revoked token is refused")
    st, doc, _, _ = s.request("DELETE", "/v1/tokens/1", token=s.admin)
    t.eq(st, 400, "a token cannot revoke itself")

    # operations
    st, doc = s.get("/healthz")
    t.eq((st, doc), (200, {"status": "ok"}), "/healthz")
    st, doc = s.get("/readyz")
    t.eq(st, 200, "/readyz")
    st, doc = s.get("/v1/status")
    t.ok(st == 200 and doc["accounts"] >= 0 and "transfers" in doc, "/v1/status")
    st, _, payload, resp = s.request("GET", "/metrics")
    text = payload.decode()
    for name in ("szfin_http_requests_total{", "szfin_http_request_duration_seconds_bucket{", "szfin_fsync_seconds_count",
                 "szfin_batch_request_records_bucket", "szfin_accounts ", "szfin_transfers "):
        t.ok(name in text, f"/metrics has {name.strip('{ ')}")
    t.ok('status="403"' in text and 'route="/v1/accounts"' in text, "/metrics counts requests by route and status")
    st, _, payload, resp = s.request("GET", "/")
    t.ok(st == 200 and b"szfin" in payload and resp.getheader("Content-Type").startswith("text/html"), "front page")
    st, _, payload, resp = s.request("GET", "/docs")
    t.ok(st == 200 and resp.getheader("Content-Type").startswith("text/html"), "API reference page")
    st, _, payload, _ = s.request("GET", "/web/.secret")
    t.eq(st, 404, "dot files are not served")
    st, _, payload, _ = s.request("GET", "/web/..%2Fserver.key")
    t.eq(st, 404, "no path traversal")
finally:
    s.stop()
    s.cleanup()
t.done()
