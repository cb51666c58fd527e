// Signing in end to end: real sharedhall processes, real MariaDB and Redis (private instances,
// since these tests stop Redis), and the fake WeChat.
#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include "common/hex.hpp"
#include "tests/support/process.hpp"
#include "tests/support/stack.hpp"

using namespace sh;
using nlohmann::json;
using test::error_code;
using test::Stack;

namespace {

test::OwnServices& own() {
    static test::OwnServices s("login-e2e", 13413, 16413);
    return s;
}

}  // namespace

TEST_CASE("a member signs in with a WeChat code and sees themself; a used or bad code is 401") {
    Stack s(own(), 18420);
    auto r = s.call(s.port(), "POST", "/api/v1/auth/login", json{{"code", "alice"}});
    REQUIRE(r.status == 200);
    std::string token = r.body["token"];
    CHECK(token.size() == 96);  // 256 random bits and the seal's 128, in hex
    CHECK(r.body["expires_in"] == 7 * 24 * 3600);
    CHECK(r.body["user"]["role"] == "member");

    auto me = s.call(s.port(), "GET", "/api/v1/me", nullptr, token);
    REQUIRE(me.status == 200);
    CHECK(me.body["id"] == r.body["user"]["id"]);

    auto reused = s.call(s.port(), "POST", "/api/v1/auth/login", json{{"code", "alice"}});
    CHECK(reused.status == 401);
    CHECK(error_code(reused) == "invalid_code");
    auto bad = s.call(s.port(), "POST", "/api/v1/auth/login", json{{"code", "invalid-123"}});
    CHECK(bad.status == 401);
    CHECK(error_code(bad) == "invalid_code");

    CHECK(error_code(s.call(s.port(), "POST", "/api/v1/auth/login", json{{"nope", 1}})) ==
          "validation");
    CHECK(error_code(s.call(s.port(), "POST", "/api/v1/auth/login", json{{"code", 42}})) ==
          "validation");
    CHECK(s.call(s.port(), "GET", "/api/v1/me").status == 401);
    CHECK(s.call(s.port(), "GET", "/api/v1/me", nullptr, "not-a-token").status == 401);

    // The same WeChat user signing in again with a new code is the same account, and both
    // logins stay valid side by side (two phones).
    auto again = s.call(s.port(), "POST", "/api/v1/auth/login", json{{"code", "alice:2"}});
    REQUIRE(again.status == 200);
    CHECK(again.body["user"]["id"] == r.body["user"]["id"]);
    CHECK(again.body["token"] != r.body["token"]);
    CHECK(s.call(s.port(), "GET", "/api/v1/me", nullptr, token).status == 200);
}

TEST_CASE(
    "WeChat trouble at sign-in: busy is retried once, then 503; 45011 is 429; 40226 is 403; a "
    "timeout is 503") {
    Stack s(own(), 18430);
    s.inject("jscode2session", -1, 0, 1);
    CHECK(s.call(s.port(), "POST", "/api/v1/auth/login", json{{"code", "b1"}}).status == 200);

    s.inject("jscode2session", -1, 0, 2);
    auto busy = s.call(s.port(), "POST", "/api/v1/auth/login", json{{"code", "b2"}});
    CHECK(busy.status == 503);
    CHECK(error_code(busy) == "wechat_unavailable");

    s.inject("jscode2session", 45011);
    auto limited = s.call(s.port(), "POST", "/api/v1/auth/login", json{{"code", "b3"}});
    CHECK(limited.status == 429);
    CHECK(error_code(limited) == "rate_limited");
    CHECK_FALSE(limited.retry_after.empty());

    s.inject("jscode2session", 40226);
    auto blocked = s.call(s.port(), "POST", "/api/v1/auth/login", json{{"code", "b4"}});
    CHECK(blocked.status == 403);
    CHECK(error_code(blocked) == "login_blocked");

    s.inject("jscode2session", 0, /*delay_ms=*/2000);
    auto slow = s.call(s.port(), "POST", "/api/v1/auth/login", json{{"code", "b5"}});
    CHECK(slow.status == 503);
    CHECK(error_code(slow) == "wechat_unavailable");
}

TEST_CASE("sign-in is rate limited per client address, with Retry-After") {
    Stack s(own(), 18440, json{{"rate_limit", {{"login_per_ip_per_minute", 3}}}});
    for (int i = 0; i < 3; ++i)
        CHECK(
            s.call(s.port(), "POST", "/api/v1/auth/login", json{{"code", "r" + std::to_string(i)}})
                .status == 200);
    auto r = s.call(s.port(), "POST", "/api/v1/auth/login", json{{"code", "r9"}});
    CHECK(r.status == 429);
    CHECK(error_code(r) == "rate_limited");
    int wait = std::stoi(r.retry_after);
    CHECK(wait >= 1);
    CHECK(wait <= 60);
}

TEST_CASE("a token stops working when it expires") {
    Stack s(own(), 18450, json{{"auth", {{"token_ttl_s", 3600}}}});
    auto [token, id] = s.login("exp");
    CHECK(s.call(s.port(), "GET", "/api/v1/me", nullptr, token).status == 200);
    s.advance_clock(3601);  // an hour on the service's clock; cached entries carry the expiry
    auto r = s.call(s.port(), "GET", "/api/v1/me", nullptr, token);
    CHECK(r.status == 401);
    CHECK(error_code(r) == "unauthorized");
}

TEST_CASE(
    "logout revokes the token; with Redis down a signed-in user still gets through, and a logout "
    "then stays") {
    Stack s(own(), 18460);
    auto [t1, u1] = s.login("lo1");
    auto [t2, u2] = s.login("lo2");
    REQUIRE(s.call(s.port(), "GET", "/api/v1/me", nullptr, t1).status == 200);
    CHECK(s.call(s.port(), "POST", "/api/v1/auth/logout", nullptr, t1).status == 200);
    CHECK(s.call(s.port(), "GET", "/api/v1/me", nullptr, t1).status == 401);
    CHECK(s.call(s.port(), "POST", "/api/v1/auth/logout", nullptr, t1).status == 401);

    own().stop("redis");
    // Sessions come from MySQL: Redis is only a cache.
    CHECK(s.call(s.port(), "GET", "/api/v1/me", nullptr, t2).status == 200);
    CHECK(s.call(s.port(), "POST", "/api/v1/auth/logout", nullptr, t2).status == 200);
    CHECK(s.call(s.port(), "GET", "/api/v1/me", nullptr, t2).status == 401);
    own().start("redis");
    CHECK(s.call(s.port(), "GET", "/api/v1/me", nullptr, t2).status == 401);
    CHECK(s.call(s.port(), "GET", "/api/v1/me", nullptr, t1).status == 401);
}

TEST_CASE(
    "a role change made through one server is seen by a second server within the cache bound") {
    Stack s(own(), 18470, json{{"auth", {{"cache_ttl_s", 2}}}});
    std::uint16_t a = s.port(0), b = s.start_server();
    auto [admin, admin_id] = s.login("admin");
    REQUIRE(s.grant_role("openid-admin", "district_admin") == 0);
    auto [u, u_id] = s.login("u");
    auto [v, v_id] = s.login("v");
    auto promote_v = [&] {
        return s
            .call(b, "PUT", "/api/v1/users/" + std::to_string(v_id) + "/role",
                  json{{"role", "member"}}, u)
            .status;
    };
    CHECK(promote_v() == 403);  // u is a member; server b has cached that

    REQUIRE(s.call(a, "PUT", "/api/v1/users/" + std::to_string(u_id) + "/role",
                   json{{"role", "district_admin"}}, admin)
                .status == 200);
    // Past the cache bound on the servers' clock (the caches keep entries on it): b asks MySQL.
    s.advance_clock(3);
    CHECK(promote_v() == 200);

    REQUIRE(s.call(a, "PUT", "/api/v1/users/" + std::to_string(u_id) + "/role",
                   json{{"role", "member"}}, admin)
                .status == 200);
    s.advance_clock(3);
    CHECK(promote_v() == 403);
}

TEST_CASE("role matrix: only the allowed cells succeed") {
    Stack s(own(), 18480, json{{"auth", {{"cache_ttl_s", 0}}}});
    s.sql("INSERT INTO streets (id, name) VALUES (1, '江宁路街道'), (2, '石门二路街道')");
    s.sql(
        "INSERT INTO buildings (id, street_id, name) VALUES (1, 1, '新城大厦'), (2, 2, "
        "'冠生园金融园')");
    auto [district, district_id] = s.login("district");
    REQUIRE(s.grant_role("openid-district", "district_admin") == 0);
    auto set_role = [&](const std::string& token, std::uint64_t user, const json& body) {
        return s
            .call(s.port(), "PUT", "/api/v1/users/" + std::to_string(user) + "/role", body, token)
            .status;
    };
    auto [street, street_id] = s.login("street");
    REQUIRE(set_role(district, street_id, {{"role", "street_admin"}, {"street_id", 1}}) == 200);
    auto [mgr_a, mgr_a_id] = s.login("mgra");
    REQUIRE(set_role(district, mgr_a_id, {{"role", "manager"}, {"building_ids", {1}}}) == 200);
    auto [mgr_b, mgr_b_id] = s.login("mgrb");
    REQUIRE(set_role(district, mgr_b_id, {{"role", "manager"}, {"building_ids", {2}}}) == 200);
    auto [member, member_id] = s.login("member");

    struct Actor {
        const char* name;
        std::string token;
    };
    std::vector<Actor> actors = {{"member", member},
                                 {"manager A", mgr_a},
                                 {"manager B", mgr_b},
                                 {"street admin 1", street},
                                 {"district admin", district}};
    // Each action runs against a fresh target prepared by the district admin.
    struct Action {
        const char* name;
        json target_role;  // what the target is before
        json request;
        std::vector<int> expect;  // per actor, in the order above
    };
    std::vector<Action> actions = {
        {"make a manager of A (street 1)",
         {{"role", "member"}},
         {{"role", "manager"}, {"building_ids", {1}}},
         {403, 403, 403, 200, 200}},
        {"make a manager of B (street 2)",
         {{"role", "member"}},
         {{"role", "manager"}, {"building_ids", {2}}},
         {403, 403, 403, 403, 200}},
        {"unmake a manager of A",
         {{"role", "manager"}, {"building_ids", {1}}},
         {{"role", "member"}},
         {403, 403, 403, 200, 200}},
        {"unmake a manager of B",
         {{"role", "manager"}, {"building_ids", {2}}},
         {{"role", "member"}},
         {403, 403, 403, 403, 200}},
        {"make a street admin",
         {{"role", "member"}},
         {{"role", "street_admin"}, {"street_id", 1}},
         {403, 403, 403, 403, 200}},
        {"demote a street admin",
         {{"role", "street_admin"}, {"street_id", 2}},
         {{"role", "member"}},
         {403, 403, 403, 403, 200}},
        {"make a district admin",
         {{"role", "member"}},
         {{"role", "district_admin"}},
         {403, 403, 403, 403, 200}},
    };
    int n = 0;
    for (const auto& action : actions) {
        for (std::size_t i = 0; i < actors.size(); ++i) {
            auto [target, target_id] = s.login("target" + std::to_string(n++));
            REQUIRE(set_role(district, target_id, action.target_role) == 200);
            CAPTURE(action.name);
            CAPTURE(actors[i].name);
            CHECK(set_role(actors[i].token, target_id, action.request) == action.expect[i]);
        }
    }
    // An unknown user is 404 for an admin; a malformed request is 422 naming the field.
    CHECK(set_role(district, 999999, {{"role", "member"}}) == 404);
    auto bad = s.call(s.port(), "PUT", "/api/v1/users/" + std::to_string(member_id) + "/role",
                      json{{"role", "manager"}}, district);
    CHECK(bad.status == 422);
    CHECK(bad.body["error"]["details"]["field"] == "building_ids");

    // Everyone edits their own profile, and only their own.
    for (const auto& a : actors) {
        CAPTURE(a.name);
        auto r = s.call(s.port(), "PATCH", "/api/v1/me", json{{"name", std::string("张") + a.name}},
                        a.token);
        CHECK(r.status == 200);
        CHECK(r.body["name"] == std::string("张") + a.name);
    }
    auto too_long =
        s.call(s.port(), "PATCH", "/api/v1/me", json{{"name", std::string(51, 'x')}}, member);
    CHECK(too_long.status == 422);
    CHECK(too_long.body["error"]["details"]["field"] == "name");
}

TEST_CASE(
    "the phone number comes through WeChat; a rejected access_token is refreshed once and "
    "retried") {
    Stack s(own(), 18490);
    auto [token, id] = s.login("phone-user");
    auto r =
        s.call(s.port(), "POST", "/api/v1/me/phone", json{{"code", "phone-13900001111"}}, token);
    REQUIRE(r.status == 200);
    CHECK(r.body["phone"] == "13900001111");
    auto reused =
        s.call(s.port(), "POST", "/api/v1/me/phone", json{{"code", "phone-13900001111"}}, token);
    CHECK(reused.status == 422);
    CHECK(error_code(reused) == "invalid_phone_code");

    s.inject("getuserphonenumber", 40001);
    auto retried =
        s.call(s.port(), "POST", "/api/v1/me/phone", json{{"code", "phone-13900002222"}}, token);
    CHECK(retried.status == 200);
    CHECK(s.fake_stats()["force_refresh"] == 1);
    // A second rejection within 30 s does not force again (WeChat allows 20 a day).
    s.inject("getuserphonenumber", 42001);
    s.call(s.port(), "POST", "/api/v1/me/phone", json{{"code", "phone-13900003333"}}, token);
    CHECK(s.fake_stats()["force_refresh"] == 1);
}

TEST_CASE("no log line or response ever contains the AppSecret or a session_key") {
    Stack s(own(), 18500);
    s.login("sec1");
    s.call(s.port(), "POST", "/api/v1/auth/login", json{{"code", "sec1"}});         // used code
    s.call(s.port(), "POST", "/api/v1/auth/login", json{{"code", "invalid-sec"}});  // bad code
    s.inject("jscode2session", -1, 0, 2);
    s.call(s.port(), "POST", "/api/v1/auth/login", json{{"code", "sec2"}});  // WeChat busy
    s.inject("jscode2session", 40164);
    s.call(s.port(), "POST", "/api/v1/auth/login", json{{"code", "sec3"}});  // operator problem
    auto [token, id] = s.login("sec4");
    s.call(s.port(), "POST", "/api/v1/me/phone", json{{"code", "phone-13900009999"}}, token);
    s.call(s.port(), "GET", "/metrics");
    // The access log is written in order: once the last request's line is there, all are.
    std::string logs;
    REQUIRE(test::eventually(
        [&] { return (logs = s.server_logs()).find("\"/metrics\"") != std::string::npos; }, 5000));
    REQUIRE(logs.find("/api/v1/auth/login") != std::string::npos);
    for (const std::string& secret : {std::string(test::e2e_secret), std::string("SESSIONKEY")}) {
        CAPTURE(secret);
        CHECK(logs.find(secret) == std::string::npos);
        CHECK(s.responses().find(secret) == std::string::npos);
    }
}

TEST_CASE("signed-in calls are limited per user (shared by every server), with Retry-After") {
    Stack s(own(), 18510, json{{"rate_limit", {{"user_per_minute", 40}}}});
    auto second = s.start_server();
    // Signed in only: agreeing to the guide would be one more call of theirs counted.
    auto [token, id] = s.login_without_consent("busy");
    auto [other, other_id] = s.login_without_consent("calm");
    int ok = 0, limited = 0;
    std::string retry_after;
    for (int i = 0; i < 80; ++i) {
        auto r = s.call(i % 2 ? second : s.port(), "GET", "/api/v1/me", nullptr, token);
        if (r.status == 200) ++ok;
        if (r.status == 429) {
            ++limited;
            retry_after = r.retry_after;
            CHECK(error_code(r) == "rate_limited");
        }
    }
    // 40 a minute across both servers, give or take one batch (40/20 = 2) per server.
    CHECK(ok >= 40);
    CHECK(ok <= 44);
    CHECK(limited == 80 - ok);
    CHECK(!retry_after.empty());
    CHECK(s.call(s.port(), "GET", "/api/v1/me", nullptr, other).status == 200);  // per user
}

TEST_CASE("with Redis stopped the per-user limit still holds, per server") {
    Stack s(own(), 18580, json{{"rate_limit", {{"user_per_minute", 10}}}});
    auto [token, id] = s.login_without_consent("limited");  // no call of theirs counted yet
    own().stop("redis");
    int ok = 0, limited = 0;
    for (int i = 0; i < 20; ++i) {
        auto r = s.call(s.port(), "GET", "/api/v1/me", nullptr, token);
        if (r.status == 200) ++ok;
        if (r.status == 429) ++limited;
    }
    own().start("redis");
    CHECK(ok == 10);
    CHECK(limited == 10);
}

TEST_CASE(
    "200 members behind one address are served while one of them sends garbage tokens as fast as "
    "it can") {
    // A carrier's NAT or a building's Wi-Fi: every phone comes from 127.0.0.1 here.
    // No session cache: every member's request is a MySQL lookup, as after a cache's expiry.
    Stack s(own(), 18590,
            json{{"rate_limit", {{"unknown_lookups_per_ip_per_minute", 5}}},
                 {"auth", {{"cache_ttl_s", 0}}}});
    std::vector<std::string> tokens;
    for (int i = 0; i < 200; ++i) tokens.push_back(s.login("nat-" + std::to_string(i)).first);
    auto revoked = s.login("nat-attacker").first;
    REQUIRE(s.call(s.port(), "POST", "/api/v1/auth/logout", nullptr, revoked).status == 200);
    std::atomic<bool> done{false};
    std::atomic<int> garbage_sent{0}, garbage_not_401{0};
    std::thread attacker([&] {
        // Garbage of every shape, the revoked token of a real sign-in among it; bounded in count.
        for (int i = 0; i < 5000 && !done; ++i) {
            std::string t = i % 3 == 0   ? "garbage-" + std::to_string(i)
                            : i % 3 == 1 ? std::string(96, static_cast<char>('a' + i % 6))
                                         : revoked;
            auto r = s.call(s.port(), "GET", "/api/v1/me", nullptr, t);
            ++garbage_sent;
            if (r.status != 401) ++garbage_not_401;
        }
    });
    // Every other member keeps working, twice round.
    int served = 0;
    for (int round = 0; round < 2; ++round)
        for (const auto& t : tokens)
            served += s.call(s.port(), "GET", "/api/v1/me", nullptr, t).status == 200;
    done = true;
    attacker.join();
    CHECK(served == 400);
    CHECK(garbage_sent > 0);
    CHECK(garbage_not_401 == 0);  // an unknown token is 401, never 429: the phone signs in again
    // Signing out with garbage is a 401 as well, and still nobody is turned away.
    for (int i = 0; i < 20; ++i)
        CHECK(
            s.call(s.port(), "POST", "/api/v1/auth/logout", nullptr, "garbage-" + std::to_string(i))
                .status == 401);
    CHECK(s.call(s.port(), "GET", "/api/v1/me", nullptr, tokens.front()).status == 200);
}

TEST_CASE(
    "whoever can write to Redis cannot be anyone: a session value there without the servers' seal "
    "is not believed") {
    Stack s(own(), 18860);
    auto [member, member_id] = s.login("forge-member");
    auto [admin, admin_id] = s.login("forge-admin");
    REQUIRE(s.grant_role("openid-forge-admin", "district_admin") == 0);
    const std::string prefix = "sh:" + s.sql_value("SELECT DATABASE()") + ":sess:";
    const std::string expiry =
        std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                           (test::now() + std::chrono::hours(24)).time_since_epoch())
                           .count());
    auto redis_set = [&](const std::string& key, const std::string& value) {
        std::string out;
        REQUIRE(test::run_command({"/usr/bin/redis-cli", "-p", std::to_string(own().redis().port),
                                   "SET", key, value, "PX", "60000"},
                                  {}, out) == 0);
    };
    // A second instance that keeps nothing in its own memory (cache bound 0): it asks Redis first,
    // every time.
    auto other = s.start_server(json{{"auth", {{"cache_ttl_s", 0}}}});
    // The member's cached session rewritten to say the admin — plainly, or with a made-up seal.
    for (const std::string& forged :
         {std::to_string(admin_id) + ":" + expiry,
          std::to_string(admin_id) + ":" + expiry + "|" + std::string(32, 'a')}) {
        CAPTURE(forged);
        redis_set(prefix + sha256_hex(member), forged);
        auto me = s.call(other, "GET", "/api/v1/me", nullptr, member);
        REQUIRE(me.status == 200);
        CHECK(me.body["id"] == member_id);
        CHECK(me.body["role"] == "member");
    }
    // A token of the writer's own choosing, its session written straight into Redis: unknown.
    const std::string chosen(96, 'f');
    redis_set(prefix + sha256_hex(chosen), std::to_string(admin_id) + ":" + expiry);
    CHECK(s.call(other, "GET", "/api/v1/me", nullptr, chosen).status == 401);
}
