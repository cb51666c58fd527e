#pragma once
// Shanghai local time (UTC+8, no DST) as the service speaks it (the API, error details).
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

}  // namespace sh::booking
