#pragma once
// Availability and search: a hall's day, served from the DayCache and rebuilt from MySQL;
// halls with free time on a day. Also the VenueChanges every writer reports to.
//  - A day the hall does not open for booking yet answers as a booking would: beyond_horizon or
//    not_yet_open (details.opens_at).
//  - "past" and "held" are applied per request; with Redis down everything comes from MySQL and
//    "held" is not shown.
//  - A change whose version bump failed (Redis unreachable at that moment) makes this instance
//    bypass the hall's cache until a bump succeeds; other instances are bounded by the TTL.
#include <mutex>
#include <set>

#include "app/ports.hpp"
#include "booking/clock.hpp"

namespace sh::app {

using booking::Result;

struct Day {
    int slot_minutes = 0;
    std::vector<booking::DaySlot> slots;  // with past and held applied
    bool cached = false;
};

struct Search {
    booking::VenueQuery filters;
    std::optional<booking::Date> date;  // with a date: only halls with a free slot in [from, to)
    int from = 0, to = 1440;
    int page = 1;
    std::optional<booking::Principal>
        caller;  // only the halls open to them (booking::check_open_to)
};
struct SearchHit {
    booking::Venue venue;
    std::optional<int> free_slots;  // with a date
};
struct SearchPage {
    std::vector<SearchHit> items;
    int page = 1;
    int page_size = 20;
    int total = 0;
};

// The farthest a search date may be (the longest horizon a hall may have).
constexpr int max_search_days = 90;

class AvailabilityService final : public VenueChanges {
  public:
    AvailabilityService(VenueDb& db, DayCache& cache, const booking::Clock& clock)
        : db_(db), cache_(cache), clock_(clock) {}

    // not_found, beyond_horizon, not_yet_open.
    awaitable<Result<Day>> day(booking::VenueId venue, booking::Date date);
    // validation (date before today or more than max_search_days ahead). One read of every
    // hall's day, not one per hall.
    awaitable<Result<SearchPage>> search(const Search& s);
    awaitable<void> changed(booking::VenueId venue) override;

  private:
    VenueDb& db_;
    DayCache& cache_;
    const booking::Clock& clock_;
    std::mutex mu_;
    std::set<booking::VenueId> unbumped_;  // halls whose version bump failed here

    bool is_unbumped(booking::VenueId venue);
    void mark_bumped(booking::VenueId venue);
};

}  // namespace sh::app
