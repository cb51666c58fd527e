#pragma once
// The form MySQL DATETIME columns hold: Shanghai local time, "2026-11-26 21:05:00" (every
// session runs at +08:00). Storage's format, so storage's file: the domain speaks TimePoint.
#include <optional>
#include <string>
#include <string_view>

#include "booking/clock.hpp"

namespace sh::mysql {

std::string to_sql_datetime(booking::TimePoint t);
std::optional<booking::TimePoint> from_sql_datetime(std::string_view s);

}  // namespace sh::mysql
