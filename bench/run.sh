#!/usr/bin/env bash
# run.sh — `make bench`: every szfin benchmark, beside its peer baseline, in one run.
#   bash bench/run.sh BUILD_DIR [--quick]
# Starts a throw-away PostgreSQL server on loopback (default durable settings)
# for the baseline, prints figures and ratios, and stops the server again.
# Figures are measurements, not pass/fail: nothing here fails on timing.
set -uo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/release}
quick=${2:-}
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

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.0fx", a / b; else print "n/a" }'
}

echo "== szfin benchmarks ($(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ), load average $(cut -d' ' -f1-3 /proc/loadavg)) =="
# make bench SCALE=1 [SCALE_STEPS=10,50,200]: the scale run alone (about 15 minutes).
if [ -n "${SCALE:-}" ]; then
	"$build/bench/scale_bench" --steps "${SCALE_STEPS:-10,50,200}" --dir "$tmp"
	exit $?
fi
echo
echo "-- ledger engine --"
"$build/bench/ledger_bench" $quick --dir "$tmp" | tee "$tmp/ledger.out"
echo
echo "-- peer baseline: PostgreSQL double-entry ledger --"
pg_tps=0
if start_postgres; then
	"$build/bench/pg_bench" "host=127.0.0.1 port=$pg_port user=postgres dbname=postgres" 10000 5 16 | tee "$tmp/pg.out"
	pg_tps=$(figure pg_tps "$tmp/pg.out")
fi
ledger_tps=$(figure ledger_8190_tps "$tmp/ledger.out")
echo
echo "szfin durable transfers/s (batches of 8190): ${ledger_tps:-n/a}; PostgreSQL: ${pg_tps:-n/a}; ratio $(ratio "${ledger_tps:-0}" "${pg_tps:-0}")"
echo "$pg_tps" >"$tmp/pg_tps"
export SZFIN_PG_TPS=$pg_tps

for b in "$build"/bench/*_bench; do
	case "$(basename "$b")" in ledger_bench|pg_bench|scale_bench) continue ;; esac
	echo
	echo "-- $(basename "$b") --"
	"$b" $quick
done
for s in bench/*.sh; do
	case "$(basename "$s")" in run.sh) continue ;; esac
	echo
	echo "-- $(basename "$s" .sh) --"
	bash "$s" "$build" $quick
done
