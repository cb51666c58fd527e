#pragma once
// app::SlotClaims and app::HoldStore in Redis. A quantum's claim is "token|expiry_ms": its
// expiry is on the service's clock (booking::Clock), so a claim ends when the service says so;
// Redis's own PX (the same length) only collects the garbage.
#include "app/ports.hpp"
#include "server/redis/async_client.hpp"
#include "server/redis/redis_client.hpp"

namespace sh::redis {

// On the booking path: its scripts run on the I/O thread (AsyncClient), no hand-off to a pool.
class SlotClaims final : public app::SlotClaims {
  public:
    SlotClaims(Client& keys, AsyncClient& fast) : redis_(keys), fast_(fast) {}
    awaitable<app::Claim> claim(booking::VenueId venue,
                                const std::vector<booking::TimePoint>& quanta,
                                const std::string& token, booking::TimePoint now,
                                std::chrono::milliseconds ttl) override;
    awaitable<void> release(booking::VenueId venue, const std::vector<booking::TimePoint>& quanta,
                            const std::string& token) override;
    awaitable<void> clear(booking::VenueId venue,
                          const std::vector<booking::TimePoint>& quanta) override;

  private:
    Client& redis_;  // the key prefix
    AsyncClient& fast_;
};

class HoldStore final : public app::HoldStore {
  public:
    explicit HoldStore(Client& redis) : redis_(redis) {}
    awaitable<app::HoldOutcome> place(app::Hold h, const app::HoldLimits& limits,
                                      booking::TimePoint now) override;
    awaitable<std::optional<app::Hold>> find(const std::string& hold_id,
                                             booking::TimePoint now) override;
    awaitable<void> end(const app::Hold& h, bool release_quanta) override;
    awaitable<std::vector<std::string>> held_by(booking::UserId user,
                                                booking::TimePoint now) override;

  private:
    Client& redis_;
};

}  // namespace sh::redis
