// The web console end to end: signing in by scanning a code (the nonce single-use, expiring and
// bound to the browser that asked), cookie sessions that refuse cross-site changes, and the
// console itself in Debian's headless chromium: sign-in through the fake flow, every chart drawn,
// a request approved — with screenshots kept under build/test-run.
#include <doctest/doctest.h>

#include <filesystem>

#include "tests/support/halls.hpp"
#include "tests/support/stack.hpp"

using namespace sh;
using nlohmann::json;
using test::error_code;
using test::Stack;

namespace {

test::OwnServices& own() {
    static test::OwnServices s("console-e2e", 13420, 16420);
    return s;
}

json console_config() {
    return json{
        {"http", {{"console_dir", std::string(SH_SOURCE_DIR) + "/console"}}},
        {"auth", {{"secure_cookies", false}}},
        {"rate_limit", {{"login_per_ip_per_minute", 0}, {"login_per_openid_per_minute", 0}}}};
}

// "name=value" of a Set-Cookie header.
std::string cookie_of(const test::ApiResult& r) {
    auto it = r.headers.find("set-cookie");
    if (it == r.headers.end()) return "";
    return it->second.substr(0, it->second.find(';'));
}

}  // namespace

TEST_CASE("console sign-in: the nonce works once, expires, and only for the browser that asked") {
    Stack s(own(), 18950, console_config());
    test::make_hall(s, 1);
    auto [phone, mgr_id] = s.login("consolemgr");
    auto [member, member_id] = s.login("consolemember");
    REQUIRE(s.grant_role("openid-consolemgr", "manager", "--building-ids 1") == 0);

    auto start = s.call(s.port(), "POST", "/api/v1/auth/web-login");
    REQUIRE(start.status == 200);
    std::string nonce = start.body["nonce"];
    CHECK(nonce.size() == 32);
    auto browser = cookie_of(start);
    REQUIRE(browser.rfind("sh_wl=", 0) == 0);
    CHECK(start.headers["set-cookie"].find("HttpOnly; SameSite=Strict") != std::string::npos);
    auto code = s.call(s.port(), "GET", "/api/v1/auth/web-login/" + nonce + "/code");
    CHECK(code.status == 200);
    CHECK(code.raw.substr(1, 3) == "PNG");

    auto poll = [&](const std::string& cookie) {
        return s.call(s.port(), "GET", "/api/v1/auth/web-login/" + nonce, nullptr, "",
                      cookie.empty() ? "" : "Cookie: " + cookie + "\r\n");
    };
    CHECK(poll(browser).body["status"] == "pending");
    CHECK(s.call(s.port(), "POST", "/api/v1/auth/web-login/" + nonce, nullptr, member).status ==
          403);  // members may not
    REQUIRE(s.call(s.port(), "POST", "/api/v1/auth/web-login/" + nonce, nullptr, phone).status ==
            200);
    CHECK(s.call(s.port(), "POST", "/api/v1/auth/web-login/" + nonce, nullptr, phone).status ==
          404);                     // once
    CHECK(poll("").status == 404);  // someone who only saw the code
    CHECK(poll("sh_wl=" + std::string(64, 'a')).status == 404);
    auto done = poll(browser);
    REQUIRE(done.status == 200);
    CHECK(done.body["status"] == "signed_in");
    CHECK(done.body["user"]["id"] == mgr_id);
    auto session = cookie_of(done);
    REQUIRE(session.rfind("sh_session=", 0) == 0);
    CHECK(done.headers["set-cookie"].find("Max-Age=28800") !=
          std::string::npos);            // 8 h, not the phone's week
    CHECK(poll(browser).status == 404);  // used up

    // The console's cookie session: reads work; a change needs X-Console (no cross-site posts).
    auto with = [&](const std::string& extra) { return "Cookie: " + session + "\r\n" + extra; };
    CHECK(s.call(s.port(), "GET", "/api/v1/me", nullptr, "", with("")).body["id"] == mgr_id);
    auto forged =
        s.call(s.port(), "POST", "/api/v1/venues/1/closures",
               json{{"from", "2030-01-01T08:00"}, {"to", "2030-01-01T09:00"}, {"reason", "x"}}, "",
               with(""));
    CHECK(forged.status == 403);
    CHECK(s.call(s.port(), "POST", "/api/v1/auth/logout", nullptr, "", with("X-Console: 1\r\n"))
              .status == 200);
    CHECK(s.call(s.port(), "GET", "/api/v1/me", nullptr, "", with("")).status == 401);

    // A nonce nobody confirmed expires after two minutes on the server's clock.
    auto late = s.call(s.port(), "POST", "/api/v1/auth/web-login");
    std::string late_nonce = late.body["nonce"];
    s.advance_clock(121);
    CHECK(s.call(s.port(), "POST", "/api/v1/auth/web-login/" + late_nonce, nullptr, phone).status ==
          404);
    CHECK(s.call(s.port(), "GET", "/api/v1/auth/web-login/" + late_nonce, nullptr, "",
                 "Cookie: " + cookie_of(late) + "\r\n")
              .status == 404);
}

TEST_CASE(
    "before confirming, the phone sees which browser asked: its address, a short description, "
    "when; members and spent codes learn nothing") {
    Stack s(own(), 18940, console_config());
    test::make_hall(s, 1);
    auto [phone, mgr_id] = s.login("ctxmgr");
    auto [member, member_id] = s.login("ctxmember");
    REQUIRE(s.grant_role("openid-ctxmgr", "manager", "--building-ids 1") == 0);
    auto start =
        s.call(s.port(), "POST", "/api/v1/auth/web-login", nullptr, "",
               "User-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
               "(KHTML, like Gecko) Chrome/120.0.6099.71 Safari/537.36 Edg/120.0.2210.61\r\n");
    REQUIRE(start.status == 200);
    std::string path = "/api/v1/auth/web-login/" + start.body["nonce"].get<std::string>();
    auto ctx = s.call(s.port(), "GET", path + "/context", nullptr, phone);
    REQUIRE(ctx.status == 200);
    CHECK(ctx.body["browser"] == "Edge 120 · Windows");
    CHECK(ctx.body["client_ip"] == "127.0.0.1");
    CHECK(ctx.body["asked_at"].get<std::string>().size() >= 16);
    CHECK(ctx.raw.find("Mozilla") == std::string::npos);  // the raw header is never kept
    CHECK(s.call(s.port(), "GET", path + "/context", nullptr, member).status == 403);
    CHECK(s.call(s.port(), "GET", path + "/context").status == 401);
    REQUIRE(s.call(s.port(), "POST", path, nullptr, phone).status == 200);
    CHECK(s.call(s.port(), "GET", path + "/context", nullptr, phone).status == 404);  // spent
    CHECK(s.call(s.port(), "GET", "/api/v1/auth/web-login/" + std::string(32, 'f') + "/context",
                 nullptr, phone)
              .status == 404);
}

TEST_CASE("a console's code costs WeChat one call however often it is viewed") {
    Stack s(own(), 18990, console_config());
    auto start = s.call(s.port(), "POST", "/api/v1/auth/web-login");
    REQUIRE(start.status == 200);
    std::string path = "/api/v1/auth/web-login/" + start.body["nonce"].get<std::string>() + "/code";
    auto before = s.fake_stats().value("getwxacodeunlimit", 0);
    auto first = s.call(s.port(), "GET", path);
    REQUIRE(first.status == 200);
    for (int i = 0; i < 49; ++i) {
        auto again = s.call(s.port(), "GET", path);
        REQUIRE(again.status == 200);
        CHECK(again.raw == first.raw);
    }
    CHECK(s.fake_stats().value("getwxacodeunlimit", 0) == before + 1);
}

TEST_CASE(
    "an address cannot ask for console sign-ins without end: their own limit, not the phones' "
    "sign-in's") {
    auto cfg = console_config();
    cfg["rate_limit"]["web_login_per_ip_per_minute"] = 2;
    Stack s(own(), 18970, cfg);
    CHECK(s.call(s.port(), "POST", "/api/v1/auth/web-login").status == 200);
    CHECK(s.call(s.port(), "POST", "/api/v1/auth/web-login").status == 200);
    auto third = s.call(s.port(), "POST", "/api/v1/auth/web-login");
    CHECK(third.status == 429);
    CHECK(error_code(third) == "rate_limited");
}

TEST_CASE(
    "the console in headless chromium: signs in through the fake flow, draws every chart, approves "
    "a request showing how long each waited, names every hall, pages the booking table and filters "
    "it by hall; the street's admin waives an appeal there") {
    if (!std::filesystem::exists(std::string(SH_SOURCE_DIR) +
                                 "/console/node_modules/playwright-core") ||
        !std::filesystem::exists("/usr/bin/chromium")) {
        FAIL("playwright-core or chromium missing: scripts/install-deps.sh installs both");
    }
    Stack s(own(), 18960, console_config());
    test::make_hall(s, 1, ", requires_approval", ", 1");
    auto [phone, mgr_id] = s.login("browsermgr");
    auto [member, member_id] = s.login("browsermember");
    REQUIRE(s.grant_role("openid-browsermgr", "manager", "--building-ids 1") == 0);
    s.set_clock(booking::to_timepoint(booking::add_days(test::tomorrow(), -1), 12 * 60));
    auto b = s.call(s.port(), "POST", "/api/v1/bookings",
                    test::booking_body(1, test::tomorrow(), 9 * 60, 10 * 60), member);
    REQUIRE(b.status == 201);
    REQUIRE(b.body["status"] == "pending");
    // The manager's own request, later that morning: shown without buttons, with why.
    auto own = s.call(s.port(), "POST", "/api/v1/bookings",
                      test::booking_body(1, test::tomorrow(), 11 * 60, 12 * 60), phone);
    REQUIRE(own.status == 201);
    REQUIRE(own.body["status"] == "pending");
    // 25 more halls in the building (two pages of the hall search), and 60 bookings of theirs
    // (two pages of the booking table), three of them in the last hall.
    for (std::uint64_t h = 2; h <= 26; ++h) test::make_hall(s, h);
    s.sql("UPDATE venues SET name = CONCAT('活动室', id) WHERE id BETWEEN 2 AND 25");
    s.sql("UPDATE venues SET name = '二十六号厅' WHERE id = 26");
    const auto day = booking::format_date(booking::add_days(test::tomorrow(), 1));
    for (int i = 0; i < 60; ++i) {
        const int hall = i < 3 ? 26 : 2 + i % 24;
        const auto at = booking::format_hhmm(i < 3 ? 12 * 60 + i * 60 : 6 * 60 + (i / 24) * 60);
        s.sql(
            "INSERT INTO bookings (venue_id, user_id, starts_at, ends_at, status, purpose, "
            "attendees) VALUES (" +
            std::to_string(hall) + ", " + std::to_string(member_id) + ", '" + day + " " + at +
            ":00', '" + day + " " + at + ":00' + INTERVAL 30 MINUTE, 'confirmed', '支部学习', 8)");
    }
    // Two no-shows of the member's, appealed: the street's admin decides them in the console.
    auto [admin, admin_id] = s.login("browseradmin");
    REQUIRE(s.grant_role("openid-browseradmin", "street_admin", "--street-id 1") == 0);
    std::vector<std::string> violations;
    for (const char* reason : {"那天突发高烧", "路上堵车，到时已过签到时间"}) {
        const auto booking = s.sql_value(
            "SELECT MIN(id) FROM bookings WHERE venue_id BETWEEN 2 AND 25 "
            "AND id NOT IN (SELECT booking_id FROM violations)");
        s.sql(
            "INSERT INTO violations (user_id, booking_id, kind, weight_milli, created_at) VALUES "
            "(" +
            std::to_string(member_id) + ", " + booking + ", 'no_show', 1000, NOW())");
        violations.push_back(
            s.sql_value("SELECT id FROM violations WHERE booking_id = " + booking));
        REQUIRE(s.call(s.port(), "POST", "/api/v1/violations/" + violations.back() + "/appeal",
                       json{{"reason", reason}}, member)
                    .status == 201);
    }
    std::string out;
    int rc = test::run_command(
        {"/usr/bin/env", "node", std::string(SH_SOURCE_DIR) + "/console/test/drive.mjs",
         std::to_string(s.port()), phone, SH_TEST_RUN_DIR, "二十六号厅", admin},
        {}, out);
    CAPTURE(out);
    REQUIRE(rc == 0);
    CHECK(out.find("\"approved\":" + std::to_string(b.body["id"].get<std::uint64_t>())) !=
          std::string::npos);
    CHECK(out.find("\"own_requests\":[\"本人申请，须由其他管理员审批\"]") != std::string::npos);
    // The badge of the requests waiting, and how long the oldest has (both start tomorrow morning,
    // within a day of the server's noon).
    CHECK(out.find("\"badge\":\"2\"") != std::string::npos);
    CHECK(out.find("\"oldest\":\"最早的申请已等不到 1 小时，其中 2 条一天内就要开始。\"") !=
          std::string::npos);
    CHECK(out.find("\"waits\":[\"不到 1 小时\",\"不到 1 小时\"],\"appeals_for_manager\":false") !=
          std::string::npos);
    // The admin reads both appeals with why, keeping needs a word, the first (oldest) is waived.
    CHECK(out.find("\"appeal_reasons\":[\"那天突发高烧\",\"路上堵车，到时已过签到时间\"],"
                   "\"appeals_badge\":\"2\",\"kept_without_word\":1,\"waived\":" +
                   violations[0] + "}") != std::string::npos);
    CHECK(s.sql_value("SELECT CONCAT(appeal_outcome, ' ', waived_at IS NOT NULL) FROM violations "
                      "WHERE id = " +
                      violations[0]) == "waived 1");
    CHECK(s.call(s.port(), "GET",
                 "/api/v1/bookings/" + std::to_string(b.body["id"].get<std::uint64_t>()), nullptr,
                 member)
              .body["status"] == "confirmed");
    // Every hall by name; 62 bookings as 50 and 12; the last hall's three alone.
    CHECK(out.find("\"unnamed_halls\":0,") != std::string::npos);
    CHECK(out.find("\"page1_rows\":50,\"page2_rows\":12,") != std::string::npos);
    CHECK(out.find("\"one_hall\":[\"二十六号厅\"],\"one_hall_rows\":3") != std::string::npos);
    for (const char* shot :
         {"console-1-login.png", "console-2-dashboard.png", "console-3-approved.png",
          "console-4-one-hall.png", "console-5-appeals.png"})
        CHECK(std::filesystem::file_size(std::string(SH_TEST_RUN_DIR) + "/" + shot) > 1000);
}
