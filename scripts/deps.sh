#!/usr/bin/env bash
# deps.sh — install what szfin needs on Debian 12, idempotently and quietly.
# Used by every make target that builds or runs. Installs only missing packages.
set -euo pipefail

packages=(
	build-essential clang libclang-rt-14-dev pkg-config
	libmicrohttpd-dev libjansson-dev libsodium-dev libcmocka-dev
	libcurl4-openssl-dev libinih-dev libsqlite3-dev libpq-dev libicu-dev
	postgresql python3 curl
)

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
