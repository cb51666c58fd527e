// The rest of a booking's day end to end: real sharedhall processes, MariaDB, Redis and the
// fake WeChat, the servers' clock moved by the test. Book, approve, remind, check in with the
// hall's code, attendees scan, complete — or no-show, violation, ban — with the messages the
// fake received asserted; the outbox across kill -9 and two instances; the content check.
#include <doctest/doctest.h>

#include <future>

#include <map>

#include "booking/calendar.hpp"
#include "tests/support/halls.hpp"
#include "tests/support/invariants.hpp"
#include "tests/support/stack.hpp"

using namespace sh;
using nlohmann::json;
using test::ApiResult;
using test::error_code;
using test::Stack;

namespace {

test::OwnServices& own() {
    static test::OwnServices s("day-e2e", 13417, 16418);
    return s;
}

// No login limits, room in the quotas. The tests run the timed jobs themselves, on the clock they
// set (Stack::run_job; the servers have no timers).
json day_config() {
    return {{"rate_limit", {{"login_per_ip_per_minute", 0}, {"login_per_openid_per_minute", 0}}},
            {"booking",
             {{"max_active_per_user", 100},
              {"max_per_user_per_day", 100},
              {"max_minutes_per_user_per_week", 10080}}},
            {"test", {{"manual_jobs", true}}}};
}

// Runs the jobs in order, as their timers would (each answers 200 or the test fails).
void run_jobs(Stack& s, std::initializer_list<const char*> jobs) {
    for (const char* j : jobs) REQUIRE(s.run_job(j).status == 200);
}

const char* templates[] = {"tmpl-booking-result", "tmpl-booking-cancelled", "tmpl-booking-reminder",
                           "tmpl-booking-violation"};

using test::tomorrow;

// Hall 1 of building 1 (street 1), see tests/support/halls.hpp.
void make_hall(Stack& s, bool requires_approval = false) {
    test::make_hall(s, 1, ", requires_approval", requires_approval ? ", 1" : ", 0");
}

json booking_body(booking::Date d, int start, int end, const std::string& purpose = "组织生活会") {
    return test::booking_body(1, d, start, end, 10, purpose);
}

booking::TimePoint at(booking::Date d, int minute) {
    return booking::to_timepoint(d, minute);
}

// The messages the fake accepted for one openid, as "template phrase3".
std::vector<std::string> messages_to(Stack& s, const std::string& openid) {
    std::vector<std::string> out;
    auto received = s.fake_received();  // kept: a range over a temporary's member would dangle
    for (const auto& m : received["messages"])
        if (m["touser"] == openid)
            out.push_back(m["template_id"].get<std::string>() + " " +
                          m["data"]["phrase3"]["value"].get<std::string>());
    return out;
}

bool has(const std::vector<std::string>& v, const std::string& x) {
    return std::find(v.begin(), v.end(), x) != v.end();
}

std::string status_of(Stack& s, std::uint64_t id, const std::string& token) {
    return s.call(s.port(), "GET", "/api/v1/bookings/" + std::to_string(id), nullptr, token)
        .body["status"]
        .get<std::string>();
}

void consent_to_all(Stack& s, const std::string& token, int times = 3) {
    for (int i = 0; i < times; ++i) {
        json ids = json::array();
        for (auto* t : templates) ids.push_back(t);
        REQUIRE(
            s.call(s.port(), "POST", "/api/v1/me/subscriptions", json{{"template_ids", ids}}, token)
                .status == 200);
    }
    // What the phone shows beside the button: the messages each template may still send.
    auto banked = s.call(s.port(), "GET", "/api/v1/me/subscriptions", nullptr, token);
    REQUIRE(banked.status == 200);
    for (auto* t : templates) CHECK(banked.body["banked"][t] == times);
}

}  // namespace

TEST_CASE(
    "a booking's whole day: approved, reminded, checked in with the hall's code, attendees "
    "counted, completed; "
    "another not attended: released, counted, banned after three") {
    Stack s(own(), 18800, day_config());
    make_hall(s, /*requires_approval=*/true);
    auto [member, member_id] = s.login("dayuser");
    auto [mgr, mgr_id] = s.login("daymgr");
    auto [a1, a1_id] = s.login("attendee1");
    auto [a2, a2_id] = s.login("attendee2");
    auto [walker, walker_id] = s.login("walkin");
    REQUIRE(s.grant_role("openid-daymgr", "manager", "--building-ids 1") == 0);
    consent_to_all(s, member, 5);
    const auto d = tomorrow();
    s.set_clock(at(booking::add_days(d, -1), 12 * 60));

    // Book and approve: the member is told.
    auto b = s.call(s.port(), "POST", "/api/v1/bookings", booking_body(d, 9 * 60, 10 * 60), member);
    REQUIRE(b.status == 201);
    CHECK(b.body["status"] == "pending");
    auto id = b.body["id"].get<std::uint64_t>();
    REQUIRE(s.call(s.port(), "POST", "/api/v1/bookings/" + std::to_string(id) + "/approve", nullptr,
                   mgr)
                .status == 200);
    run_jobs(s, {"deliver_notices"});
    CHECK(has(messages_to(s, "openid-dayuser"), "tmpl-booking-result 已通过"));

    // The hall's code: its managers get it and the mini-program code for the check-in page.
    auto code = s.call(s.port(), "GET", "/api/v1/venues/1/checkin-code", nullptr, mgr);
    REQUIRE(code.status == 200);
    std::string venue_code = code.body["venue_code"];
    CHECK(venue_code.size() == 24);
    CHECK(s.call(s.port(), "GET", "/api/v1/venues/1/checkin-code", nullptr, member).status == 403);
    auto png = s.call(s.port(), "GET", "/api/v1/venues/1/qrcode", nullptr, mgr);
    REQUIRE(png.status == 200);
    CHECK(png.raw.substr(1, 3) == "PNG");
    CHECK(s.call(s.port(), "GET", "/api/v1/venues/1/qrcode", nullptr, mgr).raw == png.raw);
    auto codes = s.fake_received()["codes"];
    REQUIRE(codes.size() == 1);  // made once, then kept
    CHECK(codes[0]["scene"] == venue_code);
    CHECK(codes[0]["page"] == "pages/checkin/index");

    // A second booking the member will not come to, and nothing else.
    auto missed =
        s.call(s.port(), "POST", "/api/v1/bookings", booking_body(d, 14 * 60, 15 * 60), member);
    REQUIRE(missed.status == 201);
    auto missed_id = missed.body["id"].get<std::uint64_t>();
    REQUIRE(s.call(s.port(), "POST", "/api/v1/bookings/" + std::to_string(missed_id) + "/approve",
                   nullptr, mgr)
                .status == 200);

    // An hour before: the reminder.
    s.set_clock(at(d, 8 * 60 + 5));
    run_jobs(s, {"send_reminders", "deliver_notices"});
    CHECK(has(messages_to(s, "openid-dayuser"), "tmpl-booking-reminder 即将开始"));

    // Check in inside the window with the hall's code; attendees scan, each counted once.
    s.set_clock(at(d, 8 * 60 + 50));
    auto checkin = s.call(s.port(), "POST", "/api/v1/bookings/" + std::to_string(id) + "/checkin",
                          json{{"venue_code", venue_code}}, member);
    REQUIRE(checkin.status == 200);
    CHECK(checkin.body["status"] == "checked_in");
    s.set_clock(at(d, 9 * 60 + 5));
    auto scan = [&](const std::string& token) {
        return s.call(s.port(), "POST", "/api/v1/checkins", json{{"venue_code", venue_code}},
                      token);
    };
    CHECK(scan(a1).status == 201);
    auto second = scan(a2);
    CHECK(second.status == 201);
    CHECK(second.body["present"] == 3);  // the member and two attendees
    CHECK(scan(a1).status == 200);       // again: not counted twice
    CHECK(scan(a1).body["present"] == 3);

    // After the end: completed, with who was there.
    s.set_clock(at(d, 10 * 60 + 1));
    run_jobs(s, {"complete_bookings"});
    CHECK(status_of(s, id, member) == "completed");
    CHECK(s.call(s.port(), "GET", "/api/v1/bookings/" + std::to_string(id), nullptr, member)
              .body["present"] == 3);

    // The afternoon booking: nobody checks in; after the window it is released and counted.
    s.set_clock(at(d, 14 * 60 + 16));
    run_jobs(s, {"release_no_shows", "deliver_notices"});
    CHECK(status_of(s, missed_id, member) == "no_show");
    CHECK(has(messages_to(s, "openid-dayuser"), "tmpl-booking-violation 未签到"));
    auto me = s.call(s.port(), "GET", "/api/v1/me", nullptr, member).body;
    REQUIRE(me["violations"].size() == 1);
    CHECK(me["violations"][0]["kind"] == "no_show");
    CHECK(me["banned_until"].is_null());
    // The rest of that hour can be booked by someone walking in.
    CHECK(
        s.call(s.port(), "POST", "/api/v1/bookings", booking_body(d, 14 * 60 + 30, 15 * 60), walker)
            .status == 201);

    // Two more no-shows within 30 days: banned for 14 days, told, and refused.
    for (int day : {2, 3}) {
        auto dd = booking::add_days(d, day);
        s.set_clock(at(booking::add_days(dd, -1), 12 * 60));
        auto x =
            s.call(s.port(), "POST", "/api/v1/bookings", booking_body(dd, 9 * 60, 10 * 60), member);
        REQUIRE(x.status == 201);
        REQUIRE(s.call(s.port(), "POST",
                       "/api/v1/bookings/" + std::to_string(x.body["id"].get<std::uint64_t>()) +
                           "/approve",
                       nullptr, mgr)
                    .status == 200);
        s.set_clock(at(dd, 9 * 60 + 16));
        run_jobs(s, {"release_no_shows"});
        CHECK(status_of(s, x.body["id"], member) == "no_show");
    }
    run_jobs(s, {"deliver_notices"});
    CHECK(has(messages_to(s, "openid-dayuser"), "tmpl-booking-violation 暂停预约"));
    me = s.call(s.port(), "GET", "/api/v1/me", nullptr, member).body;
    CHECK(me["violations"].size() == 3);
    CHECK(me["banned_until"].is_string());
    auto refused = s.call(s.port(), "POST", "/api/v1/bookings",
                          booking_body(booking::add_days(d, 5), 9 * 60, 10 * 60), member);
    CHECK(refused.status == 403);
    CHECK(error_code(refused) == "banned");

    // The street's admin waives one: the ban is lifted at once.
    auto [admin, admin_id] = s.login("streetadmin");
    REQUIRE(s.grant_role("openid-streetadmin", "street_admin", "--street-id 1") == 0);
    auto waived =
        s.call(s.port(), "POST",
               "/api/v1/violations/" +
                   std::to_string(me["violations"][0]["id"].get<std::uint64_t>()) + "/waive",
               nullptr, admin);
    REQUIRE(waived.status == 200);
    CHECK(waived.body["ban_lifted"] == true);
    CHECK(s.call(s.port(), "GET", "/api/v1/me", nullptr, member).body["banned_until"].is_null());
    CHECK(s.call(s.port(), "POST", "/api/v1/bookings",
                 booking_body(booking::add_days(d, 5), 9 * 60, 10 * 60), member)
              .status == 201);
}

TEST_CASE("check-in window edges on the server's clock, a wrong hall, and a rotated code") {
    Stack s(own(), 18810, day_config());
    make_hall(s);
    s.sql(
        "INSERT INTO venues (id, building_id, name, capacity, description, photos, slot_minutes, "
        "horizon_days, "
        "release_minute, min_minutes, max_minutes, cancel_deadline_minutes, "
        "checkin_before_minutes, checkin_after_minutes) "
        "VALUES (2, 2, '越洋会议室', 20, '', '[]', 15, 14, 0, 15, 120, 120, 15, 15)");
    auto [member, member_id] = s.login("edge");
    auto [other, other_id] = s.login("edgeother");
    auto [mgr, mgr_id] = s.login("edgemgr");
    auto [mgr2, mgr2_id] = s.login("edgemgr2");
    REQUIRE(s.grant_role("openid-edgemgr", "manager", "--building-ids 1") == 0);
    REQUIRE(s.grant_role("openid-edgemgr2", "manager", "--building-ids 2") == 0);
    const auto d = tomorrow();
    s.set_clock(at(booking::add_days(d, -1), 12 * 60));
    auto id = std::to_string(
        s.call(s.port(), "POST", "/api/v1/bookings", booking_body(d, 9 * 60, 10 * 60), member)
            .body["id"]
            .get<std::uint64_t>());
    std::string code1 =
        s.call(s.port(), "GET", "/api/v1/venues/1/checkin-code", nullptr, mgr).body["venue_code"];
    std::string code2 =
        s.call(s.port(), "GET", "/api/v1/venues/2/checkin-code", nullptr, mgr2).body["venue_code"];
    CHECK(s.call(s.port(), "GET", "/api/v1/venues/1/checkin-code", nullptr, mgr2).status ==
          403);  // another building's manager
    auto checkin = [&](const std::string& code, const std::string& token) {
        return s.call(s.port(), "POST", "/api/v1/bookings/" + id + "/checkin",
                      json{{"venue_code", code}}, token);
    };
    s.set_clock(at(d, 8 * 60 + 44) + std::chrono::seconds(59));  // one second before the window
    auto early = checkin(code1, member);
    CHECK(early.status == 422);
    CHECK(error_code(early) == "checkin_window_closed");
    CHECK(early.body["error"]["details"]["opens_at"] ==
          booking::format_date(d) + "T08:45:00+08:00");
    s.set_clock(at(d, 8 * 60 + 45));
    CHECK(error_code(checkin(code2, member)) == "wrong_venue");
    CHECK(checkin(code1, other).status == 404);
    // Rotated: the printed code stops working at once.
    auto rotated = s.call(s.port(), "POST", "/api/v1/venues/1/checkin-code/rotate", nullptr, mgr);
    REQUIRE(rotated.status == 200);
    CHECK(error_code(checkin(code1, member)) == "wrong_venue");
    auto ok = checkin(rotated.body["venue_code"], member);
    CHECK(ok.status == 200);
    CHECK(ok.body["status"] == "checked_in");

    // The other edge: one second inside the window's end, and one second past it (the server's
    // clock runs on from where it is set, so "inside" is set a second early).
    s.set_clock(at(booking::add_days(d, -1), 12 * 60));
    auto late_id = std::to_string(
        s.call(s.port(), "POST", "/api/v1/bookings", booking_body(d, 11 * 60, 12 * 60), member)
            .body["id"]
            .get<std::uint64_t>());
    auto late_id2 = std::to_string(
        s.call(s.port(), "POST", "/api/v1/bookings", booking_body(d, 13 * 60, 14 * 60), member)
            .body["id"]
            .get<std::uint64_t>());
    std::string code = rotated.body["venue_code"];
    s.set_clock(at(d, 11 * 60 + 14) + std::chrono::seconds(59));
    CHECK(s.call(s.port(), "POST", "/api/v1/bookings/" + late_id + "/checkin",
                 json{{"venue_code", code}}, member)
              .status == 200);
    s.set_clock(at(d, 13 * 60 + 15) + std::chrono::seconds(1));
    CHECK(error_code(s.call(s.port(), "POST", "/api/v1/bookings/" + late_id2 + "/checkin",
                            json{{"venue_code", code}}, member)) == "checkin_window_closed");
}

TEST_CASE(
    "the outbox survives kill -9 between commit and send: another instance delivers it, once") {
    Stack s(own(), 18820, day_config());  // server 0 never gets round to sending: no timers
    make_hall(s, /*requires_approval=*/true);
    auto [member, member_id] = s.login("crash");
    auto [mgr, mgr_id] = s.login("crashmgr");
    REQUIRE(s.grant_role("openid-crashmgr", "manager", "--building-ids 1") == 0);
    consent_to_all(s, member);
    const auto d = tomorrow();
    s.set_clock(at(booking::add_days(d, -1), 12 * 60));
    auto id = std::to_string(
        s.call(s.port(), "POST", "/api/v1/bookings", booking_body(d, 9 * 60, 10 * 60), member)
            .body["id"]
            .get<std::uint64_t>());
    REQUIRE(s.call(s.port(), "POST", "/api/v1/bookings/" + id + "/reject",
                   json{{"reason", "场地另有安排"}}, mgr)
                .status == 200);
    s.kill_server(0);  // committed, never sent
    CHECK(messages_to(s, "openid-crash").empty());
    s.start_server();
    s.set_clock(at(booking::add_days(d, -1),
                   12 * 60 + 1));  // the new instance's clock where the old one's was
    run_jobs(s, {"deliver_notices"});
    CHECK(messages_to(s, "openid-crash").size() == 1);
    auto received = s.fake_received()["messages"];
    CHECK(received[0]["data"]["thing4"]["value"] ==
          "场地另有安排");  // the reason, as the manager wrote it
    CHECK(received[0]["page"] == "pages/booking/detail?id=" + id);
    // Nothing more comes, however long the server's clock runs on.
    s.advance_clock(3600);
    run_jobs(s, {"deliver_notices"});
    CHECK(messages_to(s, "openid-crash").size() == 1);
}

TEST_CASE(
    "two instances running each job at the same moment, Redis down, make each transition and send "
    "each message once") {
    Stack s(own(), 18830, day_config());
    s.start_server();
    make_hall(s);
    auto [member, member_id] = s.login("twice");
    const auto d = tomorrow();
    s.sql("INSERT INTO subscriptions (user_id, template_id, consents) VALUES (" +
          std::to_string(member_id) + ", 'tmpl-booking-violation', 100), (" +
          std::to_string(member_id) + ", 'tmpl-booking-reminder', 100)");
    s.set_clock(at(booking::add_days(d, -1), 12 * 60));
    std::vector<std::uint64_t> ids;
    for (int i = 0; i < 12; ++i) {
        auto r = s.call(s.port(i % 2), "POST", "/api/v1/bookings",
                        booking_body(d, 8 * 60 + i * 30, 8 * 60 + i * 30 + 15), member);
        REQUIRE(r.status == 201);
        ids.push_back(r.body["id"]);
    }
    own().stop("redis");
    // Both instances run each job at once, as their timers do when their due times agree.
    auto on_both = [&](std::initializer_list<const char*> jobs) {
        for (const char* j : jobs) {
            auto other = std::async(std::launch::async, [&] { return s.run_job(j, 1).status; });
            CHECK(s.run_job(j, 0).status == 200);
            CHECK(other.get() == 200);
        }
    };
    s.set_clock(at(d, 7 * 60 + 30));  // the first bookings due for their reminders
    on_both({"send_reminders", "deliver_notices"});
    s.set_clock(at(d, 18 * 60));  // then every one a no-show
    on_both({"release_no_shows", "deliver_notices"});
    for (auto id : ids) CHECK(status_of(s, id, member) == "no_show");
    own().start("redis");
    s.advance_clock(600);  // more rounds on both change nothing
    on_both({"send_reminders", "release_no_shows", "deliver_notices"});
    std::map<std::string, int> per_booking;
    auto received = s.fake_received();
    for (const auto& m : received["messages"])
        ++per_booking[m["page"].get<std::string>() + " " +
                      m["data"]["phrase3"]["value"].get<std::string>()];
    int no_show_messages = 0;
    for (const auto& [key, n] : per_booking) {
        CAPTURE(key);
        CHECK(n == 1);
        no_show_messages += key.find("未签到") != std::string::npos;
    }
    CHECK(no_show_messages == 12);
    auto me = s.call(s.port(), "GET", "/api/v1/me", nullptr, member).body;
    CHECK(me["violations"].size() == 12);  // one per booking, though two instances saw each
}

TEST_CASE(
    "43101 ends a message for good; a rejected purpose is 422, a doubtful one waits for a "
    "manager") {
    Stack s(own(), 18840, day_config());
    make_hall(s, /*requires_approval=*/true);
    auto [member, member_id] = s.login("content");
    auto [mgr, mgr_id] = s.login("contentmgr");
    REQUIRE(s.grant_role("openid-contentmgr", "manager", "--building-ids 1") == 0);
    consent_to_all(s, member, 1);
    const auto d = tomorrow();
    s.set_clock(at(booking::add_days(d, -1), 12 * 60));
    s.inject("subscribe_send", 43101);
    auto id = std::to_string(
        s.call(s.port(), "POST", "/api/v1/bookings", booking_body(d, 9 * 60, 10 * 60), member)
            .body["id"]
            .get<std::uint64_t>());
    REQUIRE(s.call(s.port(), "POST", "/api/v1/bookings/" + id + "/approve", nullptr, mgr).status ==
            200);
    run_jobs(s, {"deliver_notices"});
    CHECK(s.fake_stats().value("subscribe_send", 0) == 1);
    s.advance_clock(7200);  // past every retry delay
    run_jobs(s, {"deliver_notices"});
    CHECK(s.fake_stats().value("subscribe_send", 0) == 1);  // never retried
    CHECK(messages_to(s, "openid-content").empty());

    s.sql("UPDATE venues SET requires_approval = 0 WHERE id = 1");
    auto risky = s.call(s.port(), "POST", "/api/v1/bookings",
                        booking_body(d, 11 * 60, 12 * 60, "RISKY 内容"), member);
    CHECK(risky.status == 422);
    CHECK(error_code(risky) == "content_rejected");
    auto review = s.call(s.port(), "POST", "/api/v1/bookings",
                         booking_body(d, 11 * 60, 12 * 60, "REVIEW 请人看看"), member);
    CHECK(review.status == 201);
    CHECK(review.body["status"] == "pending");
    s.inject("msg_sec_check", -1, 0,
             1);  // WeChat busy: the booking waits for a manager rather than failing
    auto busy = s.call(s.port(), "POST", "/api/v1/bookings",
                       booking_body(d, 13 * 60, 14 * 60, "第三次读书会"), member);
    CHECK(busy.status == 201);
    CHECK(busy.body["status"] == "pending");
    auto pass = s.call(s.port(), "POST", "/api/v1/bookings",
                       booking_body(d, 15 * 60, 16 * 60, "支部学习"), member);
    CHECK(pass.body["status"] == "confirmed");
    auto checks = s.fake_received()["content_checks"];
    REQUIRE(checks.size() >= 3);
    CHECK(checks[0]["openid"] == "openid-content");
    CHECK(checks[0]["scene"] == 2);
}

namespace {

using test::notice_kinds;

// A no-show of `member` on day `d` at `start` (the release job run 16 minutes in): its
// violation's id.
std::string no_show(Stack& s, const std::string& member, booking::Date d, int start) {
    s.set_clock(at(booking::add_days(d, -1), 12 * 60));
    auto b =
        s.call(s.port(), "POST", "/api/v1/bookings", booking_body(d, start, start + 60), member);
    REQUIRE(b.status == 201);
    s.freeze_clock(at(d, start + 16));  // the violation's second is known: its 7 days are exact
    run_jobs(s, {"release_no_shows"});
    auto id = b.body["id"].get<std::uint64_t>();
    return s.sql_value("SELECT id FROM violations WHERE booking_id = " + std::to_string(id));
}

}  // namespace

TEST_CASE(
    "a member appeals a no-show within 7 days: the street's admin sees it with the reason, waives "
    "it or keeps it with a word, and the member is told; others cannot appeal or decide; after 7 "
    "days it is too late; the statistics count the appeals") {
    Stack s(own(), 19070, day_config());
    make_hall(s);
    auto d = tomorrow();
    auto [member, member_id] = s.login("appealer");
    auto [other, other_id] = s.login("bystander");
    auto [admin, admin_id] = s.login("appealadmin");
    REQUIRE(s.grant_role("openid-appealadmin", "street_admin", "--street-id 1") == 0);
    auto [far_admin, far_id] = s.login("faradmin");
    REQUIRE(s.grant_role("openid-faradmin", "street_admin", "--street-id 2") == 0);
    auto [mgr, mgr_id] = s.login("appealmgr");
    REQUIRE(s.grant_role("openid-appealmgr", "manager", "--building-ids 1") == 0);

    const auto first = no_show(s, member, d, 9 * 60);
    const auto appeal = "/api/v1/violations/" + first + "/appeal";
    auto me = s.call(s.port(), "GET", "/api/v1/me", nullptr, member).body;
    REQUIRE(me["violations"].size() == 1);
    CHECK(me["violations"][0]["appeal"].is_null());
    CHECK(me["violations"][0]["appeal_until"] ==
          booking::to_iso(booking::to_timepoint(d, 9 * 60 + 16) + std::chrono::hours(24 * 7)));

    // Only its member appeals, with a reason, once.
    CHECK(s.call(s.port(), "POST", appeal, json{{"reason", "我替他申诉"}}, other).status == 404);
    CHECK(error_code(s.call(s.port(), "POST", appeal, json{{"reason", "  "}}, member)) ==
          "validation");
    auto filed =
        s.call(s.port(), "POST", appeal, json{{"reason", "家人突发急病，来不及取消"}}, member);
    REQUIRE(filed.status == 201);
    CHECK(filed.body["appeal"] == "pending");
    CHECK(error_code(s.call(s.port(), "POST", appeal, json{{"reason", "再说一次"}}, member)) ==
          "invalid_state");
    CHECK(notice_kinds(s, admin) == std::vector<std::string>{"appeal_filed"});

    // The street's admin sees it, with the member's name and reason (never a phone); the other
    // street's admin does not; managers and members are not shown the list.
    auto list = s.call(s.port(), "GET", "/api/v1/appeals", nullptr, admin);
    REQUIRE(list.status == 200);
    REQUIRE(list.body["items"].size() == 1);
    const auto& item = list.body["items"][0];
    CHECK(item["reason"] == "家人突发急病，来不及取消");
    CHECK(item["status"] == "pending");
    CHECK(item["member"]["id"] == member_id);
    CHECK(item["booking"]["start"] == "09:00");
    CHECK(item.dump().find("phone") == std::string::npos);
    CHECK(s.call(s.port(), "GET", "/api/v1/appeals", nullptr, far_admin).body["items"].empty());
    CHECK(s.call(s.port(), "GET", "/api/v1/appeals", nullptr, mgr).status == 403);
    CHECK(s.call(s.port(), "GET", "/api/v1/appeals", nullptr, member).status == 403);
    CHECK(error_code(s.call(s.port(), "GET", "/api/v1/appeals?status=old", nullptr, admin)) ==
          "validation");

    // Deciding: the manager sees it but does not decide; the other street cannot see it; keeping
    // needs a word to the member; the admin waives it.
    const auto decision = appeal + "/decision";
    CHECK(s.call(s.port(), "POST", decision, json{{"waive", true}}, mgr).status == 403);
    CHECK(s.call(s.port(), "POST", decision, json{{"waive", true}}, far_admin).status == 404);
    CHECK(error_code(s.call(s.port(), "POST", decision, json{{"waive", false}}, admin)) ==
          "validation");
    CHECK(error_code(s.call(s.port(), "POST", decision, json::object(), admin)) == "validation");
    auto waived = s.call(s.port(), "POST", decision, json{{"waive", true}}, admin);
    REQUIRE(waived.status == 200);
    CHECK(waived.body["appeal"] == "waived");
    CHECK(waived.body["waived"] == true);
    CHECK(error_code(s.call(s.port(), "POST", decision, json{{"waive", true}}, admin)) ==
          "invalid_state");
    me = s.call(s.port(), "GET", "/api/v1/me", nullptr, member).body;
    CHECK(me["violations"][0]["waived"] == true);
    CHECK(me["violations"][0]["appeal"] == "waived");
    CHECK(notice_kinds(s, member).front() == "appeal_waived");
    CHECK(s.call(s.port(), "GET", "/api/v1/appeals", nullptr, admin).body["items"].empty());
    CHECK(s.call(s.port(), "GET", "/api/v1/appeals?status=all", nullptr, admin)
              .body["items"][0]["status"] == "waived");

    // A second no-show, appealed and kept: the member reads why.
    const auto second = no_show(s, member, booking::add_days(d, 1), 9 * 60);
    REQUIRE(s.call(s.port(), "POST", "/api/v1/violations/" + second + "/appeal",
                   json{{"reason", "忘记了"}}, member)
                .status == 201);
    auto kept = s.call(s.port(), "POST", "/api/v1/violations/" + second + "/appeal/decision",
                       json{{"waive", false}, {"note", "未说明原因，违约保留"}}, admin);
    REQUIRE(kept.status == 200);
    CHECK(kept.body["waived"] == false);
    me = s.call(s.port(), "GET", "/api/v1/me", nullptr, member).body;
    CHECK(me["violations"][0]["appeal"] == "kept");
    CHECK(me["violations"][0]["appeal_note"] == "未说明原因，违约保留");
    CHECK(me["violations"][0]["waived"] == false);
    auto notices = s.call(s.port(), "GET", "/api/v1/me/notices", nullptr, member).body;
    CHECK(notices["items"][0]["kind"] == "appeal_kept");
    CHECK(notices["items"][0]["note"] == "未说明原因，违约保留");

    // A third, appealed 8 days later: too late, and the answer says until when.
    const auto third = no_show(s, member, booking::add_days(d, 2), 9 * 60);
    s.set_clock(at(booking::add_days(d, 10), 12 * 60));
    member = s.login("appealer:again").first;  // the sessions of 10 days ago have expired
    admin = s.login("appealadmin:again").first;
    auto late = s.call(s.port(), "POST", "/api/v1/violations/" + third + "/appeal",
                       json{{"reason", "当时生病"}}, member);
    CHECK(late.status == 422);
    CHECK(error_code(late) == "too_late_to_appeal");
    CHECK(late.body["error"]["details"]["until"].is_string());

    // Audited, and counted by the statistics of the bookings' days.
    CHECK(s.sql_value("SELECT COUNT(*) FROM audit_log WHERE action IN ('appeal_violation', "
                      "'decide_appeal')") == "4");
    auto stats = s.call(s.port(), "GET",
                        "/api/v1/stats/usage?group_by=street&from=" + booking::format_date(d) +
                            "&to=" + booking::format_date(booking::add_days(d, 2)),
                        nullptr, admin);
    REQUIRE(stats.status == 200);
    REQUIRE(stats.body["items"].size() == 1);
    CHECK(stats.body["items"][0]["no_shows"] == 3);
    CHECK(stats.body["items"][0]["appeals"] == 2);
    CHECK(stats.body["items"][0]["appeals_waived"] == 1);
    test::check_invariants(s.mysql(), {});
}

TEST_CASE(
    "two admins decide one appeal at the same moment, one to waive and one to keep: one decision "
    "stands, the other is refused, and the member is told once") {
    Stack s(own(), 19080, day_config());
    make_hall(s);
    auto [first_admin, first_id] = s.login("raceadmin1");
    auto [second_admin, second_id] = s.login("raceadmin2");
    REQUIRE(s.grant_role("openid-raceadmin1", "street_admin", "--street-id 1") == 0);
    REQUIRE(s.grant_role("openid-raceadmin2", "street_admin", "--street-id 1") == 0);
    for (int round = 0; round < 4; ++round) {
        auto [member, member_id] = s.login("racer" + std::to_string(round));
        const auto id = no_show(s, member, booking::add_days(tomorrow(), round), 9 * 60);
        const auto path = "/api/v1/violations/" + id + "/appeal";
        REQUIRE(s.call(s.port(), "POST", path, json{{"reason", "当天在住院"}}, member).status ==
                201);
        auto rs = test::burst(2, [&](int i) {
            return s.call(
                s.port(), "POST", path + "/decision",
                i == 0 ? json{{"waive", true}} : json{{"waive", false}, {"note", "没有证明材料"}},
                i == 0 ? first_admin : second_admin);
        });
        const int won = (rs[0].status == 200) + (rs[1].status == 200);
        CHECK(won == 1);
        const auto& loser = rs[0].status == 200 ? rs[1] : rs[0];
        CHECK(error_code(loser) == "invalid_state");
        const bool waived = rs[0].status == 200;
        CHECK(s.sql_value("SELECT CONCAT(appeal_outcome, ' ', waived_at IS NOT NULL) FROM "
                          "violations WHERE id = " +
                          id) == (waived ? "waived 1" : "kept 0"));
        CHECK(s.sql_value(
                  "SELECT COUNT(*) FROM notices WHERE dedup_key LIKE 'appeal\\_%:violation:" + id +
                  "' AND kind <> 'appeal_filed'") == "1");
    }
    test::check_invariants(s.mysql(), {});
}

TEST_CASE(
    "an owner stuck in traffic: the co-organiser they invited checks the meeting in, so there is "
    "no no-show; two co-organisers at most; only the owner cancels, invites or removes") {
    Stack s(own(), 19090, day_config());
    make_hall(s);
    auto [owner, owner_id] = s.login("organiser");
    auto [first, first_id] = s.login("deputy1");
    auto [second, second_id] = s.login("deputy2");
    auto [third, third_id] = s.login("deputy3");
    auto [stranger, stranger_id] = s.login("passerby");
    auto [mgr, mgr_id] = s.login("coorgmgr");
    REQUIRE(s.grant_role("openid-coorgmgr", "manager", "--building-ids 1") == 0);
    REQUIRE(s.call(s.port(), "PATCH", "/api/v1/me", json{{"name", "李卫东"}}, first).status == 200);
    const auto d = booking::add_days(tomorrow(), 1);
    s.set_clock(at(booking::add_days(d, -1), 12 * 60));
    auto b = s.call(s.port(), "POST", "/api/v1/bookings", booking_body(d, 9 * 60, 10 * 60), owner);
    REQUIRE(b.status == 201);
    CHECK(b.body["coorganisers"] == json::array());
    const auto id = std::to_string(b.body["id"].get<std::uint64_t>());
    const auto invite = "/api/v1/bookings/" + id + "/coorganisers/invitation";

    // The owner's invitation: a code to share, good until the meeting ends.
    CHECK(s.call(s.port(), "POST", invite, nullptr, stranger).status == 404);
    auto inv = s.call(s.port(), "POST", invite, nullptr, owner);
    REQUIRE(inv.status == 201);
    const std::string code = inv.body["code"];
    CHECK(code.size() == 24);
    CHECK(inv.body["expires_at"] == b.body["ends_at"]);
    CHECK(inv.body["seats_left"] == 2);
    const auto join = [&](const std::string& token, const std::string& c) {
        return s.call(s.port(), "POST", "/api/v1/coorganisers/join", json{{"code", c}}, token);
    };
    CHECK(join(first, "0123456789abcdef01234567").status == 404);
    CHECK(join(first, "不是邀请码").status == 404);
    auto joined = join(first, code);
    REQUIRE(joined.status == 200);
    CHECK(joined.body["coorganisers"] == json::array({{{"id", first_id}, {"name", "李卫东"}}}));
    CHECK(joined.raw.find("phone") == std::string::npos);
    // One invitation seats one member: the card passed on finds it taken; the owner asks again.
    CHECK(error_code(join(second, code)) == "invitation_used");
    auto again = s.call(s.port(), "POST", invite, nullptr, owner);
    REQUIRE(again.status == 201);
    CHECK(again.body["seats_left"] == 1);
    REQUIRE(join(second, again.body["code"]).status == 200);
    const std::string last = s.call(s.port(), "POST", invite, nullptr, owner).body["code"];
    auto full = join(third, last);
    CHECK(full.status == 409);
    CHECK(error_code(full) == "coorganisers_full");
    CHECK(error_code(join(owner, last)) == "invalid_state");
    // The owner is told who joined, once each (opening the invitation again tells nobody).
    REQUIRE(join(first, code).status == 200);
    CHECK(notice_kinds(s, owner) ==
          std::vector<std::string>{"coorganiser_joined", "coorganiser_joined"});

    // The co-organisers find it among their bookings and see it; they do not own it.
    auto mine = s.call(s.port(), "GET", "/api/v1/me/bookings", nullptr, first).body["items"];
    REQUIRE(mine.size() == 1);
    CHECK(mine[0]["user_id"] == owner_id);
    auto copy = s.call(s.port(), "GET", "/api/v1/me/export", nullptr, first).body;  // their data
    REQUIRE(copy["bookings"].size() == 1);
    CHECK(copy["bookings"][0]["booking"]["id"] == b.body["id"]);
    CHECK(s.call(s.port(), "GET", "/api/v1/bookings/" + id, nullptr, second).status == 200);
    CHECK(s.call(s.port(), "GET", "/api/v1/bookings/" + id, nullptr, third).status == 404);
    CHECK(s.call(s.port(), "POST", "/api/v1/bookings/" + id + "/cancel", json::object(), first)
              .status == 403);
    CHECK(
        s.call(s.port(), "PATCH", "/api/v1/bookings/" + id, json{{"attendees", 5}}, first).status ==
        403);
    CHECK(s.call(s.port(), "POST", invite, nullptr, first).status == 403);
    CHECK(s.call(s.port(), "DELETE",
                 "/api/v1/bookings/" + id + "/coorganisers/" + std::to_string(second_id), nullptr,
                 first)
              .status == 403);

    // The owner takes the second off; the third takes the seat.
    auto removed = s.call(s.port(), "DELETE",
                          "/api/v1/bookings/" + id + "/coorganisers/" + std::to_string(second_id),
                          nullptr, owner);
    REQUIRE(removed.status == 200);
    CHECK(removed.body["coorganisers"].size() == 1);
    CHECK(s.call(s.port(), "GET", "/api/v1/bookings/" + id, nullptr, second).status == 404);
    REQUIRE(join(third, last).status == 200);

    // The morning: both are reminded; the owner is stuck in traffic, the first checks in.
    s.set_clock(at(d, 8 * 60));
    run_jobs(s, {"send_reminders"});
    CHECK(has(notice_kinds(s, first), "reminder"));
    CHECK(has(notice_kinds(s, third), "reminder"));
    auto venue_code =
        s.call(s.port(), "GET", "/api/v1/venues/1/checkin-code", nullptr, mgr).body["venue_code"];
    s.set_clock(at(d, 9 * 60 + 5));
    CHECK(s.call(s.port(), "POST", "/api/v1/bookings/" + id + "/checkin",
                 json{{"venue_code", venue_code}}, mgr)
              .status == 403);
    auto in = s.call(s.port(), "POST", "/api/v1/bookings/" + id + "/checkin",
                     json{{"venue_code", venue_code}}, first);
    REQUIRE(in.status == 200);
    CHECK(in.body["status"] == "checked_in");
    s.set_clock(at(d, 9 * 60 + 20));
    run_jobs(s, {"release_no_shows"});
    CHECK(s.sql_value("SELECT status FROM bookings WHERE id = " + id) == "checked_in");
    CHECK(s.sql_value("SELECT COUNT(*) FROM violations WHERE booking_id = " + id) == "0");
    CHECK(s.sql_value("SELECT GROUP_CONCAT(action ORDER BY id) FROM audit_log WHERE object_id = " +
                      id + " AND action IN ('join_booking', 'remove_coorganiser')") ==
          "join_booking,join_booking,remove_coorganiser,join_booking");
    test::check_invariants(s.mysql(), {});
}

TEST_CASE(
    "members take invitations at the same moment on two servers: one member per invitation, the "
    "others told it was taken; two seats, then everyone told it is full") {
    Stack s(own(), 18930, day_config());
    s.start_server(day_config());
    make_hall(s);
    auto [owner, owner_id] = s.login("seatowner");
    std::vector<std::string> members;
    for (int i = 0; i < 5; ++i) members.push_back(s.login("seeker" + std::to_string(i)).first);
    const auto d = booking::add_days(tomorrow(), 2);
    s.set_clock(at(booking::add_days(d, -1), 12 * 60));
    for (int round = 0; round < 4; ++round) {
        auto b = s.call(s.port(), "POST", "/api/v1/bookings",
                        booking_body(d, 8 * 60 + round * 60, 9 * 60 + round * 60), owner);
        REQUIRE(b.status == 201);
        const auto id = std::to_string(b.body["id"].get<std::uint64_t>());
        // Three invitations, one after another, each taken by everyone not yet seated at once.
        std::vector<std::string> waiting = members;
        for (const char* expected : {"invitation_used", "invitation_used", "coorganisers_full"}) {
            auto inv =
                s.call(s.port(), "POST", "/api/v1/bookings/" + id + "/coorganisers/invitation",
                       nullptr, owner);
            REQUIRE(inv.status == 201);
            const std::string code = inv.body["code"];
            auto rs = test::burst(static_cast<int>(waiting.size()), [&](int i) {
                return s.call(s.port(i % 2), "POST", "/api/v1/coorganisers/join",
                              json{{"code", code}}, waiting[static_cast<std::size_t>(i)]);
            });
            auto st = test::statuses(rs);
            const bool seats_left = std::string(expected) != "coorganisers_full";
            CHECK(st[200] == (seats_left ? 1 : 0));
            CHECK(st[409] == static_cast<int>(waiting.size()) - (seats_left ? 1 : 0));
            std::vector<std::string> still;
            for (std::size_t i = 0; i < rs.size(); ++i) {
                if (rs[i].status == 409) CHECK(error_code(rs[i]) == expected);
                if (rs[i].status != 200) still.push_back(waiting[i]);
            }
            waiting = still;
        }
        CHECK(s.sql_value("SELECT COUNT(*) FROM booking_coorganisers WHERE booking_id = " + id) ==
              "2");
    }
    test::check_invariants(s.mysql(), {});
}
