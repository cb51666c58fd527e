#pragma once
// Lua scripts the Redis tests share.
#include <string>

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

}  // namespace sh::test
