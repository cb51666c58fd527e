#include "booking/book.hpp"

#include <algorithm>
#include <set>

namespace sh::booking {

namespace {
// A call's rules, in the order a user can act on them; nullopt when it may be booked.
std::optional<AppError> refuse(const BookCall& c, const std::map<UserId, MemberState>& members,
                               const std::map<VenueId, VenueState>& venues, const Quotas& quotas) {
    auto member = members.find(c.me.user_id);
    if (member == members.end()) return make_error(Errc::unauthorized);
    if (auto e = check_ban(member->second.banned_until, c.now)) return e;
    auto venue = venues.find(c.req.venue_id);
    if (venue == venues.end()) return make_error(Errc::not_found, "No such hall.");
    const auto& hall = venue->second.venue;
    if (auto e = check_open_to(hall, c.me)) return e;
    if (auto e = check_request(hall, c.req, c.now, venue->second.closures)) return e;
    if (auto e = check_notice(hall.rules, c.req, c.now)) return e;
    if (auto e = check_quotas(quotas, usage_of(member->second.bookings, c.req.date, c.now),
                              c.req.end - c.req.start))
        return e;
    return check_hall_quota(hall, member->second.bookings, c.now);
}

}  // namespace

std::optional<AppError> check_hold(BookingStore& s, const Principal& me, const BookingRequest& req,
                                   const Quotas& quotas, TimePoint now) {
    auto members = s.lock_members({me.user_id}, usage_since(req.date, now));
    TimePoint start = to_timepoint(req.date, req.start), end = to_timepoint(req.date, req.end);
    auto venues = s.share_venues({req.venue_id}, start, end);
    if (auto e = refuse(BookCall{me, req, std::nullopt, now}, members, venues, quotas)) return e;
    // The hold keeps the time and the hall's buffer after it.
    Booking wanted;
    wanted.start = start;
    wanted.end = end;
    if (auto v = venues.find(req.venue_id); v != venues.end())
        wanted.buffer_minutes = v->second.venue.rules.buffer_minutes;
    if (s.any_quanta_between(req.venue_id, start, held_end(wanted)))
        return make_error(Errc::slot_taken);
    return std::nullopt;
}

namespace {

template <class T>
std::vector<T> sorted_unique(std::vector<T> v) {
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    return v;
}

using KeyOf = std::pair<UserId, std::string>;

// What a batch reads, one query of each kind for all its calls.
struct BatchReads {
    std::map<UserId, MemberState> members;
    std::map<KeyOf, KeyRecord> done;  // completed keys
    std::map<VenueId, VenueState> venues;
    TimePoint oldest_now;
};

// Phase 1, the reads. The members' rows first: from here on no other transaction books for them,
// and their completed keys cannot change under us.
BatchReads read_batch(BookingStore& s, const std::vector<BookCall>& calls) {
    std::vector<UserId> users;
    std::vector<VenueId> venues;
    std::vector<KeyOf> keys;
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
    BatchReads r;
    r.oldest_now = oldest_now;
    r.members = s.lock_members(sorted_unique(users), since);
    if (!keys.empty())
        for (auto& k : s.find_keys(sorted_unique(keys), oldest_now - idempotency_key_life))
            r.done[{k.user, k.key}] = std::move(k);
    r.venues = s.share_venues(sorted_unique(venues), from, to);
    return r;
}

// The bookings the rules accepted, to be written.
struct Accepted {
    std::vector<Booking> bookings;
    std::vector<std::size_t> call;                             // each one's call
    std::vector<std::pair<std::size_t, std::size_t>> repeats;  // (call, earlier call, same key)
};

Booking booking_of(const BookCall& c, const Venue& venue) {
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
    b.branch_id = c.me.branch_id;
    b.unit_id = c.me.unit_id;
    b.buffer_minutes = venue.rules.buffer_minutes;
    return b;
}

// Phase 2, each call in order, in memory. Accepted ones are remembered: their quanta for the
// calls after them, and their spans in their member's bookings for the quotas. (A booking the
// primary key then refuses still counted against its member's later calls in this batch: the
// quotas err on the safe side, never over.)
Accepted decide_in_order(const std::vector<BookCall>& calls, BatchReads& r, const Quotas& quotas,
                         std::vector<Result<BookOutcome>>& out) {
    Accepted a;
    std::set<std::pair<VenueId, TimePoint>> taken;
    std::map<KeyOf, std::size_t> keyed;  // key -> the call accepted with it
    for (std::size_t i = 0; i < calls.size(); ++i) {
        const auto& c = calls[i];
        if (c.key) {
            auto k = r.done.find({c.me.user_id, c.key->key});
            if (k != r.done.end() && k->second.request_hash != c.key->request_hash) {
                out[i] = make_error(Errc::idempotency_mismatch);
                continue;
            }
            if (k != r.done.end()) {  // completed before: its stored answer
                out[i] = BookOutcome{{}, k->second.body, true};
                continue;
            }
            if (auto earlier = keyed.find({c.me.user_id, c.key->key}); earlier != keyed.end()) {
                a.repeats.emplace_back(i, earlier->second);  // answered with that call
                continue;
            }
        }
        if (auto e = refuse(c, r.members, r.venues, quotas)) {
            out[i] = *e;
            continue;
        }
        auto b = booking_of(c, r.venues.at(c.req.venue_id).venue);
        auto quanta = held_quanta(b);
        if (std::any_of(quanta.begin(), quanta.end(), [&](TimePoint q) {
                return taken.count({c.req.venue_id, q}) > 0;
            })) {
            out[i] = make_error(Errc::slot_taken);
            continue;
        }
        for (auto q : quanta) taken.insert({c.req.venue_id, q});
        r.members[c.me.user_id].bookings.push_back({b.start, b.end, b.status, b.venue_id});
        if (c.key) keyed[{c.me.user_id, c.key->key}] = i;
        a.bookings.push_back(std::move(b));
        a.call.push_back(i);
    }
    return a;
}

// Phase 3, the writes: the bookings with their quanta (the guard), then the keys of those
// written, each with its answer in the caller's view, rendered here, in the transaction, so that
// a replay is byte for byte what the first request was answered.
void write_batch(BookingStore& s, const std::vector<BookCall>& calls, Accepted& a,
                 TimePoint oldest_now, std::vector<Result<BookOutcome>>& out) {
    if (a.bookings.empty()) return;
    auto ids = s.insert_bookings(a.bookings);
    std::vector<KeyRecord> records;
    for (std::size_t j = 0; j < a.bookings.size(); ++j) {
        const auto& c = calls[a.call[j]];
        if (ids[j] == 0) {
            out[a.call[j]] = make_error(Errc::slot_taken);
            continue;
        }
        a.bookings[j].id = ids[j];
        BookOutcome o{a.bookings[j], c.view ? (*c.view)(a.bookings[j]) : std::string(), false};
        if (c.key)
            records.push_back(
                KeyRecord{c.me.user_id, c.key->key, c.key->request_hash, 201, o.body});
        out[a.call[j]] = std::move(o);
    }
    // A repeat of a key accepted in this batch answers what that call answers.
    for (auto [i, earlier] : a.repeats) {
        const auto& answer = out[earlier];
        if (answer.ok())
            out[i] = BookOutcome{answer.value().booking, answer.value().body, true};
        else
            out[i] = answer.error();
    }
    if (!records.empty()) s.store_keys(records, oldest_now);
}

}  // namespace

std::vector<Result<BookOutcome>> book_all(BookingStore& s, const std::vector<BookCall>& calls,
                                          const Quotas& quotas) {
    std::vector<Result<BookOutcome>> out(calls.size(), make_error(Errc::internal));
    if (calls.empty()) return out;
    auto reads = read_batch(s, calls);
    auto accepted = decide_in_order(calls, reads, quotas, out);
    write_batch(s, calls, accepted, reads.oldest_now, out);
    return out;
}

Result<BookOutcome> book(BookingStore& s, const Principal& me, const BookingRequest& req,
                         const Quotas& quotas, TimePoint now,
                         const std::optional<IdempotencyKey>& key) {
    return std::move(book_all(s, {BookCall{me, req, key, now}}, quotas).front());
}

}  // namespace sh::booking
