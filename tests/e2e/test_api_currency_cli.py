#!/usr/bin/env python3
"""test_api_currency_cli.py — the command line of `szfin currency` (one option
table per group, src/cli/args.h) against the real server: a misspelt option
or group is refused with exit 2 and a "did you mean", before any request, so
nothing changes; --help prints the group's usage and options on stdout, exits
0 and runs nothing; the same command spelt right does what it says."""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from api_harness import BIN, Server, Tap  # noqa: E402

t = Tap()
s = Server().start()


def cli(token, *args):
    env = dict(os.environ, SZFIN_URL=f"http://127.0.0.1:{s.port}", SZFIN_TOKEN=token)
    return subprocess.run([BIN, "currency"] + list(args), capture_output=True, text=True, timeout=30, env=env)


try:
    cb = s.token("central_bank", name="pboc")
    create = ["operator", "create", "--id", "1001", "--tenant-id", "1", "--type", "bank"]

    out = cli(cb, *create, "--nmae", "Futian Bank")
    t.ok(out.returncode == 2 and "unknown option '--nmae'" in out.stderr and "did you mean --name?" in out.stderr
         and out.stdout == "", "a misspelt option: exit 2, did you mean --name?", (out.returncode, out.stderr))
    out = cli(cb, *create, "--name", "Futian Bank", "--help")
    t.ok(out.returncode == 0 and out.stdout.startswith("usage: szfin currency operator create")
         and "--rate-ppm PPM" in out.stdout and "-h, --help" in out.stdout,
         "--help prints the group's usage and options on stdout and exits 0", (out.returncode, out.stdout[:300]))
    st, doc = s.get("/v1/operators/1", cb)
    t.eq(st, 404, "neither the misspelt command nor the one with --help created the operator")

    out = cli(cb, "walet", "get", "10001")
    t.ok(out.returncode == 2 and "did you mean 'wallet'?" in out.stderr, "a misspelt group: did you mean 'wallet'?",
         (out.returncode, out.stderr))
    out = cli(cb, "--json", "operator", "get", "1", "--url")
    t.ok(out.returncode == 2 and "needs a value" in out.stderr, "an option without its value is refused",
         (out.returncode, out.stderr))
    out = cli(cb, "wallet", "pay", "10001", "--id", "1", "--to-bank")
    t.ok(out.returncode == 2 and "unknown option '--to-bank'" in out.stderr,
         "an option of another group (contract spend's --to-bank) is unknown to wallet", (out.returncode, out.stderr))
    out = cli(cb, "--help")
    t.ok(out.returncode == 0 and "fiscal   disburse|report|collect|receipt" in out.stdout,
         "szfin currency --help lists the groups on stdout, exit 0", (out.returncode, out.stdout[:200]))
    out = cli(cb)
    t.ok(out.returncode == 2 and "usage: szfin currency GROUP" in out.stderr, "no group: usage on stderr, exit 2",
         (out.returncode, out.stderr[:200]))

    out = cli(cb, "--json", *create, "--name", "Futian Bank")
    doc = json.loads(out.stdout) if out.returncode == 0 else {}
    t.ok(doc.get("tenant_id") == "1" and doc.get("type") == "bank" and doc.get("name") == "Futian Bank",
         "spelt right, the same command registers the operator", (out.returncode, out.stdout, out.stderr))
    out = cli(cb, "--json", "operator", "rates", "1", "--id", "1311", "--version", "1", "--rate-ppm", "3500",
              "--effective-from-ns", "1")
    t.ok(out.returncode != 0 and "rate_invalid" in out.stdout + out.stderr,
         "values are the server's to judge: a rate in the past is its rate_invalid", (out.returncode, out.stdout))
    t.eq(s.stop(), 0, "the server stops cleanly")
finally:
    s.cleanup()
t.done()
