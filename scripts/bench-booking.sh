# Sourced by scripts/bench.sh: the booking benchmarks, side by side with the Node peer.
#   (a) C: raw durable single-row autocommit INSERTs (mariadb-slap), the database's own figure;
#   (b) uncontended bookings, closed loop, BOOKING_CLIENTS clients, in interleaved rounds of
#       sharedhall, the peer, C_tx (our booking transaction straight at MariaDB) and C;
#   (d) open loop at half of (b)'s median rate: latency from each request's intended send time;
#   (c) hot slots: 5,000 attempts on 20 slots across two server processes.
# After the runs the invariants are checked in MySQL: no quantum owned twice, every booking has
# its quanta, every 201 a client saw is a booking.
BOOKER="$BUILD_DIR/tests/sh_booker"
CTX="$BUILD_DIR/tests/sh_ctx"
TODAY=$(TZ=Asia/Shanghai date +%Y-%m-%d)
day_after() { TZ=Asia/Shanghai date -d "$TODAY +$1 day" +%Y-%m-%d; }
cpu_us_per() { awk -v d="$1" -v t="$TICK" -v n="$2" 'BEGIN {if (n > 0) printf "%.0f", d * 1e6 / t / n; else print "–"}'; }
lines() { [ -f "$1" ] && wc -l <"$1" || echo 0; }

# Bench halls: 200 halls, 15-minute slots 09:00–21:00 every day, bookable 90 days ahead.
"${SQL[@]}" sharedhall -e "
    INSERT INTO venues (building_id, name, capacity, description, photos, slot_minutes, horizon_days, release_minute,
                        min_minutes, max_minutes, cancel_deadline_minutes, checkin_before_minutes, checkin_after_minutes)
    SELECT 1, CONCAT('基准厅', seq), 50, '', '[]', 15, 90, 0, 15, 240, 120, 15, 15 FROM seq_1_to_200;
    SET @first = LAST_INSERT_ID();
    INSERT INTO venue_hours (venue_id, weekday, open_minute, close_minute)
    SELECT @first + h.seq - 1, d.seq, 540, 1260 FROM seq_1_to_200 h JOIN seq_1_to_7 d;"
HALLS=$("${SQL[@]}" sharedhall -e "SELECT GROUP_CONCAT(id ORDER BY id) FROM venues WHERE name LIKE '基准厅%'")
HOT=${HALLS##*,}
SPREAD=${HALLS%,*}
# 4,000 members signed in through the API (the peer's seed writes its 1,000 members' sessions).
# Each books every few seconds, so their sessions stay warm as a member's does while using the
# mini-program. They book far more
# than the production quotas allow (5 to come, 2 a day), so config/bench.json raises those
# limits; every booking still runs the same quota checks and reads.
MEMBERS=4000
"$BOOKER" login --port $APP_PORT --users $MEMBERS --prefix spread >"$SH_RUN_DIR/tokens.txt"
# Other users for the burst, signed in through the API.
"$BOOKER" login --port $APP_PORT --users 1000 --prefix hot >"$SH_RUN_DIR/tokens-hot.txt"
IDS="$SH_RUN_DIR/ids.txt" PEER_IDS="$SH_RUN_DIR/peer-ids.txt"
: >"$IDS"; : >"$PEER_IDS"
WALK=(--venues "$SPREAD")
PEER_WALK=(--venues "$(seq -s, 1 100)" --first-minute 480 --slot-minutes 30 --slots-per-day 28)
CURSOR=1 PEER_CURSOR=1
USERS_USED=0  # the walks go on through the members from run to run, so no one passes a quota
# closed_run PORT TOKENS IDS_FILE FIRST_DAY SERVER_PIDS DB_PID WALK... -> "rate p99 days made cpu_server_us cpu_db_us non201"
# (each run warms up for 1 s uncounted: connections, statement caches, the peer's JIT)
closed_run() {
    local port=$1 tokens=$2 ids=$3 first=$4 server_pids=$5 db_pid=$6; shift 6
    local before_ids s0 d0 out s1 d1 made
    before_ids=$(lines "$ids"); s0=$(cpu_ticks "$server_pids"); d0=$(cpu_ticks "$db_pid")
    out=$("$BOOKER" closed --ports "$port" --tokens "$tokens" "$@" --first-day "$first" --user-offset "$USERS_USED" \
        --concurrency "$BOOKING_CLIENTS" --duration "$DURATION" --warmup 1 --idempotency 1 --ids-out "$ids")
    s1=$(cpu_ticks "$server_pids"); d1=$(cpu_ticks "$db_pid")
    made=$(( $(lines "$ids") - before_ids ))
    echo "$out" >>"$SH_RUN_DIR/booking-runs.jsonl"
    echo "$(echo "$out" | json_field '["sent"]')" >"$SH_RUN_DIR/sent"
    echo "$(echo "$out" | json_field '["per_second"]') $(echo "$out" | json_field '["p99_ms"]') \
$(echo "$out" | json_field '["days_used"]') $made $(cpu_us_per $((s1 - s0)) "$made") $(cpu_us_per $((d1 - d0)) "$made") \
$(echo "$out" | json_field '["requests"] - r["statuses"].get("201", 0)')"
}

RAW_N=20000
slap() {
    mariadb-slap -h127.0.0.1 -P"$SH_MYSQL_PORT" -usharedhall -p"$SH_MYSQL_PASSWORD" \
        --create-schema=sharedhall_slap --concurrency="$BOOKING_CLIENTS" --iterations=1 --number-of-queries=$RAW_N \
        --create="CREATE TABLE t (id BIGINT AUTO_INCREMENT PRIMARY KEY, v INT NOT NULL, s VARCHAR(40) NOT NULL) ENGINE=InnoDB" \
        --query="INSERT INTO t (v, s) VALUES (1, 'x')" 2>&1 |
        awk -v n=$RAW_N '/Average number of seconds to run all queries/ {printf "%.0f", n / $(NF-1)}'
}

OURS=() PEERS=() CTXS=() CTXBS=() RAWS=() R_PEER=() R_CTX=() R_CTXB=() R_RAW=()
OURS_CPU=() OURS_DB=() PEER_CPU=() PEER_DB=() CTX_DB=() OURS_P99=() PEER_P99=() BAD=0
for r in $(seq "$ROUNDS"); do
    read -r rate p99 days made cpu db bad <<<"$(closed_run $APP_PORT "$SH_RUN_DIR/tokens.txt" "$IDS" \
        "$(day_after $CURSOR)" "$APP_PID" "$MYSQLD_PID" "${WALK[@]}")"
    CURSOR=$((CURSOR + days)); BAD=$((BAD + bad)); USERS_USED=$((USERS_USED + $(cat "$SH_RUN_DIR/sent")))
    OURS+=("$rate"); OURS_P99+=("$p99"); OURS_CPU+=("$cpu"); OURS_DB+=("$db")
    line="  bookings round $r: sharedhall $rate/s (p99 $p99 ms, CPU per booking: server $cpu µs, MariaDB $db µs)"
    if [ "$PEER" = 1 ]; then
        read -r prate pp99 pdays pmade pcpu pdb pbad <<<"$(closed_run $PEER_PORT "$PEER_DIR/.run/tokens.txt" "$PEER_IDS" \
            "$(day_after $PEER_CURSOR)" "$PEER_PIDS" "$PEER_MYSQLD_PID" "${PEER_WALK[@]}")"
        PEER_CURSOR=$((PEER_CURSOR + pdays)); BAD=$((BAD + pbad))
        PEERS+=("$prate"); PEER_P99+=("$pp99"); PEER_CPU+=("$pcpu"); PEER_DB+=("$pdb"); R_PEER+=("$(ratio "$rate" "$prate")")
        line+="; peer $prate/s (p99 $pp99 ms, node $pcpu µs, MariaDB $pdb µs)"
    fi
    d0=$(cpu_ticks "$MYSQLD_PID")
    CTX_OUT=$("$CTX" --config "$CONFIG" --users "$MEMBERS" "${WALK[@]}" --first-day "$(day_after $CURSOR)" --user-offset "$USERS_USED" \
        --concurrency "$BOOKING_CLIENTS" --duration "$DURATION" --warmup 1 --idempotency 1)
    d1=$(cpu_ticks "$MYSQLD_PID")
    echo "$CTX_OUT" >>"$SH_RUN_DIR/booking-runs.jsonl"
    CURSOR=$((CURSOR + $(echo "$CTX_OUT" | json_field '["days_used"]')))
    USERS_USED=$((USERS_USED + $(echo "$CTX_OUT" | json_field '["sent"]')))
    crate=$(echo "$CTX_OUT" | json_field '["per_second"]')
    CTXS+=("$crate"); CTX_DB+=("$(cpu_us_per $((d1 - d0)) "$(echo "$CTX_OUT" | json_field '["sent"]')")")
    R_CTX+=("$(ratio "$rate" "$crate")")
    # The same transaction in the server's batches: its booking connections (2) each deciding up
    # to 8 of the 16 clients' requests at once — the floor of this design on this machine.
    CTXB_OUT=$("$CTX" --config "$CONFIG" --users "$MEMBERS" "${WALK[@]}" --first-day "$(day_after $CURSOR)" --user-offset "$USERS_USED" \
        --concurrency 2 --batch 8 --duration "$DURATION" --warmup 1 --idempotency 1)
    echo "$CTXB_OUT" >>"$SH_RUN_DIR/booking-runs.jsonl"
    CURSOR=$((CURSOR + $(echo "$CTXB_OUT" | json_field '["days_used"]')))
    USERS_USED=$((USERS_USED + $(echo "$CTXB_OUT" | json_field '["sent"]')))
    cbrate=$(echo "$CTXB_OUT" | json_field '["per_second"]')
    CTXBS+=("$cbrate"); R_CTXB+=("$(ratio "$rate" "$cbrate")")
    raw=$(slap)
    RAWS+=("$raw"); R_RAW+=("$(ratio "$rate" "$raw")")
    echo "$line; C_tx $crate/s, in batches $cbrate/s; C $raw inserts/s" >&2
done
med() { printf '%s\n' "$@" | grep -v '^–$' | median; }
metric() { curl -s "http://127.0.0.1:$APP_PORT/metrics" | awk -v m="$1" '$1 == m {print $2}'; }
MEAN_BATCH=$(awk -v r="$(metric sh_booking_batched_requests_total)" -v b="$(metric sh_booking_batches_total)" \
    'BEGIN {if (b > 0) printf "%.1f", r / b; else print "–"}')

# (d) Open loop at half of the median closed-loop rate; latency from each intended send time.
HALF=$(awk -v r="$(med "${OURS[@]}")" 'BEGIN {printf "%d", r / 2}')
OPEN=$("$BOOKER" open --ports $APP_PORT --tokens "$SH_RUN_DIR/tokens.txt" "${WALK[@]}" --first-day "$(day_after $CURSOR)" \
    --user-offset "$USERS_USED" \
    --rate "$HALF" --concurrency 64 --duration $((DURATION * 2)) --warmup 1 --idempotency 1 --ids-out "$IDS")
CURSOR=$((CURSOR + $(echo "$OPEN" | json_field '["days_used"]')))
if [ "$PEER" = 1 ]; then
    PEER_HALF=$(awk -v r="$(med "${PEERS[@]}")" 'BEGIN {printf "%d", r / 2}')
    PEER_OPEN=$("$BOOKER" open --ports $PEER_PORT --tokens "$PEER_DIR/.run/tokens.txt" "${PEER_WALK[@]}" \
        --first-day "$(day_after $PEER_CURSOR)" --rate "$PEER_HALF" --concurrency 64 --duration $((DURATION * 2)) \
        --warmup 1 --idempotency 1 --ids-out "$PEER_IDS")
fi

# The invariants of (b) and (d): no two live bookings of a hall overlap; every live booking owns
# all its quanta; every 201 a client saw is a booking (and no id was answered twice).
check_ids() {  # check_ids IDS_FILE SQL... -> ids missing from the bookings table
    {
        echo "CREATE TEMPORARY TABLE seen (id BIGINT UNSIGNED NOT NULL);"
        awk 'NR % 1000 == 1 {if (NR > 1) print ";"; printf "INSERT INTO seen VALUES (%s)", $1; next} {printf ",(%s)", $1} END {if (NR) print ";"}' "$1"
        echo "SELECT COUNT(*) FROM seen s LEFT JOIN bookings b ON b.id = s.id WHERE b.id IS NULL;"
    } | "${@:2}"
}
source scripts/lib/invariants.sh
INVARIANTS=$(booking_invariants "$IDS" "${SQL[@]}" sharedhall) || INVALID_INVARIANTS=1
if [ "$PEER" = 1 ]; then
    P_OVER=$("${PEER_SQL[@]}" -e "
        SELECT COUNT(*) FROM (SELECT date, start_min, LAG(end_min) OVER (PARTITION BY venue_id, date ORDER BY start_min, id) prev_end
                              FROM bookings WHERE status IN ('confirmed','pending')) x WHERE prev_end > start_min")
    P_MISSING=$(check_ids "$PEER_IDS" "${PEER_SQL[@]}")
    PEER_INVARIANTS="overlapping live bookings $P_OVER, 201s not in MySQL $P_MISSING of $(lines "$PEER_IDS")"
fi
[ -z "${INVALID_INVARIANTS:-}" ] || { echo "BOOKING INVARIANTS BROKEN: $INVARIANTS" >&2; INVALID=1; }

# (c) Hot slots: 5,000 attempts from 1,000 users on 20 slots, across two server processes.
SH_HTTP_PORT=$SECOND_PORT "$BIN" serve --config "$CONFIG" >"$SH_RUN_DIR/access-second.log" 2>"$SH_RUN_DIR/server-second.log" &
PIDS+=($!)
wait_port $SECOND_PORT
attempts_now() {
    local total=0 p v
    for p in $APP_PORT $SECOND_PORT; do
        v=$(curl -s "http://127.0.0.1:$p/metrics" | awk '$1 == "sh_booking_mysql_attempts_total" {print $2}')
        total=$((total + v))
    done
    echo $total
}
HOT_DAY=$(day_after 7)
BEFORE=$(attempts_now)
BURST=$("$BOOKER" burst --ports $APP_PORT,$SECOND_PORT --tokens "$SH_RUN_DIR/tokens-hot.txt" --venue "$HOT" \
    --date "$HOT_DAY" --slots 20 --attempts 5000 --concurrency 64)
MYSQL_ATTEMPTS=$(( $(attempts_now) - BEFORE ))
WINNERS=$("${SQL[@]}" sharedhall -e "SELECT COUNT(*) FROM bookings WHERE venue_id = $HOT AND status = 'confirmed'")
OWNED=$("${SQL[@]}" sharedhall -e "SELECT COUNT(*) FROM booking_quanta WHERE venue_id = $HOT")
read -r FIVEXX P99 C_RATE <<<"$(echo "$BURST" | python3 -c '
import json,sys
r = json.load(sys.stdin)
print(sum(v for k, v in r["statuses"].items() if k.startswith("5") or k == "0"), r["p99_ms"], round(r["per_second"]))')"
BUDGET=$(( 2 * 20 + 5000 * 5 / 100 ))

row() {  # row NAME VALUES... -> "| NAME | v1 | v2 | ... | **median** |"
    local name=$1; shift
    echo "| $name | $(printf '%s | ' "$@")**$(med "$@")** |"
}
{
    echo
    echo "### Bookings (MariaDB durable commits, innodb_flush_log_at_trx_commit=1; $BOOKING_CLIENTS clients; ${DURATION}s rounds after 1s warm-up)"
    echo
    echo "Each booking request carries an Idempotency-Key (the peer ignores it). C_tx runs our booking transaction"
    echo "(booking::book_all on MysqlBookingStore, the server's code and statements) straight at the same MariaDB"
    echo "from $BOOKING_CLIENTS threads, one booking per transaction as the issue defines it; \"C_tx in batches\" runs it as"
    echo "the server's booking connections do under load. C is mariadb-slap's durable single-row INSERT at the"
    echo "same concurrency, $RAW_N queries."
    echo
    echo "| (b) uncontended bookings, per round | $(printf 'round %s | ' $(seq "$ROUNDS"))median |"
    echo "|---|$(printf -- '---|%.0s' $(seq "$ROUNDS"))---|"
    row "sharedhall bookings/s" "${OURS[@]}"
    [ "$PEER" = 1 ] && row "Node peer bookings/s" "${PEERS[@]}"
    row "C_tx: our transaction without the server, tx/s" "${CTXS[@]}"
    row "C_tx in batches: 2 connections × 8 requests per transaction, bookings/s" "${CTXBS[@]}"
    row "C: raw durable inserts/s" "${RAWS[@]}"
    [ "$PEER" = 1 ] && row "ratio sharedhall ÷ peer (goal ≥ 4)" "${R_PEER[@]}"
    row "ratio sharedhall ÷ C_tx (goal ≥ 0.8)" "${R_CTX[@]}"
    row "ratio sharedhall ÷ C_tx in batches" "${R_CTXB[@]}"
    row "ratio sharedhall ÷ C (goal ≥ 0.5)" "${R_RAW[@]}"
    row "sharedhall p99 ms (closed loop)" "${OURS_P99[@]}"
    [ "$PEER" = 1 ] && row "peer p99 ms (closed loop)" "${PEER_P99[@]}"
    row "CPU per booking, sharedhall server µs" "${OURS_CPU[@]}"
    row "CPU per booking, its MariaDB µs" "${OURS_DB[@]}"
    [ "$PEER" = 1 ] && row "CPU per booking, peer (3 node processes) µs" "${PEER_CPU[@]}"
    [ "$PEER" = 1 ] && row "CPU per booking, peer's MariaDB µs" "${PEER_DB[@]}"
    row "CPU per transaction, MariaDB under C_tx µs" "${CTX_DB[@]}"
    echo
    echo "Requests per booking transaction (the server's batches, over (b)): **$MEAN_BATCH**."
    echo "Answers other than 201 in (b): **$BAD**. Invariants after (b) and (d), sharedhall: **$INVARIANTS**."
    [ "$PEER" = 1 ] && echo "Peer: **$PEER_INVARIANTS**."
    echo
    echo "| (d) open loop, latency from the intended send time | rate sent | statuses | p50 ms | p99 ms | max ms |"
    echo "|---|---|---|---|---|---|"
    echo "$OPEN" | python3 -c "import json,sys; r=json.load(sys.stdin); print('| sharedhall at half its median rate (goal p99 < 50 ms) | $HALF/s | %s | %.1f | **%.1f** | %.1f |' % (r['statuses'], r['p50_ms'], r['p99_ms'], r['max_ms']))"
    [ "$PEER" = 1 ] && echo "$PEER_OPEN" | python3 -c "import json,sys; r=json.load(sys.stdin); print('| the peer at half its median rate | $PEER_HALF/s | %s | %.1f | **%.1f** | %.1f |' % (r['statuses'], r['p50_ms'], r['p99_ms'], r['max_ms']))"
    echo
    echo "| (c) hot slots: 5,000 attempts, 1,000 users, 20 slots, two server processes, 64 clients | figure |"
    echo "|---|---|"
    echo "| winners (quanta owned) | **$WINNERS** ($OWNED) |"
    echo "| 5xx / failed | **$FIVEXX** |"
    echo "| p99 | **${P99} ms** ($C_RATE attempts/s) |"
    echo "| MySQL booking transactions started | **$MYSQL_ATTEMPTS** (budget 2 × winners + 5 % of attempts = $BUDGET) |"
    echo
    echo "(c) raw: \`$BURST\`"
    echo
    echo "(d) raw: \`$OPEN\`"
} | tee -a "$RESULTS"
