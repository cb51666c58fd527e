#pragma once
// Redis on the I/O threads: hiredis's async API driven by Asio (posix::stream_descriptor waits on
// hiredis's socket; hiredis keeps owning it). No thread hand-off per command, which is what the
// hot paths need (availability). One connection, used from its own strand; commands pipeline.
// Every command has a deadline; a reply that arrives after it is dropped by its own callback, so
// it can never answer a later command. While Redis is down commands fail at once; a reconnect is
// tried every retry_interval_ms.
#include <memory>
#include <string>
#include <vector>

#include "common/asio.hpp"
#include "config/app_config.hpp"
#include "server/redis/redis_client.hpp"

namespace boost::asio {
class io_context;
}

namespace sh::redis {

class AsyncClient {
  public:
    // `primary`: the process's locator (redis::Client::locator()); without one, its own.
    AsyncClient(asio::io_context& ioc, config::RedisConfig cfg,
                std::shared_ptr<PrimaryLocator> primary = nullptr);
    ~AsyncClient();
    AsyncClient(const AsyncClient&) = delete;
    AsyncClient& operator=(const AsyncClient&) = delete;

    // Throws AppException(redis_unavailable) on a timeout, a lost connection, or while down.
    awaitable<Reply> command(std::vector<std::string> args);
    // EVALSHA, then EVAL when Redis answers NOSCRIPT.
    awaitable<Reply> eval(const Script& script, std::vector<std::string> keys,
                          std::vector<std::string> args);

    std::string key(std::string_view suffix) const { return cfg_.key_prefix + std::string(suffix); }
    std::uint64_t errors() const;

    struct Impl;

  private:
    config::RedisConfig cfg_;
    std::shared_ptr<Impl> impl_;
};

}  // namespace sh::redis
