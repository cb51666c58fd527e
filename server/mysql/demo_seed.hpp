#pragma once
#include "booking/calendar.hpp"
#include "server/mysql/database.hpp"

namespace sh::mysql {

// The Jing'an demo district: streets, member buildings of the alliance, 2–5 halls each.
// Idempotent: does nothing when halls exist already. Returns the number of halls created.
int seed_demo(Conn& c);

// A year of history before `today` for the statistics: `n` bookings across the demo halls with
// weekday and evening peaks, several hundred party branches, attendees' scans, no-shows,
// cancellations (some late) and rejections; deterministic for a seed. The bookings are in the
// past, so no quanta are written for them (no new booking can ask for that time). Returns the
// number written (overlapping picks are skipped).
int seed_history(Conn& c, int n, booking::Date today, unsigned seed = 20261130);

}  // namespace sh::mysql
