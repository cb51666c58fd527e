#pragma once
// What a request to book must meet: the hall's rules (hours, slots, duration, capacity, the day
// open for booking, closures), the member's ban, and the quotas counted from their bookings.
#include <optional>
#include <vector>

#include "booking/availability.hpp"
#include "booking/booking.hpp"
#include "booking/venue.hpp"

namespace sh::booking {

struct BookingRequest {
    VenueId venue_id = 0;
    Date date;
    int start = 0, end = 0;  // minutes of the day
    std::string purpose;
    int attendees = 0;
    std::string org;
    bool needs_review = false;  // the content check asked for a person to look: pending
};

struct Quotas {
    int max_active = 5;
    int max_per_day = 2;
    int max_minutes_per_week = 600;
};

struct Usage {
    int active = 0;           // bookings owning quanta that have not ended
    int on_day = 0;           // bookings (owning quanta) on the requested day
    int minutes_in_week = 0;  // booked minutes in the requested day's Monday-Sunday week
};

// The hall's rules against a request, in the order a user can act on them.
// Whether `date` is open for booking at `now`: beyond_horizon, not_yet_open (details.opens_at),
// or nullopt. The same answer for a booking and for the day's availability.
std::optional<AppError> check_day_open(const VenueRules& rules, Date date, TimePoint now);
// The instant day `date` opens for booking under `rules` (release time, horizon_days before).
TimePoint opens_at(const VenueRules& rules, Date date);
// The days that open for booking at an instant in (from, to], in order.
std::vector<Date> days_opening(const VenueRules& rules, TimePoint from, TimePoint to);
// The request's own fields: purpose, attendees (within the hall's capacity), org.
std::optional<AppError> check_fields(const Venue& v, const BookingRequest& r);
std::optional<AppError> check_request(const Venue& v, const BookingRequest& r, TimePoint now,
                                      const std::vector<ClosureSpan>& closures);
std::optional<AppError> check_quotas(const Quotas& q, const Usage& u, int minutes);

// What the booking transaction reads about a member under the lock on its row: the ban and the
// bookings that own quanta, from which every quota is counted (usage_of).
struct BookedSpan {
    TimePoint start, end;
    BookingStatus status = BookingStatus::confirmed;
    VenueId venue_id = 0;
};
struct MemberState {
    std::optional<TimePoint> banned_until;
    std::vector<BookedSpan> bookings;  // owning quanta, starting at or after the `since` asked for
};
// The quotas' counts for a request on `day` at `now`, from the member's bookings.
Usage usage_of(const std::vector<BookedSpan>& bookings, Date day, TimePoint now);
// The earliest start usage_of needs for a request on `day` at `now` (its week's Monday, or a
// day before now for the bookings not yet ended, whichever is earlier).
TimePoint usage_since(Date day, TimePoint now);
// The hall's own rules for a member: who may book it (not_open_to_you, details.open_to), how far
// ahead (notice_too_short, details.earliest) and how many of their bookings to come it takes
// (quota_exceeded, details.limit "active_here"). The hall's managers and the admins over it meet
// only the notice. `bookings` are the member's (as lock_members reads them).
std::optional<AppError> check_open_to(const Venue& v, const Principal& me);
std::optional<AppError> check_notice(const VenueRules& rules, const BookingRequest& r,
                                     TimePoint now);
std::optional<AppError> check_hall_quota(const Venue& v, const std::vector<BookedSpan>& bookings,
                                         TimePoint now);
// A ban in force refuses a booking or a hold (banned, details.until).
std::optional<AppError> check_ban(const std::optional<TimePoint>& ban, TimePoint now);

}  // namespace sh::booking
