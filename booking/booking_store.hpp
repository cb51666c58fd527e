#pragma once
// The storage the booking use cases run on, along the domain's roles: the bookings with their
// quanta and keys, attendance, penalties and notices. A use case runs in one transaction of the
// caller's on a BookingStore, which is all of them (and an AuditLog).
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "booking/audit.hpp"
#include "booking/booking.hpp"
#include "booking/booking_rules.hpp"
#include "booking/notice.hpp"
#include "booking/venue.hpp"

namespace sh::booking {

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

// Bookings, their quanta (the guard against double booking) and idempotency keys.
class BookingRecords {
  public:
    virtual ~BookingRecords() = default;
    // Locks the users' rows (FOR UPDATE, in ascending id order, so that two transactions locking
    // several never deadlock on them), then reads each one's ban and the bookings that own quanta
    // and start at or after `since` (a booking with an extension waiting spans the time asked).
    // Every booking of a user serialises on this lock, so the counts are exact. Unknown users are
    // absent from the answer.
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
    // A change of a booking's time: its new quarters of the hall (false when another booking owns
    // any: the guard; the caller's transaction is then rolled back), and the ones outside its
    // new [start, end) given back.
    virtual bool take_quanta(VenueId venue, BookingId id, const std::vector<TimePoint>& quanta) = 0;
    virtual void release_quanta_outside(BookingId id, TimePoint start, TimePoint end) = 0;
    // Writes a changed booking's start, end, purpose, attendees, status and waiting extension; a
    // booking that becomes pending again, or asks a new extension, waits for its approvers to be
    // told again. A booking that stops owning time (set_status) loses its extension.
    virtual void update_terms(const Booking& b) = 0;

    // Idempotency keys, scoped to the user: the completed keys among these, younger than `since`
    // (keys are kept 24 h), by user and key; and storing new ones (replacing an aged one).
    virtual std::vector<KeyRecord> find_keys(
        const std::vector<std::pair<UserId, std::string>>& keys, TimePoint since) = 0;
    virtual void store_keys(const std::vector<KeyRecord>& keys, TimePoint now) = 0;
    virtual std::vector<Booking> list(const BookingQuery& q) = 0;
    // True when any quantum in [from, to) of the hall is owned (for holds).
    virtual bool any_quanta_between(VenueId venue, TimePoint from, TimePoint to) = 0;
};

// A booking's day: check-in by the hall's code, the people present, releases and reminders.
class AttendanceRecords {
  public:
    virtual ~AttendanceRecords() = default;
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
};

// Violations and bans.
class PenaltyRecords {
  public:
    virtual ~PenaltyRecords() = default;
    // False when this booking already has a violation of this kind (a late shrink is
    // repeatable: each is recorded).
    virtual bool add_violation(UserId user, BookingId booking, ViolationKind kind, int weight_milli,
                               TimePoint at) = 0;
    // The weight of the user's violations not waived since `since`.
    virtual int violation_weight(UserId user, TimePoint since) = 0;
    virtual void set_ban(UserId user, std::optional<TimePoint> until) = 0;
    virtual std::optional<ViolationRecord> find_violation(std::uint64_t id) = 0;
    virtual void waive_violation(std::uint64_t id, UserId by, TimePoint at) = 0;
    // The member's appeal: false when it was appealed already.
    virtual bool appeal_violation(std::uint64_t id, const std::string& reason, TimePoint at) = 0;
    // An admin's decision: false when the appeal was decided already (another admin first).
    virtual bool decide_appeal(std::uint64_t id, UserId by, bool waived, const std::string& note,
                               TimePoint at) = 0;
    // Appeals of violations at halls in `scope` (its street or the district), those waiting
    // first and the oldest of them first; `waiting_only` leaves out the decided.
    virtual std::vector<AppealView> appeals(const BookingQuery& scope, bool waiting_only,
                                            int limit) = 0;
};

class NoticeRecords {
  public:
    virtual ~NoticeRecords() = default;
    // A notice to a member: at most one per recipient and key.
    virtual void notify(const Notice& n, TimePoint now) = 0;
};

// Who decides a pending request, and whether they and the street were told.
class ApprovalRecords {
  public:
    virtual ~ApprovalRecords() = default;
    // The managers of a building, and the admins of a street and of the district.
    virtual std::vector<UserId> managers_of(BuildingId building) = 0;
    virtual std::vector<UserId> street_admins(StreetId street) = 0;
    virtual std::vector<UserId> district_admins() = 0;
    // The request's approvers were told at `at`; the street's admins were told at `at`.
    virtual void set_approvers_told(BookingId id, TimePoint at) = 0;
    virtual void set_escalated(BookingId id, TimePoint at) = 0;
    // The pending requests not yet started, per hall in `scope` (its street or buildings), the
    // longest waiting first; starting_soon counts those starting by `soon`.
    virtual std::vector<PendingByHall> pending_by_hall(const BookingQuery& scope, TimePoint now,
                                                       TimePoint soon) = 0;
};

// An invitation's code: the booking it is for, and whether a member took it already (each code
// seats one co-organiser).
struct CoorganiserCode {
    BookingId booking = 0;
    bool taken = false;
};

// Co-organisers: the owner's invitation (only its code's hash is kept, one open per booking: a new
// one replaces it) and the members who took one each.
class CoorganiserRecords {
  public:
    virtual ~CoorganiserRecords() = default;
    // The booking's open invitation; an empty hash closes it.
    virtual void set_coorganiser_code(BookingId id, const std::string& code_hash) = 0;
    virtual std::optional<CoorganiserCode> booking_by_coorganiser_code(
        const std::string& code_hash) = 0;
    // Seats the member with the code they took. False when they co-organise it already, both
    // seats are taken, or the code seated someone already (its key: one member per code).
    virtual bool add_coorganiser(BookingId id, UserId user, TimePoint at,
                                 const std::string& code_hash) = 0;
    virtual bool remove_coorganiser(BookingId id, UserId user) = 0;
};

class BookingStore : public BookingRecords,
                     public AttendanceRecords,
                     public CoorganiserRecords,
                     public PenaltyRecords,
                     public NoticeRecords,
                     public ApprovalRecords,
                     public AuditLog {};

}  // namespace sh::booking
