// The account use cases (app/accounts.cpp) over in-memory ports and a manual clock: several
// instances share MySQL, the session cache and the rate counters, each with its own local cache.
#include <doctest/doctest.h>

#include "app/accounts.hpp"
#include "app/console.hpp"
#include "common/hex.hpp"
#include "tests/support/memory_accounts.hpp"
#include "tests/support/sync.hpp"

using namespace sh;
using namespace sh::booking;
using namespace std::chrono_literals;

namespace {

template <class T>
T run(asio::awaitable<T> a) {
    return test::sync_await(std::move(a));
}

std::string code_of(const booking::AppError& e) {
    return std::string(code_of(e.code));
}

struct District {
    ManualClock clock{TimePoint(std::chrono::seconds(1'900'000'000))};
    test::MemoryUserDb db;
    test::MemorySessionCache shared{clock};
    test::MemorySessionCache unreachable{clock};  // an instance cut off from Redis
    test::MemoryRates rates{clock};
    test::TableWechat wechat;
    Seal seal{"unit-test-token-key-0123456789abcdef"};
    app::AccountSettings settings;

    District() {
        unreachable.down = true;
        settings.cache_ttl = 10s;
        settings.unknown_lookups_per_ip_per_minute = 3;
    }
    std::unique_ptr<app::AccountService> instance(app::SessionCache& cache) {
        return std::make_unique<app::AccountService>(db, cache, rates, wechat, seal, clock,
                                                     settings);
    }
    std::string sign_in(app::AccountService& a, const std::string& openid) {
        wechat.codes["code-" + openid] = openid;
        auto r = run(a.sign_in("code-" + openid, "10.0.0.1"));
        REQUIRE(r.ok());
        return r.value().token;
    }
    std::string auth(app::AccountService& a, const std::string& token,
                     const std::string& ip = "10.0.0.1") {
        auto r = run(a.authenticate(token, ip));
        return r ? "ok" : code_of(r.error());
    }
};

}  // namespace

TEST_CASE("a signed-in token is the user's on every instance; a used code signs nobody in") {
    District d;
    auto a = d.instance(d.shared), b = d.instance(d.shared);
    d.wechat.codes["c1"] = "openid-1";
    auto in = run(a->sign_in("c1", "10.0.0.1"));
    REQUIRE(in.ok());
    CHECK(in.value().user.principal.role == Role::member);
    auto me = run(b->authenticate(in.value().token, "10.0.0.1"));
    REQUIRE(me.ok());
    CHECK(me.value().user_id == in.value().user.id);
    auto again = run(a->sign_in("c1", "10.0.0.1"));
    REQUIRE_FALSE(again.ok());
    CHECK(code_of(again.error()) == "invalid_code");
}

TEST_CASE(
    "a sign-out reaches every instance within one cache bound, even when the shared copy was not "
    "deleted") {
    District d;
    auto a = d.instance(d.unreachable);  // signs out while it cannot reach Redis
    auto b = d.instance(d.shared), c = d.instance(d.shared);
    auto token = d.sign_in(*b, "openid-1");
    auto t0 = d.clock.now();
    REQUIRE(d.auth(*b, token) == "ok");  // MySQL -> shared copy until t0 + 10 s
    d.clock.set(t0 + 9s);
    REQUIRE(
        run(a->sign_out(token, "10.0.0.1")).ok());  // MySQL revoked; the shared copy is left behind
    CHECK(d.auth(*a, token) == "unauthorized");
    d.clock.set(t0 + 9500ms);
    CHECK(d.auth(*c, token) == "ok");  // from the shared copy: allowed within the bound
    d.clock.set(t0 + 10s + 1ms);
    // C's copy ended with the shared one it came from (not 10 s after C read it).
    CHECK(d.auth(*c, token) == "unauthorized");
    CHECK(d.auth(*b, token) == "unauthorized");
}

TEST_CASE(
    "a token no server minted is 401 at once: no lookup, never 429, and nobody behind the same "
    "address is affected") {
    District d;
    auto a = d.instance(d.shared);
    auto good = d.sign_in(*a, "openid-1");
    d.clock.advance(11s);  // nothing cached any more: the good token is looked up again below
    const int reads = d.db.reads;
    for (int i = 0; i < 1000; ++i)
        REQUIRE(d.auth(*a, "garbage-" + std::to_string(i), "6.6.6.6") == "unauthorized");
    // A forgery of the right shape, and a real token with one digit changed, are refused the same
    // way.
    CHECK(d.auth(*a, std::string(Seal::token_size, 'a'), "6.6.6.6") == "unauthorized");
    auto altered = good;
    altered[0] = altered[0] == '0' ? '1' : '0';
    CHECK(d.auth(*a, altered, "6.6.6.6") == "unauthorized");
    CHECK(d.db.reads == reads);  // MySQL never asked
    CHECK(d.auth(*a, good, "6.6.6.6") == "ok");
    CHECK(run(a->sign_out("garbage", "6.6.6.6")).error().code == Errc::unauthorized);
    CHECK(d.db.transactions == 1);  // the sign-in's only: a forged sign-out writes nothing
}

TEST_CASE(
    "an address spending its lookups on tokens nobody holds gets 401 without lookups, never 429; "
    "found tokens are served") {
    District d;
    auto a = d.instance(d.shared);
    auto good = d.sign_in(*a, "openid-1");
    REQUIRE(d.auth(*a, good, "6.6.6.6") == "ok");  // cached from here on
    std::vector<std::string> dead;  // minted by a server, signed out or never used: a lookup each
    for (int i = 0; i < 6; ++i) dead.push_back(d.seal.mint_token());
    for (int i = 0; i < 4; ++i)
        CHECK(d.auth(*a, dead[static_cast<std::size_t>(i)], "6.6.6.6") == "unauthorized");
    const int reads = d.db.reads;
    CHECK(d.auth(*a, dead[4], "6.6.6.6") == "unauthorized");  // over the bar: no lookup
    CHECK(d.db.reads == reads);
    CHECK(d.auth(*a, good, "6.6.6.6") == "ok");                // a found token is always served
    CHECK(d.auth(*a, dead[5], "10.0.0.1") == "unauthorized");  // another address still looks up
    CHECK(d.db.reads == reads + 1);
    d.clock.advance(61s);  // the window ends: lookups again
    CHECK(d.auth(*a, dead[4], "6.6.6.6") == "unauthorized");
    CHECK(d.db.reads == reads + 2);
}

TEST_CASE(
    "an unknown token is remembered for a minute: repeating it does not reach MySQL or the shared "
    "cache") {
    District d;
    d.settings.unknown_lookups_per_ip_per_minute = 0;
    auto b = d.instance(d.shared);
    auto token = d.seal.mint_token();
    CHECK(d.auth(*b, token) == "unauthorized");
    // Had it been looked up again, this session (created behind the cache's back) would be found.
    d.db.store.create_session(sha256_hex(token), 1, d.clock.now() + 1h);
    d.db.store.users[1] = User{};
    d.db.store.users[1].principal.user_id = 1;
    CHECK(d.auth(*b, token) == "unauthorized");
    d.clock.advance(59s);
    CHECK(d.auth(*b, token) == "unauthorized");
    d.clock.advance(2s);
    CHECK(d.auth(*b, token) == "ok");
}

TEST_CASE("the console's grant-role creates the user and goes through the same rules as the API") {
    District d;
    auto r = run(app::grant_role(d.db, "openid-admin", RoleRequest{Role::district_admin, {}, {}}));
    REQUIRE(r.ok());
    CHECK(r.value().principal.role == Role::district_admin);
    REQUIRE_FALSE(d.db.store.audits.empty());
    CHECK(d.db.store.audits.back().rfind("0 set_role", 0) == 0);  // audited as the console operator
    auto bad = run(app::grant_role(d.db, "openid-x", RoleRequest{Role::manager, {}, {}}));
    REQUIRE_FALSE(bad.ok());
    CHECK(code_of(bad.error()) ==
          "validation");  // a manager needs buildings: the same check as PUT /role
}

TEST_CASE("the phone names the browser that asked for a console sign-in in a few words") {
    using sh::app::describe_browser;
    CHECK(describe_browser("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, "
                           "like Gecko) Chrome/120.0.6099.71 Safari/537.36") ==
          "Chrome 120 · Windows");
    CHECK(describe_browser("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 "
                           "(KHTML, like Gecko) Version/17.1 Safari/605.1.15") ==
          "Safari 17 · Mac");
    CHECK(describe_browser("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) "
                           "AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 "
                           "MicroMessenger/8.0.44(0x18002c2f) NetType/WIFI Language/zh_CN") ==
          "微信 8 · iPhone");
    CHECK(describe_browser(
              "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0") ==
          "Firefox 121 · Linux");
    CHECK(describe_browser("curl/8.4.0") == "未知浏览器");
    CHECK(describe_browser("") == "未知浏览器");
    CHECK(describe_browser(std::string(10000, 'A') + "Chrome/" + std::string(5000, '9')).size() <=
          80);
}
