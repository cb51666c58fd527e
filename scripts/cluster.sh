#!/usr/bin/env bash
# The production topology on one machine, on loopback ports, with data under .run/cluster:
#
#   clients ──TLS──> nginx :14443 ──> sharedhall app1 :14081, app2 :14082, app3 :14083
#                                        │ MySQL                        │ Redis
#                    haproxy writer :14306 (one Galera node at a time)  │ Sentinels :14391-14393
#                    haproxy readers :14307 (any node)                  │ name the primary
#                    Galera galera1 :14311, galera2 :14312, galera3 :14313
#                                                          Redis primary :14379, replica :14380
#   The fake WeChat over HTTPS :14091 (test CA), the instances trust only that CA.
#
#   scripts/cluster.sh start            start what is not running (idempotent); first time:
#                                       certificates, Galera bootstrap, migrations, demo data
#   scripts/cluster.sh stop             stop everything this script started
#   scripts/cluster.sh status           one line per process
#   scripts/cluster.sh kill NAME        kill -9 one process: galera1..3, redis1|redis2 (by port),
#                                       app1..3, sentinel1..3, nginx, haproxy
#   scripts/cluster.sh start-node N     start Galera node N alone (it joins the running cluster)
#   scripts/cluster.sh writer           the Galera node haproxy sends writes to
#   scripts/cluster.sh writers          the Galera nodes holding writer connections now (one)
#   scripts/cluster.sh redis-primary    the Redis primary the Sentinels name (host:port)
#   scripts/cluster.sh sql [NODE] ...   mariadb client on a node (default: the writer via haproxy)
#   scripts/cluster.sh backup take      a hot backup of one Galera node (mariadb-backup), prepared
#   scripts/cluster.sh backup restore   that backup in a fresh stand-alone MariaDB on :14399
#   scripts/cluster.sh destroy          stop, then delete .run/cluster
#
# Environment: SH_CLUSTER_DIR (.run/cluster), SH_BINARY (build/server/sharedhall).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="${SH_CLUSTER_DIR:-$ROOT/.run/cluster}"
# The processes started here take everything from their config files: no environment override
# from the caller (scripts/test.sh exports its own MariaDB's port and password) may redirect them.
unset SH_HTTP_ADDRESS SH_HTTP_PORT SH_MYSQL_HOST SH_MYSQL_PORT SH_MYSQL_USER SH_MYSQL_PASSWORD \
    SH_MYSQL_DATABASE SH_REDIS_HOST SH_REDIS_PORT SH_REDIS_PASSWORD SH_WECHAT_BASE_URL SH_WECHAT_APPID \
    SH_WECHAT_SECRET SH_WECHAT_CA_FILE
BIN="${SH_BINARY:-$ROOT/build/server/sharedhall}"
DB_USER=sharedhall DB_PASSWORD=sharedhall-cluster DB_NAME=sharedhall
WECHAT_SECRET=cluster-only-secret
# Redis asks every client for this password (the replica too, and the Sentinels when they fail
# over); the seal's key signs tokens and cached sessions on every instance alike. A deployment
# sets both from its secrets (docs/operations.md), never from a script.
REDIS_PASSWORD=cluster-only-redis-password
TOKEN_KEY=cluster-only-token-key-0123456789abcdef

NGINX_PORT=14443
APP_PORTS=(14081 14082 14083)
HAPROXY_WRITER=14306 HAPROXY_READERS=14307 HAPROXY_STATS=14308
GALERA_SQL=(14311 14312 14313)
GALERA_GCOMM=(14321 14322 14323)
GALERA_IST=(14331 14332 14333)
GALERA_SST=(14341 14342 14343)
REDIS_PORTS=(14379 14380)
SENTINEL_PORTS=(14391 14392 14393)
FAKE_HTTP=14090 FAKE_HTTPS=14091
# nginx connects to the instances from this address, the only one whose X-Forwarded-For they
# believe: a client that reaches an instance directly cannot choose its own address.
PROXY_ADDRESS=127.0.0.2

log() { echo "cluster: $*" >&2; }
# shellcheck source=lib/processes.sh
source "$ROOT/scripts/lib/processes.sh"

# ---------------------------------------------------------------- Galera
node_dir() { echo "$DIR/galera$1"; }
node_sock() { echo "$(node_dir "$1")/mysqld.sock"; }
node_sql() { local n=$1; shift; mariadb --socket="$(node_sock "$n")" -uroot "$@"; }
gcomm_list() { local IFS=,; local a=(); for p in "${GALERA_GCOMM[@]}"; do a+=("127.0.0.1:$p"); done; echo "${a[*]}"; }

start_node() {  # start_node N [--wsrep-new-cluster]
    local n=$1 i=$(($1 - 1)); shift
    local d; d="$(node_dir "$n")"
    if alive "$d/mysqld.pid"; then return 0; fi
    mkdir -p "$d"
    mkdir -p "$d/tmp"  # its own tmpdir (see services.sh)
    if [ ! -d "$d/data/mysql" ] && [ "$n" = 1 ]; then
        mariadb-install-db --user=root --datadir="$d/data" --tmpdir="$d/tmp" --auth-root-authentication-method=normal \
            --skip-test-db >"$d/install.log" 2>&1 || { cat "$d/install.log" >&2; return 1; }
    fi
    mkdir -p "$d/data"
    # Its own option file, so that nothing in /etc/mysql applies (Debian's sends SST logs to a
    # syslog that may not exist). Options live in the file, not on the command line: the SST
    # scripts hand the command line to mariadb-backup, which knows few server options.
    # Galera's requirements: row-based replication, interleaved auto-increment locks, InnoDB.
    # Durability comes from synchronous replication to the other nodes at commit; each node
    # still writes its redo log at every commit and flushes it once a second.
    cat >"$d/my.cnf" <<CNF
[mysqld]
user = root
datadir = $d/data
tmpdir = $d/tmp
socket = $(node_sock "$n")
port = ${GALERA_SQL[$i]}
bind-address = 127.0.0.1
pid-file = $d/mysqld.pid
log-error = $d/error.log
skip-name-resolve
innodb-buffer-pool-size = 128M
max-connections = 300
character-set-server = utf8mb4
collation-server = utf8mb4_unicode_ci
binlog-format = ROW
default-storage-engine = InnoDB
innodb-autoinc-lock-mode = 2
innodb-flush-log-at-trx-commit = 2
log-bin-trust-function-creators = 1
wsrep-on = ON
wsrep-provider = /usr/lib/galera/libgalera_smm.so
wsrep-cluster-name = sharedhall
wsrep-node-name = galera$n
wsrep-cluster-address = gcomm://$(gcomm_list)
wsrep-node-address = 127.0.0.1:${GALERA_GCOMM[$i]}
wsrep-node-incoming-address = 127.0.0.1:${GALERA_SQL[$i]}
wsrep-provider-options = "gmcast.listen_addr=tcp://127.0.0.1:${GALERA_GCOMM[$i]};ist.recv_addr=127.0.0.1:${GALERA_IST[$i]};gcache.size=128M;evs.suspect_timeout=PT3S;evs.inactive_timeout=PT6S"
wsrep-sst-method = mariabackup
wsrep-sst-auth = backup:backup
wsrep-sst-receive-address = 127.0.0.1:${GALERA_SST[$i]}
wsrep-slave-threads = 2
[sst]
sst-syslog = -1
CNF
    local args=(--defaults-file="$d/my.cnf")
    # After a crash the node's state file has no position (seqno -1): find it in InnoDB first
    # (what galera_recovery does for systemd), so that the node rejoins by IST, not SST.
    if grep -q "^seqno: *-1" "$d/data/grastate.dat" 2>/dev/null; then
        mariadbd "${args[@]}" --wsrep-recover --log-error="$d/recover.log" >/dev/null 2>&1 || true
        local pos; pos="$(grep -o "Recovered position: .*" "$d/recover.log" | tail -1 | awk '{print $3}')"
        if [ -n "$pos" ] && [[ "$pos" != 00000000-0000-0000-0000-000000000000:* ]]; then
            log "galera$n recovered its position $pos"
            set -- "$@" --wsrep-start-position="$pos"
        fi
    fi
    mariadbd "${args[@]}" "$@" >/dev/null 2>&1 &
    wait_for 120 "galera$n" node_ready "$n" || { tail -30 "$d/error.log" >&2; return 1; }
    log "galera$n ready on 127.0.0.1:${GALERA_SQL[$i]}"
}

node_ready() {
    [ "$(node_sql "$1" -N -e "SHOW STATUS LIKE 'wsrep_ready'" 2>/dev/null | awk '{print $2}')" = ON ]
}

cluster_size() {
    local n
    for n in 1 2 3; do
        if node_ready "$n"; then node_sql "$n" -N -e "SHOW STATUS LIKE 'wsrep_cluster_size'" | awk '{print $2}'; return; fi
    done
    echo 0
}

# The other nodes start from a copy of the first one's data, stopped cleanly: they join with
# the same state and need no state transfer (SST). A node that was down rejoins by IST from
# the others' write-set cache (gcache.size); one that fell further behind needs an SST
# (mariabackup), which needs the SST user and, on separate machines, its port open.
seed_nodes() {
    local first=$1 n
    stop_pid "galera$first" "$(node_dir "$first")/mysqld.pid"
    for n in 1 2 3; do
        [ "$n" = "$first" ] && continue
        rm -rf "$(node_dir "$n")/data"
        mkdir -p "$(node_dir "$n")"
        cp -a "$(node_dir "$first")/data" "$(node_dir "$n")/data"
        rm -f "$(node_dir "$n")/data/gvwstate.dat" "$(node_dir "$n")/data/galera.cache"
        sed -i 's/safe_to_bootstrap: 1/safe_to_bootstrap: 0/' "$(node_dir "$n")/data/grastate.dat"
    done
    start_node "$first" --wsrep-new-cluster
}

start_galera() {
    local n any=0
    for n in 1 2 3; do alive "$(node_dir "$n")/mysqld.pid" && any=1; done
    if [ "$any" = 0 ]; then
        # No node runs: bootstrap a new cluster from the node safe to bootstrap from (the one
        # that stopped last), else galera1.
        local first=1
        for n in 1 2 3; do
            if grep -q "safe_to_bootstrap: 1" "$(node_dir "$n")/data/grastate.dat" 2>/dev/null; then first=$n; break; fi
        done
        if [ -f "$(node_dir "$first")/data/grastate.dat" ]; then
            sed -i 's/safe_to_bootstrap: 0/safe_to_bootstrap: 1/' "$(node_dir "$first")/data/grastate.dat"
        fi
        start_node "$first" --wsrep-new-cluster
        node_sql "$first" <<SQL
CREATE DATABASE IF NOT EXISTS \`$DB_NAME\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS '$DB_USER'@'127.0.0.1' IDENTIFIED BY '$DB_PASSWORD';
GRANT ALL PRIVILEGES ON \`${DB_NAME}%\`.* TO '$DB_USER'@'127.0.0.1';
CREATE USER IF NOT EXISTS 'haproxy'@'127.0.0.1';
CREATE USER IF NOT EXISTS 'backup'@'localhost' IDENTIFIED BY 'backup';
GRANT RELOAD, PROCESS, LOCK TABLES, BINLOG MONITOR, SELECT ON *.* TO 'backup'@'localhost';
SQL
        if [ ! -d "$(node_dir 2)/data/mysql" ] || [ ! -d "$(node_dir 3)/data/mysql" ]; then
            seed_nodes "$first"
        fi
    fi
    for n in 1 2 3; do start_node "$n"; done
    wait_for 60 "a Galera cluster of 3" test "$(cluster_size)" = 3
}

# ---------------------------------------------------------------- haproxy
start_haproxy() {
    local d="$DIR/haproxy"
    mkdir -p "$d"
    if alive "$d/haproxy.pid"; then return 0; fi
    {
        cat <<CFG
global
    maxconn 4000
    pidfile $d/haproxy.pid
    daemon
defaults
    mode tcp
    timeout connect 1s
    timeout client 1h
    timeout server 1h
    default-server inter 500ms fall 2 rise 2 on-marked-down shutdown-sessions
# One writer at a time: every connection sticks to the same node (a one-entry stick table on
# the destination) until that node fails its check; then all move to the next, and stay there
# when the first comes back. Galera's certification never has two writers to reconcile.
# "balance first" makes "the next" the same node for every connection made while the old one
# is down: round robin gave the instances' reconnections different nodes (two writers, and a
# session written through one not yet applied on the other when the next request read it).
listen galera-writer
    bind 127.0.0.1:$HAPROXY_WRITER
    balance first
    option mysql-check user haproxy post-41
    stick-table type ip size 1
    stick on dst
CFG
        local i
        for i in 0 1 2; do echo "    server galera$((i + 1)) 127.0.0.1:${GALERA_SQL[$i]} check"; done
        cat <<CFG
# Reads that may be a moment behind (statistics, search): any node.
listen galera-readers
    bind 127.0.0.1:$HAPROXY_READERS
    balance leastconn
    option mysql-check user haproxy post-41
CFG
        for i in 0 1 2; do echo "    server galera$((i + 1)) 127.0.0.1:${GALERA_SQL[$i]} check"; done
        cat <<CFG
listen stats
    mode http
    bind 127.0.0.1:$HAPROXY_STATS
    stats enable
    stats uri /
    stats show-legends
CFG
    } >"$d/haproxy.cfg"
    haproxy -f "$d/haproxy.cfg"
    wait_for 10 "haproxy" port_open "$HAPROXY_WRITER"
    log "haproxy: writer 127.0.0.1:$HAPROXY_WRITER, readers :$HAPROXY_READERS, stats http://127.0.0.1:$HAPROXY_STATS/"
}

writer() {  # the node haproxy sends writes to now (ask through it)
    mariadb -h127.0.0.1 -P"$HAPROXY_WRITER" -u"$DB_USER" -p"$DB_PASSWORD" -N -e "SELECT @@wsrep_node_name" 2>/dev/null
}

writers() {  # every node that holds an open connection through the writer's port (one, always)
    curl -sf "http://127.0.0.1:$HAPROXY_STATS/;csv" |
        awk -F, '$1 == "galera-writer" && $2 ~ /^galera/ && $5 > 0 { print $2 }'
}

# ---------------------------------------------------------------- Redis and Sentinel
start_redis() {
    local i d="$DIR/redis"
    mkdir -p "$d"
    for i in 0 1; do
        local port=${REDIS_PORTS[$i]}
        if alive "$d/redis$port.pid"; then continue; fi
        local args=(--port "$port" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes
                    --requirepass "$REDIS_PASSWORD" --masterauth "$REDIS_PASSWORD"
                    --pidfile "$d/redis$port.pid" --logfile "$d/redis$port.log" --dir "$d")
        # A restarted server asks the Sentinels who is primary now and follows it; on a first
        # start the second server replicates the first.
        local primary; primary="$(sentinel_primary 2>/dev/null || true)"
        if [ -n "$primary" ] && [ "$primary" != "127.0.0.1:$port" ]; then
            args+=(--replicaof "${primary%:*}" "${primary#*:}")
        elif [ -z "$primary" ] && [ "$i" = 1 ]; then
            args+=(--replicaof 127.0.0.1 "${REDIS_PORTS[0]}")
        fi
        redis-server "${args[@]}"
        wait_for 10 "redis :$port" redis_ping "$port"
    done
    for i in 0 1 2; do
        local port=${SENTINEL_PORTS[$i]}
        if alive "$d/sentinel$port.pid"; then continue; fi
        if [ ! -f "$d/sentinel$port.conf" ]; then
            cat >"$d/sentinel$port.conf" <<CFG
port $port
bind 127.0.0.1
daemonize yes
pidfile $d/sentinel$port.pid
logfile $d/sentinel$port.log
dir $d
sentinel monitor sharedhall 127.0.0.1 ${REDIS_PORTS[0]} 2
sentinel auth-pass sharedhall $REDIS_PASSWORD
sentinel down-after-milliseconds sharedhall 1000
sentinel failover-timeout sharedhall 5000
sentinel parallel-syncs sharedhall 1
CFG
        fi
        redis-sentinel "$d/sentinel$port.conf"
        wait_for 10 "sentinel :$port" redis-cli -p "$port" ping
    done
    wait_for 20 "Sentinels agreeing on a primary" sentinel_primary
    log "redis primary $(sentinel_primary) (Sentinels :${SENTINEL_PORTS[*]})"
}

redis_ping() { REDISCLI_AUTH="$REDIS_PASSWORD" redis-cli -p "$1" ping | grep -qx PONG; }

sentinel_primary() {
    local port
    for port in "${SENTINEL_PORTS[@]}"; do
        local a
        a="$(redis-cli -p "$port" SENTINEL get-master-addr-by-name sharedhall 2>/dev/null | paste -sd: -)" || continue
        if [ -n "$a" ] && [[ "$a" == *:* ]]; then echo "$a"; return 0; fi
    done
    return 1
}

# ---------------------------------------------------------------- the application
app_config() {  # app_config N
    local n=$1 i=$(($1 - 1))
    cat <<JSON
{
  "http": { "address": "127.0.0.1", "port": ${APP_PORTS[$i]}, "io_threads": 1,
            "trusted_proxies": ["$PROXY_ADDRESS"], "access_log": true },
  "mysql": { "host": "127.0.0.1", "port": $HAPROXY_WRITER, "user": "$DB_USER", "password": "$DB_PASSWORD",
             "database": "$DB_NAME", "pool_size": 6, "booking_connections": 2,
             "read_host": "127.0.0.1", "read_port": $HAPROXY_READERS, "read_pool_size": 2,
             "connect_timeout_s": 2, "read_timeout_s": 5, "write_timeout_s": 5, "acquire_timeout_ms": 1000 },
  "redis": { "sentinels": ["127.0.0.1:${SENTINEL_PORTS[0]}", "127.0.0.1:${SENTINEL_PORTS[1]}", "127.0.0.1:${SENTINEL_PORTS[2]}"],
             "sentinel_master": "sharedhall", "command_timeout_ms": 200, "password": "$REDIS_PASSWORD" },
  "wechat": { "base_url": "https://localhost:$FAKE_HTTPS", "ca_file": "$DIR/tls/ca.pem",
              "appid": "wxcluster00000000", "secret": "$WECHAT_SECRET" },
  "auth": { "secure_cookies": true, "token_key": "$TOKEN_KEY" }
}
JSON
}

start_fake() {
    local d="$DIR/fake-wechat"
    mkdir -p "$d"
    if alive "$d/pid"; then return 0; fi
    app_config 1 >"$d/config.json"
    "$BIN" fake-wechat --port "$FAKE_HTTP" --tls-port "$FAKE_HTTPS" --tls-cert "$DIR/tls/server.pem" \
        --tls-key "$DIR/tls/server.key" --config "$d/config.json" >"$d/log" 2>&1 &
    echo $! >"$d/pid"
    wait_for 10 "fake WeChat" port_open "$FAKE_HTTPS"
}

start_app() {  # start_app N
    local n=$1 i=$(($1 - 1)) d="$DIR/app$1"
    mkdir -p "$d"
    if alive "$d/pid"; then return 0; fi
    app_config "$n" >"$d/config.json"
    "$BIN" serve --config "$d/config.json" >>"$d/log" 2>&1 &
    echo $! >"$d/pid"
    wait_for 30 "app$n" curl -sf "http://127.0.0.1:${APP_PORTS[$i]}/readyz" || { tail -20 "$d/log" >&2; return 1; }
    log "app$n ready on 127.0.0.1:${APP_PORTS[$i]}"
}

first_setup() {  # migrations and demo data, once, through the writer
    local d="$DIR/app1"
    mkdir -p "$d"
    app_config 1 >"$d/config.json"
    "$BIN" migrate --config "$d/config.json" >&2
    if [ ! -f "$DIR/.seeded" ]; then
        "$BIN" seed-demo --config "$d/config.json" >&2 && touch "$DIR/.seeded"
    fi
}

# ---------------------------------------------------------------- nginx
start_nginx() {
    local d="$DIR/nginx"
    mkdir -p "$d/tmp"
    if alive "$d/nginx.pid"; then return 0; fi
    {
        cat <<CFG
worker_processes 1;
pid $d/nginx.pid;
error_log $d/error.log warn;
events { worker_connections 4096; }
http {
    access_log $d/access.log;
    client_body_temp_path $d/tmp/body;
    proxy_temp_path $d/tmp/proxy;
    fastcgi_temp_path $d/tmp/fastcgi;
    uwsgi_temp_path $d/tmp/uwsgi;
    scgi_temp_path $d/tmp/scgi;
    upstream sharedhall {
CFG
        local p
        for p in "${APP_PORTS[@]}"; do echo "        server 127.0.0.1:$p max_fails=1 fail_timeout=3s;"; done
        cat <<CFG
        keepalive 64;
    }
    server_tokens off;  # no version in headers or error pages
    server {
        listen 127.0.0.1:$NGINX_PORT ssl;
        server_name localhost;
        add_header Strict-Transport-Security "max-age=31536000" always;
        # What is for the operators (metrics, readiness) and for tests (the clock) is not served
        # to the outside: the instances' own ports answer them on the internal network.
        location = /metrics { return 404; }
        location = /readyz { return 404; }
        location ^~ /test/ { return 404; }
        ssl_certificate $DIR/tls/server.pem;
        ssl_certificate_key $DIR/tls/server.key;
        ssl_protocols TLSv1.2 TLSv1.3;
        client_max_body_size 64k;
        location / {
            proxy_pass http://sharedhall;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host \$host;
            # Replaced, not appended: what the client sent in X-Forwarded-For is not believed.
            proxy_set_header X-Forwarded-For \$remote_addr;
            proxy_set_header X-Forwarded-Proto https;
            proxy_bind $PROXY_ADDRESS;
            proxy_connect_timeout 1s;
            proxy_read_timeout 30s;
            # An instance that refuses the connection or dies before answering: the next one.
            # A POST is passed on only if it was never sent (nginx's default for non-idempotent
            # requests); the app's Idempotency-Key makes the client's own retry safe.
            proxy_next_upstream error timeout http_502 http_503;
            proxy_next_upstream_tries 3;
        }
    }
}
CFG
    } >"$d/nginx.conf"
    nginx -c "$d/nginx.conf" -p "$d" -e "$d/error.log"
    wait_for 10 "nginx" port_open "$NGINX_PORT"
    log "nginx on https://localhost:$NGINX_PORT (CA: $DIR/tls/ca.pem)"
}

# ---------------------------------------------------------------- backups
# `backup take`: a hot physical backup of one Galera node (not the writer, when another is up)
# with mariadb-backup, prepared (consistent at its end) in $DIR/backup/base.
# `backup restore`: that backup copied into a fresh, stand-alone MariaDB on :$RESTORE_PORT
# (wsrep off) under $DIR/restored — what a restore onto a new machine does.
RESTORE_PORT=14399
backup() {
    local b="$DIR/backup" r="$DIR/restored"
    case "${1:-}" in
        take)
            local writer_node n src=""
            writer_node="$(writer || true)"
            for n in 3 2 1; do
                if node_ready "$n" && [ "galera$n" != "$writer_node" ]; then src=$n; break; fi
            done
            [ -n "$src" ] || src="${writer_node#galera}"
            rm -rf "$b"
            mkdir -p "$b"
            local t0=$SECONDS
            mariadb-backup --backup --galera-info --target-dir="$b/base" --socket="$(node_sock "$src")" \
                --user=backup --password=backup >"$b/backup.log" 2>&1 || { tail -20 "$b/backup.log" >&2; return 1; }
            mariadb-backup --prepare --target-dir="$b/base" >"$b/prepare.log" 2>&1 || { tail -20 "$b/prepare.log" >&2; return 1; }
            log "backup of galera$src in $b/base ($((SECONDS - t0)) s)"
            ;;
        restore)
            [ -f "$b/base/xtrabackup_checkpoints" ] || { log "no backup in $b/base: run backup take first"; return 1; }
            backup stop
            rm -rf "$r"
            mkdir -p "$r"
            mariadb-backup --copy-back --target-dir="$b/base" --datadir="$r/data" >"$r/restore.log" 2>&1 ||
                { tail -20 "$r/restore.log" >&2; return 1; }
            mkdir -p "$r/tmp"
            mariadbd --user=root --datadir="$r/data" --tmpdir="$r/tmp" --socket="$r/mysqld.sock" --port="$RESTORE_PORT" \
                --bind-address=127.0.0.1 --pid-file="$r/mysqld.pid" --log-error="$r/error.log" --skip-name-resolve \
                --innodb-buffer-pool-size=64M --wsrep-on=OFF >/dev/null 2>&1 &
            wait_for 60 "the restored MariaDB" mariadb-admin --socket="$r/mysqld.sock" -uroot ping ||
                { tail -20 "$r/error.log" >&2; return 1; }
            log "backup restored: a stand-alone MariaDB on 127.0.0.1:$RESTORE_PORT"
            ;;
        stop) stop_pid "restored MariaDB" "$r/mysqld.pid" ;;
        *) log "usage: backup take|restore|stop"; return 2 ;;
    esac
}

# ---------------------------------------------------------------- commands
start() {
    [ -x "$BIN" ] || { log "no server binary at $BIN: build first (cmake --build build --target sharedhall)"; return 1; }
    mkdir -p "$DIR"
    bash "$ROOT/scripts/tls-certs.sh" "$DIR/tls"
    start_galera
    start_haproxy
    start_redis
    start_fake
    first_setup
    local n
    for n in 1 2 3; do start_app "$n"; done
    start_nginx
    status
}

stop_pid() {  # stop_pid NAME PIDFILE
    local name=$1 f=$2
    if ! alive "$f"; then rm -f "$f"; return 0; fi
    local pid i; pid="$(cat "$f")"
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 300; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
    rm -f "$f"
    log "$name stopped"
}

stop() {
    local n p
    stop_pid nginx "$DIR/nginx/nginx.pid"
    for n in 1 2 3; do stop_pid "app$n" "$DIR/app$n/pid"; done
    stop_pid "fake WeChat" "$DIR/fake-wechat/pid"
    for p in "${SENTINEL_PORTS[@]}"; do stop_pid "sentinel :$p" "$DIR/redis/sentinel$p.pid"; done
    for p in "${REDIS_PORTS[@]}"; do stop_pid "redis :$p" "$DIR/redis/redis$p.pid"; done
    stop_pid haproxy "$DIR/haproxy/haproxy.pid"
    # The last node to stop is the one safe to bootstrap from next time.
    for n in 3 2 1; do stop_pid "galera$n" "$(node_dir "$n")/mysqld.pid"; done
}

line() {  # line NAME PIDFILE DETAIL
    if alive "$2"; then echo "$1: running (pid $(cat "$2")) $3"; else echo "$1: stopped"; fi
}

status() {
    local n p
    for n in 1 2 3; do line "galera$n" "$(node_dir "$n")/mysqld.pid" "127.0.0.1:${GALERA_SQL[$((n - 1))]}"; done
    echo "galera cluster size: $(cluster_size); writer: $(writer || echo none)"
    line haproxy "$DIR/haproxy/haproxy.pid" "writer :$HAPROXY_WRITER readers :$HAPROXY_READERS"
    for p in "${REDIS_PORTS[@]}"; do line "redis :$p" "$DIR/redis/redis$p.pid" ""; done
    for p in "${SENTINEL_PORTS[@]}"; do line "sentinel :$p" "$DIR/redis/sentinel$p.pid" ""; done
    echo "redis primary (Sentinel): $(sentinel_primary || echo none)"
    line "fake WeChat" "$DIR/fake-wechat/pid" "https://localhost:$FAKE_HTTPS"
    for n in 1 2 3; do line "app$n" "$DIR/app$n/pid" "127.0.0.1:${APP_PORTS[$((n - 1))]}"; done
    line nginx "$DIR/nginx/nginx.pid" "https://localhost:$NGINX_PORT"
}

kill_one() {  # kill -9, as a machine failing would
    local f
    case "$1" in
        galera[123]) f="$(node_dir "${1#galera}")/mysqld.pid" ;;
        app[123]) f="$DIR/$1/pid" ;;
        redis1) f="$DIR/redis/redis${REDIS_PORTS[0]}.pid" ;;
        redis2) f="$DIR/redis/redis${REDIS_PORTS[1]}.pid" ;;
        sentinel[123]) f="$DIR/redis/sentinel${SENTINEL_PORTS[$((${1#sentinel} - 1))]}.pid" ;;
        nginx) f="$DIR/nginx/nginx.pid" ;;
        haproxy) f="$DIR/haproxy/haproxy.pid" ;;
        *) log "kill: unknown process '$1'"; return 2 ;;
    esac
    alive "$f" || { log "$1 is not running"; return 1; }
    kill -KILL "$(cat "$f")"
    rm -f "$f"
    log "$1 killed"
}

cmd="${1:-status}"
shift || true
case "$cmd" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    kill) kill_one "$@" ;;
    writer) writer ;;
    writers) writers ;;
    redis-primary) sentinel_primary ;;
    sql)
        if [[ "${1:-}" == galera[123] ]]; then n=${1#galera}; shift; node_sql "$n" "$DB_NAME" "$@"
        else mariadb -h127.0.0.1 -P"$HAPROXY_WRITER" -u"$DB_USER" -p"$DB_PASSWORD" "$DB_NAME" "$@"; fi ;;
    start-node) start_node "${1:?start-node N}" ;;
    backup) backup "$@" ;;
    destroy) stop; backup stop; rm -rf "$DIR" ;;
    *) echo "usage: $0 start|stop|status|kill NAME|writer|writers|redis-primary|sql [NODE]|backup take|restore|stop|destroy" >&2; exit 2 ;;
esac
