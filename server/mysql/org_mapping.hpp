#pragma once
// sharedhall map-orgs: the old free-text `org` of a street's members (those who booked its halls)
// and bookings mapped onto the district's branches (booking/branch_names.hpp decides each
// string). Bounded: pages of `limit` rows, each page its own short transaction. Repeatable: only
// rows with no branch yet are touched, so a second run changes nothing (the review list is
// rewritten with the same rows). A member mapped this way is unconfirmed (pending): the text was
// their own word, the branch's secretary confirms. What nobody could map (no match, two branches
// match, or a joint branch whose unit the text does not tell) goes to org_review for the street to
// decide.
#include "booking/clock.hpp"
#include "booking/identity.hpp"
#include "server/mysql/database.hpp"

namespace sh::mysql {

struct MappingReport {
    int users = 0;     // members given a branch (pending)
    int bookings = 0;  // bookings given their booker's branch and unit
    int review = 0;    // distinct strings on the review list after this run
};

MappingReport map_orgs(Conn& c, booking::StreetId street, int limit, booking::TimePoint now);

}  // namespace sh::mysql
