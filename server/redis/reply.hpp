#pragma once
// hiredis's reply to our Reply: shared by the blocking and the async client.
#include "server/redis/redis_client.hpp"

struct redisReply;

namespace sh::redis {

Reply to_reply(const redisReply* r);

}  // namespace sh::redis
