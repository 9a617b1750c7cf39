#!/usr/bin/env bash
# deps.sh — install what szfin needs on Debian 12, idempotently and quietly.
# Used by every make target that builds or runs. Installs only missing packages.
set -euo pipefail

packages=(
	build-essential clang libclang-rt-14-dev pkg-config
	libmicrohttpd-dev libjansson-dev libsodium-dev libcmocka-dev
	libcurl4-openssl-dev libinih-dev libsqlite3-dev libpq-dev
	postgresql python3 curl
)

# SZFIN_DEPS=run (make run): only what running needs. The dashboard's
# run-time npm packages (echarts, swagger-ui-dist) always; chromium and the
# npm devDependencies (playwright-core, axe-core: the browser tests) only for
# make test and make bench.
mode=${SZFIN_DEPS:-test}
[ "$mode" = run ] || packages+=(chromium fonts-wqy-microhei) # the browser tests; a CJK font for zh-CN screenshots

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
