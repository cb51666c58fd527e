#pragma once
// WeChat's access_token, kept in one place for all instances: Redis holds it with a TTL a few
// minutes short of expires_in; one instance at a time fetches it under a lease. A token WeChat
// calls invalid (40001/42001) is replaced with force_refresh — at most once per 30 s across all
// instances (WeChat allows 20 a day) — and the call is retried once.
#include <chrono>
#include <mutex>
#include <string>

#include "common/asio.hpp"
#include "server/redis/redis_client.hpp"
#include "wechat/client.hpp"

namespace sh::redis {

class AccessTokenProvider {
  public:
    AccessTokenProvider(wechat::Client& wx, redis::Client& redis) : wx_(wx), redis_(redis) {}

    // Throws AppException(wechat_unavailable) when no token can be had.
    awaitable<std::string> get();

    // Runs call(token); on invalid_token/token_expired gets a fresh token and runs it once more.
    template <class T, class Call>
    awaitable<wechat::WxResult<T>> with_token(Call call) {
        std::string token = co_await get();
        wechat::WxResult<T> r = co_await call(token);
        if (!wechat::ok(r)) {
            auto code = std::get<wechat::WxError>(r).code;
            if (code == wechat::WxErrc::invalid_token || code == wechat::WxErrc::token_expired) {
                std::string fresh = co_await replace(token);
                r = co_await call(fresh);
            }
        }
        co_return r;
    }

  private:
    awaitable<std::string> replace(const std::string& bad);
    awaitable<std::optional<std::string>> redis_get(const std::string& key);
    awaitable<void> redis_set(const std::string& key, const std::string& value, long long ttl_ms);
    // A lease (keys.hpp) held by one instance at a time for `ttl`; false when Redis is down.
    awaitable<bool> take(const char* lease, std::chrono::milliseconds ttl);
    awaitable<std::string> fetch(bool force);
    void remember(const std::string& token, std::chrono::seconds ttl);

    wechat::Client& wx_;
    redis::Client& redis_;
    std::mutex mu_;
    std::string local_token_;
    std::chrono::steady_clock::time_point local_until_{};
};

}  // namespace sh::redis
