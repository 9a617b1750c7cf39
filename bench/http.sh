#!/usr/bin/env bash
# http.sh — szfin over the network path (TCP loopback), called by bench/run.sh as
#   bash bench/http.sh BUILD_DIR [--quick]
# Starts `szfin serve` on a free loopback port with a temporary data directory
# and drives it with `szfin load` (same machine, so the client shares the
# CPU). Workloads, each run ROUNDS times (a fresh `szfin load` per round):
#   - durable single-transfer JSON requests, one per transaction, at
#     concurrency 1, 16 and 128 (one request in flight per client);
#   - binary batches of 8190 transfers, one client, one request in flight.
# A batch counts only the transfers whose own result was ok. Prints min /
# median / max of the rounds and machine lines "<name>=<median>",
# "<name>_min=", "<name>_max=" that run.sh sets beside its PostgreSQL peer.
# Durability: every answer leaves only after its batch is fdatasync'd.
# Figures only: nothing here fails on timing.
set -uo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/release}
seconds=5
rounds=3
[ "${2:-}" = "--quick" ] && seconds=2
bin=$build/szfin
tmp=$(mktemp -d /tmp/szfin-http-bench-XXXXXX)
pid=

cleanup() {
	[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

"$bin" serve --data-dir "$tmp/data" --listen 127.0.0.1:0 --port-file "$tmp/port" --log-level warn 2>"$tmp/server.log" &
pid=$!
for _ in $(seq 1 100); do [ -s "$tmp/port" ] && break; sleep 0.05; done
[ -s "$tmp/port" ] || { echo "http bench: server did not start"; cat "$tmp/server.log"; exit 1; }
export SZFIN_URL=http://127.0.0.1:$(cat "$tmp/port") SZFIN_TOKEN_FILE=$tmp/data/admin.token

# rounds NAME FIELD LABEL LOAD-ARGS...: ROUNDS runs of szfin load; prints the
# figure FIELD's min/median/max and the p99 latency's median, and machine lines.
rounds() {
	local name=$1 field=$2 label=$3
	shift 3
	: >"$tmp/$name.jsonl"
	for _ in $(seq 1 "$rounds"); do
		"$bin" load --seconds "$seconds" --accounts 10000 --json --yes "$@" >>"$tmp/$name.jsonl" 2>"$tmp/load.err" ||
			{ echo "load failed: $(tail -n 3 "$tmp/load.err")"; return 1; }
	done
	python3 - "$name" "$field" "$label" "$tmp/$name.jsonl" <<'EOF'
import json, statistics, sys
name, field, label, path = sys.argv[1:5]
docs = [json.loads(line) for line in open(path)]
v = sorted(d[field] for d in docs)
p99 = statistics.median(d["p99_ms"] for d in docs)
refused = sum(d.get("refused", 0) for d in docs)
print(f"  {label:<62} min {v[0]:>10.0f} median {statistics.median(v):>10.0f} max {v[-1]:>10.0f}"
      f"  p99 {p99:.3f} ms  ({len(v)} rounds{', %d refused' % refused if refused else ''})")
print(f"{name}={statistics.median(v):.0f}\n{name}_min={v[0]:.0f}\n{name}_max={v[-1]:.0f}\n{name}_p99_ms={p99:.3f}")
EOF
}

echo "szfin serve, TCP loopback, $rounds rounds of $seconds s per workload, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for c in 1 16 128; do
	rounds "http_json_c$c" requests_per_s "JSON, 1 transfer per request, concurrency $c (transfers/s)" \
		--concurrency "$c"
done
# Where a binary batch's time goes, from the server's own /metrics around
# its rounds: time in the server per request (first byte to answer queued)
# and, of it, the log write + fdatasync per batch (with one request in
# flight a request is a batch); the rest is receive, check, apply, reply.
metrics() {
	python3 - "$SZFIN_URL/metrics" <<'PY'
import re, sys, urllib.request
text = urllib.request.urlopen(sys.argv[1], timeout=10).read().decode()
def get(name):
    m = re.search("^" + re.escape(name) + r" ([0-9.e+-]+)$", text, re.M)
    return m.group(1) if m else "0"
route = '{method="POST",route="/v1/binary/transfers"}'
print(get("szfin_http_request_duration_seconds_sum" + route), get("szfin_http_request_duration_seconds_count" + route),
      get("szfin_fsync_seconds_sum"), get("szfin_fsync_seconds_count"))
PY
}
metrics >"$tmp/metrics.before"
rounds http_binary_c1 transfers_per_s "binary, 8190 transfers per request, 1 in flight (transfers/s)" \
	--concurrency 1 --batch 8190
metrics >"$tmp/metrics.after"
python3 - "$tmp/metrics.before" "$tmp/metrics.after" "$tmp/http_binary_c1.jsonl" <<'PY'
import json, sys
b = [float(x) for x in open(sys.argv[1]).read().split()]
a = [float(x) for x in open(sys.argv[2]).read().split()]
docs = [json.loads(line) for line in open(sys.argv[3])]
requests = sum(d["requests"] for d in docs)
client_ms = 1e3 * sum(d["seconds"] for d in docs) / requests if requests else 0
server_ms = 1e3 * (a[0] - b[0]) / (a[1] - b[1]) if a[1] > b[1] else 0
sync_ms = 1e3 * (a[2] - b[2]) / (a[3] - b[3]) if a[3] > b[3] else 0
print(f"  binary batch of 8190, mean per request over the rounds: {client_ms:.2f} ms at the client; {server_ms:.2f} ms"
      f" in the server, of which log write + fdatasync {sync_ms:.2f} ms, receive + check + apply + reply"
      f" {server_ms - sync_ms:.2f} ms")
print(f"http_binary_c1_client_ms={client_ms:.3f}\nhttp_binary_c1_server_ms={server_ms:.3f}\n"
      f"http_binary_c1_sync_ms={sync_ms:.3f}")
PY
