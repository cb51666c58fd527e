#pragma once
// The use cases of streets, buildings, halls and closures: each one function returning a result.
// The rules (who may, what is valid) are booking/venues.cpp's; every change that can alter a
// hall's availability is reported to VenueChanges after it commits.
#include <vector>

#include "app/ports.hpp"
#include "booking/clock.hpp"
#include "booking/closures.hpp"

namespace sh::app {

using booking::Result;

// A hall's check-in code: what its mini-program code carries (WeChat's `scene`) and the page it
// opens.
struct CheckinCode {
    std::string code;
    std::string page;
};

class VenueService {
  public:
    VenueService(VenueDb& db, VenueChanges& changes, VenueCodes& codes, const booking::Clock& clock,
                 std::string checkin_page)
        : db_(db),
          changes_(changes),
          codes_(codes),
          clock_(clock),
          checkin_page_(std::move(checkin_page)) {}

    awaitable<std::vector<booking::Street>> streets();
    awaitable<std::vector<booking::Building>> buildings(std::optional<booking::StreetId> street);
    awaitable<Result<booking::Building>> create_building(const booking::Principal& me,
                                                         booking::Building b);
    awaitable<Result<booking::Venue>> create_venue(const booking::Principal& me, booking::Venue v);
    awaitable<Result<booking::Venue>> get_venue(booking::VenueId id);
    awaitable<Result<booking::Venue>> update_venue(const booking::Principal& me,
                                                   booking::VenueId id,
                                                   const nlohmann::json& patch);
    awaitable<Result<std::vector<booking::Closure>>> closures(booking::VenueId id);
    // Every hall of a street (or, without one, of the district) closed at once, the bookings
    // in the way cancelled and told (booking/closures.hpp).
    awaitable<Result<booking::ScopeClosures>> close_scope(const booking::Principal& me,
                                                          std::optional<booking::StreetId> street,
                                                          const booking::ClosureRequest& req);
    awaitable<Result<booking::ClosureOutcome>> add_closure(const booking::Principal& me,
                                                           booking::VenueId id,
                                                           const booking::ClosureRequest& req);
    awaitable<Result<booking::Closure>> remove_closure(const booking::Principal& me,
                                                       booking::VenueId id,
                                                       booking::ClosureId closure);

    // The hall's managers and the admins above them (else forbidden; not_found for no hall).
    awaitable<Result<CheckinCode>> checkin_code(const booking::Principal& me, booking::VenueId id);
    // A new code; the old one stops working at once.
    awaitable<Result<CheckinCode>> rotate_checkin_code(const booking::Principal& me,
                                                       booking::VenueId id);
    // The mini-program code PNG for the check-in page with the hall's code, made by WeChat once
    // per code and kept in MySQL.
    awaitable<Result<std::string>> qrcode(const booking::Principal& me, booking::VenueId id);

  private:
    // The hall, when `me` may manage it.
    awaitable<Result<booking::Venue>> managed(const booking::Principal& me, booking::VenueId id);

    VenueDb& db_;
    VenueChanges& changes_;
    VenueCodes& codes_;
    const booking::Clock& clock_;
    std::string checkin_page_;
};

}  // namespace sh::app
