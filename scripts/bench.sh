#!/usr/bin/env bash
# Benchmarks with the production configuration (access log on, durable commits, the default
# pools), side by side with the Node.js peer (../shared/peers/node, copied under .run/ and run
# unchanged on its own MariaDB and Redis of the same versions and settings). Sends traffic only
# to 127.0.0.1 and stops by itself.
#   scripts/bench.sh                         # every benchmark
#   BENCH=healthz scripts/bench.sh           # one of: healthz availability booking
#   ROUNDS=5 DURATION=6 scripts/bench.sh
#   PEER=0 scripts/bench.sh                  # without the peer (its columns stay empty)
# Figures go to stdout and to .run/bench/results.md; docs/performance.md records them.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

#   ROUNDS=2 DURATION=4 scripts/bench.sh     # the short mode: "no slower" for a change, in minutes
# Any answer other than the expected ones, or a broken invariant (ours or the peer's), marks the
# run INVALID: its figures are printed but it exits 1.
BENCH_STARTED=$(date +%s)
INVALID=""
ROUNDS="${ROUNDS:-5}"
DURATION="${DURATION:-6}"
CONNS="${CONNS:-64}"
BOOKING_CLIENTS="${BOOKING_CLIENTS:-16}"
BENCH="${BENCH:-all}"
PEER="${PEER:-1}"
PEER_SRC="${PEER_DIR:-$ROOT/../shared/peers/node}"
APP_PORT=18080
HELLO_PORT=18081
FAKE_PORT=18082
COLD_PORT=18083
SECOND_PORT=18084
PEER_PORT=18090
PEER_MYSQL_PORT=13310
PEER_REDIS_PORT=16383

source scripts/bench-setup.sh
bench_setup bench 13308 16381 sharedhall sh_hello sh_booker sh_ctx
rm -f "$SH_RUN_DIR/INVALID"
"$BIN" migrate --config "$CONFIG" >/dev/null
"$BIN" seed-demo --config "$CONFIG" >/dev/null
"$BIN" fake-wechat --port $FAKE_PORT --config "$CONFIG" >"$SH_RUN_DIR/fake.log" 2>&1 &
PIDS+=($!)
# Production: access log on, written to a file as a deployment's log collector would read it.
SH_HTTP_PORT=$APP_PORT "$BIN" serve --config "$CONFIG" >"$SH_RUN_DIR/access.log" 2>"$SH_RUN_DIR/server.log" &
APP_PID=$!
PIDS+=($APP_PID)
"$BUILD_DIR/tests/sh_hello" $HELLO_PORT 2 &
HELLO_PID=$!
PIDS+=($HELLO_PID)
wait_port() { for _ in $(seq 150); do curl -s -o /dev/null "http://127.0.0.1:$1/" && return 0; sleep 0.1; done; return 1; }
wait_port $APP_PORT; wait_port $HELLO_PORT; wait_port $FAKE_PORT
SQL=(mariadb -N -h127.0.0.1 -P"$SH_MYSQL_PORT" -usharedhall -p"$SH_MYSQL_PASSWORD")
MYSQLD_PID=$(cat "$SH_RUN_DIR/mysql/mysqld.pid")

# The peer, unchanged, from a copy (shared/ is read-only): its own MariaDB and Redis, started by
# our services script with the same binaries and settings as ours (durable commits).
PEER_DIR="$SH_RUN_DIR/peer"
PEER_SERVICES="$SH_RUN_DIR/peer-services"
PEER_PIDS=""
PEER_MYSQLD_PID=""
peer_cleanup() {
    [ -n "$PEER_PIDS" ] && kill $PEER_PIDS 2>/dev/null || true
    SH_RUN_DIR="$PEER_SERVICES" bash "$ROOT/scripts/services.sh" stop 2>/dev/null || true
}
trap 'peer_cleanup; bench_cleanup' EXIT
if [ "$PEER" = 1 ] && [ -f "$PEER_SRC/server.js" ] && command -v node >/dev/null; then
    rm -rf "$PEER_DIR" && mkdir -p "$PEER_DIR"
    tar -C "$PEER_SRC" --exclude=node_modules --exclude=.run -cf - . | tar -C "$PEER_DIR" -xf -
    (cd "$PEER_DIR" && npm ci --omit=dev --no-audit --no-fund >/dev/null 2>&1)
    SH_RUN_DIR="$PEER_SERVICES" SH_MYSQL_PORT=$PEER_MYSQL_PORT SH_REDIS_PORT=$PEER_REDIS_PORT bash scripts/services.sh start
    PEER_ENV=(env NODE_ENV=production PORT=$PEER_PORT DB_PORT=$PEER_MYSQL_PORT DB_USER=sharedhall
              DB_PASSWORD="$SH_MYSQL_PASSWORD" REDIS_PORT=$PEER_REDIS_PORT RUN_DIR="$PEER_DIR/.run")
    (cd "$PEER_DIR" && "${PEER_ENV[@]}" node seed.js --venues 100 --users 1000 >/dev/null)
    (cd "$PEER_DIR" && exec "${PEER_ENV[@]}" node server.js >"$SH_RUN_DIR/peer.log" 2>&1) &
    PEER_MAIN=$!
    wait_port $PEER_PORT
    sleep 1  # both workers listening
    # The peer is a cluster: the primary and its two workers.
    PEER_PIDS="$PEER_MAIN $(pgrep -P "$PEER_MAIN" | tr "\n" " ")"
    PEER_MYSQLD_PID=$(cat "$PEER_SERVICES/mysql/mysqld.pid")
    PEER_SQL=(mariadb -N -h127.0.0.1 -P"$PEER_MYSQL_PORT" -usharedhall -p"$SH_MYSQL_PASSWORD" sharedhall)
    echo "peer: pids $PEER_PIDS (main $PEER_MAIN), node $(node --version)" >&2
else
    PEER=0
    echo "bench: the Node peer is not run (PEER=0, no $PEER_SRC or no node): its columns stay empty" >&2
fi

TICK=$(getconf CLK_TCK)
# cpu_ticks "PID [PID...]": user + system ticks of those processes.
cpu_ticks() { local t=0 p; for p in $1; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo $t; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.2f", a / b; else print "–"}'; }
json_field() { python3 -c "import json,sys; r=json.load(sys.stdin); print(r$1)"; }

# measure PIDS URL [wrk args...] -> "req/s cpu_us_per_request non2xx p99"; the server's own CPU
# time per request is far less sensitive to other tenants of a shared machine than throughput.
measure() {
    local pids=$1 url=$2; shift 2
    local before after out reqs rps non2xx p99
    before=$(cpu_ticks "$pids")
    out="$(wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency "$@" "$url")"
    after=$(cpu_ticks "$pids")
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    reqs=$(echo "$out" | awk '/requests in/ {print $1}')
    non2xx=$(echo "$out" | awk '/Non-2xx/ {print $5}')
    p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
    awk -v r="$rps" -v n="$reqs" -v d="$((after - before))" -v t="$TICK" -v e="${non2xx:-0}" -v p="$p99" \
        'BEGIN {printf "%s %.2f %s %s\n", r, d * 1e6 / t / n, e, p}'
}

# compare NAME BASE_PIDS BASE_URL APP_PIDS APP_URL [-- base wrk args] [-- app wrk args]:
# interleaved rounds; the figure is the median of the per-round ratios.
compare() {
    local name=$1 bpids=$2 burl=$3 apids=$4 aurl=$5; shift 5
    local bargs=() aargs=()
    if [ "${1:-}" = "--" ]; then shift; while [ $# -gt 0 ] && [ "$1" != "--" ]; do bargs+=("$1"); shift; done; fi
    if [ "${1:-}" = "--" ]; then shift; aargs=("$@"); fi
    wrk -t2 -c"$CONNS" -d2s "${bargs[@]}" "$burl" >/dev/null
    wrk -t2 -c"$CONNS" -d2s "${aargs[@]}" "$aurl" >/dev/null
    local base=() app=() ratios=() bcpu=() acpu=() errors=0 p99s=()
    for r in $(seq "$ROUNDS"); do
        read -r b bc be _ <<<"$(measure "$bpids" "$burl" "${bargs[@]}")"
        read -r a ac e p <<<"$(measure "$apids" "$aurl" "${aargs[@]}")"
        base+=("$b"); app+=("$a"); bcpu+=("$bc"); acpu+=("$ac"); p99s+=("$p"); errors=$((errors + ${e:-0} + ${be:-0}))
        ratios+=("$(ratio "$a" "$b")")
        echo "  $name round $r: base $b req/s (${bc} us cpu/req), app $a req/s (${ac} us cpu/req, p99 $p)" >&2
    done
    local B A R BC AC
    B=$(printf '%s\n' "${base[@]}" | median); A=$(printf '%s\n' "${app[@]}" | median)
    R=$(printf '%s\n' "${ratios[@]}" | median)
    BC=$(printf '%s\n' "${bcpu[@]}" | median); AC=$(printf '%s\n' "${acpu[@]}" | median)
    local note=""
    # (compare runs in a pipeline's subshell: the mark is a file)
    [ "$errors" -gt 0 ] && note=" — INVALID: non-2xx answers, so this is not a throughput figure" && : >"$SH_RUN_DIR/INVALID"
    echo "| $name$note | $A | $B | **$R** | ${AC} µs / ${BC} µs | ${p99s[*]} | $errors |"
}

HEADER="| measured (app vs base) | app median req/s | base median req/s | ratio (median of paired rounds) | CPU per request app / base | app p99 per round | non-2xx |
|---|---|---|---|---|---|---|"
{
    echo "## $(date -u +%Y-%m-%d), $(nproc) cores, $(uname -m), wrk -t2 -c$CONNS, $ROUNDS interleaved rounds of ${DURATION}s"
    echo
    echo "$HEADER"
} | tee -a "$RESULTS"

if [ "$BENCH" = all ] || [ "$BENCH" = healthz ]; then
    compare "GET /healthz: sharedhall vs bare Beast" "$HELLO_PID" "http://127.0.0.1:$HELLO_PORT/healthz" \
        "$APP_PID" "http://127.0.0.1:$APP_PORT/healthz" | tee -a "$RESULTS"
    [ "$PEER" = 1 ] && compare "GET /healthz: sharedhall vs the Node peer" "$PEER_PIDS" \
        "http://127.0.0.1:$PEER_PORT/healthz" "$APP_PID" "http://127.0.0.1:$APP_PORT/healthz" | tee -a "$RESULTS"
fi

if [ "$BENCH" = all ] || [ "$BENCH" = availability ]; then
    # A hall with a 48-slot day: 15-minute slots, 09:00–21:00 every day.
    "${SQL[@]}" sharedhall -e "
        INSERT INTO venues (building_id, name, capacity, description, photos, slot_minutes, horizon_days, release_minute,
                            min_minutes, max_minutes, cancel_deadline_minutes, checkin_before_minutes, checkin_after_minutes)
        VALUES (1, '基准测试厅', 50, '', '[]', 15, 14, 480, 15, 240, 120, 15, 15);
        INSERT INTO venue_hours (venue_id, weekday, open_minute, close_minute)
        SELECT LAST_INSERT_ID(), d.n, 540, 1260 FROM (SELECT 1 n UNION SELECT 2 UNION SELECT 3 UNION SELECT 4
               UNION SELECT 5 UNION SELECT 6 UNION SELECT 7) d;"
    HALL=$("${SQL[@]}" sharedhall -e "SELECT MAX(id) FROM venues")
    DAY=$(TZ=Asia/Shanghai date -d "+3 day" +%Y-%m-%d)
    TOKEN=$(curl -s -X POST "http://127.0.0.1:$APP_PORT/api/v1/auth/login" -d '{"code":"bench"}' | json_field '["token"]')
    SLOTS=$(curl -s "http://127.0.0.1:$APP_PORT/api/v1/venues/$HALL/availability?date=$DAY" -H "Authorization: Bearer $TOKEN" |
        json_field '["slots"].__len__()')
    [ "$SLOTS" = 48 ] || { echo "bench hall has $SLOTS slots, expected 48" >&2; exit 1; }
    # Cold: a second instance with the availability cache off rebuilds every request from MySQL.
    SH_HTTP_PORT=$COLD_PORT "$BIN" serve --config "$ROOT/config/bench-cold.json" >"$SH_RUN_DIR/access-cold.log" 2>"$SH_RUN_DIR/server-cold.log" &
    COLD_PID=$!
    PIDS+=($COLD_PID)
    wait_port $COLD_PORT
    AUTH=(-H "Authorization: Bearer $TOKEN")
    AVAIL="http://127.0.0.1:$APP_PORT/api/v1/venues/$HALL/availability?date=$DAY"
    compare "availability of a 48-slot day, warm cache, signed in, vs bare /healthz" "$HELLO_PID" \
        "http://127.0.0.1:$HELLO_PORT/healthz" "$APP_PID" "$AVAIL" -- -- "${AUTH[@]}" | tee -a "$RESULTS"
    if [ "$PEER" = 1 ]; then
        # The peer's hall 1: 28 half-hour slots (08:00–22:00), its first seeded member.
        PEER_AUTH=(-H "Authorization: Bearer $(head -n1 "$PEER_DIR/.run/tokens.txt")")
        PEER_AVAIL="http://127.0.0.1:$PEER_PORT/api/v1/venues/1/availability?date=$DAY"
        curl -sf -o /dev/null "${PEER_AUTH[@]}" "$PEER_AVAIL" || { echo "peer availability failed" >&2; exit 1; }
        compare "availability of a day, warm cache, signed in: sharedhall (48 slots) vs the Node peer (28 slots)" \
            "$PEER_PIDS" "$PEER_AVAIL" "$APP_PID" "$AVAIL" -- "${PEER_AUTH[@]}" -- "${AUTH[@]}" | tee -a "$RESULTS"
    fi
    compare "availability of a 48-slot day, cold (rebuilt from MySQL every request), vs bare /healthz" "$HELLO_PID" \
        "http://127.0.0.1:$HELLO_PORT/healthz" "$COLD_PID" \
        "http://127.0.0.1:$COLD_PORT/api/v1/venues/$HALL/availability?date=$DAY" -- -- "${AUTH[@]}" | tee -a "$RESULTS"
fi

if [ "$BENCH" = all ] || [ "$BENCH" = booking ]; then
    source scripts/bench-booking.sh
fi

echo >>"$RESULTS"
if [ -f "$SH_RUN_DIR/INVALID" ]; then INVALID=1; fi
{
    echo "Access log lines written: $(cat "$SH_RUN_DIR"/access*.log | wc -l)"
    echo "Bench wall time: $(( $(date +%s) - BENCH_STARTED )) s (ROUNDS=$ROUNDS DURATION=$DURATION BENCH=$BENCH)."
    if [ -n "$INVALID" ]; then echo "RUN INVALID: see the lines in capitals above; these figures do not count."; fi
} | tee -a "$RESULTS"
[ -z "$INVALID" ]
