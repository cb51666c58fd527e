#include "server/mysql/sql_time.hpp"

#include <stdexcept>

#include "booking/calendar.hpp"

namespace sh::mysql {

// The ISO form the service speaks, with a space for the T and no zone.
std::string to_sql_datetime(booking::TimePoint t) {
    std::string s = booking::to_iso(t);
    s[10] = ' ';
    s.resize(19);
    return s;
}

std::optional<booking::TimePoint> from_sql_datetime(std::string_view s) {
    if (s.size() < 19 || s[10] != ' ') return std::nullopt;
    std::string iso(s.substr(0, 19));
    iso[10] = 'T';
    return booking::from_iso(iso + "+08:00");
}

std::optional<booking::TimePoint> read_optional_time(sql::ResultSet& rs, unsigned int column) {
    if (rs.isNull(column)) return std::nullopt;
    return from_sql_datetime(std::string(rs.getString(column)));
}

booking::TimePoint read_time(sql::ResultSet& rs, unsigned int column) {
    auto t = read_optional_time(rs, column);
    if (!t) throw std::runtime_error("column " + std::to_string(column) + " is not a DATETIME");
    return *t;
}

}  // namespace sh::mysql
