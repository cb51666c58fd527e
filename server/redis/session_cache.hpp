#pragma once
// The session cache: token hash -> user id and expiry, shared by every instance. MySQL is the
// authority; an entry lives no longer than the cache bound it was written with, and a reader
// learns how long it has left, so no copy taken from it can outlive it.
#include <chrono>
#include <optional>
#include <string>

#include "app/ports.hpp"
#include "booking/accounts.hpp"
#include "common/seal.hpp"
#include "server/redis/redis_client.hpp"

namespace sh::redis {

// app::SessionCache on Redis: "user_id:expires_epoch_seconds" sealed for its key (common/seal.hpp)
// under sess:HASH, so that a Redis writer cannot make a session say another user: a value whose
// seal does not hold reads as a miss. Redis being unreachable reads as a miss and writes as
// nothing (MySQL decides).
class SessionCache final : public app::SessionCache {
  public:
    SessionCache(Client& redis, const Seal& seal) : redis_(redis), seal_(seal) {}
    awaitable<std::optional<app::CachedSession>> find(const std::string& token_hash,
                                                      booking::TimePoint now) override;
    awaitable<void> store(const std::string& token_hash, const booking::SessionRecord& s,
                          std::chrono::milliseconds ttl) override;
    awaitable<void> drop(const std::string& token_hash) override;

  private:
    Client& redis_;
    const Seal& seal_;
};

}  // namespace sh::redis
