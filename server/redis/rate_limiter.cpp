#include "server/redis/rate_limiter.hpp"

#include "server/redis/keys.hpp"
#include "server/workers/await.hpp"

namespace sh::redis {

namespace {
// Whole seconds to wait for `until`, rounded up (at least 1).
int seconds_until(std::chrono::steady_clock::time_point until,
                  std::chrono::steady_clock::time_point now) {
    return static_cast<int>(std::chrono::duration_cast<std::chrono::seconds>(until - now).count()) +
           1;
}

// INCR the window's counter, start its expiry on the first hit; return count and ms left.
const redis::Script count_hit(R"lua(
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {n, ttl}
)lua");
}  // namespace

awaitable<std::optional<int>> RateLimiter::hit(const std::string& key, int limit,
                                               std::chrono::seconds window) {
    std::optional<int> retry_after;
    if (limit <= 0) co_return retry_after;
    std::string k = keys::rate(redis_, key);
    std::string window_ms = std::to_string(window.count() * 1000);
    bool counted = false;
    try {
        auto reply = co_await workers::run(
            redis_, [&](Conn& c) { return c.eval(count_hit, {k}, {window_ms}); });
        if (reply.type == redis::Reply::Type::array && reply.elements.size() == 2) {
            counted = true;
            if (reply.elements[0].integer > limit)
                retry_after = static_cast<int>((reply.elements[1].integer + 999) / 1000);
        }
    } catch (const FailureException&) {
        // Redis unavailable: count here instead.
    }
    if (!counted) retry_after = hit_locally(key, limit, window);
    if (retry_after) {
        auto now = std::chrono::steady_clock::now();
        const auto until = now + std::chrono::seconds(*retry_after);
        blocked_.put(key, until, until, now);
    }
    co_return retry_after;
}

namespace {
// Adds a batch of hits: {count after, ms left in the window}.
const redis::Script add_hits(R"lua(
local n = redis.call('INCRBY', KEYS[1], ARGV[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]); ttl = tonumber(ARGV[2]) end
return {n, ttl}
)lua");
}  // namespace

awaitable<std::optional<int>> RateLimiter::hit_often(const std::string& key, int limit,
                                                     std::chrono::seconds window) {
    std::optional<int> retry_after;
    if (limit <= 0) co_return retry_after;
    const long long batch = std::max(1, limit / 20);
    auto now = std::chrono::steady_clock::now();
    long long to_flush = 0;
    batches_.update(key, now, [&](Batch& b, Steady& ends) {
        if (now >= ends) b = Batch{}, ends = now + window;
        ++b.counted;
        long long pending = b.counted - b.flushed;
        if (b.global + pending > limit)
            retry_after = seconds_until(ends, now);
        else if (pending >= batch || b.global + pending * 2 > limit) {
            to_flush = pending;
            b.flushed = b.counted;
        }
    });
    if (retry_after || to_flush == 0) co_return retry_after;

    std::string k = keys::rate(redis_, key);
    std::string n = std::to_string(to_flush), window_ms = std::to_string(window.count() * 1000);
    bool shared = false;
    try {
        auto reply = co_await workers::run(redis_, [&](Conn& c) {
            return c.eval(add_hits, {k}, {n, window_ms});
        });
        if (reply.type == redis::Reply::Type::array && reply.elements.size() == 2) {
            shared = true;
            batches_.update(key, now, [&](Batch& b, Steady& ends) {
                b.global = reply.elements[0].integer;  // every instance's flushed hits
                ends = now + std::chrono::milliseconds(reply.elements[1].integer);
            });
            if (reply.elements[0].integer > limit)
                retry_after = static_cast<int>((reply.elements[1].integer + 999) / 1000);
        }
    } catch (const FailureException&) {
    }
    if (!shared) {
        // Redis unavailable (or an answer we cannot read): the hits stay counted here, so the
        // local count alone decides (the limit then holds per instance).
        batches_.update(key, now, [&](Batch& b, Steady& ends) {
            b.global += to_flush;
            if (b.global > limit) retry_after = seconds_until(ends, now);
        });
    }
    co_return retry_after;
}

std::optional<int> RateLimiter::refused_here(const std::string& key, int limit) {
    if (limit <= 0) return std::nullopt;
    auto now = std::chrono::steady_clock::now();
    if (auto until = blocked_.find(key, now)) return seconds_until(*until, now);
    return std::nullopt;
}

std::optional<int> RateLimiter::hit_locally(const std::string& key, int limit,
                                            std::chrono::seconds window) {
    auto now = std::chrono::steady_clock::now();
    return local_.update(key, now, [&](int& count, Steady& ends) -> std::optional<int> {
        if (now >= ends) count = 0, ends = now + window;
        if (++count <= limit) return std::nullopt;
        return seconds_until(ends, now);
    });
}

}  // namespace sh::redis
