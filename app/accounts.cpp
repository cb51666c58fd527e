#include "app/accounts.hpp"

#include "common/hex.hpp"

namespace sh::app {

using booking::Errc;
using booking::make_error;
using booking::Principal;
using booking::User;

namespace {

// A token minted by a server that no session holds (signed out, expired) never comes back to life:
// it is remembered for a window, so an address pays one lookup per distinct dead token a minute.
constexpr auto miss_ttl = std::chrono::seconds(60);
constexpr auto minute = std::chrono::seconds(60);

booking::AppError rate_limited(int retry_after) {
    return make_error(Errc::rate_limited, {}, {{"retry_after", retry_after}});
}

std::string hash_of(const std::string& token) {
    return sha256_hex(token);
}
std::string misses_key(const std::string& client_ip) {
    return "authmiss:ip:" + client_ip;
}

}  // namespace

std::string closed_key(const std::string& openid) {
    return sha256_hex("sharedhall:closed:" + openid);
}

awaitable<Result<SignedIn>> AccountService::sign_in(const std::string& code,
                                                    const std::string& client_ip) {
    if (auto wait =
            co_await rates_.hit("login:ip:" + client_ip, settings_.login_per_ip_per_minute, minute))
        co_return rate_limited(*wait);
    auto who = co_await wechat_.identify(code);
    if (!who) co_return who.error();
    if (auto wait = co_await rates_.hit("login:openid:" + who.value().openid,
                                        settings_.login_per_openid_per_minute, minute))
        co_return rate_limited(*wait);

    std::string token = seal_.mint_token();  // 256 bits from the CSPRNG, sealed
    const std::string hash = hash_of(token);
    auto expires_at = clock_.now() + settings_.token_ttl;
    std::optional<User> user;
    co_await db_.transact([&](booking::AccountStore& s) {
        user = booking::sign_in(s, s, who.value().openid, who.value().unionid, hash, expires_at,
                                closed_key(who.value().openid), clock_.now());
        return true;
    });
    // The phone's next request comes at once: its session is cached from here (and a phone that
    // signed in again because of a 401 is served even where its address spent its lookups).
    co_await remember(hash, booking::SessionRecord{user->id, expires_at}, clock_.now());
    co_return SignedIn{token, settings_.token_ttl, std::move(*user)};
}

bool AccountService::may_look_up(const std::string& client_ip) {
    return !rates_.refused_here(misses_key(client_ip), settings_.unknown_lookups_per_ip_per_minute);
}

awaitable<void> AccountService::count_miss(const std::string& client_ip) {
    co_await rates_.hit(misses_key(client_ip), settings_.unknown_lookups_per_ip_per_minute, minute);
}

awaitable<std::optional<booking::SessionRecord>> AccountService::find_session(
    const std::string& hash, const std::string& client_ip) {
    const auto now = clock_.now();
    if (revoked_here_.find(hash, now) || misses_.find(hash, now)) co_return std::nullopt;
    if (auto kept = cached_.find(hash, now); kept && now < kept->expires_at) co_return kept;
    // A copy in the shared cache: this instance keeps it no longer than the copy it came from.
    if (auto shared = co_await sessions_.find(hash, now)) {
        keep_here(hash, shared->session, now, std::min(cache_bound(), shared->left));
        co_return shared->session;
    }
    // This address spent its lookups on tokens nobody holds: no MySQL until its window ends.
    if (!may_look_up(client_ip)) co_return std::nullopt;
    std::optional<booking::SessionRecord> found;
    co_await db_.read([&](booking::AccountStore& s) { found = s.find_live_session(hash, now); });
    if (found) {
        co_await remember(hash, *found, now);
        co_return found;
    }
    co_await count_miss(client_ip);
    // A token nobody holds stays unknown for a moment: repeating it costs no lookup.
    misses_.put(hash, Mark{}, now + miss_ttl, now);
    co_return std::nullopt;
}

std::chrono::milliseconds AccountService::cache_bound() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(settings_.cache_ttl);
}

void AccountService::keep_here(const std::string& hash, const booking::SessionRecord& session,
                               TimePoint now, std::chrono::milliseconds keep) {
    if (keep.count() <= 0) return;  // a bound of 0: no caching
    cached_.put(hash, session, now + keep, now);
}

awaitable<void> AccountService::remember(const std::string& hash,
                                         const booking::SessionRecord& session, TimePoint now) {
    const auto bound = cache_bound();
    if (bound.count() <= 0) co_return;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(session.expires_at - now);
    co_await sessions_.store(hash, session, std::min(left, bound));
    keep_here(hash, session, now, bound);
}

awaitable<Result<Principal>> AccountService::principal_of(booking::UserId id) {
    const auto now = clock_.now();
    if (auto kept = principals_.find(id, now)) co_return std::move(*kept);
    std::optional<Principal> p;
    co_await db_.read([&](booking::AccountStore& s) { p = s.load_principal(id); });
    if (!p) co_return make_error(Errc::unauthorized);  // the user is gone
    if (settings_.cache_ttl.count() > 0) principals_.put(id, *p, now + settings_.cache_ttl, now);
    co_return *p;
}

awaitable<Result<Principal>> AccountService::authenticate(const std::string& token,
                                                          const std::string& client_ip) {
    // A token no server minted costs nothing: no cache, no lookup, no count.
    if (!seal_.minted(token)) co_return make_error(Errc::unauthorized);
    auto session = co_await find_session(hash_of(token), client_ip);
    if (!session) co_return make_error(Errc::unauthorized);
    if (auto wait = co_await rates_.hit_often("user:" + std::to_string(session->user_id),
                                              settings_.user_per_minute, minute))
        co_return rate_limited(*wait);
    co_return co_await principal_of(session->user_id);
}

awaitable<Result<bool>> AccountService::sign_out(const std::string& token,
                                                 const std::string& client_ip) {
    // As in authenticate: a forgery costs no write, and misses are counted per address.
    if (!seal_.minted(token) || !may_look_up(client_ip)) co_return make_error(Errc::unauthorized);
    const std::string hash = hash_of(token);
    bool revoked = false;
    co_await db_.transact(
        [&](booking::AccountStore& s) { return revoked = s.revoke_session(hash); });
    if (!revoked) {
        co_await count_miss(client_ip);
        co_return make_error(Errc::unauthorized);
    }
    co_await forget_session(hash, clock_.now());
    co_return true;
}

awaitable<void> AccountService::forget_session(const std::string& hash, TimePoint now) {
    // Should the shared cache be unreachable now, its copy may outlive the revocation by up to
    // the cache bound on other instances; this instance refuses the token at once.
    cached_.erase(hash);
    revoked_here_.put(hash, Mark{}, now + settings_.cache_ttl + std::chrono::seconds(1), now);
    co_await sessions_.drop(hash);
}

awaitable<void> AccountService::end_sessions(booking::UserId id) {
    const auto now = clock_.now();
    std::vector<std::string> ended;
    co_await db_.transact([&](booking::AccountStore& s) {
        ended = s.revoke_sessions_of(id, now);
        return true;
    });
    for (const auto& hash : ended) co_await forget_session(hash, now);
    principals_.erase(id);
}

awaitable<Result<User>> AccountService::me(const Principal& me) {
    std::optional<User> u;
    co_await db_.read([&](booking::AccountStore& s) { u = s.find_user(me.user_id); });
    if (!u) co_return make_error(Errc::unauthorized);
    if (u->banned_until && *u->banned_until <= clock_.now()) u->banned_until.reset();  // over
    co_return std::move(*u);
}

awaitable<Result<User>> AccountService::update_profile(const Principal& me,
                                                       const booking::ProfileChange& change) {
    auto now = clock_.now();
    auto r = co_await transact_result<User>(db_, [&](booking::AccountStore& s) {
        return booking::update_profile(s, me.user_id, change, now);
    });
    if (r && change.branch) forget(me.user_id);
    co_return r;
}

awaitable<Result<User>> AccountService::set_phone(const Principal& me, const std::string& code) {
    auto phone = co_await wechat_.phone_number(code);
    if (!phone) co_return phone.error();
    co_return co_await store_phone(me.user_id, phone.value());
}

awaitable<Result<User>> AccountService::remove_phone(const Principal& me) {
    co_return co_await store_phone(me.user_id, std::nullopt);
}

awaitable<Result<User>> AccountService::store_phone(booking::UserId id,
                                                    std::optional<std::string> phone) {
    co_return co_await transact_result<User>(db_, [&](booking::AccountStore& s) -> Result<User> {
        if (!s.lock_user(id)) return make_error(Errc::unauthorized);
        s.set_phone(id, phone);
        return *s.find_user(id);
    });
}

awaitable<Result<User>> AccountService::change_role(const Principal& me, booking::UserId target,
                                                    const booking::RoleRequest& req) {
    auto r = co_await transact_result<User>(
        db_, [&](booking::AccountStore& s) { return booking::change_role(s, me, target, req); });
    if (r) principals_.erase(target);  // this instance sees it at once; others within the bound
    co_return r;
}

awaitable<Result<User>> grant_role(UserDb& db, const std::string& openid,
                                   const booking::RoleRequest& req) {
    Result<User> r = make_error(Errc::internal);
    co_await db.transact([&](booking::AccountStore& s) {
        auto id = s.upsert_by_openid(openid, std::nullopt);
        r = booking::change_role(s, booking::console_operator(), id, req);
        return r.ok();
    });
    co_return r;
}

}  // namespace sh::app
