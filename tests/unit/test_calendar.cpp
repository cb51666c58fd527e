#include <doctest/doctest.h>

#include "booking/calendar.hpp"
#include "booking/clock.hpp"

using namespace sh::booking;

TEST_CASE("dates parse only when they are real calendar days") {
    CHECK(parse_date("2026-11-26") == Date{2026, 11, 26});
    CHECK(parse_date("2028-02-29"));
    CHECK_FALSE(parse_date("2026-02-29"));
    CHECK_FALSE(parse_date("2026-13-01"));
    CHECK_FALSE(parse_date("2026-1-01"));
    CHECK_FALSE(parse_date("2026-01-01T"));
    CHECK_FALSE(parse_date("20x6-01-01"));
    CHECK(format_date(Date{2026, 1, 5}) == "2026-01-05");
}

TEST_CASE("weekdays run Monday 1 to Sunday 7, weeks start on Monday") {
    CHECK(weekday(Date{2026, 11, 26}) == 4);  // a Thursday
    CHECK(weekday(Date{2026, 11, 29}) == 7);
    CHECK(weekday(Date{2026, 11, 30}) == 1);
    CHECK(week_start(Date{2026, 11, 29}) == Date{2026, 11, 23});
    CHECK(week_start(Date{2026, 11, 30}) == Date{2026, 11, 30});
    CHECK(add_days(Date{2026, 12, 31}, 1) == Date{2027, 1, 1});
    CHECK(add_days(Date{2028, 3, 1}, -1) == Date{2028, 2, 29});
}

TEST_CASE("times of day: HH:MM, 24:00 only where a range ends") {
    CHECK(parse_hhmm("09:30") == 570);
    CHECK(parse_hhmm("00:00") == 0);
    CHECK_FALSE(parse_hhmm("24:00"));
    CHECK(parse_hhmm("24:00", true) == 1440);
    CHECK_FALSE(parse_hhmm("24:15", true));
    CHECK_FALSE(parse_hhmm("9:30"));
    CHECK_FALSE(parse_hhmm("12:60"));
    CHECK(format_hhmm(1440) == "24:00");
}

TEST_CASE("local times are Shanghai time, UTC+8") {
    auto t = to_timepoint(Date{2026, 11, 26}, 8 * 60);  // 08:00 in Shanghai is 00:00 UTC
    CHECK(std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count() % 86400 ==
          0);
    auto back = to_local(t + std::chrono::seconds(59));
    CHECK(back.date == Date{2026, 11, 26});
    CHECK(back.minute == 480);
    auto before_midnight = to_local(to_timepoint(Date{2026, 11, 26}, 0) - std::chrono::seconds(1));
    CHECK(before_midnight.date == Date{2026, 11, 25});
    CHECK(before_midnight.minute == 1439);
    CHECK(parse_local("2026-11-26T09:15")->minute == 555);
    CHECK_FALSE(parse_local("2026-11-26 09:15"));
    CHECK(format_local(LocalTime{Date{2026, 11, 26}, 555}) == "2026-11-26T09:15");
}

TEST_CASE(
    "a test clock frozen at an instant reads exactly that instant until it is moved, then flows on "
    "from there") {
    sh::booking::ShiftedClock clock(std::chrono::milliseconds(0));
    const auto t = sh::booking::TimePoint(std::chrono::seconds(1'900'000'000));
    clock.freeze();
    clock.set(t);
    for (int i = 0; i < 1000; ++i) REQUIRE(clock.now() == t);
    clock.advance(std::chrono::milliseconds(5000));
    CHECK(clock.now() == t + std::chrono::seconds(5));
    clock.thaw();
    CHECK(clock.now() >= t + std::chrono::seconds(5));
    CHECK(clock.now() < t + std::chrono::seconds(65));
}
