#!/usr/bin/env bash
# Brings up Shared Hall for development on 127.0.0.1: installs deps, builds, starts MariaDB and
# Redis (data under .run/dev), starts the fake WeChat on :8081, migrates, then runs the server on
# :8080 in the foreground. Ctrl-C stops the server and the fake WeChat;
# `scripts/services.sh stop` stops MariaDB and Redis.
#   SH_DEV_CONFIG=config/phone.json scripts/dev.sh   # for WeChat DevTools on another machine:
#                                                    # bound to every address, no test clock
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

bash scripts/install-deps.sh
BUILD_DIR="${SH_BUILD_DIR:-$ROOT/build}"
cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$BUILD_DIR" -j "$(nproc)" --target sharedhall

export SH_RUN_DIR="$ROOT/.run/dev"
export SH_MYSQL_PORT=13306 SH_REDIS_PORT=16379
export SH_MYSQL_PASSWORD="${SH_MYSQL_PASSWORD:-sharedhall-dev}"
bash scripts/services.sh start

BIN="$BUILD_DIR/server/sharedhall"
CONFIG="${SH_DEV_CONFIG:-$ROOT/config/dev.json}"
export SH_WECHAT_SECRET="${SH_WECHAT_SECRET:-dev-only-secret}"
"$BIN" migrate --config "$CONFIG"
"$BIN" seed-demo --config "$CONFIG"

# The fake WeChat (code C -> openid-C), so that sign-in works without the internet.
pkill -f "sharedhall fake-wechat --port 8081" 2>/dev/null || true
"$BIN" fake-wechat --port 8081 --config "$CONFIG" >"$SH_RUN_DIR/fake-wechat.log" 2>&1 &
FAKE_PID=$!
trap 'kill $FAKE_PID 2>/dev/null || true' EXIT

cat <<MSG

Shared Hall is starting on http://127.0.0.1:8080  (Ctrl-C to stop)
Try (the fake WeChat turns any code C into the user openid-C):
  curl -s http://127.0.0.1:8080/readyz
  curl -s -X POST http://127.0.0.1:8080/api/v1/auth/login -d '{"code":"alice"}'
  TOKEN=<the token from above>
  curl -s http://127.0.0.1:8080/api/v1/me -H "Authorization: Bearer \$TOKEN"
  curl -s -X PATCH http://127.0.0.1:8080/api/v1/me -H "Authorization: Bearer \$TOKEN" -d '{"name":"张三","org":"新城大厦党支部"}'
  $BIN grant-role --config $CONFIG --openid openid-alice --role district_admin
  curl -s http://127.0.0.1:8080/metrics | head
Stop MariaDB and Redis afterwards with: scripts/services.sh stop

MSG
"$BIN" serve --config "$CONFIG"
