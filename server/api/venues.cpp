// Streets, buildings, halls, closures, availability and search.
#include "server/api/availability.hpp"
#include "server/api/handlers.hpp"
#include "server/api/input.hpp"
#include "server/mysql/venue_store.hpp"

namespace sh::api {

using booking::AppException;
using booking::Errc;
using http::Params;
using http::Request;
using http::Response;
using nlohmann::json;

namespace {

template <class UseCase>
auto venue_tx(Services& svc, UseCase use_case) {
    return in_transaction<mysql::MysqlVenueStore>(svc, std::move(use_case));
}

std::optional<std::uint64_t> query_id(const Request& req, const char* name) {
    auto v = req.query_param(name);
    if (!v || v->empty()) return std::nullopt;
    try {
        std::size_t used = 0;
        auto n = std::stoull(*v, &used);
        if (used != v->size() || n == 0) throw std::invalid_argument(name);
        return n;
    } catch (const std::exception&) {
        throw field_error(name, "must be a positive integer");
    }
}

booking::Date query_date(const Request& req, const char* name) {
    auto v = req.query_param(name);
    if (!v) throw field_error(name, "is required (YYYY-MM-DD)");
    auto d = booking::parse_date(*v);
    if (!d) throw field_error(name, "must be a date YYYY-MM-DD");
    return *d;
}

}  // namespace

http::Handler list_streets(Services& svc) {
    return [&svc](Request& req, const Params&) -> awaitable<Response> {
        co_await svc.auth.authenticate(req);
        auto streets = co_await db_run(svc, [](mysql::Conn& c) { return mysql::MysqlVenueStore(c).streets(); });
        json items = json::array();
        for (const auto& s : streets) items.push_back({{"id", s.id}, {"name", s.name}});
        co_return Response::json(200, json{{"items", items}});
    };
}

http::Handler list_buildings(Services& svc) {
    return [&svc](Request& req, const Params&) -> awaitable<Response> {
        co_await svc.auth.authenticate(req);
        auto street = query_id(req, "street_id");
        auto buildings = co_await db_run(svc, [&](mysql::Conn& c) { return mysql::MysqlVenueStore(c).buildings(street); });
        json items = json::array();
        for (const auto& b : buildings) items.push_back(booking::building_json(b));
        co_return Response::json(200, json{{"items", items}});
    };
}

http::Handler create_building(Services& svc) {
    return [&svc](Request& req, const Params&) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        auto body = object_body(req);
        booking::Building b;
        if (!body.contains("street_id") || !body["street_id"].is_number_unsigned())
            throw field_error("street_id", "is required");
        b.street_id = body["street_id"].get<std::uint64_t>();
        b.name = required_string(body, "name", 400);
        b.address = optional_string(body, "address", 800).value_or("");
        auto created = co_await venue_tx(svc, [&](mysql::MysqlVenueStore& s) { return booking::create_building(s, me, b); });
        co_return Response::json(201, booking::building_json(created));
    };
}

http::Handler create_venue(Services& svc) {
    return [&svc](Request& req, const Params&) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        auto body = object_body(req);
        booking::Venue v;
        if (auto e = booking::apply_venue_json(body, v)) throw AppException(*e);
        auto created = co_await venue_tx(svc, [&](mysql::MysqlVenueStore& s) { return booking::create_venue(s, me, v); });
        co_return Response::json(201, booking::venue_json(created));
    };
}

http::Handler get_venue(Services& svc) {
    return [&svc](Request& req, const Params& p) -> awaitable<Response> {
        co_await svc.auth.authenticate(req);
        auto id = path_id(p["id"]);
        auto v = co_await db_run(svc, [&](mysql::Conn& c) {
            return mysql::MysqlVenueStore(c).find_venue(id, booking::Lock::none);
        });
        if (!v) throw AppException(Errc::not_found);
        co_return Response::json(200, booking::venue_json(*v));
    };
}

http::Handler patch_venue(Services& svc) {
    return [&svc](Request& req, const Params& p) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        auto id = path_id(p["id"]);
        auto body = object_body(req);
        auto updated = co_await venue_tx(svc, [&](mysql::MysqlVenueStore& s) {
            return booking::update_venue(s, me, id, body);
        });
        co_await svc.availability.invalidate(id);
        co_return Response::json(200, booking::venue_json(updated));
    };
}

http::Handler list_closures(Services& svc) {
    return [&svc](Request& req, const Params& p) -> awaitable<Response> {
        co_await svc.auth.authenticate(req);
        auto id = path_id(p["id"]);
        auto closures = co_await db_run(svc, [&](mysql::Conn& c) -> std::optional<std::vector<booking::Closure>> {
            mysql::MysqlVenueStore s(c);
            if (!s.find_venue(id, booking::Lock::none)) return std::nullopt;
            return s.closures(id);
        });
        if (!closures) throw AppException(Errc::not_found);
        json items = json::array();
        for (const auto& c : *closures) items.push_back(booking::closure_json(c));
        co_return Response::json(200, json{{"items", items}});
    };
}

http::Handler create_closure(Services& svc) {
    return [&svc](Request& req, const Params& p) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        auto id = path_id(p["id"]);
        auto body = object_body(req);
        booking::ClosureRequest cr;
        cr.from = required_string(body, "from", 32);
        cr.to = required_string(body, "to", 32);
        cr.reason = required_string(body, "reason", 800);
        if (body.contains("cancel_conflicting")) {
            if (!body["cancel_conflicting"].is_boolean()) throw field_error("cancel_conflicting", "must be true or false");
            cr.cancel_conflicting = body["cancel_conflicting"].get<bool>();
        }
        auto outcome = co_await venue_tx(svc, [&](mysql::MysqlVenueStore& s) { return booking::add_closure(s, me, id, cr); });
        co_await svc.availability.invalidate(id);
        json out = booking::closure_json(outcome.closure);
        out["cancelled_booking_ids"] = outcome.cancelled;
        co_return Response::json(201, out);
    };
}

http::Handler delete_closure(Services& svc) {
    return [&svc](Request& req, const Params& p) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        auto id = path_id(p["id"]);
        auto closure = path_id(p["closure_id"]);
        auto removed = co_await venue_tx(svc, [&](mysql::MysqlVenueStore& s) {
            return booking::remove_closure(s, me, id, closure);
        });
        co_await svc.availability.invalidate(id);
        co_return Response::json(200, booking::closure_json(removed));
    };
}

http::Handler get_availability(Services& svc) {
    return [&svc](Request& req, const Params& p) -> awaitable<Response> {
        co_await svc.auth.authenticate(req);
        auto id = path_id(p["id"]);
        auto date = query_date(req, "date");
        auto day = co_await svc.availability.day(id, date);
        if (!day) throw AppException(Errc::not_found);
        // Written directly: the hot path. Keys in the order nlohmann::json would write them.
        std::string body = "{\"date\":\"" + booking::format_date(date) + "\",\"slot_minutes\":" +
                           std::to_string(day->slot_minutes) + ",\"slots\":";
        booking::append_slots_json(body, day->slots);
        body += ",\"venue_id\":" + std::to_string(id) + "}";
        co_return Response::text(200, std::move(body), "application/json");
    };
}

http::Handler search_venues(Services& svc) {
    return [&svc](Request& req, const Params&) -> awaitable<Response> {
        co_await svc.auth.authenticate(req);
        mysql::VenueQuery q;
        q.street_id = query_id(req, "street_id");
        q.building_id = query_id(req, "building_id");
        if (auto cap = query_id(req, "min_capacity")) q.min_capacity = static_cast<int>(std::min<std::uint64_t>(*cap, 100000));
        if (auto f = req.query_param("facility"); f && !f->empty()) q.facility = *f;
        std::optional<booking::Date> date;
        if (req.query_param("date")) date = query_date(req, "date");
        int from = 0, to = 1440;
        if (auto f = req.query_param("from")) {
            auto m = booking::parse_hhmm(*f);
            if (!m) throw field_error("from", "must be HH:MM");
            from = *m;
        }
        if (auto t = req.query_param("to")) {
            auto m = booking::parse_hhmm(*t, true);
            if (!m) throw field_error("to", "must be HH:MM");
            to = *m;
        }
        if ((req.query_param("from") || req.query_param("to")) && !date) throw field_error("date", "is required with from/to");
        if (to <= from) throw field_error("to", "must be after from");
        int page = 1;
        if (auto pg = query_id(req, "page")) page = static_cast<int>(std::min<std::uint64_t>(*pg, 100000));
        constexpr int page_size = 20;

        auto venues = co_await db_run(svc, [&](mysql::Conn& c) { return mysql::MysqlVenueStore(c).search(q); });
        json items = json::array();
        int matched = 0;
        for (const auto& v : venues) {
            json item = booking::venue_json(v);
            if (date) {
                // "Has a free slot within from–to on date": through the availability cache.
                auto day = co_await svc.availability.day(v.id, *date);
                if (!day) continue;
                int free = 0;
                for (const auto& s : day->slots)
                    if (s.state == booking::SlotState::free && s.start >= from && s.end <= to) ++free;
                if (free == 0) continue;
                item["free_slots"] = free;
            }
            ++matched;
            if (matched > (page - 1) * page_size && matched <= page * page_size) items.push_back(std::move(item));
        }
        co_return Response::json(200, json{{"items", items}, {"page", page}, {"page_size", page_size}, {"total", matched}});
    };
}

}  // namespace sh::api
