#pragma once
// Sign-in with WeChat and who-is-asking for every request.
//  - login: code2Session -> user upserted -> a random 256-bit token; only its SHA-256 is stored
//    (MySQL, authoritative, with an expiry). Redis and a short in-process cache map token hash
//    -> user id only.
//  - authenticate: in-process cache (<= cache_ttl_s) -> Redis -> MySQL. Roles are read fresh or
//    from a cache of the same bound. Logout and role changes take effect everywhere within it.
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "booking/accounts.hpp"
#include "config/app_config.hpp"
#include "server/api/rate_limit.hpp"
#include "server/http/message.hpp"
#include "server/mysql/database.hpp"
#include "server/redis/redis_client.hpp"
#include "common/asio.hpp"
#include "common/hex.hpp"
#include "wechat/client.hpp"

namespace sh::api {


struct LoginResult {
    std::string token;
    int expires_in;
    booking::User user;
};

class AuthService {
public:
    AuthService(const config::AppConfig& cfg, const booking::Clock& clock, mysql::Database& db,
                redis::Client& redis, wechat::Client& wx, RateLimiter& limiter);

    // Throws AppException: invalid_code, rate_limited (details.retry_after), login_blocked,
    // wechat_unavailable, db_unavailable.
    awaitable<LoginResult> login(const std::string& code, const std::string& client_ip);
    // The signed-in principal, or AppException(unauthorized / rate_limited).
    awaitable<booking::Principal> authenticate(const http::Request& req);
    awaitable<void> logout(const http::Request& req);

    // Drops this instance's cached roles of a user (after a role change here).
    void forget_principal(booking::UserId id);

    static std::string hash_token(const std::string& token);
    static std::string new_token();

private:
    struct CachedSession {
        booking::UserId user_id;
        booking::TimePoint expires_at;
        std::chrono::steady_clock::time_point cached_until;
    };
    struct CachedPrincipal {
        booking::Principal principal;
        std::chrono::steady_clock::time_point cached_until;
    };

    awaitable<std::optional<booking::SessionRecord>> find_session(const std::string& hash);
    awaitable<booking::Principal> principal_of(booking::UserId id);
    static std::optional<std::string> bearer(const http::Request& req);

    const config::AppConfig& cfg_;
    const booking::Clock& clock_;
    mysql::Database& db_;
    redis::Client& redis_;
    wechat::Client& wx_;
    RateLimiter& limiter_;

    std::mutex mu_;
    std::unordered_map<std::string, CachedSession> sessions_;
    std::unordered_map<std::string, std::chrono::steady_clock::time_point> revoked_here_;
    std::unordered_map<booking::UserId, CachedPrincipal> principals_;
};

}  // namespace sh::api
