#pragma once
// Halls (venues) and the rules they are booked by. Pure.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "booking/calendar.hpp"
#include "booking/errors.hpp"
#include "booking/identity.hpp"

namespace sh::booking {

using VenueId = std::uint64_t;

// How a hall's row is read: its row is the lock between bookings (shared) and changes to its
// rules or closures (exclusive), so that neither commits blind to the other.
enum class Lock { none, shared, exclusive };

constexpr int quantum_minutes = 15;  // the unit the MySQL guard works in

struct HoursRange {
    int weekday;  // 1 = Monday ... 7 = Sunday
    int open;     // minutes since midnight
    int close;    // minutes since midnight, up to 1440 (24:00)
    auto operator<=>(const HoursRange&) const = default;
};

// Who may book a hall: anyone in the district, the members of branches in the hall's street, or
// the members of named units (confirmed in their branch). The hall's managers and the admins over
// it always may.
enum class OpenTo { district, street, units };
std::string_view open_to_name(OpenTo o);
std::optional<OpenTo> parse_open_to(std::string_view s);

struct VenueRules {
    bool requires_approval = false;
    int slot_minutes = 60;        // a multiple of 15
    int horizon_days = 14;        // how far ahead a day can be booked
    int release_minute = 8 * 60;  // the time of day a new day opens for booking
    int min_minutes = 60;
    int max_minutes = 240;
    int cancel_deadline_minutes = 120;  // members cancel up to this long before the start
    int checkin_before_minutes = 15;    // check-in window around the start
    int checkin_after_minutes = 15;
    std::vector<HoursRange> weekly_hours;
    int buffer_minutes = 0;  // kept free after each booking (setting up, cleaning): 0-240, by 15
    int escalate_after_hours = 24;  // a request undecided this long is told to the street's admins
    int min_notice_minutes = 0;     // a booking starts at least this long after it is made
    int max_active_here = 0;  // a member's bookings to come here (0: the district's quotas only)
    OpenTo open_to = OpenTo::district;
    std::vector<UnitId> open_units;  // with OpenTo::units
};

struct Venue {
    VenueId id = 0;
    BuildingId building_id = 0;
    StreetId street_id = 0;  // of the building (read-only)
    std::string name;
    int capacity = 0;
    std::vector<std::string> facilities;
    std::string description;
    std::vector<std::string> photos;
    std::string floor;
    std::string checkin_code;  // the scene of its check-in code; never shown in venue_json
    VenueRules rules;
};

// The facilities a hall may list (the app shows icons for these).
const std::vector<std::string>& known_facilities();

// Everything that cannot be right, as 422 validation naming the field.
std::optional<AppError> validate_venue(const Venue& v);

// The opening ranges of a date's weekday, in order.
std::vector<HoursRange> hours_on(const VenueRules& rules, Date d);

nlohmann::json venue_json(const Venue& v);
nlohmann::json hours_json(const std::vector<HoursRange>& hours);
// Reads the fields present in `j` into `v` (a PATCH applies only what it names).
// Throws nothing: type errors come back as the AppError naming the field.
std::optional<AppError> apply_venue_json(const nlohmann::json& j, Venue& v);

}  // namespace sh::booking
