// A member's own copy of what is kept about them (GET /me/export), end to end: everything of
// theirs, nothing of anyone else's.
#include <doctest/doctest.h>

#include "tests/support/halls.hpp"
#include "tests/support/stack.hpp"

using namespace sh;
using nlohmann::json;
using test::error_code;
using test::Stack;

namespace {

test::OwnServices& own() {
    static test::OwnServices s("privacy-e2e", 13480, 16480);
    return s;
}

json privacy_config() {
    return {{"rate_limit",
             {{"login_per_ip_per_minute", 0},
              {"login_per_openid_per_minute", 0},
              {"export_per_user_per_hour", 3}}}};
}

}  // namespace

TEST_CASE(
    "a member's copy holds their bookings with purposes, their scans, their role's audit, and "
    "nothing of the other member in the same hall") {
    Stack s(own(), 19600, privacy_config());
    auto venue = test::make_hall(s, 1);
    auto [a, a_id] = s.login("copyowner");
    auto [b, b_id] = s.login("otherperson");
    REQUIRE(s.call(s.port(), "PATCH", "/api/v1/me", json{{"name", "甲某"}}, a).status == 200);
    REQUIRE(s.call(s.port(), "PATCH", "/api/v1/me", json{{"name", "乙某某"}}, b).status == 200);
    auto day = test::tomorrow();
    auto mine = s.call(s.port(), "POST", "/api/v1/bookings",
                       test::booking_body(venue, day, 9 * 60, 10 * 60, 8, "甲的支部学习"), a,
                       "Idempotency-Key: copy-a-1\r\n");
    REQUIRE(mine.status == 201);
    auto theirs = s.call(s.port(), "POST", "/api/v1/bookings",
                         test::booking_body(venue, day, 14 * 60, 15 * 60, 8, "乙的保密会议"), b,
                         "Idempotency-Key: copy-b-1\r\n");
    REQUIRE(theirs.status == 201);
    // A comes to B's meeting and scans the hall's code: a scan of A's, a count on B's booking.
    REQUIRE(s.grant_role("openid-copymgr", "manager", "--building-ids 1") == 0);
    auto [mgr, mgr_id] = s.login("copymgr");
    std::string code =
        s.call(s.port(), "GET", "/api/v1/venues/1/checkin-code", nullptr, mgr).body["venue_code"];
    s.set_clock(booking::to_timepoint(day, 14 * 60 - 5));
    REQUIRE(s.call(s.port(), "POST",
                   "/api/v1/bookings/" + std::to_string(theirs.body["id"].get<int>()) + "/checkin",
                   json{{"venue_code", code}}, b)
                .status == 200);
    REQUIRE(s.call(s.port(), "POST", "/api/v1/checkins", json{{"venue_code", code}}, a).status ==
            201);
    REQUIRE(s.grant_role("openid-copyowner", "manager", "--building-ids 1") == 0);
    // A cancels a later meeting too late: a violation of A's.
    auto late = s.call(s.port(), "POST", "/api/v1/bookings",
                       test::booking_body(venue, day, 16 * 60, 17 * 60, 8, "甲的第二次会"), a,
                       "Idempotency-Key: copy-a-2\r\n");
    REQUIRE(late.status == 201);
    s.set_clock(booking::to_timepoint(day, 15 * 60));  // within the hall's two hours
    REQUIRE(s.call(s.port(), "POST",
                   "/api/v1/bookings/" + std::to_string(late.body["id"].get<int>()) + "/cancel",
                   json{{"accept_penalty", true}}, a)
                .status == 200);

    auto copy = s.call(s.port(), "GET", "/api/v1/me/export", nullptr, a);
    REQUIRE(copy.status == 200);
    CHECK(copy.headers["cache-control"] == "no-store");
    const auto& c = copy.body;
    CHECK(c["profile"]["id"] == a_id);
    CHECK(c["profile"]["name"] == "甲某");
    CHECK(c["wechat"]["openid"] == "openid-copyowner");
    REQUIRE(c["bookings"].size() == 2);
    CHECK(c["bookings"][0]["booking"]["purpose"] == "甲的支部学习");
    CHECK(c["bookings"][1]["booking"]["status"] == "cancelled");
    REQUIRE(c["violations"].size() == 1);
    CHECK(c["violations"][0]["kind"] == "late_cancel");
    CHECK(c["violations"][0]["booking_id"] == late.body["id"]);
    CHECK(c["profile"]["violations"].size() == 1);
    CHECK(c["bookings"][0]["venue_name"] == "党群服务中心多功能厅");
    REQUIRE(c["scans"].size() == 1);
    CHECK(c["scans"][0]["booking_id"] == theirs.body["id"]);
    REQUIRE(c["audit"].size() == 1);
    CHECK(c["audit"][0]["action"] == "set_role");
    CHECK(c["audit"][0]["by"] == "other");
    // Nothing of B's: not their name, their purpose, their id, their openid.
    CHECK(copy.raw.find("乙某某") == std::string::npos);
    CHECK(copy.raw.find("乙的保密会议") == std::string::npos);
    CHECK(copy.raw.find("otherperson") == std::string::npos);
    CHECK(copy.raw.find("\"user_id\":" + std::to_string(b_id)) == std::string::npos);

    // B's copy has their booking with its count, not who came.
    auto bs = s.call(s.port(), "GET", "/api/v1/me/export", nullptr, b);
    REQUIRE(bs.status == 200);
    CHECK(bs.body["bookings"][0]["booking"]["present"] == 2);
    CHECK(bs.raw.find("甲某") == std::string::npos);
    CHECK(bs.raw.find("copyowner") == std::string::npos);
}

TEST_CASE("a copy is the caller's alone, and a few an hour") {
    Stack s(own(), 19610, privacy_config());
    CHECK(s.call(s.port(), "GET", "/api/v1/me/export").status == 401);
    auto [a, a_id] = s.login("copylimit");
    for (int i = 0; i < 3; ++i)
        CHECK(s.call(s.port(), "GET", "/api/v1/me/export", nullptr, a).status == 200);
    auto fourth = s.call(s.port(), "GET", "/api/v1/me/export", nullptr, a);
    CHECK(fourth.status == 429);
    CHECK(error_code(fourth) == "rate_limited");
}
