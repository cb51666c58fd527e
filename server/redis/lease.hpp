#pragma once
// The lease of a time-driven job: one instance at a time takes it for `ttl`.
#include <chrono>
#include <string>

#include "server/redis/redis_client.hpp"

namespace sh::redis {

// True when this instance took the lease `name` (SET NX PX: nobody else holds it).
bool take_lease(Conn& c, const std::string& name, std::chrono::milliseconds ttl);
// PING: true when Redis answers.
bool ping(Conn& c);

}  // namespace sh::redis
