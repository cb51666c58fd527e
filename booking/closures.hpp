#pragma once
// Closing halls: one hall by its managers (venue_admin.hpp's add_closure), or every hall of a
// street, or of the district, at once by their admins (holidays, security periods) — the bookings
// in the way listed first, then cancelled and their members told in the same transaction.
#include <optional>
#include <vector>

#include "booking/venue_admin.hpp"

namespace sh::booking {

// A closure request's span and reason, checked: validation naming the field.
Result<Closure> closure_of(const ClosureRequest& req);

struct ScopeClosures {
    std::vector<Closure> closures;     // one per hall, in the halls' id order
    std::vector<BookingId> cancelled;  // the bookings that were in the way
};
// Closes every hall of `street` (an admin of it, or the district's) or, without a street, of the
// district (its admins): forbidden for anyone else, not_found when the scope has no hall. The
// halls' rows are taken exclusively in ascending id order (bookings take them shared), so the
// list of bookings in the way is exact: 409 conflicts_with_bookings with their ids unless
// `cancel_conflicting`, which cancels them all and tells their members. Audited per hall.
Result<ScopeClosures> close_scope(VenueStore& s, const Principal& actor,
                                  std::optional<StreetId> street, const ClosureRequest& req,
                                  TimePoint now);

}  // namespace sh::booking
