#include "server/redis/wechat_token.hpp"

#include "server/redis/keys.hpp"
#include "server/redis/lease.hpp"
#include "server/workers/await.hpp"
#include "server/workers/log.hpp"

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
    local_until_ = std::chrono::steady_clock::now() + std::min<std::chrono::seconds>(ttl, local_ttl);
}

awaitable<std::optional<std::string>> AccessTokenProvider::redis_get(const std::string& key) {
    std::optional<std::string> out;
    try {
        auto reply = co_await workers::run(redis_, [&](Conn& c) { return c.command({"GET", key}); });
        if (reply.type == redis::Reply::Type::string) out = reply.str;
    } catch (const AppException&) {
    }
    co_return out;
}

awaitable<void> AccessTokenProvider::redis_set(const std::string& key, const std::string& value,
                                               long long ttl_ms) {
    try {
        std::string ttl = std::to_string(ttl_ms);
        co_await workers::run(redis_, [&](Conn& c) { return c.command({"SET", key, value, "PX", ttl}); });
    } catch (const AppException&) {
    }
}

awaitable<bool> AccessTokenProvider::take(const char* lease, std::chrono::milliseconds ttl) {
    bool ok = false;
    try {
        ok = co_await workers::run(redis_, [&](Conn& c) { return take_lease(c, lease, ttl); });
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
    co_await redis_set(keys::wechat_token(redis_), t.token, ttl.count() * 1000);
    remember(t.token, ttl);
    co_return t.token;
}

awaitable<std::string> AccessTokenProvider::get() {
    {
        std::lock_guard lock(mu_);
        if (!local_token_.empty() && std::chrono::steady_clock::now() < local_until_) co_return local_token_;
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

awaitable<booking::Result<app::WechatIdentity>> WechatGateway::identify(const std::string& code) {
    auto r = co_await wx_.code2session(code);
    if (!wechat::ok(r) && std::get<wechat::WxError>(r).code == wechat::WxErrc::busy)
        r = co_await wx_.code2session(code);  // -1 is transient: retry once
    if (!wechat::ok(r)) {
        const auto& e = std::get<wechat::WxError>(r);
        switch (e.code) {
            case wechat::WxErrc::invalid_code:
            case wechat::WxErrc::code_used:
                co_return booking::make_error(Errc::invalid_code);
            case wechat::WxErrc::rate_limited:  // WeChat allows 100 logins per user per minute
                co_return booking::make_error(Errc::rate_limited, {}, {{"retry_after", 60}});
            case wechat::WxErrc::login_blocked:
                co_return booking::make_error(Errc::login_blocked);
            default:
                log::warn("auth", "code2session failed: " + std::string(wechat::errc_name(e.code)) + " errcode " +
                                      std::to_string(e.errcode));
                co_return booking::make_error(Errc::wechat_unavailable);
        }
    }
    auto session = std::get<wechat::LoginSession>(std::move(r));
    // session.session_key is deliberately dropped here: no later call of ours needs it, and a
    // key we never keep cannot leak.
    co_return app::WechatIdentity{std::move(session.openid), std::move(session.unionid)};
}

awaitable<booking::Result<std::string>> WechatGateway::phone_number(const std::string& code) {
    std::optional<wechat::WxResult<wechat::PhoneInfo>> r;
    try {
        r = co_await token_.with_token<wechat::PhoneInfo>(
            [&](const std::string& token) { return wx_.get_phone_number(token, code); });
    } catch (const AppException& e) {
        co_return e.error();  // no access token to be had
    }
    if (!wechat::ok(*r)) {
        auto e = std::get<wechat::WxError>(*r);
        if (e.code == wechat::WxErrc::invalid_code) co_return booking::make_error(Errc::invalid_phone_code);
        log::warn("wechat", "getuserphonenumber failed: " + std::string(wechat::errc_name(e.code)));
        co_return booking::make_error(Errc::wechat_unavailable);
    }
    co_return std::get<wechat::PhoneInfo>(std::move(*r)).phone_number;
}

awaitable<app::Verdict> WechatGateway::check(const std::string& openid, const std::string& text) {
    std::optional<wechat::WxResult<wechat::SecCheckResult>> r;
    try {
        // Scene 2: a comment-like text the user wrote (the booking's purpose).
        r = co_await token_.with_token<wechat::SecCheckResult>(
            [&](const std::string& token) { return wx_.msg_sec_check(token, openid, 2, text); });
    } catch (const AppException&) {
        co_return app::Verdict::unavailable;
    }
    if (!wechat::ok(*r)) {
        log::warn("wechat", "msg_sec_check failed: " + std::string(wechat::errc_name(std::get<wechat::WxError>(*r).code)));
        co_return app::Verdict::unavailable;
    }
    const auto& suggest = std::get<wechat::SecCheckResult>(*r).suggest;
    co_return suggest == "pass" ? app::Verdict::pass : suggest == "risky" ? app::Verdict::risky : app::Verdict::review;
}

awaitable<booking::Result<std::string>> WechatGateway::png(const std::string& scene, const std::string& page) {
    std::optional<wechat::WxResult<std::string>> r;
    nlohmann::json request = {{"scene", scene}, {"page", page}, {"check_path", false}, {"width", 430}};
    try {
        r = co_await token_.with_token<std::string>(
            [&](const std::string& token) { return wx_.get_wxacode_unlimited(token, request); });
    } catch (const AppException& e) {
        co_return e.error();
    }
    if (!wechat::ok(*r)) {
        log::warn("wechat", "getwxacodeunlimit failed: " + std::string(wechat::errc_name(std::get<wechat::WxError>(*r).code)));
        co_return booking::make_error(Errc::wechat_unavailable);
    }
    co_return std::get<std::string>(std::move(*r));
}

awaitable<app::Sent> WechatGateway::send(const std::string& openid, const std::string& template_id, const std::string& page,
                                         const nlohmann::json& data) {
    nlohmann::json message = {{"touser", openid}, {"template_id", template_id}, {"page", page}, {"data", data},
                              {"lang", "zh_CN"}};
    std::optional<wechat::WxResult<wechat::Sent>> r;
    try {
        r = co_await token_.with_token<wechat::Sent>(
            [&](const std::string& token) { return wx_.send_subscribe_message(token, message); });
    } catch (const AppException&) {
        co_return app::Sent{app::SendOutcome::transient, 0};  // no access token now
    }
    if (wechat::ok(*r)) co_return app::Sent{app::SendOutcome::accepted, 0};
    const auto& e = std::get<wechat::WxError>(*r);
    if (e.code == wechat::WxErrc::no_subscription) co_return app::Sent{app::SendOutcome::no_consent_left, e.errcode};
    if (wechat::is_transient(e.code)) co_return app::Sent{app::SendOutcome::transient, e.errcode};
    log::warn("wechat", "subscribe send refused: " + std::string(wechat::errc_name(e.code)) + " (" +
                            std::to_string(e.errcode) + ")");
    co_return app::Sent{app::SendOutcome::permanent, e.errcode};
}

}  // namespace sh::redis
