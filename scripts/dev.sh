#!/usr/bin/env bash
# Brings up Shared Hall for development on 127.0.0.1: installs deps, builds, starts MariaDB and
# Redis (data under .run/dev), migrates, then runs the server on :8080 in the foreground.
# Ctrl-C stops the server; `scripts/services.sh stop` stops MariaDB and Redis.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

bash scripts/install-deps.sh
BUILD_DIR="${SH_BUILD_DIR:-$ROOT/build}"
cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$BUILD_DIR" -j "$(nproc)" --target sharedhall

export SH_RUN_DIR="$ROOT/.run/dev"
export SH_MYSQL_PORT=33306 SH_REDIS_PORT=36379
export SH_MYSQL_PASSWORD="${SH_MYSQL_PASSWORD:-sharedhall-dev}"
bash scripts/services.sh start

BIN="$BUILD_DIR/server/sharedhall"
CONFIG="$ROOT/config/dev.json"
"$BIN" migrate --config "$CONFIG"

cat <<MSG

Shared Hall is starting on http://127.0.0.1:8080  (Ctrl-C to stop)
Try:
  curl -s http://127.0.0.1:8080/healthz
  curl -s http://127.0.0.1:8080/readyz
  curl -s http://127.0.0.1:8080/metrics | head
Stop MariaDB and Redis afterwards with: scripts/services.sh stop

MSG
exec "$BIN" serve --config "$CONFIG"
