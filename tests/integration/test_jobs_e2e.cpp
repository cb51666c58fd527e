// The scheduler of timed work and the in-app notices, end to end: real sharedhall processes on
// one MariaDB, the servers' clock set by the test, and the scheduler's passes (what its timer
// does every tick) made by the test on demand. A job due while every server was down runs once
// on start; a long job holds up no other; two instances run each due job once between them; the
// member's notice list shows every notice, whether or not WeChat delivered it.
#include <doctest/doctest.h>

#include <future>
#include <map>

#include "booking/calendar.hpp"
#include "tests/support/halls.hpp"
#include "tests/support/stack.hpp"

using namespace sh;
using nlohmann::json;
using test::Stack;

namespace {

test::OwnServices& own() {
    static test::OwnServices s("jobs-e2e", 13450, 16450);
    return s;
}

using test::tomorrow;

// The value of one job's metric on a server ("" when absent).
std::string job_metric(Stack& s, std::size_t server, const std::string& family,
                       const std::string& job) {
    auto text = s.call(s.port(server), "GET", "/metrics").raw;
    auto key = family + "{job=\"" + job + "\"} ";
    auto at = text.find(key);
    if (at == std::string::npos) return "";
    auto from = at + key.size();
    return text.substr(from, text.find('\n', from) - from);
}

bool has(const json& names, const std::string& name) {
    for (const auto& n : names)
        if (n == name) return true;
    return false;
}

std::string status_of(Stack& s, const std::string& id, const std::string& token) {
    return s.call(s.port(), "GET", "/api/v1/bookings/" + id, nullptr, token)
        .body["status"]
        .get<std::string>();
}

// A pending request for a quarter that began earlier today (the API refuses the past), written
// with its quantum in one transaction.
void started_request(Stack& s, std::uint64_t user, int id = 900) {
    auto today = booking::format_date(booking::to_local(test::now()).date);
    s.sql(
        {"INSERT INTO bookings (id, venue_id, user_id, starts_at, ends_at, status, purpose, "
         "attendees) VALUES (" +
             std::to_string(id) + ", 1, " + std::to_string(user) + ", '" + today + " 00:00:00', '" +
             today + " 00:15:00', 'pending', '过期', 3)",
         "INSERT INTO booking_quanta (venue_id, slot_start, booking_id) VALUES (1, '" + today +
             " 00:00:00', " + std::to_string(id) + ")"});
}

// A clock offset that puts a server at half past an hour, `hours` after the tests' current hour:
// its hourly jobs are then half an hour from their next due time, whatever the time of day.
long long half_past(int hours) {
    using namespace std::chrono;
    auto now = test::now();
    auto hour = floor<std::chrono::hours>(now.time_since_epoch());
    auto target = booking::TimePoint(duration_cast<booking::TimePoint::duration>(
        hour + std::chrono::hours(hours) + minutes(30)));
    return duration_cast<milliseconds>(target - system_clock::now()).count();
}

const json hourly =
    json{{"booking", {{"jobs_interval_ms", 3'600'000}}},
         {"rate_limit", {{"login_per_ip_per_minute", 0}, {"login_per_openid_per_minute", 0}}}};

}  // namespace

TEST_CASE("a job that fell due while every server was down runs once when one starts") {
    auto cfg = hourly;  // the servers have no timers: the test makes their scheduler's passes
    cfg["test"] = {{"clock_offset_ms", half_past(0)}, {"manual_jobs", true}};
    Stack s(own(), 19200, cfg);
    test::make_hall(s, 1, ", requires_approval", ", 1");
    auto [member, uid] = s.login("catchup");
    REQUIRE(s.run_job("expire_requests").status == 200);  // the job's last due time: this hour's
    s.kill_server(0);
    started_request(s, uid);  // due for expiry while nothing runs
    // Two hours later on the clock: two due times of the job went by. The first pass after the
    // start is the catch-up.
    const json later = {{"test", {{"clock_offset_ms", half_past(2)}, {"manual_jobs", true}}}};
    s.start_server(later);
    auto first = s.scheduler_pass(0);
    REQUIRE(first.status == 200);
    CHECK(has(first.body["ran"], "expire_requests"));
    CHECK(status_of(s, "900", member) == "expired");
    CHECK(job_metric(s, 0, "sh_job_runs_total", "expire_requests") ==
          "1");  // once, not once per due time
    CHECK(job_metric(s, 0, "sh_job_changed_total", "expire_requests") == "1");
    CHECK(std::stod(job_metric(s, 0, "sh_job_lag_seconds", "expire_requests")) >= 0);
    CHECK(s.sql_value("SELECT runs FROM job_runs WHERE name = 'expire_requests'") ==
          "2");  // the test's, the catch-up
    // The same due time is not run again by this server or another.
    CHECK_FALSE(has(s.scheduler_pass(0).body["ran"], "expire_requests"));
    s.start_server(later);
    CHECK_FALSE(has(s.scheduler_pass(1).body["ran"], "expire_requests"));
    CHECK(job_metric(s, 1, "sh_job_runs_total", "expire_requests") == "0");
    CHECK(s.run_job("expire_requests").body["changed"] ==
          0);  // on demand it runs, and finds nothing
}

TEST_CASE("a long run of one job does not hold up another job's due runs") {
    auto cfg = hourly;
    cfg["booking"]["jobs_interval_ms"] = 500;
    cfg["test"] = {{"slow_job", "send_reminders"}, {"slow_job_ms", 8000}, {"manual_jobs", true}};
    Stack s(own(), 19210, cfg);
    test::make_hall(s, 1, ", requires_approval", ", 1");
    auto [member, uid] = s.login("longjob");
    // A pass starts every job; the reminders' run lasts 8 s, the others' end at once.
    auto first = s.scheduler_pass(0, 2000);
    REQUIRE(first.status == 200);
    CHECK(has(first.body["running"], "send_reminders"));
    CHECK(has(first.body["ran"], "expire_requests"));
    started_request(s, uid);
    s.advance_clock(1);  // the 500 ms jobs fall due again
    auto second = s.scheduler_pass(0, 2000);
    CHECK(has(second.body["ran"], "expire_requests"));  // its next due run, not held up
    CHECK(status_of(s, "900", member) == "expired");
    CHECK(job_metric(s, 0, "sh_job_running", "send_reminders") == "1");  // still in its long run
    CHECK(job_metric(s, 0, "sh_job_runs_total", "send_reminders") == "0");
}

TEST_CASE(
    "two instances making their passes at the same moment run each due job once between them") {
    auto cfg = hourly;
    cfg["booking"]["jobs_interval_ms"] = 200;
    cfg["test"] = {{"slow_job", "complete_bookings"}, {"slow_job_ms", 1000}, {"manual_jobs", true}};
    Stack s(own(), 19220, cfg);
    s.start_server();
    // The clock stands still between the rounds' advances: both instances see the same due time
    // in a round. (Flowing, a pass that waited out the other's second-long run could cross a
    // 200 ms boundary and rightly run a job again for the next due time — seen once, under ASan.)
    s.freeze_clock(test::now());
    // Each run of complete_bookings lasts a second: both instances ask for it while the other
    // may be in its run. Without the lease both would run it every round.
    for (int round = 0; round < 5; ++round) {
        CAPTURE(round);
        auto other = std::async(std::launch::async, [&] { return s.scheduler_pass(1, 5000); });
        auto a = s.scheduler_pass(0, 5000);
        auto b = other.get();
        REQUIRE(a.status == 200);
        REQUIRE(b.status == 200);
        std::map<std::string, int> ran;
        for (const auto* r : {&a, &b})
            for (const auto& job : r->body["ran"]) ++ran[job.get<std::string>()];
        CHECK(ran["complete_bookings"] == 1);
        for (const auto& [job, n] : ran) {
            CAPTURE(job);
            CHECK(n == 1);
        }
        s.advance_clock(1);  // the 200 ms jobs fall due again
    }
}

TEST_CASE(
    "a member's notice list shows every notice, those WeChat refused or could not send too, and "
    "only theirs") {
    auto cfg = hourly;
    cfg["test"] = {{"manual_jobs", true}};  // notices go out when the test runs the job
    Stack s(own(), 19230, cfg);
    test::make_hall(s, 1, ", requires_approval", ", 1");
    auto [member, uid] = s.login("noticed");
    auto [other, other_id] = s.login("noticedother");
    auto [mgr, mgr_id] = s.login("noticemgr");
    REQUIRE(s.grant_role("openid-noticemgr", "manager", "--building-ids 1") == 0);
    // One consent to the result's template: the first notice spends it (WeChat refuses: 43101);
    // the second finds none left.
    REQUIRE(s.call(s.port(), "POST", "/api/v1/me/subscriptions",
                   json{{"template_ids", {"tmpl-booking-result"}}}, member)
                .status == 200);
    const auto d = tomorrow();
    s.set_clock(booking::to_timepoint(booking::add_days(d, -1), 12 * 60));
    auto book = [&](int start) {
        auto r = s.call(s.port(), "POST", "/api/v1/bookings",
                        test::booking_body(1, d, start, start + 60), member);
        REQUIRE(r.status == 201);
        return std::to_string(r.body["id"].get<std::uint64_t>());
    };
    auto first = book(9 * 60), second = book(11 * 60);
    s.inject("subscribe_send", 43101);
    REQUIRE(s.call(s.port(), "POST", "/api/v1/bookings/" + first + "/reject",
                   json{{"reason", "场地另有安排"}}, mgr)
                .status == 200);
    REQUIRE(s.run_job("deliver_notices").body["changed"] == 1);
    REQUIRE(
        s.call(s.port(), "POST", "/api/v1/bookings/" + second + "/approve", nullptr, mgr).status ==
        200);
    REQUIRE(s.run_job("deliver_notices").body["changed"] == 1);
    CHECK(s.fake_received()["messages"].empty());  // WeChat delivered nothing

    auto list = s.call(s.port(), "GET", "/api/v1/me/notices", nullptr, member);
    REQUIRE(list.status == 200);
    CHECK(list.body["total"] == 2);
    CHECK(list.body["unread"] == 2);
    REQUIRE(list.body["items"].size() == 2);
    const auto& newest = list.body["items"][0];
    CHECK(newest["kind"] == "approved");
    CHECK(newest["title"] == "预约已通过");
    CHECK(newest["subject"] == json{{"kind", "booking"}, {"id", std::stoull(second)}});
    CHECK(newest["wechat"] == "not_sent");  // no consent left
    CHECK(newest["read"] == false);
    CHECK(newest["booking"]["date"] == booking::format_date(d));
    CHECK(newest["booking"]["start"] == "11:00");
    const auto& older = list.body["items"][1];
    CHECK(older["kind"] == "rejected");
    CHECK(older["note"] == "场地另有安排");
    CHECK(older["wechat"] == "not_sent");  // WeChat refused it (43101)

    // Another member sees none of them and cannot mark them read.
    auto theirs = s.call(s.port(), "GET", "/api/v1/me/notices", nullptr, other);
    CHECK(theirs.body["total"] == 0);
    CHECK(theirs.body["items"].empty());
    auto older_id = older["id"].get<std::uint64_t>();
    CHECK(s.call(s.port(), "POST", "/api/v1/me/notices/read", json{{"ids", {older_id}}}, other)
              .body["unread"] == 0);
    CHECK(s.call(s.port(), "GET", "/api/v1/me/notices", nullptr, member).body["unread"] == 2);

    // Read one: one left unread; the unread filter and the paging.
    CHECK(s.call(s.port(), "POST", "/api/v1/me/notices/read", json{{"ids", {older_id}}}, member)
              .body["unread"] == 1);
    auto unread = s.call(s.port(), "GET", "/api/v1/me/notices?unread=1", nullptr, member);
    REQUIRE(unread.body["items"].size() == 1);
    CHECK(unread.body["items"][0]["kind"] == "approved");
    auto page2 = s.call(s.port(), "GET", "/api/v1/me/notices?page=2&page_size=1", nullptr, member);
    REQUIRE(page2.body["items"].size() == 1);
    CHECK(page2.body["items"][0]["read"] == true);
    CHECK(s.call(s.port(), "POST", "/api/v1/me/notices/read", json{{"all", true}}, member)
              .body["unread"] == 0);

    // Bad input: a clear 422, nothing changed.
    auto bad = s.call(s.port(), "POST", "/api/v1/me/notices/read", json{{"ids", "all"}}, member);
    CHECK(bad.status == 422);
    CHECK(test::error_code(bad) == "validation");
    CHECK(s.call(s.port(), "GET", "/api/v1/me/notices?page_size=500", nullptr, member).status ==
          422);
    CHECK(s.call(s.port(), "GET", "/api/v1/me/notices").status == 401);
}
