#pragma once
// Where the Redis primary is. Without Sentinels: redis.host:redis.port, fixed. With
// redis.sentinels: hiredis has no Sentinel support, so a thread of this class asks the
// Sentinels (SENTINEL get-master-addr-by-name, first that answers) once a second, and at once
// when a client reports the primary failed (lost connection, READONLY, a ROLE that is not
// master). Clients read the last answer without blocking.
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "config/app_config.hpp"

namespace sh::redis {

struct Address {
    std::string host;
    std::uint16_t port = 0;
    bool operator==(const Address&) const = default;
};

class PrimaryLocator {
  public:
    // With Sentinels, asks them once before returning (the first connect has an answer when
    // one is there to have).
    // Keeps its own copy of cfg. One per process, shared by the blocking and the async client
    // (redis::Client::locator()), so that the Sentinels are asked once a second, not twice.
    explicit PrimaryLocator(config::RedisConfig cfg);
    ~PrimaryLocator();
    PrimaryLocator(const PrimaryLocator&) = delete;
    PrimaryLocator& operator=(const PrimaryLocator&) = delete;

    bool uses_sentinels() const { return !cfg_.sentinels.empty(); }
    // The primary as last known; nullopt while no Sentinel has named one.
    std::optional<Address> current() const;
    // A client found the primary wrong or gone: ask the Sentinels now.
    void report_failure();

    // One round of questions to the Sentinels (exposed for tests).
    std::optional<Address> ask_sentinels() const;

  private:
    void run();

    const config::RedisConfig cfg_;
    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::optional<Address> primary_;
    bool poke_ = false;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace sh::redis
