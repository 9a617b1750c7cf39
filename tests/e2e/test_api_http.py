#!/usr/bin/env python3
"""test_api_http.py — HTTP conventions (issue 14) against the real server:
oversized heads answered 414/431 as problem+json instead of a dropped
connection, 415 for a POST without a JSON content type, 400 for an encoded
NUL in the path (it used to serve /web/app.js for /web/app.js%00.txt),
Idempotency-Key as the id of a command, a request id per request (returned
and logged), every error as problem+json, and the process and build-info
metrics. Statuses are those RFC 9110 (413, 414, 415), RFC 6585 (431) and
RFC 9457 (problem+json) prescribe; raw sockets where http.client would
refuse to send the request."""
import http.client
import os
import re
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from api_harness import Server, Tap  # noqa: E402

t = Tap()
s = Server().start()


def raw(request_bytes):
    """Send bytes as they are; answer (status, headers dict, body)."""
    with socket.create_connection(("127.0.0.1", s.port), timeout=30) as sock:
        sock.sendall(request_bytes)
        data = b""
        while True:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            data += chunk
            head, _, body = data.partition(b"\r\n\r\n")
            m = re.search(rb"(?i)content-length: *(\d+)", head)
            if m and len(body) >= int(m.group(1)):
                break
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode(errors="replace").split("\r\n")
    status = int(lines[0].split()[1]) if lines and len(lines[0].split()) > 1 else 0
    headers = {k.strip().lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:])}
    return status, headers, body


def problem(status, headers, body, want_status, want_code, name):
    import json
    doc = None
    try:
        doc = json.loads(body)
    except ValueError:
        pass
    t.ok(status == want_status and headers.get("content-type", "").startswith("application/problem+json")
         and doc and doc.get("code") == want_code and doc.get("status") == want_status,
         name, f"{status} {headers.get('content-type')} {body[:300]!r}")
    return doc


try:
    cb = s.token("central_bank")
    # 414: a request target longer than 8 KiB.
    long_target = "/healthz?pad=" + "a" * 9000
    st, h, body = raw(f"GET {long_target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
    problem(st, h, body, 414, "uri_too_long", "a 9000-byte URL is answered 414 problem+json")
    # 431: too many header fields, and too long ones.
    many = "".join(f"X-Pad-{i}: 1\r\n" for i in range(80))
    st, h, body = raw(f"GET /healthz HTTP/1.1\r\nHost: x\r\n{many}Connection: close\r\n\r\n".encode())
    problem(st, h, body, 431, "headers_too_large", "80 header fields are answered 431 problem+json")
    st, h, body = raw(("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: " + "b" * 20000 +
                       "\r\nConnection: close\r\n\r\n").encode())
    problem(st, h, body, 431, "headers_too_large", "a 20 KB header is answered 431 problem+json")
    # Heads past libmicrohttpd's old 64 KiB pool used to get its HTML page.
    for size in (70 * 1024, 900 * 1024):
        st, h, body = raw(("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: " + "c" * size +
                           "\r\nConnection: close\r\n\r\n").encode())
        problem(st, h, body, 431, "headers_too_large", f"a {size // 1024} KiB header is answered 431 problem+json")
    # The bound (docs/problems.md#oversized-heads, from libmicrohttpd 0.9.75's connection.c): the
    # head, 64 bytes per field and the answer's head (~210 bytes) share the 1 MiB pool. One
    # 1,040,000-byte field: a 1,040,062-byte head + 3 x 64 + 210 < 1,048,576, so szfin answers.
    st, h, body = raw(("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: " + "c" * 1040000 +
                       "\r\nConnection: close\r\n\r\n").encode())
    problem(st, h, body, 431, "headers_too_large", "a head 8 KiB under the pool's bound is answered 431 problem+json")
    # Past the pool libmicrohttpd answers itself (431 with its HTML, or a reset while the
    # client still sends): documented, not wanted; then the server goes on serving.
    with socket.create_connection(("127.0.0.1", s.port), timeout=30) as sock:
        try:
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: " + b"d" * (2 << 20) + b"\r\n\r\n")
        except OSError:
            pass
        data = b""
        try:
            while chunk := sock.recv(65536):
                data += chunk
        except OSError:
            pass
    t.ok(data == b"" or (data.startswith(b"HTTP/1.1 431 ") and b"problem+json" not in data),
         "a 2 MiB head: libmicrohttpd's own 431 (the documented bound)", data[:200])
    st, h, body = raw(b"GET /v1/whoami HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    doc = problem(st, h, body, 401, "unauthorized", "no credentials: 401 problem+json")
    t.ok(doc is not None and "Bearer" in doc.get("detail", "") and "cookie" in doc.get("detail", ""),
         "the unauthorized detail names both the bearer token and the session cookie", repr(doc))
    st, h, body = raw(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    t.eq(st, 200, "an ordinary request on the same server still answers")
    # 413: a body over the limit (1 MiB for JSON), declared by Content-Length.
    st, h, body = raw(b"POST /v1/transfers HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + cb.encode() +
                      b"\r\nContent-Type: application/json\r\nContent-Length: 2000000\r\nConnection: close\r\n\r\n")
    problem(st, h, body, 413, "body_too_large", "a 2 MB body is answered 413 problem+json")

    # NUL in the path: 400, never the file before it.
    st, h, body = raw(b"GET /web/app.js%00.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    problem(st, h, body, 400, "path_invalid", "/web/app.js%00.txt is 400, not app.js")
    st, h, body = raw(b"GET /v1/accounts/1%00 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    problem(st, h, body, 400, "path_invalid", "an encoded NUL in an API path is 400")

    # 415: a POST to a JSON route without a JSON content type.
    body_json = b'{"id":"1","currency":"CNY"}'
    for ctype in (None, "text/plain", "application/x-www-form-urlencoded"):
        hdr = f"Content-Type: {ctype}\r\n" if ctype else ""
        st, h, body = raw(("POST /v1/accounts HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + cb + "\r\n" + hdr +
                           f"Content-Length: {len(body_json)}\r\nConnection: close\r\n\r\n").encode() + body_json)
        problem(st, h, body, 415, "unsupported_media_type", f"POST with content type {ctype} is 415")
    st, doc = s.get("/v1/accounts/1", cb)
    t.eq(st, 404, "and no account was created")

    # Idempotency-Key: the id as a header, same semantics as in the body.
    for acc in ("10", "11"):
        st, doc = s.post("/v1/accounts", {"id": acc, "currency": "CNY", "kind": "reserve"}, cb)
        t.eq(st, 201, f"account {acc}")
    move = {"debit_account_id": "10", "credit_account_id": "11", "amount": "2.00", "currency": "CNY"}
    st, doc, _, resp = s.request("POST", "/v1/transfers", move, cb, headers={"Idempotency-Key": "500"})
    t.ok(st == 201 and doc["id"] == "500", "Idempotency-Key gives the transfer its id", str(doc))
    st, doc, _, resp = s.request("POST", "/v1/transfers", move, cb, headers={"Idempotency-Key": "500"})
    t.ok(st == 200 and doc["id"] == "500", "the same key again returns the first outcome", str((st, doc)))
    st, doc, _, resp = s.request("POST", "/v1/transfers", dict(move, id="500"), cb,
                                 headers={"Idempotency-Key": "500"})
    t.eq(st, 200, "key and body id agreeing is the same command")
    st, doc, _, resp = s.request("POST", "/v1/transfers", dict(move, id="501"), cb,
                                 headers={"Idempotency-Key": "502"})
    t.eq((st, doc and doc["code"]), (409, "idempotency_key_conflict"), "key and body id differing is 409")
    st, doc = s.get("/v1/transfers/501", cb)
    t.eq(st, 404, "and neither id was used")
    st, doc = s.get("/v1/accounts/11", cb)
    t.eq(doc["credits_posted"], "2.00", "one transfer of 2.00 in all")

    # A request id per request: made by the server, or the client's echoed; logged.
    st, doc, _, resp = s.request("GET", "/healthz")
    made = resp.getheader("X-Request-Id", "")
    st, doc, _, resp2 = s.request("GET", "/healthz")
    t.ok(re.fullmatch(r"[0-9a-f]{24}", made) and resp2.getheader("X-Request-Id") != made,
         "each answer carries its own request id", made)
    st, doc, _, resp = s.request("GET", "/v1/nothing-here", headers={"X-Request-Id": "trace-42.a_b"})
    t.eq(resp.getheader("X-Request-Id"), "trace-42.a_b", "a client's request id is echoed")
    st, doc, _, resp = s.request("GET", "/healthz", headers={"X-Request-Id": "bad id with spaces"})
    t.ok(re.fullmatch(r"[0-9a-f]{24}", resp.getheader("X-Request-Id", "")), "an unsafe request id is replaced")
    time.sleep(0.2)
    t.ok("request_id=trace-42.a_b" in s.log_tail(400), "the request id is in the request's log line")

    # Every error is problem+json.
    for method, path in (("GET", "/v1/nothing-here"), ("DELETE", "/healthz"), ("GET", "/v1/accounts/1"),
                         ("GET", "/v1/accounts?limit=0")):
        st, doc, payload, resp = s.request(method, path, token=cb if "limit" in path else None)
        t.ok(st >= 400 and resp.getheader("Content-Type", "").startswith("application/problem+json") and
             doc and doc.get("type", "").startswith("/docs/problems#"),
             f"{method} {path}: {st} is problem+json with a documented type", payload[:200])

    # Problem types resolve to an anchor in docs/problems.md for every code.
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "..", "..", "docs", "problems.md")) as f:
        anchors = set(re.findall(r'<a id="([a-z_]+)"></a>', f.read()))
    for code in ("uri_too_long", "headers_too_large", "path_invalid", "unsupported_media_type",
                 "idempotency_key_conflict", "body_too_large", "not_found", "streams_full", "cursor_invalid"):
        t.ok(code in anchors, f"docs/problems.md has an anchor for {code}")

    st, _, payload, resp = s.request("GET", "/docs/problems")
    t.ok(st == 200 and resp.getheader("Content-Type", "").startswith("text/markdown") and
         b'<a id="path_invalid"></a>' in payload, "the server serves /docs/problems, where the types point")

    # /metrics: process and build info.
    st, _, payload, resp = s.request("GET", "/metrics")
    text = payload.decode()
    for name in ("process_cpu_seconds_total", "process_resident_memory_bytes", "process_open_fds",
                 "process_start_time_seconds", "process_max_fds"):
        t.ok(re.search(rf"^{name} [0-9.e+]+$", text, re.M), f"/metrics has {name}")
    m = re.search(r"^process_start_time_seconds ([0-9.]+)$", text, re.M)
    t.ok(m and abs(float(m.group(1)) - time.time()) < 600, "the start time is recent (within 10 min)")
    t.ok(re.search(r'^szfin_build_info\{version="[^"]+",compiler="[^"]+"\} 1$', text, re.M), "szfin_build_info")
finally:
    s.cleanup()
t.done()
