// The date, time-of-day and local-time parsers that every booking, availability and statistics
// request goes through: no crash, and whatever they accept prints back to a value they read the
// same.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "booking/calendar.hpp"

using namespace sh::booking;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view s(reinterpret_cast<const char*>(data), size);
    if (auto d = parse_date(s)) {
        auto again = parse_date(format_date(*d));
        if (!again || *again != *d) __builtin_trap();
        if (weekday(*d) < 1 || weekday(*d) > 7) __builtin_trap();
        if (date_from_days(days_since_epoch(*d)) != *d) __builtin_trap();
    }
    for (bool allow_24 : {false, true}) {
        if (auto m = parse_hhmm(s, allow_24)) {
            if (*m < 0 || *m > (allow_24 ? 1440 : 1439)) __builtin_trap();
            if (parse_hhmm(format_hhmm(*m), allow_24) != m) __builtin_trap();
        }
    }
    if (auto t = parse_local(s)) {
        auto again = parse_local(format_local(*t));
        if (!again || format_local(*again) != format_local(*t)) __builtin_trap();
    }
    return 0;
}
