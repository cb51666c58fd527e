#include "server/wechat_gateway/gateway.hpp"

#include "server/wechat_gateway/message_layout.hpp"

#include "common/log.hpp"

namespace sh::wechat_gateway {

using booking::AppException;
using booking::Errc;

awaitable<booking::Result<app::WechatIdentity>> WechatGateway::identify(const std::string& code) {
    auto r = co_await wx_.code2session(code);
    if (!wechat::ok(r) && std::get<wechat::WxError>(r).code == wechat::WxErrc::busy)
        r = co_await wx_.code2session(code);  // -1 is transient: retry once
    if (!wechat::ok(r)) {
        const auto& e = std::get<wechat::WxError>(r);
        switch (e.code) {
            case wechat::WxErrc::invalid_code:
            case wechat::WxErrc::code_used: co_return booking::make_error(Errc::invalid_code);
            case wechat::WxErrc::rate_limited:  // WeChat allows 100 logins per user per minute
                co_return booking::make_error(Errc::rate_limited, {}, {{"retry_after", 60}});
            case wechat::WxErrc::login_blocked: co_return booking::make_error(Errc::login_blocked);
            default:
                log::warn("auth", "code2session failed: " + std::string(wechat::errc_name(e.code)) +
                                      " errcode " + std::to_string(e.errcode));
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
        if (e.code == wechat::WxErrc::invalid_code)
            co_return booking::make_error(Errc::invalid_phone_code);
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
    } catch (const FailureException&) {
        co_return app::Verdict::unavailable;
    }
    if (!wechat::ok(*r)) {
        log::warn("wechat", "msg_sec_check failed: " +
                                std::string(wechat::errc_name(std::get<wechat::WxError>(*r).code)));
        co_return app::Verdict::unavailable;
    }
    const auto& suggest = std::get<wechat::SecCheckResult>(*r).suggest;
    co_return suggest == "pass" ? app::Verdict::pass
    : suggest == "risky"        ? app::Verdict::risky
                                : app::Verdict::review;
}

awaitable<booking::Result<std::string>> WechatGateway::png(const std::string& scene,
                                                           const std::string& page) {
    std::optional<wechat::WxResult<std::string>> r;
    nlohmann::json request = {
        {"scene", scene}, {"page", page}, {"check_path", false}, {"width", 430}};
    try {
        r = co_await token_.with_token<std::string>(
            [&](const std::string& token) { return wx_.get_wxacode_unlimited(token, request); });
    } catch (const AppException& e) {
        co_return e.error();
    }
    if (!wechat::ok(*r)) {
        log::warn("wechat", "getwxacodeunlimit failed: " +
                                std::string(wechat::errc_name(std::get<wechat::WxError>(*r).code)));
        co_return booking::make_error(Errc::wechat_unavailable);
    }
    co_return std::get<std::string>(std::move(*r));
}

awaitable<app::Sent> WechatGateway::send(const std::string& openid, const std::string& template_id,
                                         const std::string& page, const app::Message& m) {
    nlohmann::json message = {{"touser", openid},
                              {"template_id", template_id},
                              {"page", page},
                              {"data", message_data(m)},
                              {"lang", "zh_CN"}};
    std::optional<wechat::WxResult<wechat::Sent>> r;
    try {
        r = co_await token_.with_token<wechat::Sent>(
            [&](const std::string& token) { return wx_.send_subscribe_message(token, message); });
    } catch (const FailureException&) {
        co_return app::Sent{app::SendOutcome::transient, 0};  // no access token now
    }
    if (wechat::ok(*r)) co_return app::Sent{app::SendOutcome::accepted, 0};
    const auto& e = std::get<wechat::WxError>(*r);
    if (e.code == wechat::WxErrc::no_subscription)
        co_return app::Sent{app::SendOutcome::no_consent_left, e.errcode};
    if (wechat::is_transient(e.code)) co_return app::Sent{app::SendOutcome::transient, e.errcode};
    log::warn("wechat", "subscribe send refused: " + std::string(wechat::errc_name(e.code)) + " (" +
                            std::to_string(e.errcode) + ")");
    co_return app::Sent{app::SendOutcome::permanent, e.errcode};
}

}  // namespace sh::wechat_gateway
