#!/usr/bin/env bash
# run.sh — runs every szfin test suite and ends with one line "N passed, N failed".
# Suites: unit tests (release build), unit tests (ASan+UBSan build), the engine
# tests under ThreadSanitizer, end-to-end
# programs (C and Python, real binary on loopback), the browser tests
# (tests/browser, headless chromium), the determinism test (two
# builds replay one log, tests/determinism.sh), fuzz corpus replay.
# Each test program prints TAP lines ("ok ..." / "not ok ..."); a program that
# exits non-zero without a "not ok" line counts as one failure.
set -u
cd "$(dirname "$0")/.."
mode=${BUILD_MODE:-release}
passed=0
failed=0
failures=()
export CMOCKA_MESSAGE_OUTPUT=TAP
export SZFIN_BIN=$PWD/build/$mode/szfin
export SZFIN_ROOT=$PWD
log_dir=build/test-logs
mkdir -p "$log_dir"

run_one() { # label, command...
	local label=$1; shift
	local out="$log_dir/$(echo "$label" | tr '/ ' '__').log"
	local t0=$SECONDS
	"$@" >"$out" 2>&1
	local rc=$?
	local p f
	p=$(grep -cE '^ok ' "$out")
	f=$(grep -cE '^not ok ' "$out")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	passed=$((passed + p)); failed=$((failed + f))
	printf '%-44s %4d passed %3d failed %4ds\n' "$label" "$p" "$f" $((SECONDS - t0))
	if [ "$f" -ne 0 ]; then
		failures+=("$label")
		grep -E '^not ok |ERROR|error|assert|Sanitizer' "$out" | head -20 | sed 's/^/    /'
	fi
}

for t in build/$mode/tests/test_*; do
	[ -x "$t" ] || continue
	run_one "unit/$(basename "$t")" "$t"
done
if [ "$mode" = release ]; then
	for t in build/asan/tests/test_*; do
		[ -x "$t" ] || continue
		run_one "asan/$(basename "$t")" env ASAN_OPTIONS=detect_leaks=1 "$t"
	done
fi
if [ "$mode" = release ] && [ -x build/tsan/tests/test_engine ]; then
	run_one "tsan/test_engine" env TSAN_OPTIONS="halt_on_error=1 exitcode=66" build/tsan/tests/test_engine
fi
for t in build/$mode/tests/*_test; do
	[ -x "$t" ] || continue
	run_one "e2e/$(basename "$t")" "$t"
done
for t in tests/e2e/test_*.py; do
	[ -f "$t" ] || continue
	run_one "e2e/$(basename "$t")" python3 "$t"
done
if [ "$mode" = release ]; then
	run_one "e2e/determinism.sh" bash tests/determinism.sh
fi
# The dashboard in headless chromium (playwright-core from npm, Debian's
# chromium); node's TAP reporter prints one "ok N - ..." line per test.
if [ "$mode" = release ] && [ -d node_modules/playwright-core ]; then
	for t in tests/browser/*.test.mjs; do
		[ -f "$t" ] || continue
		run_one "browser/$(basename "$t")" node --test --test-reporter=tap "$t"
	done
fi
if [ "$mode" = release ]; then
	for f in build/fuzz/fuzz_*; do
		[ -x "$f" ] || continue
		n=$(basename "$f")
		corpus=fuzz/corpus/$n
		[ -d "$corpus" ] || continue
		run_one "fuzz/$n" bash -c "'$f' -runs=0 '$corpus' && echo 'ok 1 - $n corpus replay ($(ls "$corpus" | wc -l) inputs)'"
	done
fi

if [ ${#failures[@]} -ne 0 ]; then
	echo "failing suites: ${failures[*]} (logs in $log_dir)"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
