#include "server/redis/slot_claims.hpp"

#include <nlohmann/json.hpp>

#include "booking/calendar.hpp"
#include "common/hex.hpp"
#include "server/redis/keys.hpp"
#include "server/workers/await.hpp"

namespace sh::redis {

using booking::AppException;
using booking::TimePoint;

namespace {

// Shared by the claim scripts: a quantum's owner and expiry ("token|expiry_ms").
#define SH_CLAIM_LUA_PRELUDE                                                          \
    "local function owner_of(k)\n"                                                    \
    "  local v = redis.call('GET', k)\n"                                              \
    "  if not v then return nil, 0 end\n"                                             \
    "  local bar = string.find(v, '|', 1, true)\n"                                    \
    "  if not bar then return v, 0 end\n"                                             \
    "  return string.sub(v, 1, bar - 1), tonumber(string.sub(v, bar + 1)) or 0\n"     \
    "end\n"                                                                           \
    "local function free_for(k, token, now)\n"                                        \
    "  local owner, exp = owner_of(k)\n"                                              \
    "  return owner == nil or owner == token or exp <= now\n"                         \
    "end\n"                                                                           \
    "local function claim(k, token, now, ttl)\n"                                      \
    "  local owner, exp = owner_of(k)\n"                                              \
    "  local until_ms = now + ttl\n"                                                  \
    "  if owner == token and exp > until_ms then until_ms = exp end\n"                \
    "  redis.call('SET', k, token .. '|' .. string.format('%.0f', until_ms), 'PX',\n" \
    "             string.format('%.0f', math.max(until_ms - now, 1)))\n"              \
    "end\n"

// KEYS: quanta.  ARGV: token, now_ms, ttl_ms.  All or nothing.
const Script claim_all(SH_CLAIM_LUA_PRELUDE R"lua(
local token, now, ttl = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
for i, k in ipairs(KEYS) do
  if not free_for(k, token, now) then return 0 end
end
for i, k in ipairs(KEYS) do claim(k, token, now, ttl) end
return 1
)lua");

// KEYS: quanta.  ARGV: token.  Deletes only what `token` still owns.
const Script release_own(SH_CLAIM_LUA_PRELUDE R"lua(
local n = 0
for i, k in ipairs(KEYS) do
  if owner_of(k) == ARGV[1] then n = n + redis.call('DEL', k) end
end
return n
)lua");

// The user's side of a hold, atomically: drop expired holds, answer the same range with the live
// hold, enforce the cap and the re-hold limit, then reserve the place.
// KEYS: user's holds, re-hold counter.  ARGV: now_ms, range prefix, member, expiry_ms, max,
// max re-holds, re-hold window ms, index ttl ms.
const Script reserve_hold(R"lua(
local now = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local live = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
for i = 1, #live, 2 do
  if string.sub(live[i], 1, #ARGV[2]) == ARGV[2] then return {1, live[i], live[i + 1]} end
end
if #live / 2 >= tonumber(ARGV[5]) then return {2} end
local n = redis.call('INCR', KEYS[2])
if n == 1 then redis.call('PEXPIRE', KEYS[2], ARGV[7]) end
if n > tonumber(ARGV[6]) then return {3, redis.call('PTTL', KEYS[2])} end
redis.call('ZADD', KEYS[1], ARGV[4], ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[8])
return {0}
)lua");

// The hall's side: claim every quantum under the hold's token, write the record, index the
// held minutes.  KEYS: record, held index, quanta...  ARGV: token, now_ms, ttl_ms, record,
// expiry_ms, minutes...
const Script claim_hold(SH_CLAIM_LUA_PRELUDE R"lua(
local token, now, ttl = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
for i = 3, #KEYS do
  if not free_for(KEYS[i], token, now) then return 0 end
end
for i = 3, #KEYS do claim(KEYS[i], token, now, ttl) end
redis.call('SET', KEYS[1], ARGV[4], 'PX', ARGV[3])
for i = 6, #ARGV do redis.call('ZADD', KEYS[2], ARGV[5], ARGV[i]) end
redis.call('PEXPIRE', KEYS[2], 172800000)
return 1
)lua");

// KEYS: record, held index, quanta...  ARGV: token, release_quanta (1|0), minutes...
const Script release_hold(SH_CLAIM_LUA_PRELUDE R"lua(
if ARGV[2] == '1' then
  for i = 3, #KEYS do
    if owner_of(KEYS[i]) == ARGV[1] then redis.call('DEL', KEYS[i]) end
  end
end
redis.call('DEL', KEYS[1])
for i = 3, #ARGV do redis.call('ZREM', KEYS[2], ARGV[i]) end
return 1
)lua");

long long ms(TimePoint t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

std::vector<std::string> quantum_keys(const Client& r, booking::VenueId venue,
                                      const std::vector<TimePoint>& quanta) {
    std::vector<std::string> out;
    out.reserve(quanta.size());
    for (const auto& t : quanta) out.push_back(keys::quantum(r, venue, t));
    return out;
}

// "venue|date|start|end|": a user's hold of one range, whatever its id.
std::string range_of(const app::Hold& h) {
    return std::to_string(h.venue_id) + "|" + booking::format_date(h.date) + "|" +
           std::to_string(h.start) + "|" + std::to_string(h.end) + "|";
}

std::vector<std::string> hold_keys(const Client& r, const app::Hold& h) {
    std::vector<std::string> out = {keys::hold_record(r, h.venue_id, h.id),
                                    keys::held(r, h.venue_id, h.date)};
    for (auto& k : quantum_keys(r, h.venue_id, booking::quanta_of(h.date, h.start, h.end)))
        out.push_back(std::move(k));
    return out;
}

std::vector<std::string> minutes_of(const app::Hold& h) {
    std::vector<std::string> out;
    for (int m = h.start; m < h.end; m += booking::quantum_minutes)
        out.push_back(std::to_string(m));
    return out;
}

std::optional<app::Hold> parse_record(const std::string& id, const std::string& value) {
    auto j = nlohmann::json::parse(value, nullptr, false);
    if (!j.is_object()) return std::nullopt;
    auto date = booking::parse_date(j.value("date", ""));
    if (!date) return std::nullopt;
    return app::Hold{id,
                     j.value("user", 0ULL),
                     j.value("venue", 0ULL),
                     *date,
                     j.value("start", 0),
                     j.value("end", 0),
                     TimePoint(std::chrono::milliseconds(j.value("expires", 0LL)))};
}

std::optional<booking::VenueId> venue_of(const std::string& hold_id) {
    auto dash = hold_id.find('-');
    if (dash == std::string::npos || dash == 0 || dash > 19) return std::nullopt;
    booking::VenueId v = 0;
    for (std::size_t i = 0; i < dash; ++i) {
        if (hold_id[i] < '0' || hold_id[i] > '9') return std::nullopt;
        v = v * 10 + static_cast<booking::VenueId>(hold_id[i] - '0');
    }
    return v;
}

}  // namespace

awaitable<app::Claim> SlotClaims::claim(booking::VenueId venue,
                                        const std::vector<TimePoint>& quanta,
                                        const std::string& token, TimePoint now,
                                        std::chrono::milliseconds ttl) {
    auto k = quantum_keys(redis_, venue, quanta);
    std::vector<std::string> args = {token, std::to_string(ms(now)), std::to_string(ttl.count())};
    app::Claim result = app::Claim::unavailable;
    try {
        auto reply = co_await fast_.eval(claim_all, k, args);
        if (reply.type == Reply::Type::integer)
            result = reply.integer == 1 ? app::Claim::claimed : app::Claim::taken;
    } catch (const FailureException&) {
        // Redis down or slow: MySQL decides alone.
    }
    co_return result;
}

awaitable<void> SlotClaims::release(booking::VenueId venue, const std::vector<TimePoint>& quanta,
                                    const std::string& token) {
    auto k = quantum_keys(redis_, venue, quanta);
    std::vector<std::string> args = {token};
    try {
        co_await fast_.eval(release_own, k, args);
    } catch (const FailureException&) {
        // The claim's expiry ends it.
    }
}

awaitable<void> SlotClaims::clear(booking::VenueId venue, const std::vector<TimePoint>& quanta) {
    auto k = quantum_keys(redis_, venue, quanta);
    k.insert(k.begin(), "DEL");
    try {
        co_await fast_.command(k);
    } catch (const FailureException&) {
    }
}

awaitable<app::HoldOutcome> HoldStore::place(app::Hold h, const app::HoldLimits& limits,
                                             TimePoint now) {
    h.id = std::to_string(h.venue_id) + "-" + random_hex(8);
    h.expires_at = now + limits.ttl;
    const std::string range = range_of(h);
    const std::string ttl_ms = std::to_string(limits.ttl.count());
    std::vector<std::string> user_keys = {keys::user_holds(redis_, h.user_id),
                                          keys::rehold(redis_, h.user_id, range)};
    std::vector<std::string> user_args = {std::to_string(ms(now)),
                                          range,
                                          range + h.id,
                                          std::to_string(ms(h.expires_at)),
                                          std::to_string(limits.max_per_user),
                                          std::to_string(limits.max_per_range_per_hour),
                                          "3600000",
                                          std::to_string(limits.ttl.count() + 60'000)};
    nlohmann::json record = {
        {"user", h.user_id}, {"venue", h.venue_id}, {"date", booking::format_date(h.date)},
        {"start", h.start},  {"end", h.end},        {"expires", ms(h.expires_at)}};
    std::vector<std::string> venue_args = {app::hold_token(h.id), std::to_string(ms(now)), ttl_ms,
                                           record.dump(), std::to_string(ms(h.expires_at))};
    for (auto& m : minutes_of(h)) venue_args.push_back(std::move(m));
    auto venue_keys = hold_keys(redis_, h);

    app::HoldOutcome out;
    try {
        out = co_await workers::run(redis_, [&](Conn& c) {
            app::HoldOutcome o;
            auto r = c.eval(reserve_hold, user_keys, user_args);
            if (r.type != Reply::Type::array || r.elements.empty()) return o;  // unavailable
            switch (r.elements[0].integer) {
                case 1: {  // the same range, still held: that hold
                    o.placed = app::HoldPlaced::existing;
                    const auto& member = r.elements[1].str;
                    auto existing = h;
                    existing.id = member.substr(range.size());
                    existing.expires_at =
                        TimePoint(std::chrono::milliseconds(std::stoll(r.elements[2].str)));
                    o.hold = existing;
                    return o;
                }
                case 2: o.placed = app::HoldPlaced::too_many; return o;
                case 3:
                    o.placed = app::HoldPlaced::too_often;
                    o.retry_after_s = static_cast<int>((r.elements[1].integer + 999) / 1000);
                    return o;
                default: break;
            }
            auto claimed = c.eval(claim_hold, venue_keys, venue_args);
            if (claimed.type == Reply::Type::integer && claimed.integer == 1) {
                o.placed = app::HoldPlaced::created;
                o.hold = h;
                return o;
            }
            // Someone else has a quantum: give the user's place back.
            std::string member = range + h.id;
            c.command({"ZREM", user_keys[0], member});
            c.command({"DECR", user_keys[1]});
            o.placed = app::HoldPlaced::taken;
            return o;
        });
    } catch (const FailureException&) {
        out.placed = app::HoldPlaced::unavailable;
    }
    co_return out;
}

awaitable<std::optional<app::Hold>> HoldStore::find(const std::string& hold_id, TimePoint now) {
    std::optional<app::Hold> out;
    auto venue = venue_of(hold_id);
    if (!venue) co_return out;
    std::string key = keys::hold_record(redis_, *venue, hold_id);
    try {
        auto reply = co_await workers::run(redis_, [&](Conn& c) {
            return c.command({"GET", key});
        });
        if (reply.type == Reply::Type::string) out = parse_record(hold_id, reply.str);
    } catch (const FailureException&) {
        // Redis lost or down: the booking goes on, MySQL decides.
    }
    if (out && out->expires_at <= now) out.reset();
    co_return out;
}

awaitable<void> HoldStore::end(const app::Hold& h, bool release_quanta) {
    auto k = hold_keys(redis_, h);
    std::vector<std::string> args = {app::hold_token(h.id), release_quanta ? "1" : "0"};
    for (auto& m : minutes_of(h)) args.push_back(std::move(m));
    std::string user_key = keys::user_holds(redis_, h.user_id), member = range_of(h) + h.id;
    try {
        co_await workers::run(redis_, [&](Conn& c) {
            c.eval(release_hold, k, args);
            return c.command({"ZREM", user_key, member});
        });
    } catch (const FailureException&) {
    }
}

awaitable<std::vector<std::string>> HoldStore::held_by(booking::UserId user, TimePoint now) {
    std::vector<std::string> out;
    try {
        auto reply = co_await workers::run(redis_, [&](Conn& c) {
            return c.command(
                {"ZRANGEBYSCORE", keys::user_holds(redis_, user), std::to_string(ms(now)), "+inf"});
        });
        for (const auto& e : reply.elements) {
            auto bar = e.str.rfind('|');  // "<range>|<id>": range_of(h) + h.id
            if (bar != std::string::npos) out.push_back(e.str.substr(bar + 1));
        }
    } catch (const FailureException&) {
    }
    co_return out;
}

}  // namespace sh::redis
