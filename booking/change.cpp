#include "booking/change.hpp"

#include <algorithm>

#include "booking/penalties.hpp"

namespace sh::booking {

std::vector<TimePoint> minus(const std::vector<TimePoint>& a, const std::vector<TimePoint>& b) {
    std::vector<TimePoint> out;
    std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
    return out;
}

Span changed_span(const Booking& b, const BookingChange& c) {
    auto start = to_local(b.start), end = to_local(b.end);
    int end_minute = end.date == start.date ? end.minute : 24 * 60;  // ends at midnight
    return {c.start.value_or(start.minute), c.end.value_or(end_minute)};
}

int late_shrink_weight(const PenaltyRules& rules, int minutes_before, int minutes_given_back) {
    if (minutes_before <= 0 || minutes_given_back <= 0) return 0;
    return (rules.late_cancel_milli * minutes_given_back + minutes_before - 1) / minutes_before;
}

namespace {

// What a running meeting's added time must meet: the hall's rules on [was.end, to.end) as a
// booking of it would, its duration counted with the time already booked.
std::optional<AppError> check_extension(Venue v, const BookingRequest& added, int minutes_before,
                                        TimePoint now, const std::vector<ClosureSpan>& closures) {
    v.rules.min_minutes = 0;
    v.rules.max_minutes -= minutes_before;
    if (v.rules.max_minutes < added.end - added.start) {
        return make_error(
            Errc::bad_duration,
            "Book at most " + std::to_string(v.rules.max_minutes + minutes_before) + " minutes.",
            {{"max_minutes", v.rules.max_minutes + minutes_before}});
    }
    return check_request(v, added, now, closures);
}

// The member's quotas with the booking counted at its new time instead of its old.
std::optional<AppError> check_quotas_without(BookingStore& s, const Booking& b, Date day,
                                             const Span& to, const Quotas& quotas, TimePoint now) {
    auto members = s.lock_members({b.user_id}, usage_since(day, now));
    auto member = members.find(b.user_id);
    if (member == members.end()) return make_error(Errc::unauthorized);
    if (auto e = check_ban(member->second.banned_until, now)) return e;
    auto& spans = member->second.bookings;
    // The booking's own span as counted: the time asked, while an extension waits.
    const auto from = b.extension ? b.extension->start : b.start;
    const auto to_end = b.extension ? b.extension->end : b.end;
    auto self = std::find_if(spans.begin(), spans.end(), [&](const BookedSpan& x) {
        return x.start == from && x.end == to_end;
    });
    if (self != spans.end()) spans.erase(self);
    return check_quotas(quotas, usage_of(spans, day, now), to.end - to.start);
}

}  // namespace

Result<ChangeOutcome> change_booking(BookingStore& s, const Principal& me, BookingId id,
                                     const BookingChange& c, const ChangeTerms& terms,
                                     TimePoint now, const std::optional<IdempotencyKey>& key,
                                     const AnswerView* view) {
    auto b = s.find_booking(id, /*for_update=*/true);
    if (!b || !can_view_booking(me, *b)) return make_error(Errc::not_found, "No such booking.");
    if (b->user_id != me.user_id)
        return make_error(Errc::forbidden, "Only the booking's member changes it.");
    // Under the booking's lock: a retry of the same key waits for the first and replays it.
    if (key) {
        auto done = s.find_keys({{me.user_id, key->key}}, now - idempotency_key_life);
        if (!done.empty() && done.front().request_hash != key->request_hash)
            return make_error(Errc::idempotency_mismatch);
        if (!done.empty()) return ChangeOutcome{*b, *b, done.front().body, true, 0};
    }
    const bool running = b->status == BookingStatus::checked_in;
    if (b->status != BookingStatus::pending && b->status != BookingStatus::confirmed && !running)
        return state_error(*b);

    const Date day = to_local(b->start).date;
    const Span was = changed_span(*b, {}), to = changed_span(*b, c);
    const bool moves = to.start != was.start || to.end != was.end;
    if (running && (to.start != was.start || to.end < was.end))
        return make_error(Errc::invalid_state,
                          "A running meeting can only end later; end it to give time back.");
    if (!running && moves && now >= b->start)
        return make_error(Errc::invalid_state, "The booking has begun.");

    BookingRequest req{b->venue_id,
                       day,
                       to.start,
                       to.end,
                       c.purpose.value_or(b->purpose),
                       c.attendees.value_or(b->attendees),
                       b->org};
    const TimePoint new_start = to_timepoint(day, to.start), new_end = to_timepoint(day, to.end);
    auto venues =
        s.share_venues({b->venue_id}, std::min(new_start, b->start), std::max(new_end, b->end));
    auto venue = venues.find(b->venue_id);
    if (venue == venues.end()) return make_error(Errc::not_found, "No such hall.");
    const Venue& hall = venue->second.venue;
    const auto& closures = venue->second.closures;

    // The rules: on the whole new time before the start, on the added time while it runs, on
    // the fields alone when the time stays.
    const int minutes_before = was.end - was.start;
    if (running && to.end > was.end) {
        BookingRequest added = req;
        added.start = was.end;
        if (auto e = check_extension(hall, added, minutes_before, now, closures)) return *e;
    } else if (moves) {
        if (auto e = check_request(hall, req, now, closures)) return *e;
        // A new start meets the hall's notice as a new booking would (a later end alone does not:
        // the hall was prepared for the meeting already).
        if (to.start != was.start)
            if (auto e = check_notice(hall.rules, req, now)) return *e;
    } else if (auto e = check_fields(hall, req)) {
        return *e;
    }

    auto old_quanta = quanta_of(*b), new_quanta = quanta_of(day, to.start, to.end);
    auto added = minus(new_quanta, old_quanta), given_back = minus(old_quanta, new_quanta);
    // In a hall that needs approval, more time for a confirmed booking is asked for: the booking
    // keeps its time, the added time is held for it until the approvers decide. A move (time
    // added and time given back) is a new request, not an extension.
    const bool asks = !added.empty() && hall.rules.requires_approval &&
                      b->status != BookingStatus::pending && !c.needs_review;
    if (!added.empty()) {
        if (auto e = check_quotas_without(s, *b, day, to, terms.quotas, now)) return *e;
        if (asks && !given_back.empty()) return make_error(Errc::change_needs_approval);
    }
    int weight = 0;
    if (!given_back.empty()) {
        auto deadline = b->start - std::chrono::minutes(hall.rules.cancel_deadline_minutes);
        if (now > deadline) {
            weight = late_shrink_weight(terms.penalties, minutes_before,
                                        static_cast<int>(given_back.size()) * quantum_minutes);
            if (weight > 0 && !c.accept_penalty)
                return make_error(Errc::too_late_to_cancel,
                                  "Giving time back now counts as part of a violation.",
                                  {{"deadline", to_iso(deadline)}, {"penalty", weight / 1000.0}});
        }
    }

    // The writes: the new quarters first (the guard refuses one owned by another booking, and
    // the caller's transaction is rolled back), then the old ones given back, then the booking.
    // The quanta held move with the meeting's (its buffer after it). A new time replaces an
    // extension still waiting; a change of the other fields alone leaves it waiting.
    ChangeOutcome out{*b, *b, {}, false, 0};
    auto& now_b = out.booking;
    if (asks) {
        now_b.extension = Extension{new_start, new_end, now};
    } else {
        if (c.start || c.end) now_b.extension.reset();
        now_b.start = new_start;
        now_b.end = new_end;
    }
    now_b.purpose = req.purpose;
    now_b.attendees = req.attendees;
    if (c.needs_review && b->status == BookingStatus::confirmed) {
        now_b.status = BookingStatus::pending;  // a person looks at the new purpose first ...
        if (now_b.extension) {                  // ... and decides on the whole time at once
            now_b.start = now_b.extension->start;
            now_b.end = now_b.extension->end;
            now_b.extension.reset();
        }
    }
    const auto held_before = held_quanta(*b), held_after = held_quanta(now_b);
    const auto take = minus(held_after, held_before);
    if (!take.empty() && !s.take_quanta(b->venue_id, id, take)) return make_error(Errc::slot_taken);
    if (!minus(held_before, held_after).empty())
        s.release_quanta_outside(id, held_after.front(), held_end(now_b));
    s.update_terms(now_b);
    if (asks)
        s.audit(
            {me.user_id, "ask_extension", "booking", id, audit_record(*b), audit_record(now_b)});
    if (weight > 0) {
        record_violation(s, terms.penalties, now_b, ViolationKind::late_shrink, now, weight);
        out.violation_milli = weight;
    }
    if (view) out.body = (*view)(now_b);
    if (key) s.store_keys({KeyRecord{me.user_id, key->key, key->request_hash, 200, out.body}}, now);
    return out;
}

}  // namespace sh::booking
