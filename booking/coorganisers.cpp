#include "booking/coorganisers.hpp"

#include <algorithm>

namespace sh::booking {

std::optional<AppError> check_open_to_coorganisers(const Booking& b, TimePoint now) {
    const bool live = b.status == BookingStatus::pending || b.status == BookingStatus::confirmed ||
                      b.status == BookingStatus::checked_in;
    if (!live) return state_error(b);
    if (now >= b.end) return make_error(Errc::invalid_state, "This booking is over.");
    return std::nullopt;
}

Result<Booking> invite_coorganisers(BookingStore& s, const Principal& me, BookingId id,
                                    const std::string& code_hash, TimePoint now) {
    auto b = s.find_booking(id, /*for_update=*/true);
    if (!b || !can_view_booking(me, *b)) return make_error(Errc::not_found, "No such booking.");
    if (b->user_id != me.user_id)
        return make_error(Errc::forbidden, "Only the booking's member invites co-organisers.");
    if (auto e = check_open_to_coorganisers(*b, now)) return *e;
    s.set_coorganiser_code(id, code_hash);
    return *b;
}

Result<Booking> join_as_coorganiser(BookingStore& s, const Principal& me,
                                    const std::string& code_hash, TimePoint now) {
    auto code = s.booking_by_coorganiser_code(code_hash);
    // The booking's row lock serialises those joining at once; the code is read again under it
    // (each statement reads what was committed), so the checks below see the one before.
    auto b = code ? s.find_booking(code->booking, /*for_update=*/true) : std::nullopt;
    if (!b) return make_error(Errc::not_found, "No such invitation.");
    if (is_coorganiser(me, *b)) return *b;
    code = s.booking_by_coorganiser_code(code_hash);
    if (!code) return make_error(Errc::not_found, "No such invitation.");  // replaced meanwhile
    auto used = [] { return make_error(Errc::invitation_used); };
    if (code->taken) return used();
    if (auto e = check_open_to_coorganisers(*b, now)) return *e;
    if (b->user_id == me.user_id)
        return make_error(Errc::invalid_state, "This is your own booking.");
    auto full = [] { return make_error(Errc::coorganisers_full, {}, {{"max", max_coorganisers}}); };
    if (static_cast<int>(b->coorganisers.size()) >= max_coorganisers) return full();
    auto before = audit_record(*b);
    // The keys decide: a free seat, and a code that seated nobody yet.
    const bool seated = s.add_coorganiser(b->id, me.user_id, now, code_hash);
    auto after = s.find_booking(b->id, /*for_update=*/false).value_or(*b);
    if (!seated) {
        if (is_coorganiser(me, after)) return after;  // the same member, twice at once
        auto again = s.booking_by_coorganiser_code(code_hash);
        return again && again->taken ? used() : full();
    }
    s.set_coorganiser_code(b->id, "");  // one invitation, one co-organiser
    s.audit({me.user_id, "join_booking", "booking", b->id, before, audit_record(after)});
    const auto& joined = after.coorganisers;
    auto it = std::find_if(joined.begin(), joined.end(),
                           [&](const Coorganiser& c) { return c.id == me.user_id; });
    // One notice per co-organiser who joins (keyed by them: one who leaves and comes back is told
    // of once).
    Notice n = Notice::about_booking(b->user_id, NoticeKind::coorganiser_joined, b->id,
                                     it != joined.end() ? it->name : "");
    n.key += ":" + std::to_string(me.user_id);
    s.notify(n, now);
    return after;
}

Result<Booking> remove_coorganiser(BookingStore& s, const Principal& me, BookingId id,
                                   UserId member) {
    auto b = s.find_booking(id, /*for_update=*/true);
    if (!b || !can_view_booking(me, *b)) return make_error(Errc::not_found, "No such booking.");
    if (b->user_id != me.user_id && member != me.user_id)
        return make_error(Errc::forbidden,
                          "Only the booking's member removes a co-organiser; one may leave.");
    auto before = audit_record(*b);
    if (!s.remove_coorganiser(id, member))
        return make_error(Errc::not_found, "This member does not co-organise the booking.");
    std::erase_if(b->coorganisers, [&](const Coorganiser& c) { return c.id == member; });
    s.audit({me.user_id, "remove_coorganiser", "booking", id, before, audit_record(*b)});
    return *b;
}

}  // namespace sh::booking
