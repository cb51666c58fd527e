#pragma once
// What happens to a booking after it is made, by a person: the owner or a manager cancels it, a
// manager approves or rejects a pending request. Each audited where someone else decided, and
// the owner told.
#include <string>

#include "booking/booking_store.hpp"

namespace sh::booking {

// Owner: before the hall's deadline; after it and before the start only with accept_penalty,
// which records a late-cancel violation (else too_late_to_cancel, details: deadline and penalty).
// The hall's managers and admins in scope: any time, with a reason, and the owner is told.
// Anyone else: not_found.
struct CancelTerms {
    bool accept_penalty = false;
    PenaltyRules penalties;
};
Result<Booking> cancel(BookingStore& s, const Principal& me, BookingId id,
                       const std::string& reason, TimePoint now, const CancelTerms& terms = {});
// A pending request: confirmed, or rejected (its time given back). A confirmed or running booking
// with an extension waiting: approval makes the time asked the booking's, rejection gives the
// added time back and the booking keeps its own (before the extra time begins; after, it has
// expired: invalid_state). Either way the member is told, the reason with a rejection.
Result<Booking> approve(BookingStore& s, const Principal& me, BookingId id, TimePoint now);
Result<Booking> reject(BookingStore& s, const Principal& me, BookingId id,
                       const std::string& reason, TimePoint now);

// Who is told of a pending request: the hall's managers other than its member (a manager does
// not decide their own request); when there are none, the street's admins; when none either, the
// district's. Each gets a request_waiting notice, once: the notice's key makes a second telling
// (two runs at once) the same notice (the caller holds the booking's lock; false when it is no
// longer pending).
std::vector<UserId> approvers_of(ApprovalRecords& s, const Booking& b);
// The admins of a street, else (none there) the district's: who is told when a street must act.
std::vector<UserId> admins_over(ApprovalRecords& s, StreetId street);
bool tell_approvers(BookingStore& s, const Booking& b, TimePoint now);
// A request still pending a day after its approvers were told or a day before its start: the
// street's admins (else the district's) get a request_overdue notice, once. Nothing is decided for
// them.
bool tell_overdue(BookingStore& s, const Booking& b, TimePoint now);

}  // namespace sh::booking
