#!/usr/bin/env python3
"""test_cli_args.py — the szfin command line behaves like a Unix tool
(issue 14): misspelt or unknown options are errors that name the option
meant and send nothing; --help on every command prints help and exits 0
without running it; --version; missing values are errors; and the CLI never
picks up a token the user did not point it to (data/admin.token).

Expected outcomes are the behaviour the issue states (getopt_long
conventions: exit 2 on a usage error, 0 after --help), not output our code
produced."""
import datetime
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from api_harness import BIN, Server, Tap  # noqa: E402


def closed_port():
    """A loopback port nothing listens on: a command that ran would fail to connect (exit 3)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


def run(*args, url, token=None, token_file=None, cwd=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SZFIN_")}
    env["SZFIN_URL"] = url
    if token:
        env["SZFIN_TOKEN"] = token
    if token_file:
        env["SZFIN_TOKEN_FILE"] = token_file
    p = subprocess.run([BIN] + list(args), capture_output=True, text=True, env=env, timeout=60,
                       cwd=cwd or tempfile.gettempdir())
    return p.returncode, p.stdout, p.stderr


t = Tap()
s = Server().start()
live = f"http://127.0.0.1:{s.port}"
dead = f"http://127.0.0.1:{closed_port()}"
home = tempfile.mkdtemp(prefix="szfin-cli-home-")

try:
    # --help runs nothing: against a closed port a command that ran would exit 3.
    for words in (["status"], ["health"], ["metrics"], ["whoami"], ["account", "list"], ["transfer", "create"],
                  ["token", "create"], ["stats"], ["account"], ["transfer"]):
        rc, out, err = run(*(words + ["--help"]), url=dead)
        t.ok(rc == 0 and out.startswith("usage") and "szfin" in out and "Couldn't connect" not in err,
             f"{' '.join(words)} --help prints help, exits 0 and does not run", f"rc={rc}\n{out}{err}")
    rc, out, err = run("verify", "--help", "/nonexistent-dir", url=dead)
    t.ok(rc == 0 and out.startswith("usage: szfin verify") and "log:" not in out,
         "verify --help exits 0 and checks nothing", f"rc={rc}\n{out}{err}")
    rc, out, err = run("verify", "--replay", url=dead)
    t.ok(rc == 2 and "usage" in err, "verify without a directory is a usage error (2)", f"rc={rc}\n{err}")
    rc, out, err = run("verify", "/nonexistent-dir", url=dead)
    t.ok(rc == 1 and "MISSING" in out and "intact" not in out,
         "verify of a directory that does not exist fails (it used to say 'hash chain intact')", f"rc={rc}\n{out}{err}")
    rc, out, err = run("--version", url=dead)
    t.ok(rc == 0 and out.startswith("szfin ") and len(out.split()) == 2, "--version", out + err)

    cb_file = os.path.join(home, "cb.token")
    rc, out, err = run("token", "create", "--role", "central_bank", "--json", url=live,
                       token_file=os.path.join(s.data_dir, "admin.token"))
    with open(cb_file, "w") as f:
        f.write(json.loads(out)["token"])
    for account in ("1", "2"):
        rc, out, err = run("account", "create", "--id", account, "--currency", "CNY", "--owner", "9",
                           "--kind", "reserve" if account == "1" else "wallet", url=live, token_file=cb_file)
        t.ok(rc == 0, f"account {account} created", out + err)

    # --limt 1: today every row came back; now an error naming --limit, and nothing printed on stdout.
    rc, out, err = run("account", "list", "--owner", "9", "--limt", "1", url=live, token_file=cb_file)
    t.ok(rc == 2 and "--limt" in err and "did you mean --limit?" in err and out == "",
         "--limt is an error that names --limit", f"rc={rc}\n{out}{err}")
    rc, out, err = run("account", "list", "--owner", "9", "--lim", "1", url=live, token_file=cb_file)
    t.ok(rc == 2 and "did you mean --limit?" in err, "an abbreviation is not taken for the option", err)
    rc, out, err = run("account", "list", "--owner", "9", "--output", "json", url=live, token_file=cb_file)
    t.ok(rc == 2 and "unknown option '--output'" in err and out == "", "--output json is an error, not a table",
         f"rc={rc}\n{out}{err}")
    rc, out, err = run("account", "list", "--owner", "9", "--jsno", url=live, token_file=cb_file)
    t.ok(rc == 2 and "did you mean --json?" in err, "--jsno suggests --json", err)
    rc, out, err = run("account", "list", "--owner", "9", "--limit", "1", "--json", url=live, token_file=cb_file)
    t.ok(rc == 0 and len(json.loads(out)["accounts"]) == 1, "--limit 1 answers one row", out + err)

    # transfer create with a wrong flag: refused before anything is sent.
    rc, out, err = run("transfer", "create", "--id", "50", "--from", "1", "--to", "2", "--amount", "3.00",
                       "--currency", "CNY", "--debit-account-id", "99", url=live, token_file=cb_file)
    t.ok(rc == 2 and "--debit-account-id" in err, "transfer create --debit-account-id refuses", f"rc={rc}\n{err}")
    rc, out, err = run("transfer", "get", "50", url=live, token_file=cb_file)
    t.ok(rc == 1 and "not_found" in err, "and the transfer does not exist", f"rc={rc}\n{out}{err}")
    rc, out, err = run("account", "get", "2", "--json", url=live, token_file=cb_file)
    t.eq(json.loads(out).get("credits_posted"), "0.00", "and account 2 received nothing")
    # Times for people in RFC 3339 (UTC), raw nanoseconds only behind --json; Python's datetime is the
    # independent conversion.
    rc, out, err = run("transfer", "create", "--id", "51", "--from", "1", "--to", "2", "--amount", "3.00",
                       "--currency", "CNY", url=live, token_file=cb_file)
    rc, out, err = run("transfer", "get", "51", "--json", url=live, token_file=cb_file)
    ns = int(json.loads(out)["timestamp_ns"])
    want = datetime.datetime.fromtimestamp(ns // 10**9, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    want += ".%09dZ" % (ns % 10**9)
    rc, out, err = run("transfer", "get", "51", url=live, token_file=cb_file)
    line = [x for x in out.splitlines() if x.startswith("timestamp ")]
    t.ok(rc == 0 and line and line[0].split()[1] == want and str(ns) not in out,
         "transfer get prints its time in RFC 3339, not nanoseconds", f"want {want}\n{out}")
    rc, out, err = run("transfer", "list", "--account", "2", "--json", url=live, token_file=cb_file)
    t.eq(rc == 0 and [x["id"] for x in json.loads(out)["transfers"]], ["51"], "transfer list --account")
    rc, out, err = run("transfer", "post", "12", "--id", url=live, token_file=cb_file)
    t.ok(rc == 2 and "'--id' needs a value" in err, "a missing value is an error naming the option", err)
    rc, out, err = run("transfer", "get", url=live, token_file=cb_file)
    t.ok(rc == 2 and "expected 1 argument" in err, "a missing id is a usage error", err)
    rc, out, err = run("acount", "list", url=dead)
    t.ok(rc == 2 and "did you mean 'account'?" in err, "an unknown command suggests the nearest", err)
    rc, out, err = run("account", "lst", url=dead)
    t.ok(rc == 2 and "did you mean 'list'?" in err, "an unknown action suggests the nearest", err)

    # No silent admin: a data/admin.token in the working directory is never used unasked.
    os.makedirs(os.path.join(home, "data"))
    shutil.copy(os.path.join(s.data_dir, "admin.token"), os.path.join(home, "data", "admin.token"))
    rc, out, err = run("whoami", url=live, cwd=home)
    t.ok(rc == 1 and "admin" not in out, "with no token named, data/admin.token is not picked up",
         f"rc={rc}\n{out}{err}")
    rc, out, err = run("whoami", "--token-file", "data/admin.token", url=live, cwd=home)
    t.ok(rc == 0 and "admin" in out, "--token-file points to it explicitly", out + err)

    # bash completion: the words come from the binary's own --help.
    script = os.path.join(os.path.dirname(__file__), "..", "..", "share", "completion", "szfin.bash")

    def complete(*words):
        cmd = (f'source "{script}"; COMP_WORDS=("{BIN}" ' + " ".join(f'"{w}"' for w in words) +
               f'); COMP_CWORD={len(words)}; _szfin; echo "${{COMPREPLY[*]}}"')
        return subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, timeout=60).stdout.split()
    t.eq(complete("acc"), ["account"], "bash completion: a command")
    t.eq(complete("account", "hi"), ["history"], "bash completion: an action")
    t.eq(complete("account", "list", "--li"), ["--limit"], "bash completion: an option")
    t.ok(os.path.exists(os.path.join(os.path.dirname(script), "_szfin")), "a zsh completion file ships beside it")
finally:
    s.cleanup()
    shutil.rmtree(home, ignore_errors=True)
t.done()
