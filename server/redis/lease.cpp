#include "server/redis/lease.hpp"

#include "server/redis/keys.hpp"

namespace sh::redis {

bool take_lease(Conn& c, const std::string& name, std::chrono::milliseconds ttl) {
    std::string key = keys::lease(c.client(), name), ms = std::to_string(ttl.count());
    return c.command({"SET", key, "1", "NX", "PX", ms}).type == Reply::Type::status;
}

bool ping(Conn& c) {
    return !c.command({"PING"}).is_error();
}

}  // namespace sh::redis
