"""api_harness.py — shared helpers of the tests/e2e/test_api_*.py suites.

Starts the real szfin binary (env SZFIN_BIN) on an ephemeral loopback port
with a temporary data directory, sends HTTP requests with http.client, and
prints TAP lines. Python 3 standard library only.
"""
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def uscc(body17):
    """GB 32100-2015: the 18th character of a unified social credit code, from
    weights 3^i mod 31 over the first 17: check = (31 - sum mod 31) mod 31."""
    total = sum(USCC_ALPHABET.index(ch) * pow(3, i, 31) for i, ch in enumerate(body17))
    return body17 + USCC_ALPHABET[(31 - total % 31) % 31]


def wait_out_cst_midnight(margin_s=120):
    """Same-day and same-month figures use the China Standard Time day (midnight =
    16:00 UTC): a test that started just before it would see its transfers on two
    days (or months), so it waits the boundary out."""
    to_midnight = (16 * 3600 - time.time() % 86400) % 86400
    if to_midnight < margin_s:
        time.sleep(to_midnight + 1)


ROOT = os.environ.get("SZFIN_ROOT", os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
BIN = os.environ.get("SZFIN_BIN", os.path.join(ROOT, "build", "release", "szfin"))


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, name, detail=""):
        self.n += 1
        if cond:
            print(f"ok {self.n} - {name}", flush=True)
        else:
            self.failed += 1
            print(f"not ok {self.n} - {name}", flush=True)
            if detail:
                for line in str(detail).splitlines()[:20]:
                    print(f"#   {line}", flush=True)
        return cond

    def eq(self, got, want, name):
        return self.ok(got == want, name, f"got {got!r}, want {want!r}")

    def done(self):
        print(f"1..{self.n}", flush=True)
        sys.exit(1 if self.failed else 0)


class Server:
    def __init__(self, *args, data_dir=None, env=None):
        self.own_dir = data_dir is None
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="szfin-e2e-")
        self.args = list(args)
        self.env = dict(os.environ, **(env or {}))
        self.proc = None
        self.port = None
        self.log_path = os.path.join(tempfile.gettempdir(), f"szfin-e2e-{os.getpid()}-{id(self)}.log")

    def start(self, timeout_s=20):
        port_file = os.path.join(self.data_dir + ".port")
        if os.path.exists(port_file):
            os.unlink(port_file)
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([BIN, "serve", "--data-dir", self.data_dir, "--listen", "127.0.0.1:0",
                                      "--port-file", port_file, "--web-dir", os.path.join(ROOT, "web")] + self.args,
                                     stdout=self.log, stderr=self.log, env=self.env)
        deadline = time.time() + timeout_s
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited {self.proc.returncode}: {self.log_tail()}")
            if os.path.exists(port_file):
                with open(port_file) as f:
                    text = f.read().strip()
                if text:
                    self.port = int(text)
                    if self.get("/readyz")[0] == 200:
                        self.admin = self.read_admin_token()
                        return self
            time.sleep(0.02)
        raise RuntimeError("server did not become ready: " + self.log_tail())

    def read_admin_token(self):
        with open(os.path.join(self.data_dir, "admin.token")) as f:
            return f.read().strip()

    def log_tail(self, n=20):
        try:
            with open(self.log_path, "rb") as f:
                return b"".join(f.readlines()[-n:]).decode(errors="replace")
        except OSError:
            return ""

    def stop(self, sig=signal.SIGTERM, timeout_s=30):
        if self.proc is None:
            return None
        self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(timeout_s)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        self.proc = None
        self.log.close()
        return rc

    def cleanup(self):
        if self.proc is not None:
            self.stop(signal.SIGKILL)
        if self.own_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)
            try:
                os.unlink(self.log_path)
            except OSError:
                pass
        try:
            os.unlink(self.data_dir + ".port")
        except OSError:
            pass

    def conn(self, timeout=30):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def request(self, method, path, body=None, token=None, headers=None, raw=None, content_type=None, conn=None):
        c = conn or self.conn()
        h = dict(headers or {})
        if token:
            h["Authorization"] = "Bearer " + token
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
            h.setdefault("Content-Type", "application/json")
        if content_type:
            h["Content-Type"] = content_type
        try:
            c.request(method, path, body=data, headers=h)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered (e.g. 413) and closed before the whole body was sent
        resp = c.getresponse()
        payload = resp.read()
        doc = None
        ctype = resp.getheader("Content-Type", "")
        if "json" in ctype and payload:
            try:
                doc = json.loads(payload)
            except ValueError:
                doc = None
        if conn is None:
            c.close()
        return resp.status, doc, payload, resp

    def get(self, path, token=None):
        try:
            status, doc, _, _ = self.request("GET", path, token=token)
            return status, doc
        except (ConnectionError, OSError):
            return 0, None

    def post(self, path, body, token=None):
        status, doc, _, _ = self.request("POST", path, body=body, token=token)
        return status, doc

    def token_doc(self, role, tenant=None, owner=None, name="e2e"):
        """A new token of a role (POST /v1/tokens as admin): the whole answer (token, id, ...)."""
        body = {"role": role, "name": name}
        if tenant is not None:
            body["tenant_id"] = str(tenant)
        if owner is not None:
            body["owner_id"] = str(owner)
        status, doc = self.post("/v1/tokens", body, self.admin)
        if status != 201:
            raise RuntimeError(f"token create {role}: {status} {doc}")
        return doc

    def token(self, role, tenant=None, owner=None, name="e2e"):
        return self.token_doc(role, tenant, owner, name)["token"]


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port
