#include "booking/reservations.hpp"
#include "common/names.hpp"
#include "common/utf8.hpp"

#include "booking/penalties.hpp"

#include <algorithm>

#include "booking/calendar.hpp"

namespace sh::booking {

using nlohmann::json;

bool owns_quanta(BookingStatus s) {
    return s == BookingStatus::pending || s == BookingStatus::confirmed ||
           s == BookingStatus::checked_in || s == BookingStatus::completed;
}

Notice Notice::about_booking(UserId user, NoticeKind kind, BookingId id, std::string note) {
    return Notice{user,
                  kind,
                  SubjectKind::booking,
                  id,
                  std::move(note),
                  std::string(notice_name(kind)) + ":booking:" + std::to_string(id)};
}

namespace {
constexpr NameTable statuses{std::pair{BookingStatus::pending, std::string_view("pending")},
                             std::pair{BookingStatus::confirmed, std::string_view("confirmed")},
                             std::pair{BookingStatus::checked_in, std::string_view("checked_in")},
                             std::pair{BookingStatus::completed, std::string_view("completed")},
                             std::pair{BookingStatus::cancelled, std::string_view("cancelled")},
                             std::pair{BookingStatus::rejected, std::string_view("rejected")},
                             std::pair{BookingStatus::expired, std::string_view("expired")},
                             std::pair{BookingStatus::no_show, std::string_view("no_show")}};
constexpr NameTable notice_kinds{
    std::pair{NoticeKind::approved, std::string_view("approved")},
    std::pair{NoticeKind::rejected, std::string_view("rejected")},
    std::pair{NoticeKind::cancelled, std::string_view("cancelled")},
    std::pair{NoticeKind::closure_cancelled, std::string_view("closure_cancelled")},
    std::pair{NoticeKind::expired, std::string_view("expired")},
    std::pair{NoticeKind::reminder, std::string_view("reminder")},
    std::pair{NoticeKind::no_show, std::string_view("no_show")},
    std::pair{NoticeKind::banned, std::string_view("banned")}};
constexpr NameTable subject_kinds{std::pair{SubjectKind::booking, std::string_view("booking")},
                                  std::pair{SubjectKind::member, std::string_view("member")}};
constexpr NameTable violation_kinds{
    std::pair{ViolationKind::no_show, std::string_view("no_show")},
    std::pair{ViolationKind::late_cancel, std::string_view("late_cancel")}};
}  // namespace

std::string_view status_name(BookingStatus s) {
    return statuses.name(s);
}
std::optional<BookingStatus> parse_status(std::string_view s) {
    return statuses.parse(s);
}
std::string_view notice_name(NoticeKind k) {
    return notice_kinds.name(k);
}
std::optional<NoticeKind> parse_notice(std::string_view s) {
    return notice_kinds.parse(s);
}
std::string_view subject_name(SubjectKind k) {
    return subject_kinds.name(k);
}
std::optional<SubjectKind> parse_subject(std::string_view s) {
    return subject_kinds.parse(s);
}
std::string_view violation_name(ViolationKind k) {
    return violation_kinds.name(k);
}

json audit_record(const Booking& b) {
    // What an audit entry keeps of a booking: the state a decision changed and whose it was.
    json j = {{"id", b.id},
              {"venue_id", b.venue_id},
              {"user_id", b.user_id},
              {"starts_at", to_iso(b.start)},
              {"ends_at", to_iso(b.end)},
              {"status", status_name(b.status)}};
    if (!b.cancel_reason.empty()) j["reason"] = b.cancel_reason;
    return j;
}

namespace {
AppError rule(Errc e, const std::string& message, json details = nullptr) {
    return make_error(e, message, std::move(details));
}
}  // namespace

std::optional<AppError> check_request(const Venue& v, const BookingRequest& r, TimePoint now,
                                      const std::vector<ClosureSpan>& closures) {
    const auto& rules = v.rules;
    auto purpose_len = utf8::length(r.purpose);
    if (!purpose_len || *purpose_len == 0 || *purpose_len > 200)
        return make_error(Errc::validation, "purpose: 1 to 200 characters", {{"field", "purpose"}});
    if (r.attendees < 1)
        return make_error(Errc::validation, "attendees: at least 1", {{"field", "attendees"}});
    if (auto o = utf8::length(r.org); !o || *o > 100)
        return make_error(Errc::validation, "org: at most 100 characters", {{"field", "org"}});
    if (r.end <= r.start)
        return make_error(Errc::validation, "end must be after start", {{"field", "end"}});

    std::optional<HoursRange> inside;
    for (const auto& h : hours_on(rules, r.date))
        if (r.start >= h.open && r.end <= h.close) inside = h;
    if (!inside) {
        return rule(Errc::outside_opening_hours, "The hall is not open for all of that time.",
                    {{"opening_hours", hours_json(hours_on(rules, r.date))}});
    }
    if ((r.start - inside->open) % rules.slot_minutes != 0 ||
        (r.end - inside->open) % rules.slot_minutes != 0)
        return rule(Errc::misaligned,
                    "Start and end must fall on the hall's " + std::to_string(rules.slot_minutes) +
                        "-minute slots.",
                    {{"slot_minutes", rules.slot_minutes}});
    int minutes = r.end - r.start;
    if (minutes < rules.min_minutes || minutes > rules.max_minutes)
        return rule(Errc::bad_duration,
                    "Book between " + std::to_string(rules.min_minutes) + " and " +
                        std::to_string(rules.max_minutes) + " minutes.",
                    {{"min_minutes", rules.min_minutes}, {"max_minutes", rules.max_minutes}});
    if (r.attendees > v.capacity)
        return rule(Errc::over_capacity, "The hall holds " + std::to_string(v.capacity) + ".",
                    {{"capacity", v.capacity}});

    TimePoint start = to_timepoint(r.date, r.start), end = to_timepoint(r.date, r.end);
    if (start <= now) return rule(Errc::in_past, "That time has passed.");
    if (auto e = check_day_open(rules, r.date, now)) return e;
    for (const auto& c : closures)
        if (c.from < end && start < c.to)
            return rule(
                Errc::closed, "The hall is closed at that time.",
                {{"from", format_local(to_local(c.from))}, {"to", format_local(to_local(c.to))}});
    return std::nullopt;
}

std::optional<AppError> check_day_open(const VenueRules& rules, Date date, TimePoint now) {
    // Day D opens at release_time on day D - horizon_days.
    auto today = to_local(now).date;
    auto last_open_day = add_days(today, rules.horizon_days);
    if (date > last_open_day)
        return rule(Errc::beyond_horizon,
                    "Halls can be booked " + std::to_string(rules.horizon_days) + " days ahead.",
                    {{"horizon_days", rules.horizon_days}});
    TimePoint opens = opens_at(rules, date);
    if (now < opens)
        return rule(Errc::not_yet_open,
                    "This day opens for booking at " + format_local(to_local(opens)) + ".",
                    {{"opens_at", to_iso(opens)}});
    return std::nullopt;
}

TimePoint opens_at(const VenueRules& rules, Date date) {
    return to_timepoint(add_days(date, -rules.horizon_days), rules.release_minute);
}

std::vector<Date> days_opening(const VenueRules& rules, TimePoint from, TimePoint to) {
    std::vector<Date> out;
    if (to <= from) return out;
    // The first candidate: the day whose opening falls on from's local day (or the one before).
    for (Date d = add_days(to_local(from).date, rules.horizon_days - 1);; d = add_days(d, 1)) {
        auto t = opens_at(rules, d);
        if (t > to) break;
        if (t > from) out.push_back(d);
    }
    return out;
}

std::optional<AppError> check_quotas(const Quotas& q, const Usage& u, int minutes) {
    if (u.active >= q.max_active)
        return rule(Errc::quota_exceeded,
                    "You have " + std::to_string(u.active) + " bookings to come already.",
                    {{"limit", "active_bookings"}, {"max", q.max_active}});
    if (u.on_day >= q.max_per_day)
        return rule(Errc::quota_exceeded, "You have booked that day's maximum.",
                    {{"limit", "bookings_per_day"}, {"max", q.max_per_day}});
    if (u.minutes_in_week + minutes > q.max_minutes_per_week)
        return rule(Errc::quota_exceeded, "This would exceed your weekly hours.",
                    {{"limit", "minutes_per_week"},
                     {"max", q.max_minutes_per_week},
                     {"used", u.minutes_in_week}});
    return std::nullopt;
}

std::vector<TimePoint> quanta_of(Date d, int start, int end) {
    std::vector<TimePoint> out;
    for (int m = start; m < end; m += quantum_minutes) out.push_back(to_timepoint(d, m));
    return out;
}

std::vector<TimePoint> quanta_of(const Booking& b) {
    auto start = to_local(b.start), end = to_local(b.end);
    return quanta_of(start.date, start.minute, end.date == start.date ? end.minute : 1440);
}

std::optional<AppError> restrict_to_scope(const Principal& p, BookingQuery& q) {
    switch (p.role) {
        case Role::district_admin: return std::nullopt;
        case Role::street_admin: q.street_id = p.street_id.value_or(0); return std::nullopt;
        case Role::manager: q.buildings = p.building_ids; return std::nullopt;
        case Role::member: break;
    }
    return make_error(Errc::forbidden, "Only managers and admins list the bookings of halls.");
}

bool can_view_booking(const Principal& p, const Booking& b) {
    return b.user_id == p.user_id || can_manage_building(p, b.building_id, b.street_id);
}

std::optional<AppError> check_reason(const std::string& reason, int max_chars, bool required) {
    auto n = utf8::length(reason);
    if (!n) return make_error(Errc::validation, "reason: not valid UTF-8", {{"field", "reason"}});
    if (required && *n == 0)
        return make_error(Errc::validation, "reason: is required", {{"field", "reason"}});
    if (*n > static_cast<std::size_t>(max_chars))
        return make_error(Errc::validation,
                          "reason: at most " + std::to_string(max_chars) + " characters",
                          {{"field", "reason"}, {"max_chars", max_chars}});
    return std::nullopt;
}

namespace {
std::optional<AppError> check_ban(const std::optional<TimePoint>& ban, TimePoint now) {
    if (ban && *ban > now)
        return rule(Errc::banned, "You may book again from " + format_local(to_local(*ban)) + ".",
                    {{"until", to_iso(*ban)}});
    return std::nullopt;
}
}  // namespace

Usage usage_of(const std::vector<BookedSpan>& bookings, Date day, TimePoint now) {
    Usage u;
    auto day_start = to_timepoint(day, 0), day_end = to_timepoint(add_days(day, 1), 0);
    auto monday = week_start(day);
    auto week_from = to_timepoint(monday, 0), week_to = to_timepoint(add_days(monday, 7), 0);
    for (const auto& b : bookings) {
        if (!owns_quanta(b.status)) continue;
        if (b.status != BookingStatus::completed && b.end > now) ++u.active;
        if (b.start >= day_start && b.start < day_end) ++u.on_day;
        if (b.start >= week_from && b.start < week_to)
            u.minutes_in_week += static_cast<int>(
                std::chrono::duration_cast<std::chrono::minutes>(b.end - b.start).count());
    }
    return u;
}

TimePoint usage_since(Date day, TimePoint now) {
    // A booking lies within one day, so one not yet ended started less than a day before now.
    return std::min(to_timepoint(week_start(day), 0), now - std::chrono::hours(24));
}

namespace {
// A call's rules, in the order a user can act on them; nullopt when it may be booked.
std::optional<AppError> refuse(const BookCall& c, const std::map<UserId, MemberState>& members,
                               const std::map<VenueId, VenueState>& halls, const Quotas& quotas) {
    auto member = members.find(c.me.user_id);
    if (member == members.end()) return make_error(Errc::unauthorized);
    if (auto e = check_ban(member->second.banned_until, c.now)) return e;
    auto hall = halls.find(c.req.venue_id);
    if (hall == halls.end()) return make_error(Errc::not_found, "No such hall.");
    if (auto e = check_request(hall->second.venue, c.req, c.now, hall->second.closures)) return e;
    return check_quotas(quotas, usage_of(member->second.bookings, c.req.date, c.now),
                        c.req.end - c.req.start);
}

}  // namespace

std::optional<AppError> check_hold(BookingStore& s, const Principal& me, const BookingRequest& req,
                                   const Quotas& quotas, TimePoint now) {
    auto members = s.lock_members({me.user_id}, usage_since(req.date, now));
    TimePoint start = to_timepoint(req.date, req.start), end = to_timepoint(req.date, req.end);
    auto halls = s.share_venues({req.venue_id}, start, end);
    if (auto e = refuse(BookCall{me, req, std::nullopt, now}, members, halls, quotas)) return e;
    if (s.any_quanta_between(req.venue_id, start, end)) return make_error(Errc::slot_taken);
    return std::nullopt;
}

namespace {

template <class T>
std::vector<T> sorted_unique(std::vector<T> v) {
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    return v;
}

}  // namespace

std::vector<Result<BookOutcome>> book_all(BookingStore& s, const std::vector<BookCall>& calls,
                                          const Quotas& quotas) {
    std::vector<Result<BookOutcome>> out(calls.size(), make_error(Errc::internal));
    if (calls.empty()) return out;

    // The reads, one of each kind for the whole batch. The members' rows first: from here on no
    // other transaction books for them, and their completed keys cannot change under us.
    std::vector<UserId> users;
    std::vector<VenueId> venues;
    std::vector<std::pair<UserId, std::string>> keys;
    const auto& first = calls.front();
    TimePoint since = usage_since(first.req.date, first.now), oldest_now = first.now;
    TimePoint from = to_timepoint(first.req.date, first.req.start),
              to = to_timepoint(first.req.date, first.req.end);
    for (const auto& c : calls) {
        users.push_back(c.me.user_id);
        venues.push_back(c.req.venue_id);
        if (c.key) keys.emplace_back(c.me.user_id, c.key->key);
        since = std::min(since, usage_since(c.req.date, c.now));
        from = std::min(from, to_timepoint(c.req.date, c.req.start));
        to = std::max(to, to_timepoint(c.req.date, c.req.end));
        oldest_now = std::min(oldest_now, c.now);
    }
    auto members = s.lock_members(sorted_unique(users), since);
    std::map<std::pair<UserId, std::string>, KeyRecord> done;
    if (!keys.empty())
        for (auto& k : s.find_keys(sorted_unique(keys), oldest_now - idempotency_key_life))
            done[{k.user, k.key}] = std::move(k);
    auto halls = s.share_venues(sorted_unique(venues), from, to);

    // Each call in order. Accepted ones are remembered: their quanta for the calls after them,
    // and their spans in their member's bookings for the quotas. (A booking the primary key then
    // refuses still counted against its member's later calls in this batch: the quotas err on
    // the safe side, never over.)
    std::vector<Booking> accepted;
    std::vector<std::size_t> accepted_call;
    std::set<std::pair<VenueId, TimePoint>> taken;
    std::map<std::pair<UserId, std::string>, std::size_t>
        keyed;  // key -> the call accepted with it
    std::vector<std::pair<std::size_t, std::size_t>>
        repeats;  // (call, the earlier call with its key)
    for (std::size_t i = 0; i < calls.size(); ++i) {
        const auto& c = calls[i];
        if (c.key) {
            auto k = done.find({c.me.user_id, c.key->key});
            if (k != done.end() && k->second.request_hash != c.key->request_hash) {
                out[i] = make_error(Errc::idempotency_mismatch);
                continue;
            }
            if (k != done.end()) {  // completed before: its stored answer
                out[i] = BookOutcome{{}, k->second.body, true};
                continue;
            }
            if (auto earlier = keyed.find({c.me.user_id, c.key->key}); earlier != keyed.end()) {
                repeats.emplace_back(i, earlier->second);  // answered with that call, once written
                continue;
            }
        }
        if (auto e = refuse(c, members, halls, quotas)) {
            out[i] = *e;
            continue;
        }
        auto quanta = quanta_of(c.req.date, c.req.start, c.req.end);
        bool free = std::none_of(quanta.begin(), quanta.end(), [&](TimePoint q) {
            return taken.count({c.req.venue_id, q});
        });
        if (!free) {
            out[i] = make_error(Errc::slot_taken);
            continue;
        }
        for (auto q : quanta) taken.insert({c.req.venue_id, q});
        const auto& venue = halls.at(c.req.venue_id).venue;
        Booking b;
        b.venue_id = venue.id;
        b.building_id = venue.building_id;
        b.street_id = venue.street_id;
        b.user_id = c.me.user_id;
        b.start = to_timepoint(c.req.date, c.req.start);
        b.end = to_timepoint(c.req.date, c.req.end);
        b.status = venue.rules.requires_approval || c.req.needs_review ? BookingStatus::pending
                                                                       : BookingStatus::confirmed;
        b.purpose = c.req.purpose;
        b.attendees = c.req.attendees;
        b.org = c.req.org;
        members[c.me.user_id].bookings.push_back({b.start, b.end, b.status});
        if (c.key) keyed[{c.me.user_id, c.key->key}] = i;
        accepted.push_back(std::move(b));
        accepted_call.push_back(i);
    }

    // The writes: the bookings with their quanta (the guard), then the keys of those written.
    if (accepted.empty()) return out;
    auto ids = s.insert_bookings(accepted);
    std::vector<KeyRecord> records;
    for (std::size_t j = 0; j < accepted.size(); ++j) {
        const auto& c = calls[accepted_call[j]];
        if (ids[j] == 0) {
            out[accepted_call[j]] = make_error(Errc::slot_taken);
            continue;
        }
        accepted[j].id = ids[j];
        // The answer in the caller's view, stored with the key in this transaction: a replay is
        // byte for byte what the first request was answered.
        BookOutcome o{accepted[j], c.view ? (*c.view)(accepted[j]) : std::string(), false};
        if (c.key)
            records.push_back(
                KeyRecord{c.me.user_id, c.key->key, c.key->request_hash, 201, o.body});
        out[accepted_call[j]] = std::move(o);
    }
    // A repeat of a key accepted in this batch answers what that call answers.
    for (auto [i, earlier] : repeats) {
        const auto& answer = out[earlier];
        if (answer.ok())
            out[i] = BookOutcome{answer.value().booking, answer.value().body, true};
        else
            out[i] = answer.error();
    }
    if (!records.empty()) s.store_keys(records, oldest_now);
    return out;
}

Result<BookOutcome> book(BookingStore& s, const Principal& me, const BookingRequest& req,
                         const Quotas& quotas, TimePoint now,
                         const std::optional<IdempotencyKey>& key) {
    return std::move(book_all(s, {BookCall{me, req, key, now}}, quotas).front());
}

Result<Booking> cancel(BookingStore& s, const Principal& me, BookingId id,
                       const std::string& reason, TimePoint now, const CancelTerms& terms) {
    auto b = s.find_booking(id, /*for_update=*/true);
    if (!b || !can_view_booking(me, *b)) return make_error(Errc::not_found, "No such booking.");
    if (auto e = check_reason(reason, reason_max_chars, false)) return *e;
    if (!owns_quanta(b->status) || b->status == BookingStatus::completed)
        return make_error(Errc::invalid_state,
                          "This booking is " + std::string(status_name(b->status)) + ".");
    bool late = false;
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
            return rule(
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
Result<Booking> decide(BookingStore& s, const Principal& me, BookingId id, bool approve_it,
                       const std::string& reason, TimePoint now) {
    auto b = s.find_booking(id, /*for_update=*/true);
    if (!b || !can_view_booking(me, *b)) return make_error(Errc::not_found, "No such booking.");
    auto booker = s.load_principal(b->user_id).value_or(Principal{b->user_id});
    if (auto e = authorize_decision(me, booker, b->building_id, b->street_id)) return *e;
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

Result<Booking> approve(BookingStore& s, const Principal& me, BookingId id, TimePoint now) {
    return decide(s, me, id, true, "", now);
}
Result<Booking> reject(BookingStore& s, const Principal& me, BookingId id,
                       const std::string& reason, TimePoint now) {
    return decide(s, me, id, false, reason, now);
}

}  // namespace sh::booking
