#pragma once
// The time-driven transitions of bookings (the jobs' SQL picks candidates; booking/attendance.cpp
// decides). Each candidate is re-read under its own row lock and changed only from the state the
// transition leaves, so two instances running a round at once change each booking once; the
// outbox's unique key sends each notice once.
#include <set>

#include "booking/clock.hpp"
#include "booking/reservations.hpp"
#include "server/mysql/database.hpp"

namespace sh::mysql {

struct RoundSettings {
    booking::PenaltyRules penalties;
    std::chrono::minutes remind_before{60};
};

struct RoundResult {
    int expired = 0;
    int no_shows = 0;
    int completed = 0;
    int reminded = 0;
    int purged = 0;
    std::set<booking::VenueId> venues;  // whose availability changed
};

// Pending bookings that began undecided expire; confirmed bookings not checked in by the end of
// their window become no-shows (giving back the rest of their time, with a violation);
// checked-in bookings that ended complete; confirmed bookings starting within remind_before get
// their reminder; idempotency keys and console sign-ins older than 24 h are deleted.
RoundResult run_lifecycle_round(Database& db, Conn& c, booking::TimePoint now, const RoundSettings& settings);

}  // namespace sh::mysql
