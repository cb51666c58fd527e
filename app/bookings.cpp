#include "app/bookings.hpp"

#include <algorithm>
#include <exception>

#include "booking/calendar.hpp"
#include "common/hex.hpp"

namespace sh::app {

using booking::AppError;
using booking::Booking;
using booking::BookingRequest;
using booking::BookingStore;
using booking::Errc;
using booking::make_error;
using booking::Principal;

namespace {

// The quanta of a request, or none when its times are not on the 15-minute grid (the rules
// then refuse it in MySQL without a claim).
std::vector<TimePoint> quanta_if_aligned(const BookingRequest& r) {
    if (r.start % booking::quantum_minutes != 0 || r.end % booking::quantum_minutes != 0 ||
        r.end <= r.start)
        return {};
    return booking::quanta_of(r.date, r.start, r.end);
}

bool same_range(const Hold& h, const BookingRequest& r) {
    return h.venue_id == r.venue_id && h.date == r.date && h.start == r.start && h.end == r.end;
}

}  // namespace

awaitable<Result<std::optional<Answer>>> BookingService::replay(booking::UserId user,
                                                                const booking::IdempotencyKey& idem,
                                                                TimePoint now) {
    std::vector<booking::KeyRecord> stored;
    co_await db_.read([&](BookingStore& s) {
        stored = s.find_keys({{user, idem.key}}, now - booking::idempotency_key_life);
    });
    if (stored.empty()) co_return std::optional<Answer>{};
    if (stored.front().request_hash != idem.request_hash)
        co_return make_error(Errc::idempotency_mismatch);
    co_return std::optional<Answer>{Answer{stored.front().status, stored.front().body}};
}

awaitable<Result<Answer>> BookingService::create(const Principal& me, const BookingRequest& req,
                                                 const std::optional<booking::IdempotencyKey>& idem,
                                                 const std::optional<std::string>& hold_id) {
    counters_.attempts.fetch_add(1, std::memory_order_relaxed);
    // 1. The claim's token: the same for every retry of one key (a retry passes its own claim), the
    //    hold's own when confirming the caller's live hold, else fresh. A hold that is gone or
    //    someone else's gives no pass.
    auto now = clock_.now();
    std::string token = idem ? "k:" + sha256_hex(std::to_string(me.user_id) + ":" + idem->key)
                             : "r:" + random_hex(12);
    std::optional<Hold> hold;
    if (hold_id) {
        hold = co_await holds_.find(*hold_id, now);
        if (hold && hold->user_id != me.user_id) hold.reset();
        if (hold && !same_range(*hold, req))
            co_return booking::invalid_field("hold_id", "the hold is for another time or hall");
        if (hold) token = hold_token(hold->id);
    }

    // 2. The fast path: claim the quanta in Redis; a loser leaves without a MySQL transaction —
    //    unless its Idempotency-Key completed already (its first attempt booked, the answer was
    //    lost, and someone else's claim now covers the slot): then the stored answer.
    auto quanta = quanta_if_aligned(req);
    Claim claim = Claim::unavailable;
    if (!quanta.empty())
        claim = co_await claims_.claim(req.venue_id, quanta, token, now, settings_.claim_ttl);
    if (claim == Claim::taken) {
        if (idem) {
            auto again = co_await replay(me.user_id, *idem, now);
            if (!again) co_return again.error();
            if (again.value()) co_return std::move(*again.value());
        }
        counters_.redis_rejections.fetch_add(1, std::memory_order_relaxed);
        co_return make_error(Errc::slot_taken);
    }
    // A claim this request took and must give back if it fails (a hold's claim lives on).
    const bool ours = claim == Claim::claimed && !hold;

    // 3. The content check of the purpose: risky is refused; review, or no answer from WeChat,
    //    leaves the booking pending for a manager rather than blocking the member.
    auto verdict = co_await judge(me, req.purpose);
    if (verdict == Verdict::risky) {
        if (ours) co_await claims_.release(req.venue_id, quanta, token);
        co_return make_error(Errc::content_rejected);
    }
    BookingRequest checked = req;
    checked.needs_review = verdict != Verdict::pass;

    // 4. The guard: one MySQL transaction decides (with the requests waiting beside it). A
    //    completed key answers there, under the lock on the member's row: a request with the same
    //    key still running holds that lock, so a retry waits for it and replays its answer.
    counters_.mysql_attempts.fetch_add(1, std::memory_order_relaxed);
    Result<booking::BookOutcome> outcome = make_error(Errc::internal);
    std::exception_ptr broke;
    // (g++ 12: common/asio.hpp)
    const booking::BookCall call{me, checked, idem, now, &settings_.answer_view};
    try {
        auto decided = co_await db_.book(call, settings_.quotas);
        outcome = std::move(decided);
    } catch (...) {
        broke = std::current_exception();  // busy or MySQL down: answered 503 at the boundary
    }

    // 5. Compensate: on any failure give our claim back, so free time shows and books as free.
    if ((broke || !outcome.ok()) && ours) co_await claims_.release(req.venue_id, quanta, token);
    if (broke) std::rethrow_exception(broke);
    if (!outcome.ok()) co_return outcome.error();
    if (outcome.value().replay) co_return Answer{201, std::move(outcome.value().body)};

    // 6. Invalidate: the hold has served its purpose; the hall's cached days are stale.
    counters_.created.fetch_add(1, std::memory_order_relaxed);
    if (hold) co_await holds_.end(*hold, /*release_quanta=*/false);
    co_await changes_.changed(req.venue_id);
    co_return Answer{201, std::move(outcome.value().body)};
}

awaitable<Result<Booking>> BookingService::get(const Principal& me, booking::BookingId id) {
    std::optional<Booking> b;
    co_await db_.read([&](BookingStore& s) { b = s.find_booking(id, false); });
    // Someone who may not see it learns nothing, not even that it exists.
    if (!b || !booking::can_view_booking(me, *b))
        co_return make_error(Errc::not_found, "No such booking.");
    co_return std::move(*b);
}

awaitable<std::vector<Booking>> BookingService::list_mine(const Principal& me,
                                                          booking::BookingQuery q) {
    q.user_id = me.user_id;
    std::vector<Booking> out;
    co_await db_.read([&](BookingStore& s) { out = s.list(q); });
    co_return out;
}

awaitable<Result<std::vector<Booking>>> BookingService::list_managed(const Principal& me,
                                                                     booking::BookingQuery q) {
    if (auto e = booking::restrict_to_scope(me, q)) co_return *e;
    std::vector<Booking> out;
    co_await db_.read([&](BookingStore& s) { out = s.list(q); });
    co_return out;
}

awaitable<Result<std::vector<booking::PendingByHall>>> BookingService::summary(
    const Principal& me) {
    booking::BookingQuery scope;
    if (auto e = booking::restrict_to_scope(me, scope)) co_return *e;
    const auto now = clock_.now();
    std::vector<booking::PendingByHall> out;
    co_await db_.read([&](BookingStore& s) {
        out = s.pending_by_hall(scope, now, now + std::chrono::hours(24));
    });
    co_return out;
}

awaitable<Result<Booking>> BookingService::change(
    booking::BookingId id, std::function<Result<Booking>(BookingStore&)> use_case) {
    Result<Booking> r = make_error(Errc::internal);
    std::vector<TimePoint> given_back;
    co_await db_.transact([&](BookingStore& s) {
        // The booking as it was, under the lock the use case takes too: what it held and no
        // longer holds is free again (all of it, or an extension's time that was refused).
        auto before = s.find_booking(id, /*for_update=*/true);
        r = use_case(s);
        given_back.clear();
        if (r.ok() && before)
            given_back =
                booking::owns_quanta(r.value().status)
                    ? booking::minus(booking::held_quanta(*before), booking::held_quanta(r.value()))
                    : booking::held_quanta(*before);
        return r.ok();
    });
    if (!given_back.empty()) {
        co_await changes_.changed(r.value().venue_id);
        co_await claims_.clear(r.value().venue_id, given_back);
    }
    co_return r;
}

awaitable<Result<Booking>> BookingService::cancel(const Principal& me, booking::BookingId id,
                                                  const std::string& reason, bool accept_penalty) {
    auto now = clock_.now();
    booking::CancelTerms terms{accept_penalty, settings_.penalties};
    co_return co_await change(
        id, [&](BookingStore& s) { return booking::cancel(s, me, id, reason, now, terms); });
}

awaitable<Result<Booking>> BookingService::approve(const Principal& me, booking::BookingId id) {
    auto now = clock_.now();
    co_return co_await change(id,
                              [&](BookingStore& s) { return booking::approve(s, me, id, now); });
}

awaitable<Result<Booking>> BookingService::reject(const Principal& me, booking::BookingId id,
                                                  const std::string& reason) {
    auto now = clock_.now();
    co_return co_await change(
        id, [&](BookingStore& s) { return booking::reject(s, me, id, reason, now); });
}

awaitable<Result<Booking>> BookingService::check_in(const Principal& me, booking::BookingId id,
                                                    const std::string& code) {
    auto now = clock_.now();
    co_return co_await change(
        id, [&](BookingStore& s) { return booking::check_in(s, me, id, code, now); });
}

awaitable<Result<Booking>> BookingService::end(const Principal& me, booking::BookingId id) {
    auto now = clock_.now();
    co_return co_await change(id,
                              [&](BookingStore& s) { return booking::end_early(s, me, id, now); });
}

awaitable<Result<Answer>> BookingService::modify(
    const Principal& me, booking::BookingId id, booking::BookingChange change,
    const std::optional<booking::IdempotencyKey>& idem) {
    auto now = clock_.now();
    // 1. The quarters the change would add, from the booking as it is now (the transaction
    //    decides on it again under its lock); claimed in Redis like a booking's.
    std::optional<Booking> seen;
    co_await db_.read([&](BookingStore& s) { seen = s.find_booking(id, false); });
    std::vector<TimePoint> added;
    if (seen && seen->user_id == me.user_id && (change.start || change.end)) {
        auto to = booking::changed_span(*seen, change);
        auto day = booking::to_local(seen->start).date;
        BookingRequest span;
        span.venue_id = seen->venue_id;
        span.date = day;
        span.start = to.start;
        span.end = to.end;
        // Not what the booking holds already (its buffer, an extension it asked for).
        added = booking::minus(quanta_if_aligned(span), booking::held_quanta(*seen));
    }
    const std::string token = idem ? "k:" + sha256_hex(std::to_string(me.user_id) + ":" + idem->key)
                                   : "r:" + random_hex(12);
    const booking::VenueId venue = seen ? seen->venue_id : 0;
    bool ours = false;
    if (!added.empty()) {
        auto claim = co_await claims_.claim(venue, added, token, now, settings_.claim_ttl);
        if (claim == Claim::taken) {
            if (idem) {
                auto again = co_await replay(me.user_id, *idem, now);
                if (!again) co_return again.error();
                if (again.value()) co_return std::move(*again.value());
            }
            co_return make_error(Errc::slot_taken);
        }
        ours = claim == Claim::claimed;
    }
    // 2. A new purpose is checked again: risky is refused, an unsure answer leaves it pending.
    if (change.purpose && (!seen || *change.purpose != seen->purpose)) {
        auto verdict = co_await judge(me, *change.purpose);
        if (verdict == Verdict::risky) {
            if (ours) co_await claims_.release(venue, added, token);
            co_return make_error(Errc::content_rejected);
        }
        change.needs_review = verdict != Verdict::pass;
    }
    // 3. The guard decides in one transaction; 4. compensate; 5. the time given back is free.
    const booking::ChangeTerms terms{settings_.quotas, settings_.penalties};
    Result<booking::ChangeOutcome> r = make_error(Errc::internal);
    std::exception_ptr broke;
    try {
        co_await db_.transact([&](BookingStore& s) {
            r = booking::change_booking(s, me, id, change, terms, now, idem,
                                        &settings_.answer_view);
            return r.ok() && !r.value().replay;
        });
    } catch (...) {
        broke = std::current_exception();
    }
    if ((broke || !r.ok()) && ours) co_await claims_.release(venue, added, token);
    if (broke) std::rethrow_exception(broke);
    if (!r) co_return r.error();
    auto& done = r.value();
    if (!done.replay) {
        auto given_back =
            booking::minus(booking::held_quanta(done.was), booking::held_quanta(done.booking));
        co_await changes_.changed(done.booking.venue_id);
        if (!given_back.empty()) co_await claims_.clear(done.booking.venue_id, given_back);
    }
    co_return Answer{200, std::move(done.body)};
}

awaitable<Result<booking::Presence>> BookingService::scan(const Principal& me,
                                                          const std::string& code) {
    auto now = clock_.now();
    Result<booking::Presence> r = make_error(Errc::internal);
    co_await db_.transact([&](BookingStore& s) {
        r = booking::scan(s, me, code, now);
        return r.ok();
    });
    co_return r;
}

awaitable<Result<booking::WaiveOutcome>> BookingService::waive(const Principal& me,
                                                               std::uint64_t violation_id) {
    auto now = clock_.now();
    Result<booking::WaiveOutcome> r = make_error(Errc::internal);
    co_await db_.transact([&](BookingStore& s) {
        r = booking::waive_violation(s, settings_.penalties, me, violation_id, now);
        return r.ok();
    });
    co_return r;
}

awaitable<Result<booking::ViolationRecord>> BookingService::appeal(const Principal& me,
                                                                   std::uint64_t violation_id,
                                                                   std::string reason) {
    auto now = clock_.now();
    Result<booking::ViolationRecord> r = make_error(Errc::internal);
    co_await db_.transact([&](BookingStore& s) {
        r = booking::appeal_violation(s, me, violation_id, reason, now);
        return r.ok();
    });
    co_return r;
}

awaitable<Result<booking::AppealDecision>> BookingService::decide_appeal(const Principal& me,
                                                                         std::uint64_t violation_id,
                                                                         bool waive,
                                                                         std::string note) {
    auto now = clock_.now();
    Result<booking::AppealDecision> r = make_error(Errc::internal);
    co_await db_.transact([&](BookingStore& s) {
        r = booking::decide_appeal(s, settings_.penalties, me, violation_id, waive, note, now);
        return r.ok();
    });
    co_return r;
}

awaitable<Result<std::vector<booking::AppealView>>> BookingService::appeals(const Principal& me,
                                                                            bool waiting_only) {
    auto scope = booking::appeals_scope(me);
    if (!scope) co_return scope.error();
    std::vector<booking::AppealView> out;
    co_await db_.read([&](BookingStore& s) { out = s.appeals(scope.value(), waiting_only, 200); });
    co_return out;
}

namespace {
// A co-organiser invitation's code: 24 hex characters (96 bits), as a role invitation's.
constexpr std::size_t coorganiser_code_bytes = 12;
}  // namespace

awaitable<Result<CoorganiserInvitation>> BookingService::invite_coorganisers(
    const Principal& me, booking::BookingId id) {
    auto code = random_hex(coorganiser_code_bytes);
    auto now = clock_.now();
    auto r = co_await transact_result<Booking>(db_, [&](BookingStore& s) {
        return booking::invite_coorganisers(s, me, id, sha256_hex(code), now);
    });
    if (!r) co_return r.error();
    co_return CoorganiserInvitation{std::move(r.value()), std::move(code)};
}

awaitable<Result<Booking>> BookingService::join_as_coorganiser(const Principal& me,
                                                               const std::string& code) {
    if (code.size() != 2 * coorganiser_code_bytes || !is_lower_hex(code))
        co_return make_error(Errc::not_found, "No such invitation.");
    auto now = clock_.now();
    co_return co_await transact_result<Booking>(db_, [&](BookingStore& s) {
        return booking::join_as_coorganiser(s, me, sha256_hex(code), now);
    });
}

awaitable<Result<Booking>> BookingService::remove_coorganiser(const Principal& me,
                                                              booking::BookingId id,
                                                              booking::UserId member) {
    co_return co_await transact_result<Booking>(
        db_, [&](BookingStore& s) { return booking::remove_coorganiser(s, me, id, member); });
}

awaitable<Verdict> BookingService::judge(const Principal& me, const std::string& text) {
    const auto now = clock_.now();
    if (auto known = verdicts_.find(text, now)) co_return *known;
    Verdict v = co_await content_.check(me.openid, text);
    // A verdict on a text does not change: kept until the cache is full.
    if (v == Verdict::pass || v == Verdict::risky) verdicts_.put(text, v, TimePoint::max(), now);
    co_return v;
}

awaitable<Result<HoldAnswer>> BookingService::hold(const Principal& me,
                                                   const BookingRequest& slot) {
    // The rules first, as a booking would meet them: a hold on a slot one may not book helps
    // nobody.
    auto now = clock_.now();
    std::optional<AppError> problem;
    co_await db_.transact([&](BookingStore& s) {
        problem = booking::check_hold(s, me, slot, settings_.quotas, now);
        return false;  // read only
    });
    if (problem) co_return *problem;

    Hold h;
    h.user_id = me.user_id;
    h.venue_id = slot.venue_id;
    h.date = slot.date;
    h.start = slot.start;
    h.end = slot.end;
    auto placed = co_await holds_.place(h, settings_.holds, now);
    switch (placed.placed) {
        case HoldPlaced::created: co_return HoldAnswer{placed.hold, false};
        case HoldPlaced::existing: co_return HoldAnswer{placed.hold, true};
        case HoldPlaced::taken: co_return make_error(Errc::slot_taken);
        case HoldPlaced::too_many:
            co_return make_error(Errc::too_many_holds, {}, {{"max", settings_.holds.max_per_user}});
        case HoldPlaced::too_often:
            co_return make_error(Errc::rate_limited,
                                 "You held this time too often; book it or choose another.",
                                 {{"retry_after", placed.retry_after_s}});
        case HoldPlaced::unavailable: break;
    }
    co_return make_error(Errc::redis_unavailable,
                         "Holds are unavailable for the moment; book directly.");
}

awaitable<Result<BookingService::Released>> BookingService::release_all(const Principal& me) {
    Released out;
    const auto now = clock_.now();
    for (const auto& id : co_await holds_.held_by(me.user_id, now))
        if (co_await release_hold(me, id)) ++out.holds;
    booking::BookingQuery q;
    q.from = now;
    q.page_size = 100;
    for (q.page = 1; q.page <= booking::max_page; ++q.page) {
        auto page = co_await list_mine(me, q);  // their own, by start: cancelling keeps the order
        for (const auto& b : page) {
            if (b.status != booking::BookingStatus::pending &&
                b.status != booking::BookingStatus::confirmed)
                continue;
            if (b.start <= now) continue;  // running: it ends as it would
            auto r = co_await cancel(me, b.id, "", /*accept_penalty=*/true);
            if (!r) co_return r.error();
            ++out.bookings;
        }
        if (static_cast<int>(page.size()) < q.page_size) break;
    }
    co_return out;
}

awaitable<Result<bool>> BookingService::release_hold(const Principal& me,
                                                     const std::string& hold_id) {
    auto h = co_await holds_.find(hold_id, clock_.now());
    if (!h || h->user_id != me.user_id) co_return make_error(Errc::not_found, "No such hold.");
    co_await holds_.end(*h, /*release_quanta=*/true);
    co_return true;
}

}  // namespace sh::app
