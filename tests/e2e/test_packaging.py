"""test_packaging.py — what an operator deploys: make install, the example
settings, the systemd unit, the monitoring files and the Containerfile.

- `make install PREFIX=...` puts the binary, share/, the web page and the API
  reference where the installed binary finds them without being told;
- the example szfin.ini names every setting `szfin serve --help` lists, with
  the same default, and the server starts from it;
- `--segment-size-mib` preallocates segments of that size (the demo uses a
  small one);
- every metric the Prometheus rules and the Grafana dashboard use is served on
  /metrics (process_* metrics come from the process block of /metrics);
- the systemd unit passes `systemd-analyze verify` (where systemd is present);
- the Containerfile's run-time packages exist in Debian 12.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from api_harness import BIN, ROOT, Tap  # noqa: E402

t = Tap()
tmp = tempfile.mkdtemp(prefix="szfin-pkg-")
prefix = os.path.join(tmp, "usr")


def install():
    mode = os.path.basename(os.path.dirname(BIN))
    r = subprocess.run(["make", "--no-print-directory", "-C", ROOT, "install", f"PREFIX={prefix}",
                        f"BUILD=build/{mode}"], capture_output=True, text=True)
    t.ok(r.returncode == 0, "make install PREFIX=... succeeds", r.stderr[-2000:])
    for rel in ["bin/szfin", "share/szfin/web/index.html", "share/szfin/docs/openapi.yaml",
                "share/szfin/green", "share/szfin/currency", "lib/systemd/system/szfin.service",
                "share/doc/szfin/szfin.ini.example", "share/doc/szfin/prometheus-alerts.yml",
                "share/doc/szfin/grafana-dashboard.json"]:
        t.ok(os.path.exists(os.path.join(prefix, rel)), f"installed {rel}")


def help_options():
    out = subprocess.run([BIN, "serve", "--help"], capture_output=True, text=True).stdout
    opts = {}
    for line in out.splitlines():
        m = re.match(r"\s+--([a-z0-9-]+)\s+SZFIN_\S+\s.*\(default (\"[^\"]*\"|\d+)", line)
        if m:
            opts[m.group(1).replace("-", "_")] = m.group(2).strip('"')
    return opts


def check_example_ini():
    opts = help_options()
    t.ok(len(opts) >= 10, "serve --help lists the settings", opts)
    ini = open(os.path.join(ROOT, "packaging", "szfin.ini")).read()
    found = dict(re.findall(r"^;([a-z0-9_]+) =[ ]?(.*)$", ini, re.M))
    for key, default in sorted(opts.items()):
        t.ok(key in found, f"szfin.ini documents {key}")
        if key in found:
            t.eq(found[key].strip(), default, f"szfin.ini gives {key}'s default")
    t.eq(sorted(set(found) - set(opts)), [], "szfin.ini names no setting the server does not have")


def http_get(port, path):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as r:
        return r.status, r.read().decode()


def start_installed(data_dir, extra):
    port_file = data_dir + ".port"
    log = open(os.path.join(tmp, "server.log"), "ab")
    proc = subprocess.Popen([os.path.join(prefix, "bin", "szfin"), "serve", "--config",
                             os.path.join(prefix, "share", "doc", "szfin", "szfin.ini.example"),
                             "--data-dir", data_dir, "--listen", "127.0.0.1:0", "--port-file", port_file] + extra,
                            stdout=log, stderr=log, cwd=tmp)
    for _ in range(500):
        if proc.poll() is not None:
            break
        if os.path.exists(port_file) and open(port_file).read().strip():
            return proc, int(open(port_file).read())
        time.sleep(0.02)
    return proc, None


def metric_names(text):
    return set(re.findall(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{| )", text, re.M))


def used_metrics():
    alerts = open(os.path.join(ROOT, "packaging", "prometheus-alerts.yml")).read()
    exprs = re.findall(r"^\s+expr: (.*)$", alerts, re.M)
    dash = json.load(open(os.path.join(ROOT, "packaging", "grafana-dashboard.json")))
    exprs += [tg["expr"] for p in dash["panels"] for tg in p["targets"]]
    names = set()
    for e in exprs:
        names |= set(re.findall(r"\b((?:szfin|process)_[a-z0-9_]+)", e))
    return names


def check_installed_server():
    data_dir = os.path.join(tmp, "data")
    proc, port = start_installed(data_dir, ["--segment-size-mib", "8"])
    if not t.ok(port is not None, "the installed binary serves from the example szfin.ini",
                open(os.path.join(tmp, "server.log")).read()[-1500:]):
        return
    try:
        status, body = http_get(port, "/")
        t.ok(status == 200 and "<html" in body.lower(), "it finds the installed web page by itself")
        segs = [f for f in os.listdir(os.path.join(data_dir, "log")) if f.endswith(".szl")]
        sizes = [os.path.getsize(os.path.join(data_dir, "log", f)) for f in segs]
        t.ok(sizes and all(s == 8 << 20 for s in sizes), "--segment-size-mib 8 preallocates 8 MiB segments", sizes)
        _, text = http_get(port, "/metrics")
        served = metric_names(text)
        for name in sorted(used_metrics()):
            if name.endswith(("_bucket", "_sum", "_count")) and name.rsplit("_", 1)[0] in served:
                served.add(name)
            t.ok(name in served, f"/metrics serves {name}, which the alerts or the dashboard use")
        t.ok("szfin_data_dir_free_bytes" in served and "szfin_engine_stopped 0" in text,
             "/metrics says the engine runs and how much disk is free")
    finally:
        proc.terminate()
        proc.wait(30)


def check_unit():
    unit = os.path.join(prefix, "lib", "systemd", "system", "szfin.service")
    text = open(unit).read()
    for needle in ["DynamicUser=yes", "ProtectSystem=strict", "ReadWritePaths=/var/lib/szfin", "NoNewPrivileges=yes",
                   f"ExecStart={prefix}/bin/szfin serve"]:
        t.ok(needle in text, f"the unit has {needle.split('=')[0]}")
    if shutil.which("systemd-analyze") is None:
        t.ok(True, "# SKIP systemd-analyze is not installed")
        return
    r = subprocess.run(["systemd-analyze", "verify", unit], capture_output=True, text=True)
    t.ok(r.returncode == 0 and "Unknown" not in r.stderr, "systemd-analyze verify accepts the unit", r.stderr)


def check_containerfile():
    text = open(os.path.join(ROOT, "packaging", "Containerfile")).read()
    t.ok("FROM docker.io/library/debian:12" in text, "the Containerfile builds on Debian 12")
    m = re.search(r"--no-install-recommends ([^\\&\n]+)", text)
    pkgs = m.group(1).split() if m else []
    t.ok(len(pkgs) >= 5, "the run stage names its packages", pkgs)
    r = subprocess.run(["apt-cache", "show"] + pkgs, capture_output=True, text=True)
    t.ok(r.returncode == 0, "every run-stage package exists in Debian", r.stderr[-500:])


try:
    install()
    check_example_ini()
    check_installed_server()
    check_unit()
    check_containerfile()
finally:
    shutil.rmtree(tmp, ignore_errors=True)
t.done()
