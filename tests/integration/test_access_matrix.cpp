// Who may see and do what, as a table: every object endpoint called by every kind of caller.
// docs/architecture.md, the correctness model: whoever cannot see an object gets 404; whoever can
// see it but may not act gets 403; no token is 401. The allowed cells are written out below; every
// other cell is checked to be exactly the refusal the table names, with nothing of the object in
// its body.
#include <doctest/doctest.h>

#include <functional>
#include <map>

#include "booking/calendar.hpp"
#include "tests/support/halls.hpp"
#include "tests/support/stack.hpp"

using namespace sh;
using nlohmann::json;
using test::ApiResult;
using test::booking_body;
using test::Stack;

namespace {

test::OwnServices& own() {
    static test::OwnServices s("access", 13440, 16440);
    return s;
}

// The callers: the booking's owner (member A), another member (B), a manager of the hall's
// building (X, building 1) and of another (Y, building 2), a street admin of the hall's street
// (S1) and of another (S2), the district admin (D), a banned member, the secretary of branch 1
// (SEC, a member otherwise: where a row does not name SEC, SEC gets what member B gets), and no
// one.
enum Who { A, B, X, Y, S1, S2, D, BANNED, SEC, NOBODY };
constexpr Who everyone[] = {A, B, X, Y, S1, S2, D, BANNED, SEC, NOBODY};
const char* name(Who w) {
    static const char* names[] = {"member A (owner)",
                                  "member B",
                                  "manager X (the hall's building)",
                                  "manager Y (another building)",
                                  "street admin S1 (the hall's street)",
                                  "street admin S2 (another street)",
                                  "district admin",
                                  "banned member",
                                  "secretary of branch 1",
                                  "no one"};
    return names[w];
}

struct World {
    explicit World(Stack& st) : s(st) {
        s.sql("INSERT INTO streets (id, name) VALUES (1, '江宁路街道'), (2, '石门二路街道')");
        s.sql(
            "INSERT INTO buildings (id, street_id, name) VALUES (1, 1, '新城大厦'), (2, 2, "
            "'越洋国际广场')");
        // The hall asks for approval, so that approve and reject have something to decide.
        test::make_hall_in(s, 1, 1, ", requires_approval", ", 1");
        std::tie(tokens[D], ids[D]) = s.login("d");
        REQUIRE(s.grant_role("openid-d", "district_admin") == 0);
        auto role = [&](Who w, const char* code, const json& body) {
            auto [t, id] = s.login(code);
            tokens[w] = t;
            ids[w] = id;
            if (!body.is_null())
                REQUIRE(s.call(s.port(), "PUT", "/api/v1/users/" + std::to_string(id) + "/role",
                               body, tokens[D])
                            .status == 200);
            return id;
        };
        a_id = role(A, "a", nullptr);
        b_id = role(B, "b", nullptr);
        role(X, "x", {{"role", "manager"}, {"building_ids", {1}}});
        role(Y, "y", {{"role", "manager"}, {"building_ids", {2}}});
        role(S1, "s1", {{"role", "street_admin"}, {"street_id", 1}});
        role(S2, "s2", {{"role", "street_admin"}, {"street_id", 2}});
        // Unit 1 provides building 1; branch 1 is unit 1's (street 1), branch 2 of street 2.
        s.sql(
            "INSERT INTO units (id, street_id, name, kind) VALUES (1, 1, '新城集团', "
            "'enterprise'), (2, 2, '越洋社区', 'community')");
        s.sql("UPDATE buildings SET unit_id = 1 WHERE id = 1");
        s.sql(
            "INSERT INTO branches (id, street_id, name) VALUES (1, 1, '新城集团党支部'), (2, 2, "
            "'越洋社区党支部')");
        s.sql("INSERT INTO branch_units VALUES (1, 1), (2, 2)");
        role(SEC, "sec", {{"role", "member"}, {"branch_ids", {1}}});
        auto banned = role(BANNED, "banned", nullptr);
        s.sql("UPDATE users SET banned_until = NOW() + INTERVAL 7 DAY WHERE id = " +
              std::to_string(banned));
    }
    // A new pending booking of A's, or of `owner`'s (each allowed destructive cell gets its own).
    std::string booking(Who owner = A) {
        if (minute + 15 > 24 * 60) {  // the day is full: on to a day nothing else uses
            REQUIRE(booking_day == day);
            booking_day = booking::add_days(test::tomorrow(), 4);
            minute = 0;
        }
        auto r = s.call(s.port(), "POST", "/api/v1/bookings",
                        booking_body(1, booking_day, minute, minute + 15), tokens[owner]);
        minute += 15;
        REQUIRE(r.status == 201);
        last_booking = std::to_string(r.body["id"].get<std::uint64_t>());
        return last_booking;
    }
    // The code of A's invitation to co-organise a new booking of theirs (last_booking).
    std::string coorganiser_code() {
        auto r = call(A, "POST", "/api/v1/bookings/" + booking() + "/coorganisers/invitation");
        REQUIRE(r.status == 201);
        return r.body["code"];
    }
    // A new member who asked to join branch 1: their id.
    std::string joiner() {
        auto [token, id] = s.login("joiner" + std::to_string(++made));
        REQUIRE(s.call(s.port(), "PATCH", "/api/v1/me", json{{"branch_id", 1}}, token).status ==
                200);
        return std::to_string(id);
    }
    // A name not used before (units and branches are unique by name in their street).
    std::string fresh_name(const char* kind) { return kind + std::to_string(++made); }
    // A new hold of A's.
    std::string hold() {
        auto r = s.call(s.port(), "POST", "/api/v1/holds",
                        booking_body(1, booking::add_days(day, 1), hold_minute, hold_minute + 15),
                        tokens[A]);
        hold_minute += 15;
        REQUIRE(r.status == 201);
        return r.body["hold_id"].get<std::string>();
    }
    // A violation of A's (or `owner`'s), as a no-show of a booking of theirs leaves (its id: the
    // booking's).
    std::string violation(Who owner = A) {
        auto id = booking(owner);
        s.sql(
            "INSERT INTO violations (id, user_id, booking_id, kind, weight_milli, created_at) "
            "VALUES (" +
            id + ", " + std::to_string(ids.at(owner)) + ", " + id + ", 'no_show', 1000, NOW())");
        return id;
    }
    // A closure of the hall, made by the district admin, 15 minutes each, on a day of its own.
    std::string closure_from_to(json& body) {
        auto from = booking::format_date(closure_day) + "T" + booking::format_hhmm(closure_minute);
        auto to =
            booking::format_date(closure_day) + "T" + booking::format_hhmm(closure_minute + 15);
        closure_minute += 15;
        body = json{{"from", from}, {"to", to}, {"reason", "检修"}};
        return from;
    }
    std::string closure() {
        json body;
        closure_from_to(body);
        auto r = call(D, "POST", "/api/v1/venues/1/closures", body);
        REQUIRE(r.status == 201);
        return std::to_string(r.body["id"].get<std::uint64_t>());
    }
    // A confirmed booking of A's tomorrow, the servers' clock 5 minutes before its start: its
    // check-in window open. One after another, 15 minutes apart.
    std::string checkin_ready() {
        auto r = s.call(s.port(), "POST", "/api/v1/bookings",
                        booking_body(1, test::tomorrow(), checkin_minute, checkin_minute + 15),
                        tokens[A]);
        REQUIRE(r.status == 201);
        auto id = std::to_string(r.body["id"].get<std::uint64_t>());
        REQUIRE(call(X, "POST", "/api/v1/bookings/" + id + "/approve", json::object()).status ==
                200);
        s.set_clock(booking::to_timepoint(test::tomorrow(), checkin_minute) -
                    std::chrono::minutes(5));
        checkin_minute += 15;
        return id;
    }
    std::string venue_code() {
        return call(X, "GET", "/api/v1/venues/1/checkin-code").body["venue_code"];
    }
    ApiResult call(Who w, const std::string& method, const std::string& path,
                   const json& body = nullptr) {
        return s.call(s.port(), method, path, body, w == NOBODY ? "" : tokens[w]);
    }
    Stack& s;
    std::map<Who, std::string> tokens;
    std::map<Who, std::uint64_t> ids;
    std::uint64_t a_id = 0, b_id = 0;
    std::string last_booking;
    booking::Date day = booking::add_days(test::tomorrow(), 1);
    booking::Date booking_day = day;  // then tomorrow + 4 when `day` is full
    int minute = 0;                   // 96 quarters in a day: one booking each
    int hold_minute = 8 * 60;
    booking::Date closure_day = booking::add_days(test::tomorrow(), 3);
    int closure_minute = 0;  // 96 closures of 15 minutes fit in the day
    int checkin_minute = 8 * 60;
    int made = 0;
};

// One row of the matrix: the call, and the status each caller gets (200/201 where allowed).
struct Row {
    std::string what;
    std::function<ApiResult(World&, Who)> call;
    std::map<Who, int> expect;
    std::map<Who, std::string> codes = {};  // where a refusal's code matters too
};

// A refusal says only why: the error envelope, nothing of the object.
void check_refusal(const ApiResult& r) {
    CHECK(r.body.is_object());
    CHECK(r.body.contains("error"));
    for (const char* leak :
         {"venue_id", "user_id", "purpose", "starts_at", "checkin_code", "phone"})
        CHECK(r.raw.find(leak) == std::string::npos);
}

}  // namespace

TEST_CASE("a role change asking for what already is changes nothing: 200, no write, no audit row") {
    Stack s(own(), 19150);
    auto [admin, admin_id] = s.login("noop-d");
    REQUIRE(s.grant_role("openid-noop-d", "district_admin") == 0);
    auto [member, member_id] = s.login("noop-m");
    REQUIRE(
        s.call(s.port(), "POST", "/api/v1/me/phone", json{{"code", "phone-13800138000"}}, member)
            .status == 200);
    auto audits = s.sql_value("SELECT COUNT(*) FROM audit_log");
    auto r = s.call(s.port(), "PUT", "/api/v1/users/" + std::to_string(member_id) + "/role",
                    json{{"role", "member"}}, admin);
    REQUIRE(r.status == 200);
    CHECK(r.body == json{{"id", member_id},
                         {"role", "member"},
                         {"building_ids", json::array()},
                         {"street_id", nullptr},
                         {"branch_ids", json::array()}});
    CHECK(r.raw.find("13800138000") == std::string::npos);
    CHECK(s.sql_value("SELECT COUNT(*) FROM audit_log") == audits);
    // The member still sees their own phone.
    CHECK(s.call(s.port(), "GET", "/api/v1/me", nullptr, member).body["phone"] == "13800138000");
}

TEST_CASE("the test clock answers only a caller on this machine with nobody between") {
    Stack s(own(), 19160);
    const json body = {{"advance_s", 0}};
    CHECK(s.call(s.port(), "POST", "/test/clock", body).status == 200);
    // Through a proxy (X-Forwarded-For) there is no such route: the same 404 as any unknown path.
    auto proxied =
        s.call(s.port(), "POST", "/test/clock", body, "", "X-Forwarded-For: 203.0.113.7\r\n");
    CHECK(proxied.status == 404);
    CHECK(test::error_code(proxied) == "not_found");
    // Every answer of the API forbids caches on the way to keep it.
    auto me = s.call(s.port(), "GET", "/api/v1/me", nullptr, s.login("nocache").first);
    CHECK(me.headers["cache-control"] == "no-store");
}

TEST_CASE("the access matrix: every object endpoint, every kind of caller") {
    Stack s(
        own(), 19100,
        json{{"rate_limit", {{"login_per_ip_per_minute", 0}, {"login_per_openid_per_minute", 0}}},
             {"booking",
              {{"max_active_per_user", 1000},
               {"max_per_user_per_day", 1000},
               {"max_minutes_per_user_per_week", 10080}}}});
    World w(s);
    const std::string venue = "/api/v1/venues/1";
    const std::string d = booking::format_date(w.day);
    // 404: cannot see; 403: can see, may not act; 401: no one.
    std::vector<Row> rows = {
        {"GET /bookings/{id}",
         [](World& x, Who who) { return x.call(who, "GET", "/api/v1/bookings/" + x.booking()); },
         {{A, 200},
          {B, 404},
          {X, 200},
          {Y, 404},
          {S1, 200},
          {S2, 404},
          {D, 200},
          {BANNED, 404},
          {NOBODY, 401}}},
        {"POST /bookings/{id}/cancel",
         [](World& x, Who who) {
             return x.call(who, "POST", "/api/v1/bookings/" + x.booking() + "/cancel",
                           json{{"reason", "会议取消"}});
         },
         {{A, 200},
          {B, 404},
          {X, 200},
          {Y, 404},
          {S1, 200},
          {S2, 404},
          {D, 200},
          {BANNED, 404},
          {NOBODY, 401}}},
        {"PATCH /bookings/{id} (only its member changes it)",
         [](World& x, Who who) {
             return x.call(who, "PATCH", "/api/v1/bookings/" + x.booking(),
                           json{{"attendees", 12}});
         },
         {{A, 200},
          {B, 404},
          {X, 403},
          {Y, 404},
          {S1, 403},
          {S2, 404},
          {D, 403},
          {BANNED, 404},
          {NOBODY, 401}}},
        {"POST /bookings/{id}/approve",
         [](World& x, Who who) {
             return x.call(who, "POST", "/api/v1/bookings/" + x.booking() + "/approve",
                           json::object());
         },
         {{A, 403},
          {B, 404},
          {X, 200},
          {Y, 404},
          {S1, 200},
          {S2, 404},
          {D, 200},
          {BANNED, 404},
          {NOBODY, 401}}},
        {"POST /bookings/{id}/reject",
         [](World& x, Who who) {
             return x.call(who, "POST", "/api/v1/bookings/" + x.booking() + "/reject",
                           json{{"reason", "时间冲突"}});
         },
         {{A, 403},
          {B, 404},
          {X, 200},
          {Y, 404},
          {S1, 200},
          {S2, 404},
          {D, 200},
          {BANNED, 404},
          {NOBODY, 401}}},
        // Nobody decides for themselves; a request goes to someone at least as high over the hall
        // as its maker (X manages building 1, S1 its street, D the district).
        {"POST /bookings/{id}/approve (manager X's own request)",
         [](World& x, Who who) {
             return x.call(who, "POST", "/api/v1/bookings/" + x.booking(X) + "/approve",
                           json::object());
         },
         {{A, 404},
          {B, 404},
          {X, 403},
          {Y, 404},
          {S1, 200},
          {S2, 404},
          {D, 200},
          {BANNED, 404},
          {NOBODY, 401}},
         {{X, "self_approval"}}},
        {"POST /bookings/{id}/reject (street admin S1's own request)",
         [](World& x, Who who) {
             return x.call(who, "POST", "/api/v1/bookings/" + x.booking(S1) + "/reject",
                           json{{"reason", "时间冲突"}});
         },
         {{A, 404},
          {B, 404},
          {X, 403},
          {Y, 404},
          {S1, 403},
          {S2, 404},
          {D, 200},
          {BANNED, 404},
          {NOBODY, 401}},
         {{X, "forbidden"}, {S1, "self_approval"}}},
        {"POST /bookings/{id}/approve (the district admin's own request: nobody else in scope, it "
         "stays pending)",
         [](World& x, Who who) {
             return x.call(who, "POST", "/api/v1/bookings/" + x.booking(D) + "/approve",
                           json::object());
         },
         {{A, 404},
          {B, 404},
          {X, 403},
          {Y, 404},
          {S1, 403},
          {S2, 404},
          {D, 403},
          {BANNED, 404},
          {NOBODY, 401}},
         {{X, "forbidden"}, {S1, "forbidden"}, {D, "self_approval"}}},
        {"POST /violations/{id}/waive (a violation of street admin S1's)",
         [](World& x, Who who) {
             return x.call(who, "POST", "/api/v1/violations/" + x.violation(S1) + "/waive");
         },
         {{A, 404},
          {B, 404},
          {X, 403},
          {Y, 404},
          {S1, 403},
          {S2, 404},
          {D, 200},
          {BANNED, 404},
          {NOBODY, 401}},
         {{S1, "self_approval"}}},
        {"GET /venues/{id}",
         [&](World& x, Who who) { return x.call(who, "GET", venue); },
         {{A, 200},
          {B, 200},
          {X, 200},
          {Y, 200},
          {S1, 200},
          {S2, 200},
          {D, 200},
          {BANNED, 200},
          {NOBODY, 401}}},
        {"PATCH /venues/{id}",
         [&](World& x, Who who) {
             return x.call(who, "PATCH", venue, json{{"capacity", 60}});
         },
         {{A, 403},
          {B, 403},
          {X, 200},
          {Y, 403},
          {S1, 200},
          {S2, 403},
          {D, 200},
          {BANNED, 403},
          {NOBODY, 401}}},
        {"GET /venues/{id}/closures",
         [&](World& x, Who who) { return x.call(who, "GET", venue + "/closures"); },
         {{A, 200},
          {B, 200},
          {X, 200},
          {Y, 200},
          {S1, 200},
          {S2, 200},
          {D, 200},
          {BANNED, 200},
          {NOBODY, 401}}},
        {"POST /closures (every hall of street 1: its admins and the district's)",
         [&](World& x, Who who) {
             json body;
             x.closure_from_to(body);
             body["street_id"] = 1;
             return x.call(who, "POST", "/api/v1/closures", body);
         },
         {{A, 403},
          {B, 403},
          {X, 403},
          {Y, 403},
          {S1, 201},
          {S2, 403},
          {D, 201},
          {BANNED, 403},
          {NOBODY, 401}}},
        {"POST /closures (every hall of the district: its admins only)",
         [&](World& x, Who who) {
             json body;
             x.closure_from_to(body);
             return x.call(who, "POST", "/api/v1/closures", body);
         },
         {{A, 403},
          {B, 403},
          {X, 403},
          {Y, 403},
          {S1, 403},
          {S2, 403},
          {D, 201},
          {BANNED, 403},
          {NOBODY, 401}}},
        {"POST /venues/{id}/closures",
         [&](World& x, Who who) {
             json body;
             x.closure_from_to(body);
             return x.call(who, "POST", venue + "/closures", body);
         },
         {{A, 403},
          {B, 403},
          {X, 201},
          {Y, 403},
          {S1, 201},
          {S2, 403},
          {D, 201},
          {BANNED, 403},
          {NOBODY, 401}}},
        {"DELETE /venues/{id}/closures/{closure_id}",
         [&](World& x, Who who) {
             return x.call(who, "DELETE", venue + "/closures/" + x.closure());
         },
         {{A, 403},
          {B, 403},
          {X, 200},
          {Y, 403},
          {S1, 200},
          {S2, 403},
          {D, 200},
          {BANNED, 403},
          {NOBODY, 401}}},
        {"GET /venues/{id}/checkin-code",
         [&](World& x, Who who) { return x.call(who, "GET", venue + "/checkin-code"); },
         {{A, 403},
          {B, 403},
          {X, 200},
          {Y, 403},
          {S1, 200},
          {S2, 403},
          {D, 200},
          {BANNED, 403},
          {NOBODY, 401}}},
        {"PUT /users/{id}/role (make B a manager of building 1)",
         [](World& x, Who who) {
             return x.call(who, "PUT", "/api/v1/users/" + std::to_string(x.b_id) + "/role",
                           json{{"role", "manager"}, {"building_ids", {1}}});
         },
         {{A, 403},
          {B, 403},
          {X, 403},
          {Y, 403},
          {S1, 200},
          {S2, 403},
          {D, 200},
          {BANNED, 403},
          {NOBODY, 401}}},
        {"DELETE /holds/{id}",
         [](World& x, Who who) {
             auto id = x.hold();
             auto r = x.call(who, "DELETE", "/api/v1/holds/" + id);
             if (r.status != 200)
                 REQUIRE(x.call(A, "DELETE", "/api/v1/holds/" + id).status ==
                         200);  // A has 3 at most
             return r;
         },
         {{A, 200},
          {B, 404},
          {X, 404},
          {Y, 404},
          {S1, 404},
          {S2, 404},
          {D, 404},
          {BANNED, 404},
          {NOBODY, 401}}},
        {"GET /venues/{id}/qrcode",
         [&](World& x, Who who) { return x.call(who, "GET", venue + "/qrcode"); },
         {{A, 403},
          {B, 403},
          {X, 200},
          {Y, 403},
          {S1, 200},
          {S2, 403},
          {D, 200},
          {BANNED, 403},
          {NOBODY, 401}}},
        {"GET /stats/ledger",
         [&](World& x, Who who) {
             return x.call(who, "GET", "/api/v1/stats/ledger?from=" + d + "&to=" + d);
         },
         {{A, 403},
          {B, 403},
          {X, 200},
          {Y, 200},
          {S1, 200},
          {S2, 200},
          {D, 200},
          {BANNED, 403},
          {NOBODY, 401}}},
        {"GET /stats/usage",
         [&](World& x, Who who) {
             return x.call(who, "GET", "/api/v1/stats/usage?from=" + d + "&to=" + d);
         },
         {{A, 403},
          {B, 403},
          {X, 200},
          {Y, 200},
          {S1, 200},
          {S2, 200},
          {D, 200},
          {BANNED, 403},
          {NOBODY, 401}}},
        {"POST /venues/{id}/checkin-code/rotate",
         [&](World& x, Who who) { return x.call(who, "POST", venue + "/checkin-code/rotate"); },
         {{A, 403},
          {B, 403},
          {X, 200},
          {Y, 403},
          {S1, 200},
          {S2, 403},
          {D, 200},
          {BANNED, 403},
          {NOBODY, 401}}},
        {"POST /violations/{id}/waive (a violation of A's)",
         [](World& x, Who who) {
             return x.call(who, "POST", "/api/v1/violations/" + x.violation() + "/waive");
         },
         {{A, 403},
          {B, 404},
          {X, 403},
          {Y, 404},
          {S1, 200},
          {S2, 404},
          {D, 200},
          {BANNED, 404},
          {NOBODY, 401}}},
        {"POST /violations/{id}/appeal (a violation of A's)",
         [](World& x, Who who) {
             return x.call(who, "POST", "/api/v1/violations/" + x.violation() + "/appeal",
                           json{{"reason", "当天生病"}});
         },
         {{A, 201},
          {B, 404},
          {X, 404},
          {Y, 404},
          {S1, 404},
          {S2, 404},
          {D, 404},
          {BANNED, 404},
          {NOBODY, 401}}},
        {"POST /violations/{id}/appeal/decision (an appeal of A's)",
         [](World& x, Who who) {
             const auto path = "/api/v1/violations/" + x.violation() + "/appeal";
             REQUIRE(x.call(A, "POST", path, json{{"reason", "当天生病"}}).status == 201);
             return x.call(who, "POST", path + "/decision", json{{"waive", true}});
         },
         {{A, 403},
          {B, 404},
          {X, 403},
          {Y, 404},
          {S1, 200},
          {S2, 404},
          {D, 200},
          {BANNED, 404},
          {NOBODY, 401}},
         {{A, "forbidden"}, {X, "forbidden"}}},
        {"GET /appeals (an admin's street or district)",
         [](World& x, Who who) { return x.call(who, "GET", "/api/v1/appeals"); },
         {{A, 403},
          {B, 403},
          {X, 403},
          {Y, 403},
          {S1, 200},
          {S2, 200},
          {D, 200},
          {BANNED, 403},
          {NOBODY, 401}}},
        {"GET /auth/web-login/{nonce}/context (which browser asked)",
         [](World& x, Who who) {
             auto started = x.call(NOBODY, "POST", "/api/v1/auth/web-login");
             REQUIRE(started.status == 200);
             return x.call(
                 who, "GET",
                 "/api/v1/auth/web-login/" + started.body["nonce"].get<std::string>() + "/context");
         },
         {{A, 403},
          {B, 403},
          {X, 200},
          {Y, 200},
          {S1, 200},
          {S2, 200},
          {D, 200},
          {BANNED, 403},
          {NOBODY, 401}}},
        {"POST /auth/web-login/{nonce} (confirm a console sign-in)",
         [](World& x, Who who) {
             auto started = x.call(NOBODY, "POST", "/api/v1/auth/web-login");
             REQUIRE(started.status == 200);
             return x.call(who, "POST",
                           "/api/v1/auth/web-login/" + started.body["nonce"].get<std::string>(),
                           json::object());
         },
         {{A, 403},
          {B, 403},
          {X, 200},
          {Y, 200},
          {S1, 200},
          {S2, 200},
          {D, 200},
          {BANNED, 403},
          {NOBODY, 401}}},
        // The alliance: units and branches are the street's admins' (and the district's); a
        // branch's requests are its secretary's and the admins' above it, unseen by anyone else.
        {"POST /units (in street 1)",
         [](World& x, Who who) {
             return x.call(
                 who, "POST", "/api/v1/units",
                 json{{"name", x.fresh_name("单位")}, {"kind", "enterprise"}, {"street_id", 1}});
         },
         {{A, 403},
          {B, 403},
          {X, 403},
          {Y, 403},
          {S1, 201},
          {S2, 403},
          {D, 201},
          {BANNED, 403},
          {NOBODY, 401}}},
        {"POST /branches (in street 1)",
         [](World& x, Who who) {
             return x.call(
                 who, "POST", "/api/v1/branches",
                 json{{"name", x.fresh_name("党支部")}, {"street_id", 1}, {"unit_ids", {1}}});
         },
         {{A, 403},
          {B, 403},
          {X, 403},
          {Y, 403},
          {S1, 201},
          {S2, 403},
          {D, 201},
          {BANNED, 403},
          {NOBODY, 401}}},
        {"PUT /buildings/{id}/unit (building 1)",
         [](World& x, Who who) {
             return x.call(who, "PUT", "/api/v1/buildings/1/unit", json{{"unit_id", 1}});
         },
         {{A, 403},
          {B, 403},
          {X, 403},
          {Y, 403},
          {S1, 200},
          {S2, 403},
          {D, 200},
          {BANNED, 403},
          {NOBODY, 401}}},
        {"GET /branches/{id}/members (branch 1's requests)",
         [](World& x, Who who) { return x.call(who, "GET", "/api/v1/branches/1/members"); },
         {{A, 404},
          {B, 404},
          {X, 404},
          {Y, 404},
          {S1, 200},
          {S2, 404},
          {D, 200},
          {BANNED, 404},
          {SEC, 200},
          {NOBODY, 401}}},
        {"POST /branches/{id}/members/{user_id}/confirm (a new member's request to branch 1)",
         [](World& x, Who who) {
             return x.call(who, "POST", "/api/v1/branches/1/members/" + x.joiner() + "/confirm",
                           json::object());
         },
         {{A, 404},
          {B, 404},
          {X, 404},
          {Y, 404},
          {S1, 200},
          {S2, 404},
          {D, 200},
          {BANNED, 404},
          {SEC, 200},
          {NOBODY, 401}}},
        {"POST /branches/{id}/members/{user_id}/refuse (a new member's request to branch 1)",
         [](World& x, Who who) {
             return x.call(who, "POST", "/api/v1/branches/1/members/" + x.joiner() + "/refuse",
                           json::object());
         },
         {{A, 404},
          {B, 404},
          {X, 404},
          {Y, 404},
          {S1, 200},
          {S2, 404},
          {D, 200},
          {BANNED, 404},
          {SEC, 200},
          {NOBODY, 401}}},
        {"GET /org-review (the names the mapping could not place)",
         [](World& x, Who who) { return x.call(who, "GET", "/api/v1/org-review?street_id=1"); },
         {{A, 403},
          {B, 403},
          {X, 403},
          {Y, 403},
          {S1, 200},
          {S2, 403},
          {D, 200},
          {BANNED, 403},
          {NOBODY, 401}}},
        {"POST /invitations (a manager of building 1)",
         [](World& x, Who who) {
             return x.call(who, "POST", "/api/v1/invitations",
                           json{{"role", "manager"}, {"building_ids", {1}}});
         },
         {{A, 403},
          {B, 403},
          {X, 403},
          {Y, 403},
          {S1, 201},
          {S2, 403},
          {D, 201},
          {BANNED, 403},
          {NOBODY, 401}}},
        {"POST /invitations (a co-secretary of branch 1)",
         [](World& x, Who who) {
             return x.call(who, "POST", "/api/v1/invitations",
                           json{{"role", "member"}, {"branch_ids", {1}}});
         },
         {{A, 403},
          {B, 403},
          {X, 403},
          {Y, 403},
          {S1, 201},
          {S2, 403},
          {D, 201},
          {BANNED, 403},
          {SEC, 201},
          {NOBODY, 401}}},
        {"GET /stats/sharing",
         [](World& x, Who who) {
             return x.call(who, "GET", "/api/v1/stats/sharing?from=2026-01-01&to=2026-01-31");
         },
         {{A, 403},
          {B, 403},
          {X, 200},
          {Y, 200},
          {S1, 200},
          {S2, 200},
          {D, 200},
          {BANNED, 403},
          {NOBODY, 401}}},
        // Personal information: the guide is public; consents and the copy are the caller's own
        // (there is no way to name another person's).
        {"GET /privacy/guide",
         [](World& x, Who who) { return x.call(who, "GET", "/api/v1/privacy/guide"); },
         {{B, 200}, {NOBODY, 200}}},
        {"GET /me/consents",
         [](World& x, Who who) { return x.call(who, "GET", "/api/v1/me/consents"); },
         {{B, 200}, {NOBODY, 401}}},
        {"POST /me/consents, then DELETE /me/consents/{kind} (location, given and withdrawn)",
         [](World& x, Who who) {
             auto version = x.call(who, "GET", "/api/v1/privacy/guide").body["version"];
             auto given = x.call(who, "POST", "/api/v1/me/consents",
                                 json{{"policy_version", version}, {"kind", "location"}});
             if (given.status != 200) return given;
             return x.call(who, "DELETE", "/api/v1/me/consents/location");
         },
         {{B, 200}, {NOBODY, 401}}},
        // Closing is the caller's own: a role holder is refused before anything happens; the
        // members here are asked without the confirmation (closing one is the privacy e2e's).
        {"DELETE /me (role holders confirm; members do not)",
         [](World& x, Who who) {
             bool holder = who != A && who != B && who != BANNED;
             return x.call(who, "DELETE", "/api/v1/me",
                           holder ? json{{"confirm", true}} : json::object());
         },
         {{A, 422},
          {B, 422},
          {X, 409},
          {Y, 409},
          {S1, 409},
          {S2, 409},
          {D, 409},
          {BANNED, 422},
          {SEC, 409},
          {NOBODY, 401}},
         {{X, "role_held"}, {SEC, "role_held"}, {D, "role_held"}}},
        {"DELETE /me/phone (the caller's own number)",
         [](World& x, Who who) { return x.call(who, "DELETE", "/api/v1/me/phone"); },
         {{B, 200}, {NOBODY, 401}}},
        {"GET /manage/summary (the requests waiting in the caller's scope)",
         [](World& x, Who who) { return x.call(who, "GET", "/api/v1/manage/summary"); },
         {{B, 403},
          {A, 403},
          {BANNED, 403},
          {X, 200},
          {Y, 200},
          {S1, 200},
          {S2, 200},
          {SEC, 403},
          {D, 200},
          {NOBODY, 401}}},
        {"GET /audit/reads (who read whose data, for the caller's scope)",
         [](World& x, Who who) {
             const std::string d = booking::format_date(x.day);
             return x.call(who, "GET", "/api/v1/audit/reads?from=" + d + "&to=" + d);
         },
         {{B, 403}, {X, 403}, {Y, 403}, {S1, 200}, {S2, 200}, {D, 200}, {NOBODY, 401}}},
        {"GET /me/export",
         [](World& x, Who who) { return x.call(who, "GET", "/api/v1/me/export"); },
         {{B, 200}, {NOBODY, 401}}},
        {"POST /bookings/{id}/coorganisers/invitation (A's booking)",
         [](World& x, Who who) {
             return x.call(who, "POST", "/api/v1/bookings/" + x.booking() + "/coorganisers/invitation");
         },
         {{A, 201},
          {B, 404},
          {X, 403},
          {Y, 404},
          {S1, 403},
          {S2, 404},
          {D, 403},
          {BANNED, 404},
          {NOBODY, 401}}},
        {"POST /coorganisers/join (A's invitation: anyone signed in but A)",
         [](World& x, Who who) { return x.call(who, "POST", "/api/v1/coorganisers/join",
                                               json{{"code", x.coorganiser_code()}}); },
         {{A, 409},
          {B, 200},
          {X, 200},
          {Y, 200},
          {S1, 200},
          {S2, 200},
          {D, 200},
          {BANNED, 200},
          {NOBODY, 401}},
         {{A, "invalid_state"}}},
        {"DELETE /bookings/{id}/coorganisers/{B} (B co-organises A's booking)",
         [](World& x, Who who) {
             auto code = x.coorganiser_code();
             REQUIRE(x.call(B, "POST", "/api/v1/coorganisers/join", json{{"code", code}}).status ==
                     200);
             return x.call(who, "DELETE",
                           "/api/v1/bookings/" + x.last_booking + "/coorganisers/" +
                               std::to_string(x.b_id));
         },
         {{A, 200},
          {B, 200},
          {X, 403},
          {Y, 404},
          {S1, 403},
          {S2, 404},
          {D, 403},
          {BANNED, 404},
          {SEC, 404},
          {NOBODY, 401}}},
        // Last: it moves the servers' clock to tomorrow morning.
        {"POST /bookings/{id}/checkin (its window open)",
         [](World& x, Who who) {
             auto id = x.checkin_ready();
             auto code = json{{"venue_code", x.venue_code()}};
             auto r = x.call(who, "POST", "/api/v1/bookings/" + id + "/checkin", code);
             // Its member is still let in: the refusal changed nothing, and no no-show follows.
             if (r.status != 200)
                 REQUIRE(x.call(A, "POST", "/api/v1/bookings/" + id + "/checkin", code).status ==
                         200);
             return r;
         },
         {{A, 200},
          {B, 404},
          {X, 403},
          {Y, 404},
          {S1, 403},
          {S2, 404},
          {D, 403},
          {BANNED, 404},
          {NOBODY, 401}}},
        {"POST /bookings/{id}/end (checked in)",
         [](World& x, Who who) {
             auto id = x.checkin_ready();
             REQUIRE(x.call(A, "POST", "/api/v1/bookings/" + id + "/checkin",
                            json{{"venue_code", x.venue_code()}})
                         .status == 200);
             auto r = x.call(who, "POST", "/api/v1/bookings/" + id + "/end");
             // Still running for its member after a refusal.
             if (r.status != 200)
                 REQUIRE(x.call(A, "POST", "/api/v1/bookings/" + id + "/end").status == 200);
             return r;
         },
         {{A, 200},
          {B, 404},
          {X, 403},
          {Y, 404},
          {S1, 403},
          {S2, 404},
          {D, 403},
          {BANNED, 404},
          {NOBODY, 401}}},
    };
    for (auto& row : rows) {
        for (Who who : everyone) {
            CAPTURE(row.what);
            std::string caller = name(who);
            CAPTURE(caller);
            // B's role is put back to member before each cell of the role row.
            auto r = row.call(w, who);
            int want = row.expect.count(who) ? row.expect.at(who) : row.expect.at(B);
            CHECK(r.status == want);
            if (r.status >= 400) check_refusal(r);
            if (auto code = row.codes.find(who); code != row.codes.end())
                CHECK(test::error_code(r) == code->second);
            if (row.what.rfind("PUT /users", 0) == 0 && r.status == 200) {
                // Least data: the role and its scope, never the person's phone or violations.
                CHECK(r.body == json{{"id", w.b_id},
                                     {"role", "manager"},
                                     {"building_ids", {1}},
                                     {"street_id", nullptr},
                                     {"branch_ids", json::array()}});
                REQUIRE(w.call(D, "PUT", "/api/v1/users/" + std::to_string(w.b_id) + "/role",
                               json{{"role", "member"}})
                            .status == 200);
            }
        }
    }
}
