# Sourced by the benchmarks (bench.sh, bench-stats.sh): builds the given targets, starts the
# services under .run/<name> on the given ports with an empty sharedhall database and Redis,
# and stops them (and every pid in PIDS) on exit. Sets BUILD_DIR, BIN, CONFIG, RESULTS, PIDS.
#   bench_setup NAME MYSQL_PORT REDIS_PORT TARGET...
bench_setup() {
    local name="$1" mysql_port="$2" redis_port="$3"
    shift 3
    bash scripts/install-deps.sh
    BUILD_DIR="${SH_BUILD_DIR:-$ROOT/build}"
    export CCACHE_BASEDIR="$ROOT" CCACHE_NOHASHDIR=true
    cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
    cmake --build "$BUILD_DIR" -j "$(nproc)" --target "$@"

    export SH_RUN_DIR="$ROOT/.run/$name"
    export SH_MYSQL_PORT="$mysql_port" SH_REDIS_PORT="$redis_port" SH_MYSQL_PASSWORD=sharedhall-bench SH_WECHAT_SECRET=bench-secret
    mkdir -p "$SH_RUN_DIR"
    RESULTS="$SH_RUN_DIR/results.md"
    : >"$RESULTS"
    PIDS=()
    trap bench_cleanup EXIT
    bash scripts/services.sh start
    mariadb -h127.0.0.1 -P"$SH_MYSQL_PORT" -usharedhall -p"$SH_MYSQL_PASSWORD" -e \
        "DROP DATABASE IF EXISTS sharedhall; CREATE DATABASE sharedhall CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
    redis-cli -p "$SH_REDIS_PORT" FLUSHALL >/dev/null
    BIN="$BUILD_DIR/server/sharedhall"
    CONFIG="$ROOT/config/bench.json"
}

bench_cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    bash "$ROOT/scripts/services.sh" stop
}
