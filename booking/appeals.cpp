#include "booking/appeals.hpp"

#include "booking/calendar.hpp"
#include "booking/decisions.hpp"
#include "booking/penalties.hpp"

namespace sh::booking {

namespace {

// The notice of an appeal: about the violation's booking (its hall and time are what the message
// shows), keyed by the violation (a booking may carry more than one).
Notice appeal_notice(UserId to, NoticeKind kind, const ViolationRecord& v, std::string note) {
    return Notice{to,
                  kind,
                  SubjectKind::booking,
                  v.booking_id,
                  std::move(note),
                  std::string(notice_name(kind)) + ":violation:" + std::to_string(v.id)};
}

}  // namespace

Result<ViolationRecord> appeal_violation(BookingStore& s, const Principal& me, std::uint64_t id,
                                         const std::string& reason, TimePoint now) {
    auto v = s.find_violation(id);
    if (!v || v->user_id != me.user_id) return make_error(Errc::not_found, "No such violation.");
    if (auto e = check_reason(reason, reason_max_chars, true)) return *e;
    if (v->waived) return make_error(Errc::invalid_state, "This violation is waived already.");
    if (v->appealed) return make_error(Errc::invalid_state, "This violation is appealed already.");
    const auto until = appeal_deadline(v->at);
    if (now >= until) return make_error(Errc::too_late_to_appeal, {}, {{"until", to_iso(until)}});
    if (!s.appeal_violation(id, reason, now))
        return make_error(Errc::invalid_state, "This violation is appealed already.");
    v->appealed = true;
    for (auto admin : admins_over(s, v->street_id))
        if (admin != me.user_id)
            s.notify(appeal_notice(admin, NoticeKind::appeal_filed, *v, ""), now);
    s.audit({me.user_id,
             "appeal_violation",
             "violation",
             id,
             {{"appealed", false}},
             {{"appealed", true}, {"reason", reason}}});
    return *v;
}

Result<AppealDecision> decide_appeal(BookingStore& s, const PenaltyRules& rules,
                                     const Principal& me, std::uint64_t id, bool waive,
                                     const std::string& note, TimePoint now) {
    auto found = violation_for_admin(s, me, id, "Only administrators decide appeals.",
                                     "Your own appeal is decided by another administrator.");
    if (!found) return found.error();
    const auto& v = found.value();
    if (auto e = check_reason(note, reason_max_chars, !waive, "note")) return *e;
    if (!v.appealed || v.decided || v.waived)
        return make_error(Errc::invalid_state, "No appeal of this violation is waiting.");
    // The decision's row update is the guard: of two admins deciding at once, one writes it.
    if (!s.decide_appeal(id, me.user_id, waive, note, now))
        return make_error(Errc::invalid_state, "No appeal of this violation is waiting.");
    AppealDecision out{v, waive, false};
    out.violation.decided = true;
    if (waive) {
        out.ban_lifted = waive_checked(s, rules, v, me.user_id, now);
        out.violation.waived = true;
    }
    s.notify(appeal_notice(v.user_id, waive ? NoticeKind::appeal_waived : NoticeKind::appeal_kept,
                           v, note),
             now);
    s.audit(
        {me.user_id,
         "decide_appeal",
         "violation",
         id,
         {{"appeal", "pending"}},
         {{"appeal", waive ? "waived" : "kept"}, {"note", note}, {"ban_lifted", out.ban_lifted}}});
    return out;
}

Result<BookingQuery> appeals_scope(const Principal& me) {
    BookingQuery q;
    if (me.role == Role::district_admin) return q;
    if (me.role == Role::street_admin && me.street_id) {
        q.street_id = me.street_id;
        return q;
    }
    return make_error(Errc::forbidden, "Only administrators decide appeals.");
}

}  // namespace sh::booking
