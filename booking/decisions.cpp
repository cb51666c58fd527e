#include "booking/decisions.hpp"

#include "booking/penalties.hpp"

namespace sh::booking {

Result<Booking> cancel(BookingStore& s, const Principal& me, BookingId id,
                       const std::string& reason, TimePoint now, const CancelTerms& terms) {
    auto b = s.find_booking(id, /*for_update=*/true);
    if (!b || !can_view_booking(me, *b)) return make_error(Errc::not_found, "No such booking.");
    if (auto e = check_reason(reason, reason_max_chars, false)) return *e;
    if (!owns_quanta(b->status) || b->status == BookingStatus::completed) return state_error(*b);
    bool late = false;
    if (b->user_id != me.user_id && !can_manage_building(me, b->building_id, b->street_id))
        return make_error(Errc::forbidden, "A co-organiser does not cancel the booking.");
    if (b->user_id != me.user_id) {
        if (reason.empty())
            return make_error(Errc::validation, "reason: a manager's cancellation needs a reason",
                              {{"field", "reason"}});
    } else {
        // One's own booking, whoever one is: a manager's late cancellation counts like anyone's.
        auto venue = s.find_venue(b->venue_id, Lock::none);
        auto deadline =
            b->start - std::chrono::minutes(venue ? venue->rules.cancel_deadline_minutes : 0);
        late = now > deadline;
        if (late && (now >= b->start || !terms.accept_penalty))
            return make_error(
                Errc::too_late_to_cancel,
                now >= b->start ? "The booking has begun."
                                : "Cancel up to " + format_local(to_local(deadline)) +
                                      "; cancelling now counts as part of a violation.",
                {{"deadline", to_iso(deadline)},
                 {"penalty", now >= b->start ? 0.0 : terms.penalties.late_cancel_milli / 1000.0}});
    }
    auto before = audit_record(*b);
    s.set_status(id, BookingStatus::cancelled, reason, me.user_id);
    s.release_quanta(id);  // in the same transaction as the state change
    b->status = BookingStatus::cancelled;
    b->cancel_reason = reason;
    if (b->user_id != me.user_id) {
        s.audit({me.user_id, "cancel_booking", "booking", id, before, audit_record(*b)});
        s.notify(Notice::about_booking(b->user_id, NoticeKind::cancelled, id, reason), now);
    }
    if (late) record_violation(s, terms.penalties, *b, ViolationKind::late_cancel, now);
    return *b;
}

namespace {

// The hall's approvers decide an extension of a confirmed (or running) booking: approval makes the
// asked time the booking's (its quanta are the booking's already), rejection gives the added time
// back. Before the extra time begins only.
Result<Booking> decide_extension(BookingStore& s, const Principal& me, Booking b, bool approve_it,
                                 const std::string& reason, TimePoint now) {
    if (now >= extension_begins(b))
        return make_error(Errc::invalid_state, "The time asked for has begun undecided.");
    if (auto e = check_reason(reason, reason_max_chars, !approve_it)) return *e;
    auto before = audit_record(b);
    const Extension asked = *b.extension;
    b.extension.reset();
    if (approve_it) {
        b.start = asked.start;
        b.end = asked.end;
    }
    s.update_terms(b);
    if (!approve_it) s.release_quanta_outside(b.id, b.start, held_end(b));
    s.audit({me.user_id, approve_it ? "approve_extension" : "reject_extension", "booking", b.id,
             before, audit_record(b)});
    s.notify(
        Notice::about_extension(
            b.user_id, approve_it ? NoticeKind::extension_approved : NoticeKind::extension_rejected,
            b.id, asked.asked_at, reason),
        now);
    return b;
}

Result<Booking> decide(BookingStore& s, const Principal& me, BookingId id, bool approve_it,
                       const std::string& reason, TimePoint now) {
    auto b = s.find_booking(id, /*for_update=*/true);
    if (!b || !can_view_booking(me, *b)) return make_error(Errc::not_found, "No such booking.");
    auto booker = s.load_principal(b->user_id).value_or(Principal{b->user_id});
    if (auto e = authorize_decision(me, booker, b->building_id, b->street_id)) return *e;
    if (b->extension && b->status != BookingStatus::pending)
        return decide_extension(s, me, *b, approve_it, reason, now);
    if (b->status != BookingStatus::pending)
        return make_error(Errc::invalid_state, "Only pending bookings can be decided.");
    if (auto e = check_reason(reason, reason_max_chars, !approve_it)) return *e;
    auto before = audit_record(*b);
    b->status = approve_it ? BookingStatus::confirmed : BookingStatus::rejected;
    s.set_status(id, b->status, reason, me.user_id);
    if (!approve_it) {
        s.release_quanta(id);
        b->cancel_reason = reason;
    }
    s.audit({me.user_id, approve_it ? "approve_booking" : "reject_booking", "booking", id, before,
             audit_record(*b)});
    s.notify(Notice::about_booking(
                 b->user_id, approve_it ? NoticeKind::approved : NoticeKind::rejected, id, reason),
             now);
    return *b;
}
}  // namespace

std::vector<UserId> approvers_of(ApprovalRecords& s, const Booking& b) {
    std::vector<UserId> out;
    for (auto id : s.managers_of(b.building_id))
        if (id != b.user_id) out.push_back(id);
    if (out.empty()) out = admins_over(s, b.street_id);
    std::erase(out, b.user_id);
    return out;
}

std::vector<UserId> admins_over(ApprovalRecords& s, StreetId street) {
    auto out = s.street_admins(street);
    return out.empty() ? s.district_admins() : out;
}

namespace {
// What waits for a decision: a pending request, or an extension of a booking that lives.
bool awaits_decision(const Booking& b) {
    return b.status == BookingStatus::pending ||
           (b.extension &&
            (b.status == BookingStatus::confirmed || b.status == BookingStatus::checked_in));
}
// The notice of a request, or of the extension waiting (each extension is told afresh).
Notice about_request(UserId to, NoticeKind kind, const Booking& b) {
    return b.status == BookingStatus::pending
               ? Notice::about_booking(to, kind, b.id)
               : Notice::about_extension(to, kind, b.id, b.extension->asked_at);
}
}  // namespace

bool tell_approvers(BookingStore& s, const Booking& b, TimePoint now) {
    if (!awaits_decision(b)) return false;
    for (auto approver : approvers_of(s, b))
        s.notify(about_request(approver, NoticeKind::request_waiting, b), now);
    s.set_approvers_told(b.id, now);
    return true;
}

bool tell_overdue(BookingStore& s, const Booking& b, TimePoint now) {
    if (!awaits_decision(b)) return false;
    for (auto admin : admins_over(s, b.street_id))
        if (admin != b.user_id) s.notify(about_request(admin, NoticeKind::request_overdue, b), now);
    s.set_escalated(b.id, now);
    return true;
}

Result<Booking> approve(BookingStore& s, const Principal& me, BookingId id, TimePoint now) {
    return decide(s, me, id, true, "", now);
}
Result<Booking> reject(BookingStore& s, const Principal& me, BookingId id,
                       const std::string& reason, TimePoint now) {
    return decide(s, me, id, false, reason, now);
}

}  // namespace sh::booking
