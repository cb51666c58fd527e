#!/usr/bin/env bash
# The walls between the rooms (docs/architecture.md), checked on every test run. Fails naming
# each file that crosses one.
#   booking/  pure: no Asio, Beast, hiredis, Connector/C++; nothing of app/, server/, common/asio
#   app/      use cases: no Beast, hiredis, Connector/C++; nothing of server/
#   wechat/   a leaf beside the storage rooms: nothing of server/ or booking/
#   server/http, server/workers  transport and pools: nothing of booking/ or app/ (errors cross
#             as sh::Failure codes; server/http alone maps them to statuses)
#   server/jobs  runs app's use cases: nothing of server/api
#   adapters  the storage and WeChat adapters link the ports (sh_ports), never the use cases
#   SQL text  only under server/mysql/
#   Redis     commands, keys and scripts only under server/redis/
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
fail=0

cross() {  # wall, files...
    local wall="$1"; shift
    for f in "$@"; do echo "walls: $f crosses the wall: $wall"; fail=1; done
}

src() { git ls-files -- "$@" | grep -E '\.(cpp|hpp)$'; }

mapfile -t hits < <(src booking | xargs -r grep -lE '#include *[<"](boost/|hiredis|cppconn/|mysql_driver|mysql_connection|server/|app/|common/asio)' )
cross "booking/ is pure (no Asio/Beast/hiredis/Connector/C++, nothing of app/ or server/)" "${hits[@]}"

mapfile -t hits < <(src app | xargs -r grep -lE '#include *[<"](boost/beast|hiredis|cppconn/|mysql_driver|server/)')
cross "app/ sees ports, not storage or HTTP" "${hits[@]}"

mapfile -t hits < <(src wechat | xargs -r grep -lE '#include *"(server|booking|app)/')
cross "wechat/ is a leaf (nothing of server/, booking/ or app/)" "${hits[@]}"

mapfile -t hits < <(src server/http server/workers | xargs -r grep -lE '#include *"(booking|app)/')
cross "server/http and server/workers know nothing of booking/ or app/" "${hits[@]}"

mapfile -t hits < <(src server/jobs | xargs -r grep -lE '#include *"server/api/')
cross "server/jobs runs app's use cases, not the handlers' services" "${hits[@]}"

mapfile -t hits < <(git ls-files -- server/mysql/CMakeLists.txt server/redis/CMakeLists.txt server/wechat_gateway/CMakeLists.txt |
    xargs -r grep -lE 'target_link_libraries\([^)]*\bsh_app\b')
cross "storage and WeChat adapters link sh_ports, not the use cases (sh_app)" "${hits[@]}"

# SQL: a string literal that starts a statement.
mapfile -t hits < <(src booking app common config server wechat | grep -v '^server/mysql/' |
    xargs -r grep -lE '"[[:space:]]*(SELECT|INSERT INTO|UPDATE [a-z_]+ SET|DELETE FROM|REPLACE INTO|CREATE TABLE|ALTER TABLE)[[:space:]]')
cross "SQL text only under server/mysql/" "${hits[@]}"

# Redis: a command name as a literal argument, a Lua script, a hiredis call or a redis::Script.
mapfile -t hits < <(src booking app common config server wechat | grep -v '^server/redis/' |
    xargs -r grep -lE '(\{ *"(GET|SET|DEL|INCR|INCRBY|EXPIRE|PEXPIRE|ZADD|ZREM|EVAL|EVALSHA|PING)"|redis\.call|redisCommand|redis::Script|\.eval\()')
cross "Redis commands only under server/redis/" "${hits[@]}"

# End-to-end stacks: each takes ports base, base+1, base+2 of its own; two tests sharing a base
# meet each other's servers when ctest runs them side by side (a flake, not a failure).
mapfile -t hits < <(git ls-files -- tests | grep -E '\.cpp$' | xargs -r grep -Pzoh 'own\(\),\s*\K[0-9]{5}' |
    tr '\0' '\n' | sort | uniq -d)
cross "each end-to-end stack's port is its own (a base used twice)" "${hits[@]}"

if [ "$fail" -ne 0 ]; then
    echo "walls: FAILED"
    exit 1
fi
echo "walls: every wall holds"
