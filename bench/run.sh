#!/usr/bin/env bash
# run.sh — `make bench`: every szfin benchmark, beside its peer baseline, in one run.
#   bash bench/run.sh BUILD_DIR [--quick] [--network]   (--network: the network-path part alone)
# In-process figures (the engine called directly) are labelled so and never
# set beside a networked peer. On the network path (TCP loopback) it starts a
# throw-away PostgreSQL server (default durable settings, printed) and
# szfin serve, runs the same shapes of work on both — one transfer per
# transaction at concurrency 1, 16 and 128, and batches of 8190 transfers
# with one in flight — and prints each ratio with the shape it compares.
# Every figure is min / median / max of its rounds; the load average is
# printed at the start; every target line says MET or NOT MET. Figures are
# measurements, not pass/fail: nothing here fails on timing.
set -uo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/release}
quick=
network_only=
for a in "${@:2}"; do
	case $a in --quick) quick=--quick ;; --network) network_only=1 ;; esac
done
tmp=$(mktemp -d /tmp/szfin-bench-XXXXXX)
pg_port=55432
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)

cleanup() {
	if [ -n "$pgbin" ] && [ -f "$tmp/pg/postmaster.pid" ]; then
		as_pg "$pgbin/pg_ctl" -D "$tmp/pg" -m fast stop >/dev/null 2>&1
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

as_pg() { # PostgreSQL refuses to run as root
	if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_postgres() {
	[ -n "$pgbin" ] || { echo "PostgreSQL is not installed: baseline skipped"; return 1; }
	mkdir -p "$tmp/pg"
	[ "$(id -u)" -eq 0 ] && chown -R postgres "$tmp"
	as_pg "$pgbin/initdb" -D "$tmp/pg" -A trust -U postgres >/dev/null || return 1
	# a port that is free now (a server from an earlier run may still hold one)
	for pg_port in $(seq 55432 55452); do
		python3 -c "import socket,sys; s=socket.socket(); s.bind(('127.0.0.1', int(sys.argv[1])))" "$pg_port" \
			2>/dev/null && break
	done
	if ! as_pg "$pgbin/pg_ctl" -D "$tmp/pg" -l "$tmp/pg.log" -w \
		-o "-p $pg_port -k $tmp -c listen_addresses=127.0.0.1 -c max_connections=300" start >/dev/null; then
		echo "PostgreSQL did not start; its log:"
		tail -n 5 "$tmp/pg.log"
		return 1
	fi
}

figure() { # name, file: the value of "name=<n>" in file
	sed -n "s/^$1=//p" "$2" | tail -n 1
}

ratio() { # a, b: a / b to one decimal, or n/a
	awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf "%.1fx", a / b; else print "n/a" }'
}

met() { # value, op, bound: MET or NOT MET (a missing value is NOT MET)
	awk -v v="$1" -v op="$2" -v b="$3" 'BEGIN {
		ok = v != "" && ((op == ">=" && v + 0 >= b + 0) || (op == "<" && v + 0 < b + 0));
		print ok ? "MET" : "NOT MET" }'
}

echo "== szfin benchmarks ($(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ), load average at start $(cut -d' ' -f1-3 /proc/loadavg)) =="
# make bench SCALE=1 [SCALE_STEPS=10,50,200]: the scale run alone (about 15 minutes).
if [ -n "${SCALE:-}" ]; then
	"$build/bench/scale_bench" --steps "${SCALE_STEPS:-10,50,200}" --dir "$tmp"
	exit $?
fi
if [ -z "$network_only" ]; then
	echo
	echo "-- in-process: the ledger engine called directly (no network; not compared with networked peers) --"
	"$build/bench/ledger_bench" $quick --dir "$tmp" | tee "$tmp/ledger.out"
fi

pg_seconds=5
[ "$quick" = "--quick" ] && pg_seconds=2
echo
echo "-- network path, TCP loopback, same run: PostgreSQL and szfin HTTP, both durable (fsync before the answer) --"
echo "load average $(cut -d' ' -f1-3 /proc/loadavg)"
if start_postgres; then
	conn="host=127.0.0.1 port=$pg_port user=postgres dbname=postgres"
	for c in 1 16 128; do
		"$build/bench/pg_bench" "$conn" 10000 "$pg_seconds" "$c" --rounds 3 >"$tmp/pg_c$c.out"
	done
	"$build/bench/pg_bench" "$conn" 10000 "$pg_seconds" 1 --batch 8190 --rounds 3 >"$tmp/pg_batch.out"
	grep -h -m 1 'durability:' "$tmp/pg_c1.out"
	grep -h -v -e '^pg_' -e 'durability:' "$tmp"/pg_c1.out "$tmp"/pg_c16.out "$tmp"/pg_c128.out "$tmp/pg_batch.out"
fi
echo "  szfin durability: every answer leaves after its batch is written and fdatasync'd (docs/architecture.md)"
echo "  both data directories on one file system: $(df -T "$tmp" | awk 'NR == 2 { print $1, $2 }')"
bash bench/http.sh "$build" $quick | tee "$tmp/http.out" | grep -v '^http_'

echo
echo "-- like for like (ratio of medians; same machine, same run, both over TCP loopback, both durable) --"
for c in 1 16 128; do
	s=$(figure "http_json_c$c" "$tmp/http.out")
	p=$(figure pg_tps "$tmp/pg_c$c.out" 2>/dev/null)
	printf '  %-66s szfin %9s  PostgreSQL %9s  %s\n' "per request: 1 transfer per transaction, concurrency $c" \
		"${s:-n/a}" "${p:-n/a}" "$(ratio "${s:-0}" "${p:-0}")"
done
s=$(figure http_binary_c1 "$tmp/http.out")
p=$(figure pg_tps "$tmp/pg_batch.out" 2>/dev/null)
printf '  %-66s szfin %9s  PostgreSQL %9s  %s\n' "batched: 8190 transfers per request and transaction, 1 in flight" \
	"${s:-n/a}" "${p:-n/a}" "$(ratio "${s:-0}" "${p:-0}")"
echo "  (szfin: binary endpoint; PostgreSQL: COPY into a staging table + one set-based function, 1 transaction)"
ledger_tps=$(figure ledger_8190_tps "$tmp/ledger.out" 2>/dev/null)
echo "  in-process engine, batches of 8190, 10k accounts uniform: ${ledger_tps:-n/a} transfers/s (no network: no peer ratio)"

echo
echo "-- targets (2-core reference machine; medians of the rounds) --"
b=$(figure http_binary_c1 "$tmp/http.out")
echo "  binary batches of 8190 over HTTP, 1 client, 1 request in flight >= 1600000 transfers/s (${b:-n/a}): $(met "$b" '>=' 1600000)"
j=$(figure http_json_c128 "$tmp/http.out")
jp=$(figure http_json_c128_p99_ms "$tmp/http.out")
echo "  JSON at concurrency 128 >= 25000 requests/s (${j:-n/a}): $(met "$j" '>=' 25000)"
echo "  JSON at concurrency 128 p99 < 20 ms (${jp:-n/a} ms): $(met "$jp" '<' 20)"

[ -n "$network_only" ] && exit 0
for b in "$build"/bench/*_bench; do
	case "$(basename "$b")" in ledger_bench|pg_bench|scale_bench) continue ;; esac
	echo
	echo "-- $(basename "$b") --"
	case "$(basename "$b")" in
	log_bench) # DIR [TRANSFERS]
		"$b" "$tmp/log_bench" $([ -n "$quick" ] && echo 500000) ;;
	*) "$b" $quick ;;
	esac
done
for s in bench/*.sh; do
	case "$(basename "$s")" in run.sh|http.sh) continue ;; esac
	echo
	echo "-- $(basename "$s" .sh) --"
	bash "$s" "$build" $quick
done
