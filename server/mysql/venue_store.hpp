#pragma once
// Streets, buildings, halls and closures in MySQL (booking::VenueStore), plus the reads the
// handlers and the availability computation need.
#include "booking/venue_admin.hpp"
#include "server/mysql/database.hpp"

namespace sh::mysql {

using booking::DayInputs;
using booking::VenueQuery;

class MysqlVenueStore final : public booking::VenueStore {
  public:
    explicit MysqlVenueStore(Conn& c) : c_(c) {}

    std::optional<booking::StreetId> street_of_building(booking::BuildingId id) override;
    bool street_exists(booking::StreetId id) override;
    booking::BuildingId insert_building(const booking::Building& b) override;
    booking::VenueId insert_venue(const booking::Venue& v) override;
    void update_venue(const booking::Venue& v) override;
    std::optional<booking::Venue> find_venue(booking::VenueId id, booking::Lock lock) override;
    std::vector<booking::BookingId> bookings_between(booking::VenueId id, booking::TimePoint from,
                                                     booking::TimePoint to) override;
    void cancel_bookings(const std::vector<booking::BookingId>& ids, booking::UserId by,
                         const std::string& reason, booking::TimePoint now) override;
    booking::ClosureId insert_closure(const booking::Closure& c, booking::UserId by) override;
    std::optional<booking::Closure> find_closure(booking::ClosureId id) override;
    void delete_closure(booking::ClosureId id) override;
    void audit(const booking::AuditEntry& e) override;

    std::vector<booking::Street> streets() override;
    std::vector<booking::Building> buildings(std::optional<booking::StreetId> street) override;
    std::vector<booking::Venue> search(const VenueQuery& q) override;
    std::vector<booking::Closure> closures(booking::VenueId id) override;
    // Closures overlapping [from, to).
    std::vector<booking::ClosureSpan> closures_between(booking::VenueId id, booking::TimePoint from,
                                                       booking::TimePoint to);
    std::optional<DayInputs> day_inputs(booking::VenueId id, booking::Date d) override;
    booking::DayOccupancy occupancy(booking::Date d) override;
    std::string ensure_checkin_code(booking::VenueId id, const std::string& fresh) override;
    void set_checkin_code(booking::VenueId id, const std::string& code) override;
    std::optional<std::string> cached_qrcode(booking::VenueId id, const std::string& code) override;
    void store_qrcode(booking::VenueId id, const std::string& code, const std::string& png,
                      booking::TimePoint now) override;

    // The halls a condition on `v` (venues) and `b` (buildings) selects, with their hours and
    // facilities: three queries however many.
    std::vector<booking::Venue> load(const std::string& where_sql,
                                     const std::vector<std::string>& params);

  private:
    void write_children(const booking::Venue& v);
    Conn& c_;
};

// The same audit row for every store.
// `at`: when, by the server's clock (a read's trace); none: the database's (a change's).
void insert_audit(Conn& c, const booking::AuditEntry& e,
                  std::optional<booking::TimePoint> at = std::nullopt);

}  // namespace sh::mysql
