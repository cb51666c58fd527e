#include "booking/penalties.hpp"

#include "booking/calendar.hpp"

namespace sh::booking {

namespace {
// The member's ban, read under the lock on its row (bans are written under it).
std::optional<TimePoint> locked_ban(BookingStore& s, UserId user, TimePoint now) {
    auto members = s.lock_members({user}, now);
    auto it = members.find(user);
    return it == members.end() ? std::nullopt : it->second.banned_until;
}
}  // namespace

std::optional<TimePoint> record_violation(BookingStore& s, const PenaltyRules& rules,
                                          const Booking& b, ViolationKind kind, TimePoint now,
                                          std::optional<int> weight_milli) {
    int weight = weight_milli.value_or(kind == ViolationKind::no_show ? rules.no_show_milli
                                                                      : rules.late_cancel_milli);
    if (weight <= 0 || !s.add_violation(b.user_id, b.id, kind, weight, now)) return std::nullopt;
    int total = s.violation_weight(b.user_id, now - std::chrono::hours(24) * rules.window_days);
    if (total < rules.threshold_milli) return std::nullopt;
    auto current = locked_ban(s, b.user_id, now);
    if (current && *current > now) return std::nullopt;  // banned already: told once
    auto until = now + std::chrono::hours(24) * rules.ban_days;
    s.set_ban(b.user_id, until);
    s.notify(Notice::about_booking(b.user_id, NoticeKind::banned, b.id,
                                   format_date(to_local(until).date)),
             now);
    return until;
}

bool waive_checked(BookingStore& s, const PenaltyRules& rules, const ViolationRecord& v, UserId by,
                   TimePoint now) {
    auto ban = locked_ban(s, v.user_id, now);
    s.waive_violation(v.id, by, now);
    int left = s.violation_weight(v.user_id, now - std::chrono::hours(24) * rules.window_days);
    if (!ban || *ban <= now || ban_still_due(rules, left)) return false;
    s.set_ban(v.user_id, std::nullopt);
    return true;
}

bool ban_still_due(const PenaltyRules& rules, int weight_milli_in_window) {
    return weight_milli_in_window >= rules.threshold_milli;
}

Result<ViolationRecord> violation_for_admin(BookingStore& s, const Principal& me, std::uint64_t id,
                                            const std::string& not_admin, const std::string& own) {
    auto v = s.find_violation(id);
    if (!v || (v->user_id != me.user_id && !can_manage_building(me, v->building_id, v->street_id)))
        return make_error(Errc::not_found, "No such violation.");
    if ((me.role != Role::street_admin && me.role != Role::district_admin) ||
        !can_manage_building(me, v->building_id, v->street_id))
        return make_error(Errc::forbidden, not_admin);
    if (v->user_id == me.user_id) return make_error(Errc::self_approval, own);
    return *v;
}

Result<WaiveOutcome> waive_violation(BookingStore& s, const PenaltyRules& rules,
                                     const Principal& me, std::uint64_t id, TimePoint now) {
    auto found = violation_for_admin(s, me, id, "Only administrators waive violations.",
                                     "Your own violation is waived by another administrator.");
    if (!found) return found.error();
    const auto& v = found.value();
    if (v.waived) return make_error(Errc::invalid_state, "This violation is waived already.");
    WaiveOutcome out{v, waive_checked(s, rules, v, me.user_id, now)};
    out.violation.waived = true;
    s.audit({me.user_id,
             "waive_violation",
             "violation",
             id,
             {{"waived", false}},
             {{"waived", true}, {"ban_lifted", out.ban_lifted}}});
    return out;
}

}  // namespace sh::booking
