#pragma once
// Co-organisers: the owner of a booking names up to two members who see it and may check it in
// (the branch still meets when its organiser is stuck in traffic). The owner makes an invitation
// (a code shared by WeChat; only its hash is kept, a new one replaces it); the first member who
// opens it joins, and it is closed; the owner removes a co-organiser, or one leaves. Changing,
// cancelling and ending the booking stay its owner's. Each step is audited; the owner is told who
// joined.
#include <string>

#include "booking/booking_store.hpp"

namespace sh::booking {

// While a booking is live (pending, confirmed or checked in, and not ended), co-organisers may
// join it: invalid_state otherwise.
std::optional<AppError> check_open_to_coorganisers(const Booking& b, TimePoint now);

// The owner's invitation: not_found for those who cannot see the booking, forbidden for those
// who can but do not own it (a co-organiser invites nobody), invalid_state when it is over.
Result<Booking> invite_coorganisers(BookingStore& s, const Principal& me, BookingId id,
                                    const std::string& code_hash, TimePoint now);

// A member takes the invitation with this code's hash; each invitation seats one member (a card
// forwarded on after it was taken lets nobody else in). not_found (no such invitation, or one
// replaced by a newer), invitation_used (taken by another member), invalid_state (the booking is
// over, or it is the member's own), coorganisers_full. Taking it again answers the same booking.
Result<Booking> join_as_coorganiser(BookingStore& s, const Principal& me,
                                    const std::string& code_hash, TimePoint now);

// The owner removes a co-organiser, or a co-organiser leaves: not_found (no such booking, or
// `member` does not co-organise it), forbidden (anyone else who sees the booking).
Result<Booking> remove_coorganiser(BookingStore& s, const Principal& me, BookingId id,
                                   UserId member);

}  // namespace sh::booking
