#pragma once
// The use cases of streets, buildings, halls and closures: each one function returning a result.
// The rules (who may, what is valid) are booking/venues.cpp's; every change that can alter a
// hall's availability is reported to HallChanges after it commits.
#include <vector>

#include "app/ports.hpp"

namespace sh::app {

using booking::Result;

class VenueService {
public:
    VenueService(VenueDb& db, HallChanges& halls) : db_(db), halls_(halls) {}

    awaitable<std::vector<booking::Street>> streets();
    awaitable<std::vector<booking::Building>> buildings(std::optional<booking::StreetId> street);
    awaitable<Result<booking::Building>> create_building(const booking::Principal& me, booking::Building b);
    awaitable<Result<booking::Venue>> create_venue(const booking::Principal& me, booking::Venue v);
    awaitable<Result<booking::Venue>> get_venue(booking::VenueId id);
    awaitable<Result<booking::Venue>> update_venue(const booking::Principal& me, booking::VenueId id,
                                                   const nlohmann::json& patch);
    awaitable<Result<std::vector<booking::Closure>>> closures(booking::VenueId id);
    awaitable<Result<booking::ClosureOutcome>> add_closure(const booking::Principal& me, booking::VenueId id,
                                                           const booking::ClosureRequest& req);
    awaitable<Result<booking::Closure>> remove_closure(const booking::Principal& me, booking::VenueId id,
                                                       booking::ClosureId closure);

private:
    // One transaction that commits only when the use case succeeds.
    template <class T, class UseCase>
    awaitable<Result<T>> change(UseCase use_case);

    VenueDb& db_;
    HallChanges& halls_;
};

}  // namespace sh::app
