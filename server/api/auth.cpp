#include "server/api/auth.hpp"

#include <charconv>

#include <openssl/rand.h>

#include "server/mysql/user_store.hpp"
#include "server/workers/await.hpp"
#include "common/hex.hpp"
#include "server/workers/log.hpp"

namespace sh::api {

using booking::AppException;
using booking::Errc;
using std::chrono::steady_clock;

namespace {
constexpr std::size_t max_cached = 100'000;  // bounded memory; a full cache is simply dropped

AppException rate_limited(int retry_after) {
    return AppException(booking::make_error(Errc::rate_limited, {}, {{"retry_after", retry_after}}));
}
}  // namespace

AuthService::AuthService(const config::AppConfig& cfg, const booking::Clock& clock,
                         mysql::Database& db, redis::Client& redis, wechat::Client& wx,
                         RateLimiter& limiter)
    : cfg_(cfg), clock_(clock), db_(db), redis_(redis), wx_(wx), limiter_(limiter) {}

std::string AuthService::hash_token(const std::string& token) { return sha256_hex(token); }

std::string AuthService::new_token() {
    unsigned char bytes[32];  // 256 bits from the CSPRNG
    if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("RAND_bytes failed");
    static constexpr char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    std::uint32_t acc = 0;
    int bits = 0;
    for (unsigned char b : bytes) {  // base64url without padding: 43 characters
        acc = (acc << 8) | b;
        bits += 8;
        while (bits >= 6) {
            out.push_back(alphabet[(acc >> (bits - 6)) & 0x3f]);
            bits -= 6;
        }
    }
    if (bits > 0) out.push_back(alphabet[(acc << (6 - bits)) & 0x3f]);
    return out;
}

std::optional<std::string> AuthService::bearer(const http::Request& req) {
    auto h = req.header("authorization");
    if (!h || h->size() <= 7 || h->substr(0, 7) != "Bearer ") return std::nullopt;
    std::string token(h->substr(7));
    if (token.size() > 128) return std::nullopt;
    return token;
}

awaitable<LoginResult> AuthService::login(const std::string& code, const std::string& client_ip) {
    if (auto wait = co_await limiter_.hit("login:ip:" + client_ip,
                                          cfg_.rate_limit.login_per_ip_per_minute,
                                          std::chrono::seconds(60))) {
        throw rate_limited(*wait);
    }

    auto r = co_await wx_.code2session(code);
    if (!wechat::ok(r) && std::get<wechat::WxError>(r).code == wechat::WxErrc::busy)
        r = co_await wx_.code2session(code);  // -1 is transient: retry once
    if (!wechat::ok(r)) {
        const auto& e = std::get<wechat::WxError>(r);
        switch (e.code) {
            case wechat::WxErrc::invalid_code:
            case wechat::WxErrc::code_used:
                throw AppException(Errc::invalid_code);
            case wechat::WxErrc::rate_limited:
                throw rate_limited(60);  // WeChat allows 100 logins per user per minute
            case wechat::WxErrc::login_blocked:
                throw AppException(Errc::login_blocked);
            default:
                log::warn("auth", "code2session failed: " + std::string(wechat::errc_name(e.code)) +
                                      " errcode " + std::to_string(e.errcode));
                throw AppException(Errc::wechat_unavailable);
        }
    }
    auto session = std::get<wechat::LoginSession>(std::move(r));
    // session.session_key is deliberately dropped here: no later call of ours needs it, and a
    // key we never keep cannot leak.

    if (auto wait = co_await limiter_.hit("login:openid:" + session.openid,
                                          cfg_.rate_limit.login_per_openid_per_minute,
                                          std::chrono::seconds(60))) {
        throw rate_limited(*wait);
    }

    std::string token = new_token();
    std::string hash = hash_token(token);
    auto expires_at = clock_.now() + std::chrono::seconds(cfg_.auth.token_ttl_s);
    booking::User user = co_await workers::run_on(
        db_.pool(), db_.guard([&](mysql::Conn& c) {
            return db_.transact(c, mysql::Isolation::read_committed, [&](mysql::Conn& tx) {
                mysql::MysqlUserStore store(tx);
                return booking::sign_in(store, store, session.openid, session.unionid, hash, expires_at);
            });
        }),
        db_.acquire_timeout());
    co_return LoginResult{token, cfg_.auth.token_ttl_s, user};
}

awaitable<std::optional<booking::SessionRecord>> AuthService::find_session(const std::string& hash) {
    auto now_steady = steady_clock::now();
    auto now = clock_.now();
    {
        std::lock_guard lock(mu_);
        if (auto it = revoked_here_.find(hash); it != revoked_here_.end()) {
            if (now_steady < it->second) co_return std::nullopt;
            revoked_here_.erase(it);
        }
        if (auto it = sessions_.find(hash); it != sessions_.end()) {
            if (now_steady < it->second.cached_until && now < it->second.expires_at)
                co_return booking::SessionRecord{it->second.user_id, it->second.expires_at};
            sessions_.erase(it);
        }
    }
    const auto cache_ttl = std::chrono::seconds(cfg_.auth.cache_ttl_s);
    const std::string key = redis_.key("sess:" + hash);
    std::optional<booking::SessionRecord> found;

    // Redis: "user_id:expires_epoch_seconds", kept no longer than the cache bound.
    try {
        auto reply = co_await workers::run_on(
            redis_.pool(), redis_.guard([&](redis::Conn& c) { return c.command({"GET", key}); }),
            redis_.acquire_timeout());
        if (reply.type == redis::Reply::Type::string) {
            // "user_id:expires_epoch_seconds"; anything else is ignored and MySQL asked.
            std::uint64_t user = 0;
            long long expires_s = 0;
            const char* p = reply.str.data();
            const char* end = p + reply.str.size();
            auto a = std::from_chars(p, end, user);
            if (a.ec == std::errc() && a.ptr < end && *a.ptr == ':') {
                auto b = std::from_chars(a.ptr + 1, end, expires_s);
                auto expires = booking::TimePoint(std::chrono::seconds(expires_s));
                if (b.ec == std::errc() && b.ptr == end && now < expires) found = booking::SessionRecord{user, expires};
            }
        }
    } catch (const AppException&) {
        // Redis is the fast path only: MySQL decides.
    }
    if (!found) {
        found = co_await workers::run_on(
            db_.pool(), db_.guard([&](mysql::Conn& c) {
                mysql::MysqlUserStore store(c);
                return store.find_live_session(hash, now);
            }),
            db_.acquire_timeout());
        if (found && cache_ttl.count() > 0) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(found->expires_at - now);
            auto ttl = std::min<std::chrono::milliseconds>(left, cache_ttl);
            std::string value =
                std::to_string(found->user_id) + ":" +
                std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                   found->expires_at.time_since_epoch()).count());
            std::string ttl_ms = std::to_string(std::max<long long>(1, ttl.count()));
            try {
                co_await workers::run_on(
                    redis_.pool(),
                    redis_.guard([&](redis::Conn& c) { return c.command({"SET", key, value, "PX", ttl_ms}); }),
                    redis_.acquire_timeout());
            } catch (const AppException&) {
            }
        }
    }
    if (found && cache_ttl.count() > 0) {
        std::lock_guard lock(mu_);
        if (sessions_.size() > max_cached) sessions_.clear();
        sessions_[hash] = CachedSession{found->user_id, found->expires_at, now_steady + cache_ttl};
    }
    co_return found;
}

awaitable<booking::Principal> AuthService::principal_of(booking::UserId id) {
    auto now = steady_clock::now();
    {
        std::lock_guard lock(mu_);
        if (auto it = principals_.find(id); it != principals_.end()) {
            if (now < it->second.cached_until) co_return it->second.principal;
            principals_.erase(it);
        }
    }
    auto p = co_await workers::run_on(
        db_.pool(), db_.guard([&](mysql::Conn& c) {
            mysql::MysqlUserStore store(c);
            return store.load_principal(id);
        }),
        db_.acquire_timeout());
    if (!p) throw AppException(Errc::unauthorized);  // the user is gone
    if (cfg_.auth.cache_ttl_s > 0) {
        std::lock_guard lock(mu_);
        if (principals_.size() > max_cached) principals_.clear();
        principals_[id] = CachedPrincipal{*p, now + std::chrono::seconds(cfg_.auth.cache_ttl_s)};
    }
    co_return *p;
}

awaitable<booking::Principal> AuthService::authenticate(const http::Request& req) {
    auto token = bearer(req);
    if (!token) throw AppException(Errc::unauthorized);
    auto session = co_await find_session(hash_token(*token));
    if (!session) throw AppException(Errc::unauthorized);
    if (auto wait = co_await limiter_.hit_batched("user:" + std::to_string(session->user_id),
                                                  cfg_.rate_limit.user_per_minute, std::chrono::seconds(60))) {
        throw rate_limited(*wait);
    }
    co_return co_await principal_of(session->user_id);
}

awaitable<void> AuthService::logout(const http::Request& req) {
    auto token = bearer(req);
    if (!token) throw AppException(Errc::unauthorized);
    std::string hash = hash_token(*token);
    bool revoked = co_await workers::run_on(
        db_.pool(), db_.guard([&](mysql::Conn& c) {
            mysql::MysqlUserStore store(c);
            return store.revoke_session(hash);
        }),
        db_.acquire_timeout());
    if (!revoked) throw AppException(Errc::unauthorized);
    {
        std::lock_guard lock(mu_);
        sessions_.erase(hash);
        // Should Redis be unreachable now, its copy may outlive the revocation by up to the
        // cache bound on other instances; this instance refuses the token at once regardless.
        revoked_here_[hash] = steady_clock::now() + std::chrono::seconds(cfg_.auth.cache_ttl_s + 1);
    }
    try {
        std::string key = redis_.key("sess:" + hash);
        co_await workers::run_on(
            redis_.pool(), redis_.guard([&](redis::Conn& c) { return c.command({"DEL", key}); }),
            redis_.acquire_timeout());
    } catch (const AppException&) {
    }
}

void AuthService::forget_principal(booking::UserId id) {
    std::lock_guard lock(mu_);
    principals_.erase(id);
}

}  // namespace sh::api
