#pragma once
// The rest of a booking's day: check-in with the hall's code, attendees counted by their scans,
// and the transitions time drives (reminder, no-show, completion, expiry). Each transition is
// guarded by the state it leaves and tells the member through the outbox in the same
// transaction.
#include <chrono>

#include "booking/booking_store.hpp"
#include "booking/penalties.hpp"

namespace sh::booking {

struct CheckinWindow {
    TimePoint opens, closes;  // check-in is allowed at opens <= now <= closes
};
CheckinWindow checkin_window(const VenueRules& rules, TimePoint start);

// The owner or a co-organiser, with the code scanned in the hall, inside the window: checked_in,
// and counted present. not_found (cannot see it), forbidden (the hall's managers), wrong_venue,
// checkin_window_closed (details: the window), invalid_state. Checking in again answers the
// same booking.
Result<Booking> check_in(BookingStore& s, const Principal& me, BookingId id,
                         const std::string& code, TimePoint now);

struct Presence {
    Booking booking;
    bool counted_now = false;  // false: this person was counted before
};
// Anyone signed in who scans a hall's code while a checked-in booking runs there is counted
// once. not_found (no hall has the code), no_running_booking.
Result<Presence> scan(BookingStore& s, const Principal& me, const std::string& code, TimePoint now);

// The owner ends a checked-in booking before its end: it now ends at the hall's first slot
// boundary at or after `now` (at least one slot after its start), the time from there is given
// back for others to book, and it is completed, with no penalty (within its last slot: completed
// as it is). not_found (not visible), forbidden (not the owner), invalid_state (not checked in).
// An extension still waiting is withdrawn. The answer: the booking, completed with its new end.
Result<Booking> end_early(BookingStore& s, const Principal& me, BookingId id, TimePoint now);

// Time-driven transitions of one booking, each a no-op unless the booking is in the state it
// leaves (the caller holds the booking's row lock).
// confirmed, not checked in by start + the hall's window: no_show; the quanta from the release
// on are given back (someone walking in can book the rest); a violation is recorded.
bool release_no_show(BookingStore& s, const PenaltyRules& rules, const Booking& b,
                     const VenueRules& venue, TimePoint now);
// checked_in, ended: completed.
bool complete(BookingStore& s, const Booking& b, TimePoint now);
// pending, started without a decision: expired; its quanta are freed.
bool expire(BookingStore& s, const Booking& b, TimePoint now);
// An extension undecided when its extra time begins: given back (the booking keeps its time),
// audited as the service's own, its member told.
bool expire_extension(BookingStore& s, const Booking& b, TimePoint now);
// confirmed, starting within the reminder lead: the reminder goes out once, to the owner and the
// co-organisers.
bool remind(BookingStore& s, const Booking& b, TimePoint now);

}  // namespace sh::booking
