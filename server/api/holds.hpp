#pragma once
#include <optional>
#include <string>

#include "booking/calendar.hpp"
#include "booking/venue.hpp"
#include "server/api/services.hpp"

namespace sh::api {

struct Hold {
    std::string id;  // "<venue>-<random>": the hall is in the id, so its keys can be found
    booking::UserId user_id;
    booking::VenueId venue_id;
    booking::Date date;
    int start, end;
    long long expires_ms;
};

std::string hold_token(const std::string& hold_id);
// nullopt: no such live hold (expired, released, or Redis lost it).
awaitable<std::optional<Hold>> find_hold(Services& svc, const std::string& hold_id);
// Ends a hold; release_quanta=false keeps its claim on the quanta (they now guard a booking).
awaitable<void> end_hold(Services& svc, const Hold& h, bool release_quanta);

}  // namespace sh::api
