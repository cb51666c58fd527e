#!/usr/bin/env bash
# Runs every test: installs deps, builds (ccache), starts MariaDB + Redis on test ports,
# runs ctest (labels unit, component, integration, chaos, and miniprogram: the phone's pages
# headless under Node against a real server), always stops the services; then the cluster
# tier (label cluster: scripts/cluster.sh's topology, started fresh and torn down, ~2 min), the
# three tiers again under ASan + UBSan (build-asan), and each fuzz target for 30 s (build-fuzz).
#   SH_TEST_LABELS="unit"  scripts/test.sh     # one tier only
#   SH_BUILD_DIR=build-asan SH_SANITIZE=ON scripts/test.sh
#   SH_TEST_CLOCK_START=23:59:30 scripts/test.sh   # the servers' clock at that Shanghai time
#   SH_TEST_CLUSTER=0 scripts/test.sh              # without the cluster tier
#   SH_TEST_SANITIZERS=0 / SH_TEST_FUZZ=0           # without the ASan+UBSan tiers / the fuzzing
# The end-to-end tier then runs twice more with the servers' clock just after and (its run against
# the sanitised server) just before midnight in Shanghai (a day rolling over mid-test), unless
# SH_TEST_MIDNIGHT=0.
#   scripts/test.sh --full     # the long forms, by hand (about 1.5 h on 2 cores): the chaos tests
#                              # ten times as long, 10 minutes per fuzz target, the concurrency tests
#                              # under ThreadSanitizer (build-tsan), then the 10-minute soak
set -euo pipefail
FULL=0
if [ "${1:-}" = "--full" ]; then
    FULL=1
    export SH_CHAOS_SCALE="${SH_CHAOS_SCALE:-10}" SH_FUZZ_SECONDS="${SH_FUZZ_SECONDS:-600}"
fi
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

bash scripts/install-deps.sh
# The walls between the rooms first: a crossing fails the run and names the file. Then every C++
# file must be as the formatter writes it, and the API contract a valid OpenAPI document.
bash scripts/check-walls.sh
bash scripts/check-format.sh
bash scripts/lint-openapi.sh

BUILD_DIR="${SH_BUILD_DIR:-$ROOT/build}"
# ccache: paths relative to the checkout, so a fresh clone elsewhere (CI) hits the same cache.
# Four build trees (plain, ASan+UBSan, TSan, fuzz) outgrow ccache's default 5 GB, which then
# evicts what the next run needs: 12 GB unless the machine says otherwise.
export CCACHE_BASEDIR="$ROOT" CCACHE_NOHASHDIR=true CCACHE_MAXSIZE="${CCACHE_MAXSIZE:-12G}"
JOBS="$(nproc)"
cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSH_SANITIZE="${SH_SANITIZE:-OFF}" >/dev/null
cmake --build "$BUILD_DIR" -j "$JOBS"

# Test services: their own ports and data folder, so a dev server can run beside them.
export SH_RUN_DIR="$ROOT/.run/test"
export SH_MYSQL_PORT="${SH_TEST_MYSQL_PORT:-13307}"
export SH_REDIS_PORT="${SH_TEST_REDIS_PORT:-16380}"
export SH_MYSQL_USER=sharedhall
export SH_MYSQL_PASSWORD=sharedhall-test
export SH_SOURCE_DIR="$ROOT"
export SH_BINARY="$BUILD_DIR/server/sharedhall"

if [ "${SH_TEST_LABELS:-}" != "unit" ]; then
    trap 'bash "$ROOT/scripts/services.sh" stop' EXIT
    bash scripts/services.sh start
fi

# The mini-program's pages (label miniprogram) run once here, headless under Node against a real
# server of their own (tests/miniprogram); not again across midnight or under the sanitizers.
# Every answer the end-to-end tier and the pages receive is kept (tests/support/stack.cpp,
# tests/miniprogram/support/wx.js) and then held
# against the contract, docs/openapi.yaml: its path, method and status listed, its body valid by
# the schema (tools/contract/check-answers.mjs names the call and the field of any mismatch).
ANSWERS="$BUILD_DIR/test-run/answers"
rm -rf "$ANSWERS" && mkdir -p "$ANSWERS"
SH_ANSWER_LOG="$ANSWERS" ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$JOBS" --timeout 900 \
    -L "${SH_TEST_LABELS:-unit|component|integration|chaos|miniprogram}"
if [ -n "$(ls -A "$ANSWERS")" ]; then
    node "$ROOT/tools/contract/check-answers.mjs" "$ROOT/docs/openapi.yaml" "$ANSWERS"
fi

# Tests pass at any hour: the end-to-end tier again across Shanghai's midnight, just after it
# here and, under the sanitizers below, starting just before it (or both here without them).
SANITIZED_MIDNIGHT=""
if [ "${SH_TEST_LABELS:-}" = "" ] && [ -z "${SH_TEST_CLOCK_START:-}" ] && [ "${SH_TEST_MIDNIGHT:-1}" != "0" ]; then
    starts=(23:59:30 00:00:30)
    if [ "${SH_TEST_SANITIZERS:-1}" != "0" ]; then SANITIZED_MIDNIGHT=23:59:30; starts=(00:00:30); fi
    for start in "${starts[@]}"; do
        echo "== end-to-end tests with the servers' clock starting at $start Asia/Shanghai"
        SH_TEST_CLOCK_START="$start" ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$JOBS" --timeout 900 -L e2e
    done
fi

# The same three tiers built with AddressSanitizer and UndefinedBehaviorSanitizer (build-asan):
# any report fails the test that caused it, the server processes included; every test's output
# and every server log are searched for one afterwards.
if [ "${SH_TEST_LABELS:-}" = "" ] && [ "${SH_TEST_SANITIZERS:-1}" != "0" ]; then
    echo "== unit, component and integration tiers under ASan + UBSan"
    ASAN_DIR="$ROOT/build-asan"
    cmake -S "$ROOT" -B "$ASAN_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSH_SANITIZE=ON >/dev/null
    # What runs in-process is built again under the sanitizers: the unit, component and
    # integration programs that call our libraries themselves, and the server. The end-to-end
    # programs (label e2e) only speak HTTP and SQL to the servers they start: the ones already
    # built run again, starting the sanitised server instead ($SH_SERVER_BINARY), which spares
    # compiling them twice. The chaos, cluster and phone tiers run once, unsanitised.
    targets=(sharedhall)
    known="$(cmake --build "$ASAN_DIR" --target help 2>/dev/null || true)"
    while read -r t; do
        if grep -qx "\.\.\. $t" <<<"$known"; then targets+=("$t"); fi
    done < <(ctest --test-dir "$ASAN_DIR" -N -L "unit|component|integration" -LE e2e | sed -n 's/^ *Test *#[0-9]*: //p')
    cmake --build "$ASAN_DIR" -j "$JOBS" --target "${targets[@]}"
    started="$(mktemp)"  # logs written from now on are this run's
    export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=0" \
        LSAN_OPTIONS="suppressions=$ROOT/tests/sanitizers/lsan.supp:print_suppressions=0" \
        UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
    SH_BINARY="$ASAN_DIR/server/sharedhall" \
        ctest --test-dir "$ASAN_DIR" --output-on-failure -j "$JOBS" --timeout 900 -L "unit|component|integration" -LE e2e
    if [ -n "$SANITIZED_MIDNIGHT" ]; then
        echo "== end-to-end tests against the sanitised server, its clock starting at $SANITIZED_MIDNIGHT Asia/Shanghai"
    fi
    SH_BINARY="$ASAN_DIR/server/sharedhall" SH_SERVER_BINARY="$ASAN_DIR/server/sharedhall" \
    SH_TEST_CLOCK_START="${SANITIZED_MIDNIGHT:-${SH_TEST_CLOCK_START:-}}" \
        ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$JOBS" --timeout 900 -L e2e
    unset ASAN_OPTIONS LSAN_OPTIONS UBSAN_OPTIONS
    if grep -lE "ERROR: (Address|Leak)Sanitizer|runtime error:" "$ASAN_DIR/Testing/Temporary/LastTest.log" \
        "$BUILD_DIR/Testing/Temporary/LastTest.log" \
        $(find "$ASAN_DIR/test-run" "$BUILD_DIR/test-run" -type f -name '*.log' -newer "$started" 2>/dev/null); then
        echo "a sanitizer report (in the files above), though the tests passed" >&2
        exit 1
    fi
fi

# More than one machine, on loopback: nginx, three instances, Galera, Redis with Sentinel, and
# each kind of process killed under load. Its own ports (14xxx); one test at a time.
if [ "${SH_TEST_LABELS:-}" = "" ] && [ "${SH_TEST_CLUSTER:-1}" != "0" ]; then
    echo "== the cluster tier (scripts/cluster.sh's topology)"
    bash scripts/services.sh stop  # the single-machine services are not part of it
    ctest --test-dir "$BUILD_DIR" --output-on-failure -j 1 --timeout 900 -L cluster
fi

# Hostile bytes: each libFuzzer target for a bounded time from its seeds (clang, build-fuzz).
if [ "${SH_TEST_LABELS:-}" = "" ] && [ "${SH_TEST_FUZZ:-1}" != "0" ]; then
    echo "== fuzzing, ${SH_FUZZ_SECONDS:-30} s a target"
    SH_FUZZ_SECONDS="${SH_FUZZ_SECONDS:-30}" bash scripts/fuzz.sh
fi

# The long forms (--full): the concurrency tests under ThreadSanitizer, then the soak.
if [ "$FULL" = 1 ]; then
    echo "== the concurrency tests under ThreadSanitizer (build-tsan)"
    TSAN_DIR="$ROOT/build-tsan"
    cmake -S "$ROOT" -B "$TSAN_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS=-fsanitize=thread \
        -DCMAKE_EXE_LINKER_FLAGS=-fsanitize=thread >/dev/null
    cmake --build "$TSAN_DIR" -j "$JOBS" --target component_workers integration_booking_batches integration_redis_async sharedhall
    bash scripts/services.sh start
    SH_BINARY="$TSAN_DIR/server/sharedhall" \
    TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$ROOT/tests/sanitizers/tsan.supp" \
        ctest --test-dir "$TSAN_DIR" --output-on-failure -j 1 --timeout 1800 \
        -R "^(component_workers|integration_booking_batches|integration_redis_async)$"
    bash scripts/services.sh stop
    echo "== the soak (scripts/soak.sh)"
    bash scripts/soak.sh
fi
