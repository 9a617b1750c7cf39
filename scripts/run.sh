#!/usr/bin/env bash
# run.sh — start szfin with demo data: `make run` calls `bash scripts/run.sh BIN`.
#
# Starts `BIN serve` on 127.0.0.1:8080 (SZFIN_LISTEN=host:port for another
# address) with embedded storage in ./data (SZFIN_DATA_DIR) (64 MiB
# log segments, so that a copied demo directory stays small). If
# ./data is new, loads the demo data through the API (scripts/demo_data.py):
# a central bank, three operator banks, merchants and 300 wallets with
# history. Prints the URL, where the tokens are, and three example commands
# that work as printed. Ctrl-C (or SIGTERM) stops the server cleanly; the
# next `make run` keeps everything.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/release/szfin}
data=${SZFIN_DATA_DIR:-./data}
listen=${SZFIN_LISTEN:-127.0.0.1:8080}
url=http://$listen
# The CLI's default server is 127.0.0.1:8080: name another one in the examples.
cli=$bin
[ "$listen" = 127.0.0.1:8080 ] || cli="SZFIN_URL=$url $bin"

if curl -fsS -o /dev/null "$url/healthz" 2>/dev/null; then
	echo "run: something already answers on $url; stop it first (or it is szfin from an earlier make run)." >&2
	exit 1
fi

new=0
[ -f "$data/admin.token" ] || new=1

mkdir -p "$data"
chmod 700 "$data"
log=$data/server.log
"$bin" serve --data-dir "$data" --listen "$listen" --segment-size-mib 64 2>>"$log" &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid; exit 0' INT TERM

for _ in $(seq 1 100); do
	curl -fsS -o /dev/null "$url/readyz" 2>/dev/null && break
	kill -0 $pid 2>/dev/null || { echo "run: the server exited; see $log" >&2; tail -5 "$log" >&2; exit 1; }
	sleep 0.1
done

if [ "$new" = 1 ]; then
	echo "run: new data directory $data: loading demo data through the API..."
	SZFIN_BIN="$bin" python3 scripts/demo_data.py "$url" "$data"
fi

cat <<MSG

  szfin is running: $url/   (API reference: $url/docs, metrics: $url/metrics)
  data:   $data (log $log)
  admin token: $data/admin.token   demo tokens: $data/demo/*.token

  Try:
    SZFIN_TOKEN_FILE=$data/demo/regulator.token $cli account get 100000
    SZFIN_TOKEN_FILE=$data/demo/operator-1.token $cli transfer create --id 900001 --from 100000 --to 200001 --amount 25.00 --currency CNY
    SZFIN_TOKEN_FILE=$data/demo/operator-1.token $cli account history 100000 --limit 5

  Ctrl-C stops the server; data stays in $data.
MSG
wait $pid
