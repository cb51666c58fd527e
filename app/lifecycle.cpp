#include "app/lifecycle.hpp"

#include <set>

namespace sh::app {

awaitable<long long> Lifecycle::sweep(Due what, TimePoint now, TimePoint until,
                                      const Decide& decide, bool frees_quanta) {
    long long total = 0;
    std::set<booking::VenueId> venues;
    for (;;) {
        auto ids = co_await due_.find(what, now, until, settings_.batch);
        if (ids.empty()) break;
        long long changed = 0;
        std::set<booking::VenueId> touched;
        co_await db_.transact([&](booking::BookingStore& s) {
            changed = 0;  // the work may run again after a deadlock
            touched.clear();
            for (auto id : ids) {
                auto b = s.find_booking(id, /*for_update=*/true);  // the booking's row alone
                if (!b || !decide(s, *b)) continue;
                ++changed;
                touched.insert(b->venue_id);
            }
            return true;
        });
        total += changed;
        if (frees_quanta) venues.insert(touched.begin(), touched.end());
        // A short batch was the last; a batch where nothing changed would be picked again.
        if (ids.size() < static_cast<std::size_t>(settings_.batch) || changed == 0) break;
    }
    for (auto v : venues) co_await changes_.changed(v);
    co_return total;
}

awaitable<long long> Lifecycle::expire_requests(TimePoint now) {
    auto requests = co_await sweep(
        Due::undecided_started, now, now,
        [&](booking::BookingStore& s, const booking::Booking& b) {
            return booking::expire(s, b, now);
        },
        true);
    co_return requests + co_await sweep(
                             Due::undecided_extension, now, now,
                             [&](booking::BookingStore& s, const booking::Booking& b) {
                                 return booking::expire_extension(s, b, now);
                             },
                             true);
}

awaitable<long long> Lifecycle::release_no_shows(TimePoint now) {
    co_return co_await sweep(
        Due::unattended, now, now,
        [&](booking::BookingStore& s, const booking::Booking& b) {
            auto venue = s.find_venue(b.venue_id, booking::Lock::none);
            return venue && booking::release_no_show(s, settings_.penalties, b, venue->rules, now);
        },
        true);
}

awaitable<long long> Lifecycle::complete_bookings(TimePoint now) {
    co_return co_await sweep(
        Due::attended_ended, now, now,
        [&](booking::BookingStore& s, const booking::Booking& b) {
            return booking::complete(s, b, now);
        },
        false);
}

awaitable<long long> Lifecycle::tell_approvers(TimePoint now) {
    co_return co_await sweep(
        Due::untold_request, now, now,
        [&](booking::BookingStore& s, const booking::Booking& b) {
            return booking::tell_approvers(s, b, now);
        },
        false);
}

awaitable<long long> Lifecycle::escalate_requests(TimePoint now) {
    co_return co_await sweep(
        Due::overdue_request, now, now + settings_.escalate_before,
        [&](booking::BookingStore& s, const booking::Booking& b) {
            return booking::tell_overdue(s, b, now);
        },
        false);
}

awaitable<long long> Lifecycle::send_reminders(TimePoint now) {
    co_return co_await sweep(
        Due::reminder, now, now + settings_.remind_before,
        [&](booking::BookingStore& s, const booking::Booking& b) {
            return booking::remind(s, b, now);
        },
        false);
}

}  // namespace sh::app
