#include "server/redis/wechat_token.hpp"

#include "common/log.hpp"
#include "server/redis/keys.hpp"
#include "server/redis/lease.hpp"
#include "server/workers/await.hpp"

namespace sh::redis {

using booking::AppException;
using booking::Errc;
using namespace std::chrono_literals;

namespace {
constexpr auto local_ttl = 60s;  // this instance re-reads Redis at least once a minute
}

void AccessTokenProvider::remember(const std::string& token, std::chrono::seconds ttl) {
    std::lock_guard lock(mu_);
    local_token_ = token;
    local_until_ =
        std::chrono::steady_clock::now() + std::min<std::chrono::seconds>(ttl, local_ttl);
}

awaitable<std::optional<std::string>> AccessTokenProvider::redis_get(const std::string& key) {
    std::optional<std::string> out;
    try {
        auto reply = co_await workers::run(redis_, [&](Conn& c) {
            return c.command({"GET", key});
        });
        if (reply.type == redis::Reply::Type::string) out = reply.str;
    } catch (const FailureException&) {
    }
    co_return out;
}

awaitable<void> AccessTokenProvider::redis_set(const std::string& key, const std::string& value,
                                               long long ttl_ms) {
    try {
        std::string ttl = std::to_string(ttl_ms);
        co_await workers::run(redis_, [&](Conn& c) {
            return c.command({"SET", key, value, "PX", ttl});
        });
    } catch (const FailureException&) {
    }
}

awaitable<bool> AccessTokenProvider::take(const char* lease, std::chrono::milliseconds ttl) {
    bool ok = false;
    try {
        ok = co_await workers::run(redis_, [&](Conn& c) { return take_lease(c, lease, ttl); });
    } catch (const FailureException&) {
    }
    co_return ok;
}

awaitable<std::string> AccessTokenProvider::fetch(bool force) {
    auto r = co_await wx_.stable_token(force);
    if (!wechat::ok(r)) {
        const auto& e = std::get<wechat::WxError>(r);
        bool operator_problem = e.code == wechat::WxErrc::ip_not_whitelisted ||
                                e.code == wechat::WxErrc::secret_frozen ||
                                e.code == wechat::WxErrc::quota_exhausted;
        (operator_problem ? log::error : log::warn)(
            "wechat", "stable_token failed: " + std::string(wechat::errc_name(e.code)) + " (" +
                          std::to_string(e.errcode) + ")");
        throw AppException(Errc::wechat_unavailable);
    }
    auto& t = std::get<wechat::AccessToken>(r);
    // Kept a few minutes short of WeChat's expiry, so nobody uses a token about to die.
    auto ttl = std::chrono::seconds(std::max(60, t.expires_in - 300));
    co_await redis_set(keys::wechat_token(redis_), t.token, ttl.count() * 1000);
    remember(t.token, ttl);
    co_return t.token;
}

awaitable<std::string> AccessTokenProvider::get() {
    {
        std::lock_guard lock(mu_);
        if (!local_token_.empty() && std::chrono::steady_clock::now() < local_until_)
            co_return local_token_;
    }
    const std::string key = keys::wechat_token(redis_);
    if (auto t = co_await redis_get(key)) {
        remember(*t, local_ttl);
        co_return *t;
    }
    // Missing: one instance fetches under a lease; the others wait briefly for its result.
    if (co_await take(keys::wechat_token_lease, 10'000ms)) co_return co_await fetch(false);
    asio::steady_timer timer(co_await asio::this_coro::executor);
    for (int i = 0; i < 20; ++i) {
        timer.expires_after(50ms);
        co_await timer.async_wait(asio::use_awaitable);
        if (auto t = co_await redis_get(key)) {
            remember(*t, local_ttl);
            co_return *t;
        }
    }
    // Redis down or the lease holder gone: a normal stable_token call does not rotate the
    // token, so fetching it ourselves is safe.
    co_return co_await fetch(false);
}

awaitable<std::string> AccessTokenProvider::replace(const std::string& bad) {
    {
        std::lock_guard lock(mu_);
        if (local_token_ == bad) local_token_.clear();
    }
    // Another instance may have replaced it already.
    if (auto t = co_await redis_get(keys::wechat_token(redis_)); t && *t != bad) {
        remember(*t, local_ttl);
        co_return *t;
    }
    if (co_await take(keys::wechat_force_refresh, 30'000ms)) {
        log::warn("wechat", "access_token rejected by WeChat; forcing a refresh");
        co_return co_await fetch(true);
    }
    // Someone forced a refresh within the last 30 s: use what it stored, or a normal fetch.
    if (auto t = co_await redis_get(keys::wechat_token(redis_)); t && *t != bad) co_return *t;
    co_return co_await fetch(false);
}

}  // namespace sh::redis
