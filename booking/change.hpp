#pragma once
// Changing a booking instead of cancelling it (PATCH /bookings/{id}): before its start a new
// start and end on the same hall and day, attendees or purpose; while it runs (checked in) a
// later end. One transaction takes the new time and gives back the old: when any new quarter is
// someone else's, nothing changes (slot_taken).
#include <optional>
#include <string>

#include "booking/book.hpp"

namespace sh::booking {

// What the owner asks to change; absent fields stay as they are. Times are minutes of the
// booking's day.
struct BookingChange {
    std::optional<int> start, end;
    std::optional<int> attendees;
    std::optional<std::string> purpose;
    bool needs_review = false;    // the content check asked for a person to look at the purpose
    bool accept_penalty = false;  // giving time back after the cancellation deadline
};

struct ChangeTerms {
    Quotas quotas;
    PenaltyRules penalties;
};

struct ChangeOutcome {
    Booking booking;          // as it is now
    Booking was;              // as it was: its quanta outside `booking`'s were given back
    std::string body;         // the 200 body, stored with the Idempotency-Key
    bool replay = false;      // the key was completed already: `body` is its stored answer
    int violation_milli = 0;  // the weight a late shrink counted (0: none)
};

// The times asked for: [start, end) on the booking's day, minutes.
struct Span {
    int start = 0, end = 0;
};
// The new span for a change of `b`: absent times stay.
Span changed_span(const Booking& b, const BookingChange& c);
// The quanta of `a` not in `b` (both in order): what a change adds, or gives back.
std::vector<TimePoint> minus(const std::vector<TimePoint>& a, const std::vector<TimePoint>& b);

// The weight a shrink after the deadline counts: the late cancellation's, in proportion to the
// minutes given back of the booking's minutes (rounded up to a thousandth; 0 gives nothing back).
int late_shrink_weight(const PenaltyRules& rules, int minutes_before, int minutes_given_back);

// The change, by the booking's owner only (others: not_found if they may not see it, else
// forbidden). Refusals, in the order a member can act on them: invalid_state (not pending,
// confirmed or checked in; a started booking that is not checked in; a running one that asks
// for more than a later end), the hall's rules on the new time (as a new booking would meet
// them, the running one's added time only), the quotas (only when time is added), a hall that
// needs approval and a confirmed booking moved to a time partly new (change_needs_approval), a
// late shrink not accepted (too_late_to_cancel, details.penalty), slot_taken. In a hall that
// needs approval more time for a confirmed (or running) booking is an extension: the booking
// keeps its time, the added time is held for it, its approvers are told (decisions.hpp); a new
// time replaces an extension still waiting. A purpose that needs a person's look leaves the
// booking pending (its approvers are told again, and decide the whole time asked). A completed
// key answers its stored answer; the same key with another body, idempotency_mismatch.
Result<ChangeOutcome> change_booking(BookingStore& s, const Principal& me, BookingId id,
                                     const BookingChange& c, const ChangeTerms& terms,
                                     TimePoint now, const std::optional<IdempotencyKey>& key,
                                     const AnswerView* view);

}  // namespace sh::booking
