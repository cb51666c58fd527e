#pragma once
// Bookings: the rules a request must meet, the quotas, the state machine, and the use cases
// (blocking; the caller runs each in one READ COMMITTED MySQL transaction).
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "booking/audit.hpp"
#include "booking/availability.hpp"
#include "booking/venues.hpp"

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
    std::string cancel_reason;
    std::optional<TimePoint> checked_in_at;
    int present = 0;  // people who scanned the hall's code during it (人次)
};

// What an audit entry keeps of a booking (the audit's record; clients' views are server/api's).
nlohmann::json audit_record(const Booking& b);
// The 15-minute quanta a booking owns while it owns any (from its start to its end).
std::vector<TimePoint> quanta_of(const Booking& b);

// Events a member is told about: a notice, written in the event's transaction, listed in the
// member's notices and delivered by WeChat where the member gave consent.
enum class NoticeKind {
    approved,
    rejected,
    cancelled,
    closure_cancelled,
    expired,
    reminder,
    no_show,
    banned
};
std::string_view notice_name(NoticeKind k);
std::optional<NoticeKind> parse_notice(std::string_view s);
// What a notice is about: a booking today; later a series, an activity, a waitlist entry, the
// member.
enum class SubjectKind { booking, member };
std::string_view subject_name(SubjectKind k);
std::optional<SubjectKind> parse_subject(std::string_view s);
struct Notice {
    UserId user_id = 0;  // the recipient
    NoticeKind kind = NoticeKind::reminder;
    SubjectKind subject = SubjectKind::booking;
    std::uint64_t subject_id = 0;
    std::string note;  // a reason, or the end of a ban
    // One notice per recipient and key: an event told twice (two instances, a retried job) is
    // one notice; a second offer of the same thing takes a key of its own.
    std::string key;

    // The notice of something that happens once to a booking: keyed "<kind>:booking:<id>".
    static Notice about_booking(UserId user, NoticeKind kind, BookingId id, std::string note = {});
};

enum class ViolationKind { no_show, late_cancel };
std::string_view violation_name(ViolationKind k);

struct ViolationRecord {
    std::uint64_t id = 0;
    UserId user_id = 0;
    BookingId booking_id = 0;
    BuildingId building_id = 0;  // of the booking's hall (for the admin's scope)
    StreetId street_id = 0;
    int weight_milli = 0;
    bool waived = false;
};

// Violations and bans (penalties.hpp). Weights are in thousandths of a violation.
struct PenaltyRules {
    int threshold_milli = 3000;  // 3 violations ...
    int window_days = 30;        // ... within 30 days ...
    int ban_days = 14;           // ... ban new bookings and holds for 14 days
    int no_show_milli = 1000;
    int late_cancel_milli = 500;  // a cancellation after the deadline counts half
};

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
std::optional<AppError> check_request(const Venue& v, const BookingRequest& r, TimePoint now,
                                      const std::vector<ClosureSpan>& closures);
std::optional<AppError> check_quotas(const Quotas& q, const Usage& u, int minutes);
// The 15-minute quanta [start, end) covers.
std::vector<TimePoint> quanta_of(Date d, int start, int end);

// Who may see a booking: its owner and whoever manages the hall's building.
bool can_view_booking(const Principal& p, const Booking& b);

// A listing of bookings: filters, scope and one page.
struct BookingQuery {
    std::optional<UserId> user_id;                  // a user's own bookings
    std::optional<StreetId> street_id;              // scope of a street admin
    std::optional<std::set<BuildingId>> buildings;  // scope of a manager
    std::optional<BuildingId> building_id;
    std::optional<VenueId> venue_id;
    std::optional<BookingStatus> status;
    std::optional<TimePoint> from, to;  // starts_at within
    int page = 1, page_size = 50;
};
constexpr int max_page = 200;          // deeper pages are narrowed with from/to, not paged to
constexpr int reason_max_chars = 200;  // cancel, reject and closure reasons, in characters

// Narrows a managers' listing to the caller's scope; members may not list (forbidden).
std::optional<AppError> restrict_to_scope(const Principal& p, BookingQuery& q);

// What the booking transaction reads about a member under the lock on its row: the ban and the
// bookings that own quanta, from which every quota is counted (usage_of).
struct BookedSpan {
    TimePoint start, end;
    BookingStatus status = BookingStatus::confirmed;
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

// A hall as the booking transaction sees it under the shared lock on its row.
struct VenueState {
    Venue venue;
    std::vector<ClosureSpan> closures;  // overlapping the span asked for
};

// A completed Idempotency-Key's stored answer, and what to store for a new one.
struct KeyRecord {
    UserId user = 0;
    std::string key;
    std::string request_hash;
    int status = 0;
    std::string body;
};

class BookingStore : public AuditLog {
  public:
    virtual ~BookingStore() = default;
    // Locks the users' rows (FOR UPDATE, in ascending id order, so that two transactions locking
    // several never deadlock on them), then reads each one's ban and the bookings that own quanta
    // and start at or after `since`. Every booking of a user serialises on this lock, so the
    // counts are exact. Unknown users are absent from the answer.
    virtual std::map<UserId, MemberState> lock_members(const std::vector<UserId>& ids,
                                                       TimePoint since) = 0;
    // Takes the halls' rows shared (a closure or a rules change takes them exclusively, so neither
    // commits blind to the other), then reads their rules and the closures overlapping
    // [from, to). Unknown halls are absent.
    virtual std::map<VenueId, VenueState> share_venues(const std::vector<VenueId>& ids,
                                                       TimePoint from, TimePoint to) = 0;
    virtual std::optional<Venue> find_venue(VenueId id, Lock lock) = 0;
    // A user's role and scope (who made a request, for deciding who may decide on it); nullopt
    // for an unknown user.
    virtual std::optional<Principal> load_principal(UserId id) = 0;
    // Writes the bookings and all their quanta (from each booking's start to its end). The
    // primary key (venue_id, slot_start) refuses a quantum another booking owns — the guard: a
    // booking that lost any quantum is not written at all, and its id comes back 0.
    virtual std::vector<BookingId> insert_bookings(const std::vector<Booking>& bookings) = 0;
    virtual std::optional<Booking> find_booking(BookingId id, bool for_update) = 0;
    virtual void set_status(BookingId id, BookingStatus s, const std::string& reason,
                            UserId by) = 0;
    virtual void release_quanta(BookingId id) = 0;

    // Idempotency keys, scoped to the user: the completed keys among these, younger than `since`
    // (keys are kept 24 h), by user and key; and storing new ones (replacing an aged one).
    virtual std::vector<KeyRecord> find_keys(
        const std::vector<std::pair<UserId, std::string>>& keys, TimePoint since) = 0;
    virtual void store_keys(const std::vector<KeyRecord>& keys, TimePoint now) = 0;
    virtual std::vector<Booking> list(const BookingQuery& q) = 0;
    // True when any quantum in [from, to) of the hall is owned (for holds).
    virtual bool any_quanta_between(VenueId venue, TimePoint from, TimePoint to) = 0;

    // The rest of a booking's day.
    virtual std::optional<VenueId> venue_by_code(const std::string& checkin_code) = 0;
    // The hall's checked-in booking running at `now` (start - window <= now < end).
    virtual std::optional<Booking> running_checked_in(VenueId venue, TimePoint now,
                                                      std::chrono::minutes early) = 0;
    virtual void set_checked_in(BookingId id, TimePoint at) = 0;
    // Records a person present once; false when already recorded.
    virtual bool add_presence(BookingId id, UserId user, TimePoint at) = 0;
    // Deletes the booking's quanta that start at or after `from`.
    virtual void release_quanta_from(BookingId id, TimePoint from) = 0;
    virtual void set_reminded(BookingId id, TimePoint at) = 0;
    // A notice to a member: at most one per recipient and key.
    virtual void notify(const Notice& n, TimePoint now) = 0;
    // False when this booking already has a violation of this kind.
    virtual bool add_violation(UserId user, BookingId booking, ViolationKind kind, int weight_milli,
                               TimePoint at) = 0;
    // The weight of the user's violations not waived since `since`.
    virtual int violation_weight(UserId user, TimePoint since) = 0;
    virtual void set_ban(UserId user, std::optional<TimePoint> until) = 0;
    virtual std::optional<ViolationRecord> find_violation(std::uint64_t id) = 0;
    virtual void waive_violation(std::uint64_t id, UserId by, TimePoint at) = 0;
};

struct IdempotencyKey {
    std::string key;
    std::string request_hash;
};
constexpr std::chrono::hours idempotency_key_life{24};

struct BookOutcome {
    Booking booking;
    std::string body;     // the 201 body, stored byte for byte with the key
    bool replay = false;  // the key was completed already: the caller replays the stored answer
};

// The caller's view of a booking made: the 201 body, rendered in the booking's transaction so
// that it can be stored with the Idempotency-Key.
using AnswerView = std::function<std::string(const Booking&)>;

// One request to book, as the transaction takes it.
struct BookCall {
    Principal me;
    BookingRequest req;
    std::optional<IdempotencyKey> key;
    TimePoint now;
    const AnswerView* view = nullptr;  // no view: an empty body
};

// Decides a batch of booking requests in one transaction (the caller's), each as if alone and in
// order: a later call sees the bookings an earlier one made (the same slot is taken, the same
// member's quotas count it). The reads are one per kind for the whole batch (members, halls,
// keys) and so are the writes (bookings with their quanta, keys). One answer per call.
std::vector<Result<BookOutcome>> book_all(BookingStore& s, const std::vector<BookCall>& calls,
                                          const Quotas& quotas);
// The same for one request.
Result<BookOutcome> book(BookingStore& s, const Principal& me, const BookingRequest& req,
                         const Quotas& quotas, TimePoint now,
                         const std::optional<IdempotencyKey>& key);

// A hold of [start, end) is refused for the same reasons a booking of it would be: a ban, the
// hall's rules, the user's quotas, a quantum booked in MySQL.
std::optional<AppError> check_hold(BookingStore& s, const Principal& me, const BookingRequest& req,
                                   const Quotas& quotas, TimePoint now);

// A reason (cancel, reject, closure): at most `max_chars` characters of valid UTF-8, required or
// not.
std::optional<AppError> check_reason(const std::string& reason, int max_chars, bool required);

// Owner: before the hall's deadline; after it and before the start only with accept_penalty,
// which records a late-cancel violation (else too_late_to_cancel, details: deadline and penalty).
// The hall's managers and admins in scope: any time, with a reason, and the owner is told.
// Anyone else: not_found.
struct CancelTerms {
    bool accept_penalty = false;
    PenaltyRules penalties;
};
Result<Booking> cancel(BookingStore& s, const Principal& me, BookingId id,
                       const std::string& reason, TimePoint now, const CancelTerms& terms = {});
Result<Booking> approve(BookingStore& s, const Principal& me, BookingId id, TimePoint now);
Result<Booking> reject(BookingStore& s, const Principal& me, BookingId id,
                       const std::string& reason, TimePoint now);

}  // namespace sh::booking
