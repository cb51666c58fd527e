#include "app/availability.hpp"

#include "booking/booking_rules.hpp"
#include "booking/calendar.hpp"

namespace sh::app {

using booking::Errc;

namespace {

CachedDay build_day(const booking::Venue& v, booking::Date date,
                    const std::vector<booking::ClosureSpan>& closures,
                    const std::set<int>& booked) {
    return CachedDay{v.rules.slot_minutes, v.rules.horizon_days, v.rules.release_minute,
                     v.rules.min_notice_minutes,
                     booking::base_slots(v.rules, date, closures, booked)};
}

// The instant up to which a slot's start is past for booking::overlay: one that has begun, or
// (a hall's notice) one starting before now + notice — check_notice's edge exactly.
TimePoint too_soon(TimePoint now, int notice_minutes) {
    if (notice_minutes == 0) return now;
    return now + std::chrono::minutes(notice_minutes) - TimePoint::duration(1);
}

booking::VenueRules opening_of(const CachedDay& d) {
    booking::VenueRules r;
    r.horizon_days = d.horizon_days;
    r.release_minute = d.release_minute;
    return r;
}

}  // namespace

awaitable<Result<Day>> AvailabilityService::day(booking::VenueId venue, booking::Date date) {
    // A change of ours whose bump was missed: bump now, or keep away from the cache.
    bool trust_cache = true;
    if (is_unbumped(venue)) {
        trust_cache = co_await cache_.bump(venue);
        if (trust_cache) mark_bumped(venue);
    }
    const auto now = clock_.now();
    auto entry = co_await cache_.read(venue, date, now);

    std::optional<CachedDay> day;
    bool cached = false;
    if (entry && trust_cache && entry->day) {
        day = std::move(entry->day);
        cached = true;
    } else {
        std::optional<booking::DayInputs> in;
        co_await db_.read([&](booking::VenueStore& s) { in = s.day_inputs(venue, date); });
        if (!in) co_return booking::make_error(Errc::not_found);
        day = build_day(in->venue, date, in->closures, in->booked);
        if (entry && trust_cache) co_await cache_.store(venue, date, entry->version, *day);
    }
    if (auto closed = booking::check_day_open(opening_of(*day), date, now)) co_return *closed;

    Day out{day->slot_minutes, std::move(day->slots), cached};
    booking::overlay(out.slots, date, too_soon(now, day->min_notice_minutes),
                     entry ? entry->held : std::set<int>{});
    co_return out;
}

awaitable<Result<SearchPage>> AvailabilityService::search(const Search& s) {
    const auto now = clock_.now();
    if (s.date) {
        auto today = booking::to_local(now).date;
        if (*s.date < today || *s.date > booking::add_days(today, max_search_days))
            co_return booking::invalid_field(
                "date",
                "must be between today and " + std::to_string(max_search_days) + " days ahead");
    }
    std::vector<booking::Venue> venues;
    booking::DayOccupancy occupied;
    co_await db_.read([&](booking::VenueStore& store) {
        venues = store.search(s.filters);
        if (s.date) occupied = store.occupancy(*s.date);
    });

    SearchPage out;
    out.page = s.page;
    const int first = (s.page - 1) * out.page_size;
    for (auto& v : venues) {
        if (s.caller && booking::check_open_to(v, *s.caller)) continue;
        SearchHit hit{std::move(v), std::nullopt};
        if (s.date) {
            // A day not open for booking has nothing free to offer.
            if (booking::check_day_open(hit.venue.rules, *s.date, now)) continue;
            auto slots =
                booking::base_slots(hit.venue.rules, *s.date, occupied.closures[hit.venue.id],
                                    occupied.booked[hit.venue.id]);
            booking::overlay(slots, *s.date, too_soon(now, hit.venue.rules.min_notice_minutes), {});
            int free = 0;
            for (const auto& slot : slots)
                if (slot.state == booking::SlotState::free && slot.start >= s.from &&
                    slot.end <= s.to)
                    ++free;
            if (free == 0) continue;
            hit.free_slots = free;
        }
        if (out.total >= first && out.total < first + out.page_size)
            out.items.push_back(std::move(hit));
        ++out.total;
    }
    co_return out;
}

awaitable<void> AvailabilityService::changed(booking::VenueId venue) {
    if (co_await cache_.bump(venue)) co_return;
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

}  // namespace sh::app
