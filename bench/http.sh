#!/usr/bin/env bash
# http.sh — HTTP API benchmark, called by bench/run.sh as `bash bench/http.sh BUILD_DIR [--quick]`.
# Starts `szfin serve` on a free loopback port with a temporary data directory
# and drives it with `szfin load` (same machine, so the client shares the
# CPU): durable single-transfer JSON requests at concurrency 1, 16 and 128
# (requests/s, p50/p99 latency), then binary batches of 8190 transfers
# (transfers/s). Prints figures beside the PostgreSQL baseline that run.sh
# exports as SZFIN_PG_TPS. Figures only: nothing here fails on timing.
set -uo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/release}
seconds=10
[ "${2:-}" = "--quick" ] && seconds=3
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

field() { # name, json line
	python3 -c 'import json,sys; print(json.loads(sys.argv[2])[sys.argv[1]])' "$1" "$2"
}

printf '%-34s %12s %10s %10s\n' "workload" "per second" "p50 ms" "p99 ms"
for c in 1 16 128; do
	out=$("$bin" load --seconds "$seconds" --concurrency "$c" --accounts 10000 --json) || { echo "load failed: $out"; continue; }
	printf '%-34s %12.0f %10.3f %10.3f\n' "JSON transfer requests, c=$c" "$(field requests_per_s "$out")" \
		"$(field p50_ms "$out")" "$(field p99_ms "$out")"
	echo "http_json_c${c}_rps=$(field requests_per_s "$out")"
	echo "http_json_c${c}_p99_ms=$(field p99_ms "$out")"
done
out=$("$bin" load --seconds "$seconds" --concurrency 3 --batch 8190 --accounts 10000 --json) || echo "load failed: $out"
printf '%-34s %12.0f %10.3f %10.3f\n' "binary batches of 8190 (transfers)" "$(field transfers_per_s "$out")" \
	"$(field p50_ms "$out")" "$(field p99_ms "$out")"
echo "http_binary_tps=$(field transfers_per_s "$out")"
pg=${SZFIN_PG_TPS:-}
if [ -n "$pg" ] && [ "$pg" != 0 ]; then
	echo "PostgreSQL baseline (engine benchmark): $pg durable transfers/s"
fi
echo "targets on the 2-core reference machine: >= 25000 req/s at c=128 with p99 < 20 ms; >= 1000000 binary transfers/s"
