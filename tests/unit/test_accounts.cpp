// The account use cases against an in-memory store.
#include <doctest/doctest.h>

#include <map>

#include "booking/accounts.hpp"
#include "tests/support/memory_accounts.hpp"

using namespace sh::booking;

namespace {

using MemoryStore = sh::test::MemoryAccountStore;

Principal as(MemoryStore& s, UserId id) {
    return s.users[id].principal;
}

}  // namespace

TEST_CASE("first sign-in creates the user as a member; the second finds the same user") {
    MemoryStore s;
    auto now = TimePoint(std::chrono::seconds(1'800'000'000));
    User a = sign_in(s, s, "openid-a", std::nullopt, "h1", now + std::chrono::hours(1), "k-a", now);
    User again =
        sign_in(s, s, "openid-a", std::nullopt, "h2", now + std::chrono::hours(1), "k-a", now);
    CHECK(a.id == again.id);
    CHECK(a.principal.role == Role::member);
    CHECK(s.find_live_session("h1", now));
    CHECK(s.find_live_session("h2", now));
    CHECK_FALSE(s.find_live_session("h1", now + std::chrono::hours(2)));
}

TEST_CASE("a role change is applied and audited with before and after") {
    MemoryStore s;
    auto admin = s.upsert_by_openid("admin", std::nullopt);
    s.set_role(admin, RoleRequest{Role::district_admin, {}, std::nullopt});
    auto x = s.upsert_by_openid("x", std::nullopt);
    auto r = change_role(s, as(s, admin), x, RoleRequest{Role::manager, {1, 2}, std::nullopt});
    REQUIRE(r.ok());
    CHECK(r.value().principal.role == Role::manager);
    CHECK(r.value().principal.building_ids == std::set<BuildingId>{1, 2});
    REQUIRE(s.audits.size() == 1);
    CHECK(s.audits[0].find("set_role") != std::string::npos);
    CHECK(s.audits[0].find("\"member\"") != std::string::npos);
    CHECK(s.audits[0].find("\"manager\"") != std::string::npos);
}

TEST_CASE(
    "changing the role of an unknown user is not_found; a member is refused before any lookup") {
    MemoryStore s;
    auto admin = s.upsert_by_openid("admin", std::nullopt);
    s.set_role(admin, RoleRequest{Role::district_admin, {}, std::nullopt});
    auto r = change_role(s, as(s, admin), 999, RoleRequest{Role::member, {}, std::nullopt});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == Errc::not_found);

    auto m = s.upsert_by_openid("m", std::nullopt);
    auto refused = change_role(s, as(s, m), 999, RoleRequest{Role::manager, {77}, std::nullopt});
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().code == Errc::forbidden);
    CHECK(s.audits.empty());
}

TEST_CASE("a street admin's refused change leaves the user as it was") {
    MemoryStore s;
    auto sa = s.upsert_by_openid("sa", std::nullopt);
    s.set_role(sa, RoleRequest{Role::street_admin, {}, 1});
    auto x = s.upsert_by_openid("x", std::nullopt);
    auto r = change_role(s, as(s, sa), x, RoleRequest{Role::manager, {3}, std::nullopt});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == Errc::forbidden);
    CHECK(s.users[x].principal.role == Role::member);
    CHECK(s.audits.empty());
}

TEST_CASE("a profile update validates before it writes") {
    MemoryStore s;
    auto u = s.upsert_by_openid("u", std::nullopt);
    auto now = TimePoint(std::chrono::seconds(1'800'000'000));
    auto bad = update_profile(s, u, {std::string(""), std::nullopt, {}, {}}, now);
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().details["field"] == "name");
    auto ok =
        update_profile(s, u, {std::string("李四"), std::string("石门二路党支部"), {}, {}}, now);
    REQUIRE(ok.ok());
    CHECK(ok.value().name == "李四");
    CHECK(ok.value().org == "石门二路党支部");
}

TEST_CASE(
    "an account is closed only by a plain member: a role or a secretary's branch goes first") {
    Principal p;
    p.user_id = 1;
    CHECK_FALSE(may_close(p));
    p.branch_ids = {4};
    CHECK(may_close(p)->code == Errc::role_held);
    p.branch_ids.clear();
    p.role = Role::manager;
    CHECK(may_close(p)->code == Errc::role_held);
    CHECK(may_close(p)->details["role"] == "manager");
}

TEST_CASE("closing erases the person and keeps a ban in force for the same WeChat user's return") {
    MemoryStore s;
    const auto now = TimePoint(std::chrono::seconds(1'800'000'000));
    User u = sign_in(s, s, "openid-z", std::nullopt, "hz", now + std::chrono::hours(1), "k-z", now);
    s.users[u.id].name = "赵某";
    s.users[u.id].banned_until = now + std::chrono::hours(24 * 7);
    REQUIRE(close_account(s, as(s, u.id), "k-z", now));
    CHECK(s.users[u.id].openid == "closed:" + std::to_string(u.id));
    CHECK(s.users[u.id].name.empty());
    CHECK(s.sessions["hz"].second);  // signed out
    CHECK(s.audits.back().find("close_account") != std::string::npos);
    User back = sign_in(s, s, "openid-z", std::nullopt, "hz2", now + std::chrono::hours(1), "k-z",
                        now + std::chrono::hours(1));
    CHECK(back.id != u.id);
    CHECK(back.banned_until == now + std::chrono::hours(24 * 7));
    // A ban that ended before the return is not carried; nor is one never given.
    MemoryStore t;
    User v = sign_in(t, t, "openid-v", std::nullopt, "hv", now + std::chrono::hours(1), "k-v", now);
    t.users[v.id].banned_until = now - std::chrono::hours(1);
    REQUIRE(close_account(t, as(t, v.id), "k-v", now));
    CHECK(t.closed_bans.empty());
}

TEST_CASE("a role granted after the caller's copy was cached still stops the closing") {
    MemoryStore s;
    const auto now = TimePoint(std::chrono::seconds(1'800'000'000));
    User u = sign_in(s, s, "openid-r", std::nullopt, "hr", now + std::chrono::hours(1), "k-r", now);
    Principal cached = as(s, u.id);  // a member when the request began
    s.set_role(u.id, {Role::manager, {1}, std::nullopt, std::nullopt});
    auto r = close_account(s, cached, "k-r", now);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Errc::role_held);
    CHECK(s.users[u.id].openid == "openid-r");  // nothing erased
}
