#include "booking/calendar.hpp"

#include <charconv>
#include <cstdio>
#include <ctime>

namespace sh::booking {

namespace {
bool digits(std::string_view s, int& out) {
    if (s.empty()) return false;
    for (char c : s)
        if (c < '0' || c > '9') return false;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && p == s.data() + s.size();
}
bool leap(int y) {
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}
int days_in_month(int y, int m) {
    static constexpr int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : d[m - 1];
}
}  // namespace

std::optional<Date> parse_date(std::string_view s) {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
    Date d;
    if (!digits(s.substr(0, 4), d.year) || !digits(s.substr(5, 2), d.month) ||
        !digits(s.substr(8, 2), d.day))
        return std::nullopt;
    if (d.year < 2000 || d.year > 2200 || d.month < 1 || d.month > 12 || d.day < 1 ||
        d.day > days_in_month(d.year, d.month))
        return std::nullopt;
    return d;
}

std::string format_date(Date d) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
    return buf;
}

// Howard Hinnant's days-from-civil algorithm.
std::int64_t days_since_epoch(Date d) {
    int y = d.month <= 2 ? d.year - 1 : d.year;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int mp = (d.month + 9) % 12;
    int doy = (153 * mp + 2) / 5 + d.day - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return std::int64_t{era} * 146097 + doe - 719468;
}

Date date_from_days(std::int64_t z) {
    z += 719468;
    std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    auto doe = static_cast<int>(z - era * 146097);
    int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int mp = (5 * doy + 2) / 153;
    int d = doy - (153 * mp + 2) / 5 + 1;
    int m = mp < 10 ? mp + 3 : mp - 9;
    auto y = static_cast<int>(yoe + era * 400 + (m <= 2 ? 1 : 0));
    return Date{y, m, d};
}

Date add_days(Date d, int n) {
    return date_from_days(days_since_epoch(d) + n);
}

int weekday(Date d) {
    std::int64_t z = days_since_epoch(d);              // 1970-01-01 was a Thursday (4)
    auto w = static_cast<int>(((z % 7) + 7 + 3) % 7);  // 0 = Monday
    return w + 1;
}

Date week_start(Date d) {
    return add_days(d, 1 - weekday(d));
}

std::optional<int> parse_hhmm(std::string_view s, bool allow_24) {
    int h, m;
    if (s.size() != 5 || s[2] != ':' || !digits(s.substr(0, 2), h) || !digits(s.substr(3, 2), m))
        return std::nullopt;
    if (h == 24 && m == 0 && allow_24) return 1440;
    if (h > 23 || m > 59) return std::nullopt;
    return h * 60 + m;
}

std::string format_hhmm(int minutes) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%02d:%02d", minutes / 60, minutes % 60);
    return buf;
}

std::optional<LocalTime> parse_local(std::string_view s) {
    if (s.size() != 16 || s[10] != 'T') return std::nullopt;
    auto d = parse_date(s.substr(0, 10));
    auto m = parse_hhmm(s.substr(11, 5));
    if (!d || !m) return std::nullopt;
    return LocalTime{*d, *m};
}

std::string format_local(LocalTime t) {
    return format_date(t.date) + "T" + format_hhmm(t.minute);
}

TimePoint to_timepoint(Date d, int minute) {
    std::int64_t secs =
        days_since_epoch(d) * 86400 + std::int64_t{minute} * 60 - utc_offset_seconds;
    return TimePoint(std::chrono::seconds(secs));
}

LocalTime to_local(TimePoint t) {
    auto secs = std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count() +
                utc_offset_seconds;
    std::int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
    auto minute = static_cast<int>((secs - days * 86400) / 60);
    return LocalTime{date_from_days(days), minute};
}

namespace {
std::tm local_tm(TimePoint t) {
    std::time_t secs = std::chrono::system_clock::to_time_t(t) + utc_offset_seconds;
    std::tm tm{};
    gmtime_r(&secs, &tm);
    return tm;
}
}  // namespace

std::string to_iso(TimePoint t) {
    std::tm tm = local_tm(t);
    char buf[40];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S+08:00", &tm);
    return buf;
}

std::optional<TimePoint> from_iso(std::string_view s) {
    if (s.size() != 25 || s[10] != 'T' || s.substr(19) != "+08:00") return std::nullopt;
    int y, mo, d, h, mi, sec;
    std::string str(s.substr(0, 19));
    if (std::sscanf(str.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &sec) != 6)
        return std::nullopt;
    std::tm tm{};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    std::time_t utc = timegm(&tm) - utc_offset_seconds;
    return std::chrono::system_clock::from_time_t(utc);
}

}  // namespace sh::booking
