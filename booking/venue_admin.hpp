#pragma once
// Streets, buildings, halls and closures: the storage they need and the use cases on top.
// Use cases are blocking; the caller runs each in one MySQL transaction.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "booking/audit.hpp"
#include "booking/availability.hpp"
#include "booking/errors.hpp"
#include "booking/identity.hpp"
#include "booking/venue.hpp"

namespace sh::booking {

using ClosureId = std::uint64_t;

struct Street {
    StreetId id;
    std::string name;
};

struct Building {
    BuildingId id = 0;
    StreetId street_id = 0;
    std::string name;
    std::string address;
};

struct Closure {
    ClosureId id = 0;
    VenueId venue_id = 0;
    TimePoint from, to;
    std::string reason;
};

struct VenueQuery {
    std::optional<StreetId> street_id;
    std::optional<BuildingId> building_id;
    std::optional<int> min_capacity;
    std::optional<std::string> facility;
};

// What the availability of one hall on one day is computed from.
struct DayInputs {
    Venue venue;
    std::vector<ClosureSpan> closures;
    std::set<int> booked;  // start minutes of booked quanta that day
};

// Every hall's closures and booked quanta on one day, read at once (search by date).
struct DayOccupancy {
    std::map<VenueId, std::vector<ClosureSpan>> closures;
    std::map<VenueId, std::set<int>> booked;
};

class VenueStore : public AuditLog {
  public:
    virtual ~VenueStore() = default;
    virtual std::optional<StreetId> street_of_building(BuildingId id) = 0;
    virtual bool street_exists(StreetId id) = 0;
    virtual BuildingId insert_building(const Building& b) = 0;
    virtual VenueId insert_venue(const Venue& v) = 0;
    virtual void update_venue(const Venue& v) = 0;
    // The hall row is the lock between bookings (shared) and rule changes or closures
    // (exclusive): neither commits blind to the other.
    virtual std::optional<Venue> find_venue(VenueId id, Lock lock) = 0;
    // Bookings owning a quantum in [from, to).
    virtual std::vector<BookingId> bookings_between(VenueId id, TimePoint from, TimePoint to) = 0;
    // Cancels them for a closure and tells each owner (the outbox), all at `now`.
    virtual void cancel_bookings(const std::vector<BookingId>& ids, UserId by,
                                 const std::string& reason, TimePoint now) = 0;
    virtual ClosureId insert_closure(const Closure& c, UserId by) = 0;
    virtual std::optional<Closure> find_closure(ClosureId id) = 0;
    virtual void delete_closure(ClosureId id) = 0;

    // Reads.
    virtual std::vector<Street> streets() = 0;
    virtual std::vector<Building> buildings(std::optional<StreetId> street) = 0;
    // Halls matching the filters, smallest fitting first when a capacity is asked for.
    virtual std::vector<Venue> search(const VenueQuery& q) = 0;
    virtual std::vector<Closure> closures(VenueId id) = 0;
    virtual std::optional<DayInputs> day_inputs(VenueId id, Date d) = 0;
    virtual DayOccupancy occupancy(Date d) = 0;

    // The hall's check-in code: `fresh` becomes it when it has none; the code is returned.
    virtual std::string ensure_checkin_code(VenueId id, const std::string& fresh) = 0;
    // A new code: the old one stops working at once, its cached mini-program code goes.
    virtual void set_checkin_code(VenueId id, const std::string& code) = 0;
    virtual std::optional<std::string> cached_qrcode(VenueId id, const std::string& code) = 0;
    virtual void store_qrcode(VenueId id, const std::string& code, const std::string& png,
                              TimePoint now) = 0;
};

Result<Building> create_building(VenueStore& s, const Principal& actor, Building b);
Result<Venue> create_venue(VenueStore& s, const Principal& actor, Venue v);
// A PATCH: only the fields in `patch`. Takes the hall row exclusively.
Result<Venue> update_venue(VenueStore& s, const Principal& actor, VenueId id,
                           const nlohmann::json& patch);

struct ClosureRequest {
    std::string from, to;  // local "YYYY-MM-DDTHH:MM"
    std::string reason;
    bool cancel_conflicting = false;
};
struct ClosureOutcome {
    Closure closure;
    std::vector<BookingId> cancelled;
};
// 409 conflicts_with_bookings (ids in details) unless cancel_conflicting, which cancels them in
// the same transaction.
Result<ClosureOutcome> add_closure(VenueStore& s, const Principal& actor, VenueId venue,
                                   const ClosureRequest& req, TimePoint now);
Result<Closure> remove_closure(VenueStore& s, const Principal& actor, VenueId venue, ClosureId id);

nlohmann::json closure_json(const Closure& c);
nlohmann::json building_json(const Building& b);

}  // namespace sh::booking
