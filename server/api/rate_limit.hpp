#pragma once
// Fixed-window rate limits shared by every instance through Redis; while Redis is unreachable
// each instance falls back to counting on its own (the limit then holds per instance).
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "server/redis/redis_client.hpp"
#include "common/asio.hpp"

namespace sh::api {

class RateLimiter {
public:
    explicit RateLimiter(redis::Client& redis) : redis_(redis) {}

    // Counts one hit on `key`. Returns the seconds to wait when over `limit` per `window`,
    // nullopt when allowed (or when limit is 0: switched off).
    awaitable<std::optional<int>> hit(const std::string& key, int limit, std::chrono::seconds window);

    // The same, for limits hit on every request (signed-in calls): hits are counted here and
    // added to the shared Redis counter in batches of about limit/20, so most requests make no
    // Redis call. The shared bound holds to within one batch per instance.
    awaitable<std::optional<int>> hit_batched(const std::string& key, int limit, std::chrono::seconds window);

private:
    struct Batch {
        std::chrono::steady_clock::time_point ends;
        long long counted = 0;  // hits here in this window
        long long flushed = 0;  // of those, already added to Redis
        long long global = 0;   // Redis's count after our last flush
    };
    std::unordered_map<std::string, Batch> batches_;

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
