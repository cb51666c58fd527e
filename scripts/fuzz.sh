#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan, build-fuzz/) and runs each for a bounded
# time from its committed seed corpus (tests/fuzz/corpus/<target>), new inputs kept under
# .run/fuzz/<target>. A crash, leak, hang (> 10 s) or sanitizer report fails the run; its input
# is left in .run/fuzz/ (crash-*, leak-*, timeout-*) to become a regression seed.
#   SH_FUZZ_SECONDS=60 scripts/fuzz.sh [target...]     # default 30 s each, every target
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BUILD_DIR="${SH_FUZZ_BUILD_DIR:-$ROOT/build-fuzz}"
SECONDS_EACH="${SH_FUZZ_SECONDS:-30}"
export CCACHE_BASEDIR="$ROOT" CCACHE_NOHASHDIR=true
CC=clang CXX=clang++ cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DSH_FUZZ=ON -DSH_BUILD_TESTS=OFF >/dev/null
cmake --build "$BUILD_DIR" -j "$(nproc)" --target fuzz_targets
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_calendar fuzz_csv fuzz_wechat fuzz_wechat_replies fuzz_request)
# One target per core at a time: each is single-threaded, so two cores fuzz two targets.
run_one() {
    local t="$1" work="$ROOT/.run/fuzz/$1"
    mkdir -p "$work/corpus"
    (cd "$work" && "$BUILD_DIR/tests/fuzz/$t" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 "$work/corpus" "$ROOT/tests/fuzz/corpus/${t#fuzz_}" 2>"$work/log") ||
        { tail -60 "$work/log"; echo "fuzz: $t failed; the input is in $work"; return 1; }
    echo "== $t for ${SECONDS_EACH}s: $(grep -E "stat::number_of_executed_units|stat::new_units_added" "$work/log" | tr '\n' ' ')"
}
JOBS="$(nproc)"
failed=0
for ((i = 0; i < ${#targets[@]}; i += JOBS)); do
    pids=()
    for t in "${targets[@]:i:JOBS}"; do
        run_one "$t" &
        pids+=($!)
    done
    for p in "${pids[@]}"; do wait "$p" || failed=1; done
done
exit "$failed"
