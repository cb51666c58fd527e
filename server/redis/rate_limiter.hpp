#pragma once
// Fixed-window rate limits shared by every instance through Redis; while Redis is unreachable
// each instance falls back to counting on its own (the limit then holds per instance).
// The rate counters of the service; keys in keys.hpp.
#include <chrono>
#include <optional>
#include <string>

#include "app/ports.hpp"
#include "common/asio.hpp"
#include "common/bounded_cache.hpp"
#include "server/redis/redis_client.hpp"

namespace sh::redis {

class RateLimiter final : public app::RateCounters {
  public:
    explicit RateLimiter(redis::Client& redis) : redis_(redis) {}

    // Counts one hit on `key`. Returns the seconds to wait when over `limit` per `window`,
    // nullopt when allowed (or when limit is 0: switched off).
    awaitable<std::optional<int>> hit(const std::string& key, int limit,
                                      std::chrono::seconds window) override;

    // The same, for limits hit on every request (signed-in calls): hits are counted here and
    // added to the shared Redis counter in batches of about limit/20, so most requests make no
    // Redis call. The shared bound holds to within one batch per instance.
    awaitable<std::optional<int>> hit_often(const std::string& key, int limit,
                                            std::chrono::seconds window) override;

    // Without any Redis call: the seconds to wait when a hit() on `key` was refused here and
    // its window has not ended yet.
    std::optional<int> refused_here(const std::string& key, int limit) override;

  private:
    using Steady = std::chrono::steady_clock::time_point;
    // Each by key, until its window ends (the entry's deadline).
    BoundedCache<std::string, Steady, Steady> blocked_{100'000};  // refused here until
    struct Batch {
        long long counted = 0;  // hits here in this window
        long long flushed = 0;  // of those, already added to Redis
        long long global = 0;   // Redis's count after our last flush
    };
    BoundedCache<std::string, Batch, Steady> batches_{100'000};
    BoundedCache<std::string, int, Steady> local_{100'000};  // hits counted here, Redis down

    std::optional<int> hit_locally(const std::string& key, int limit, std::chrono::seconds window);

    redis::Client& redis_;
};

}  // namespace sh::redis
