#include "app/venues.hpp"

namespace sh::app {

using booking::Errc;
using booking::make_error;
using booking::Principal;
using booking::VenueStore;

template <class T, class UseCase>
awaitable<Result<T>> VenueService::change(UseCase use_case) {
    Result<T> r = make_error(Errc::internal);
    co_await db_.transact([&](VenueStore& s) {
        r = use_case(s);
        return r.ok();
    });
    co_return r;
}

awaitable<std::vector<booking::Street>> VenueService::streets() {
    std::vector<booking::Street> out;
    co_await db_.read([&](VenueStore& s) { out = s.streets(); });
    co_return out;
}

awaitable<std::vector<booking::Building>> VenueService::buildings(std::optional<booking::StreetId> street) {
    std::vector<booking::Building> out;
    co_await db_.read([&](VenueStore& s) { out = s.buildings(street); });
    co_return out;
}

awaitable<Result<booking::Building>> VenueService::create_building(const Principal& me, booking::Building b) {
    co_return co_await change<booking::Building>([&](VenueStore& s) { return booking::create_building(s, me, b); });
}

awaitable<Result<booking::Venue>> VenueService::create_venue(const Principal& me, booking::Venue v) {
    co_return co_await change<booking::Venue>([&](VenueStore& s) { return booking::create_venue(s, me, v); });
}

awaitable<Result<booking::Venue>> VenueService::get_venue(booking::VenueId id) {
    std::optional<booking::Venue> v;
    co_await db_.read([&](VenueStore& s) { v = s.find_venue(id, booking::Lock::none); });
    if (!v) co_return make_error(Errc::not_found);
    co_return std::move(*v);
}

awaitable<Result<booking::Venue>> VenueService::update_venue(const Principal& me, booking::VenueId id,
                                                             const nlohmann::json& patch) {
    auto r = co_await change<booking::Venue>([&](VenueStore& s) { return booking::update_venue(s, me, id, patch); });
    if (r.ok()) co_await halls_.changed(id);
    co_return r;
}

awaitable<Result<std::vector<booking::Closure>>> VenueService::closures(booking::VenueId id) {
    std::optional<std::vector<booking::Closure>> out;
    co_await db_.read([&](VenueStore& s) {
        if (s.find_venue(id, booking::Lock::none)) out = s.closures(id);
    });
    if (!out) co_return make_error(Errc::not_found);
    co_return std::move(*out);
}

awaitable<Result<booking::ClosureOutcome>> VenueService::add_closure(const Principal& me, booking::VenueId id,
                                                                     const booking::ClosureRequest& req) {
    auto r = co_await change<booking::ClosureOutcome>([&](VenueStore& s) { return booking::add_closure(s, me, id, req); });
    if (r.ok()) co_await halls_.changed(id);
    co_return r;
}

awaitable<Result<booking::Closure>> VenueService::remove_closure(const Principal& me, booking::VenueId id,
                                                                 booking::ClosureId closure) {
    auto r = co_await change<booking::Closure>([&](VenueStore& s) { return booking::remove_closure(s, me, id, closure); });
    if (r.ok()) co_await halls_.changed(id);
    co_return r;
}

}  // namespace sh::app
