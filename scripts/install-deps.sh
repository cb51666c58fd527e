#!/usr/bin/env bash
# Installs the Debian 12 packages Shared Hall builds, tests and runs with.
# Idempotent: when every package is already installed it does nothing (fast path).
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config ccache
  # scripts/check-format.sh: the formatter, run in check mode by every test run
  clang-format
  libboost-dev libhiredis-dev libmysqlcppconn-dev nlohmann-json3-dev doctest-dev libssl-dev
  mariadb-server mariadb-client redis-server redis-tools wrk curl ca-certificates
  # The loopback cluster (scripts/cluster.sh): TLS front, Galera and its state transfer, the
  # writer's proxy, Redis Sentinel, backups
  nginx galera-4 mariadb-backup socat haproxy redis-sentinel
  # The fuzz targets (scripts/fuzz.sh): clang with libFuzzer and the sanitizers' runtime
  clang libclang-rt-14-dev
  # The console's browser test: Debian's chromium (driven by playwright-core) and a CJK font
  chromium fonts-wqy-microhei
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

# From the npm registry, exactly as each package-lock.json pins them: Spectral for
# scripts/lint-openapi.sh; Ajv and js-yaml to check the end-to-end tier's answers against the
# contract (tools/contract); ECharts (served by the server) and playwright-core for the console;
# jest and miniprogram-simulate to run the mini-program's pages headless (tests/miniprogram).
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
for dir in "$ROOT/tools/spectral" "$ROOT/tools/contract" "$ROOT/console" "$ROOT/tests/miniprogram"; do
  if [ ! -f "$dir/node_modules/.package-lock.json" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    echo "install-deps: npm ci in ${dir#$ROOT/}" >&2
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  fi
done
