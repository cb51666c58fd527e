// The alliance end to end: units and branches made by the street, a member's branch confirmed or
// refused, a joint branch, invitations into roles, the mapping of old branch names, and the sharing
// ledger against a hand-made month — real sharedhall processes, MariaDB and Redis.
#include <doctest/doctest.h>

#include "booking/calendar.hpp"
#include "tests/support/halls.hpp"
#include "tests/support/stack.hpp"

using namespace sh;
using nlohmann::json;
using test::error_code;
using test::Stack;

namespace {

test::OwnServices& own() {
    static test::OwnServices s("alliance-e2e", 13460, 16460);
    return s;
}

const json open_config = {
    {"rate_limit", {{"login_per_ip_per_minute", 0}, {"login_per_openid_per_minute", 0}}}};

// The street admin of street 1, signed in, with two streets and their buildings made.
struct Street {
    Stack& s;
    std::string admin;
    explicit Street(Stack& st) : s(st) {
        test::make_hall(s, 1);
        admin = s.login("streetadmin").first;
        REQUIRE(s.grant_role("openid-streetadmin", "street_admin", "--street-id 1") == 0);
    }
    json post(const std::string& path, const json& body, const std::string& token = "") {
        auto r = s.call(s.port(), "POST", path, body, token.empty() ? admin : token);
        INFO(r.raw);
        REQUIRE(r.status / 100 == 2);
        return r.body;
    }
};

}  // namespace

TEST_CASE("a member asks to join a branch; its secretary confirms; bookings remember the branch") {
    Stack s(own(), 19400, open_config);
    Street st(s);
    auto company = st.post("/api/v1/units",
                           {{"name", "新城集团"}, {"kind", "enterprise"}, {"street_id", 1}})["id"];
    auto office =
        st.post("/api/v1/units",
                {{"name", "江宁路街道办事处"}, {"kind", "government"}, {"street_id", 1}})["id"];
    auto branch = st.post("/api/v1/branches",
                          {{"name", "新城集团党支部"}, {"street_id", 1}, {"unit_ids", {company}}});
    auto joint = st.post(
        "/api/v1/branches",
        {{"name", "新城大厦联合党支部"}, {"street_id", 1}, {"unit_ids", {company, office}}});
    CHECK(joint["joint"] == true);
    // A name taken in the street is a conflict, not a failure of the server.
    auto again =
        s.call(s.port(), "POST", "/api/v1/units",
               json{{"name", "新城集团"}, {"kind", "enterprise"}, {"street_id", 1}}, st.admin);
    CHECK(again.status == 409);
    CHECK(error_code(again) == "conflict");
    CHECK(joint["units"][1]["name"] == "江宁路街道办事处");
    REQUIRE(
        s.call(s.port(), "PUT", "/api/v1/buildings/1/unit", json{{"unit_id", company}}, st.admin)
            .status == 200);

    // Members find branches by a part of the name.
    auto [member, member_id] = s.login("member");
    auto found = s.call(s.port(), "GET", "/api/v1/branches?q=联合", nullptr, member);
    REQUIRE(found.status == 200);
    REQUIRE(found.body["items"].size() == 1);
    CHECK(found.body["items"][0]["id"] == joint["id"]);

    // The member asks; until confirmed they are "pending" and book as before.
    auto asked = s.call(s.port(), "PATCH", "/api/v1/me", json{{"branch_id", branch["id"]}}, member);
    REQUIRE(asked.status == 200);
    CHECK(asked.body["branch"]["state"] == "pending");
    CHECK(asked.body["branch"]["unit_id"] == company);

    // The street makes a secretary by invitation; the secretary confirms the request.
    auto inv = st.post("/api/v1/invitations", {{"role", "member"}, {"branch_ids", {branch["id"]}}});
    auto [secretary, secretary_id] = s.login("secretary");
    s.sql("UPDATE users SET name = '王书记' WHERE id = " + std::to_string(secretary_id));
    auto took = s.call(s.port(), "POST", "/api/v1/invitations/accept", json{{"code", inv["code"]}},
                       secretary);
    REQUIRE(took.status == 200);
    CHECK(took.body["branch_ids"] == json::array({branch["id"]}));
    auto pending = s.call(s.port(), "GET", "/api/v1/branches/" + branch["id"].dump() + "/members",
                          nullptr, secretary);
    REQUIRE(pending.status == 200);
    REQUIRE(pending.body["items"].size() == 1);
    CHECK(pending.body["items"][0]["user_id"] == member_id);
    CHECK(pending.body["items"][0].contains("phone") == false);
    auto confirmed = s.call(s.port(), "POST",
                            "/api/v1/branches/" + branch["id"].dump() + "/members/" +
                                std::to_string(member_id) + "/confirm",
                            json::object(), secretary);
    REQUIRE(confirmed.status == 200);
    CHECK(s.call(s.port(), "GET", "/api/v1/me", nullptr, member).body["branch"]["state"] ==
          "confirmed");
    // The inviter sees who took the invitation; the audit has both sides.
    auto mine = s.call(s.port(), "GET", "/api/v1/invitations", nullptr, st.admin);
    CHECK(mine.body["items"][0]["taken_by"]["name"] == "王书记");
    CHECK(s.sql_value("SELECT COUNT(*) FROM audit_log WHERE action IN ('create_invitation', "
                      "'take_invitation', 'confirm_membership')") == "3");

    // A booking records the branch and unit at the time; moving branch keeps that history.
    auto day = test::tomorrow();
    auto first = s.call(s.port(), "POST", "/api/v1/bookings",
                        test::booking_body(1, day, 9 * 60, 10 * 60), member);
    REQUIRE(first.status == 201);
    REQUIRE(s.call(s.port(), "PATCH", "/api/v1/me",
                   json{{"branch_id", joint["id"]}, {"unit_id", office}}, member)
                .status == 200);
    auto second = s.call(s.port(), "POST", "/api/v1/bookings",
                         test::booking_body(1, day, 10 * 60, 11 * 60), member);
    REQUIRE(second.status == 201);
    CHECK(s.sql_value("SELECT CONCAT(branch_id, '/', unit_id) FROM bookings WHERE id = " +
                      first.body["id"].dump()) == branch["id"].dump() + "/" + company.dump());
    CHECK(s.sql_value("SELECT CONCAT(branch_id, '/', unit_id) FROM bookings WHERE id = " +
                      second.body["id"].dump()) == joint["id"].dump() + "/" + office.dump());
}

TEST_CASE(
    "a joint branch's request names the unit; the street refuses; a refused member asks again") {
    Stack s(own(), 19410, open_config);
    Street st(s);
    auto a =
        st.post("/api/v1/units", {{"name", "甲单位"}, {"kind", "enterprise"}, {"street_id", 1}});
    auto b = st.post("/api/v1/units",
                     {{"name", "乙社会组织"}, {"kind", "social_organisation"}, {"street_id", 1}});
    auto joint =
        st.post("/api/v1/branches",
                {{"name", "联合党支部"}, {"street_id", 1}, {"unit_ids", {a["id"], b["id"]}}});
    auto path = "/api/v1/branches/" + joint["id"].dump() + "/members/";
    auto [member, id] = s.login("jointmember");
    auto unnamed =
        s.call(s.port(), "PATCH", "/api/v1/me", json{{"branch_id", joint["id"]}}, member);
    CHECK(unnamed.status == 422);
    CHECK(unnamed.body["error"]["details"]["field"] == "unit_id");
    CHECK(s.sql_value("SELECT IFNULL(branch_id, 'none') FROM users WHERE id = " +
                      std::to_string(id)) == "none");
    REQUIRE(s.call(s.port(), "PATCH", "/api/v1/me",
                   json{{"branch_id", joint["id"]}, {"unit_id", b["id"]}, {"name", "李四"}}, member)
                .status == 200);
    auto refused =
        s.call(s.port(), "POST", path + std::to_string(id) + "/refuse", json::object(), st.admin);
    REQUIRE(refused.status == 200);
    CHECK(refused.body["branch"]["state"] == "refused");
    // Decided once; the member's next booking carries no branch.
    CHECK(s.call(s.port(), "POST", path + std::to_string(id) + "/confirm", json::object(), st.admin)
              .status == 409);
    auto booked = s.call(s.port(), "POST", "/api/v1/bookings",
                         test::booking_body(1, test::tomorrow(), 8 * 60, 9 * 60), member);
    REQUIRE(booked.status == 201);
    CHECK(s.sql_value("SELECT IFNULL(branch_id, 'none') FROM bookings WHERE id = " +
                      booked.body["id"].dump()) == "none");
    auto again = s.call(s.port(), "PATCH", "/api/v1/me",
                        json{{"branch_id", joint["id"]}, {"unit_id", b["id"]}}, member);
    CHECK(again.body["branch"]["state"] == "pending");
}

TEST_CASE("an invitation is taken once; a second use and an expired one are refused") {
    Stack s(own(), 19420, open_config);
    Street st(s);
    auto inv = st.post("/api/v1/invitations", {{"role", "manager"}, {"building_ids", {1}}});
    CHECK(inv["code"].get<std::string>().size() == 24);
    CHECK(inv["page"] == "pages/invite/index");
    auto qr = s.call(s.port(), "POST", "/api/v1/invitations/qrcode", json{{"code", inv["code"]}},
                     st.admin);
    CHECK(qr.status == 200);
    CHECK(qr.raw.rfind("\x89PNG", 0) == 0);
    auto [first, first_id] = s.login("first");
    auto took =
        s.call(s.port(), "POST", "/api/v1/invitations/accept", json{{"code", inv["code"]}}, first);
    REQUIRE(took.status == 200);
    CHECK(took.body["role"] == "manager");
    CHECK(took.body["building_ids"] == json::array({1}));
    // The new manager manages at once (this instance forgot the old role).
    CHECK(s.call(s.port(), "GET", "/api/v1/venues/1/checkin-code", nullptr, first).status == 200);

    auto [second, second_id] = s.login("second");
    auto used =
        s.call(s.port(), "POST", "/api/v1/invitations/accept", json{{"code", inv["code"]}}, second);
    CHECK(used.status == 409);
    CHECK(error_code(used) == "invitation_used");
    CHECK(used.body["error"]["message_zh"].get<std::string>().find("邀请码") != std::string::npos);
    auto made_up = s.call(s.port(), "POST", "/api/v1/invitations/accept",
                          json{{"code", "0123456789abcdef01234567"}}, second);
    CHECK(made_up.status == 404);
    // A used code makes no more images.
    CHECK(s.call(s.port(), "POST", "/api/v1/invitations/qrcode", json{{"code", inv["code"]}},
                 st.admin)
              .status == 404);

    auto short_one =
        st.post("/api/v1/invitations", {{"role", "manager"}, {"building_ids", {1}}, {"days", 1}});
    s.set_clock(test::now() + std::chrono::hours(25));
    auto expired = s.call(s.port(), "POST", "/api/v1/invitations/accept",
                          json{{"code", short_one["code"]}}, second);
    CHECK(expired.status == 410);
    CHECK(error_code(expired) == "invitation_expired");
    CHECK(s.sql_value("SELECT role FROM users WHERE id = " + std::to_string(second_id)) ==
          "member");
}

TEST_CASE(
    "the mapping command maps real-looking spellings once, and the second run changes nothing") {
    Stack s(own(), 19430, open_config);
    test::make_hall(s, 1);
    s.sql(
        "INSERT INTO units (id, street_id, name, kind) VALUES (1, 1, '新城集团', 'enterprise'), "
        "(2, 1, '街道机关', 'government'), (3, 1, '冠生园', 'enterprise')");
    s.sql(
        "INSERT INTO branches (id, street_id, name) VALUES (1, 1, '第一党支部'), (2, 1, "
        "'机关党总支'), (3, 1, '楼宇联合党支部'), (4, 1, '上海冠生园食品有限公司党支部')");
    s.sql("INSERT INTO branch_units VALUES (1, 1), (2, 2), (3, 1), (3, 3), (4, 3)");
    // Members as they typed their branch, each with a booking in the street.
    const std::vector<std::string> typed = {"第1党支部",
                                            "第一支部 ",
                                            "第 一 党支部",
                                            "第１党支部",
                                            "机关党支部",
                                            "机关支部",
                                            "中共上海冠生园食品有限公司支部委员会",
                                            "楼宇联合党支部",
                                            "第九党支部",
                                            "党员服务中心",
                                            ""};
    auto day = booking::format_date(test::tomorrow());
    for (std::size_t i = 0; i < typed.size(); ++i) {
        auto id = std::to_string(100 + i);
        s.sql("INSERT INTO users (id, openid, name, org) VALUES (" + id + ", 'o" + id + "', '党员" +
              id + "', '" + typed[i] + "')");
        s.sql(
            "INSERT INTO bookings (venue_id, user_id, starts_at, ends_at, status, purpose, "
            "attendees, org) VALUES (1, " +
            id + ", '" + day + " 08:00:00', '" + day + " 09:00:00', 'completed', '学习', 5, '')");
    }
    // One booking whose own text names the branch, whatever its member wrote.
    s.sql(
        "INSERT INTO bookings (venue_id, user_id, starts_at, ends_at, status, purpose, attendees, "
        "org) VALUES (1, 109, '" +
        day + " 10:00:00', '" + day + " 11:00:00', 'completed', '学习', 5, '机关总支')");

    std::string out;
    REQUIRE(s.command({"map-orgs", "--street-id", "1", "--page", "3"}, &out) == 0);
    INFO(out);
    CHECK(out.find("7 members and 8 bookings mapped; 3 names to review") != std::string::npos);
    auto branch_of = [&](int user) {
        return s.sql_value(
            "SELECT CONCAT(IFNULL(branch_id, '-'), '/', IFNULL(unit_id, '-'), '/', "
            "IFNULL(branch_state, '-')) FROM users WHERE id = " +
            std::to_string(user));
    };
    for (int u : {100, 101, 102, 103}) CHECK(branch_of(u) == "1/1/pending");
    CHECK(branch_of(104) == "2/2/pending");
    CHECK(branch_of(105) == "2/2/pending");
    CHECK(branch_of(106) == "4/3/pending");
    CHECK(branch_of(107) == "-/-/-");  // a joint branch: the text does not tell the unit
    CHECK(branch_of(108) == "-/-/-");
    CHECK(branch_of(110) == "-/-/-");
    CHECK(s.sql_value("SELECT GROUP_CONCAT(CONCAT(org, ':', reason, ':', users, ':', bookings) "
                      "ORDER BY org) FROM org_review WHERE street_id = 1") ==
          "党员服务中心:unmatched:1:1,楼宇联合党支部:joint:1:1,第九党支部:unmatched:1:1");
    CHECK(s.sql_value("SELECT CONCAT(branch_id, '/', unit_id) FROM bookings WHERE user_id = 109 "
                      "AND org = '机关总支'") == "2/2");
    // The street reads its review list; a member may not.
    auto admin = s.login("mapping-admin").first;
    REQUIRE(s.grant_role("openid-mapping-admin", "street_admin", "--street-id 1") == 0);
    auto review = s.call(s.port(), "GET", "/api/v1/org-review", nullptr, admin);
    REQUIRE(review.status == 200);
    REQUIRE(review.body["items"].size() == 3);
    CHECK(review.body["items"][0]["street_id"] == 1);
    auto member = s.login("mapping-member").first;
    CHECK(s.call(s.port(), "GET", "/api/v1/org-review", nullptr, member).status == 403);

    auto snapshot = [&] {
        return s.sql_value(
                   "SELECT GROUP_CONCAT(CONCAT(id, IFNULL(branch_id, '-'), IFNULL(unit_id, '-'), "
                   "IFNULL(branch_state, '-'), IFNULL(branch_requested_at, '-')) ORDER BY id) "
                   "FROM users") +
               s.sql_value(
                   "SELECT GROUP_CONCAT(CONCAT(id, IFNULL(branch_id, '-'), IFNULL(unit_id, '-')) "
                   "ORDER BY id) FROM bookings") +
               s.sql_value(
                   "SELECT GROUP_CONCAT(CONCAT(org, reason, users, bookings) ORDER BY org) FROM "
                   "org_review");
    };
    auto before = snapshot();
    REQUIRE(s.command({"map-orgs", "--street-id", "1"}, &out) == 0);
    CHECK(out.find("0 members and 0 bookings mapped; 3 names to review") != std::string::npos);
    CHECK(snapshot() == before);
    CHECK(s.sql_value("SELECT COUNT(*) FROM audit_log WHERE action = 'map_orgs'") == "1");
}

TEST_CASE("the sharing ledger: who used whose halls in a hand-made month across three units") {
    Stack s(own(), 19440, open_config);
    s.sql("INSERT INTO streets (id, name) VALUES (1, '江宁路街道'), (2, '石门二路街道')");
    s.sql(
        "INSERT INTO units (id, street_id, name, kind) VALUES (1, 1, '新城集团', 'enterprise'), "
        "(2, 1, '冠生园', 'enterprise'), (3, 1, '江宁路街道办事处', 'government')");
    // Unit 1 provides building 1, unit 2 building 2; building 3 (street 2) belongs to no unit.
    s.sql(
        "INSERT INTO buildings (id, street_id, name, unit_id) VALUES (1, 1, '新城大厦', 1), (2, 1, "
        "'冠生园金融园', 2), (3, 2, '越洋广场', NULL)");
    for (std::uint64_t v = 1; v <= 3; ++v) test::make_hall_in(s, v, v);
    s.sql("INSERT INTO users (id, openid) VALUES (1, 'u1')");
    // hall, unit of the booker, status, day, start hour, minutes, people present
    struct Row {
        int hall;
        const char* unit;
        const char* status;
        const char* day;
        int hour, minutes, present;
    };
    const Row rows[] = {
        {1, "2", "completed", "2026-10-05", 9, 60, 5},     // unit 1's hall, used by unit 2
        {1, "3", "completed", "2026-10-06", 9, 120, 8},    // ... by unit 3
        {1, "1", "completed", "2026-10-07", 9, 60, 3},     // ... by unit 1 itself
        {2, "1", "checked_in", "2026-10-08", 9, 90, 4},    // unit 2's hall, used by unit 1
        {2, "3", "no_show", "2026-10-09", 9, 60, 0},       // not held: not counted
        {2, "NULL", "completed", "2026-10-10", 9, 30, 2},  // by a member of no unit
        {3, "3", "completed", "2026-10-11", 9, 60, 6},     // a hall of no unit, used by unit 3
        {1, "2", "cancelled", "2026-10-12", 9, 60, 0},     // not held
        {1, "2", "completed", "2026-11-01", 9, 60, 9},     // outside the month
    };
    for (const auto& r : rows) {
        char start[32], end[32];
        std::snprintf(start, sizeof start, "%s %02d:00:00", r.day, r.hour);
        int end_minutes = r.hour * 60 + r.minutes;
        std::snprintf(end, sizeof end, "%s %02d:%02d:00", r.day, end_minutes / 60,
                      end_minutes % 60);
        s.sql(
            "INSERT INTO bookings (venue_id, user_id, starts_at, ends_at, status, purpose, "
            "attendees, present, unit_id) VALUES (" +
            std::to_string(r.hall) + ", 1, '" + start + "', '" + end + "', '" + r.status +
            "', '学习', 10, " + std::to_string(r.present) + ", " + r.unit + ")");
    }
    auto [admin, admin_id] = s.login("ledger-d");
    REQUIRE(s.grant_role("openid-ledger-d", "district_admin") == 0);
    auto r = s.call(s.port(), "GET", "/api/v1/stats/sharing?from=2026-10-01&to=2026-10-31", nullptr,
                    admin);
    REQUIRE(r.status == 200);
    auto figures = [](double hours, int sessions, int people) {
        return json{{"hours", hours}, {"sessions", sessions}, {"person_times", people}};
    };
    auto unit = [&](int id, const char* name, json provided, json used, json own) {
        return json{
            {"unit_id", id}, {"name", name}, {"provided", provided}, {"used", used}, {"own", own}};
    };
    const json none = figures(0, 0, 0);
    CHECK(r.body["units"] ==
          json::array({unit(1, "新城集团", figures(3, 2, 13), figures(1.5, 1, 4), figures(1, 1, 3)),
                       unit(2, "冠生园", figures(2, 2, 6), figures(1, 1, 5), none),
                       unit(0, "未归属", figures(1, 1, 6), figures(0.5, 1, 2), none),
                       unit(3, "江宁路街道办事处", none, figures(3, 2, 14), none)}));
    auto flow = [&](int from, const char* from_name, int to, const char* to_name, json f) {
        f["provider_id"] = from;
        f["provider"] = from_name;
        f["user_id"] = to;
        f["user"] = to_name;
        return f;
    };
    CHECK(r.body["matrix"] ==
          json::array({flow(0, "未归属", 3, "江宁路街道办事处", figures(1, 1, 6)),
                       flow(1, "新城集团", 1, "新城集团", figures(1, 1, 3)),
                       flow(1, "新城集团", 2, "冠生园", figures(1, 1, 5)),
                       flow(1, "新城集团", 3, "江宁路街道办事处", figures(2, 1, 8)),
                       flow(2, "冠生园", 0, "未归属", figures(0.5, 1, 2)),
                       flow(2, "冠生园", 1, "新城集团", figures(1.5, 1, 4))}));

    // A street admin sees its street's halls only: building 3's session is not theirs.
    auto [street, street_id] = s.login("ledger-s1");
    REQUIRE(s.grant_role("openid-ledger-s1", "street_admin", "--street-id 1") == 0);
    auto scoped = s.call(s.port(), "GET", "/api/v1/stats/sharing?from=2026-10-01&to=2026-10-31",
                         nullptr, street);
    REQUIRE(scoped.status == 200);
    CHECK(scoped.body["matrix"].size() == 5);
    // The CSV opens in Excel: BOM, Chinese headers, the units then the matrix.
    auto csv =
        s.call(s.port(), "GET", "/api/v1/stats/sharing?from=2026-10-01&to=2026-10-31&format=csv",
               nullptr, admin);
    REQUIRE(csv.status == 200);
    CHECK(csv.raw.rfind("\xEF\xBB\xBF单位,提供给其他单位(小时),", 0) == 0);
    CHECK(csv.raw.find("\r\n新城集团,3.00,2,13,1.50,1,4,1.00,1,3\r\n") != std::string::npos);
    CHECK(csv.raw.find("\r\n提供单位,使用单位,小时,场次,人次\r\n") != std::string::npos);
    CHECK(csv.raw.find("\r\n新城集团,冠生园,1.00,1,5\r\n") != std::string::npos);
}
