#!/usr/bin/env bash
# Installs the Debian 12 packages Shared Hall builds, tests and runs with.
# Idempotent: when every package is already installed it does nothing (fast path).
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config ccache
  libboost-dev libhiredis-dev libmysqlcppconn-dev nlohmann-json3-dev doctest-dev libssl-dev
  mariadb-server mariadb-client redis-server redis-tools wrk curl ca-certificates
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

echo "install-deps: installing ${missing[*]}" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done" >&2
