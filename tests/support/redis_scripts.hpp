#pragma once
// Lua scripts the Redis tests share.
#include <string>

#include <hiredis/hiredis.h>

#include "config/app_config.hpp"
#include "server/redis/redis_client.hpp"

namespace sh::test {

// Keeps Redis busy for `micros` microseconds, then answers "late-reply": a reply that arrives
// long after its caller's deadline.
inline redis::Script busy_script(long long micros) {
    return redis::Script(R"lua(
local t = redis.call('TIME')
local start = tonumber(t[1]) * 1000000 + tonumber(t[2])
while true do
  t = redis.call('TIME')
  if tonumber(t[1]) * 1000000 + tonumber(t[2]) - start > )lua" +
                         std::to_string(micros) + R"lua( then break end
end
return 'late-reply'
)lua");
}

// Waits until Redis has finished what it is busy with: a PING on a connection of its own, without
// a timeout. Redis runs one command at a time, so the answer comes after a busy script's, and its
// late reply has been sent by then. (Instead of sleeping "long enough".)
inline bool wait_until_redis_free(const config::RedisConfig& c) {
    redisContext* ctx = redisConnect(c.host.c_str(), c.port);
    if (!ctx || ctx->err) {
        if (ctx) redisFree(ctx);
        return false;
    }
    bool ok = false;
    if (!c.password.empty()) freeReplyObject(redisCommand(ctx, "AUTH %s", c.password.c_str()));
    if (auto* reply = static_cast<redisReply*>(redisCommand(ctx, "PING"))) {
        ok = reply->type == REDIS_REPLY_STATUS;
        freeReplyObject(reply);
    }
    redisFree(ctx);
    return ok;
}

}  // namespace sh::test
