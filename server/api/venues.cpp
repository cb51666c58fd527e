// Streets, buildings, halls, closures, availability and search: parse the request (shape and
// types), call the use case (app/venues.cpp, app/availability.cpp), render the result.
#include "app/venues.hpp"
#include "app/availability.hpp"
#include "server/api/bodies.hpp"
#include "server/api/handlers.hpp"
#include "server/api/input.hpp"

namespace sh::api {

using http::Params;
using http::Request;
using http::Response;
using nlohmann::json;

namespace {

template <class T, class ToJson>
Response render(const booking::Result<T>& r, int status, ToJson to_json) {
    return r ? Response::json(status, to_json(r.value())) : Response::error(r.error());
}

template <class T, class ToJson>
json items_json(const std::vector<T>& items, ToJson to_json) {
    json out = json::array();
    for (const auto& i : items) out.push_back(to_json(i));
    return json{{"items", out}};
}

}  // namespace

http::Handler list_streets(Services& svc) {
    return [&svc](Request& req, const Params&) -> awaitable<Response> {
        co_await svc.auth.authenticate(req);
        auto streets = co_await svc.venues.streets();
        co_return Response::json(200, items_json(streets, [](const booking::Street& s) {
                                     return json{{"id", s.id}, {"name", s.name}};
                                 }));
    };
}

http::Handler list_buildings(Services& svc) {
    return [&svc](Request& req, const Params&) -> awaitable<Response> {
        co_await svc.auth.authenticate(req);
        auto buildings = co_await svc.venues.buildings(query_id(req, "street_id"));
        co_return Response::json(200, items_json(buildings, booking::building_json));
    };
}

http::Handler create_building(Services& svc) {
    return [&svc](Request& req, const Params&) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        auto b = parse_building(object_body(req));
        co_return render(co_await svc.venues.create_building(me, b), 201, booking::building_json);
    };
}

http::Handler create_venue(Services& svc) {
    return [&svc](Request& req, const Params&) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        auto body = object_body(req);
        booking::Venue v;
        if (auto e = booking::apply_venue_json(body, v)) co_return Response::error(*e);
        co_return render(co_await svc.venues.create_venue(me, v), 201, booking::venue_json);
    };
}

http::Handler get_venue(Services& svc) {
    return [&svc](Request& req, const Params& p) -> awaitable<Response> {
        co_await svc.auth.authenticate(req);
        co_return render(co_await svc.venues.get_venue(path_id(p["id"])), 200, booking::venue_json);
    };
}

http::Handler patch_venue(Services& svc) {
    return [&svc](Request& req, const Params& p) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        auto id = path_id(p["id"]);
        auto body = object_body(req);
        co_return render(co_await svc.venues.update_venue(me, id, body), 200, booking::venue_json);
    };
}

http::Handler list_closures(Services& svc) {
    return [&svc](Request& req, const Params& p) -> awaitable<Response> {
        co_await svc.auth.authenticate(req);
        co_return render(
            co_await svc.venues.closures(path_id(p["id"])), 200,
            [](const auto& closures) { return items_json(closures, booking::closure_json); });
    };
}

http::Handler create_closure(Services& svc) {
    return [&svc](Request& req, const Params& p) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        auto id = path_id(p["id"]);
        auto cr = parse_closure(object_body(req));
        co_return render(co_await svc.venues.add_closure(me, id, cr), 201,
                         [](const booking::ClosureOutcome& o) {
                             json out = booking::closure_json(o.closure);
                             out["cancelled_booking_ids"] = o.cancelled;
                             return out;
                         });
    };
}

// Every hall of a street (street_id) or, without one, of the district, closed at once.
http::Handler close_scope(Services& svc) {
    return [&svc](Request& req, const Params&) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        auto body = object_body(req);
        auto cr = parse_closure(body);
        std::optional<booking::StreetId> street;
        if (auto named = nullable_id(body, "street_id"); named && *named) street = **named;
        co_return render(
            co_await svc.venues.close_scope(me, street, cr), 201,
            [](const booking::ScopeClosures& o) {
                json closures = json::array();
                for (const auto& c : o.closures) closures.push_back(booking::closure_json(c));
                return json{{"closures", closures}, {"cancelled_booking_ids", o.cancelled}};
            });
    };
}

http::Handler delete_closure(Services& svc) {
    return [&svc](Request& req, const Params& p) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        auto id = path_id(p["id"]);
        auto closure = path_id(p["closure_id"]);
        co_return render(co_await svc.venues.remove_closure(me, id, closure), 200,
                         booking::closure_json);
    };
}

namespace {
json checkin_code_json(const app::CheckinCode& c) {
    return {{"venue_code", c.code}, {"page", c.page}};
}
}  // namespace

http::Handler get_checkin_code(Services& svc) {
    return [&svc](Request& req, const Params& p) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        co_return render(co_await svc.venues.checkin_code(me, path_id(p["id"])), 200,
                         checkin_code_json);
    };
}

http::Handler rotate_checkin_code(Services& svc) {
    return [&svc](Request& req, const Params& p) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        co_return render(co_await svc.venues.rotate_checkin_code(me, path_id(p["id"])), 200,
                         checkin_code_json);
    };
}

http::Handler get_qrcode(Services& svc) {
    return [&svc](Request& req, const Params& p) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        auto png = co_await svc.venues.qrcode(me, path_id(p["id"]));
        if (!png) co_return Response::error(png.error());
        co_return Response::text(200, std::move(png.value()), "image/png");
    };
}

http::Handler get_availability(Services& svc) {
    return [&svc](Request& req, const Params& p) -> awaitable<Response> {
        co_await svc.auth.authenticate(req);
        auto id = path_id(p["id"]);
        auto date = required_query_date(req, "date");
        auto day = co_await svc.availability.day(id, date);
        if (!day) co_return Response::error(day.error());
        // Written directly: the hot path. Keys in the order nlohmann::json would write them.
        std::string body = "{\"date\":\"" + booking::format_date(date) +
                           "\",\"slot_minutes\":" + std::to_string(day.value().slot_minutes) +
                           ",\"slots\":";
        booking::append_slots_json(body, day.value().slots);
        body += ",\"venue_id\":" + std::to_string(id) + "}";
        co_return Response::text(200, std::move(body), "application/json");
    };
}

http::Handler search_venues(Services& svc) {
    return [&svc](Request& req, const Params&) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        auto s = parse_search(req);
        s.caller = std::move(me);
        auto page = co_await svc.availability.search(s);
        co_return render(page, 200, [](const app::SearchPage& p) {
            json items = json::array();
            for (const auto& hit : p.items) {
                json item = booking::venue_json(hit.venue);
                if (hit.free_slots) item["free_slots"] = *hit.free_slots;
                items.push_back(std::move(item));
            }
            return json{
                {"items", items}, {"page", p.page}, {"page_size", p.page_size}, {"total", p.total}};
        });
    };
}

}  // namespace sh::api
