#include "app/console.hpp"

#include "common/hex.hpp"

namespace sh::app {

using booking::Errc;
using booking::make_error;

namespace {
bool well_formed(const std::string& nonce) {
    return nonce.size() == 32 && is_lower_hex(nonce);
}

// The major version after `token` ("Chrome/120.0.1" -> "120"), or "".
std::string major_after(std::string_view ua, std::string_view token) {
    auto at = ua.find(token);
    if (at == std::string_view::npos) return "";
    std::string out;
    for (auto i = at + token.size(); i < ua.size() && out.size() < 6; ++i) {
        char c = ua[i];
        if (c >= '0' && c <= '9')
            out += c;
        else
            break;
    }
    return out;
}
}  // namespace

std::string describe_browser(std::string_view ua) {
    // Order matters: Edge and WeChat's browser also say Chrome, Chrome also says Safari.
    static const std::pair<const char*, const char*> browsers[] = {
        {"MicroMessenger/", "微信"}, {"Edg/", "Edge"},      {"OPR/", "Opera"},
        {"Firefox/", "Firefox"},     {"Chrome/", "Chrome"}, {"Version/", "Safari"}};
    static const std::pair<const char*, const char*> systems[] = {
        {"Windows", "Windows"}, {"iPhone", "iPhone"},  {"iPad", "iPad"},     {"Android", "Android"},
        {"Mac OS X", "Mac"},    {"HarmonyOS", "鸿蒙"}, {"CrOS", "ChromeOS"}, {"Linux", "Linux"}};
    std::string browser, system;
    for (auto [token, name] : browsers) {
        auto v = major_after(ua, token);
        if (!v.empty()) {
            browser = std::string(name) + " " + v;
            break;
        }
    }
    for (auto [token, name] : systems)
        if (ua.find(token) != std::string_view::npos) {
            system = name;
            break;
        }
    if (browser.empty() && system.empty()) return "未知浏览器";
    if (browser.empty()) return "浏览器 · " + system;
    return system.empty() ? browser : browser + " · " + system;
}

awaitable<Result<ConsoleLogin>> ConsoleSignIn::start(const std::string& client_ip,
                                                     const std::string& user_agent) {
    if (auto wait =
            co_await rates_.hit("weblogin:ip:" + client_ip, settings_.starts_per_ip_per_minute,
                                std::chrono::seconds(60)))
        co_return make_error(Errc::rate_limited, {}, {{"retry_after", *wait}});
    ConsoleLogin out{random_hex(16), random_hex(32), settings_.login_ttl};
    const auto now = clock_.now();
    booking::WebLogin w{
        out.nonce, sha256_hex(out.browser_secret), std::nullopt, now + settings_.login_ttl, false,
        client_ip, describe_browser(user_agent),   now};
    co_await db_.transact([&](booking::AccountStore& s) {
        s.insert_web_login(w, now);
        return true;
    });
    co_return out;
}

awaitable<Result<std::string>> ConsoleSignIn::code(const std::string& nonce) {
    if (!well_formed(nonce)) co_return make_error(Errc::not_found);
    std::optional<booking::WebLogin> w;
    std::optional<std::string> kept;
    auto now = clock_.now();
    co_await db_.read([&](booking::AccountStore& s) {
        w = s.find_web_login(nonce);
        if (w) kept = s.web_login_code(nonce);
    });
    if (!w || w->consumed || now >= w->expires_at) co_return make_error(Errc::not_found);
    if (kept) co_return std::move(*kept);
    // WeChat's code API is paid for and limited per app: asked once per nonce, then kept.
    auto png = co_await codes_.png(nonce, settings_.page);
    if (png)
        co_await db_.transact([&](booking::AccountStore& s) {
            s.keep_web_login_code(nonce, png.value());
            return true;
        });
    co_return png;
}

awaitable<Result<booking::WebLogin>> ConsoleSignIn::context(const booking::Principal& me,
                                                            const std::string& nonce) {
    if (!well_formed(nonce)) co_return make_error(Errc::not_found);
    auto now = clock_.now();
    Result<booking::WebLogin> r = make_error(Errc::internal);
    co_await db_.read(
        [&](booking::AccountStore& s) { r = booking::web_login_context(s, me, nonce, now); });
    co_return r;
}

awaitable<Result<bool>> ConsoleSignIn::confirm(const booking::Principal& me,
                                               const std::string& nonce) {
    if (!well_formed(nonce)) co_return make_error(Errc::not_found);
    auto now = clock_.now();
    Result<bool> r = make_error(Errc::internal);
    co_await db_.transact([&](booking::AccountStore& s) {
        r = booking::confirm_web_login(s, me, nonce, now);
        return r.ok();
    });
    co_return r;
}

awaitable<Result<ConsoleSession>> ConsoleSignIn::finish(const std::string& nonce,
                                                        const std::string& browser_secret) {
    if (!well_formed(nonce) || browser_secret.empty()) co_return make_error(Errc::not_found);
    auto now = clock_.now();
    std::string token = seal_.mint_token();
    Result<ConsoleSession> r = make_error(Errc::internal);
    co_await db_.transact([&](booking::AccountStore& s) {
        auto state = booking::finish_web_login(s, nonce, sha256_hex(browser_secret), now);
        if (!state) {
            r = state.error();
            return false;
        }
        ConsoleSession out;
        if (state.value().user_id) {
            s.create_session(sha256_hex(token), *state.value().user_id,
                             now + settings_.session_ttl);
            out = ConsoleSession{true, token, settings_.session_ttl,
                                 s.find_user(*state.value().user_id)};
        }
        r = std::move(out);
        return true;
    });
    co_return r;
}

}  // namespace sh::app
