// The statistics' pure parts: open time from weekly hours minus closures, the scope of each
// role, the period's bounds, and CSV text as Excel reads it.
#include <doctest/doctest.h>

#include "booking/calendar.hpp"
#include "booking/stats.hpp"
#include "server/api/stats_view.hpp"

using namespace sh::booking;
using sh::api::csv_text;
using sh::api::usage_csv;

namespace {
VenueOpening venue(VenueId id, BuildingId b, StreetId s) {
    VenueOpening h;
    h.venue.id = id;
    h.venue.building_id = b;
    h.venue.street_id = s;
    h.venue.name = "厅" + std::to_string(id);
    for (int wd = 1; wd <= 7; ++wd) h.venue.rules.weekly_hours.push_back({wd, 8 * 60, 21 * 60});
    return h;
}
}  // namespace

TEST_CASE("open time is the weekly hours less closures, in every grouping") {
    const Date mon{2026, 3, 2};
    auto a = venue(1, 1, 1), b = venue(2, 2, 1);
    a.closures.push_back({to_timepoint(mon, 12 * 60), to_timepoint(add_days(mon, 1), 10 * 60)});
    Period week{mon, add_days(mon, 6)};
    auto by_venue = open_minutes(GroupBy::venue, {a, b}, week);
    CHECK(by_venue["1"] == 7 * 13 * 60 - 9 * 60 - 2 * 60);
    CHECK(by_venue["2"] == 7 * 13 * 60);
    CHECK(open_minutes(GroupBy::street, {a, b}, week)["1"] == by_venue["1"] + by_venue["2"]);
    auto by_day = open_minutes(GroupBy::day, {a, b}, week);
    CHECK(by_day["2026-03-02"] == 13 * 60 + 4 * 60);
    CHECK(by_day["2026-03-03"] == 13 * 60 + 11 * 60);
    auto by_hour = open_minutes(GroupBy::hour, {a, b}, week);
    CHECK(by_hour.count("07") == 0);
    CHECK(by_hour["12"] == 2 * 7 * 60 - 60);  // hall 1 closed 12-13 on Monday
    CHECK(open_minutes(GroupBy::weekday_hour, {a, b}, week)["1-12"] == 60);
    CHECK(open_minutes(GroupBy::week, {a, b}, week)["2026-03-02"] == by_venue["1"] + by_venue["2"]);
    CHECK(open_minutes(GroupBy::org, {a, b}, week).empty());
}

TEST_CASE("usage rows join booking figures with open time; utilisation and check-in rate") {
    const Date mon{2026, 3, 2};
    std::vector<VenueOpening> venues{venue(1, 1, 1)};
    BookingFigures f;
    f.key = "1";
    f.label = "厅1";
    f.booked_minutes = 13 * 60;
    f.sessions = 3;
    f.no_shows = 1;
    auto rows =
        usage_rows(GroupBy::venue, {f}, open_minutes(GroupBy::venue, venues, {mon, mon}), venues);
    REQUIRE(rows.size() == 1);
    CHECK(*rows[0].utilisation == doctest::Approx(1.0));
    CHECK(*rows[0].checkin_rate == doctest::Approx(0.75));
    auto empty =
        usage_rows(GroupBy::venue, {}, open_minutes(GroupBy::venue, venues, {mon, mon}), venues);
    REQUIRE(empty.size() == 1);  // a hall with no bookings still shows, unused
    CHECK(empty[0].f.label == "厅1");
    CHECK(*empty[0].utilisation == 0.0);
    CHECK_FALSE(empty[0].checkin_rate);
}

TEST_CASE(
    "statistics by role: the district all, a street admin its street, a manager its buildings, "
    "members nothing") {
    CHECK_FALSE(stats_scope(Principal{1, Role::district_admin, {}, {}}).value().street);
    CHECK(stats_scope(Principal{1, Role::street_admin, 7, {}}).value().street == 7u);
    CHECK(*stats_scope(Principal{1, Role::manager, {}, {3, 4}}).value().buildings ==
          std::set<BuildingId>{3, 4});
    CHECK(stats_scope(Principal{1, Role::member, {}, {}}).error().code == Errc::forbidden);
    CHECK(check_period(Date{2026, 1, 1}, Date{2026, 12, 31}).ok());
    CHECK_FALSE(check_period(Date{2026, 1, 1}, Date{2027, 1, 2}).ok());
    CHECK_FALSE(check_period(Date{2026, 1, 2}, Date{2026, 1, 1}).ok());
}

TEST_CASE("CSV text: quoted when it holds commas, quotes or line breaks; never a formula") {
    CHECK(csv_text("新城大厦") == "新城大厦");
    CHECK(csv_text("a,b") == "\"a,b\"");
    CHECK(csv_text("say \"hi\"") == "\"say \"\"hi\"\"\"");
    CHECK(csv_text("two\nlines") == "\"two\nlines\"");
    CHECK(csv_text("=1+2") == "'=1+2");
    CHECK(csv_text("+86 138") == "'+86 138");
    CHECK(csv_text("-3") == "'-3");
    CHECK(csv_text("@SUM(A1)") == "'@SUM(A1)");
    CHECK(csv_text("=A1,B1") == "\"'=A1,B1\"");
    auto csv = usage_csv({});
    CHECK(csv == std::string("\xEF\xBB\xBF") +
                     "分组,名称,预约数,场次,人次,预约时长(小时),开放时长(小时),利用率,签到率,爽约,"
                     "截止前取消,截止后取消,待审批,已拒绝,申诉,申诉后免除\r\n");
}

TEST_CASE("a booking and the open time of its hour fall in the same group, in every grouping") {
    const Date wed{2026, 3, 4};
    auto a = venue(1, 1, 1), b = venue(2, 2, 1);
    auto cell = [&](const VenueOpening& h, int hour, std::string org, int bookings) {
        BookingCell c{h.venue.id, h.venue.building_id, h.venue.street_id, wed, hour, org, {}};
        c.figures.bookings = bookings;
        c.figures.booked_minutes = 60 * bookings;
        return c;
    };
    std::vector<BookingCell> cells{cell(a, 9, "一支部", 1), cell(a, 14, "二支部", 2),
                                   cell(b, 9, "一支部", 4)};
    for (auto g : {GroupBy::street, GroupBy::building, GroupBy::venue, GroupBy::day, GroupBy::week,
                   GroupBy::month, GroupBy::hour, GroupBy::weekday_hour}) {
        CAPTURE(group_by_name(g));
        auto open = open_minutes(g, {a, b}, {wed, wed});
        long long total = 0;
        for (const auto& f : group_figures(g, cells, {a, b})) {
            CHECK(open.count(f.key) == 1);  // every group with bookings has its open time
            total += f.bookings;
        }
        CHECK(total == 7);
    }
    auto by_hour = group_figures(GroupBy::hour, cells, {a, b});
    REQUIRE(by_hour.size() == 2);
    CHECK(by_hour[0].key == "09");
    CHECK(by_hour[0].bookings == 5);
    CHECK(group_figures(GroupBy::weekday_hour, cells, {a, b})[0].key == "3-09");
    auto by_venue = group_figures(GroupBy::venue, cells, {a, b});
    CHECK(by_venue[0].label == "厅1");
    CHECK(by_venue[0].booked_minutes == 180);
    auto by_org = group_figures(GroupBy::org, cells, {a, b});
    REQUIRE(by_org.size() == 2);
    CHECK(by_org[0].key == "一支部");
    CHECK(by_org[0].bookings == 5);
}
