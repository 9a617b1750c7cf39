#!/usr/bin/env bash
# determinism.sh — the same log replayed by two different builds gives the
# same state after every batch.
#
# Build A is the release build (gcc -O2, build/release); build B is clang
# -O1 with floating-point contraction off (make DETERMINISM=clang
# determinism-bins, build/clang-O1; make test builds both). The test
#   1. writes one log that exercises every domain with build A's server
#      (tests/determinism_load.py: ledger, currency, contract, credit with a
#      trained scorecard and scores, green), with a snapshot every 40 batches;
#   2. replays it with each build's tests/tools/replay_digests, which prints
#      the state digest and a hash of the result codes after every batch,
#      and requires the two outputs to be identical line for line;
#   3. runs `szfin verify --replay` of build B on the data directory: build
#      B's replay must match the state digests build A's server recorded in
#      its snapshots.
# Prints TAP lines. Needs python3; nothing is timed.
set -u
cd "$(dirname "$0")/.."
a=build/release
b=build/clang-O1
n=0
failed=0
ok() { # condition-status, name
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi
}
for f in $a/szfin $a/tools/replay_digests $b/szfin $b/tools/replay_digests; do
	if [ ! -x "$f" ]; then
		echo "not ok 1 - $f is missing (make all; make DETERMINISM=clang determinism-bins)"
		exit 1
	fi
done
work=$(mktemp -d "${TMPDIR:-/tmp}/szfin-determinism-XXXXXX")
trap 'rm -rf "$work"' EXIT

SZFIN_BIN=$PWD/$a/szfin python3 tests/determinism_load.py "$work/data" >"$work/load.log" 2>&1
rc=$?
ok $rc "one log exercising every domain is written (build A's server)"
[ $rc -eq 0 ] || tail -20 "$work/load.log" | sed 's/^/#   /'

$a/tools/replay_digests "$work/data" >"$work/a.txt" 2>"$work/a.err"
ok $? "build A (gcc -O2) replays the log"
$b/tools/replay_digests "$work/data" >"$work/b.txt" 2>"$work/b.err"
ok $? "build B (clang -O1 -ffp-contract=off) replays the log"
for f in "$work/a.err" "$work/b.err"; do [ -s "$f" ] && sed 's/^/#   /' "$f"; done
batches=$(grep -vc '^final ' "$work/a.txt")
[ "$batches" -ge 100 ]
ok $? "the log has $batches batches (at least 100)"
cmp -s "$work/a.txt" "$work/b.txt"
ok $? "both builds give the same state digest and result codes after each of $batches batches"
if ! cmp -s "$work/a.txt" "$work/b.txt"; then
	diff "$work/a.txt" "$work/b.txt" | head -5 | sed 's/^/#   /'
fi
$b/szfin verify --replay "$work/data" >"$work/verify.txt" 2>&1
rc=$?
ok $rc "build B's replay matches the digests build A recorded in its snapshots"
[ $rc -eq 0 ] || sed 's/^/#   /' "$work/verify.txt"
$a/szfin verify --replay "$work/data" >"$work/verify_a.txt" 2>&1
ok $? "build A's replay matches them too"
echo "1..$n"
[ "$failed" -eq 0 ]
