#pragma once
// app::DayCache in Redis, served from the I/O threads (the availability hot path).
//  - {hall:ID}:ver is the hall's version, bumped after every committed change that can alter its
//    availability. A missing version is created at random, so a lost key can never make old
//    entries look current.
//  - {hall:ID}:day:DATE holds "VERSION|slot_minutes|horizon_days|release_minute|slots" for
//    availability_ttl_ms (0 turns the cache off). A rebuild stores its result only if the version
//    did not move while it read MySQL: a healthy Redis never serves a state older than the last
//    committed change.
//  - {hall:ID}:held:DATE (written by the HoldStore) gives the held quanta.
#include "app/ports.hpp"
#include "server/redis/async_client.hpp"

namespace sh::redis {

class DayCache final : public app::DayCache {
  public:
    // `keys` names keys and holds the settings (both clients share one configuration).
    DayCache(Client& keys, AsyncClient& fast) : keys_(keys), fast_(fast) {}

    awaitable<std::optional<app::DayCacheEntry>> read(booking::VenueId venue, booking::Date d,
                                                      booking::TimePoint now) override;
    awaitable<void> store(booking::VenueId venue, booking::Date d, const std::string& version,
                          const app::CachedDay& day) override;
    awaitable<bool> bump(booking::VenueId venue) override;

  private:
    Client& keys_;
    AsyncClient& fast_;
};

}  // namespace sh::redis
