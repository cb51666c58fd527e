#pragma once
// Time-driven transitions (the jobs' SQL). Each is idempotent and guarded by the state it
// leaves, so two instances running a round at once change each booking once.
#include <set>

#include "booking/clock.hpp"
#include "booking/venue.hpp"
#include "server/mysql/database.hpp"

namespace sh::mysql {

struct RoundResult {
    int expired = 0;
    int purged = 0;
    std::set<booking::VenueId> venues;  // whose availability changed
};

// Pending bookings whose start has passed become `expired` and give up their quanta (only those
// this round moved); idempotency keys older than 24 h are deleted.
RoundResult run_lifecycle_round(Database& db, Conn& c, booking::TimePoint now);

}  // namespace sh::mysql
