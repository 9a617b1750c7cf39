#!/usr/bin/env bash
# deps.sh — install what szfin needs on Debian 12, idempotently and quietly.
# Used by every make target that builds or runs. Installs only missing packages.
set -euo pipefail

# `deps.sh run` (make run): what building and running szfin needs, with the
# dashboard's run-time npm packages (echarts, swagger-ui-dist).
# `deps.sh test` (make test, make bench; the default): that, and what only
# the tests and benchmarks use: clang, cmocka, PostgreSQL, chromium and a CJK
# font for the browser tests, and the npm devDependencies (playwright-core,
# axe-core); and libxgboost-dev, for the credit challenger's trainer
# (szfin-credit-boost) and benchmark only: the server scores the challenger's
# integer trees from the model file and never links it. SZFIN_DEPS=run|test is the same as the argument.
mode=${1:-${SZFIN_DEPS:-test}}
packages=(
	build-essential pkg-config
	libmicrohttpd-dev libjansson-dev libsodium-dev
	libcurl4-openssl-dev libinih-dev libicu-dev
	python3 curl
	libxxhash-dev
)
test_packages=(
	clang libclang-rt-14-dev libcmocka-dev
	libpq-dev postgresql
	chromium fonts-wqy-microhei
	libxgboost-dev
)
case "$mode" in
run) ;;
test) packages+=("${test_packages[@]}") ;;
*) echo "usage: deps.sh [run|test]" >&2; exit 2 ;;
esac

npm_install() { # npm ci from the committed package-lock.json, when it changed
	command -v npm >/dev/null || packages+=(npm)
	local stamp="node_modules/.szfin-deps-$mode"
	local want
	want=$(sha256sum package-lock.json | cut -d' ' -f1)
	[ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && return 0
	command -v npm >/dev/null || return 0 # installed with the packages below; run again after
	echo "deps: npm ci ($mode)" >&2
	if [ "$mode" = run ]; then
		npm ci --ignore-scripts --omit=dev --no-audit --no-fund --loglevel=error >/dev/null
	else
		npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null
	fi
	rm -f node_modules/.szfin-deps-*
	echo "$want" >"$stamp"
}
cd "$(dirname "$0")/.."
npm_install

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	sudo=sudo
else
	sudo=
fi
echo "deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >/dev/null
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
npm_install
