#!/usr/bin/env bash
# The street office's statistics on a district's year: seeds the demo district with N bookings
# of the past year (default 200,000), then times a year's statistics for the whole district as a
# district admin: the first answer of a fresh server (no report kept in process; MariaDB's buffer
# pool as the seeding left it) and warm answers (the report kept for a minute). Loopback only;
# stops by itself. Figures to stdout and .run/bench-stats/results.md (docs/performance.md).
#   N=20000 scripts/bench-stats.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
N="${N:-200000}"
APP_PORT=18180
FAKE_PORT=18182

source scripts/bench-setup.sh
bench_setup bench-stats 13309 16382 sharedhall
"$BIN" migrate --config "$CONFIG" >/dev/null
t0=$(date +%s.%N)
"$BIN" seed-demo --bookings "$N" --config "$CONFIG"
t1=$(date +%s.%N)
echo "seeded in $(echo "$t1 - $t0" | bc) s" | tee -a "$RESULTS"
"$BIN" grant-role --config "$CONFIG" --openid openid-office --role district_admin >/dev/null
"$BIN" fake-wechat --port $FAKE_PORT --config "$CONFIG" >"$SH_RUN_DIR/fake.log" 2>&1 &
PIDS+=($!)

start_server() {
    SH_HTTP_PORT=$APP_PORT SH_WECHAT_BASE_URL=http://127.0.0.1:$FAKE_PORT "$BIN" serve --config "$CONFIG" \
        >"$SH_RUN_DIR/access.log" 2>"$SH_RUN_DIR/server.log" &
    APP_PID=$!
    PIDS+=($APP_PID)
    for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$APP_PORT/healthz" && return 0; sleep 0.1; done
    return 1
}
start_server
TOKEN=$(curl -s -X POST "http://127.0.0.1:$APP_PORT/api/v1/auth/login" -d '{"code":"office"}' | sed 's/.*"token":"\([^"]*\)".*/\1/')
TO=$(date -u +%F)
FROM=$(date -u -d "$TO - 365 days" +%F)
time_ms() { curl -s -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$APP_PORT$1" | awk '{printf "%.1f", $1 * 1000}'; }

BOOKINGS=$(mariadb -N -h127.0.0.1 -P"$SH_MYSQL_PORT" -usharedhall -p"$SH_MYSQL_PASSWORD" sharedhall -e "SELECT COUNT(*) FROM bookings")
echo "| question (a year, the whole district, $BOOKINGS bookings) | first answer of a fresh server, ms | warm, median of 20, ms |" | tee -a "$RESULTS"
echo "|---|---|---|" | tee -a "$RESULTS"
for g in building venue street org day month weekday_hour; do
    kill "$APP_PID"; wait "$APP_PID" 2>/dev/null || true
    start_server
    path="/api/v1/stats/usage?from=$FROM&to=$TO&group_by=$g"
    cold=$(time_ms "$path")
    warm=$(for _ in $(seq 20); do time_ms "$path"; echo; done | sort -n | sed -n 10p)
    echo "| usage group_by=$g | $cold | $warm |" | tee -a "$RESULTS"
done
cold=$(time_ms "/api/v1/stats/top?from=$FROM&to=$TO")
echo "| top lists (four groupings) | $cold | $(time_ms "/api/v1/stats/top?from=$FROM&to=$TO") |" | tee -a "$RESULTS"
echo "| ledger CSV (every booking of the year) | $(time_ms "/api/v1/stats/ledger?from=$FROM&to=$TO") | – |" | tee -a "$RESULTS"
