#!/usr/bin/env bash
# The soak (issue 12), run by hand: SOAK_SECONDS (default 600) of bookings at half the maximum
# booking rate, open loop, mixed with availability reads, statistics and check-ins, against one
# server with the production configuration (access log on, durable commits). The maximum is a
# 10 s closed loop of CLIENTS clients with the same reads and check-ins running beside it. Every
# 10 s it samples the server's RSS, open descriptors, threads and heap (glibc's bytes in use and
# held free, from /metrics), and MariaDB's and Redis's RSS. It
# fails unless: the server's RSS grew at most 10 % from the end of the warm-up (SOAK_WARMUP,
# default 120 s) to the end, its descriptor count stayed within a few of the warm-up's, no answer
# was a 5xx or missing, and the booking invariants hold. Loopback only; stops by itself.
#   scripts/soak.sh
#   SOAK_SECONDS=120 SOAK_WARMUP=30 scripts/soak.sh        # a short look
#   SOAK_RATE=800 scripts/soak.sh                          # a given booking rate, no measuring
# Figures to stdout and .run/soak/results.md; samples in .run/soak/samples.csv.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SOAK_SECONDS="${SOAK_SECONDS:-600}"
SOAK_WARMUP="${SOAK_WARMUP:-120}"
CLIENTS="${CLIENTS:-16}"
READS_PER_SECOND="${READS_PER_SECOND:-400}"
CHECKINS_PER_SECOND="${CHECKINS_PER_SECOND:-2}"
APP_PORT=18280
FAKE_PORT=18282

source scripts/bench-setup.sh
source scripts/lib/invariants.sh
bench_setup soak 13311 16384 sharedhall sh_booker
BOOKER="$BUILD_DIR/tests/sh_booker"
"$BIN" migrate --config "$CONFIG" >/dev/null
"$BIN" seed-demo --config "$CONFIG" >/dev/null
"$BIN" grant-role --config "$CONFIG" --openid openid-office --role district_admin >/dev/null
"$BIN" fake-wechat --port $FAKE_PORT --config "$CONFIG" >"$SH_RUN_DIR/fake.log" 2>&1 &
PIDS+=($!)
SH_HTTP_PORT=$APP_PORT SH_WECHAT_BASE_URL=http://127.0.0.1:$FAKE_PORT "$BIN" serve --config "$CONFIG" \
    >"$SH_RUN_DIR/access.log" 2>"$SH_RUN_DIR/server.log" &
APP_PID=$!
PIDS+=($APP_PID)
for _ in $(seq 150); do curl -s -o /dev/null "http://127.0.0.1:$APP_PORT/healthz" && break; sleep 0.1; done
SQL=(mariadb -N -B -h127.0.0.1 -P"$SH_MYSQL_PORT" -usharedhall -p"$SH_MYSQL_PASSWORD" sharedhall)
MYSQLD_PID=$(cat "$SH_RUN_DIR/mysql/mysqld.pid")
REDIS_PID=$(redis-cli -p "$SH_REDIS_PORT" INFO server | awk -F: '/^process_id/ {print $2}' | tr -d '\r')

# Halls: 400 for the bookings (09:00-21:00, as the benchmark's: 19,200 slots a day, so that a
# soak at 1,500 bookings a second stays within the 90-day horizon), 500 open all day for the
# check-ins (check-in from 60 minutes before the start), each with its check-in code.
halls() {  # halls NAME COUNT OPEN_MINUTE CLOSE_MINUTE CHECKIN_BEFORE_MINUTES: COUNT halls in building 1
    "${SQL[@]}" -e "
    INSERT INTO venues (building_id, name, capacity, description, photos, slot_minutes, horizon_days, release_minute,
                        min_minutes, max_minutes, cancel_deadline_minutes, checkin_before_minutes, checkin_after_minutes)
    SELECT 1, CONCAT('$1', seq), 50, '', '[]', 15, 90, 0, 15, 240, 120, $5, 15 FROM seq_1_to_$2;
    SET @first = LAST_INSERT_ID();
    INSERT INTO venue_hours (venue_id, weekday, open_minute, close_minute)
    SELECT @first + h.seq - 1, d.seq, $3, $4 FROM seq_1_to_$2 h JOIN seq_1_to_7 d;"
}
halls 耐久厅 400 540 1260 15
halls 签到厅 500 0 1440 60
"${SQL[@]}" -e "UPDATE venues SET checkin_code = CONCAT('soak', LPAD(id, 20, '0')) WHERE name LIKE '签到厅%'"
HALLS=$("${SQL[@]}" -e "SELECT GROUP_CONCAT(id ORDER BY id) FROM venues WHERE name LIKE '耐久厅%'")
"${SQL[@]}" -e "SELECT id, checkin_code FROM venues WHERE name LIKE '签到厅%' ORDER BY id" >"$SH_RUN_DIR/checkin-halls.txt"
"$BOOKER" login --port $APP_PORT --users 4000 --prefix soak >"$SH_RUN_DIR/tokens.txt"
ADMIN=$(curl -s -X POST "http://127.0.0.1:$APP_PORT/api/v1/auth/login" -d '{"code":"office"}' |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
TODAY=$(TZ=Asia/Shanghai date +%Y-%m-%d)
day_after() { TZ=Asia/Shanghai date -d "$TODAY +$1 day" +%Y-%m-%d; }
field() { python3 -c "import json,sys; r=json.load(sys.stdin); print(r$1)"; }
IDS="$SH_RUN_DIR/ids.txt"
: >"$IDS"

MIX=(--ports $APP_PORT --tokens "$SH_RUN_DIR/tokens.txt" --admin-token "$ADMIN" --venues "$HALLS" --first-day "$TODAY"
     --rate "$READS_PER_SECOND" --concurrency 16 --checkin-halls "$SH_RUN_DIR/checkin-halls.txt"
     --checkins-per-second "$CHECKINS_PER_SECOND")
# The maximum: a 10 s closed loop of CLIENTS clients beside the reads and check-ins; the soak
# books at half of it.
if [ -z "${SOAK_RATE:-}" ]; then
    "$BOOKER" mix "${MIX[@]}" --duration 12 >/dev/null &
    MIX_PID=$!
    MAX=$("$BOOKER" closed --ports $APP_PORT --tokens "$SH_RUN_DIR/tokens.txt" --venues "$HALLS" --first-day "$(day_after 1)" \
        --concurrency "$CLIENTS" --duration 10 --warmup 1 --idempotency 1 --ids-out "$IDS")
    wait "$MIX_PID"
    echo "closed loop beside the reads: $MAX" >&2
    SOAK_RATE=$(echo "$MAX" | field '["per_second"]' | awk '{printf "%d", $1 / 2}')
    FIRST_DAY=$(day_after $((1 + $(echo "$MAX" | field '["days_used"]'))))
else  # a moment of bookings all the same, so that every pool is open before the idle sample
    WARM=$("$BOOKER" closed --ports $APP_PORT --tokens "$SH_RUN_DIR/tokens.txt" --venues "$HALLS" --first-day "$(day_after 1)" \
        --concurrency "$CLIENTS" --duration 2 --warmup 0 --idempotency 1 --ids-out "$IDS")
    FIRST_DAY=$(day_after $((1 + $(echo "$WARM" | field '["days_used"]'))))
fi
echo "soak: ${SOAK_SECONDS}s, bookings at $SOAK_RATE/s, reads at $READS_PER_SECOND/s, $CHECKINS_PER_SECOND check-ins/s" >&2

# Samples: seconds, the server's RSS (kB), descriptors, threads, heap in use and held free (kB);
# MariaDB's and Redis's RSS (kB).
rss() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
heap() { curl -s "http://127.0.0.1:$APP_PORT/metrics" | awk '$1 == "sh_heap_in_use_bytes" {u = $2} $1 == "sh_heap_free_bytes" {f = $2}
                                                            END {printf "%d,%d", u / 1024, f / 1024}'; }
echo "seconds,server_rss_kb,server_fds,server_threads,heap_in_use_kb,heap_free_kb,mariadb_rss_kb,redis_rss_kb" >"$SH_RUN_DIR/samples.csv"
(
    t0=$(date +%s)
    while kill -0 "$APP_PID" 2>/dev/null; do
        echo "$(( $(date +%s) - t0 )),$(rss "$APP_PID"),$(ls "/proc/$APP_PID/fd" | wc -l),$(awk '/^Threads/ {print $2}' "/proc/$APP_PID/status"),$(heap),$(rss "$MYSQLD_PID"),$(rss "$REDIS_PID")" \
            >>"$SH_RUN_DIR/samples.csv"
        sleep 10
    done
) &
SAMPLER=$!
PIDS+=($SAMPLER)

"$BOOKER" open --ports $APP_PORT --tokens "$SH_RUN_DIR/tokens.txt" --venues "$HALLS" --first-day "$FIRST_DAY" \
    --user-offset 1000 --rate "$SOAK_RATE" --concurrency 64 --duration "$SOAK_SECONDS" --warmup 0 --idempotency 1 \
    --ids-out "$IDS" >"$SH_RUN_DIR/bookings.json" &
BOOKINGS_PID=$!
SOAK_FROM=$(date -u +%Y-%m-%dT%H:%M:%S)
"$BOOKER" mix "${MIX[@]}" --duration "$SOAK_SECONDS" >"$SH_RUN_DIR/mix.json"
wait "$BOOKINGS_PID"
sleep 12  # one more sample after the load
kill "$SAMPLER" 2>/dev/null || true

INVARIANTS=$(booking_invariants "$IDS" "${SQL[@]}") && HELD=1 || HELD=0
python3 - "$SH_RUN_DIR" "$SOAK_WARMUP" "$SOAK_SECONDS" "$SOAK_RATE" "$INVARIANTS" "$HELD" "$SOAK_FROM" <<'PY' | tee -a "$RESULTS"
import csv, json, sys
run, warmup, seconds, rate, invariants, held, since = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6] == "1", sys.argv[7]
rows = [{k: int(v) for k, v in r.items()} for r in csv.DictReader(open(f"{run}/samples.csv"))]
idle, end = rows[0], rows[-1]  # before the load, and 10 s after it
after = [r for r in rows if warmup <= r["seconds"] < seconds] or rows[1:-1]  # under load, after the warm-up
base, last = after[0], after[-1]
growth = (last["server_rss_kb"] - base["server_rss_kb"]) / base["server_rss_kb"]
fds = [r["server_fds"] for r in after]
bookings = json.load(open(f"{run}/bookings.json"))
mix = json.load(open(f"{run}/mix.json"))
kinds = {"bookings (open loop)": bookings, **{k: v for k, v in mix.items()}}
bad = {k: sum(n for s, n in v["statuses"].items() if s == "0" or s.startswith("5")) for k, v in kinds.items()}
# Descriptors: steady under load (the clients' connections are fixed), and back to the idle count
# (+2 for a log being rotated or a pool connection reopened) once the clients have gone.
ok = growth <= 0.10 and max(fds) - min(fds) <= 8 and end["server_fds"] <= idle["server_fds"] + 2 \
    and sum(bad.values()) == 0 and held
print(f"\n### Soak: {seconds} s, bookings at {rate}/s (half the closed-loop maximum), with reads, statistics and check-ins\n")
print("| traffic | answers | per second | statuses | p50 ms | p99 ms | max ms |")
print("|---|---|---|---|---|---|---|")
for k, v in kinds.items():
    print(f"| {k} | {v['requests']} | {v['per_second']:.0f} | {v['statuses']} | {v['p50_ms']:.1f} | {v['p99_ms']:.1f} | {v['max_ms']:.1f} |")
print()
print("| the server, after the warm-up | at {}s | at {}s | min – max |".format(base["seconds"], last["seconds"]))
print("|---|---|---|---|")
rss = [r["server_rss_kb"] for r in after]
print(f"| RSS, MiB (growth {growth * 100:+.1f} %, limit +10 %) | {base['server_rss_kb'] / 1024:.1f} | {last['server_rss_kb'] / 1024:.1f} | {min(rss) / 1024:.1f} – {max(rss) / 1024:.1f} |")
print(f"| open descriptors (before the load {idle['server_fds']}, 10 s after it {end['server_fds']}) | {base['server_fds']} | {last['server_fds']} | {min(fds)} – {max(fds)} |")
th = [r["server_threads"] for r in after]
print(f"| threads | {base['server_threads']} | {last['server_threads']} | {min(th)} – {max(th)} |")
db = [r["mariadb_rss_kb"] for r in after]
print(f"| MariaDB RSS, MiB | {base['mariadb_rss_kb'] / 1024:.0f} | {last['mariadb_rss_kb'] / 1024:.0f} | {min(db) / 1024:.0f} – {max(db) / 1024:.0f} |")
rd = [r["redis_rss_kb"] for r in after]
print(f"| Redis RSS, MiB | {base['redis_rss_kb'] / 1024:.0f} | {last['redis_rss_kb'] / 1024:.0f} | {min(rd) / 1024:.0f} – {max(rd) / 1024:.0f} |")
heap = [r["heap_in_use_kb"] for r in after]
print(f"| heap in use (glibc), MiB | {base['heap_in_use_kb'] / 1024:.1f} | {last['heap_in_use_kb'] / 1024:.1f} | {min(heap) / 1024:.1f} – {max(heap) / 1024:.1f} |")
hf = [r["heap_free_kb"] for r in after]
print(f"| heap held free (glibc), MiB | {base['heap_free_kb'] / 1024:.1f} | {last['heap_free_kb'] / 1024:.1f} | {min(hf) / 1024:.1f} – {max(hf) / 1024:.1f} |")
# Minute by minute: the server's RSS and heap, and the bookings' latency as the server saw it
# (its access log), so that a trend shows where it starts.
minutes = {}
for line in open(f"{run}/access.log"):
    if '"route":"/api/v1/bookings"' not in line or '"method":"POST"' not in line: continue
    j = json.loads(line)
    if j["ts"][:19] < since: continue
    minutes.setdefault(j["ts"][:16], []).append(j["latency_ms"])
print()
print("| minute (UTC) | bookings answered | server p50 ms | server p99 ms | RSS MiB | heap in use MiB |")
print("|---|---|---|---|---|---|")
for i, (m, lat) in enumerate(sorted(minutes.items())):
    lat.sort()
    near = [r for r in rows if i * 60 <= r["seconds"] < (i + 1) * 60] or rows[-1:]
    print(f"| {m[11:]} | {len(lat)} | {lat[len(lat) // 2]:.1f} | {lat[int(len(lat) * 0.99)]:.1f} | "
          f"{near[-1]['server_rss_kb'] / 1024:.1f} | {near[-1]['heap_in_use_kb'] / 1024:.1f} |")
print()
print(f"5xx or no answer: {bad}. Invariants: {invariants}.")
print(f"Verdict: **{'held' if ok else 'FAILED'}** (samples every 10 s in .run/soak/samples.csv).")
sys.exit(0 if ok else 1)
PY
