// Halls end to end: publishing, scope, closures, availability (cached and not) and search,
// against real sharedhall processes, MariaDB and Redis.
#include <doctest/doctest.h>

#include <random>

#include <mysql_driver.h>

#include "booking/availability.hpp"
#include "booking/calendar.hpp"
#include "server/mysql/sql_time.hpp"
#include "server/mysql/venue_store.hpp"
#include "tests/support/stack.hpp"

using namespace sh;
using nlohmann::json;
using test::error_code;
using test::Stack;

namespace {

test::OwnServices& own() {
    static test::OwnServices s("venues-e2e", 13414, 16414);
    return s;
}

// A future Monday (weekday hours apply) a few days out.
booking::Date next_monday() {
    auto today = booking::to_local(test::now()).date;
    auto d = booking::add_days(today, 2);
    while (booking::weekday(d) != 1) d = booking::add_days(d, 1);
    return d;
}

json venue(std::uint64_t building, const std::string& name, int capacity,
           std::vector<std::string> facilities = {}) {
    return {{"building_id", building},
            {"name", name},
            {"capacity", capacity},
            {"facilities", facilities},
            {"slot_minutes", 30},
            {"min_minutes", 30},
            {"max_minutes", 120},
            {"weekly_hours",
             {{{"weekday", 1}, {"open", "09:00"}, {"close", "12:00"}},
              {{"weekday", 1}, {"open", "13:30"}, {"close", "21:00"}},
              {{"weekday", 2}, {"open", "09:00"}, {"close", "17:00"}}}}};
}

// Street 1 (江宁路) has building 1; street 2 (石门二路) has building 2.
struct District {
    explicit District(Stack& s) : stack(s) {
        s.sql("INSERT INTO streets (id, name) VALUES (1, '江宁路街道'), (2, '石门二路街道')");
        s.sql(
            "INSERT INTO buildings (id, street_id, name) VALUES (1, 1, '新城大厦'), (2, 2, "
            "'越洋国际广场')");
        admin = s.login("district").first;
        REQUIRE(s.grant_role("openid-district", "district_admin") == 0);
        auto [m1, m1_id] = s.login("mgr1");
        auto [m2, m2_id] = s.login("mgr2");
        auto [st, st_id] = s.login("street1");
        REQUIRE(set_role(m1_id, {{"role", "manager"}, {"building_ids", {1}}}) == 200);
        REQUIRE(set_role(m2_id, {{"role", "manager"}, {"building_ids", {2}}}) == 200);
        REQUIRE(set_role(st_id, {{"role", "street_admin"}, {"street_id", 1}}) == 200);
        manager1 = m1;
        manager2 = m2;
        street_admin1 = st;
        member = s.login("member").first;
    }
    int set_role(std::uint64_t user, const json& body) {
        return stack
            .call(stack.port(), "PUT", "/api/v1/users/" + std::to_string(user) + "/role", body,
                  admin)
            .status;
    }
    Stack& stack;
    std::string admin, manager1, manager2, street_admin1, member;
};

std::vector<std::string> states_of(const json& availability) {
    std::vector<std::string> out;
    for (const auto& s : availability["slots"])
        out.push_back(s["start"].get<std::string>() + " " + s["state"].get<std::string>());
    return out;
}

// The day as computed from scratch: straight from MySQL, with the pure rules.
std::vector<std::string> from_scratch(Stack& s, std::uint64_t venue, booking::Date d) {
    mysql::Conn c(sql::mysql::get_mysql_driver_instance(), s.mysql());
    c.ensure_ready();
    auto in = mysql::MysqlVenueStore(c).day_inputs(venue, d);
    REQUIRE(in);
    auto slots = booking::base_slots(in->venue.rules, d, in->closures, in->booked);
    booking::overlay(slots, d, test::now(), {});
    std::vector<std::string> out;
    for (const auto& x : slots)
        out.push_back(booking::format_hhmm(x.start) + " " +
                      std::string(booking::slot_state_name(x.state)));
    return out;
}

}  // namespace

TEST_CASE("a manager publishes a hall, a member sees its free slots, a closure shows as closed") {
    Stack s(own(), 18520);
    District d(s);
    auto created = s.call(s.port(), "POST", "/api/v1/venues",
                          venue(1, "党员之家", 40, {"projector"}), d.manager1);
    REQUIRE(created.status == 201);
    auto id = created.body["id"].get<std::uint64_t>();
    CHECK(created.body["street_id"] == 1);

    auto day = next_monday();
    std::string path =
        "/api/v1/venues/" + std::to_string(id) + "/availability?date=" + booking::format_date(day);
    auto a = s.call(s.port(), "GET", path, nullptr, d.member);
    REQUIRE(a.status == 200);
    CHECK(a.body["slot_minutes"] == 30);
    REQUIRE(a.body["slots"].size() == 6 + 15);
    CHECK(a.body["slots"][0] == json{{"start", "09:00"}, {"end", "09:30"}, {"state", "free"}});

    auto closure = s.call(s.port(), "POST", "/api/v1/venues/" + std::to_string(id) + "/closures",
                          json{{"from", booking::format_date(day) + "T09:40"},
                               {"to", booking::format_date(day) + "T10:15"},
                               {"reason", "设备检修"}},
                          d.manager1);
    REQUIRE(closure.status == 201);
    auto after = s.call(s.port(), "GET", path, nullptr, d.member);
    CHECK(after.body["slots"][0]["state"] == "free");
    CHECK(after.body["slots"][1]["state"] == "closed");
    CHECK(after.body["slots"][2]["state"] == "closed");
    CHECK(after.body["slots"][3]["state"] == "free");

    // Removing the closure frees the slots again.
    auto cid = closure.body["id"].get<std::uint64_t>();
    CHECK(s.call(s.port(), "DELETE",
                 "/api/v1/venues/" + std::to_string(id) + "/closures/" + std::to_string(cid),
                 nullptr, d.manager1)
              .status == 200);
    CHECK(s.call(s.port(), "GET", path, nullptr, d.member).body["slots"][1]["state"] == "free");

    CHECK(s.call(s.port(), "GET",
                 "/api/v1/venues/999/availability?date=" + booking::format_date(day), nullptr,
                 d.member)
              .status == 404);
    CHECK(
        error_code(s.call(s.port(), "GET",
                          "/api/v1/venues/" + std::to_string(id) + "/availability?date=2026-02-30",
                          nullptr, d.member)) == "validation");
    CHECK(s.call(s.port(), "GET", path).status == 401);
}

TEST_CASE("scope: a manager edits only its building's halls, a street admin only its street's") {
    Stack s(own(), 18530);
    District d(s);
    auto h1 = s.call(s.port(), "POST", "/api/v1/venues", venue(1, "共享会议室A", 12), d.manager1)
                  .body["id"]
                  .get<std::uint64_t>();
    auto h2 = s.call(s.port(), "POST", "/api/v1/venues", venue(2, "报告厅", 150), d.manager2)
                  .body["id"]
                  .get<std::uint64_t>();
    auto patch = [&](const std::string& who, std::uint64_t h) {
        return s
            .call(s.port(), "PATCH", "/api/v1/venues/" + std::to_string(h), json{{"capacity", 20}},
                  who)
            .status;
    };
    CHECK(patch(d.manager1, h1) == 200);
    CHECK(patch(d.manager1, h2) == 403);
    CHECK(patch(d.manager2, h1) == 403);
    CHECK(patch(d.street_admin1, h1) == 200);
    CHECK(patch(d.street_admin1, h2) == 403);
    CHECK(patch(d.member, h1) == 403);
    CHECK(patch(d.admin, h2) == 200);
    CHECK(patch(d.admin, 9999) == 404);

    CHECK(s.call(s.port(), "POST", "/api/v1/venues", venue(2, "x", 5), d.manager1).status == 403);
    CHECK(s.call(s.port(), "POST", "/api/v1/venues", venue(2, "x", 5), d.street_admin1).status ==
          403);
    CHECK(s.call(s.port(), "POST", "/api/v1/venues", venue(1, "x", 5), d.member).status == 403);
    auto no_building = s.call(s.port(), "POST", "/api/v1/venues", venue(77, "x", 5), d.admin);
    CHECK(no_building.status == 422);
    CHECK(no_building.body["error"]["details"]["field"] == "building_id");

    auto day = booking::format_date(next_monday());
    auto close = [&](const std::string& who, std::uint64_t h) {
        return s
            .call(s.port(), "POST", "/api/v1/venues/" + std::to_string(h) + "/closures",
                  json{{"from", day + "T09:00"}, {"to", day + "T10:00"}, {"reason", "活动"}}, who)
            .status;
    };
    CHECK(close(d.manager2, h1) == 403);
    CHECK(close(d.street_admin1, h2) == 403);
    CHECK(close(d.street_admin1, h1) == 201);

    auto building = [&](const std::string& who, int street) {
        return s
            .call(s.port(), "POST", "/api/v1/buildings",
                  json{{"street_id", street}, {"name", "新楼" + who.substr(0, 4)}}, who)
            .status;
    };
    CHECK(building(d.street_admin1, 1) == 201);
    CHECK(building(d.street_admin1, 2) == 403);
    CHECK(building(d.manager1, 1) == 403);
    CHECK(building(d.admin, 2) == 201);
    CHECK(s.call(s.port(), "GET", "/api/v1/buildings?street_id=1", nullptr, d.member)
              .body["items"]
              .size() == 2);
    CHECK(s.call(s.port(), "GET", "/api/v1/streets", nullptr, d.member).body["items"].size() == 2);
}

TEST_CASE("rules that cannot be right are refused with 422 naming the field") {
    Stack s(own(), 18540);
    District d(s);
    auto post = [&](json body) {
        return s.call(s.port(), "POST", "/api/v1/venues", body, d.manager1);
    };
    auto h = venue(1, "会议室", 10);
    h["weekly_hours"] = {{{"weekday", 1}, {"open", "12:00"}, {"close", "09:00"}}};
    CHECK(post(h).body["error"]["details"]["field"] == "weekly_hours");
    h["weekly_hours"] = {{{"weekday", 1}, {"open", "09:00"}, {"close", "12:00"}},
                         {{"weekday", 1}, {"open", "11:00"}, {"close", "13:00"}}};
    CHECK(post(h).body["error"]["details"]["field"] == "weekly_hours");
    h = venue(1, "会议室", 10);
    h["slot_minutes"] = 40;
    CHECK(post(h).body["error"]["details"]["field"] == "slot_minutes");
    h = venue(1, "会议室", 10);
    h["capacity"] = -3;
    CHECK(post(h).status == 422);
    CHECK(post(json{{"name", 5}}).body["error"]["details"]["field"] == "name");
    CHECK(s.call(s.port(), "POST", "/api/v1/venues", "not an object", d.manager1).status == 422);
    CHECK(error_code(s.call(s.port(), "POST", "/api/v1/venues/1/closures",
                            json{{"from", "tomorrow"}, {"to", "x"}, {"reason", "r"}},
                            d.manager1)) == "validation");
}

TEST_CASE(
    "closures in the way of bookings: 409 with their ids, or cancelled with cancel_conflicting") {
    Stack s(own(), 18550);
    District d(s);
    auto id =
        s.call(s.port(), "POST", "/api/v1/venues", venue(1, "党群服务站活动室", 30), d.manager1)
            .body["id"]
            .get<std::uint64_t>();
    auto day = booking::format_date(next_monday());
    auto [u, uid] = s.login("booker");
    // A booking written as the booking path writes it: the row and its quanta.
    s.sql(
        "INSERT INTO bookings (id, venue_id, user_id, starts_at, ends_at, status, purpose, "
        "attendees) VALUES (501, " +
        std::to_string(id) + ", " + std::to_string(uid) + ", '" + day + " 10:00:00', '" + day +
        " 10:30:00', 'confirmed', '组织生活会', 10)");
    s.sql("INSERT INTO booking_quanta (venue_id, slot_start, booking_id) VALUES (" +
          std::to_string(id) + ", '" + day + " 10:00:00', 501), (" + std::to_string(id) + ", '" +
          day + " 10:15:00', 501)");
    std::string path = "/api/v1/venues/" + std::to_string(id) + "/closures";
    json body = {{"from", day + "T09:00"}, {"to", day + "T12:00"}, {"reason", "消防检查"}};
    auto refused = s.call(s.port(), "POST", path, body, d.manager1);
    CHECK(refused.status == 409);
    CHECK(error_code(refused) == "conflicts_with_bookings");
    CHECK(refused.body["error"]["details"]["booking_ids"] == json::array({501}));
    CHECK(s.call(s.port(), "GET", path, nullptr, d.member).body["items"].empty());

    body["cancel_conflicting"] = true;
    auto now = booking::to_timepoint(booking::add_days(next_monday(), -1),
                                     8 * 60);  // the service's time, not MariaDB's
    s.freeze_clock(now);                       // the row's time is compared to the second
    auto done = s.call(s.port(), "POST", path, body, d.manager1);
    REQUIRE(done.status == 201);
    CHECK(done.body["cancelled_booking_ids"] == json::array({501}));
    // Its member is told, from the closure's transaction, at the service's time.
    auto told = s.sql_value(
        "SELECT created_at FROM notices WHERE kind = 'closure_cancelled' AND subject_id = 501");
    CHECK(told == mysql::to_sql_datetime(now));
    auto avail = s.call(s.port(), "GET",
                        "/api/v1/venues/" + std::to_string(id) + "/availability?date=" + day,
                        nullptr, d.member);
    CHECK(avail.body["slots"][2] ==
          json{{"start", "10:00"}, {"end", "10:30"}, {"state", "closed"}});
    CHECK(from_scratch(s, id, booking::parse_date(day).value())[2] == "10:00 closed");
}

TEST_CASE(
    "availability equals a from-scratch MySQL computation after random bookings, cancellations, "
    "closures and "
    "rule changes, with Redis up, stopped and back") {
    Stack s(own(), 18560,
            json{{"booking",
                  {{"max_active_per_user", 1000},
                   {"max_per_user_per_day", 1000},
                   {"max_minutes_per_user_per_week", 10080}}}});
    District d(s);
    std::vector<std::uint64_t> venues;
    for (int i = 0; i < 2; ++i)
        venues.push_back(s.call(s.port(), "POST", "/api/v1/venues",
                                venue(1, "会议室" + std::to_string(i), 20), d.manager1)
                             .body["id"]
                             .get<std::uint64_t>());
    auto monday = next_monday();
    std::vector<booking::Date> days = {monday, booking::add_days(monday, 1)};
    std::mt19937 rng(20261126);
    std::vector<std::pair<std::uint64_t, std::uint64_t>> closures;  // hall, closure

    auto check_all = [&](const char* phase) {
        for (auto h : venues)
            for (auto day : days) {
                CAPTURE(phase);
                CAPTURE(h);
                auto r = s.call(s.port(), "GET",
                                "/api/v1/venues/" + std::to_string(h) +
                                    "/availability?date=" + booking::format_date(day),
                                nullptr, d.member);
                REQUIRE(r.status == 200);
                CHECK(states_of(r.body) == from_scratch(s, h, day));
            }
    };
    auto [booker, booker_id] = s.login("booker");
    std::vector<std::pair<std::uint64_t, std::uint64_t>> bookings;  // hall, booking
    int booked = 0;
    auto random_step = [&] {
        auto h = venues[rng() % venues.size()];
        auto day = booking::format_date(days[rng() % days.size()]);
        switch (rng() % 6) {
            case 4: {  // a booking somewhere (may be refused by the rules in force: fine)
                int start = 8 * 60 + static_cast<int>(rng() % 16) * 30;
                auto r = s.call(s.port(), "POST", "/api/v1/bookings",
                                json{{"venue_id", h},
                                     {"date", day},
                                     {"start", booking::format_hhmm(start)},
                                     {"end", booking::format_hhmm(start + 60)},
                                     {"purpose", "随机"},
                                     {"attendees", 5}},
                                booker);
                if (r.status == 201) {
                    bookings.emplace_back(h, r.body["id"].get<std::uint64_t>());
                    ++booked;
                }
                break;
            }
            case 5:
                if (!bookings.empty()) {  // a cancellation
                    auto i = rng() % bookings.size();
                    s.call(s.port(), "POST",
                           "/api/v1/bookings/" + std::to_string(bookings[i].second) + "/cancel",
                           json::object(), booker);
                    bookings.erase(bookings.begin() + static_cast<long>(i));
                }
                break;
            case 0:
            case 1: {  // a closure of 15 minutes to three hours somewhere in the day
                int start = 8 * 60 + static_cast<int>(rng() % 48) * 15;
                int len = 15 * (1 + static_cast<int>(rng() % 12));
                auto r = s.call(
                    s.port(), "POST", "/api/v1/venues/" + std::to_string(h) + "/closures",
                    json{{"from", day + "T" + booking::format_hhmm(start)},
                         {"to",
                          day + "T" + booking::format_hhmm(std::min(start + len, 23 * 60 + 45))},
                         {"reason", "随机"}},
                    d.manager1);
                if (r.status == 201)
                    closures.emplace_back(h, r.body["id"].get<std::uint64_t>());
                else
                    REQUIRE(r.status == 409);  // bookings in the way
                break;
            }
            case 2:
                if (!closures.empty()) {
                    auto i = rng() % closures.size();
                    auto [ch, cid] = closures[i];
                    REQUIRE(s.call(s.port(), "DELETE",
                                   "/api/v1/venues/" + std::to_string(ch) + "/closures/" +
                                       std::to_string(cid),
                                   nullptr, d.manager1)
                                .status == 200);
                    closures.erase(closures.begin() + static_cast<long>(i));
                }
                break;
            case 3: {  // a rules change: slot length and opening hours
                bool hour_slots = rng() % 2;
                json patch = {{"slot_minutes", hour_slots ? 60 : 30},
                              {"min_minutes", hour_slots ? 60 : 30},
                              {"max_minutes", 120},
                              {"weekly_hours",
                               {{{"weekday", 1},
                                 {"open", "08:00"},
                                 {"close", hour_slots ? "12:00" : "11:30"}},
                                {{"weekday", 2}, {"open", "13:00"}, {"close", "24:00"}}}}};
                REQUIRE(s.call(s.port(), "PATCH", "/api/v1/venues/" + std::to_string(h), patch,
                               d.manager1)
                            .status == 200);
                break;
            }
        }
    };

    for (int i = 0; i < 40; ++i) {
        random_step();
        check_all("redis up");
    }
    CHECK(booked > 0);
    own().stop("redis");
    for (int i = 0; i < 10; ++i) {
        random_step();
        check_all("redis stopped");
    }
    own().start("redis");
    for (int i = 0; i < 10; ++i) {
        random_step();
        check_all("redis back");
    }
}

TEST_CASE(
    "search filters by street, building, capacity, facility and a free slot in a time window") {
    Stack s(own(), 18570);
    District d(s);
    auto make = [&](const std::string& who, std::uint64_t b, const std::string& name, int cap,
                    std::vector<std::string> f) {
        return s.call(s.port(), "POST", "/api/v1/venues", venue(b, name, cap, f), who)
            .body["id"]
            .get<std::uint64_t>();
    };
    auto small = make(d.manager1, 1, "洽谈室", 8, {"whiteboard"});
    auto mid = make(d.manager1, 1, "党员之家", 40, {"projector", "microphone"});
    auto big = make(d.manager2, 2, "报告厅", 150, {"projector", "stage"});
    auto ids = [&](const std::string& query) {
        auto r = s.call(s.port(), "GET", "/api/v1/venues" + query, nullptr, d.member);
        REQUIRE(r.status == 200);
        std::vector<std::uint64_t> out;
        for (const auto& i : r.body["items"]) out.push_back(i["id"]);
        CHECK(r.body["total"] == out.size());
        return out;
    };
    CHECK(ids("") == std::vector<std::uint64_t>{mid, small, big});  // street, building, name
    CHECK(ids("?street_id=2") == std::vector<std::uint64_t>{big});
    CHECK(ids("?building_id=1&min_capacity=10") == std::vector<std::uint64_t>{mid});
    CHECK(ids("?min_capacity=30") ==
          std::vector<std::uint64_t>{mid, big});  // smallest that fits first
    CHECK(ids("?facility=projector") == std::vector<std::uint64_t>{mid, big});
    CHECK(ids("?facility=stage&min_capacity=200").empty());

    auto day = booking::format_date(next_monday());
    // Close the middle hall all morning: it has no free slot 09:00–12:00 any more.
    REQUIRE(s.call(s.port(), "POST", "/api/v1/venues/" + std::to_string(mid) + "/closures",
                   json{{"from", day + "T08:00"}, {"to", day + "T12:00"}, {"reason", "培训"}},
                   d.manager1)
                .status == 201);
    CHECK(ids("?date=" + day + "&from=09:00&to=12:00") == std::vector<std::uint64_t>{small, big});
    CHECK(ids("?date=" + day + "&from=14:00&to=15:00") ==
          std::vector<std::uint64_t>{mid, small, big});
    CHECK(ids("?date=" + day + "&from=21:00&to=23:00").empty());  // everyone closes at 21:00
    CHECK(error_code(s.call(s.port(), "GET", "/api/v1/venues?from=09:00", nullptr, d.member)) ==
          "validation");
    CHECK(error_code(s.call(s.port(), "GET", "/api/v1/venues?min_capacity=lots", nullptr,
                            d.member)) == "validation");
    // A date is bounded by the longest horizon (90 days): far dates cannot make each request new
    // work.
    auto today = booking::to_local(test::now()).date;
    auto far = s.call(s.port(), "GET",
                      "/api/v1/venues?date=" + booking::format_date(booking::add_days(today, 91)),
                      nullptr, d.member);
    CHECK(far.status == 422);
    CHECK(far.body["error"]["details"]["field"] == "date");
    CHECK(error_code(s.call(s.port(), "GET", "/api/v1/venues?date=2000-01-01", nullptr,
                            d.member)) == "validation");
    // Within the bound but beyond these halls' 14-day horizon: nothing is free to book.
    CHECK(ids("?date=" + booking::format_date(booking::add_days(today, 30))).empty());
}

namespace {

// A confirmed booking of [start, end) on `day` written as the booking path writes it: the row
// and its quanta.
void booked(Stack& s, std::uint64_t id, std::uint64_t venue, std::uint64_t user,
            const std::string& day, int start, int end) {
    s.sql(
        "INSERT INTO bookings (id, venue_id, user_id, starts_at, ends_at, status, purpose, "
        "attendees) VALUES (" +
        std::to_string(id) + ", " + std::to_string(venue) + ", " + std::to_string(user) + ", '" +
        day + " " + booking::format_hhmm(start) + ":00', '" + day + " " +
        booking::format_hhmm(end) + ":00', 'confirmed', '组织生活会', 10)");
    for (int m = start; m < end; m += 15)
        s.sql("INSERT INTO booking_quanta (venue_id, slot_start, booking_id) VALUES (" +
              std::to_string(venue) + ", '" + day + " " + booking::format_hhmm(m) + ":00', " +
              std::to_string(id) + ")");
}

}  // namespace

TEST_CASE(
    "a street's admin closes every hall of the street for a holiday at once: the bookings in the "
    "way listed, then cancelled and their members told; the other street's halls stay open") {
    Stack s(own(), 19060);
    District d(s);
    auto publish = [&](std::uint64_t building, const std::string& name, const std::string& who) {
        return s.call(s.port(), "POST", "/api/v1/venues", venue(building, name, 30), who)
            .body["id"]
            .get<std::uint64_t>();
    };
    auto h1 = publish(1, "党群服务站活动室", d.manager1);
    auto h2 = publish(1, "党员之家", d.manager1);
    auto h3 = publish(2, "洽谈室", d.manager2);
    const auto monday = next_monday();
    const auto day = booking::format_date(monday);
    const auto next = booking::format_date(booking::add_days(monday, 1));
    auto [u, uid] = s.login("holidaybooker");
    booked(s, 601, h1, uid, day, 10 * 60, 10 * 60 + 30);
    booked(s, 602, h3, uid, day, 10 * 60, 10 * 60 + 30);

    json body = {{"street_id", 1},
                 {"from", day + "T00:00"},
                 {"to", next + "T00:00"},
                 {"reason", "国庆假期"}};
    // Only the street's admins and the district's: a manager of one building, a member, and an
    // admin naming another street are refused.
    CHECK(s.call(s.port(), "POST", "/api/v1/closures", body, d.manager1).status == 403);
    CHECK(s.call(s.port(), "POST", "/api/v1/closures", body, d.member).status == 403);
    json other = body;
    other["street_id"] = 2;
    CHECK(s.call(s.port(), "POST", "/api/v1/closures", other, d.street_admin1).status == 403);
    json everywhere = body;
    everywhere.erase("street_id");
    CHECK(s.call(s.port(), "POST", "/api/v1/closures", everywhere, d.street_admin1).status == 403);

    // First the bookings in the way, of this street only; nothing is closed yet.
    auto refused = s.call(s.port(), "POST", "/api/v1/closures", body, d.street_admin1);
    CHECK(refused.status == 409);
    CHECK(error_code(refused) == "conflicts_with_bookings");
    CHECK(refused.body["error"]["details"]["booking_ids"] == json::array({601}));
    CHECK(s.sql_value("SELECT COUNT(*) FROM closures") == "0");

    body["cancel_conflicting"] = true;
    auto done = s.call(s.port(), "POST", "/api/v1/closures", body, d.street_admin1);
    REQUIRE(done.status == 201);
    REQUIRE(done.body["closures"].size() == 2);
    CHECK(done.body["closures"][0]["venue_id"] == h1);
    CHECK(done.body["closures"][1]["venue_id"] == h2);
    CHECK(done.body["cancelled_booking_ids"] == json::array({601}));
    CHECK(s.sql_value("SELECT status FROM bookings WHERE id = 601") == "cancelled");
    CHECK(s.sql_value("SELECT COUNT(*) FROM booking_quanta WHERE booking_id = 601") == "0");
    CHECK(s.sql_value("SELECT COUNT(*) FROM notices WHERE kind = 'closure_cancelled' AND "
                      "subject_id = 601") == "1");
    CHECK(s.sql_value("SELECT status FROM bookings WHERE id = 602") == "confirmed");
    CHECK(s.sql_value("SELECT COUNT(*) FROM audit_log WHERE action = 'add_closure'") == "2");
    for (auto h : {h1, h2}) {
        auto avail = s.call(s.port(), "GET",
                            "/api/v1/venues/" + std::to_string(h) + "/availability?date=" + day,
                            nullptr, d.member);
        for (const auto& slot : avail.body["slots"]) CHECK(slot["state"] == "closed");
    }
    auto open3 = s.call(s.port(), "GET",
                        "/api/v1/venues/" + std::to_string(h3) + "/availability?date=" + day,
                        nullptr, d.member);
    CHECK(open3.body["slots"][0]["state"] != "closed");

    // The district's admin closes every hall of the district.
    json district = {{"from", next + "T09:00"}, {"to", next + "T12:00"}, {"reason", "安保期间"}};
    auto all = s.call(s.port(), "POST", "/api/v1/closures", district, d.admin);
    REQUIRE(all.status == 201);
    CHECK(all.body["closures"].size() == 3);
}
