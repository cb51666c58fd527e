#pragma once
// Dates and times of day in Shanghai (UTC+8, no DST), and instants in the ISO form the service
// speaks (the API, error details). Pure arithmetic, no time-zone database.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "booking/clock.hpp"

namespace sh::booking {

constexpr int utc_offset_seconds = 8 * 3600;

// "2026-11-26T21:05:00+08:00"
std::string to_iso(TimePoint t);
// The same form back (only +08:00, the service's zone).
std::optional<TimePoint> from_iso(std::string_view s);

struct Date {
    int year = 1970, month = 1, day = 1;
    auto operator<=>(const Date&) const = default;
};

std::optional<Date> parse_date(std::string_view s);  // "YYYY-MM-DD", a real calendar day
std::string format_date(Date d);
std::int64_t days_since_epoch(Date d);
Date date_from_days(std::int64_t days);
Date add_days(Date d, int n);
int weekday(Date d);  // 1 = Monday ... 7 = Sunday
// The Monday of d's week (quota weeks start on Monday).
Date week_start(Date d);

// "HH:MM" -> minutes since midnight; "24:00" only when allow_24 (a range ending at midnight).
std::optional<int> parse_hhmm(std::string_view s, bool allow_24 = false);
std::string format_hhmm(int minutes);

struct LocalTime {
    Date date;
    int minute = 0;  // since local midnight
};

// "YYYY-MM-DDTHH:MM" (local)
std::optional<LocalTime> parse_local(std::string_view s);
std::string format_local(LocalTime t);
TimePoint to_timepoint(Date d, int minute);
LocalTime to_local(TimePoint t);  // truncated to the minute

}  // namespace sh::booking
