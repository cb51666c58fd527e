#pragma once
// In-memory fakes of the storage ports, for unit tests of the rules and the use cases: the
// booking store with MySQL's guard (one owner per quantum), a BookingDb whose rollback restores
// the state, and Redis's claims and holds on the service's clock.
#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "app/ports.hpp"
#include "booking/book.hpp"
#include "booking/calendar.hpp"
#include "booking/decisions.hpp"

namespace sh::test {

// Hall 1 of building 10 in street 100, open 08:00-22:00 every day, bookable in slots of
// `slot_minutes` (also the shortest booking) up to 240 minutes, `horizon_days` ahead.
inline booking::Venue open_hall(int capacity, int slot_minutes, int horizon_days) {
    booking::Venue v;
    v.id = 1;
    v.building_id = 10;
    v.street_id = 100;
    v.capacity = capacity;
    v.rules.slot_minutes = slot_minutes;
    v.rules.min_minutes = slot_minutes;
    v.rules.max_minutes = 240;
    v.rules.horizon_days = horizon_days;
    for (int d = 1; d <= 7; ++d) v.rules.weekly_hours.push_back({d, 8 * 60, 22 * 60});
    return v;
}

struct MemoryState {
    std::map<booking::UserId, std::optional<booking::TimePoint>> users;  // id -> ban
    std::map<booking::UserId, booking::Principal> principals;            // those with a role
    std::map<booking::VenueId, booking::Venue> venues;
    std::map<booking::VenueId, std::vector<booking::ClosureSpan>> closures;
    std::map<booking::BookingId, booking::Booking> bookings;
    std::map<std::pair<booking::VenueId, booking::TimePoint>, booking::BookingId>
        quanta;  // the guard
    struct Key {
        std::string hash;
        int status = 0;
        std::string body;
        booking::TimePoint at{};
    };
    std::map<std::pair<booking::UserId, std::string>, Key> keys;
    std::vector<std::string> audit;
    booking::BookingId next_id = 1;
    std::set<std::pair<booking::BookingId, booking::UserId>> presence;
    std::vector<booking::Notice> outbox;  // in the order written
    struct Violation {
        booking::UserId user;
        booking::BookingId booking;
        booking::ViolationKind kind;
        int weight;
        booking::TimePoint at;
        bool waived = false;
        std::optional<std::string> appeal;  // the reason, once appealed
        std::optional<bool> appeal_waived;  // the decision, once made
        std::string appeal_note;
    };
    std::vector<Violation> violations;
    std::map<booking::BookingId, std::string> coorganiser_codes;  // the open invitations
    std::map<std::string, booking::BookingId> taken_codes;        // each seated one member
    std::map<booking::BookingId, std::vector<booking::UserId>> coorganisers;  // in seat order
};

class MemoryBookingStore final : public booking::BookingStore {
  public:
    explicit MemoryBookingStore(MemoryState& s) : s_(s) {}

    std::map<booking::UserId, booking::MemberState> lock_members(
        const std::vector<booking::UserId>& ids, booking::TimePoint since) override {
        std::map<booking::UserId, booking::MemberState> out;
        for (auto id : ids) {
            auto it = s_.users.find(id);
            if (it == s_.users.end()) continue;
            auto& m = out[id];
            m.banned_until = it->second;
            for (const auto& [bid, b] : s_.bookings)
                if (b.user_id == id && booking::owns_quanta(b.status) && b.start >= since)
                    m.bookings.push_back({b.extension ? b.extension->start : b.start,
                                          b.extension ? b.extension->end : b.end, b.status,
                                          b.venue_id});  // the time asked counts while it waits
        }
        return out;
    }
    std::map<booking::VenueId, booking::VenueState> share_venues(
        const std::vector<booking::VenueId>& ids, booking::TimePoint from,
        booking::TimePoint to) override {
        std::map<booking::VenueId, booking::VenueState> out;
        for (auto id : ids) {
            auto it = s_.venues.find(id);
            if (it == s_.venues.end()) continue;
            auto& h = out[id];
            h.venue = it->second;
            for (const auto& c : s_.closures[id])
                if (c.from < to && from < c.to) h.closures.push_back(c);
        }
        return out;
    }
    std::optional<booking::Principal> load_principal(booking::UserId id) override {
        auto it = s_.principals.find(id);
        if (it != s_.principals.end()) return it->second;
        booking::Principal p;  // every other user is a member
        p.user_id = id;
        return p;
    }
    std::optional<booking::Venue> find_venue(booking::VenueId id, booking::Lock) override {
        auto it = s_.venues.find(id);
        if (it == s_.venues.end()) return std::nullopt;
        return it->second;
    }
    std::vector<booking::BookingId> insert_bookings(
        const std::vector<booking::Booking>& bs) override {
        std::vector<booking::BookingId> ids;
        for (const auto& b : bs) {
            auto q = booking::held_quanta(b);
            bool free = std::none_of(q.begin(), q.end(), [&](auto t) {
                return s_.quanta.count({b.venue_id, t});
            });
            if (!free) {  // the primary key refuses it
                ids.push_back(0);
                continue;
            }
            auto copy = b;
            copy.id = s_.next_id++;
            s_.bookings[copy.id] = copy;
            for (const auto& t : q) s_.quanta[{b.venue_id, t}] = copy.id;
            ids.push_back(copy.id);
        }
        return ids;
    }
    std::optional<booking::Booking> find_booking(booking::BookingId id, bool) override {
        auto it = s_.bookings.find(id);
        if (it == s_.bookings.end()) return std::nullopt;
        auto b = it->second;
        b.building_id = s_.venues[b.venue_id].building_id;
        b.street_id = s_.venues[b.venue_id].street_id;
        b.present = 0;
        for (const auto& p : s_.presence)
            if (p.first == id) ++b.present;
        b.coorganisers.clear();
        for (auto u : s_.coorganisers[id])
            b.coorganisers.push_back({u, "成员" + std::to_string(u)});
        return b;
    }
    void set_status(booking::BookingId id, booking::BookingStatus st, const std::string& reason,
                    booking::UserId) override {
        s_.bookings[id].status = st;
        s_.bookings[id].cancel_reason = reason;
        if (!booking::owns_quanta(st)) s_.bookings[id].extension.reset();
    }
    void release_quanta(booking::BookingId id) override {
        std::erase_if(s_.quanta, [id](const auto& q) { return q.second == id; });
    }
    bool take_quanta(booking::VenueId venue, booking::BookingId id,
                     const std::vector<booking::TimePoint>& quanta) override {
        bool all = true;
        for (auto t : quanta) all = s_.quanta.emplace(std::pair{venue, t}, id).second && all;
        return all;
    }
    void release_quanta_outside(booking::BookingId id, booking::TimePoint start,
                                booking::TimePoint end) override {
        std::erase_if(s_.quanta, [&](const auto& q) {
            return q.second == id && (q.first.second < start || q.first.second >= end);
        });
    }
    void update_terms(const booking::Booking& b) override {
        auto& mine = s_.bookings[b.id];
        mine.start = b.start;
        mine.end = b.end;
        mine.purpose = b.purpose;
        mine.attendees = b.attendees;
        mine.status = b.status;
        mine.extension = b.extension;
    }
    std::vector<booking::KeyRecord> find_keys(
        const std::vector<std::pair<booking::UserId, std::string>>& keys,
        booking::TimePoint since) override {
        std::vector<booking::KeyRecord> out;
        for (const auto& k : keys) {
            auto it = s_.keys.find(k);
            if (it == s_.keys.end() || it->second.status == 0 || it->second.at <= since) continue;
            out.push_back({k.first, k.second, it->second.hash, it->second.status, it->second.body});
        }
        return out;
    }
    void store_keys(const std::vector<booking::KeyRecord>& keys, booking::TimePoint now) override {
        for (const auto& k : keys)
            s_.keys[{k.user, k.key}] = {k.request_hash, k.status, k.body, now};
    }
    std::vector<booking::Booking> list(const booking::BookingQuery& q) override {
        std::vector<booking::Booking> out;
        for (const auto& [id, b] : s_.bookings) {
            auto full = *find_booking(id, false);
            if (q.user_id && b.user_id != *q.user_id &&
                !(q.with_coorganised && booking::is_coorganiser({*q.user_id}, full)))
                continue;
            if (q.street_id && full.street_id != *q.street_id) continue;
            if (q.buildings && !q.buildings->count(full.building_id)) continue;
            if (q.status && b.status != *q.status) continue;
            if (q.awaiting && b.status != booking::BookingStatus::pending &&
                !(b.extension && booking::owns_quanta(b.status)))
                continue;
            out.push_back(full);
        }
        return out;
    }
    bool any_quanta_between(booking::VenueId venue, booking::TimePoint from,
                            booking::TimePoint to) override {
        for (const auto& [k, id] : s_.quanta)
            if (k.first == venue && k.second >= from && k.second < to) return true;
        return false;
    }
    void audit(const booking::AuditEntry& e) override { s_.audit.push_back(e.action); }

    std::optional<booking::VenueId> venue_by_code(const std::string& code) override {
        for (const auto& [id, v] : s_.venues)
            if (!v.checkin_code.empty() && v.checkin_code == code) return id;
        return std::nullopt;
    }
    std::optional<booking::Booking> running_checked_in(booking::VenueId venue,
                                                       booking::TimePoint now,
                                                       std::chrono::minutes early) override {
        for (const auto& [id, b] : s_.bookings)
            if (b.venue_id == venue && b.status == booking::BookingStatus::checked_in &&
                b.start <= now + early && b.end > now)
                return find_booking(id, false);
        return std::nullopt;
    }
    void set_checked_in(booking::BookingId id, booking::TimePoint at) override {
        s_.bookings[id].status = booking::BookingStatus::checked_in;
        s_.bookings[id].checked_in_at = at;
    }
    bool add_presence(booking::BookingId id, booking::UserId user, booking::TimePoint) override {
        return s_.presence.insert({id, user}).second;
    }
    void release_quanta_from(booking::BookingId id, booking::TimePoint from) override {
        std::erase_if(s_.quanta,
                      [&](const auto& q) { return q.second == id && q.first.second >= from; });
    }
    void set_reminded(booking::BookingId, booking::TimePoint) override {}
    void set_coorganiser_code(booking::BookingId id, const std::string& code_hash) override {
        if (code_hash.empty())
            s_.coorganiser_codes.erase(id);
        else
            s_.coorganiser_codes[id] = code_hash;
    }
    std::optional<booking::CoorganiserCode> booking_by_coorganiser_code(
        const std::string& code_hash) override {
        for (const auto& [id, code] : s_.coorganiser_codes)
            if (code == code_hash) return booking::CoorganiserCode{id, false};
        if (auto used = s_.taken_codes.find(code_hash); used != s_.taken_codes.end())
            return booking::CoorganiserCode{used->second, true};
        return std::nullopt;
    }
    bool add_coorganiser(booking::BookingId id, booking::UserId user, booking::TimePoint,
                         const std::string& code_hash) override {
        auto& seats = s_.coorganisers[id];
        if (static_cast<int>(seats.size()) >= booking::max_coorganisers ||
            std::find(seats.begin(), seats.end(), user) != seats.end() ||
            s_.taken_codes.count(code_hash))
            return false;
        seats.push_back(user);
        s_.taken_codes[code_hash] = id;
        return true;
    }
    bool remove_coorganiser(booking::BookingId id, booking::UserId user) override {
        return std::erase(s_.coorganisers[id], user) == 1;
    }
    // Approvers: from the principals with a role.
    std::vector<booking::UserId> managers_of(booking::BuildingId building) override {
        std::vector<booking::UserId> out;
        for (const auto& [id, p] : s_.principals)
            if (p.role == booking::Role::manager && p.building_ids.count(building))
                out.push_back(id);
        return out;
    }
    std::vector<booking::UserId> street_admins(booking::StreetId street) override {
        std::vector<booking::UserId> out;
        for (const auto& [id, p] : s_.principals)
            if (p.role == booking::Role::street_admin && p.street_id == street) out.push_back(id);
        return out;
    }
    std::vector<booking::UserId> district_admins() override {
        std::vector<booking::UserId> out;
        for (const auto& [id, p] : s_.principals)
            if (p.role == booking::Role::district_admin) out.push_back(id);
        return out;
    }
    void set_approvers_told(booking::BookingId, booking::TimePoint) override {}
    void set_escalated(booking::BookingId, booking::TimePoint) override {}
    std::vector<booking::PendingByHall> pending_by_hall(const booking::BookingQuery&,
                                                        booking::TimePoint,
                                                        booking::TimePoint) override {
        return {};
    }
    void notify(const booking::Notice& n, booking::TimePoint) override {
        for (const auto& o : s_.outbox)
            if (o.key == n.key && o.user_id == n.user_id) return;  // the unique key
        s_.outbox.push_back(n);
    }
    bool add_violation(booking::UserId user, booking::BookingId b, booking::ViolationKind kind,
                       int weight, booking::TimePoint at) override {
        for (const auto& v : s_.violations)
            if (v.booking == b && v.kind == kind && kind != booking::ViolationKind::late_shrink)
                return false;
        s_.violations.push_back({user, b, kind, weight, at});
        return true;
    }
    int violation_weight(booking::UserId user, booking::TimePoint since) override {
        int total = 0;
        for (const auto& v : s_.violations)
            if (v.user == user && v.at >= since && !v.waived) total += v.weight;
        return total;
    }
    void set_ban(booking::UserId user, std::optional<booking::TimePoint> until) override {
        s_.users[user] = until;
    }
    std::optional<booking::ViolationRecord> find_violation(std::uint64_t id) override {
        if (id == 0 || id > s_.violations.size()) return std::nullopt;
        const auto& v = s_.violations[id - 1];
        auto b = find_booking(v.booking, false);
        booking::ViolationRecord r;
        r.id = id;
        r.user_id = v.user;
        r.booking_id = v.booking;
        r.building_id = b ? b->building_id : 0;
        r.street_id = b ? b->street_id : 0;
        r.weight_milli = v.weight;
        r.waived = v.waived;
        r.at = v.at;
        r.appealed = v.appeal.has_value();
        r.decided = v.appeal_waived.has_value();
        return r;
    }
    void waive_violation(std::uint64_t id, booking::UserId, booking::TimePoint) override {
        s_.violations[id - 1].waived = true;
    }
    bool appeal_violation(std::uint64_t id, const std::string& reason,
                          booking::TimePoint) override {
        auto& v = s_.violations[id - 1];
        if (v.appeal || v.waived) return false;
        v.appeal = reason;
        return true;
    }
    bool decide_appeal(std::uint64_t id, booking::UserId, bool waived, const std::string& note,
                       booking::TimePoint) override {
        auto& v = s_.violations[id - 1];
        if (!v.appeal || v.appeal_waived || v.waived) return false;
        v.appeal_waived = waived;
        v.appeal_note = note;
        return true;
    }
    std::vector<booking::AppealView> appeals(const booking::BookingQuery&, bool, int) override {
        return {};  // the list is read by the MySQL store (the end-to-end tests)
    }

  private:
    MemoryState& s_;
};

// Transactions: the state is copied first and put back on rollback.
class MemoryBookingDb final : public app::BookingDb {
  public:
    MemoryState state;
    int transactions = 0;

    awaitable<void> transact(std::function<bool(booking::BookingStore&)> work) override {
        ++transactions;
        MemoryState before = state;
        MemoryBookingStore s(state);
        if (!work(s)) state = std::move(before);
        co_return;
    }
    awaitable<void> read(std::function<void(booking::BookingStore&)> work) override {
        MemoryBookingStore s(state);
        work(s);
        co_return;
    }
    awaitable<booking::Result<booking::BookOutcome>> book(const booking::BookCall& call,
                                                          booking::Quotas quotas) override {
        booking::Result<booking::BookOutcome> r = booking::make_error(booking::Errc::internal);
        co_await transact([&](booking::BookingStore& s) {
            auto all = booking::book_all(s, {call}, quotas);
            r = std::move(all.front());
            return r.ok();
        });
        co_return r;
    }
};

// Redis claims on the service's clock, as the Lua scripts keep them.
class MemoryClaims final : public app::SlotClaims {
  public:
    struct Entry {
        std::string token;
        booking::TimePoint until;
    };
    std::map<std::pair<booking::VenueId, booking::TimePoint>, Entry> claims;
    booking::TimePoint last_now{};
    bool down = false;

    awaitable<app::Claim> claim(booking::VenueId v, const std::vector<booking::TimePoint>& q,
                                const std::string& token, booking::TimePoint now,
                                std::chrono::milliseconds ttl) override {
        if (down) co_return app::Claim::unavailable;
        last_now = now;
        for (const auto& t : q) {
            auto it = claims.find({v, t});
            if (it != claims.end() && it->second.token != token && it->second.until > now)
                co_return app::Claim::taken;
        }
        for (const auto& t : q) {
            auto& e = claims[{v, t}];
            auto until = now + ttl;
            if (e.token == token && e.until > until) until = e.until;  // only ever extended
            e = Entry{token, until};
        }
        co_return app::Claim::claimed;
    }
    awaitable<void> release(booking::VenueId v, const std::vector<booking::TimePoint>& q,
                            const std::string& token) override {
        for (const auto& t : q)
            if (auto it = claims.find({v, t}); it != claims.end() && it->second.token == token)
                claims.erase(it);
        co_return;
    }
    awaitable<void> clear(booking::VenueId v, const std::vector<booking::TimePoint>& q) override {
        for (const auto& t : q) claims.erase({v, t});
        co_return;
    }
    bool claimed(booking::VenueId v, booking::TimePoint t, booking::TimePoint now) const {
        auto it = claims.find({v, t});
        return it != claims.end() && it->second.until > now;
    }
};

class MemoryHolds final : public app::HoldStore {
  public:
    explicit MemoryHolds(MemoryClaims& claims) : claims_(claims) {}
    awaitable<std::vector<std::string>> held_by(booking::UserId user,
                                                booking::TimePoint now) override {
        std::vector<std::string> out;
        for (const auto& [id, h] : holds)
            if (h.user_id == user && h.expires_at > now) out.push_back(id);
        co_return out;
    }
    std::map<std::string, app::Hold> holds;
    std::map<std::string, int> reholds;  // user|range -> count
    int next = 1;
    bool down = false;

    awaitable<app::HoldOutcome> place(app::Hold h, const app::HoldLimits& limits,
                                      booking::TimePoint now) override {
        app::HoldOutcome o;
        if (down) co_return o;
        int live = 0;
        for (const auto& [id, x] : holds) {
            if (x.user_id != h.user_id || x.expires_at <= now) continue;
            ++live;
            if (x.venue_id == h.venue_id && x.date == h.date && x.start == h.start &&
                x.end == h.end) {
                o.placed = app::HoldPlaced::existing;
                o.hold = x;
                co_return o;
            }
        }
        if (live >= limits.max_per_user) {
            o.placed = app::HoldPlaced::too_many;
            co_return o;
        }
        std::string range = std::to_string(h.user_id) + "|" + std::to_string(h.venue_id) + "|" +
                            booking::format_date(h.date) + "|" + std::to_string(h.start) + "|" +
                            std::to_string(h.end);
        if (++reholds[range] > limits.max_per_range_per_hour) {
            o.placed = app::HoldPlaced::too_often;
            o.retry_after_s = 3600;
            co_return o;
        }
        h.id = std::to_string(h.venue_id) + "-" + std::to_string(next++);
        h.expires_at = now + limits.ttl;
        auto c = co_await claims_.claim(
            h.venue_id, booking::quanta_of(h.date, h.start, h.end), app::hold_token(h.id), now,
            std::chrono::duration_cast<std::chrono::milliseconds>(limits.ttl));
        if (c != app::Claim::claimed) {
            --reholds[range];
            o.placed = app::HoldPlaced::taken;
            co_return o;
        }
        holds[h.id] = h;
        o.placed = app::HoldPlaced::created;
        o.hold = h;
        co_return o;
    }
    awaitable<std::optional<app::Hold>> find(const std::string& id,
                                             booking::TimePoint now) override {
        std::optional<app::Hold> out;
        if (auto it = holds.find(id); !down && it != holds.end() && it->second.expires_at > now)
            out = it->second;
        co_return out;
    }
    awaitable<void> end(const app::Hold& h, bool release_quanta) override {
        if (release_quanta)
            co_await claims_.release(h.venue_id, booking::quanta_of(h.date, h.start, h.end),
                                     app::hold_token(h.id));
        holds.erase(h.id);
    }

  private:
    MemoryClaims& claims_;
};

// WeChat's content check as the fake's marker words: "RISKY" risky, "REVIEW" review; `down`
// answers as a failed call.
class MemoryContentCheck final : public app::ContentCheck {
  public:
    int calls = 0;
    bool down = false;
    awaitable<app::Verdict> check(const std::string&, const std::string& text) override {
        ++calls;
        if (down) co_return app::Verdict::unavailable;
        if (text.find("RISKY") != std::string::npos) co_return app::Verdict::risky;
        if (text.find("REVIEW") != std::string::npos) co_return app::Verdict::review;
        co_return app::Verdict::pass;
    }
};

class MemoryVenueChanges final : public app::VenueChanges {
  public:
    std::vector<booking::VenueId> changed_halls;
    awaitable<void> changed(booking::VenueId v) override {
        changed_halls.push_back(v);
        co_return;
    }
};

}  // namespace sh::test
