#pragma once
// A booking: its states and the quanta it owns, who may see it, how bookings are listed, and the
// violations it can cost its member.
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "booking/calendar.hpp"
#include "booking/errors.hpp"
#include "booking/identity.hpp"
#include "booking/venue.hpp"

namespace sh::booking {

enum class BookingStatus {
    pending,
    confirmed,
    checked_in,
    completed,
    cancelled,
    rejected,
    expired,
    no_show
};
std::string_view status_name(BookingStatus s);
std::optional<BookingStatus> parse_status(std::string_view s);
// pending, confirmed, checked_in and completed own their quanta.
bool owns_quanta(BookingStatus s);

// A member the owner named to share a booking: they see it and may check it in (an owner stuck in
// traffic does not cost the branch a no-show). At most max_coorganisers per booking.
struct Coorganiser {
    UserId id = 0;
    std::string name;
};
constexpr int max_coorganisers = 2;

// More time asked for a confirmed booking in a hall that needs approval: [start, end) contains the
// booking's time. Its added quanta are the booking's at once (the key keeps them for it) while
// the booking keeps its confirmed time; approval merges it, rejection gives the added time back,
// and so does its extra time beginning with nobody having decided.
struct Extension {
    TimePoint start, end;
    TimePoint asked_at;
};

struct Booking {
    BookingId id = 0;
    VenueId venue_id = 0;
    BuildingId building_id = 0;  // of the hall (for scope checks)
    StreetId street_id = 0;
    UserId user_id = 0;
    TimePoint start, end;
    BookingStatus status = BookingStatus::confirmed;
    std::string purpose;
    int attendees = 0;
    std::string org;
    // The booker's branch and unit when it was made (confirmed or not; none: not asked).
    std::optional<BranchId> branch_id;
    std::optional<UnitId> unit_id;
    std::string cancel_reason;
    std::optional<TimePoint> checked_in_at;
    int present = 0;                        // people who scanned the hall's code during it (人次)
    std::vector<Coorganiser> coorganisers;  // in the order they joined
    int buffer_minutes = 0;  // kept free after it (the hall's buffer when it was booked)
    std::optional<TimePoint> created_at;  // as stored (absent on a booking not yet read back)
    std::optional<Extension> extension;   // waiting for the hall's approvers
};

// When an extension's extra time begins: its start when earlier than the booking's, else the
// booking's end. Undecided by then, it is given back.
TimePoint extension_begins(const Booking& b);

// What an audit entry keeps of a booking (the audit's record; clients' views are server/api's).
nlohmann::json audit_record(const Booking& b);
// The 15-minute quanta of a booking's meeting (from its start to its end).
std::vector<TimePoint> quanta_of(const Booking& b);
// The end of the time a booking holds: its end (its extension's, while one waits) and its buffer
// after, not past its day's midnight.
TimePoint held_end(const Booking& b);
// The quanta a booking owns while it owns any: its meeting's, its waiting extension's and its
// buffer's, [start, held_end). The buffer's are the guard that keeps them free: the next booking
// starts after them.
std::vector<TimePoint> held_quanta(const Booking& b);
// The 15-minute quanta [start, end) covers.
std::vector<TimePoint> quanta_of(Date d, int start, int end);

// late_shrink: time given back after the cancellation deadline, in proportion (repeatable).
enum class ViolationKind { no_show, late_cancel, late_shrink };
std::string_view violation_name(ViolationKind k);

struct ViolationRecord {
    std::uint64_t id = 0;
    UserId user_id = 0;
    BookingId booking_id = 0;
    BuildingId building_id = 0;  // of the booking's hall (for the admin's scope)
    StreetId street_id = 0;
    int weight_milli = 0;
    bool waived = false;
    TimePoint at;           // when it was recorded (the appeal's 7 days count from it)
    bool appealed = false;  // its member appealed it ...
    bool decided = false;   // ... and an admin decided the appeal
};

// An appeal as the admins who decide it see it (GET /appeals): the violation, its booking, the
// member's name (not their phone) and reason; the decision once made.
struct AppealView {
    std::uint64_t violation_id = 0;
    BookingId booking_id = 0;
    std::string kind;  // no_show | late_cancel | late_shrink
    int weight_milli = 0;
    TimePoint violation_at;
    std::string venue_name;
    TimePoint starts_at, ends_at;
    UserId user_id = 0;
    std::string member_name;
    std::string reason;
    TimePoint appealed_at;
    std::string outcome;  // "" while it waits, waived | kept
    std::string note;     // the admin's word on the decision
};

// Violations and bans (penalties.hpp). Weights are in thousandths of a violation.
struct PenaltyRules {
    int threshold_milli = 3000;  // 3 violations ...
    int window_days = 30;        // ... within 30 days ...
    int ban_days = 14;           // ... ban new bookings and holds for 14 days
    int no_show_milli = 1000;
    int late_cancel_milli = 500;  // a cancellation after the deadline counts half
};

// Who may see a booking: its owner, its co-organisers and whoever manages the hall's building.
bool can_view_booking(const Principal& p, const Booking& b);
bool is_coorganiser(const Principal& p, const Booking& b);
// The owner or a co-organiser: who may check it in.
bool organises(const Principal& p, const Booking& b);

// A listing of bookings: filters, scope and one page.
struct BookingQuery {
    std::optional<UserId> user_id;                  // a user's own bookings ...
    bool with_coorganised = false;                  // ... and those they co-organise
    std::optional<StreetId> street_id;              // scope of a street admin
    std::optional<std::set<BuildingId>> buildings;  // scope of a manager
    std::optional<BuildingId> building_id;
    std::optional<VenueId> venue_id;
    std::optional<BookingStatus> status;
    bool awaiting = false;  // what waits for a decision: pending requests, and extensions asked
    std::optional<TimePoint> from, to;  // starts_at within
    int page = 1, page_size = 50;
};
constexpr int max_page = 200;          // deeper pages are narrowed with from/to, not paged to
constexpr int reason_max_chars = 200;  // cancel, reject and closure reasons, in characters

// A hall's requests waiting for a decision (GET /manage/summary): how many, since when the oldest
// waits, how many start within the next day.
struct PendingByHall {
    VenueId venue_id = 0;
    std::string venue_name;
    int pending = 0;
    TimePoint oldest{};
    int starting_soon = 0;
};

// Narrows a managers' listing to the caller's scope; members may not list (forbidden).
std::optional<AppError> restrict_to_scope(const Principal& p, BookingQuery& q);

// invalid_state naming the booking's state: "This booking is cancelled."
AppError state_error(const Booking& b);

// A reason (cancel, reject, closure, appeal) in the body's `field`: at most `max_chars` characters
// of valid UTF-8; when required, not blank.
std::optional<AppError> check_reason(const std::string& reason, int max_chars, bool required,
                                     const char* field = "reason");

}  // namespace sh::booking
