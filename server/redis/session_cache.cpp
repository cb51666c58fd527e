#include "server/redis/session_cache.hpp"

#include <charconv>

#include "server/redis/keys.hpp"
#include "server/workers/await.hpp"

namespace sh::redis {

using booking::AppException;

namespace {

// {value or nil, ms left}
const Script read_session(R"lua(
return {redis.call('GET', KEYS[1]), redis.call('PTTL', KEYS[1])}
)lua");

std::optional<app::CachedSession> parse(const Reply& reply, const Seal& seal,
                                        const std::string& key, booking::TimePoint now) {
    if (reply.type != Reply::Type::array || reply.elements.size() != 2) return std::nullopt;
    const auto& sealed = reply.elements[0];
    long long left_ms = reply.elements[1].integer;
    if (sealed.type != Reply::Type::string || left_ms <= 0) return std::nullopt;
    // "user_id:expires_epoch_seconds" under our seal; anything else is ignored (MySQL is asked).
    std::string_view value;
    if (!seal.open(key, sealed.str, value)) return std::nullopt;
    std::uint64_t user = 0;
    long long expires_s = 0;
    const char* p = value.data();
    const char* end = p + value.size();
    auto a = std::from_chars(p, end, user);
    if (a.ec != std::errc() || a.ptr == end || *a.ptr != ':') return std::nullopt;
    auto b = std::from_chars(a.ptr + 1, end, expires_s);
    auto expires = booking::TimePoint(std::chrono::seconds(expires_s));
    if (b.ec != std::errc() || b.ptr != end || now >= expires) return std::nullopt;
    return app::CachedSession{booking::SessionRecord{user, expires},
                              std::chrono::milliseconds(left_ms)};
}

}  // namespace

awaitable<std::optional<app::CachedSession>> SessionCache::find(const std::string& token_hash,
                                                                booking::TimePoint now) {
    std::optional<app::CachedSession> out;
    const std::string key = keys::session(redis_, token_hash);
    try {
        auto reply =
            co_await workers::run(redis_, [&](Conn& c) { return c.eval(read_session, {key}, {}); });
        out = parse(reply, seal_, key, now);
    } catch (const FailureException&) {
    }
    co_return out;
}

awaitable<void> SessionCache::store(const std::string& token_hash, const booking::SessionRecord& s,
                                    std::chrono::milliseconds ttl) {
    const std::string key = keys::session(redis_, token_hash);
    std::string value =
        seal_.seal(key, std::to_string(s.user_id) + ":" +
                            std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                               s.expires_at.time_since_epoch())
                                               .count()));
    std::string ms = std::to_string(std::max<long long>(1, ttl.count()));
    try {
        co_await workers::run(redis_, [&](Conn& c) {
            return c.command({"SET", key, value, "PX", ms});
        });
    } catch (const FailureException&) {
    }
}

awaitable<void> SessionCache::drop(const std::string& token_hash) {
    try {
        co_await workers::run(redis_, [&](Conn& c) {
            return c.command({"DEL", keys::session(redis_, token_hash)});
        });
    } catch (const FailureException&) {
    }
}

}  // namespace sh::redis
