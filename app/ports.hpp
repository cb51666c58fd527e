#pragma once
// The ports of the application layer: what a use case asks of storage, named after what the
// domain does. MySQL's are implemented in server/mysql (the source of truth), Redis's in
// server/redis (the fast path and caches); unit tests implement them in memory.
// Every port is awaited the same way: co_await port.verb(...).
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "booking/reservations.hpp"
#include "common/asio.hpp"

namespace sh::app {

using booking::TimePoint;

// Bookings in MySQL. The work is pure domain code against the store, run on a pool thread.
class BookingDb {
public:
    virtual ~BookingDb() = default;
    // One READ COMMITTED transaction: commits when `work` returns true, rolls back when false.
    // Deadlocks and lock-wait timeouts run `work` again (it must have no other effects).
    virtual awaitable<void> transact(std::function<bool(booking::BookingStore&)> work) = 0;
    // Plain reads outside a transaction.
    virtual awaitable<void> read(std::function<void(booking::BookingStore&)> work) = 0;
};

enum class Claim { claimed, taken, unavailable };

// Redis claims of 15-minute quanta under a token (advisory: MySQL decides). A claim lives until
// `now + ttl` on the service's clock.
class SlotClaims {
public:
    virtual ~SlotClaims() = default;
    // All or nothing; a quantum already claimed under the same token is claimed again (its
    // expiry is only ever extended).
    virtual awaitable<Claim> claim(booking::VenueId venue, const std::vector<TimePoint>& quanta,
                                   const std::string& token, TimePoint now, std::chrono::milliseconds ttl) = 0;
    // Deletes the quanta still claimed under `token` (compare and delete).
    virtual awaitable<void> release(booking::VenueId venue, const std::vector<TimePoint>& quanta,
                                    const std::string& token) = 0;
    // Deletes the claims whoever holds them (after MySQL freed the quanta).
    virtual awaitable<void> clear(booking::VenueId venue, const std::vector<TimePoint>& quanta) = 0;
};

struct Hold {
    std::string id;  // "<venue>-<random>": the hall is in the id, so its keys can be found
    booking::UserId user_id = 0;
    booking::VenueId venue_id = 0;
    booking::Date date;
    int start = 0, end = 0;
    TimePoint expires_at;
};

// The claim token of a hold: a booking that confirms its own hold passes the hold's claim.
std::string hold_token(const std::string& hold_id);

struct HoldLimits {
    int max_per_user = 3;             // live holds of one user
    int max_per_range_per_hour = 3;   // holds of one range by one user
    std::chrono::milliseconds ttl{300'000};
};

enum class HoldPlaced { created, existing, taken, too_many, too_often, unavailable };
struct HoldOutcome {
    HoldPlaced placed = HoldPlaced::unavailable;
    Hold hold;            // created: the new hold; existing: the user's live hold of that range
    int retry_after_s = 0;  // too_often
};

// Holds in Redis: the per-user cap, the same-range answer and the re-hold limit are one atomic
// step; the quanta are claimed under the hold's token.
class HoldStore {
public:
    virtual ~HoldStore() = default;
    // `h.id` and `h.expires_at` are filled in by the store.
    virtual awaitable<HoldOutcome> place(Hold h, const HoldLimits& limits, TimePoint now) = 0;
    // nullopt: no such live hold (expired, released, Redis lost it or is down).
    virtual awaitable<std::optional<Hold>> find(const std::string& hold_id, TimePoint now) = 0;
    // Ends a hold; release_quanta=false keeps its claim (the quanta now guard a booking).
    virtual awaitable<void> end(const Hold& h, bool release_quanta) = 0;
};

// The availability cache: told after every commit that changes a hall's bookings, closures or
// rules.
class HallChanges {
public:
    virtual ~HallChanges() = default;
    virtual awaitable<void> changed(booking::VenueId venue) = 0;
};

}  // namespace sh::app
