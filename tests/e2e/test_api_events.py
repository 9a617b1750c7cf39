#!/usr/bin/env python3
"""test_api_events.py — GET /v1/events (issue 14): Server-Sent Events of
committed accounts and transfers against the real server. Events arrive
live on open streams; each stream sees what the API lets its token read
(operator: its tenant's accounts, and transfers with a side in its tenant;
regulator: all); a stream resumes from an event id given as Last-Event-ID
or ?after=, also after the server restarts on the same data directory; bad
cursors, anonymous callers and revoked tokens are refused; draining ends
open streams; a record whose log batch fails its checksum is never served. The wire format is the WHATWG HTML "Server-sent events"
section (event/id/data lines, blank line ends an event, ':' a comment).

Expected events are derived by hand from the scope rules above:
  accounts 11 (tenant 1, reserve), 12 (tenant 1, wallet), 21 (tenant 2);
  transfers 101: 11->12 1.00, 102: 11->12 2.50, 103: 11->21 0.07;
  operator 1 sees 11, 12, 101, 102, 103; operator 2 sees 21, 103;
  the regulator sees all six, in that order (accounts of a batch first)."""
import os
import re
import signal
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from api_harness import Server, Tap  # noqa: E402


class Stream:
    """One SSE connection on a raw socket (http.client cannot go on reading
    after a timeout); read() parses events until `count` or a quiet spell."""

    def __init__(self, server, token=None, last_id=None, query=""):
        self.sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
        head = f"GET /v1/events{query} HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n"
        if token:
            head += f"Authorization: Bearer {token}\r\n"
        if last_id is not None:
            head += f"Last-Event-ID: {last_id}\r\n"
        self.sock.sendall((head + "\r\n").encode())
        self.raw = b""      # undecoded bytes (chunked framing)
        self.text = b""     # decoded body bytes not yet parsed
        self.ended = False
        self.comments = 0
        self.retry = None
        while b"\r\n\r\n" not in self.raw:
            chunk = self.sock.recv(65536)
            if not chunk:
                break
            self.raw += chunk
        head, _, self.raw = self.raw.partition(b"\r\n\r\n")
        lines = head.decode().split("\r\n")
        self.status = int(lines[0].split()[1])
        hdrs = {k.strip().lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:])}
        self.ctype = hdrs.get("content-type", "")
        self.chunked = "chunked" in hdrs.get("transfer-encoding", "")

    def _decode(self):
        while self.chunked:
            size_line, sep, rest = self.raw.partition(b"\r\n")
            if not sep:
                return
            size = int(size_line.split(b";")[0], 16)
            if size == 0:
                self.ended = True
                return
            if len(rest) < size + 2:
                return
            self.text += rest[:size]
            self.raw = rest[size + 2:]
        if not self.chunked:
            self.text += self.raw
            self.raw = b""

    def _line(self, deadline):
        while b"\n" not in self.text:
            self._decode()
            if b"\n" in self.text:
                break
            if self.ended or time.time() >= deadline:
                return None
            self.sock.settimeout(max(0.01, deadline - time.time()))
            try:
                chunk = self.sock.recv(65536)
            except (socket.timeout, TimeoutError):
                return None
            except ConnectionResetError:
                chunk = b""
            if not chunk:
                self.ended = True
                self._decode()
                if b"\n" not in self.text:
                    return None
            self.raw += chunk
        line, _, self.text = self.text.partition(b"\n")
        return line.decode()

    def read(self, count=1000, quiet_s=2.0, max_s=60.0):
        """Events as dicts {event, id, data} until count arrived, the stream
        ended, nothing came for quiet_s, or max_s passed."""
        import json
        events, cur = [], {}
        end = time.time() + max_s
        while len(events) < count and time.time() < end:
            line = self._line(min(time.time() + quiet_s, end))
            if line is None:
                break
            if line == "":
                if "data" in cur:
                    cur["data"] = json.loads(cur["data"])
                    events.append(cur)
                cur = {}
            elif line.startswith(":"):
                self.comments += 1
            else:
                field, _, value = line.partition(":")
                value = value[1:] if value.startswith(" ") else value
                if field == "retry":
                    self.retry = int(value)
                else:
                    cur[field] = value
        return events

    def close(self):
        self.sock.close()


def names(events):
    out = []
    for e in events:
        d = e["data"]
        out.append(f"{e['event']}:{d.get('id', d.get('code'))}")
    return out


t = Tap()
s = Server().start()
try:
    cb = s.token("central_bank")
    op1 = s.token("operator", tenant=1)
    op2 = s.token("operator", tenant=2)
    rg = s.token("regulator")

    st, doc, _, resp = s.request("GET", "/v1/events")
    t.ok(st == 401 and doc and doc["code"] == "unauthorized", "anonymous: 401 unauthorized", f"{st} {doc}")
    for bad in ("abc", "1", "1.x", "999999.0", "0.999999", "-1.0"):
        st, doc, _, resp = s.request("GET", "/v1/events", token=rg, headers={"Last-Event-ID": bad})
        t.ok(st == 400 and doc and doc["code"] == "cursor_invalid"
             and resp.getheader("Content-Type", "").startswith("application/problem+json"),
             f"Last-Event-ID {bad!r}: 400 cursor_invalid problem+json", f"{st} {doc}")
    st, doc, _, _ = s.request("GET", "/v1/events?after=x", token=rg)
    t.eq((st, doc and doc["code"]), (400, "cursor_invalid"), "?after= is checked the same way")
    st, doc, _, _ = s.request("GET", "/v1/events?aftr=0.0", token=rg)
    t.eq((st, doc and doc["code"]), (400, "query_invalid"), "an unknown query parameter is refused")

    # Open streams first: what follows must arrive live.
    live = {name: Stream(s, tok) for name, tok in (("op1", op1), ("op2", op2), ("rg", rg))}
    for name, st_ in live.items():
        t.ok(st_.status == 200 and st_.ctype.startswith("text/event-stream"), f"{name}: 200 text/event-stream",
             f"{st_.status} {st_.ctype}")
    backlog = {name: st_.read(quiet_s=1.0) for name, st_ in live.items()}
    t.ok(live["rg"].retry == 3000, "the stream tells the client its reconnect delay (retry: 3000)")
    t.ok(all(e["event"] == "account" for e in backlog["rg"]),
         "before any ledger work a regulator sees at most the accounts set up at start",
         str(names(backlog["rg"])))

    def acct(token, id_, **kw):
        body = {"id": str(id_), "currency": "CNY"}
        body.update(kw)
        st, doc = s.post("/v1/accounts", body, token)
        t.eq(st, 201, f"account {id_}")

    def xfer(token, id_, debit, credit, amount):
        st, doc = s.post("/v1/transfers", {"id": str(id_), "debit_account_id": str(debit),
                                           "credit_account_id": str(credit), "amount": amount, "currency": "CNY"},
                         token)
        t.eq(st, 201, f"transfer {id_}")

    acct(op1, 11, kind="reserve")
    acct(op1, 12, kind="wallet", owner_id="77")
    acct(op2, 21, kind="wallet", owner_id="78")
    xfer(op1, 101, 11, 12, "1.00")
    xfer(op1, 102, 11, 12, "2.50")
    xfer(op1, 103, 11, 21, "0.07")

    want = {
        "op1": ["account:11", "account:12", "transfer:101", "transfer:102", "transfer:103"],
        "op2": ["account:21", "transfer:103"],
        "rg": ["account:11", "account:12", "account:21", "transfer:101", "transfer:102", "transfer:103"],
    }
    got = {}
    for name, st_ in live.items():
        got[name] = st_.read(count=len(want[name]), quiet_s=5.0)
        t.eq(names(got[name]), want[name], f"{name} sees its scope's events live, in commit order")
    rg_events = got["rg"]
    by_id = {e["data"]["id"]: e for e in rg_events}
    t.ok(by_id.get("102", {}).get("data", {}).get("amount") == "2.50"
         and by_id["102"]["data"].get("currency") == "CNY",
         "a transfer event carries the exact decimal amount string", str(by_id.get("102")))
    t.ok(all(e["data"].get("log_pos") for e in rg_events if e["event"] == "transfer"),
         "a transfer event names its record's log position")
    ids = [e["id"] for e in rg_events]
    t.ok(len(set(ids)) == len(ids) and all(len(i.split(".")) == 2 for i in ids),
         "every event has its own id of the form accounts.transfers", str(ids))

    # Resume: after transfer 101 only 102 and 103 follow, by header and by query.
    after_101 = by_id["101"]["id"]
    r1 = Stream(s, op1, last_id=after_101)
    t.eq(names(r1.read(quiet_s=1.5)), ["transfer:102", "transfer:103"], "Last-Event-ID resumes after that event")
    r1.close()
    r2 = Stream(s, rg, query="?after=" + after_101)
    t.eq(names(r2.read(quiet_s=1.5)), ["transfer:102", "transfer:103"], "?after= resumes the same way")
    r2.close()
    r3 = Stream(s, op2, last_id=rg_events[-1]["id"])
    t.eq(names(r3.read(quiet_s=1.5)), [], "resuming at the head gives nothing old")
    r3.close()

    # A revoked token's open stream ends with an error event.
    victim = s.post("/v1/tokens", {"role": "regulator", "name": "victim"}, s.admin)[1]
    vs = Stream(s, victim["token"], last_id=rg_events[-1]["id"])
    vs.read(quiet_s=0.5)
    st, doc, _, _ = s.request("DELETE", f"/v1/tokens/{victim['id']}", token=s.admin)
    t.eq(st, 200, "revoke a streaming token")
    ev = vs.read(quiet_s=5.0)
    t.ok(names(ev) == ["error:unauthorized"] and vs.read(quiet_s=2.0) == [] and vs.ended,
         "the revoked token's stream gets an unauthorized error event and ends", str(names(ev)))
    vs.close()

    # Restart: a stream open at SIGTERM ends; the same ids resume on the new process.
    for st_ in live.values():
        st_.close()
    held = Stream(s, rg, last_id=rg_events[-1]["id"])
    held.read(quiet_s=0.5)
    t0 = time.time()
    rc = s.stop(signal.SIGTERM)
    t.ok(rc == 0 and time.time() - t0 < 10, "SIGTERM with an open stream drains and exits 0",
         f"rc {rc} after {time.time() - t0:.1f}s")
    held.read(quiet_s=2.0)
    t.ok(held.ended, "the open stream was ended by the drain")
    held.close()
    s.start()
    r4 = Stream(s, op1, last_id=after_101)
    t.eq(names(r4.read(quiet_s=1.5)), ["transfer:102", "transfer:103"],
         "after a restart the same event id resumes at the same place")
    xfer(op1, 104, 11, 12, "0.01")
    t.eq(names(r4.read(count=1, quiet_s=5.0)), ["transfer:104"], "and new transfers arrive live on it")
    r4.close()
    st, _, payload, _ = s.request("GET", "/openapi.yaml")
    t.ok(b"\n  /v1/events:\n" in payload, "the OpenAPI document describes /v1/events")

    # Bounds, on a server of their own: at most 64 streams at once
    # (SZ_API_EVENT_STREAM_COUNT_MAX), the 65th is 503 streams_full; a quiet
    # stream gets a heartbeat comment every 15 s, which is also when a
    # stream whose client left is found and its slot freed.
    b = Server().start()
    try:
        brg = b.token("regulator")
        held = [Stream(b, brg) for _ in range(64)]
        t.ok(all(x.status == 200 for x in held), "64 streams are open at once",
             str(sorted({x.status for x in held})))
        st, doc, _, _ = b.request("GET", "/v1/events", token=brg)
        t.ok(st == 503 and doc and doc["code"] == "streams_full", "the 65th stream is refused 503 streams_full",
             f"{st} {doc}")
        for x in held[1:]:
            x.close()
        quiet = held[0]
        t.ok(quiet.read(quiet_s=17.0, max_s=17.0) == [] and quiet.comments >= 1,
             "a quiet stream gets a heartbeat comment", f"{quiet.comments} comments")
        # The heartbeat that finds the closed ones may come a little later on
        # a busy machine: try again for up to two more heartbeat periods.
        for _ in range(16):
            probe = Stream(b, brg)
            if probe.status == 200:
                break
            probe.close()
            time.sleep(2.0)
        t.eq(probe.status, 200, "the slots of streams whose clients left are free after their heartbeat")
        probe.close()
        quiet.close()
    finally:
        b.cleanup()
    # A record whose batch fails its checksum is never served: the stream
    # stops with a log_corrupt error event before it. The first transfer's
    # batch is pushed out of the reader's 8-batch cache by reading ten later
    # ones, then one byte of its record is flipped on disk.
    c = Server().start()
    try:
        cop = c.token("operator", tenant=1)
        crg = c.token("regulator")
        for id_, kind in (("11", "reserve"), ("12", "wallet")):
            c.post("/v1/accounts", {"id": id_, "currency": "CNY", "kind": kind}, cop)
        ids = [str(500 + k) for k in range(12)]
        for id_ in ids:
            st, _ = c.post("/v1/transfers", {"id": id_, "debit_account_id": "11", "credit_account_id": "12",
                                             "amount": "1.00", "currency": "CNY"}, cop)
            assert st == 201, st
        probe = Stream(c, crg, last_id="2.0")
        first = probe.read(count=1, quiet_s=5.0)
        probe.close()
        t.ok(len(first) == 1 and first[0]["data"]["id"] == ids[0], "the first transfer's event, with its log position",
             str(first))
        pos = int(first[0]["data"]["log_pos"])
        segment, offset = pos >> 40, pos & ((1 << 40) - 1)
        for id_ in ids[2:]:
            c.get(f"/v1/transfers/{id_}", crg)  # fills the reader's cache with other batches
        path = os.path.join(c.data_dir, "log", f"{segment:08d}.szl")
        with open(path, "r+b") as f:
            f.seek(offset + 8 + 48)  # inside the record's body (after its envelope and ids)
            b = f.read(1)
            f.seek(offset + 8 + 48)
            f.write(bytes([b[0] ^ 0x40]))
            f.flush()
            os.fsync(f.fileno())
        bad = Stream(c, crg, last_id="2.0")
        ev = bad.read(quiet_s=5.0)
        t.ok([e["event"] for e in ev] == ["error"] and ev[0]["data"]["code"] == "log_corrupt" and bad.ended,
             "a transfer whose batch fails its checksum ends the stream with log_corrupt, unserved", str(ev))
        bad.close()
        st, _, payload, _ = c.request("GET", "/metrics")
        t.ok(re.search(rb"szfin_log_read_corrupt_total [1-9]", payload) is not None,
             "the refused read is counted in /metrics")
    finally:
        c.cleanup()
finally:
    s.cleanup()
t.done()
