#pragma once
// Fixed-window rate limits shared by every instance through Redis; while Redis is unreachable
// each instance falls back to counting on its own (the limit then holds per instance).
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "server/redis/redis_client.hpp"
#include "server/workers/asio.hpp"

namespace sh::api {

class RateLimiter {
public:
    explicit RateLimiter(redis::Client& redis) : redis_(redis) {}

    // Counts one hit on `key`. Returns the seconds to wait when over `limit` per `window`,
    // nullopt when allowed (or when limit is 0: switched off).
    awaitable<std::optional<int>> hit(const std::string& key, int limit, std::chrono::seconds window);

private:
    std::optional<int> hit_locally(const std::string& key, int limit, std::chrono::seconds window);

    redis::Client& redis_;
    std::mutex mu_;
    struct Window {
        std::chrono::steady_clock::time_point ends;
        int count = 0;
    };
    std::unordered_map<std::string, Window> local_;
};

}  // namespace sh::api
