#pragma once
// Sign-in, who-is-asking, sign-out, the profile and roles: each one function returning a result.
//  - sign_in: WeChat vouches for the code -> the user (created on first sign-in) and a session in
//    one transaction. The token is 256 random bits; only its SHA-256 is stored (MySQL, with an
//    expiry). WeChat's session_key is never kept.
//  - The token is sealed (common/seal.hpp): one nobody minted is unauthorized at once, without
//    a lookup or a count, so a garbage token costs nothing and blocks nobody.
//  - authenticate: this instance's cache -> the shared SessionCache -> MySQL. A copy never
//    outlives the one it came from, so a sign-out reaches every instance within cache_ttl.
//    Roles are read fresh or from a cache of the same bound. A token found is always served
//    (only its own user's rate applies); an unknown one is always unauthorized, never
//    rate_limited: the phone's "401 -> sign in again" must work behind any NAT. What is
//    limited is the cost of a miss: MySQL lookups that find nothing are counted per address,
//    and past unknown_lookups_per_ip (a bar for hundreds of phones behind one address) that
//    address's uncached tokens are answered unauthorized without a lookup until the window ends.
//    Unknown tokens are also remembered for a minute, so repeating one costs nothing; reaching
//    the bar takes hundreds of distinct dead tokens a minute, each one a real WeChat sign-in.
#include <optional>
#include <string>
#include <unordered_map>

#include "app/ports.hpp"
#include "booking/clock.hpp"
#include "common/bounded_cache.hpp"
#include "common/seal.hpp"

namespace sh::app {

struct AccountSettings {
    std::chrono::seconds token_ttl{7 * 24 * 3600};
    std::chrono::seconds cache_ttl{10};  // 0: no caching (every request asks MySQL)
    int login_per_ip_per_minute = 1200;
    int login_per_openid_per_minute = 10;
    int user_per_minute = 600;
    // MySQL lookups of minted tokens that found no live session (revoked or expired), per address.
    int unknown_lookups_per_ip_per_minute = 600;
};

struct SignedIn {
    std::string token;
    std::chrono::seconds expires_in;
    booking::User user;
};

// The console's grant-role (the first district admin, an operator's fix-up): the user, created
// if new, gets the role through the same booking::change_role as PUT /users/{id}/role, acted
// by booking::console_operator.
awaitable<Result<booking::User>> grant_role(UserDb& db, const std::string& openid,
                                            const booking::RoleRequest& req);

// The key a ban in force is kept by once its account is closed: a one-way hash of the WeChat id
// (openids are random, 28 characters: not guessable from the hash).
std::string closed_key(const std::string& openid);

class AccountService {
  public:
    AccountService(UserDb& db, SessionCache& sessions, RateCounters& rates, Wechat& wechat,
                   const Seal& seal, const booking::Clock& clock, AccountSettings settings)
        : db_(db),
          sessions_(sessions),
          rates_(rates),
          wechat_(wechat),
          seal_(seal),
          clock_(clock),
          settings_(settings) {}

    // invalid_code, rate_limited (details.retry_after), login_blocked, wechat_unavailable.
    awaitable<Result<SignedIn>> sign_in(const std::string& code, const std::string& client_ip);
    // unauthorized; rate_limited only for a found token whose user is over user_per_minute.
    awaitable<Result<booking::Principal>> authenticate(const std::string& token,
                                                       const std::string& client_ip);
    // unauthorized when the token is not a live session (counted as a miss, as in authenticate).
    awaitable<Result<bool>> sign_out(const std::string& token, const std::string& client_ip);

    awaitable<Result<booking::User>> me(const booking::Principal& me);
    awaitable<Result<booking::User>> update_profile(const booking::Principal& me,
                                                    const booking::ProfileChange& change);
    // invalid_phone_code, wechat_unavailable.
    awaitable<Result<booking::User>> set_phone(const booking::Principal& me,
                                               const std::string& code);
    // DELETE /me/phone: the member's number is removed (a correction needs no consent).
    awaitable<Result<booking::User>> remove_phone(const booking::Principal& me);
    awaitable<Result<booking::User>> change_role(const booking::Principal& me,
                                                 booking::UserId target,
                                                 const booking::RoleRequest& req);

    // Ends every session of the user, everywhere within the cache bound (closing an account).
    awaitable<void> end_sessions(booking::UserId id);

    // Forgets this instance's copy of the user's role and branch, after a change to them (other
    // instances see it within the cache bound).
    void forget(booking::UserId id) { principals_.erase(id); }

  private:
    // A token's hash -> what it stands for (a session; a mark that it is revoked or unknown).
    template <class V>
    using ByToken = BoundedCache<std::string, V, TimePoint>;
    struct Mark {};

    awaitable<std::optional<booking::SessionRecord>> find_session(const std::string& hash,
                                                                  const std::string& client_ip);
    // Whether this address may still spend a MySQL lookup on a token no cache knows.
    bool may_look_up(const std::string& client_ip);
    awaitable<void> count_miss(const std::string& client_ip);
    // A session found in MySQL or just created: into the shared cache and this instance's, each
    // for the cache bound at most (and never past the session's end).
    awaitable<void> remember(const std::string& hash, const booking::SessionRecord& session,
                             TimePoint now);
    // Into this instance's cache for `keep` from `now` (nothing for a keep of 0).
    void keep_here(const std::string& hash, const booking::SessionRecord& session, TimePoint now,
                   std::chrono::milliseconds keep);
    std::chrono::milliseconds cache_bound() const;
    awaitable<Result<booking::Principal>> principal_of(booking::UserId id);
    // A revoked session's token is refused here at once and dropped from the shared cache.
    awaitable<void> forget_session(const std::string& hash, TimePoint now);
    // The user's phone set (nullopt: removed), in a transaction on their row.
    awaitable<Result<booking::User>> store_phone(booking::UserId id,
                                                 std::optional<std::string> phone);

    UserDb& db_;
    SessionCache& sessions_;
    RateCounters& rates_;
    Wechat& wechat_;
    const Seal& seal_;
    const booking::Clock& clock_;
    AccountSettings settings_;

    static constexpr std::size_t max_cached = 100'000;
    ByToken<booking::SessionRecord> cached_{max_cached};
    ByToken<Mark> revoked_here_{max_cached};
    ByToken<Mark> misses_{max_cached};  // unknown tokens, briefly
    BoundedCache<booking::UserId, booking::Principal, TimePoint> principals_{max_cached};
};

}  // namespace sh::app
