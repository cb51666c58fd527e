#pragma once
// Redis through hiredis, one blocking connection per pool thread: the same worker pool and
// bounded wait as MySQL, chosen for simplicity over an event-loop adapter (hiredis 0.14 has no
// timers; late replies would need care). Not yet measured against such an adapter. Every command is
// bounded by a socket timeout; a connection that timed out is thrown away, so a reply that
// arrives late can never be read as the answer to a later command. While Redis is down,
// commands fail at once for retry_interval_ms, then one connect is tried again.
// No Asio here: coroutines await through server/workers/await.hpp.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "booking/errors.hpp"
#include "config/app_config.hpp"
#include "server/redis/sentinel.hpp"
#include "server/workers/worker_pool.hpp"

struct redisContext;

namespace sh::redis {

struct Reply {
    enum class Type { nil, integer, string, array, status, error };
    Type type = Type::nil;
    long long integer = 0;
    std::string str;  // string, status or error text
    std::vector<Reply> elements;

    bool is_nil() const { return type == Type::nil; }
    bool is_error() const { return type == Type::error; }
};

// A Lua script; its SHA1 is computed once so EVALSHA can be tried first.
struct Script {
    explicit Script(std::string source);
    std::string source;
    std::string sha1;
};

class Client;

class Conn {
  public:
    Conn(Client& client, const config::RedisConfig& cfg);
    ~Conn();
    Conn(const Conn&) = delete;
    Conn& operator=(const Conn&) = delete;

    // Sends one command and reads its reply. Throws AppException(redis_unavailable) on an
    // I/O error or timeout (and drops the connection). A Redis error reply is returned, not thrown.
    Reply command(const std::vector<std::string_view>& args);
    Reply command(std::initializer_list<std::string_view> args) {
        return command(std::vector<std::string_view>(args));
    }
    // EVALSHA, falling back to EVAL when Redis answers NOSCRIPT (after a restart or flush).
    Reply eval(const Script& script, const std::vector<std::string>& keys,
               const std::vector<std::string>& args);

    void ensure_ready();
    void discard() noexcept;
    const Client& client() const { return client_; }

  private:
    void connect();
    [[noreturn]] void fail_connect(const std::string& why);
    bool looks_alive() const;

    Client& client_;
    const config::RedisConfig& cfg_;
    redisContext* ctx_ = nullptr;
};

class Client {
  public:
    explicit Client(config::RedisConfig cfg);
    ~Client();

    workers::WorkerPool<Conn>& pool() { return pool_; }
    std::chrono::milliseconds acquire_timeout() const {
        return std::chrono::milliseconds(cfg_.command_timeout_ms);
    }
    const config::RedisConfig& config() const { return cfg_; }
    PrimaryLocator& primary() { return *primary_; }
    // The same locator for the process's other client (AsyncClient).
    std::shared_ptr<PrimaryLocator> locator() const { return primary_; }
    std::string key(std::string_view suffix) const { return cfg_.key_prefix + std::string(suffix); }

    // Wraps a job: fails fast while Redis is known to be down, connects when needed.
    template <class F>
    auto guard(F f) {
        return [this, f = std::move(f)](Conn& c) mutable -> decltype(f(c)) {
            if (is_down()) {
                count_error();
                throw booking::AppException(booking::Errc::redis_unavailable);
            }
            c.ensure_ready();
            return f(c);
        };
    }

    bool is_down() const;
    void mark_down();
    void mark_up();
    void count_error() { errors_.fetch_add(1, std::memory_order_relaxed); }
    std::uint64_t errors() const { return errors_.load(std::memory_order_relaxed); }

  private:
    config::RedisConfig cfg_;
    std::atomic<std::int64_t> down_until_ns_{0};
    std::atomic<std::uint64_t> errors_{0};
    std::shared_ptr<PrimaryLocator> primary_;
    workers::WorkerPool<Conn> pool_;
};

}  // namespace sh::redis
