// Holds: a user picks a slot and fills in the form while others see it "held". Advisory and in
// Redis only: the claim of the quanta with a few minutes' TTL under the hold's token. A booking
// that names its hold passes its own claim; if Redis lost the hold, MySQL's key decides.
#include "server/api/availability.hpp"
#include "server/api/claims.hpp"
#include "server/api/handlers.hpp"
#include "server/api/holds.hpp"
#include "server/api/input.hpp"
#include "booking/local_time.hpp"
#include "server/mysql/booking_store.hpp"

namespace sh::api {

using booking::AppException;
using booking::Errc;
using http::Params;
using http::Request;
using http::Response;
using nlohmann::json;

namespace {

// KEYS: record, held index, quanta...  ARGV: token, ttl_ms, record, expiry_ms, minutes...
const redis::Script claim_hold(R"lua(
for i = 3, #KEYS do
  local owner = redis.call('GET', KEYS[i])
  if owner and owner ~= ARGV[1] then return 0 end
end
for i = 3, #KEYS do redis.call('SET', KEYS[i], ARGV[1], 'PX', ARGV[2]) end
redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[2])
for i = 5, #ARGV do redis.call('ZADD', KEYS[2], ARGV[4], ARGV[i]) end
redis.call('PEXPIRE', KEYS[2], 172800000)
return 1
)lua");

// KEYS: record, held index, quanta...  ARGV: token, release_quanta (1|0), minutes...
const redis::Script release_hold(R"lua(
if ARGV[2] == '1' then
  for i = 3, #KEYS do
    if redis.call('GET', KEYS[i]) == ARGV[1] then redis.call('DEL', KEYS[i]) end
  end
end
redis.call('DEL', KEYS[1])
for i = 3, #ARGV do redis.call('ZREM', KEYS[2], ARGV[i]) end
return 1
)lua");

std::string user_key(redis::Client& r, booking::UserId u) { return r.key("holds:u:" + std::to_string(u)); }

std::string record_key(redis::Client& r, booking::VenueId v, const std::string& id) {
    return r.key("{hall:" + std::to_string(v) + "}:hold:" + id);
}

std::string new_hold_id(booking::VenueId v) { return std::to_string(v) + "-" + random_hex(8); }

long long now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::vector<std::string> hold_keys(Services& svc, const Hold& h) {
    std::vector<std::string> keys = {record_key(svc.redis, h.venue_id, h.id),
                                     AvailabilityService::held_key(svc.redis, h.venue_id, h.date)};
    for (auto& k : svc.claims.keys(h.venue_id, booking::quanta_of(h.date, h.start, h.end))) keys.push_back(std::move(k));
    return keys;
}

std::vector<std::string> minutes_of(const Hold& h) {
    std::vector<std::string> out;
    for (int m = h.start; m < h.end; m += booking::quantum_minutes) out.push_back(std::to_string(m));
    return out;
}

json hold_json(const Hold& h) {
    return {{"hold_id", h.id},
            {"venue_id", h.venue_id},
            {"date", booking::format_date(h.date)},
            {"start", booking::format_hhmm(h.start)},
            {"end", booking::format_hhmm(h.end)},
            {"expires_at", booking::to_iso(booking::TimePoint(std::chrono::milliseconds(h.expires_ms)))}};
}

std::optional<Hold> parse_record(const std::string& id, const std::string& value) {
    auto j = json::parse(value, nullptr, false);
    if (!j.is_object()) return std::nullopt;
    auto date = booking::parse_date(j.value("date", ""));
    if (!date) return std::nullopt;
    return Hold{id, j.value("user", 0ULL), j.value("venue", 0ULL), *date, j.value("start", 0), j.value("end", 0),
                j.value("expires", 0LL)};
}

booking::VenueId venue_of(const std::string& hold_id) {
    auto dash = hold_id.find('-');
    if (dash == std::string::npos || dash == 0) throw AppException(Errc::not_found);
    return path_id(hold_id.substr(0, dash));
}

}  // namespace

std::string hold_token(const std::string& hold_id) { return "h:" + hold_id; }

awaitable<std::optional<Hold>> find_hold(Services& svc, const std::string& hold_id) {
    std::optional<Hold> out;
    auto venue = venue_of(hold_id);
    std::string key = record_key(svc.redis, venue, hold_id);
    try {
        auto reply = co_await workers::run_on(
            svc.redis.pool(), svc.redis.guard([&](redis::Conn& c) { return c.command({"GET", key}); }),
            svc.redis.acquire_timeout());
        if (reply.type == redis::Reply::Type::string) out = parse_record(hold_id, reply.str);
    } catch (const AppException&) {
        // Redis lost or down: the booking goes on, MySQL decides.
    }
    co_return out;
}

awaitable<void> end_hold(Services& svc, const Hold& h, bool release_quanta) {
    auto keys = hold_keys(svc, h);
    std::vector<std::string> args = {hold_token(h.id), release_quanta ? "1" : "0"};
    for (auto& m : minutes_of(h)) args.push_back(std::move(m));
    std::string ukey = user_key(svc.redis, h.user_id);
    try {
        co_await workers::run_on(
            svc.redis.pool(), svc.redis.guard([&](redis::Conn& c) {
                c.eval(release_hold, keys, args);
                return c.command({"ZREM", ukey, h.id});
            }),
            svc.redis.acquire_timeout());
    } catch (const AppException&) {
    }
}

http::Handler create_hold(Services& svc) {
    return [&svc](Request& req, const Params&) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        auto body = object_body(req);
        if (!body.contains("venue_id") || !body["venue_id"].is_number_unsigned()) throw field_error("venue_id", "is required");
        booking::BookingRequest r;
        r.venue_id = body["venue_id"].get<std::uint64_t>();
        auto date = booking::parse_date(required_string(body, "date", 16));
        auto start = booking::parse_hhmm(required_string(body, "start", 8));
        auto end = booking::parse_hhmm(required_string(body, "end", 8), true);
        if (!date) throw field_error("date", "must be YYYY-MM-DD");
        if (!start) throw field_error("start", "must be HH:MM");
        if (!end) throw field_error("end", "must be HH:MM");
        r.date = *date;
        r.start = *start;
        r.end = *end;
        r.purpose = "hold";
        r.attendees = 1;

        // The hall's rules and MySQL's bookings first: a hold on a booked slot helps nobody.
        auto now = svc.clock.now();
        auto problem = co_await db_run(svc, [&](mysql::Conn& c) -> std::optional<booking::AppError> {
            mysql::MysqlBookingStore s(c);
            auto venue = s.find_venue(r.venue_id, booking::Lock::none);
            if (!venue) return booking::make_error(Errc::not_found, "No such hall.");
            auto from = booking::to_timepoint(r.date, r.start), to = booking::to_timepoint(r.date, r.end);
            if (auto e = booking::check_request(*venue, r, now, s.closures_between(r.venue_id, from, to))) return e;
            if (s.any_quanta_between(r.venue_id, from, to)) return booking::make_error(Errc::slot_taken);
            return std::nullopt;
        });
        if (problem) throw AppException(*problem);

        const int ttl_ms = svc.cfg.booking.hold_ttl_s * 1000;
        Hold h{new_hold_id(r.venue_id), me.user_id, r.venue_id, r.date, r.start, r.end, now_ms() + ttl_ms};
        std::string ukey = user_key(svc.redis, me.user_id);
        enum class Outcome { created, existing, taken, too_many } outcome = Outcome::created;
        std::optional<Hold> existing;
        try {
            outcome = co_await workers::run_on(
                svc.redis.pool(), svc.redis.guard([&](redis::Conn& c) {
                    // The user's live holds: the same range again is the same hold.
                    c.command({"ZREMRANGEBYSCORE", ukey, "-inf", std::to_string(now_ms())});
                    auto ids = c.command({"ZRANGE", ukey, "0", "-1"});
                    int live = 0;
                    for (const auto& id : ids.elements) {
                        auto rec = c.command({"GET", record_key(svc.redis, venue_of(id.str), id.str)});
                        if (rec.type != redis::Reply::Type::string) continue;
                        auto other = parse_record(id.str, rec.str);
                        if (!other) continue;
                        ++live;
                        if (other->venue_id == h.venue_id && other->date == h.date && other->start == h.start &&
                            other->end == h.end) {
                            existing = other;
                            return Outcome::existing;
                        }
                    }
                    if (live >= svc.cfg.booking.max_holds_per_user) return Outcome::too_many;
                    json record = {{"user", h.user_id}, {"venue", h.venue_id}, {"date", booking::format_date(h.date)},
                                   {"start", h.start}, {"end", h.end}, {"expires", h.expires_ms}};
                    std::vector<std::string> args = {hold_token(h.id), std::to_string(ttl_ms), record.dump(),
                                                     std::to_string(h.expires_ms)};
                    for (auto& m : minutes_of(h)) args.push_back(std::move(m));
                    auto claimed = c.eval(claim_hold, hold_keys(svc, h), args);
                    if (claimed.integer != 1) return Outcome::taken;
                    c.command({"ZADD", ukey, std::to_string(h.expires_ms), h.id});
                    c.command({"PEXPIRE", ukey, std::to_string(ttl_ms)});
                    return Outcome::created;
                }),
                svc.redis.acquire_timeout());
        } catch (const AppException&) {
            throw AppException(booking::make_error(Errc::redis_unavailable, "Holds are unavailable for the moment; "
                                                                             "book directly."));
        }
        switch (outcome) {
            case Outcome::existing: co_return Response::json(200, hold_json(*existing));
            case Outcome::too_many:
                throw AppException(booking::make_error(Errc::too_many_holds, {},
                                                       {{"max", svc.cfg.booking.max_holds_per_user}}));
            case Outcome::taken: throw AppException(Errc::slot_taken);
            case Outcome::created: break;
        }
        co_return Response::json(201, hold_json(h));
    };
}

http::Handler delete_hold(Services& svc) {
    return [&svc](Request& req, const Params& p) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        auto h = co_await find_hold(svc, p["id"]);
        if (!h || h->user_id != me.user_id) throw AppException(Errc::not_found);
        co_await end_hold(svc, *h, /*release_quanta=*/true);
        co_return Response::json(200, json{{"released", true}});
    };
}

}  // namespace sh::api
