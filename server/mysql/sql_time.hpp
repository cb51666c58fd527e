#pragma once
// The form MySQL DATETIME columns hold: Shanghai local time, "2026-11-26 21:05:00" (every
// session runs at +08:00). Storage's format, so storage's file: the domain speaks TimePoint.
#include <optional>
#include <string>
#include <string_view>

#include <cppconn/resultset.h>

#include "booking/clock.hpp"

namespace sh::mysql {

std::string to_sql_datetime(booking::TimePoint t);
std::optional<booking::TimePoint> from_sql_datetime(std::string_view s);

// A DATETIME column of a result row, selected as it is (no DATE_FORMAT in the SQL): the
// connector gives "YYYY-MM-DD HH:MM:SS", with a fraction for DATETIME(n), which is dropped.
// read_time throws when the column is NULL or unreadable; read_optional_time answers nullopt.
booking::TimePoint read_time(sql::ResultSet& rs, unsigned int column);
std::optional<booking::TimePoint> read_optional_time(sql::ResultSet& rs, unsigned int column);

}  // namespace sh::mysql
