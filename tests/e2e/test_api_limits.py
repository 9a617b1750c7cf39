#!/usr/bin/env python3
"""test_api_limits.py — every API limit on both sides (at the limit:
accepted; one past: a clear error): body size, JSON batch size, JSON depth,
binary batch records, connections, idle time; plus malformed requests and
slow clients. The server runs with small configured limits so the tests are
quick; the binary batch uses the compiled-in maximum (8190 records)."""
import os
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from api_harness import Server, Tap  # noqa: E402

t = Tap()
s = Server("--body-size-max", "1024", "--batch-count-max", "3", "--json-depth-max", "4",
           "--idle-timeout-s", "1").start()


def raw_exchange(data, wait_s=2.0):
    sock = socket.create_connection(("127.0.0.1", s.port), timeout=wait_s)
    sock.sendall(data)
    chunks = []
    try:
        while True:
            b = sock.recv(65536)
            if not b:
                break
            chunks.append(b)
            if b"\r\n\r\n" in b"".join(chunks):
                head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
                length = [int(l.split(b":")[1]) for l in head.split(b"\r\n") if l.lower().startswith(b"content-length:")]
                if length and len(body) >= length[0]:
                    break
    except socket.timeout:
        pass
    sock.close()
    return b"".join(chunks)


try:
    cb = s.token("central_bank")
    for i in (1, 2):
        s.post("/v1/accounts", {"id": str(i), "currency": "CNY"}, cb)

    # body size
    def padded(n):
        base = b'{"id":"10","currency":"CNY"}'
        return base[:-1] + b" " * (n - len(base)) + b"}"
    st, doc, _, _ = s.request("POST", "/v1/accounts", raw=padded(1024), token=cb, content_type="application/json")
    t.eq(st, 201, "body of exactly body_size_max bytes is accepted")
    st, doc, _, _ = s.request("POST", "/v1/accounts", raw=padded(1025), token=cb, content_type="application/json")
    t.eq((st, doc and doc["code"]), (413, "body_too_large"), "one byte more: 413 body_too_large")
    reply = raw_exchange(b"POST /v1/accounts HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + cb.encode() +
                         b"\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" +
                         b"".join(b"100\r\n" + b" " * 256 + b"\r\n" for _ in range(5)) + b"0\r\n\r\n")
    t.ok(b" 413 " in reply.split(b"\r\n")[0] and b"body_too_large" in reply, "chunked body past the limit: 413",
         reply[:200])

    # JSON batch size
    def items(n, base):
        return [{"id": str(base + i), "debit_account_id": "1", "credit_account_id": "2", "amount": "1",
                 "currency": "CNY"} for i in range(n)]
    st, doc = s.post("/v1/transfers/batch", {"transfers": items(3, 100)}, cb)
    t.eq((st, doc and doc["ok_count"]), (200, 3), "batch of batch_count_max transfers is accepted")
    st, doc = s.post("/v1/transfers/batch", {"transfers": items(4, 200)}, cb)
    t.eq((st, doc and doc["code"]), (413, "batch_too_large"), "one more: 413 batch_too_large")

    # JSON depth (limit 4)
    st, doc, _, _ = s.request("POST", "/v1/transfers/batch", raw=b'{"transfers":[{"id":{"a":1}}]}', token=cb,
                              content_type="application/json")
    t.ok(st == 400 and doc["code"] != "json_too_deep", "depth 4 is parsed (then refused for its content)", str(doc))
    st, doc, _, _ = s.request("POST", "/v1/transfers/batch", raw=b'{"transfers":[{"id":{"a":[1]}}]}', token=cb,
                              content_type="application/json")
    t.eq((st, doc and doc["code"]), (400, "json_too_deep"), "depth 5: json_too_deep")

    # malformed requests
    for name, body in [("invalid JSON", b'{"id":'), ("duplicate keys", b'{"id":"1","id":"2","currency":"CNY"}'),
                       ("array body", b'[1]'), ("trailing garbage", b'{"id":"9","currency":"CNY"} x')]:
        st, doc, _, _ = s.request("POST", "/v1/accounts", raw=body, token=cb, content_type="application/json")
        t.eq((st, doc and doc["code"]), (400, "invalid_json"), f"{name}: invalid_json")
    st, doc, _, _ = s.request("POST", "/v1/accounts", raw=b"", token=cb, content_type="application/json")
    t.eq((st, doc and doc["code"]), (400, "body_required"), "empty body: body_required")
    st, doc, _, _ = s.request("POST", "/v1/accounts", raw=b'{"id":"9","currency":"CNY"}', token=cb,
                              content_type="text/plain")
    t.eq((st, doc and doc["code"]), (415, "unsupported_media_type"), "wrong content type: 415")
    reply = raw_exchange(b"\x16\x03\x01\x00\xa5garbage\r\n\r\n")
    t.ok(reply == b"" or b" 400 " in reply.split(b"\r\n")[0], "garbage request line: 400 or closed", reply[:100])
    reply = raw_exchange(b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + b"X-Long: " + b"a" * 70000 + b"\r\n\r\n")
    t.ok(reply == b"" or reply.split(b" ")[1] in (b"400", b"413", b"431"), "huge header refused", reply[:100])

    # binary records: 8190 accepted, 8191 refused
    cny = ord("C") | ord("N") << 8 | ord("Y") << 16
    def rec(i):
        return struct.pack("<QQQQQQQQQQQQIIHH20x", 100000 + i, 7, 1, 0, 2, 0, 0, 0, 0, 0, 1, 0, 0, cny, 0, 0)
    big = b"".join(rec(i) for i in range(8190))
    s2 = Server().start()
    try:
        cb2 = s2.token("central_bank")
        for i in (1, 2):
            s2.post("/v1/accounts", {"id": str(i), "currency": "CNY"}, cb2)
        st, _, payload, _ = s2.request("POST", "/v1/binary/transfers", raw=big, token=cb2,
                                       content_type="application/octet-stream")
        t.ok(st == 200 and payload == b"\0" * (8190 * 4), "binary batch of 8190 records is accepted", f"{st} {payload[:80]}")
        st, doc, _, _ = s2.request("POST", "/v1/binary/transfers", raw=big + rec(9000), token=cb2,
                                   content_type="application/octet-stream")
        t.eq((st, doc and doc["code"]), (413, "body_too_large"), "8191 records: 413")
        st, doc, _, _ = s2.request("POST", "/v1/binary/transfers", raw=b"", token=cb2,
                                   content_type="application/octet-stream")
        t.eq((st, doc and doc["code"]), (400, "batch_empty"), "empty binary batch: 400")
    finally:
        s2.stop()
        s2.cleanup()

    # connections: 6 allowed; a 7th waits unaccepted until one closes
    s3 = Server("--connection-count-max", "6").start()
    try:
        socks = []
        for i in range(6):
            c = socket.create_connection(("127.0.0.1", s3.port), timeout=2)
            c.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            socks.append(c)
        answered = sum(1 for c in socks if c.recv(4096).startswith(b"HTTP/1.1 200"))
        t.eq(answered, 6, "connection_count_max connections are served")
        extra = socket.create_connection(("127.0.0.1", s3.port), timeout=1)
        extra.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        try:
            got = extra.recv(4096)
        except socket.timeout:
            got = b"(waiting)"
        t.eq(got, b"(waiting)", "one connection more is not served while the others are open")
        socks.pop().close()
        extra.settimeout(5)
        try:
            got = extra.recv(4096)
        except socket.timeout:
            got = b""
        t.ok(got.startswith(b"HTTP/1.1 200"), "it is served as soon as a connection closes", got[:40])
        extra.close()
        for c in socks:
            c.close()
    finally:
        s3.stop()
        s3.cleanup()

    # idle time (1 s): an idle connection is closed; a slow client is cut off; a live one is served
    idle = socket.create_connection(("127.0.0.1", s.port), timeout=5)
    t0 = time.time()
    got = idle.recv(10)
    t.ok(got == b"" and 0.5 < time.time() - t0 < 4.5, "an idle connection is closed after idle_timeout_s",
         f"{time.time() - t0:.1f}s {got!r}")
    idle.close()
    slow = socket.create_connection(("127.0.0.1", s.port), timeout=5)
    slow.sendall(b"GET /healthz HTTP/1.1\r\nHo")
    t0 = time.time()
    got = slow.recv(10)
    t.ok(got == b"" and time.time() - t0 < 4.5, "a client that stalls mid-request is disconnected")
    slow.close()
    live = socket.create_connection(("127.0.0.1", s.port), timeout=5)
    for part in (b"GET /healthz HTTP/1.1\r\n", b"Host: x\r\n", b"\r\n"):
        live.sendall(part)
        time.sleep(0.5)
    t.ok(live.recv(4096).startswith(b"HTTP/1.1 200"), "a slow client within the idle time is served")
    live.close()
    st, doc = s.get("/healthz")
    t.eq(st, 200, "the server is healthy after all of that")
finally:
    rc = s.stop()
    t.eq(rc, 0, "SIGTERM exits 0")
    s.cleanup()
t.done()
