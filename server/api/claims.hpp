#pragma once
// The Redis fast path in front of the MySQL guard: one Lua script claims every 15-minute
// quantum of a request at once (all or nothing) under a token, with a TTL. In a burst the losers
// are turned away here without touching MySQL. Advisory only: when Redis is down or was
// flushed, the request goes on and MySQL's primary key decides.
// Keys of one hall share the hash tag {hall:ID} so a Redis Cluster keeps the script on one shard.
#include <string>
#include <vector>

#include "booking/clock.hpp"
#include "booking/venue.hpp"
#include "server/redis/redis_client.hpp"
#include "server/workers/asio.hpp"

namespace sh::api {

class SlotClaims {
public:
    explicit SlotClaims(redis::Client& redis) : redis_(redis) {}

    enum class Result { claimed, taken, unavailable };
    // Claims all the quanta for `token` (a token already owning a quantum may claim it again).
    awaitable<Result> claim(booking::VenueId venue, const std::vector<booking::TimePoint>& quanta,
                            const std::string& token, int ttl_ms);
    // Deletes the quanta still owned by `token` (compare-and-delete).
    awaitable<void> release(booking::VenueId venue, const std::vector<booking::TimePoint>& quanta,
                            const std::string& token);
    // Deletes the quanta whoever owns them (after a cancellation freed them in MySQL).
    awaitable<void> clear(booking::VenueId venue, const std::vector<booking::TimePoint>& quanta);

    std::vector<std::string> keys(booking::VenueId venue, const std::vector<booking::TimePoint>& quanta) const;

private:
    redis::Client& redis_;
};

}  // namespace sh::api
