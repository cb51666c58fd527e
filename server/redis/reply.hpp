#pragma once
// hiredis's reply to our Reply: shared by the blocking and the async client.
#include "server/redis/redis_client.hpp"

struct redisReply;

namespace sh::redis {

Reply to_reply(const redisReply* r);
// A write refused by a replica ("READONLY ..."): the primary has moved.
bool is_readonly(const redisReply* r);

}  // namespace sh::redis
