// Personal information end to end: consent to the privacy guide before any collecting call, a new
// version asking again, and a member's own copy of what is kept (GET /me/export) — everything of
// theirs, nothing of anyone else's.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include <mysql_driver.h>

#include "server/mysql/demo_seed.hpp"
#include "server/mysql/sql_time.hpp"
#include "tests/support/halls.hpp"
#include "tests/support/invariants.hpp"
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

std::string guide_v2_path() {
    return (std::filesystem::temp_directory_path() / "sharedhall-privacy-e2e-guide-v2.md").string();
}

// The built-in guide's text with its version raised by one: what a deployment publishes with
// privacy.guide_file.
std::string write_guide_v2(Stack& s) {
    auto v1 = s.call(s.port(), "GET", "/api/v1/privacy/guide");
    std::string path = guide_v2_path();
    std::ofstream out(path);
    out << "# " << v1.body["title"].get<std::string>() << "\n版本："
        << v1.body["version"].get<int>() + 1 << "\n更新日期：2027年1月1日\n";
    for (const auto& sec : v1.body["sections"]) {
        out << "## " << sec["heading"].get<std::string>() << "\n";
        for (const auto& p : sec["paragraphs"]) out << "- " << p.get<std::string>() << "\n";
    }
    out << "## 七、新增的一段\n- 第二版新增的说明。\n";
    return path;
}

}  // namespace

TEST_CASE(
    "before agreeing to the guide a member reads halls but cannot book, check in, or give their "
    "name; after agreeing they can, and the agreement is kept with its version") {
    Stack s(own(), 19620, privacy_config());
    auto venue = test::make_hall(s, 1);
    auto guide = s.call(s.port(), "GET", "/api/v1/privacy/guide");  // no sign-in needed
    REQUIRE(guide.status == 200);
    const int v = guide.body["version"].get<int>();  // docs/privacy/guide.md's
    CHECK(v >= 2);
    CHECK(guide.body["title"] == "共享空厅用户隐私保护指引");
    CHECK(guide.body["sections"].size() >= 5);
    auto [t, id] = s.login_without_consent("firstrun");
    auto day = test::tomorrow();
    // Reading needs no consent.
    CHECK(s.call(s.port(), "GET", "/api/v1/venues", nullptr, t).status == 200);
    CHECK(s.call(s.port(), "GET",
                 "/api/v1/venues/" + std::to_string(venue) +
                     "/availability?date=" + booking::format_date(day),
                 nullptr, t)
              .status == 200);
    CHECK(s.call(s.port(), "GET", "/api/v1/me", nullptr, t).status == 200);
    // Every collecting call is refused with its own code, and nothing is written.
    auto body = test::booking_body(venue, day, 9 * 60, 10 * 60, 8, "支部学习");
    auto refused =
        s.call(s.port(), "POST", "/api/v1/bookings", body, t, "Idempotency-Key: fr-1\r\n");
    CHECK(refused.status == 403);
    CHECK(error_code(refused) == "consent_required");
    CHECK(refused.body["error"]["details"]["policy_version"] == v);
    CHECK(error_code(s.call(s.port(), "POST", "/api/v1/holds", body, t)) == "consent_required");
    CHECK(error_code(s.call(s.port(), "PATCH", "/api/v1/me", json{{"name", "首次"}}, t)) ==
          "consent_required");
    CHECK(error_code(s.call(s.port(), "POST", "/api/v1/me/phone", json{{"code", "phone-1"}}, t)) ==
          "consent_required");
    CHECK(error_code(s.call(s.port(), "POST", "/api/v1/checkins", json{{"venue_code", "x"}}, t)) ==
          "consent_required");
    CHECK(s.call(s.port(), "GET", "/api/v1/me", nullptr, t).body["name"] == "");
    CHECK(s.sql_value("SELECT COUNT(*) FROM bookings WHERE user_id = " + std::to_string(id)) ==
          "0");
    auto none = s.call(s.port(), "GET", "/api/v1/me/consents", nullptr, t);
    CHECK(none.body["agreed"] == false);
    CHECK(none.body["consents"].empty());

    // Agreeing to a version the phone did not show is refused; a sensitive kind waits for the
    // guide.
    auto stale = s.call(s.port(), "POST", "/api/v1/me/consents", json{{"policy_version", 0}}, t);
    CHECK(stale.status == 409);
    CHECK(error_code(stale) == "policy_changed");
    CHECK(error_code(s.call(s.port(), "POST", "/api/v1/me/consents",
                            json{{"policy_version", v}, {"kind", "location"}}, t)) ==
          "consent_required");
    auto agreed = s.call(s.port(), "POST", "/api/v1/me/consents", json{{"policy_version", v}}, t);
    REQUIRE(agreed.status == 200);
    CHECK(agreed.body["agreed"] == true);
    REQUIRE(agreed.body["consents"].size() == 1);
    CHECK(agreed.body["consents"][0]["kind"] == "policy");
    CHECK(agreed.body["consents"][0]["policy_version"] == v);
    CHECK(agreed.body["consents"][0]["sensitive"] == false);
    // Agreeing twice keeps one record.
    CHECK(s.call(s.port(), "POST", "/api/v1/me/consents", json{{"policy_version", v}}, t)
              .body["consents"]
              .size() == 1);
    // The same booking goes through now (the refused one left no trace of its key).
    CHECK(
        s.call(s.port(), "POST", "/api/v1/bookings", body, t, "Idempotency-Key: fr-1\r\n").status ==
        201);
    CHECK(s.call(s.port(), "PATCH", "/api/v1/me", json{{"name", "首次"}}, t).status == 200);
    // The location consent is its own record, asked for on its own.
    auto loc = s.call(s.port(), "POST", "/api/v1/me/consents",
                      json{{"policy_version", v}, {"kind", "location"}}, t);
    REQUIRE(loc.status == 200);
    CHECK(loc.body["consents"].size() == 2);
    CHECK(loc.body["consents"][0]["kind"] == "location");
    CHECK(loc.body["consents"][0]["sensitive"] == true);
    // The member's copy carries them.
    auto copy = s.call(s.port(), "GET", "/api/v1/me/export", nullptr, t);
    CHECK(copy.body["consents"].size() == 2);

    // Withdrawing the guide takes the location consent with it; collecting calls stop at once
    // on this instance, the booking stays.
    auto off = s.call(s.port(), "DELETE", "/api/v1/me/consents/policy", nullptr, t);
    REQUIRE(off.status == 200);
    CHECK(off.body["agreed"] == false);
    for (const auto& c : off.body["consents"]) CHECK(!c["withdrawn_at"].is_null());
    CHECK(error_code(s.call(s.port(), "PATCH", "/api/v1/me", json{{"name", "又改"}}, t)) ==
          "consent_required");
    CHECK(error_code(s.call(s.port(), "DELETE", "/api/v1/me/consents/policy", nullptr, t)) ==
          "not_found");
    CHECK(error_code(s.call(s.port(), "DELETE", "/api/v1/me/consents/face", nullptr, t)) ==
          "not_found");
    CHECK(s.sql_value("SELECT COUNT(*) FROM bookings WHERE status = 'confirmed' AND user_id = " +
                      std::to_string(id)) == "1");
    // A correction needs no consent: the phone number given before is removed.
    REQUIRE(s.sql_value("SELECT COUNT(*) FROM users WHERE phone IS NULL AND id = " +
                        std::to_string(id)) == "1");
    s.sql("UPDATE users SET phone = '13800138000' WHERE id = " + std::to_string(id));
    auto removed = s.call(s.port(), "DELETE", "/api/v1/me/phone", nullptr, t);
    REQUIRE(removed.status == 200);
    CHECK(removed.body["phone"].is_null());
    CHECK(s.sql_value("SELECT COUNT(*) FROM users WHERE phone IS NULL AND id = " +
                      std::to_string(id)) == "1");
}

TEST_CASE(
    "a new version of the guide asks everyone again, on every instance; a reminder of a booking "
    "made before still comes") {
    Stack s(own(), 19630, privacy_config());
    auto venue = test::make_hall(s, 1);
    auto [t, id] = s.login("versioned");  // agreed to the built-in version
    const int v = s.call(s.port(), "GET", "/api/v1/privacy/guide").body["version"].get<int>();
    auto day = test::tomorrow();
    REQUIRE(s.call(s.port(), "POST", "/api/v1/bookings",
                   test::booking_body(venue, day, 9 * 60, 10 * 60, 8, "支部学习"), t,
                   "Idempotency-Key: v-1\r\n")
                .status == 201);
    // A second instance refuses the stranger first, then sees an agreement made on the first
    // instance at once (its copy of who they are is read again before refusing).
    auto [u, u_id] = s.login_without_consent("elsewhere");
    auto second = s.start_server();
    CHECK(error_code(s.call(second, "PATCH", "/api/v1/me", json{{"name", "乙"}}, u)) ==
          "consent_required");
    s.agree_to_guide(u);
    CHECK(s.call(second, "PATCH", "/api/v1/me", json{{"name", "乙"}}, u).status == 200);

    // Version v + 1 is published (an instance started with it): v's agreement no longer counts.
    auto v2 = s.start_server({{"privacy", {{"guide_file", write_guide_v2(s)}}}});
    auto guide = s.call(v2, "GET", "/api/v1/privacy/guide");
    CHECK(guide.body["version"] == v + 1);
    CHECK(guide.body["updated"] == "2027年1月1日");
    auto again = s.call(v2, "POST", "/api/v1/bookings",
                        test::booking_body(venue, day, 11 * 60, 12 * 60, 8, "再次学习"), t,
                        "Idempotency-Key: v-2\r\n");
    CHECK(again.status == 403);
    CHECK(error_code(again) == "consent_required");
    CHECK(again.body["error"]["details"]["policy_version"] == v + 1);
    auto state = s.call(v2, "GET", "/api/v1/me/consents", nullptr, t);
    CHECK(state.body["policy_version"] == v + 1);
    CHECK(state.body["agreed"] == false);
    CHECK(error_code(s.call(v2, "POST", "/api/v1/me/consents", json{{"policy_version", v}}, t)) ==
          "policy_changed");
    // Timed work still runs for them: the reminder of the booking made under version v.
    s.set_clock(booking::to_timepoint(day, 8 * 60 + 30));
    REQUIRE(s.run_job("send_reminders", 0).status == 200);
    auto notices = s.call(v2, "GET", "/api/v1/me/notices", nullptr, t);
    REQUIRE(notices.body["items"].size() == 1);
    CHECK(notices.body["items"][0]["kind"] == "reminder");
    // Agreeing to version v + 1 keeps both records.
    auto now2 = s.call(v2, "POST", "/api/v1/me/consents", json{{"policy_version", v + 1}}, t);
    REQUIRE(now2.status == 200);
    CHECK(now2.body["agreed"] == true);
    REQUIRE(now2.body["consents"].size() == 2);
    CHECK(now2.body["consents"][0]["policy_version"] == v + 1);
    CHECK(!now2.body["consents"][1]["withdrawn_at"].is_null());  // v1's, superseded
    std::filesystem::remove(guide_v2_path());
}

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

TEST_CASE(
    "closing an account: its halls free again, its sessions refused, its person erased, the "
    "statistics unchanged, and a ban still refusing the same WeChat user who comes back; a role "
    "holder is refused") {
    Stack s(own(), 19640, privacy_config());
    auto venue = test::make_hall(s, 1);
    const std::string v = std::to_string(venue);
    auto day = test::tomorrow(), next = booking::add_days(day, 1);
    const std::string d = booking::format_date(day);
    REQUIRE(s.grant_role("openid-closeadmin", "district_admin") == 0);
    auto [admin, admin_id] = s.login("closeadmin");
    REQUIRE(s.grant_role("openid-closemgr", "manager", "--building-ids 1") == 0);
    auto [mgr, mgr_id] = s.login("closemgr");
    auto [x, x_id] = s.login("closer");
    auto [y, y_id] = s.login("stayer");
    REQUIRE(s.call(s.port(), "PATCH", "/api/v1/me", json{{"name", "注销者"}}, x).status == 200);
    REQUIRE(s.call(s.port(), "POST", "/api/v1/me/phone", json{{"code", "phone-13800001111"}}, x)
                .status == 200);
    std::string code =
        s.call(s.port(), "GET", "/api/v1/venues/" + v + "/checkin-code", nullptr, mgr)
            .body["venue_code"];
    auto book = [&](const std::string& token, booking::Date on, int start, const char* purpose,
                    const std::string& key) {
        auto r = s.call(s.port(), "POST", "/api/v1/bookings",
                        test::booking_body(venue, on, start, start + 60, 8, purpose), token,
                        "Idempotency-Key: " + key + "\r\n");
        REQUIRE(r.status == 201);
        return std::to_string(r.body["id"].get<std::uint64_t>());
    };
    // X's meeting today, held and completed; Y's, where X scans in; X's meeting tomorrow.
    auto held = book(x, day, 10 * 60, "注销者的支部会", "close-x-1");
    auto theirs = book(y, day, 14 * 60, "留下者的会", "close-y-1");
    auto later = book(x, next, 16 * 60, "注销者明天的会", "close-x-2");
    s.set_clock(booking::to_timepoint(day, 10 * 60 - 5));
    REQUIRE(s.call(s.port(), "POST", "/api/v1/bookings/" + held + "/checkin",
                   json{{"venue_code", code}}, x)
                .status == 200);
    s.set_clock(booking::to_timepoint(day, 14 * 60 - 5));
    REQUIRE(s.call(s.port(), "POST", "/api/v1/bookings/" + theirs + "/checkin",
                   json{{"venue_code", code}}, y)
                .status == 200);
    REQUIRE(s.call(s.port(), "POST", "/api/v1/checkins", json{{"venue_code", code}}, x).status ==
            201);
    s.set_clock(booking::to_timepoint(day, 15 * 60 + 1));
    REQUIRE(s.run_job("complete_bookings").status == 200);
    // At 15:01, X holds an evening slot, and is banned for a week (as three no-shows would).
    auto hold = s.call(s.port(), "POST", "/api/v1/holds",
                       test::booking_body(venue, day, 18 * 60, 18 * 60 + 30, 8, ""), x);
    REQUIRE(hold.status == 201);
    s.sql("UPDATE users SET banned_until = NOW() + INTERVAL 7 DAY WHERE id = " +
          std::to_string(x_id));
    const std::string period = "?from=" + d + "&to=" + d;
    auto usage = s.call(s.port(), "GET", "/api/v1/stats/usage" + period, nullptr, admin);
    REQUIRE(usage.status == 200);

    // A manager must hand the role over first; a DELETE without the confirmation closes nothing.
    auto refused = s.call(s.port(), "DELETE", "/api/v1/me", json{{"confirm", true}}, mgr);
    CHECK(refused.status == 409);
    CHECK(error_code(refused) == "role_held");
    CHECK(error_code(s.call(s.port(), "DELETE", "/api/v1/me", json::object(), x)) == "validation");
    auto closed = s.call(s.port(), "DELETE", "/api/v1/me", json{{"confirm", true}}, x);
    REQUIRE(closed.status == 200);
    CHECK(closed.body["holds_released"] == 1);
    CHECK(closed.body["bookings_cancelled"] == 1);

    // Signed out everywhere; the halls free again for others.
    CHECK(s.call(s.port(), "GET", "/api/v1/me", nullptr, x).status == 401);
    CHECK(s.call(s.port(), "GET", "/api/v1/bookings/" + later, nullptr, mgr).body["status"] ==
          "cancelled");
    book(y, next, 16 * 60, "接着用", "close-y-2");
    CHECK(s.call(s.port(), "POST", "/api/v1/holds",
                 test::booking_body(venue, day, 18 * 60, 18 * 60 + 30, 8, ""), y)
              .status == 201);
    // The person is gone from the rows; the facts stay.
    const std::string id = std::to_string(x_id);
    CHECK(s.sql_value("SELECT CONCAT(openid, '|', name, '|', COALESCE(phone, '-')) FROM users "
                      "WHERE id = " +
                      id) == "closed:" + id + "||-");
    CHECK(s.sql_value("SELECT COUNT(*) FROM bookings WHERE purpose <> '' AND user_id = " + id) ==
          "0");
    CHECK(s.sql_value("SELECT COUNT(*) FROM attendance WHERE user_id = " + id) ==
          "2");  // own, scan
    CHECK(s.sql_value("SELECT COUNT(*) FROM notices WHERE user_id = " + id) == "0");
    CHECK(s.sql_value("SELECT COUNT(*) FROM idempotency_keys WHERE user_id = " + id) == "0");
    CHECK(s.sql_value("SELECT COUNT(*) FROM sessions WHERE revoked_at IS NULL AND user_id = " +
                      id) == "0");
    // Asked again past the statistics' one-minute cache, so that the answer is computed anew.
    s.advance_clock(120);
    CHECK(s.call(s.port(), "GET", "/api/v1/stats/usage" + period, nullptr, admin).body ==
          usage.body);
    auto ledger = s.call(s.port(), "GET", "/api/v1/stats/ledger" + period, nullptr, admin);
    REQUIRE(ledger.status == 200);
    CHECK(ledger.raw.find("已注销用户") != std::string::npos);
    CHECK(ledger.raw.find("注销者") == std::string::npos);  // neither the name nor the purposes
    CHECK(ledger.raw.find("13800001111") == std::string::npos);

    // The same WeChat user comes back: a new member, still banned until the week ends.
    auto [back, back_id] = s.login("closer:2");
    CHECK(back_id != x_id);
    auto me = s.call(s.port(), "GET", "/api/v1/me", nullptr, back);
    CHECK(me.body["name"] == "");
    CHECK(!me.body["banned_until"].is_null());
    auto again = s.call(s.port(), "POST", "/api/v1/bookings",
                        test::booking_body(venue, next, 19 * 60, 20 * 60, 8, "回来了"), back,
                        "Idempotency-Key: close-back-1\r\n");
    CHECK(again.status == 403);
    CHECK(error_code(again) == "banned");
    test::check_invariants(s.mysql(), {});
}

TEST_CASE(
    "a manager's and an admin's reads of other people's data leave a trace, which admins read "
    "for their scope; a member reading their own leaves none") {
    Stack s(own(), 19650, privacy_config());
    auto venue = test::make_hall(s, 1);
    REQUIRE(s.grant_role("openid-tracemgr", "manager", "--building-ids 1") == 0);
    REQUIRE(s.grant_role("openid-tracest1", "street_admin", "--street-id 1") == 0);
    REQUIRE(s.grant_role("openid-tracest2", "street_admin", "--street-id 2") == 0);
    REQUIRE(s.grant_role("openid-traced", "district_admin") == 0);
    auto [mgr, mgr_id] = s.login("tracemgr");
    auto [st1, st1_id] = s.login("tracest1");
    auto [st2, st2_id] = s.login("tracest2");
    auto [d, d_id] = s.login("traced");
    auto [m, m_id] = s.login("tracemember");
    REQUIRE(s.call(s.port(), "PATCH", "/api/v1/me", json{{"name", "楼管甲"}}, mgr).status == 200);
    auto made = s.call(s.port(), "POST", "/api/v1/bookings",
                       test::booking_body(venue, test::tomorrow(), 9 * 60, 10 * 60, 8, "学习"), m,
                       "Idempotency-Key: trace-1\r\n");
    REQUIRE(made.status == 201);
    const std::string booking = "/api/v1/bookings/" + std::to_string(made.body["id"].get<int>());
    CHECK(s.call(s.port(), "GET", booking, nullptr, m).status == 200);  // their own: no trace
    CHECK(s.call(s.port(), "GET", booking, nullptr, mgr).status == 200);
    CHECK(s.call(s.port(), "GET", "/api/v1/manage/bookings", nullptr, mgr).status == 200);
    const auto day = booking::to_local(std::chrono::system_clock::now()).date;
    const std::string today = booking::format_date(day);
    CHECK(
        s.call(s.port(), "GET", "/api/v1/stats/ledger?from=" + today + "&to=" + today, nullptr, st1)
            .status == 200);

    const std::string period = "?from=" + booking::format_date(booking::add_days(day, -1)) +
                               "&to=" + booking::format_date(booking::add_days(day, 1));
    auto street1 = s.call(s.port(), "GET", "/api/v1/audit/reads" + period, nullptr, st1);
    REQUIRE(street1.status == 200);
    REQUIRE(street1.body["items"].size() == 3);  // newest first
    CHECK(street1.body["items"][0]["action"] == "read_ledger");
    CHECK(street1.body["items"][0]["reader"]["id"] == st1_id);
    CHECK(street1.body["items"][0]["details"]["from"] == today);
    CHECK(street1.body["items"][1]["action"] == "read_bookings");
    CHECK(street1.body["items"][2]["action"] == "read_booking");
    CHECK(street1.body["items"][2]["reader"]["name"] == "楼管甲");
    CHECK(street1.body["items"][2]["reader"]["role"] == "manager");
    CHECK(street1.body["items"][2]["object"] == json{{"type", "booking"}, {"id", made.body["id"]}});
    // Another street's admin sees none of street 1's readers; the district sees them all.
    CHECK(s.call(s.port(), "GET", "/api/v1/audit/reads" + period, nullptr, st2).body["items"] ==
          json::array());
    CHECK(
        s.call(s.port(), "GET", "/api/v1/audit/reads" + period, nullptr, d).body["items"].size() ==
        3);
    auto member = s.call(s.port(), "GET", "/api/v1/audit/reads" + period, nullptr, m);
    CHECK(member.status == 403);
    CHECK(error_code(s.call(s.port(), "GET", "/api/v1/audit/reads?from=2026-01-02&to=2026-01-01",
                            nullptr, d)) == "validation");
}

namespace {

// Every figure the street office reads of a period, as the server answers it: usage by every
// grouping, the top lists, the sharing ledger and the booking ledger (CSV).
std::map<std::string, std::string> figures(Stack& s, std::uint16_t port, const std::string& token,
                                           const std::string& period) {
    std::map<std::string, std::string> out;
    std::vector<std::string> paths{"/api/v1/stats/top" + period + "&limit=10",
                                   "/api/v1/stats/sharing" + period,
                                   "/api/v1/stats/ledger" + period};
    for (const char* g : {"venue", "building", "street", "org", "branch", "unit", "day", "hour"})
        paths.push_back("/api/v1/stats/usage" + period + "&group_by=" + g);
    for (const auto& path : paths) {
        auto r = s.call(port, "GET", path, nullptr, token);
        CAPTURE(path);
        CHECK(r.status == 200);
        out[path] = r.raw;
    }
    return out;
}

}  // namespace

TEST_CASE(
    "a retention run over a year's history leaves every statistic and the ledger as they were, "
    "removes what the data map says goes, keeps the rest, and breaks no invariant") {
    Stack s(own(), 19660, privacy_config());
    const booking::Date today{2026, 6, 1};  // a year of history before it
    {
        mysql::Conn c(sql::mysql::get_mysql_driver_instance(), s.mysql());
        c.ensure_ready();
        mysql::seed_demo(c);
        REQUIRE(mysql::seed_history(c, 3000, today) > 2000);
    }
    auto at = [](int y, int m, int d) {
        return booking::to_timepoint(booking::Date{y, m, d}, 600);
    };
    auto sql_time = [](booking::TimePoint t) { return "'" + mysql::to_sql_datetime(t) + "'"; };
    // A session that expired long before the run, and one still live.
    s.set_clock(at(2026, 7, 1));
    auto [gone_token, gone_id] = s.login("signedinjuly");
    s.set_clock(at(2026, 8, 30));
    auto [admin, admin_id] = s.login("retentionadmin");
    REQUIRE(s.grant_role("openid-retentionadmin", "district_admin") == 0);
    // Phones: a member last seen 13 months before the run, one 4 months before, one who signed in
    // two days before (the sign-in itself set when).
    s.sql("UPDATE users SET phone = '13800000001', last_seen = " + sql_time(at(2025, 8, 1)) +
          " WHERE openid = 'seed-member-1'");
    s.sql("UPDATE users SET phone = '13800000002', last_seen = " + sql_time(at(2026, 5, 1)) +
          " WHERE openid = 'seed-member-2'");
    s.sql("UPDATE users SET phone = '13800000003' WHERE id = " + std::to_string(admin_id));
    CHECK(s.sql_value("SELECT last_seen FROM users WHERE id = " + std::to_string(admin_id)) ==
          "2026-08-30 10:00:00");
    // The audit log: an entry of 14 months before, one of 8 months before; closed accounts' bans
    // ended and in force.
    s.sql("INSERT INTO audit_log (actor_id, action, object_type, object_id, created_at) VALUES (" +
          std::to_string(admin_id) + ", 'read_ledger', 'ledger', 0, " + sql_time(at(2025, 7, 1)) +
          "), (" + std::to_string(admin_id) + ", 'read_ledger', 'ledger', 0, " +
          sql_time(at(2026, 1, 1)) + ")");
    s.sql("INSERT INTO closed_bans VALUES (REPEAT('a', 64), " + sql_time(at(2026, 8, 1)) +
          "), (REPEAT('b', 64), " + sql_time(at(2026, 10, 1)) + ")");

    s.set_clock(at(2026, 9, 1));
    const std::string period = "?from=2025-06-01&to=2026-05-31";
    auto before = figures(s, s.port(), admin, period);
    const std::string old_scans = "SELECT COUNT(*) FROM attendance WHERE scanned_at < " +
                                  sql_time(at(2026, 9, 1) - std::chrono::days(180));
    const std::string all_scans = "SELECT COUNT(*) FROM attendance";
    long long scans = std::stoll(s.sql_value(all_scans)), old = std::stoll(s.sql_value(old_scans));
    MESSAGE("history: " << s.sql_value("SELECT COUNT(*) FROM bookings") << " bookings, " << scans
                        << " scans, " << old << " of them older than 180 days");
    REQUIRE(old > 0);
    REQUIRE(scans > old);

    // The demo's history is written by the server's rules (a completed booking owns its quarters
    // and its member's check-in; a rejection, an expiry, a no-show was told): the invariants hold
    // before the run, and after it.
    const auto invariants_before = test::invariant_counts(s.mysql());
    for (const auto& [count, n] : invariants_before) {
        CAPTURE(count);
        CHECK(n == 0);
    }
    // Every completed booking had somebody there, its member first.
    CHECK(
        s.sql_value("SELECT COUNT(*) FROM bookings WHERE status = 'completed' AND (present < 1 OR "
                    "NOT EXISTS (SELECT 1 FROM attendance a WHERE a.booking_id = bookings.id AND "
                    "a.user_id = bookings.user_id))") == "0");
    auto run = s.run_job("retention");
    REQUIRE(run.status == 200);
    CHECK(run.body["changed"].get<long long>() >=
          old + 4);  // scans, a phone, an entry, a session, a ban

    // What the map says goes is gone.
    CHECK(s.sql_value(old_scans) == "0");
    CHECK(std::stoll(s.sql_value(all_scans)) == scans - old);
    CHECK(s.sql_value(
              "SELECT COUNT(*) FROM users WHERE openid = 'seed-member-1' AND phone IS NULL") ==
          "1");
    CHECK(s.sql_value("SELECT COUNT(*) FROM audit_log WHERE created_at < '2025-09-01'") == "0");
    CHECK(s.sql_value("SELECT COUNT(*) FROM sessions WHERE user_id = " + std::to_string(gone_id)) ==
          "0");
    CHECK(s.sql_value("SELECT COUNT(*) FROM closed_bans") == "1");
    // The rest stays.
    CHECK(s.sql_value("SELECT phone FROM users WHERE openid = 'seed-member-2'") == "13800000002");
    CHECK(s.sql_value("SELECT phone FROM users WHERE id = " + std::to_string(admin_id)) ==
          "13800000003");
    CHECK(s.sql_value("SELECT COUNT(*) FROM audit_log WHERE created_at = '2026-01-01 10:00:00'") ==
          "1");
    CHECK(s.call(s.port(), "GET", "/api/v1/me", nullptr, admin).status == 200);
    CHECK(s.call(s.port(), "GET", "/api/v1/me", nullptr, gone_token).status == 401);

    // Every figure as before, from an instance that has seen none of them (no cached answer).
    auto fresh = s.start_server();
    s.set_clock(at(2026, 9, 1));
    CHECK(figures(s, fresh, admin, period) == before);
    CHECK(test::invariant_counts(s.mysql()) == invariants_before);
    // A second run finds nothing more to remove.
    CHECK(s.run_job("retention").body["changed"] == 0);
}
