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

# Bench halls: 200 halls, 15-minute slots 09:00–21:00 every day, bookable a year ahead (the walks of
# every step together use about 80 days; with 90 the open loop once ran past the horizon: INVALID).
"${SQL[@]}" sharedhall -e "
    INSERT INTO venues (building_id, name, capacity, description, photos, slot_minutes, horizon_days, release_minute,
                        min_minutes, max_minutes, cancel_deadline_minutes, checkin_before_minutes, checkin_after_minutes)
    SELECT 1, CONCAT('基准厅', seq), 50, '', '[]', 15, 365, 0, 15, 240, 120, 15, 15 FROM seq_1_to_200;
    SET @first = LAST_INSERT_ID();
    INSERT INTO venue_hours (venue_id, weekday, open_minute, close_minute)
    SELECT @first + h.seq - 1, d.seq, 540, 1260 FROM seq_1_to_200 h JOIN seq_1_to_7 d;"
HALLS=$("${SQL[@]}" sharedhall -e "SELECT GROUP_CONCAT(id ORDER BY id) FROM venues WHERE name LIKE '基准厅%'")
HOT=${HALLS##*,}
SPREAD=${HALLS%,*}
# 16,000 members signed in through the API (the peer's seed writes its 1,000 members' sessions),
# and 16,000 more for C_tx below. Enough that a member ends the run with a handful of bookings, as
# the production quotas keep them (5 to come): with 4,000, each member's quota read grew round by
# round with its bookings and every side but the peer (which reads no quotas) slowed with it. The
# quotas themselves are raised in config/bench.json; every booking still runs the same reads.
MEMBERS=16000
"$BOOKER" login --port $APP_PORT --users $MEMBERS --prefix spread >"$SH_RUN_DIR/tokens.txt"
# Other users for the burst, signed in through the API.
"$BOOKER" login --port $APP_PORT --users 1000 --prefix hot >"$SH_RUN_DIR/tokens-hot.txt"
IDS="$SH_RUN_DIR/ids.txt" PEER_IDS="$SH_RUN_DIR/peer-ids.txt"
: >"$IDS"; : >"$PEER_IDS"
# Both sides book half an hour: the peer's halls have 30-minute slots (its seed, which we do not
# change); ours are 15-minute halls, so each booking owns two quanta, as the peer's owns two keys.
WALK=(--venues "$SPREAD" --slot-minutes 30 --slots-per-day 24)
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

# The disk's own limit: durable 4 KiB writes, one after another (write + fdatasync), under .run/.
FSYNC_RATE=$(python3 - "$SH_RUN_DIR/fsync-probe" <<'PY'
import os, sys, time
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
block, n, t0 = b"x" * 4096, 0, time.monotonic()
while time.monotonic() - t0 < 3:
    os.pwrite(fd, block, (n % 256) * 4096); os.fdatasync(fd); n += 1
os.close(fd); os.unlink(sys.argv[1])
print(round(n / (time.monotonic() - t0)))
PY
)
# The fsyncs a MariaDB made so far (MariaDB 10.11 counts the redo log's with the data files' in
# Innodb_data_fsyncs: 100 autocommit inserts add 101); over a run, bookings per fsync shows what
# group commit already saves.
fsyncs() { "$@" -e "SHOW GLOBAL STATUS LIKE 'Innodb_data_fsyncs'" | awk '{print $2}'; }
per() { awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.1f", a / b; else print "–"}'; }

# C_tx books as members of its own, signed in like the others (their bookings never weigh on the
# quota reads of the server's members).
"$BOOKER" login --port $APP_PORT --users $MEMBERS --prefix ctx >/dev/null
CTX_USERS=(--users "$MEMBERS" --openid-prefix openid-ctx-)
CTX_USED=0

# One step each; every step sets STEP_* for the round. The order of the steps rotates round by
# round, so that what one leaves behind (dirty pages, a purge) lands on each of the others in turn.
step_ours() {
    local f0 f1
    f0=$(fsyncs "${SQL[@]}")
    read -r rate p99 days made cpu db bad <<<"$(closed_run $APP_PORT "$SH_RUN_DIR/tokens.txt" "$IDS" \
        "$(day_after $CURSOR)" "$APP_PID" "$MYSQLD_PID" "${WALK[@]}")"
    f1=$(fsyncs "${SQL[@]}")
    CURSOR=$((CURSOR + days)); BAD=$((BAD + bad)); USERS_USED=$((USERS_USED + $(cat "$SH_RUN_DIR/sent")))
    S_OURS="$rate $p99 $cpu $db $(per "$made" $((f1 - f0)))"
}
step_peer() {
    [ "$PEER" = 1 ] || return 0
    local f0 f1
    f0=$(fsyncs "${PEER_SQL[@]}")
    read -r prate pp99 pdays pmade pcpu pdb pbad <<<"$(closed_run $PEER_PORT "$PEER_DIR/.run/tokens.txt" "$PEER_IDS" \
        "$(day_after $PEER_CURSOR)" "$PEER_PIDS" "$PEER_MYSQLD_PID" "${PEER_WALK[@]}")"
    f1=$(fsyncs "${PEER_SQL[@]}")
    PEER_CURSOR=$((PEER_CURSOR + pdays)); BAD=$((BAD + pbad))
    S_PEER="$prate $pp99 $pcpu $pdb $(per "$pmade" $((f1 - f0)))"
}
# ctx_run CONCURRENCY BATCH -> CTX_RESULT="bookings/s MariaDB_cpu_µs_per_tx bookings_per_fsync"
ctx_run() {
    local d0 d1 f0 f1 out sent booked
    d0=$(cpu_ticks "$MYSQLD_PID"); f0=$(fsyncs "${SQL[@]}")
    out=$("$CTX" --config "$CONFIG" "${CTX_USERS[@]}" "${WALK[@]}" --first-day "$(day_after $CURSOR)" --user-offset "$CTX_USED" \
        --concurrency "$1" --batch "$2" --duration "$DURATION" --warmup 1 --idempotency 1)
    d1=$(cpu_ticks "$MYSQLD_PID"); f1=$(fsyncs "${SQL[@]}")
    echo "$out" >>"$SH_RUN_DIR/booking-runs.jsonl"
    sent=$(echo "$out" | json_field '["sent"]')
    CURSOR=$((CURSOR + $(echo "$out" | json_field '["days_used"]'))); CTX_USED=$((CTX_USED + sent))
    booked=$(echo "$out" | json_field '["outcomes"].get("booked", 0)')
    CTX_RESULT="$(echo "$out" | json_field '["per_second"]') $(cpu_us_per $((d1 - d0)) "$sent") $(per "$booked" $((f1 - f0)))"
}
step_ctx() { ctx_run "$BOOKING_CLIENTS" 1; S_CTX=$CTX_RESULT; }
# The same transaction in the server's batches: its booking connections (2) each deciding up to 8
# of the 16 clients' requests at once — the floor of this design on this machine.
step_ctxb() { ctx_run 2 8; S_CTXB=$CTX_RESULT; }
step_raw() { S_RAW=$(slap); }

OURS=() PEERS=() CTXS=() CTXBS=() RAWS=() R_PEER=() R_CTX=() R_CTXB=() R_RAW=()
OURS_CPU=() OURS_DB=() PEER_CPU=() PEER_DB=() CTX_DB=() OURS_P99=() PEER_P99=() BAD=0
OURS_FS=() PEER_FS=() CTX_FS=() CTXB_FS=()
STEPS=(ours peer ctx ctxb raw)
# Round 0 warms every side up (connections, statement caches, buffer pool, the peer's JIT) and is
# not counted; its answers still count towards BAD, as every round's do.
for r in $(seq 0 "$ROUNDS"); do
    for k in $(seq 0 4); do "step_${STEPS[$(( (k + r) % 5 ))]}"; done
    read -r rate p99 cpu db ofs <<<"$S_OURS"
    read -r crate cdb cfs <<<"$S_CTX"
    read -r cbrate _ cbfs <<<"$S_CTXB"
    raw=$S_RAW
    tag=""
    [ "$r" = 0 ] && tag=" (warm-up, not counted)"
    line="  bookings round $r$tag: order ${STEPS[*]:$((r % 5))} ${STEPS[*]:0:$((r % 5))};"
    line+=" sharedhall $rate/s (p99 $p99 ms, CPU per booking: server $cpu µs, MariaDB $db µs, $ofs bookings per fsync)"
    if [ "$PEER" = 1 ]; then
        read -r prate pp99 pcpu pdb pfs <<<"$S_PEER"
        line+="; peer $prate/s (p99 $pp99 ms, node $pcpu µs, MariaDB $pdb µs, $pfs per fsync)"
    fi
    echo "$line; C_tx $crate/s, in batches $cbrate/s; C $raw inserts/s" >&2
    [ "$r" = 0 ] && continue
    OURS+=("$rate"); OURS_P99+=("$p99"); OURS_CPU+=("$cpu"); OURS_DB+=("$db"); OURS_FS+=("$ofs")
    if [ "$PEER" = 1 ]; then
        PEERS+=("$prate"); PEER_P99+=("$pp99"); PEER_CPU+=("$pcpu"); PEER_DB+=("$pdb"); PEER_FS+=("$pfs")
        R_PEER+=("$(ratio "$rate" "$prate")")
    fi
    CTXS+=("$crate"); CTX_DB+=("$cdb"); CTX_FS+=("$cfs"); R_CTX+=("$(ratio "$rate" "$crate")")
    CTXBS+=("$cbrate"); CTXB_FS+=("$cbfs"); R_CTXB+=("$(ratio "$rate" "$cbrate")")
    RAWS+=("$raw"); R_RAW+=("$(ratio "$rate" "$raw")")
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
    # A running maximum of the ends before each start: exact for bookings of any lengths.
    P_OVER=$("${PEER_SQL[@]}" -e "
        SELECT COUNT(*) FROM (SELECT start_min, MAX(end_min) OVER (PARTITION BY venue_id, date ORDER BY start_min, id
                                                                   ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) prev_end
                              FROM bookings WHERE status IN ('confirmed','pending')) x WHERE prev_end > start_min")
    P_MISSING=$(check_ids "$PEER_IDS" "${PEER_SQL[@]}")
    PEER_INVARIANTS="overlapping live bookings $P_OVER, 201s not in MySQL $P_MISSING of $(lines "$PEER_IDS")"
    [ "$P_OVER" = 0 ] && [ "$P_MISSING" = 0 ] || { echo "PEER INVARIANTS BROKEN: $PEER_INVARIANTS" >&2; INVALID=1; }
fi
[ "$BAD" = 0 ] || { echo "ANSWERS OTHER THAN 201 IN (b): $BAD" >&2; INVALID=1; }
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
[ "$FIVEXX" = 0 ] && [ "$WINNERS" = 20 ] && [ "$OWNED" = 20 ] || { echo "HOT SLOTS: $FIVEXX failed, $WINNERS winners, $OWNED quanta" >&2; INVALID=1; }
for run in "$OPEN" "${PEER_OPEN:-}"; do
    [ -z "$run" ] && continue
    echo "$run" | python3 -c 'import json,sys; r=json.load(sys.stdin); sys.exit(0 if set(r["statuses"]) <= {"201"} else 1)' ||
        { echo "OPEN LOOP: answers other than 201: $run" >&2; INVALID=1; }
done

spread() { printf '%s\n' "$@" | grep -v '^–$' | sort -g | awk 'NR == 1 {lo = $1} {hi = $1} END {if (NR) printf "%s–%s", lo, hi}'; }
row() {  # row NAME VALUES... -> "| NAME | v1 | v2 | ... | **median** | min–max |"
    local name=$1; shift
    echo "| $name | $(printf '%s | ' "$@")**$(med "$@")** | $(spread "$@") |"
}
{
    echo
    echo "### Bookings (MariaDB durable commits, innodb_flush_log_at_trx_commit=1; $BOOKING_CLIENTS clients; ${DURATION}s rounds after 1s warm-up, after a whole uncounted warm-up round; the steps' order rotated round by round)"
    echo
    echo "Each booking request carries an Idempotency-Key (the peer ignores it). C_tx runs our booking transaction"
    echo "(booking::book_all on MysqlBookingStore, the server's code and statements) straight at the same MariaDB"
    echo "from $BOOKING_CLIENTS threads, one booking per transaction as the issue defines it; \"C_tx in batches\" runs it as"
    echo "the server's booking connections do under load. C is mariadb-slap's durable single-row INSERT at the"
    echo "same concurrency, $RAW_N queries: a round-trip rate, not the disk's limit. The disk's limit is the"
    echo "durable-write rate below (write + fdatasync of 4 KiB, one after another, under .run/). Every side books"
    echo "30-minute slots (ours: two 15-minute quanta; the peer's halls have 30-minute slots). Each booking has a"
    echo "purpose of its own, so the server asks WeChat's content check (the fake) for every one. C_tx and its"
    echo "batches book as members of their own. The ratio that judges the write path is sharedhall ÷ C_tx in"
    echo "batches: the same transaction code, without HTTP and Redis."
    echo
    echo "Disk: **$FSYNC_RATE durable 4 KiB writes/s** (fdatasync loop)."
    echo
    echo "| (b) uncontended bookings, per round | $(printf 'round %s | ' $(seq "$ROUNDS"))median | min–max |"
    echo "|---|$(printf -- '---|%.0s' $(seq "$ROUNDS"))---|---|"
    row "sharedhall bookings/s" "${OURS[@]}"
    [ "$PEER" = 1 ] && row "Node peer bookings/s" "${PEERS[@]}"
    row "C_tx: our transaction without the server, tx/s" "${CTXS[@]}"
    row "C_tx in batches: 2 connections × 8 requests per transaction, bookings/s" "${CTXBS[@]}"
    row "C: raw durable inserts/s" "${RAWS[@]}"
    [ "$PEER" = 1 ] && row "ratio sharedhall ÷ peer (goal ≥ 4)" "${R_PEER[@]}"
    row "ratio sharedhall ÷ C_tx in batches (the write path's judge)" "${R_CTXB[@]}"
    row "ratio sharedhall ÷ C_tx unbatched (not like for like: the server batches)" "${R_CTX[@]}"
    row "ratio sharedhall ÷ C (goal ≥ 0.5)" "${R_RAW[@]}"
    row "sharedhall p99 ms (closed loop)" "${OURS_P99[@]}"
    [ "$PEER" = 1 ] && row "peer p99 ms (closed loop)" "${PEER_P99[@]}"
    row "CPU per booking, sharedhall server µs" "${OURS_CPU[@]}"
    row "CPU per booking, its MariaDB µs" "${OURS_DB[@]}"
    [ "$PEER" = 1 ] && row "CPU per booking, peer (3 node processes) µs" "${PEER_CPU[@]}"
    [ "$PEER" = 1 ] && row "CPU per booking, peer's MariaDB µs" "${PEER_DB[@]}"
    row "CPU per transaction, MariaDB under C_tx µs" "${CTX_DB[@]}"
    row "bookings per MariaDB fsync (Innodb_data_fsyncs), sharedhall" "${OURS_FS[@]}"
    [ "$PEER" = 1 ] && row "bookings per MariaDB fsync, peer" "${PEER_FS[@]}"
    row "bookings per MariaDB fsync, C_tx" "${CTX_FS[@]}"
    row "bookings per MariaDB fsync, C_tx in batches" "${CTXB_FS[@]}"
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
