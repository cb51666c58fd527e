#include "server/api/claims.hpp"

#include "server/workers/await.hpp"

namespace sh::api {

using booking::AppException;

namespace {
const redis::Script claim_all(R"lua(
for i, k in ipairs(KEYS) do
  local owner = redis.call('GET', k)
  if owner and owner ~= ARGV[1] then return 0 end
end
for i, k in ipairs(KEYS) do redis.call('SET', k, ARGV[1], 'PX', ARGV[2]) end
return 1
)lua");

const redis::Script release_own(R"lua(
local n = 0
for i, k in ipairs(KEYS) do
  if redis.call('GET', k) == ARGV[1] then n = n + redis.call('DEL', k) end
end
return n
)lua");
}  // namespace

std::vector<std::string> SlotClaims::keys(booking::VenueId venue, const std::vector<booking::TimePoint>& quanta) const {
    std::vector<std::string> out;
    std::string prefix = redis_.key("{hall:" + std::to_string(venue) + "}:q:");
    for (const auto& t : quanta)
        out.push_back(prefix + std::to_string(std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count()));
    return out;
}

awaitable<SlotClaims::Result> SlotClaims::claim(booking::VenueId venue, const std::vector<booking::TimePoint>& quanta,
                                                const std::string& token, int ttl_ms) {
    auto k = keys(venue, quanta);
    std::string ttl = std::to_string(ttl_ms);
    Result result = Result::unavailable;
    try {
        auto reply = co_await workers::run_on(
            redis_.pool(), redis_.guard([&](redis::Conn& c) { return c.eval(claim_all, k, {token, ttl}); }),
            redis_.acquire_timeout());
        if (reply.type == redis::Reply::Type::integer) result = reply.integer == 1 ? Result::claimed : Result::taken;
    } catch (const AppException&) {
    }
    co_return result;
}

awaitable<void> SlotClaims::release(booking::VenueId venue, const std::vector<booking::TimePoint>& quanta,
                                    const std::string& token) {
    auto k = keys(venue, quanta);
    try {
        co_await workers::run_on(
            redis_.pool(), redis_.guard([&](redis::Conn& c) { return c.eval(release_own, k, {token}); }),
            redis_.acquire_timeout());
    } catch (const AppException&) {
        // The claim's TTL ends it.
    }
}

awaitable<void> SlotClaims::clear(booking::VenueId venue, const std::vector<booking::TimePoint>& quanta) {
    auto k = keys(venue, quanta);
    std::vector<std::string_view> argv{"DEL"};
    for (const auto& key : k) argv.emplace_back(key);
    try {
        co_await workers::run_on(
            redis_.pool(), redis_.guard([&](redis::Conn& c) { return c.command(argv); }), redis_.acquire_timeout());
    } catch (const AppException&) {
    }
}

}  // namespace sh::api
