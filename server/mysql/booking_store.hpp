#pragma once
// Bookings, their quanta (the guard) and idempotency keys in MySQL.
#include "booking/reservations.hpp"
#include "server/mysql/venue_store.hpp"

namespace sh::mysql {

class MysqlBookingStore final : public booking::BookingStore {
public:
    explicit MysqlBookingStore(Conn& c) : c_(c), venues_(c) {}

    std::optional<std::optional<booking::TimePoint>> lock_user(booking::UserId id) override;
    std::optional<booking::Venue> find_venue(booking::VenueId id, booking::Lock lock) override;
    std::vector<booking::ClosureSpan> closures_between(booking::VenueId id, booking::TimePoint from,
                                                       booking::TimePoint to) override;
    booking::Usage usage(booking::UserId user, booking::Date day, booking::TimePoint now) override;
    booking::BookingId insert_booking(const booking::Booking& b) override;
    bool insert_quanta(booking::VenueId venue, booking::BookingId booking,
                       const std::vector<booking::TimePoint>& quanta) override;
    std::optional<booking::Booking> find_booking(booking::BookingId id, bool for_update) override;
    void set_status(booking::BookingId id, booking::BookingStatus s, const std::string& reason,
                    booking::UserId by) override;
    void release_quanta(booking::BookingId id) override;
    booking::KeyClaim claim_key(booking::UserId user, const std::string& key, const std::string& hash) override;
    void complete_key(booking::UserId user, const std::string& key, int status, const std::string& body) override;
    void audit(booking::UserId actor, const std::string& action, const std::string& object_type,
               std::uint64_t object_id, const nlohmann::json& before, const nlohmann::json& after) override;

    std::optional<booking::StoredResponse> find_key(booking::UserId user, const std::string& key) override;
    std::vector<booking::Booking> list(const booking::BookingQuery& q) override;
    bool any_quanta_between(booking::VenueId venue, booking::TimePoint from, booking::TimePoint to) override;

    std::optional<booking::VenueId> venue_by_code(const std::string& code) override;
    std::optional<booking::Booking> running_checked_in(booking::VenueId venue, booking::TimePoint now,
                                                       std::chrono::minutes early) override;
    void set_checked_in(booking::BookingId id, booking::TimePoint at) override;
    bool add_presence(booking::BookingId id, booking::UserId user, booking::TimePoint at) override;
    void release_quanta_from(booking::BookingId id, booking::TimePoint from) override;
    void set_reminded(booking::BookingId id, booking::TimePoint at) override;
    void notify(const booking::Notice& n, booking::TimePoint now) override;
    bool add_violation(booking::UserId user, booking::BookingId booking, booking::ViolationKind kind, int weight_milli,
                       booking::TimePoint at) override;
    int violation_weight(booking::UserId user, booking::TimePoint since) override;
    void set_ban(booking::UserId user, std::optional<booking::TimePoint> until) override;
    std::optional<booking::ViolationRecord> find_violation(std::uint64_t id) override;
    void waive_violation(std::uint64_t id, booking::UserId by, booking::TimePoint at) override;

private:
    Conn& c_;
    MysqlVenueStore venues_;
};

}  // namespace sh::mysql
