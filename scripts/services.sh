#!/usr/bin/env bash
# Runs MariaDB and Redis for Shared Hall on 127.0.0.1, with data under the checkout — no systemd.
#
#   scripts/services.sh start|stop|status|restart [mysql|redis]
#   scripts/services.sh kill mysql|redis      # SIGKILL, as a crash (the chaos tests)
#
# Environment (defaults for development):
#   SH_RUN_DIR         data, sockets, pid files and logs   (.run/dev)
#   SH_MYSQL_PORT      MariaDB port                         (13306)
#   SH_REDIS_PORT      Redis port                           (16379)
#   SH_MYSQL_USER / SH_MYSQL_PASSWORD / SH_MYSQL_DATABASE   (sharedhall / sharedhall-dev / sharedhall)
# `stop` stops only the processes this script started (by their pid files).
# Every port the project uses is below 32768: inside the ephemeral range (32768-60999) an outgoing
# connection can hold the port just when a restarted server wants to listen on it.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUN_DIR="${SH_RUN_DIR:-$ROOT/.run/dev}"
MYSQL_PORT="${SH_MYSQL_PORT:-13306}"
REDIS_PORT="${SH_REDIS_PORT:-16379}"
DB_USER="${SH_MYSQL_USER:-sharedhall}"
DB_PASSWORD="${SH_MYSQL_PASSWORD:-sharedhall-dev}"
DB_NAME="${SH_MYSQL_DATABASE:-sharedhall}"

MYSQL_DIR="$RUN_DIR/mysql"
MYSQL_DATA="$MYSQL_DIR/data"
MYSQL_SOCK="$MYSQL_DIR/mysqld.sock"
MYSQL_PID="$MYSQL_DIR/mysqld.pid"
REDIS_DIR="$RUN_DIR/redis"
REDIS_PID="$REDIS_DIR/redis.pid"

log() { echo "services: $*" >&2; }

# shellcheck source=lib/processes.sh
source "$ROOT/scripts/lib/processes.sh"

start_mysql() {
    # Its own tmpdir: a MariaDB starting up deletes every #sql* file in its tmpdir, so servers
    # sharing /tmp (tests start several at once) broke each other's mariadb-install-db.
    mkdir -p "$MYSQL_DIR/tmp"
    if alive "$MYSQL_PID"; then log "mariadb already running (port $MYSQL_PORT)"; return 0; fi
    if port_open "$MYSQL_PORT"; then
        log "port $MYSQL_PORT is taken by another process: set SH_MYSQL_PORT or stop it"; return 1
    fi
    if [ ! -d "$MYSQL_DATA/mysql" ]; then
        log "initialising mariadb data in $MYSQL_DATA"
        mariadb-install-db --user=root --datadir="$MYSQL_DATA" --tmpdir="$MYSQL_DIR/tmp" --auth-root-authentication-method=normal \
            --skip-test-db >"$MYSQL_DIR/install.log" 2>&1 || { cat "$MYSQL_DIR/install.log" >&2; return 1; }
    fi
    # Durable commits (innodb_flush_log_at_trx_commit=1) as in production.
    mariadbd --user=root --datadir="$MYSQL_DATA" --tmpdir="$MYSQL_DIR/tmp" --socket="$MYSQL_SOCK" --port="$MYSQL_PORT" \
        --bind-address=127.0.0.1 --pid-file="$MYSQL_PID" --log-error="$MYSQL_DIR/error.log" \
        --skip-name-resolve --innodb-flush-log-at-trx-commit=1 --innodb-buffer-pool-size=256M \
        --max-connections=400 --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
        >/dev/null 2>&1 &
    wait_for 60 "mariadb" mariadb-admin --socket="$MYSQL_SOCK" -uroot ping || { tail -20 "$MYSQL_DIR/error.log" >&2; return 1; }
    # The application user may create its own databases (tests use sharedhall_t_*).
    mariadb --socket="$MYSQL_SOCK" -uroot <<SQL
CREATE DATABASE IF NOT EXISTS \`$DB_NAME\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS '$DB_USER'@'127.0.0.1' IDENTIFIED BY '$DB_PASSWORD';
CREATE USER IF NOT EXISTS '$DB_USER'@'localhost' IDENTIFIED BY '$DB_PASSWORD';
GRANT ALL PRIVILEGES ON \`${DB_NAME}%\`.* TO '$DB_USER'@'127.0.0.1';
GRANT ALL PRIVILEGES ON \`${DB_NAME}%\`.* TO '$DB_USER'@'localhost';
SQL
    log "mariadb ready on 127.0.0.1:$MYSQL_PORT (database $DB_NAME, user $DB_USER)"
}

start_redis() {
    mkdir -p "$REDIS_DIR"
    if alive "$REDIS_PID"; then log "redis already running (port $REDIS_PORT)"; return 0; fi
    if port_open "$REDIS_PORT"; then
        log "port $REDIS_PORT is taken by another process: set SH_REDIS_PORT or stop it"; return 1
    fi
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no \
        --daemonize yes --pidfile "$REDIS_PID" --logfile "$REDIS_DIR/redis.log" --dir "$REDIS_DIR"
    wait_for 10 "redis" redis-cli -p "$REDIS_PORT" ping
    log "redis ready on 127.0.0.1:$REDIS_PORT"
}

stop_pidfile() {  # stop_pidfile NAME PIDFILE
    local name=$1 pidfile=$2
    if ! alive "$pidfile"; then rm -f "$pidfile"; return 0; fi
    local pid; pid="$(cat "$pidfile")"
    kill -TERM "$pid" 2>/dev/null || true
    local i
    for ((i = 0; i < 300; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then log "$name did not stop; killing"; kill -KILL "$pid" || true; fi
    rm -f "$pidfile"
    log "$name stopped"
}

# kill_pidfile NAME PIDFILE: SIGKILL, as a crash would end it (no shutdown, nothing flushed).
kill_pidfile() {
    local name=$1 pidfile=$2 pid
    alive "$pidfile" || { log "$name is not running"; return 0; }
    pid="$(cat "$pidfile")"
    kill -KILL "$pid"
    while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
    rm -f "$pidfile"
    log "$name killed (SIGKILL)"
}

stop_mysql() { stop_pidfile mariadb "$MYSQL_PID"; }
stop_redis() { stop_pidfile redis "$REDIS_PID"; }

status() {
    if alive "$MYSQL_PID"; then echo "mariadb: running (pid $(cat "$MYSQL_PID"), port $MYSQL_PORT)"; else echo "mariadb: stopped"; fi
    if alive "$REDIS_PID"; then echo "redis: running (pid $(cat "$REDIS_PID"), port $REDIS_PORT)"; else echo "redis: stopped"; fi
}

cmd="${1:-status}"
which="${2:-all}"
case "$cmd:$which" in
    start:all) start_mysql; start_redis ;;
    start:mysql) start_mysql ;;
    start:redis) start_redis ;;
    stop:all) stop_redis; stop_mysql ;;
    stop:mysql) stop_mysql ;;
    stop:redis) stop_redis ;;
    kill:mysql) kill_pidfile mariadb "$MYSQL_PID" ;;
    kill:redis) kill_pidfile redis "$REDIS_PID" ;;
    restart:mysql) stop_mysql; start_mysql ;;
    restart:redis) stop_redis; start_redis ;;
    restart:all) stop_redis; stop_mysql; start_mysql; start_redis ;;
    status:*) status ;;
    *) echo "usage: $0 start|stop|status|restart [mysql|redis] | kill mysql|redis" >&2; exit 2 ;;
esac
