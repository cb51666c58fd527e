#include "booking/attendance.hpp"

#include "booking/calendar.hpp"

namespace sh::booking {

CheckinWindow checkin_window(const VenueRules& rules, TimePoint start) {
    return {start - std::chrono::minutes(rules.checkin_before_minutes),
            start + std::chrono::minutes(rules.checkin_after_minutes)};
}

Result<Booking> check_in(BookingStore& s, const Principal& me, BookingId id,
                         const std::string& code, TimePoint now) {
    auto b = s.find_booking(id, /*for_update=*/true);
    if (!b || !can_view_booking(me, *b)) return make_error(Errc::not_found, "No such booking.");
    // The hall's managers see the booking, but only its member or a co-organiser was there to
    // scan the code.
    if (!organises(me, *b))
        return make_error(Errc::forbidden, "Only the booking's member or co-organisers check in.");
    if (b->status == BookingStatus::checked_in) return *b;
    auto venue = s.find_venue(b->venue_id, Lock::none);
    if (!venue || venue->checkin_code.empty() || code != venue->checkin_code)
        return make_error(Errc::wrong_venue, "This code belongs to another hall.");
    if (b->status != BookingStatus::confirmed) return state_error(*b);
    auto w = checkin_window(venue->rules, b->start);
    if (now < w.opens || now > w.closes)
        return make_error(Errc::checkin_window_closed,
                          "Check in between " + format_local(to_local(w.opens)) + " and " +
                              format_local(to_local(w.closes)) + ".",
                          {{"opens_at", to_iso(w.opens)}, {"closes_at", to_iso(w.closes)}});
    s.set_checked_in(id, now);
    if (s.add_presence(id, me.user_id, now)) ++b->present;
    b->status = BookingStatus::checked_in;
    b->checked_in_at = now;
    return *b;
}

Result<Presence> scan(BookingStore& s, const Principal& me, const std::string& code,
                      TimePoint now) {
    auto venue_id = code.empty() ? std::nullopt : s.venue_by_code(code);
    if (!venue_id) return make_error(Errc::not_found, "No hall has this code.");
    auto venue = s.find_venue(*venue_id, Lock::none);
    if (!venue) return make_error(Errc::not_found, "No hall has this code.");
    auto b = s.running_checked_in(*venue_id, now,
                                  std::chrono::minutes(venue->rules.checkin_before_minutes));
    if (!b)
        return make_error(Errc::no_running_booking, "Nobody has checked in to this hall for now.");
    Presence p{*b, s.add_presence(b->id, me.user_id, now)};
    if (p.counted_now) ++p.booking.present;
    return p;
}

Result<Booking> end_early(BookingStore& s, const Principal& me, BookingId id, TimePoint now) {
    auto b = s.find_booking(id, /*for_update=*/true);
    if (!b || !can_view_booking(me, *b)) return make_error(Errc::not_found, "No such booking.");
    if (b->user_id != me.user_id)
        return make_error(Errc::forbidden, "Only the booking's member ends it.");
    if (b->status != BookingStatus::checked_in) return state_error(*b);
    auto venue = s.find_venue(b->venue_id, Lock::none);
    const auto slot = std::chrono::minutes(venue ? venue->rules.slot_minutes : 15);
    auto local = to_local(now);
    const int slot_min = static_cast<int>(slot.count());
    TimePoint end = to_timepoint(local.date, (local.minute + slot_min - 1) / slot_min * slot_min);
    if (end < now) end += slot;  // within the minute after a boundary
    end = std::max(end, b->start + slot);
    // Within its last slot nothing of its own time is given back; an extension still waiting is
    // withdrawn either way.
    Booking out = *b;
    out.extension.reset();
    if (end < b->end) out.end = end;
    if (out.end < b->end || b->extension) {
        s.update_terms(out);
        s.release_quanta_outside(id, b->start, held_end(out));  // the buffer stays
    }
    s.set_status(id, BookingStatus::completed, "", 0);
    out.status = BookingStatus::completed;
    return out;
}

bool release_no_show(BookingStore& s, const PenaltyRules& rules, const Booking& b,
                     const VenueRules& venue, TimePoint now) {
    if (b.status != BookingStatus::confirmed) return false;
    auto release = checkin_window(venue, b.start).closes;
    if (now <= release) return false;
    s.set_status(b.id, BookingStatus::no_show, "", 0);
    s.release_quanta_from(b.id, release);  // the time already passed stays the booking's
    s.notify(Notice::about_booking(b.user_id, NoticeKind::no_show, b.id, ""), now);
    record_violation(s, rules, b, ViolationKind::no_show, now);
    return true;
}

bool complete(BookingStore& s, const Booking& b, TimePoint now) {
    if (b.status != BookingStatus::checked_in || now < b.end) return false;
    s.set_status(b.id, BookingStatus::completed, "", 0);
    return true;
}

bool expire(BookingStore& s, const Booking& b, TimePoint now) {
    if (b.status != BookingStatus::pending || now < b.start) return false;
    s.set_status(b.id, BookingStatus::expired, "", 0);
    s.release_quanta(b.id);
    s.notify(Notice::about_booking(b.user_id, NoticeKind::expired, b.id, ""), now);
    return true;
}

bool expire_extension(BookingStore& s, const Booking& b, TimePoint now) {
    if (!b.extension || !owns_quanta(b.status) || now < extension_begins(b)) return false;
    Booking kept = b;
    kept.extension.reset();
    s.update_terms(kept);
    s.release_quanta_outside(b.id, kept.start, held_end(kept));
    s.audit({0, "expire_extension", "booking", b.id, audit_record(b), audit_record(kept)});
    s.notify(Notice::about_extension(b.user_id, NoticeKind::extension_expired, b.id,
                                     b.extension->asked_at),
             now);
    return true;
}

bool remind(BookingStore& s, const Booking& b, TimePoint now) {
    if (b.status != BookingStatus::confirmed || now >= b.start) return false;
    s.set_reminded(b.id, now);
    s.notify(Notice::about_booking(b.user_id, NoticeKind::reminder, b.id, ""), now);
    for (const auto& c : b.coorganisers)  // either of them may be the one who checks it in
        s.notify(Notice::about_booking(c.id, NoticeKind::reminder, b.id, ""), now);
    return true;
}

}  // namespace sh::booking
