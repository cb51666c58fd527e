#!/usr/bin/env bash
# Installs the Debian 12 packages Shared Hall builds, tests and runs with.
# Idempotent: when every package is already installed it does nothing (fast path).
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config ccache
  libboost-dev libhiredis-dev libmysqlcppconn-dev nlohmann-json3-dev doctest-dev libssl-dev
  mariadb-server mariadb-client redis-server redis-tools wrk curl ca-certificates
)
# Node.js and npm for the OpenAPI linter (Spectral): Debian's, unless the machine has its own.
if ! command -v npm >/dev/null 2>&1; then PACKAGES+=(nodejs npm); fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  echo "install-deps: done" >&2
fi

# Spectral, exactly as package-lock.json pins it (npm registry), for scripts/lint-openapi.sh.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LINT="$ROOT/tools/spectral"
if [ ! -x "$LINT/node_modules/.bin/spectral" ] || [ "$LINT/package-lock.json" -nt "$LINT/node_modules/.package-lock.json" ]; then
  echo "install-deps: installing Spectral (npm ci)" >&2
  (cd "$LINT" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
