#pragma once
// The transitions time drives, as use cases the scheduler runs: the DueBookings port picks the
// candidates; booking/attendance.cpp decides each under the booking's row lock, a batch per
// transaction. A transition changes a booking only from the state it leaves, so two runs at once
// (or a run repeated after a crash) change each booking once, and the outbox's key sends each
// notice once.
#include <chrono>
#include <functional>

#include "app/ports.hpp"
#include "booking/attendance.hpp"
#include "booking/clock.hpp"

namespace sh::app {

struct LifecycleSettings {
    booking::PenaltyRules penalties;
    std::chrono::minutes remind_before{60};
    // A request nobody decided goes to the street its hall's escalate_after_hours after its
    // approvers were told (on the service's clock, within a job interval of its making), or this
    // long before its start, whichever comes first.
    std::chrono::hours escalate_before{24};
    int batch = 200;
};

class Lifecycle {
  public:
    Lifecycle(BookingDb& db, DueBookings& due, VenueChanges& changes, LifecycleSettings settings)
        : db_(db), due_(due), changes_(changes), settings_(std::move(settings)) {}

    // Each returns how many bookings (rows) it changed.
    // Pending requests nobody decided before their start expire; their quanta are freed. So are an
    // extension's added quanta once its extra time begins undecided.
    awaitable<long long> expire_requests(TimePoint now);
    // Confirmed bookings not checked in by the end of their window become no-shows (the rest of
    // their time given back, a violation recorded).
    awaitable<long long> release_no_shows(TimePoint now);
    // Checked-in bookings that ended complete.
    awaitable<long long> complete_bookings(TimePoint now);
    // Confirmed bookings starting within remind_before get their reminder, once.
    awaitable<long long> send_reminders(TimePoint now);
    // A new pending request is told to its approvers; one waiting too long, to the street.
    awaitable<long long> tell_approvers(TimePoint now);
    awaitable<long long> escalate_requests(TimePoint now);

  private:
    using Decide = std::function<bool(booking::BookingStore&, const booking::Booking&)>;
    awaitable<long long> sweep(Due what, TimePoint now, TimePoint until, const Decide& decide,
                               bool frees_quanta);

    BookingDb& db_;
    DueBookings& due_;
    VenueChanges& changes_;
    LifecycleSettings settings_;
};

}  // namespace sh::app
