#include "app/console.hpp"

#include "common/hex.hpp"

namespace sh::app {

using booking::Errc;
using booking::make_error;

namespace {
bool well_formed(const std::string& nonce) {
    return nonce.size() == 32 && is_lower_hex(nonce);
}
}  // namespace

awaitable<Result<ConsoleLogin>> ConsoleSignIn::start(const std::string& client_ip) {
    if (auto wait =
            co_await rates_.hit("weblogin:ip:" + client_ip, settings_.starts_per_ip_per_minute,
                                std::chrono::seconds(60)))
        co_return make_error(Errc::rate_limited, {}, {{"retry_after", *wait}});
    ConsoleLogin out{random_hex(16), random_hex(32), settings_.login_ttl};
    const auto now = clock_.now();
    booking::WebLogin w{out.nonce, sha256_hex(out.browser_secret), std::nullopt,
                        now + settings_.login_ttl, false};
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
