#!/usr/bin/env bash
# Benchmarks with the production configuration (access log on, durable commits, the default
# pools). Sends traffic only to 127.0.0.1 and stops by itself.
#   scripts/bench.sh            # all benchmarks
#   ROUNDS=5 DURATION=10 scripts/bench.sh
# Figures go to stdout and to .run/bench/results.md; docs/performance.md records them.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

ROUNDS="${ROUNDS:-3}"
DURATION="${DURATION:-8}"
CONNS="${CONNS:-64}"
APP_PORT=18080
HELLO_PORT=18081

bash scripts/install-deps.sh
BUILD_DIR="${SH_BUILD_DIR:-$ROOT/build}"
cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$BUILD_DIR" -j "$(nproc)" --target sharedhall sh_hello

export SH_RUN_DIR="$ROOT/.run/bench"
export SH_MYSQL_PORT=33308 SH_REDIS_PORT=36381 SH_MYSQL_PASSWORD=sharedhall-bench
mkdir -p "$SH_RUN_DIR"
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    bash "$ROOT/scripts/services.sh" stop
}
trap cleanup EXIT
bash scripts/services.sh start

export SH_HTTP_PORT=$APP_PORT SH_MYSQL_DATABASE=sharedhall
BIN="$BUILD_DIR/server/sharedhall"
CONFIG="$ROOT/config/bench.json"
"$BIN" migrate --config "$CONFIG" >/dev/null
# Production: access log on, written to a file as a deployment's log collector would read it.
"$BIN" serve --config "$CONFIG" >"$SH_RUN_DIR/access.log" 2>"$SH_RUN_DIR/server.log" &
PIDS+=($!)
"$BUILD_DIR/tests/sh_hello" $HELLO_PORT 2 &
PIDS+=($!)
for port in $APP_PORT $HELLO_PORT; do
    for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
done

APP_PID=${PIDS[0]}
HELLO_PID=${PIDS[1]}
TICK=$(getconf CLK_TCK)

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# measure URL PID -> "req/s cpu_us_per_request"; the server's own CPU time per request is far
# less sensitive to other tenants of a shared machine than throughput is.
measure() {
    local before after out reqs rps
    before=$(cpu_ticks "$2")
    out="$(wrk -t2 -c"$CONNS" -d"${DURATION}s" "$1")"
    after=$(cpu_ticks "$2")
    if echo "$out" | grep -q "Non-2xx\|Socket errors"; then echo "$out" >&2; fi
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    reqs=$(echo "$out" | awk '/requests in/ {print $1}')
    awk -v r="$rps" -v n="$reqs" -v d="$((after - before))" -v t="$TICK" \
        'BEGIN {printf "%s %.2f\n", r, d * 1e6 / t / n}'
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# Warm-up (connection set-up, page faults, CPU frequency) is not measured.
wrk -t2 -c"$CONNS" -d2s "http://127.0.0.1:$HELLO_PORT/healthz" >/dev/null
wrk -t2 -c"$CONNS" -d2s "http://127.0.0.1:$APP_PORT/healthz" >/dev/null

echo "healthz: $ROUNDS interleaved rounds of ${DURATION}s, $CONNS connections, wrk -t2"
hello=(); app=(); ratios=(); hcpu=(); acpu=()
for r in $(seq "$ROUNDS"); do
    read -r h hc <<<"$(measure "http://127.0.0.1:$HELLO_PORT/healthz" "$HELLO_PID")"
    read -r a ac <<<"$(measure "http://127.0.0.1:$APP_PORT/healthz" "$APP_PID")"
    hello+=("$h"); app+=("$a"); hcpu+=("$hc"); acpu+=("$ac")
    ratios+=("$(awk -v a="$a" -v h="$h" 'BEGIN {printf "%.3f", a / h}')")
    echo "  round $r: bare $h req/s (${hc} us cpu/req), sharedhall $a req/s (${ac} us cpu/req)"
done
H=$(printf '%s\n' "${hello[@]}" | median)
A=$(printf '%s\n' "${app[@]}" | median)
R=$(printf '%s\n' "${ratios[@]}" | median)
HC=$(printf '%s\n' "${hcpu[@]}" | median)
AC=$(printf '%s\n' "${acpu[@]}" | median)
CPU_RATIO=$(awk -v a="$AC" -v h="$HC" 'BEGIN {printf "%.2f", h / a}')
LINES=$(wc -l <"$SH_RUN_DIR/access.log")

{
    echo "## GET /healthz — $(date -u +%Y-%m-%d), $(nproc) cores, $(uname -m), wrk -t2 -c$CONNS, $ROUNDS x ${DURATION}s interleaved"
    echo
    echo "| server | median req/s | median server CPU per request | rounds (req/s) |"
    echo "|---|---|---|---|"
    echo "| bare Beast coroutine server (sh_hello) | $H | ${HC} µs | ${hello[*]} |"
    echo "| sharedhall (router, request id, metrics, access log on) | $A | ${AC} µs | ${app[*]} |"
    echo
    echo "Throughput ratio sharedhall / bare, median of the per-round ratios: **$R** (goal ≥ 0.9);"
    echo "per-round ratios: ${ratios[*]}."
    echo "CPU-cost ratio (bare CPU per request / sharedhall CPU per request): **$CPU_RATIO**."
    echo "Access log lines written during the run: $LINES."
} | tee "$SH_RUN_DIR/results.md"
