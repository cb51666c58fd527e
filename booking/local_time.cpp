#include "booking/local_time.hpp"

#include <cstdio>
#include <ctime>

namespace sh::booking {

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
