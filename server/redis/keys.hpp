#pragma once
// Every Redis key of the service, in one place. Keys of one hall share the hash tag {hall:ID}
// and keys of one user {user:ID}, so a Redis Cluster keeps each script on one shard.
#include <string>

#include "booking/calendar.hpp"
#include "booking/clock.hpp"
#include "booking/venue.hpp"
#include "server/redis/redis_client.hpp"

namespace sh::redis::keys {

inline std::string venue(const Client& r, booking::VenueId v) {
    return r.key("{hall:" + std::to_string(v) + "}:");
}
// One 15-minute quantum's claim: "token|expiry_ms".
inline std::string quantum(const Client& r, booking::VenueId v, booking::TimePoint t) {
    return venue(r, v) + "q:" +
           std::to_string(
               std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count());
}
inline std::string hold_record(const Client& r, booking::VenueId v, const std::string& id) {
    return venue(r, v) + "hold:" + id;
}
// The day's held quanta: a sorted set of start minutes scored by the hold's expiry (ms).
inline std::string held(const Client& r, booking::VenueId v, booking::Date d) {
    return venue(r, v) + "held:" + booking::format_date(d);
}
inline std::string version(const Client& r, booking::VenueId v) {
    return venue(r, v) + "ver";
}
inline std::string day(const Client& r, booking::VenueId v, booking::Date d) {
    return venue(r, v) + "day:" + booking::format_date(d);
}

inline std::string user(const Client& r, booking::UserId u) {
    return r.key("{user:" + std::to_string(u) + "}:");
}
inline std::string user_holds(const Client& r, booking::UserId u) {
    return user(r, u) + "holds";
}
inline std::string rehold(const Client& r, booking::UserId u, const std::string& range) {
    return user(r, u) + "rehold:" + range;
}

inline std::string session(const Client& r, const std::string& token_hash) {
    return r.key("sess:" + token_hash);
}
inline std::string rate(const Client& r, const std::string& name) {
    return r.key("rl:" + name);
}
inline std::string lease(const Client& r, const std::string& name) {
    return r.key(name + ":lease");
}
inline std::string wechat_token(const Client& r) {
    return r.key("wx:access_token");
}
// Leases (lease()) of the WeChat token: who fetches a missing one, and the 30 s gate of forced
// refreshes across all instances.
inline constexpr const char* wechat_token_lease = "wx:token";
inline constexpr const char* wechat_force_refresh = "wx:force_refresh";

}  // namespace sh::redis::keys
