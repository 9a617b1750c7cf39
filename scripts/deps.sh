#!/usr/bin/env bash
# deps.sh — install what szfin needs on Debian 12, idempotently and quietly.
# Used by every make target that builds or runs. Installs only missing packages.
set -euo pipefail

# `deps.sh run` (make run): what building and running szfin needs.
# `deps.sh test` (make test, make bench; the default): that, and what only
# the tests and benchmarks use.
mode=${1:-test}
packages=(
	build-essential pkg-config
	libmicrohttpd-dev libjansson-dev libsodium-dev
	libcurl4-openssl-dev libinih-dev libicu-dev
	python3 curl
)
test_packages=(
	clang libclang-rt-14-dev libcmocka-dev
	libpq-dev postgresql
)
case "$mode" in
run) ;;
test) packages+=("${test_packages[@]}") ;;
*) echo "usage: deps.sh [run|test]" >&2; exit 2 ;;
esac

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
