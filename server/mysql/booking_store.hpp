#pragma once
// booking::BookingStore in MySQL. Its roles by file: bookings, their quanta (the guard), keys
// and notices in booking_store.cpp; attendance_records.cpp; penalty_records.cpp.
#include <cstdint>

#include <cppconn/resultset.h>

#include "booking/booking_store.hpp"
#include "common/bounded_cache.hpp"
#include "server/mysql/user_store.hpp"
#include "server/mysql/venue_store.hpp"

namespace sh::mysql {

// A booking's columns (SELECT … FROM bookings bk JOIN venues v JOIN buildings b, ready for a
// WHERE) and the row read back.
extern const char* const booking_columns;
booking::Booking read_booking(sql::ResultSet& rs);

// The halls' rules as the booking transaction last loaded them, by the hall row's rules_version,
// which triggers bump on every change to the hall or its opening hours (migration 10). Read under
// the shared lock on the hall's row, a matching version means the rules are current.
class VenueRulesCache {
  public:
    std::optional<booking::Venue> find(booking::VenueId id, std::uint64_t version) const;
    void put(booking::VenueId id, std::uint64_t version, const booking::Venue& v);

  private:
    // Entries do not expire: a new version replaces the hall's entry.
    mutable BoundedCache<booking::VenueId, std::pair<std::uint64_t, booking::Venue>,
                         booking::TimePoint>
        venues_{20'000};
};

class MysqlBookingStore final : public booking::BookingStore {
  public:
    // Without a rules cache, share_venues loads every hall's rules.
    explicit MysqlBookingStore(Conn& c, VenueRulesCache* rules = nullptr)
        : c_(c), venues_(c), users_(c), rules_(rules) {}

    std::map<booking::UserId, booking::MemberState> lock_members(
        const std::vector<booking::UserId>& ids, booking::TimePoint since) override;
    std::map<booking::VenueId, booking::VenueState> share_venues(
        const std::vector<booking::VenueId>& ids, booking::TimePoint from,
        booking::TimePoint to) override;
    std::optional<booking::Venue> find_venue(booking::VenueId id, booking::Lock lock) override;
    std::optional<booking::Principal> load_principal(booking::UserId id) override;
    std::vector<booking::BookingId> insert_bookings(
        const std::vector<booking::Booking>& bookings) override;
    std::optional<booking::Booking> find_booking(booking::BookingId id, bool for_update) override;
    void set_status(booking::BookingId id, booking::BookingStatus s, const std::string& reason,
                    booking::UserId by) override;
    void release_quanta(booking::BookingId id) override;
    bool take_quanta(booking::VenueId venue, booking::BookingId id,
                     const std::vector<booking::TimePoint>& quanta) override;
    void release_quanta_outside(booking::BookingId id, booking::TimePoint start,
                                booking::TimePoint end) override;
    void update_terms(const booking::Booking& b) override;
    void audit(const booking::AuditEntry& e) override;

    std::vector<booking::KeyRecord> find_keys(
        const std::vector<std::pair<booking::UserId, std::string>>& keys,
        booking::TimePoint since) override;
    void store_keys(const std::vector<booking::KeyRecord>& keys, booking::TimePoint now) override;
    std::vector<booking::Booking> list(const booking::BookingQuery& q) override;
    bool any_quanta_between(booking::VenueId venue, booking::TimePoint from,
                            booking::TimePoint to) override;

    std::optional<booking::VenueId> venue_by_code(const std::string& code) override;
    std::optional<booking::Booking> running_checked_in(booking::VenueId venue,
                                                       booking::TimePoint now,
                                                       std::chrono::minutes early) override;
    void set_checked_in(booking::BookingId id, booking::TimePoint at) override;
    bool add_presence(booking::BookingId id, booking::UserId user, booking::TimePoint at) override;
    void release_quanta_from(booking::BookingId id, booking::TimePoint from) override;
    void set_reminded(booking::BookingId id, booking::TimePoint at) override;

    void set_coorganiser_code(booking::BookingId id, const std::string& code_hash) override;
    std::optional<booking::CoorganiserCode> booking_by_coorganiser_code(
        const std::string& code_hash) override;
    bool add_coorganiser(booking::BookingId id, booking::UserId user, booking::TimePoint at,
                         const std::string& code_hash) override;
    bool remove_coorganiser(booking::BookingId id, booking::UserId user) override;

    // booking::ApprovalRecords (approval_records.cpp)
    std::vector<booking::UserId> managers_of(booking::BuildingId building) override;
    std::vector<booking::UserId> street_admins(booking::StreetId street) override;
    std::vector<booking::UserId> district_admins() override;
    void set_approvers_told(booking::BookingId id, booking::TimePoint at) override;
    void set_escalated(booking::BookingId id, booking::TimePoint at) override;
    std::vector<booking::PendingByHall> pending_by_hall(const booking::BookingQuery& scope,
                                                        booking::TimePoint now,
                                                        booking::TimePoint soon) override;
    void notify(const booking::Notice& n, booking::TimePoint now) override;
    bool add_violation(booking::UserId user, booking::BookingId booking,
                       booking::ViolationKind kind, int weight_milli,
                       booking::TimePoint at) override;
    int violation_weight(booking::UserId user, booking::TimePoint since) override;
    void set_ban(booking::UserId user, std::optional<booking::TimePoint> until) override;
    std::optional<booking::ViolationRecord> find_violation(std::uint64_t id) override;
    void waive_violation(std::uint64_t id, booking::UserId by, booking::TimePoint at) override;
    bool appeal_violation(std::uint64_t id, const std::string& reason,
                          booking::TimePoint at) override;
    bool decide_appeal(std::uint64_t id, booking::UserId by, bool waived, const std::string& note,
                       booking::TimePoint at) override;
    std::vector<booking::AppealView> appeals(const booking::BookingQuery& scope, bool waiting_only,
                                             int limit) override;

  private:
    // UPDATE bookings SET <column> = `at` for one booking (`column`: one of this file's time
    // columns, never input).
    void set_time(const char* column, booking::BookingId id, booking::TimePoint at);
    Conn& c_;
    MysqlVenueStore venues_;
    MysqlUserStore users_;
    VenueRulesCache* rules_;
};

}  // namespace sh::mysql
