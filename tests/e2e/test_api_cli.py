#!/usr/bin/env python3
"""test_api_cli.py — the szfin client subcommands against a real server:
every API operation through the CLI, human and --json output, exit codes,
the token taken from the environment or a file and refused on argv, and a
short `szfin load` run in both modes."""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from api_harness import BIN, Server, Tap  # noqa: E402

t = Tap()
s = Server().start()


def cli(*args, token=None, token_file=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SZFIN_")}
    env["SZFIN_URL"] = f"http://127.0.0.1:{s.port}"
    if token:
        env["SZFIN_TOKEN"] = token
    if token_file:
        env["SZFIN_TOKEN_FILE"] = token_file
    p = subprocess.run([BIN] + list(args), capture_output=True, text=True, env=env, timeout=120,
                       cwd=tempfile.gettempdir())
    return p.returncode, p.stdout, p.stderr


def js(out):
    try:
        return json.loads(out)
    except ValueError:
        return None


try:
    admin_file = os.path.join(s.data_dir, "admin.token")
    rc, out, err = cli("whoami", token_file=admin_file)
    t.ok(rc == 0 and "admin" in out, "whoami with the token file", out + err)
    rc, out, err = cli("token", "create", "--role", "central_bank", "--name", "cli", "--json", token_file=admin_file)
    cb = (js(out) or {}).get("token")
    t.ok(rc == 0 and cb and cb.startswith("szfin_"), "token create --json answers the token once")
    rc, out, err = cli("token", "create", "--role", "operator", "--tenant", "1", "--json", token_file=admin_file)
    op = (js(out) or {}).get("token")
    rc, out, err = cli("whoami", "--token", cb)
    t.ok(rc == 2 and "not taken from the command line" in err, "a token on argv is refused")
    rc, out, err = cli("account", "create", "--id", "1", "--currency", "CNY", "--kind", "reserve", token=cb)
    t.ok(rc == 0 and "reserve" in out, "account create (human output)", out + err)
    rc, out, err = cli("account", "create", "--id", "2", "--currency", "CNY", "--owner", "9",
                       "--flags", "debits_must_not_exceed_credits", "--json", token=op)
    doc = js(out)
    t.ok(rc == 0 and doc and doc["tenant_id"] == "1", "account create --json", out + err)
    rc, out, err = cli("transfer", "create", "--id", "10", "--from", "1", "--to", "2", "--amount", "12.50",
                       "--currency", "CNY", token=cb)
    t.ok(rc == 0 and "12.50" in out, "transfer create", out + err)
    rc, out, err = cli("transfer", "create", "--id", "11", "--from", "2", "--to", "1", "--amount", "99.00",
                       "--currency", "CNY", token=op)
    t.ok(rc == 1 and "exceeds_credits" in err, "a refused transfer exits 1 with the problem code", err)
    rc, out, err = cli("transfer", "create", "--id", "12", "--from", "2", "--to", "1", "--amount", "5.00",
                       "--currency", "CNY", "--pending", "--timeout", "600", token=op)
    t.ok(rc == 0 and "pending" in out, "pending transfer", out + err)
    rc, out, err = cli("transfer", "post", "12", "--id", "13", "--amount", "2.00", token=op)
    t.ok(rc == 0 and "2.00" in out, "post", out + err)
    rc, out, err = cli("transfer", "create", "--id", "14", "--from", "2", "--to", "1", "--amount", "1.00",
                       "--currency", "CNY", "--pending", token=op)
    rc, out, err = cli("transfer", "void", "14", "--id", "15", token=op)
    t.ok(rc == 0 and "void" in out, "void", out + err)
    rc, out, err = cli("transfer", "get", "12", "--json", token=op)
    t.eq((rc, (js(out) or {}).get("status")), (0, "pending_posted"), "transfer get --json")
    batch = os.path.join(s.data_dir, "batch.json")
    with open(batch, "w") as f:
        json.dump([{"id": str(20 + i), "debit_account_id": "1", "credit_account_id": "2", "amount": "1.00",
                    "currency": "CNY"} for i in range(3)], f)
    rc, out, err = cli("transfer", "batch", batch, "--linked", "--json", token=cb)
    t.eq((rc, (js(out) or {}).get("ok_count")), (0, 3), "transfer batch --linked")
    rc, out, err = cli("account", "get", "2", token=op)
    t.ok(rc == 0 and "credits_posted" in out and "15.50" in out, "account get shows balances", out)
    rc, out, err = cli("account", "history", "2", "--limit", "2", "--json", token=op)
    doc = js(out)
    t.ok(rc == 0 and doc and len(doc["transfers"]) == 2 and doc["next_cursor"], "history --limit with a cursor")
    rc, out, err = cli("account", "history", "2", "--limit", "2", "--cursor", doc["next_cursor"], token=op)
    t.ok(rc == 0 and "transfers:" in out, "history next page (table output)", out + err)
    rc, out, err = cli("account", "list", "--owner", "9", token=op)
    t.ok(rc == 0 and "2" in out, "account list --owner", out + err)
    for action in ("freeze", "unfreeze"):
        rc, out, err = cli("account", action, "2", token=op)
        t.eq(rc, 0, f"account {action}")
    rc, out, err = cli("account", "get", "999", token=op)
    t.ok(rc == 1 and "account_not_found" in err, "unknown account exits 1")
    rc, out, err = cli("token", "list", token_file=admin_file)
    t.ok(rc == 0 and "central_bank" in out, "token list", out + err)
    rc, out, err = cli("token", "create", "--role", "auditor", "--json", token_file=admin_file)
    aud = js(out)
    rc, out, err = cli("token", "role", aud["id"], "--role", "regulator", token_file=admin_file)
    t.ok(rc == 0 and "regulator" in out, "token role", out + err)
    rc, out, err = cli("token", "revoke", aud["id"], token_file=admin_file)
    t.eq(rc, 0, "token revoke")
    rc, out, err = cli("status")
    t.ok(rc == 0 and "accounts" in out, "status (no token needed)")
    rc, out, err = cli("health")
    t.ok(rc == 0 and "ok" in out, "health")
    rc, out, err = cli("metrics")
    t.ok(rc == 0 and "szfin_http_requests_total" in out, "metrics")
    rc, out, err = cli("account")
    t.eq(rc, 2, "usage errors exit 2")
    rc, out, err = cli("load", "--seconds", "1", "--concurrency", "4", "--accounts", "100", "--json",
                       token_file=admin_file)
    doc = js(out)
    t.ok(rc == 0 and doc and doc["requests"] > 0 and doc["failed"] == 0 and doc["p99_ms"] > 0,
         "load: single JSON transfers", out + err)
    rc, out, err = cli("load", "--seconds", "1", "--concurrency", "2", "--batch", "1000", "--accounts", "100",
                       "--json", token_file=admin_file)
    doc = js(out)
    t.ok(rc == 0 and doc and doc["transfers_per_s"] > doc["requests_per_s"], "load: binary batches", out + err)
    t.ok("WARNING" in err and "already holds" in err, "load warns before writing into a live ledger", err)
    rc, out, err = cli("load", "--seconds", "1", "--concurrency", "1", "--accounts", "2", "--prefix", "77",
                       "--yes", "--json", token_file=admin_file)
    first = str(77 * 2**64 + 10**9)  # id = prefix (high 64 bits) * 2^64 + 10^9 + index, as load.c documents
    rc2, out2, err2 = cli("account", "get", first, "--json", token_file=admin_file)
    t.ok(rc == 0 and rc2 == 0 and (js(out2) or {}).get("id") == first, "load --prefix keeps its ids apart",
         out + err + out2 + err2)
    rc, out, err = cli("load", "--prefix", "0", token_file=admin_file)
    t.ok(rc == 2 and "--prefix" in err, "load --prefix 0 is refused", err)
    os.environ.pop("SZFIN_URL", None)
    p = subprocess.run([BIN, "status"], capture_output=True, text=True,
                       env={"SZFIN_URL": "http://127.0.0.1:1", "PATH": os.environ.get("PATH", "")})
    t.eq(p.returncode, 3, "an unreachable server exits 3")
finally:
    s.stop()
    s.cleanup()
t.done()
