#pragma once
// Violations and bans. A no-show counts one violation, a cancellation after the hall's deadline
// a fraction of one; reaching the threshold within the rolling window bans new bookings and
// holds until a date. Weights are in thousandths of a violation.
#include <optional>

#include "booking/booking_store.hpp"

namespace sh::booking {

// Records the violation (once per booking and kind) and, when the window's weight reaches the
// threshold, bans the user and tells them. Returns the ban's end when this violation started one.
// `weight_milli` replaces the kind's weight (a late shrink's, in proportion).
std::optional<TimePoint> record_violation(BookingStore& s, const PenaltyRules& rules,
                                          const Booking& b, ViolationKind kind, TimePoint now,
                                          std::optional<int> weight_milli = std::nullopt);

// After a violation is waived: the ban stays only while the window still reaches the threshold.
bool ban_still_due(const PenaltyRules& rules, int weight_milli_in_window);

// An admin over the street of the violation's hall (or the district) waives it; a ban the
// remaining violations no longer justify is lifted. Audited. forbidden for non-admins,
// not_found outside the admin's street, invalid_state when waived already.
struct WaiveOutcome {
    ViolationRecord violation;
    bool ban_lifted = false;
};
Result<WaiveOutcome> waive_violation(BookingStore& s, const PenaltyRules& rules,
                                     const Principal& me, std::uint64_t id, TimePoint now);

// The violation `id` for an admin over the street of its hall (or the district) to act on: its
// member and the hall's managers and admins see it; not_found for anyone else, forbidden (with
// `not_admin`) for those who see it but are not such an admin, self_approval (with `own`) for an
// admin's own. Shared by the waiver and the appeal's decision.
Result<ViolationRecord> violation_for_admin(BookingStore& s, const Principal& me, std::uint64_t id,
                                            const std::string& not_admin, const std::string& own);

// Waives `v` for admin `by` and lifts a ban the rest no longer justifies; true when it did.
// Callers have checked who may (waive_violation, decide_appeal).
bool waive_checked(BookingStore& s, const PenaltyRules& rules, const ViolationRecord& v, UserId by,
                   TimePoint now);

}  // namespace sh::booking
