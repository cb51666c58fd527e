#pragma once
// hiredis's reply to our Reply, and its timeouts: shared by the blocking client, the async
// client and the Sentinel locator.
#include <sys/time.h>

#include "server/redis/redis_client.hpp"

struct redisReply;

namespace sh::redis {

Reply to_reply(const redisReply* r);
// A write refused by a replica ("READONLY ..."): the primary has moved.
bool is_readonly(const redisReply* r);
// Milliseconds as hiredis's timeouts take them.
timeval to_timeval(int ms);

}  // namespace sh::redis
