#!/usr/bin/env bash
# Bookings through the loopback cluster (scripts/cluster.sh), loopback only, stops by itself:
#   (a) closed loop through nginx over TLS (round-robin over three instances, haproxy's one
#       Galera writer), CLIENTS keep-alive clients, DURATION seconds;
#   (a2) the same load straight at the three instances over plain HTTP (no nginx, no TLS);
#   (b) the same load straight at one instance over plain HTTP (same Galera, no nginx, no TLS);
#   (c) a burst: 5,000 attempts on 20 slots through nginx, 64 clients.
# Then the invariants on the writer: no two live bookings of a hall overlap, every live booking
# has its quanta, every 201 a client saw is a live booking. Results in .run/cluster/bench.md.
#   CLIENTS=16 DURATION=5 scripts/bench-cluster.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
CLIENTS="${CLIENTS:-16}" DURATION="${DURATION:-5}"
BUILD_DIR="${SH_BUILD_DIR:-$ROOT/build}"
export CCACHE_BASEDIR="$ROOT" CCACHE_NOHASHDIR=true
cmake --build "$BUILD_DIR" -j "$(nproc)" --target sharedhall sh_booker >/dev/null
BOOKER="$BUILD_DIR/tests/sh_booker"
DIR="${SH_CLUSTER_DIR:-$ROOT/.run/cluster}"
export SH_CLUSTER_DIR="$DIR"
bash scripts/cluster.sh start >/dev/null
CA="$DIR/tls/ca.pem" NGINX=14443 APP1=14081
OUT="$DIR/bench"; rm -rf "$OUT"; mkdir -p "$OUT"
SQL=(env MYSQL_PWD=sharedhall-cluster mariadb -h127.0.0.1 -P14306 -usharedhall -N -B sharedhall)
json_field() { python3 -c "import json,sys; r=json.load(sys.stdin); print(r$1)"; }
TAG="b$(date +%s)"

# 200 halls, 15-minute slots 09:00-21:00 every day, 90 days ahead. Galera steps AUTO_INCREMENT
# by the cluster size, so the hours are written against the ids read back, not LAST_INSERT_ID()+n.
"${SQL[@]}" -e "INSERT INTO venues (building_id, name, capacity, description, photos, slot_minutes, horizon_days,
    release_minute, min_minutes, max_minutes, cancel_deadline_minutes, checkin_before_minutes, checkin_after_minutes)
    SELECT (SELECT MIN(id) FROM buildings), CONCAT('$TAG-', seq), 50, '', '[]', 15, 90, 0, 15, 240, 120, 15, 15 FROM seq_1_to_200"
HALLS=$("${SQL[@]}" -e "SELECT GROUP_CONCAT(id ORDER BY id) FROM venues WHERE name LIKE '$TAG-%'")
VALUES=$(echo "$HALLS" | tr ',' '\n' | awk '{for (d = 1; d <= 7; d++) printf "%s(%s,%d,540,1260)", (NR > 1 || d > 1 ? "," : ""), $1, d}')
"${SQL[@]}" -e "INSERT INTO venue_hours (venue_id, weekday, open_minute, close_minute) VALUES $VALUES"
HOT=${HALLS##*,} SPREAD=${HALLS%,*}

# Members signed in through nginx from five addresses (the per-address limit is 1,200 a
# minute). The cluster runs the production quotas (5 bookings to come, 2 a day), so the walk
# puts 4 slots on a hall's day: a member's next request falls days later, and each of the 4,000
# books at most twice in a run (the runs start at different members; a member past the quotas
# gets 403, counted apart: "bookings made" is the 201s). The burst has its own 1,000.
for s in 1 2 3 4 5; do
    "$BOOKER" login --port $NGINX --ca "$CA" --source "127.0.4.$s" --users 1000 --prefix "$TAG-$s" >"$OUT/tokens-$s.txt" &
done
wait
cat "$OUT"/tokens-[1234].txt >"$OUT/tokens.txt"
WALK=(--venues "$SPREAD" --slots-per-day 4)
TODAY=$(TZ=Asia/Shanghai date +%Y-%m-%d)
day_after() { TZ=Asia/Shanghai date -d "$TODAY +$1 day" +%Y-%m-%d; }

: >"$OUT/ids.txt"
A=$("$BOOKER" closed --ports $NGINX --ca "$CA" --tokens "$OUT/tokens.txt" "${WALK[@]}" --first-day "$(day_after 2)" \
    --concurrency "$CLIENTS" --duration "$DURATION" --warmup 1 --idempotency 1 --ids-out "$OUT/ids.txt")
A2=$("$BOOKER" closed --ports 14081,14082,14083 --tokens "$OUT/tokens.txt" "${WALK[@]}" --first-day "$(day_after 20)" \
    --user-offset 1300 --concurrency "$CLIENTS" --duration "$DURATION" --warmup 1 --idempotency 1 --ids-out "$OUT/ids.txt")
B=$("$BOOKER" closed --ports $APP1 --tokens "$OUT/tokens.txt" "${WALK[@]}" --first-day "$(day_after 40)" \
    --user-offset 2600 --concurrency "$CLIENTS" --duration "$DURATION" --warmup 1 --idempotency 1 --ids-out "$OUT/ids.txt")
C=$("$BOOKER" burst --ports $NGINX --ca "$CA" --tokens "$OUT/tokens-5.txt" --venue "$HOT" --date "$(day_after 7)" \
    --slots 20 --attempts 5000 --concurrency 64)
WINNERS=$("${SQL[@]}" -e "SELECT COUNT(*) FROM bookings WHERE venue_id = $HOT AND status = 'confirmed'")

source scripts/lib/invariants.sh
INVARIANTS=$(booking_invariants "$OUT/ids.txt" "${SQL[@]}") && HELD=1 || HELD=0

row() { echo "$1" | python3 -c "
import json,sys
r = json.load(sys.stdin)
made = r['statuses'].get('201', 0) / r['seconds']
print(f\"| $2 | {made:,.0f}/s | {r['per_second']:,.0f}/s | {r['p50_ms']:.1f} ms | {r['p99_ms']:.1f} ms | {r['statuses']} |\")"; }
{
    echo "Bookings through the loopback cluster ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, CLIENTS=$CLIENTS DURATION=$DURATION)"
    echo
    echo "| load | bookings made | answers | p50 | p99 | statuses |"
    echo "|---|---|---|---|---|---|"
    row "$A" "(a) closed loop through nginx (TLS) to 3 instances"
    row "$A2" "(a2) closed loop straight at the 3 instances (HTTP)"
    row "$B" "(b) closed loop straight at one instance (HTTP)"
    row "$C" "(c) burst: 5,000 attempts on 20 slots through nginx"
    echo
    echo "Burst winners: $WINNERS of 20 slots. Invariants: $INVARIANTS."
} | tee "$DIR/bench.md"
[ "$HELD" = 1 ] && [ "$WINNERS" = 20 ]
