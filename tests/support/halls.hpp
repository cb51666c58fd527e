#pragma once
// Halls and booking requests for end-to-end tests, written straight into the stack's database.
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "booking/calendar.hpp"
#include "tests/support/stack.hpp"

namespace sh::test {

// Tomorrow on the clock the servers start with (SH_TEST_CLOCK_START or the real time), read once
// per test process: a test that crosses midnight (the 23:59:30 tier) keeps meaning the same day
// between its booking and its check-in, instead of jumping a day in the middle of a step.
inline booking::Date tomorrow() {
    static const booking::Date day = booking::add_days(booking::to_local(now()).date, 1);
    return day;
}

// A hall of `building` open all day every day: 15-minute slots, bookable 15 to 60 minutes, 14
// days ahead, cancellable up to 2 h before, check-in 15 minutes either side of the start.
// `extra_columns`/`extra_values` add columns (", requires_approval" / ", 1"). `s` is anything
// with sql(statement): a Stack, or the loopback cluster.
template <class Db>
std::uint64_t make_hall_in(Db& s, std::uint64_t building, std::uint64_t id,
                           const std::string& extra_columns = "",
                           const std::string& extra_values = "") {
    s.sql(
        "INSERT INTO venues (id, building_id, name, capacity, description, photos, slot_minutes, "
        "horizon_days, "
        "release_minute, min_minutes, max_minutes, cancel_deadline_minutes, "
        "checkin_before_minutes, "
        "checkin_after_minutes" +
        extra_columns + ") VALUES (" + std::to_string(id) + ", " + std::to_string(building) +
        ", '党群服务中心多功能厅', 50, '', '[]', 15, 14, 0, 15, 60, 120, 15, 15" + extra_values +
        ")");
    for (int wd = 1; wd <= 7; ++wd)
        s.sql("INSERT INTO venue_hours (venue_id, weekday, open_minute, close_minute) VALUES (" +
              std::to_string(id) + ", " + std::to_string(wd) + ", 0, 1440)");
    return id;
}

// The same in building 1 of street 1 (made if missing, with building 2 of street 2).
template <class Db>
std::uint64_t make_hall(Db& s, std::uint64_t id, const std::string& extra_columns = "",
                        const std::string& extra_values = "") {
    s.sql("INSERT IGNORE INTO streets (id, name) VALUES (1, '江宁路街道'), (2, '石门二路街道')");
    s.sql(
        "INSERT IGNORE INTO buildings (id, street_id, name) VALUES (1, 1, '新城大厦'), (2, 2, "
        "'越洋国际广场')");
    return make_hall_in(s, 1, id, extra_columns, extra_values);
}

inline nlohmann::json booking_body(std::uint64_t venue, booking::Date d, int start, int end,
                                   int attendees = 10, const std::string& purpose = "组织生活会") {
    return {{"venue_id", venue},
            {"date", booking::format_date(d)},
            {"start", booking::format_hhmm(start)},
            {"end", booking::format_hhmm(end)},
            {"purpose", purpose},
            {"attendees", attendees}};
}

}  // namespace sh::test
