// Bookings: create (Redis claim, then the MySQL guard), read, cancel, approve, reject.
#include "server/api/availability.hpp"
#include "server/api/claims.hpp"
#include "server/api/handlers.hpp"
#include "server/api/holds.hpp"
#include "server/api/input.hpp"
#include "server/mysql/booking_store.hpp"

namespace sh::api {

using booking::AppException;
using booking::Errc;
using http::Params;
using http::Request;
using http::Response;
using nlohmann::json;

namespace {

template <class UseCase>
auto booking_tx(Services& svc, UseCase use_case) {
    return in_transaction<mysql::MysqlBookingStore>(svc, std::move(use_case));
}

booking::BookingRequest parse_request(const json& body) {
    booking::BookingRequest r;
    if (!body.contains("venue_id") || !body["venue_id"].is_number_unsigned()) throw field_error("venue_id", "is required");
    r.venue_id = body["venue_id"].get<std::uint64_t>();
    auto date = booking::parse_date(required_string(body, "date", 16));
    if (!date) throw field_error("date", "must be YYYY-MM-DD");
    r.date = *date;
    auto start = booking::parse_hhmm(required_string(body, "start", 8));
    auto end = booking::parse_hhmm(required_string(body, "end", 8), true);
    if (!start) throw field_error("start", "must be HH:MM");
    if (!end) throw field_error("end", "must be HH:MM");
    r.start = *start;
    r.end = *end;
    r.purpose = required_string(body, "purpose", 800);
    if (!body.contains("attendees") || !body["attendees"].is_number_integer()) throw field_error("attendees", "is required");
    auto n = body["attendees"].get<long long>();
    if (n < 1 || n > 100000) throw field_error("attendees", "must be between 1 and 100000");
    r.attendees = static_cast<int>(n);
    r.org = optional_string(body, "org", 400).value_or("");
    return r;
}

std::optional<std::string> idempotency_key(const Request& req) {
    auto k = req.header("idempotency-key");
    if (!k) return std::nullopt;
    bool ok = !k->empty() && k->size() <= 64;
    for (char c : *k) ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_');
    if (!ok) throw field_error("Idempotency-Key", "1 to 64 of [A-Za-z0-9_-]");
    return std::string(*k);
}

booking::Quotas quotas(const Services& svc) {
    const auto& b = svc.cfg.booking;
    return {b.max_active_per_user, b.max_per_user_per_day, b.max_minutes_per_user_per_week};
}

json list_json(const std::vector<booking::Booking>& items) {
    json out = json::array();
    for (const auto& b : items) out.push_back(booking::booking_json(b));
    return json{{"items", out}};
}

mysql::BookingQuery filters(const Request& req) {
    mysql::BookingQuery q;
    if (auto s = req.query_param("status"); s && !s->empty()) {
        q.status = booking::parse_status(*s);
        if (!q.status) throw field_error("status", "unknown status");
    }
    if (auto f = req.query_param("from")) {
        auto d = booking::parse_date(*f);
        if (!d) throw field_error("from", "must be YYYY-MM-DD");
        q.from = booking::to_timepoint(*d, 0);
    }
    if (auto t = req.query_param("to")) {
        auto d = booking::parse_date(*t);
        if (!d) throw field_error("to", "must be YYYY-MM-DD");
        q.to = booking::to_timepoint(booking::add_days(*d, 1), 0);  // inclusive day
    }
    if (auto p = req.query_param("page")) {
        try {
            q.page = std::max(1, std::min(10000, std::stoi(*p)));
        } catch (const std::exception&) {
            throw field_error("page", "must be a number");
        }
    }
    return q;
}

}  // namespace

namespace {

// A completed Idempotency-Key answers again with what it answered first (byte for byte), or
// 422 when the body differs. Looked up before anything is claimed: a retry after a lost
// response must not meet its own claim and be told slot_taken.
awaitable<std::optional<Response>> replay(Services& svc, booking::UserId user, const booking::IdempotencyKey& idem) {
    auto stored = co_await db_run(svc, [&](mysql::Conn& c) { return mysql::MysqlBookingStore(c).find_key(user, idem.key); });
    std::optional<Response> out;
    if (stored) {
        if (stored->request_hash != idem.request_hash) throw AppException(Errc::idempotency_mismatch);
        out = Response::text(stored->status, stored->body, "application/json");
    }
    co_return out;
}

// The Redis claim's token: the same for retries of one key (they may pass their own claim), the
// hold's own when confirming one's live hold, else fresh. A hold that is gone (expired, lost with
// Redis) or someone else's gives no pass: MySQL's key decides.
awaitable<std::string> claim_token(Services& svc, const booking::Principal& me, const booking::BookingRequest& r,
                                   const std::optional<booking::IdempotencyKey>& idem,
                                   const std::optional<std::string>& hold_id, std::optional<Hold>& hold) {
    std::string token = idem ? "k:" + AuthService::hash_token(std::to_string(me.user_id) + ":" + idem->key)
                             : "r:" + random_hex(12);
    if (hold_id) {
        hold = co_await find_hold(svc, *hold_id);
        if (hold && hold->user_id == me.user_id) {
            if (hold->venue_id != r.venue_id || hold->date != r.date || hold->start != r.start || hold->end != r.end)
                throw field_error("hold_id", "the hold is for another time or hall");
            token = hold_token(hold->id);
        } else {
            hold.reset();
        }
    }
    co_return token;
}

}  // namespace

http::Handler create_booking(Services& svc) {
    return [&svc](Request& req, const Params&) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        svc.booking_counters.attempts.fetch_add(1, std::memory_order_relaxed);
        auto body = object_body(req);
        std::optional<booking::IdempotencyKey> idem;
        if (auto key = idempotency_key(req)) idem = booking::IdempotencyKey{*key, AuthService::hash_token(body.dump())};
        if (idem)
            if (auto again = co_await replay(svc, me.user_id, *idem)) co_return std::move(*again);
        auto request = parse_request(body);

        // The fast path: claim the quanta in Redis; a loser leaves without touching MySQL.
        std::optional<Hold> hold;
        std::string token = co_await claim_token(svc, me, request, idem, optional_string(body, "hold_id", 64), hold);
        std::vector<booking::TimePoint> quanta;
        if (request.start % booking::quantum_minutes == 0 && request.end % booking::quantum_minutes == 0 &&
            request.end > request.start)
            quanta = booking::quanta_of(request.date, request.start, request.end);
        auto claim = SlotClaims::Result::unavailable;
        if (!quanta.empty()) claim = co_await svc.claims.claim(request.venue_id, quanta, token, svc.cfg.booking.claim_ttl_ms);
        if (claim == SlotClaims::Result::taken) {
            svc.booking_counters.redis_rejections.fetch_add(1, std::memory_order_relaxed);
            throw AppException(Errc::slot_taken);
        }

        // The guard: MySQL decides.
        svc.booking_counters.mysql_attempts.fetch_add(1, std::memory_order_relaxed);
        std::optional<booking::BookOutcome> outcome;
        std::optional<AppException> failed;
        try {
            auto now = svc.clock.now();
            booking::BookOutcome o = co_await booking_tx(
                svc, [&](mysql::MysqlBookingStore& s) { return booking::book(s, me, request, quotas(svc), now, idem); });
            outcome = std::move(o);
        } catch (const AppException& e) {
            failed = e;
        }
        if (failed) {
            // Free our claim, except where MySQL says the time is taken (then the claim tells the
            // truth until its TTL) or it is a hold's (the hold lives on).
            if (claim == SlotClaims::Result::claimed && failed->error().code != Errc::slot_taken && !hold)
                co_await svc.claims.release(request.venue_id, quanta, token);
            throw *failed;
        }
        if (outcome->replay) {  // the same key committed meanwhile
            if (auto again = co_await replay(svc, me.user_id, *idem)) co_return std::move(*again);
            throw AppException(Errc::request_in_progress);
        }
        svc.booking_counters.created.fetch_add(1, std::memory_order_relaxed);
        if (hold) co_await end_hold(svc, *hold, /*release_quanta=*/false);
        co_await svc.availability.invalidate(request.venue_id);
        co_return Response::text(201, outcome->body, "application/json");
    };
}

http::Handler get_booking(Services& svc) {
    return [&svc](Request& req, const Params& p) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        auto id = path_id(p["id"]);
        auto b = co_await db_run(svc, [&](mysql::Conn& c) { return mysql::MysqlBookingStore(c).find_booking(id, false); });
        // Someone who may not see it learns nothing, not even that it exists.
        if (!b || !booking::can_view_booking(me, *b)) throw AppException(Errc::not_found);
        co_return Response::json(200, booking::booking_json(*b));
    };
}

http::Handler my_bookings(Services& svc) {
    return [&svc](Request& req, const Params&) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        auto q = filters(req);
        q.user_id = me.user_id;
        auto items = co_await db_run(svc, [&](mysql::Conn& c) { return mysql::MysqlBookingStore(c).list(q); });
        co_return Response::json(200, list_json(items));
    };
}

http::Handler manage_bookings(Services& svc) {
    return [&svc](Request& req, const Params&) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        auto q = filters(req);
        switch (me.role) {
            case booking::Role::district_admin: break;
            case booking::Role::street_admin: q.street_id = me.street_id.value_or(0); break;
            case booking::Role::manager: q.buildings = me.building_ids; break;
            case booking::Role::member: throw AppException(Errc::forbidden);
        }
        if (auto b = req.query_param("building_id"); b && !b->empty()) q.building_id = path_id(*b);
        if (auto v = req.query_param("venue_id"); v && !v->empty()) q.venue_id = path_id(*v);
        auto items = co_await db_run(svc, [&](mysql::Conn& c) { return mysql::MysqlBookingStore(c).list(q); });
        co_return Response::json(200, list_json(items));
    };
}

namespace {
// After a change that freed a booking's quanta: the availability cache and the Redis claims.
awaitable<void> freed(Services& svc, const booking::Booking& b) {
    co_await svc.availability.invalidate(b.venue_id);
    auto start = booking::to_local(b.start), end = booking::to_local(b.end);
    int end_minute = end.date == start.date ? end.minute : 1440;
    co_await svc.claims.clear(b.venue_id, booking::quanta_of(start.date, start.minute, end_minute));
}

std::string reason_of(const Request& req) {
    if (req.body.empty()) return {};
    return optional_string(object_body(req), "reason", 800).value_or("");
}
}  // namespace

http::Handler cancel_booking(Services& svc) {
    return [&svc](Request& req, const Params& p) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        auto id = path_id(p["id"]);
        auto reason = reason_of(req);
        auto now = svc.clock.now();
        auto b = co_await booking_tx(svc, [&](mysql::MysqlBookingStore& s) { return booking::cancel(s, me, id, reason, now); });
        co_await freed(svc, b);
        co_return Response::json(200, booking::booking_json(b));
    };
}

http::Handler approve_booking(Services& svc) {
    return [&svc](Request& req, const Params& p) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        auto id = path_id(p["id"]);
        auto b = co_await booking_tx(svc, [&](mysql::MysqlBookingStore& s) { return booking::approve(s, me, id); });
        co_return Response::json(200, booking::booking_json(b));
    };
}

http::Handler reject_booking(Services& svc) {
    return [&svc](Request& req, const Params& p) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        auto id = path_id(p["id"]);
        auto reason = reason_of(req);
        auto b = co_await booking_tx(svc, [&](mysql::MysqlBookingStore& s) { return booking::reject(s, me, id, reason); });
        co_await freed(svc, b);
        co_return Response::json(200, booking::booking_json(b));
    };
}

}  // namespace sh::api
