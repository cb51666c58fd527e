// The street office's statistics against generated data: every figure recomputed independently
// from the raw rows, the scope matrix, and the bytes of the CSV exports.
#include <doctest/doctest.h>

#include <map>
#include <random>
#include <set>

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <mysql_driver.h>

#include "booking/calendar.hpp"
#include "server/mysql/database.hpp"
#include "server/mysql/sql_time.hpp"
#include "tests/support/stack.hpp"

using namespace sh;
using nlohmann::json;
using test::error_code;
using test::Stack;

namespace {

test::OwnServices& own() {
    static test::OwnServices s("stats-e2e", 13419, 16419);
    return s;
}

const booking::Date first{2026, 3, 2};  // a Monday; 28 days of data
constexpr int days = 28;

// Two streets, three buildings, four halls open 08:00-21:00 every day; 600 bookings of every
// kind, scans, late cancellations and two closures, written straight into the database.
struct District {
    Stack& s;
    std::vector<std::string> tokens;
    explicit District(Stack& st) : s(st) {
        s.sql("INSERT INTO streets (id, name) VALUES (1, '江宁路街道'), (2, '石门二路街道')");
        s.sql(
            "INSERT INTO buildings (id, street_id, name) VALUES (1, 1, '新城大厦'), (2, 1, "
            "'嘉里中心'), (3, 2, '越洋广场')");
        // Three units, three branches (one joint); each booking records a branch and unit, or
        // none (booked before the member asked to join one).
        s.sql(
            "INSERT INTO units (id, street_id, name, kind) VALUES (1, 1, '新城集团', "
            "'enterprise'), "
            "(2, 1, '江宁路街道办事处', 'government'), (3, 2, '越洋社区', 'community')");
        s.sql(
            "INSERT INTO branches (id, street_id, name) VALUES (1, 1, '新城集团党支部'), (2, 1, "
            "'机关党支部'), (3, 1, '楼宇联合党支部')");
        s.sql("INSERT INTO branch_units VALUES (1, 1), (2, 2), (3, 1), (3, 3)");
        const int building_of[] = {0, 1, 1, 2, 3};
        for (int v = 1; v <= 4; ++v) {
            s.sql(
                "INSERT INTO venues (id, building_id, name, capacity, description, photos, "
                "slot_minutes, horizon_days, "
                "release_minute, min_minutes, max_minutes, cancel_deadline_minutes, "
                "checkin_before_minutes, "
                "checkin_after_minutes) VALUES (" +
                std::to_string(v) + ", " + std::to_string(building_of[v]) + ", '厅" +
                std::to_string(v) + "', 50, '', '[]', 15, 14, 0, 15, 240, 120, 15, 15)");
            for (int wd = 1; wd <= 7; ++wd)
                s.sql(
                    "INSERT INTO venue_hours (venue_id, weekday, open_minute, close_minute) VALUES "
                    "(" +
                    std::to_string(v) + ", " + std::to_string(wd) + ", 480, 1260)");
        }
        s.sql(
            "INSERT INTO closures (venue_id, starts_at, ends_at, reason, created_by) VALUES "
            "(1, '2026-03-05 12:00:00', '2026-03-06 10:00:00', '检修', 1), (4, '2026-03-20 "
            "00:00:00', '2026-03-21 00:00:00', '活动', 1)");
        for (int u = 0; u < 12; ++u) tokens.push_back(s.login("stat" + std::to_string(u)).first);
        std::mt19937 rng(20260302);
        const char* statuses[] = {"completed", "completed", "completed", "no_show",
                                  "cancelled", "cancelled", "pending",   "rejected",
                                  "confirmed", "expired",   "checked_in"};
        const char* orgs[] = {"第一党支部", "第二党支部", "机关党支部", ""};
        std::map<std::pair<int, std::string>, bool>
            taken;  // hall, start: no overlaps (quanta are not written)
        for (int i = 0; i < 600; ++i) {
            int v = 1 + static_cast<int>(rng() % 4);
            auto d = booking::add_days(first, static_cast<int>(rng() % days));
            int start = 8 * 60 + 30 * static_cast<int>(rng() % 24);
            int len = 30 * (1 + static_cast<int>(rng() % 4));
            auto at = mysql::to_sql_datetime(booking::to_timepoint(d, start));
            if (taken[{v, at}]) continue;
            taken[{v, at}] = true;
            auto until = mysql::to_sql_datetime(booking::to_timepoint(d, start + len));
            std::string status = statuses[rng() % 11];
            int user = 1 + static_cast<int>(rng() % 12);
            std::string id = std::to_string(1000 + i);
            const char* branch_unit[] = {"1, 1", "2, 2", "3, 1", "3, 3", "NULL, NULL"};
            s.sql(
                "INSERT INTO bookings (id, venue_id, user_id, starts_at, ends_at, status, purpose, "
                "attendees, org, branch_id, unit_id) VALUES (" +
                id + ", " + std::to_string(v) + ", " + std::to_string(user) + ", '" + at + "', '" +
                until + "', '" + status + "', '学习', 10, '" + orgs[rng() % 4] + "', " +
                branch_unit[rng() % 5] + ")");
            if (status == "completed" || status == "checked_in")
                for (int p = 0, n = static_cast<int>(rng() % 5); p < n; ++p)
                    s.sql(
                        "INSERT IGNORE INTO attendance (booking_id, user_id, scanned_at) VALUES (" +
                        id + ", " + std::to_string(1 + rng() % 12) + ", '" + at + "')");
            if (status == "cancelled" && rng() % 2)
                s.sql(
                    "INSERT INTO violations (user_id, booking_id, kind, weight_milli, created_at) "
                    "VALUES (" +
                    std::to_string(user) + ", " + id + ", 'late_cancel', 500, '" + at + "')");
        }
        s.sql("UPDATE users SET org = '第三党支部' WHERE id IN (1, 2, 3)");
        // The count the server keeps with each scan (the recomputation below counts the rows).
        s.sql(
            "UPDATE bookings b SET present = (SELECT COUNT(*) FROM attendance a WHERE a.booking_id "
            "= b.id)");
    }
};

// The expected figures, recomputed from the raw rows by code that shares nothing with the server.
struct Expected {
    long long bookings = 0, sessions = 0, person_times = 0, booked = 0, no_shows = 0, early = 0,
              late = 0, pending = 0, rejected = 0;
    long long open = 0;
};

std::map<std::string, Expected> recompute(Stack& s, const std::string& group_by,
                                          const std::set<int>& buildings) {
    mysql::Conn c(sql::mysql::get_mysql_driver_instance(), s.mysql());
    c.ensure_ready();
    std::map<std::string, Expected> out;
    std::unique_ptr<sql::ResultSet> rs(
        c.prepare("SELECT bk.id, bk.venue_id, v.building_id, b.street_id, bk.org, u.org, "
                  "DATE_FORMAT(bk.starts_at, '%Y-%m-%d %H'), "
                  "TIMESTAMPDIFF(MINUTE, bk.starts_at, bk.ends_at), bk.status, "
                  "(SELECT COUNT(*) FROM attendance a WHERE a.booking_id = bk.id), "
                  "(SELECT COUNT(*) FROM violations x WHERE x.booking_id = bk.id AND x.kind = "
                  "'late_cancel'), IFNULL(bk.branch_id, 0), IFNULL(bk.unit_id, 0) "
                  "FROM bookings bk JOIN venues v ON v.id = bk.venue_id JOIN buildings b ON b.id = "
                  "v.building_id "
                  "JOIN users u ON u.id = bk.user_id")
            .executeQuery());
    while (rs->next()) {
        int building = rs->getInt(3);
        if (!buildings.count(building)) continue;
        std::string org = rs->getString(5);
        if (org.empty()) org = rs->getString(6);
        if (org.empty()) org = "(未填写)";
        std::string day_hour = rs->getString(7);
        std::string key = group_by == "venue"      ? std::to_string(rs->getInt(2))
                          : group_by == "building" ? std::to_string(building)
                          : group_by == "street"   ? std::to_string(rs->getInt(4))
                          : group_by == "org"      ? org
                          : group_by == "branch"   ? std::to_string(rs->getInt(12))
                          : group_by == "unit"     ? std::to_string(rs->getInt(13))
                          : group_by == "day"      ? day_hour.substr(0, 10)
                                                   : day_hour.substr(11, 2);  // hour
        auto& e = out[key];
        std::string st = rs->getString(9);
        ++e.bookings;
        bool held = st == "checked_in" || st == "completed";
        e.sessions += held;
        e.person_times += held ? rs->getInt(10) : 0;
        if (st == "confirmed" || held || st == "no_show") e.booked += rs->getInt(8);
        e.no_shows += st == "no_show";
        e.early += st == "cancelled" && rs->getInt(11) == 0;
        e.late += st == "cancelled" && rs->getInt(11) > 0;
        e.pending += st == "pending";
        e.rejected += st == "rejected";
    }
    // Open time: 13 hours a day per hall, less the two closures (hall 1: 12:00-21:00 on the 5th
    // and 08:00-10:00 on the 6th; hall 4: all of the 20th).
    const int building_of[] = {0, 1, 1, 2, 3}, street_of_building[] = {0, 1, 1, 2};
    for (int v = 1; v <= 4; ++v) {
        if (!buildings.count(building_of[v])) continue;
        for (int i = 0; i < days; ++i) {
            auto d = booking::add_days(first, i);
            long long open = 13 * 60;
            auto ds = booking::format_date(d);
            if (v == 1 && ds == "2026-03-05") open -= 9 * 60;
            if (v == 1 && ds == "2026-03-06") open -= 2 * 60;
            if (v == 4 && ds == "2026-03-20") open = 0;
            std::string key = group_by == "venue"      ? std::to_string(v)
                              : group_by == "building" ? std::to_string(building_of[v])
                              : group_by == "street"
                                  ? std::to_string(street_of_building[building_of[v]])
                              : group_by == "day" ? ds
                                                  : "";
            if (!key.empty() && open > 0) out[key].open += open;
        }
    }
    if (group_by == "hour")  // every hour the halls are open shows, booked or not
        for (int h = 8; h < 21; ++h) out[(h < 10 ? "0" : "") + std::to_string(h)];
    return out;
}

void check_against(Stack& s, const std::string& token, const std::string& group_by,
                   const std::set<int>& buildings) {
    CAPTURE(group_by);
    auto r = s.call(s.port(), "GET",
                    "/api/v1/stats/usage?from=2026-03-02&to=2026-03-29&group_by=" + group_by,
                    nullptr, token);
    REQUIRE(r.status == 200);
    auto expected = recompute(s, group_by, buildings);
    std::map<std::string, json> got;
    for (const auto& item : r.body["items"]) got[item["key"]] = item;
    CHECK(got.size() == expected.size());
    for (const auto& [key, e] : expected) {
        CAPTURE(key);
        REQUIRE(got.count(key));
        const auto& g = got[key];
        CHECK(g["bookings"] == e.bookings);
        CHECK(g["sessions"] == e.sessions);
        CHECK(g["person_times"] == e.person_times);
        CHECK(g["booked_hours"].get<double>() == doctest::Approx(e.booked / 60.0));
        CHECK(g["no_shows"] == e.no_shows);
        CHECK(g["cancelled_before_deadline"] == e.early);
        CHECK(g["cancelled_after_deadline"] == e.late);
        CHECK(g["pending"] == e.pending);
        CHECK(g["rejected"] == e.rejected);
        if (group_by != "org" && group_by != "branch" && group_by != "unit" && group_by != "hour") {
            CHECK(g["open_hours"].get<double>() == doctest::Approx(e.open / 60.0));
            CHECK(g["utilisation"].get<double>() ==
                  doctest::Approx(e.open ? double(e.booked) / double(e.open) : 0.0));
        }
        if (e.sessions + e.no_shows > 0)
            CHECK(g["checkin_rate"].get<double>() ==
                  doctest::Approx(double(e.sessions) / double(e.sessions + e.no_shows)));
    }
}

}  // namespace

TEST_CASE(
    "statistics equal an independent recomputation from the raw rows, for every grouping and "
    "scope") {
    Stack s(
        own(), 18900,
        json{{"rate_limit", {{"login_per_ip_per_minute", 0}, {"login_per_openid_per_minute", 0}}}});
    District d(s);
    auto [admin, a] = s.login("districtadmin");
    auto [street2, b] = s.login("street2admin");
    auto [mgr1, c] = s.login("mgr1");
    REQUIRE(s.grant_role("openid-districtadmin", "district_admin") == 0);
    REQUIRE(s.grant_role("openid-street2admin", "street_admin", "--street-id 2") == 0);
    REQUIRE(s.grant_role("openid-mgr1", "manager", "--building-ids 1") == 0);
    for (const char* g : {"venue", "building", "street", "org", "branch", "unit", "day", "hour"})
        check_against(s, admin, g, {1, 2, 3});
    // Scopes: a street admin sees its street only, a manager its buildings only.
    for (const char* g : {"venue", "building", "org", "branch", "unit"})
        check_against(s, street2, g, {3});
    for (const char* g : {"venue", "day"}) check_against(s, mgr1, g, {1});
    CHECK(s.call(s.port(), "GET", "/api/v1/stats/usage?from=2026-03-02&to=2026-03-29", nullptr,
                 d.tokens[5])
              .status == 403);
    auto long_period = s.call(s.port(), "GET", "/api/v1/stats/usage?from=2025-01-01&to=2026-03-29",
                              nullptr, admin);
    CHECK(long_period.status == 422);
    // The ledger in scope: every row of the manager's building, none of another.
    auto ledger = s.call(s.port(), "GET", "/api/v1/stats/ledger?from=2026-03-02&to=2026-03-29",
                         nullptr, mgr1);
    REQUIRE(ledger.status == 200);
    CHECK(ledger.raw.find("新城大厦") != std::string::npos);
    CHECK(ledger.raw.find("嘉里中心") == std::string::npos);
    CHECK(ledger.raw.find("越洋广场") == std::string::npos);
    auto top = s.call(s.port(), "GET", "/api/v1/stats/top?from=2026-03-02&to=2026-03-29&limit=3",
                      nullptr, admin);
    REQUIRE(top.status == 200);
    // The most active branches by their records (ids and names), not by how they were spelled.
    REQUIRE(top.body["branches"].size() == 3);
    CHECK(top.body["branches"][0]["sessions"] >= top.body["branches"][1]["sessions"]);
    std::set<std::string> labels;
    for (const auto& row : top.body["branches"]) labels.insert(row["label"].get<std::string>());
    for (const auto& l : labels)
        CHECK(
            std::set<std::string>{"新城集团党支部", "机关党支部", "楼宇联合党支部", "未归属"}.count(
                l) == 1);
    CHECK(top.body["units"].size() == 3);
    CHECK(top.body["quiet_halls"][0]["utilisation"] <= top.body["quiet_halls"][1]["utilisation"]);
}

TEST_CASE(
    "the CSV exports open in Excel as meant: BOM, Chinese headers, RFC 4180 quoting, no formulas") {
    Stack s(own(), 18910, json::object());
    District d(s);
    auto [admin, a] = s.login("csvadmin");
    REQUIRE(s.grant_role("openid-csvadmin", "district_admin") == 0);
    s.sql("UPDATE bookings SET purpose = '学习, \"二十大\"\n精神' WHERE id = 1000");
    s.sql("UPDATE bookings SET purpose = '=HYPERLINK(\"http://x\")' WHERE id = 1001");
    auto r = s.call(s.port(), "GET", "/api/v1/stats/ledger?from=2026-03-02&to=2026-03-29", nullptr,
                    admin);
    REQUIRE(r.status == 200);
    CHECK(r.raw.rfind("\xEF\xBB\xBF", 0) == 0);
    CHECK(r.raw.substr(3, r.raw.find("\r\n") - 3) ==
          "预约编号,街道,楼宇,场地,日期,开始,结束,状态,预约人,党支部,用途,预计人数,签到时间,"
          "到场人次");
    CHECK(r.raw.find(",\"学习, \"\"二十大\"\"\n精神\",") != std::string::npos);
    CHECK(r.raw.find(",\"'=HYPERLINK(\"\"http://x\"\")\",") != std::string::npos);
    CHECK(r.raw.find(",=HYPERLINK") == std::string::npos);
    auto usage =
        s.call(s.port(), "GET",
               "/api/v1/stats/usage?from=2026-03-02&to=2026-03-29&group_by=building&format=csv",
               nullptr, admin);
    REQUIRE(usage.status == 200);
    CHECK(usage.raw.rfind("\xEF\xBB\xBF分组,名称,预约数,场次,人次", 0) == 0);
    CHECK(usage.raw.find("\r\n1,新城大厦,") != std::string::npos);
}
