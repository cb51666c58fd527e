#include "app/venues.hpp"

#include "common/hex.hpp"

namespace sh::app {

using booking::Errc;
using booking::make_error;
using booking::Principal;
using booking::VenueStore;

awaitable<std::vector<booking::Street>> VenueService::streets() {
    std::vector<booking::Street> out;
    co_await db_.read([&](VenueStore& s) { out = s.streets(); });
    co_return out;
}

awaitable<std::vector<booking::Building>> VenueService::buildings(
    std::optional<booking::StreetId> street) {
    std::vector<booking::Building> out;
    co_await db_.read([&](VenueStore& s) { out = s.buildings(street); });
    co_return out;
}

awaitable<Result<booking::Building>> VenueService::create_building(const Principal& me,
                                                                   booking::Building b) {
    co_return co_await transact_result<booking::Building>(
        db_, [&](VenueStore& s) { return booking::create_building(s, me, b); });
}

awaitable<Result<booking::Venue>> VenueService::create_venue(const Principal& me,
                                                             booking::Venue v) {
    co_return co_await transact_result<booking::Venue>(
        db_, [&](VenueStore& s) { return booking::create_venue(s, me, v); });
}

awaitable<Result<booking::Venue>> VenueService::get_venue(booking::VenueId id) {
    std::optional<booking::Venue> v;
    co_await db_.read([&](VenueStore& s) { v = s.find_venue(id, booking::Lock::none); });
    if (!v) co_return make_error(Errc::not_found);
    co_return std::move(*v);
}

awaitable<Result<booking::Venue>> VenueService::update_venue(const Principal& me,
                                                             booking::VenueId id,
                                                             const nlohmann::json& patch) {
    auto r = co_await transact_result<booking::Venue>(
        db_, [&](VenueStore& s) { return booking::update_venue(s, me, id, patch); });
    if (r.ok()) co_await changes_.changed(id);
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

awaitable<Result<booking::ClosureOutcome>> VenueService::add_closure(
    const Principal& me, booking::VenueId id, const booking::ClosureRequest& req) {
    auto now = clock_.now();
    auto r = co_await transact_result<booking::ClosureOutcome>(
        db_, [&](VenueStore& s) { return booking::add_closure(s, me, id, req, now); });
    if (r.ok()) co_await changes_.changed(id);
    co_return r;
}

awaitable<Result<booking::ScopeClosures>> VenueService::close_scope(
    const Principal& me, std::optional<booking::StreetId> street,
    const booking::ClosureRequest& req) {
    auto now = clock_.now();
    auto r = co_await transact_result<booking::ScopeClosures>(
        db_, [&](VenueStore& s) { return booking::close_scope(s, me, street, req, now); });
    if (r.ok())
        for (const auto& c : r.value().closures) co_await changes_.changed(c.venue_id);
    co_return r;
}

awaitable<Result<booking::Closure>> VenueService::remove_closure(const Principal& me,
                                                                 booking::VenueId id,
                                                                 booking::ClosureId closure) {
    auto r = co_await transact_result<booking::Closure>(
        db_, [&](VenueStore& s) { return booking::remove_closure(s, me, id, closure); });
    if (r.ok()) co_await changes_.changed(id);
    co_return r;
}

awaitable<Result<booking::Venue>> VenueService::managed(const Principal& me, booking::VenueId id) {
    auto v = co_await get_venue(id);
    if (!v) co_return v.error();
    if (!booking::can_manage_building(me, v.value().building_id, v.value().street_id))
        co_return make_error(Errc::forbidden, "Only the hall's managers see its check-in code.");
    co_return v;
}

awaitable<Result<CheckinCode>> VenueService::checkin_code(const Principal& me,
                                                          booking::VenueId id) {
    auto v = co_await managed(me, id);
    if (!v) co_return v.error();
    std::string code = v.value().checkin_code;
    if (code.empty()) {
        std::string fresh = random_hex(12);  // 96 bits from the CSPRNG, 24 characters
        co_await db_.transact([&](VenueStore& s) {
            code = s.ensure_checkin_code(id, fresh);
            return true;
        });
    }
    co_return CheckinCode{code, checkin_page_};
}

awaitable<Result<CheckinCode>> VenueService::rotate_checkin_code(const Principal& me,
                                                                 booking::VenueId id) {
    auto v = co_await managed(me, id);
    if (!v) co_return v.error();
    std::string code = random_hex(12);
    co_await db_.transact([&](VenueStore& s) {
        s.set_checkin_code(id, code);
        s.audit({me.user_id, "rotate_checkin_code", "venue", id, nullptr, nullptr});
        return true;
    });
    co_return CheckinCode{code, checkin_page_};
}

awaitable<Result<std::string>> VenueService::qrcode(const Principal& me, booking::VenueId id) {
    auto code = co_await checkin_code(me, id);
    if (!code) co_return code.error();
    std::optional<std::string> png;
    co_await db_.read([&](VenueStore& s) { png = s.cached_qrcode(id, code.value().code); });
    if (png) co_return std::move(*png);
    auto made = co_await codes_.png(code.value().code, checkin_page_);
    if (!made) co_return made.error();
    auto now = clock_.now();
    co_await db_.transact([&](VenueStore& s) {
        s.store_qrcode(id, code.value().code, made.value(), now);
        return true;
    });
    co_return std::move(made.value());
}

}  // namespace sh::app
