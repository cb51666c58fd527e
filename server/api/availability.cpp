#include "server/api/availability.hpp"

#include <charconv>
#include <random>

#include "server/mysql/venue_store.hpp"
#include "server/redis/keys.hpp"

namespace sh::api {

using booking::AppException;

namespace {

// {version, cached day or nil, held quanta}; creates a random version when there is none.
// Held quanta: the start minutes in the day's holds index whose hold has not expired.
const redis::Script read_day(R"lua(
local v = redis.call('GET', KEYS[1])
if not v then
  redis.call('SET', KEYS[1], ARGV[1], 'NX')
  v = redis.call('GET', KEYS[1])
end
return {v, redis.call('GET', KEYS[2]), redis.call('ZRANGEBYSCORE', KEYS[3], ARGV[2], '+inf')}
)lua");

// Stores a rebuilt day only if the hall's version is still the one read before the rebuild.
const redis::Script store_day(R"lua(
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

}  // namespace

awaitable<std::optional<AvailabilityService::Day>> AvailabilityService::day(booking::VenueId venue,
                                                                           booking::Date date) {
    auto& redis = redis_;
    // A change of ours whose bump was missed: bump now, or keep away from the cache.
    bool trust_cache = true;
    if (is_unbumped(venue)) {
        trust_cache = co_await bump(venue);
        if (trust_cache) mark_bumped(venue);
    }
    std::vector<std::string> keys = {redis::keys::version(redis, venue), redis::keys::day(redis, venue, date),
                                     redis::keys::held(redis, venue, date)};
    std::set<int> held;
    std::optional<std::string> version;
    std::optional<Day> out;

    try {
        std::string fresh = random_version();
        std::string now_ms = std::to_string(
            std::chrono::duration_cast<std::chrono::milliseconds>(clock_.now().time_since_epoch()).count());
        std::vector<std::string> args = {fresh, now_ms};  // (a braced list inside co_await trips g++ 12)
        auto reply = co_await fast_.eval(read_day, keys, args);
        if (reply.type == redis::Reply::Type::array && reply.elements.size() == 3 &&
            reply.elements[0].type == redis::Reply::Type::string) {
            version = reply.elements[0].str;
            for (const auto& m : reply.elements[2].elements) {
                int minute = 0;
                if (std::from_chars(m.str.data(), m.str.data() + m.str.size(), minute).ec == std::errc()) held.insert(minute);
            }
            const auto& cached = reply.elements[1];
            if (trust_cache && redis_.config().availability_ttl_ms > 0 && cached.type == redis::Reply::Type::string &&
                cached.str.size() > version->size() &&
                cached.str.compare(0, version->size() + 1, *version + "|") == 0) {
                // "VERSION|slot_minutes|encoded slots"
                std::string_view rest(cached.str);
                rest.remove_prefix(version->size() + 1);
                auto bar = rest.find('|');
                int slot_minutes = 0;
                if (bar != std::string_view::npos &&
                    std::from_chars(rest.data(), rest.data() + bar, slot_minutes).ec == std::errc()) {
                    if (auto slots = booking::decode_slots(rest.substr(bar + 1)))
                        out = Day{slot_minutes, std::move(*slots), true};
                }
            }
        }
    } catch (const AppException&) {
        // Redis unavailable: MySQL alone.
    }

    if (!out) {
        auto inputs = co_await workers::run_on(
            db_.pool(), db_.guard([&](mysql::Conn& c) { return mysql::MysqlVenueStore(c).day_inputs(venue, date); }),
            db_.acquire_timeout());
        if (!inputs) co_return std::nullopt;
        Day d{inputs->venue.rules.slot_minutes,
              booking::base_slots(inputs->venue.rules, date, inputs->closures, inputs->booked), false};
        if (version && trust_cache && redis_.config().availability_ttl_ms > 0) {
            std::string body = std::to_string(d.slot_minutes) + "|" + booking::encode_slots(d.slots);
            std::string ttl = std::to_string(redis_.config().availability_ttl_ms);
            try {
                std::vector<std::string> args = {*version, body, ttl};
                co_await fast_.eval(store_day, keys, args);
            } catch (const AppException&) {
            }
        }
        out = std::move(d);
    }

    booking::overlay(out->slots, date, clock_.now(), held);
    co_return out;
}

awaitable<bool> AvailabilityService::bump(booking::VenueId venue) {
    std::string key = redis::keys::version(redis_, venue);
    bool ok = false;
    try {
        std::vector<std::string> args = {"INCR", key};
        ok = (co_await fast_.command(args)).type == redis::Reply::Type::integer;
    } catch (const AppException&) {
    }
    co_return ok;
}

awaitable<void> AvailabilityService::invalidate(booking::VenueId venue) {
    if (co_await bump(venue)) co_return;
    // Missed: this instance does not trust the hall's cached days until a bump succeeds (other
    // instances' entries are bounded by the TTL).
    std::lock_guard lock(mu_);
    unbumped_.insert(venue);
}

bool AvailabilityService::is_unbumped(booking::VenueId venue) {
    std::lock_guard lock(mu_);
    return unbumped_.count(venue) > 0;
}

void AvailabilityService::mark_bumped(booking::VenueId venue) {
    std::lock_guard lock(mu_);
    unbumped_.erase(venue);
}

}  // namespace sh::api
