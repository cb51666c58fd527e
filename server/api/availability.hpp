#pragma once
// The availability of a hall on a day, served from a per-hall-per-day Redis cache.
//  - Keys of one hall share the hash tag {hall:ID}, so a Redis Cluster keeps them on one shard.
//  - {hall:ID}:ver is the hall's version, bumped after every committed change that can alter its
//    availability (bookings, cancellations, closures, rules). A missing version is created at
//    random, so a lost key can never make old entries look current.
//  - {hall:ID}:day:DATE holds "VERSION|base slots" for 60 s. It is used only when its version is
//    the current one, and a rebuild stores its result only if the version did not move while it
//    read MySQL: a healthy Redis never serves a state older than the last committed change. A
//    bump that failed (Redis unreachable at that moment) makes this instance bypass the hall's
//    cache until a bump succeeds; other instances are bounded by the TTL.
//  - "past" and "held" are applied per request; with Redis down everything comes from MySQL and
//    "held" is not shown.
#include <functional>
#include <mutex>
#include <set>

#include "app/ports.hpp"
#include "booking/availability.hpp"
#include "server/api/services.hpp"
#include "server/redis/async_client.hpp"

namespace sh::api {

class AvailabilityService final : public app::HallChanges {
public:
    // `fast` serves the Redis calls of this hot path from the I/O threads; `redis` names keys
    // and holds the settings (both clients share one configuration).
    AvailabilityService(mysql::Database& db, redis::Client& redis, redis::AsyncClient& fast,
                        const booking::Clock& clock)
        : db_(db), redis_(redis), fast_(fast), clock_(clock) {}

    struct Day {
        int slot_minutes = 0;
        std::vector<booking::DaySlot> slots;  // with past and held applied
        bool cached = false;
    };
    // nullopt: no such hall.
    awaitable<std::optional<Day>> day(booking::VenueId venue, booking::Date date);
    // After a commit that changed the hall's bookings, closures or rules.
    awaitable<void> invalidate(booking::VenueId venue);
    awaitable<void> changed(booking::VenueId venue) override { return invalidate(venue); }

private:
    mysql::Database& db_;
    redis::Client& redis_;
    redis::AsyncClient& fast_;
    const booking::Clock& clock_;
    std::mutex mu_;
    std::set<booking::VenueId> unbumped_;  // halls whose version bump failed here

    awaitable<bool> bump(booking::VenueId venue);
    bool is_unbumped(booking::VenueId venue);
    void mark_bumped(booking::VenueId venue);
};

}  // namespace sh::api
