#include "server/redis/day_cache.hpp"

#include <charconv>
#include <random>

#include "booking/availability.hpp"
#include "server/redis/keys.hpp"

namespace sh::redis {

using booking::AppException;

namespace {

// {version, cached day or nil, held quanta}; creates a random version when there is none.
// Held quanta: the start minutes in the day's holds index whose hold has not expired.
const Script read_day(R"lua(
local v = redis.call('GET', KEYS[1])
if not v then
  redis.call('SET', KEYS[1], ARGV[1], 'NX')
  v = redis.call('GET', KEYS[1])
end
return {v, redis.call('GET', KEYS[2]), redis.call('ZRANGEBYSCORE', KEYS[3], ARGV[2], '+inf')}
)lua");

// Stores a rebuilt day only if the hall's version is still the one read before the rebuild.
const Script store_day(R"lua(
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[2], ARGV[1] .. '|' .. ARGV[2], 'PX', ARGV[3])
  return 1
end
return 0
)lua");

// An integer (INCR must work on it) far from any count a hall could reach.
std::string random_version() {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    return std::to_string(rng() >> 12);
}

bool next_int(std::string_view& rest, int& out) {
    auto bar = rest.find('|');
    if (bar == std::string_view::npos) return false;
    if (std::from_chars(rest.data(), rest.data() + bar, out).ec != std::errc()) return false;
    rest.remove_prefix(bar + 1);
    return true;
}

// "slot_minutes|horizon_days|release_minute|min_notice_minutes|slots" after "VERSION|" (an
// entry of the older form without the notice fails here: a miss).
std::optional<app::CachedDay> decode(std::string_view rest) {
    app::CachedDay d;
    if (!next_int(rest, d.slot_minutes) || !next_int(rest, d.horizon_days) ||
        !next_int(rest, d.release_minute) || !next_int(rest, d.min_notice_minutes))
        return std::nullopt;
    auto slots = booking::decode_slots(rest);
    if (!slots) return std::nullopt;
    d.slots = std::move(*slots);
    return d;
}

}  // namespace

awaitable<std::optional<app::DayCacheEntry>> DayCache::read(booking::VenueId venue, booking::Date d,
                                                            booking::TimePoint now) {
    std::optional<app::DayCacheEntry> out;
    std::vector<std::string> keys = {keys::version(keys_, venue), keys::day(keys_, venue, d),
                                     keys::held(keys_, venue, d)};
    std::string now_ms = std::to_string(
        std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count());
    std::vector<std::string> args = {random_version(), now_ms};  // (g++ 12: common/asio.hpp)
    try {
        auto reply = co_await fast_.eval(read_day, keys, args);
        if (reply.type != Reply::Type::array || reply.elements.size() != 3 ||
            reply.elements[0].type != Reply::Type::string)
            co_return out;
        app::DayCacheEntry e;
        e.version = reply.elements[0].str;
        for (const auto& m : reply.elements[2].elements) {
            int minute = 0;
            if (std::from_chars(m.str.data(), m.str.data() + m.str.size(), minute).ec ==
                std::errc())
                e.held.insert(minute);
        }
        const auto& cached = reply.elements[1];
        const std::string prefix = e.version + "|";
        if (keys_.config().availability_ttl_ms > 0 && cached.type == Reply::Type::string &&
            cached.str.compare(0, prefix.size(), prefix) == 0)
            e.day = decode(std::string_view(cached.str).substr(prefix.size()));
        out = std::move(e);
    } catch (const FailureException&) {
        // Redis unavailable: the caller reads MySQL alone.
    }
    co_return out;
}

awaitable<void> DayCache::store(booking::VenueId venue, booking::Date d, const std::string& version,
                                const app::CachedDay& day) {
    const int ttl_ms = keys_.config().availability_ttl_ms;
    if (ttl_ms <= 0) co_return;
    std::vector<std::string> keys = {keys::version(keys_, venue), keys::day(keys_, venue, d)};
    std::vector<std::string> args = {
        version,
        std::to_string(day.slot_minutes) + "|" + std::to_string(day.horizon_days) + "|" +
            std::to_string(day.release_minute) + "|" + std::to_string(day.min_notice_minutes) +
            "|" + booking::encode_slots(day.slots),
        std::to_string(ttl_ms)};
    try {
        co_await fast_.eval(store_day, keys, args);
    } catch (const FailureException&) {
    }
}

awaitable<bool> DayCache::bump(booking::VenueId venue) {
    bool ok = false;
    try {
        std::vector<std::string> args = {"INCR", keys::version(keys_, venue)};
        ok = (co_await fast_.command(args)).type == Reply::Type::integer;
    } catch (const FailureException&) {
    }
    co_return ok;
}

}  // namespace sh::redis
