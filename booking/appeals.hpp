#pragma once
// Appeals: a member who thinks a violation unfair says why within 7 days; an admin over the
// street of the violation's hall (or the district) waives it or keeps it, and the member is told.
// One appeal per violation; the appeal and the decision are audited.
#include <string>

#include "booking/booking_store.hpp"

namespace sh::booking {

constexpr int appeal_days = 7;
// The last instant a violation recorded at `at` may be appealed (exclusive).
inline TimePoint appeal_deadline(TimePoint at) {
    return at + std::chrono::hours(24) * appeal_days;
}

// Its member appeals (the reason is required, at most 200 characters); the street's admins, else
// the district's, are told. not_found for anyone else; invalid_state when waived or appealed
// already; too_late_to_appeal (details.until) once 7 days have passed since the violation.
Result<ViolationRecord> appeal_violation(BookingStore& s, const Principal& me, std::uint64_t id,
                                         const std::string& reason, TimePoint now);

struct AppealDecision {
    ViolationRecord violation;
    bool waived = false;
    bool ban_lifted = false;
};
// An admin decides: waived (a ban the rest no longer justifies is lifted) or kept, with a note
// (required when kept: the member is told why). not_found for those who cannot see it;
// forbidden for those who see it but do not decide; self_approval for one's own;
// invalid_state when there is no appeal waiting.
Result<AppealDecision> decide_appeal(BookingStore& s, const PenaltyRules& rules,
                                     const Principal& me, std::uint64_t id, bool waive,
                                     const std::string& note, TimePoint now);

// Who sees the appeals list: the admins of a street (theirs) and of the district (all).
Result<BookingQuery> appeals_scope(const Principal& me);

}  // namespace sh::booking
