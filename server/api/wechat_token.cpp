#include "server/api/wechat_token.hpp"

#include "server/workers/await.hpp"
#include "server/workers/log.hpp"

namespace sh::api {

using booking::AppException;
using booking::Errc;
using namespace std::chrono_literals;

namespace {
constexpr auto local_ttl = 60s;  // this instance re-reads Redis at least once a minute
}

void AccessTokenProvider::remember(const std::string& token, std::chrono::seconds ttl) {
    std::lock_guard lock(mu_);
    local_token_ = token;
    local_until_ = std::chrono::steady_clock::now() + std::min<std::chrono::seconds>(ttl, local_ttl);
}

awaitable<std::optional<std::string>> AccessTokenProvider::redis_get(const std::string& key) {
    std::optional<std::string> out;
    try {
        auto reply = co_await workers::run_on(
            redis_.pool(), redis_.guard([&](redis::Conn& c) { return c.command({"GET", key}); }),
            redis_.acquire_timeout());
        if (reply.type == redis::Reply::Type::string) out = reply.str;
    } catch (const AppException&) {
    }
    co_return out;
}

awaitable<bool> AccessTokenProvider::redis_set(const std::string& key, const std::string& value,
                                               long long ttl_ms, bool nx) {
    bool ok = false;
    try {
        std::string ttl = std::to_string(ttl_ms);
        auto reply = co_await workers::run_on(
            redis_.pool(), redis_.guard([&](redis::Conn& c) {
                return nx ? c.command({"SET", key, value, "PX", ttl, "NX"})
                          : c.command({"SET", key, value, "PX", ttl});
            }),
            redis_.acquire_timeout());
        ok = reply.type == redis::Reply::Type::status;
    } catch (const AppException&) {
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
    co_await redis_set(redis_.key("wx:access_token"), t.token, ttl.count() * 1000, false);
    remember(t.token, ttl);
    co_return t.token;
}

awaitable<std::string> AccessTokenProvider::get() {
    {
        std::lock_guard lock(mu_);
        if (!local_token_.empty() && std::chrono::steady_clock::now() < local_until_) co_return local_token_;
    }
    const std::string key = redis_.key("wx:access_token");
    if (auto t = co_await redis_get(key)) {
        remember(*t, local_ttl);
        co_return *t;
    }
    // Missing: one instance fetches under a lease; the others wait briefly for its result.
    if (co_await redis_set(redis_.key("wx:token_lease"), "1", 10'000, true)) co_return co_await fetch(false);
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
    if (auto t = co_await redis_get(redis_.key("wx:access_token")); t && *t != bad) {
        remember(*t, local_ttl);
        co_return *t;
    }
    if (co_await redis_set(redis_.key("wx:force_refresh_gate"), "1", 30'000, true)) {
        log::warn("wechat", "access_token rejected by WeChat; forcing a refresh");
        co_return co_await fetch(true);
    }
    // Someone forced a refresh within the last 30 s: use what it stored, or a normal fetch.
    if (auto t = co_await redis_get(redis_.key("wx:access_token")); t && *t != bad) co_return *t;
    co_return co_await fetch(false);
}

}  // namespace sh::api
