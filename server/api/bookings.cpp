// Bookings and holds: parse the request (shape and types), call the use case, render the result.
// The use cases are app/bookings.cpp; the rules booking/reservations.cpp.
#include "app/bookings.hpp"
#include "booking/local_time.hpp"
#include "common/hex.hpp"
#include "server/api/handlers.hpp"
#include "server/api/input.hpp"

namespace sh::api {

using booking::Errc;
using http::Params;
using http::Request;
using http::Response;
using nlohmann::json;

namespace {

// venue_id, date, start, end: what a hold and a booking share.
booking::BookingRequest parse_slot(const json& body) {
    booking::BookingRequest r;
    r.venue_id = required_id(body, "venue_id");
    auto date = booking::parse_date(required_string(body, "date"));
    if (!date) throw field_error("date", "must be YYYY-MM-DD");
    auto start = booking::parse_hhmm(required_string(body, "start"));
    if (!start) throw field_error("start", "must be HH:MM");
    auto end = booking::parse_hhmm(required_string(body, "end"), true);
    if (!end) throw field_error("end", "must be HH:MM");
    r.date = *date;
    r.start = *start;
    r.end = *end;
    return r;
}

booking::BookingRequest parse_booking(const json& body) {
    auto r = parse_slot(body);
    r.purpose = required_string(body, "purpose");
    r.attendees = required_int(body, "attendees");
    r.org = optional_string(body, "org").value_or("");
    return r;
}

std::optional<booking::IdempotencyKey> idempotency_key(const Request& req, const json& body) {
    auto k = req.header("idempotency-key");
    if (!k) return std::nullopt;
    bool ok = !k->empty() && k->size() <= 64;
    for (char c : *k) ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_');
    if (!ok) throw field_error("Idempotency-Key", "1 to 64 of [A-Za-z0-9_-]");
    return booking::IdempotencyKey{std::string(*k), sha256_hex(body.dump())};
}

booking::BookingQuery filters(const Request& req) {
    booking::BookingQuery q;
    if (auto s = req.query_param("status"); s && !s->empty()) {
        q.status = booking::parse_status(*s);
        if (!q.status) throw field_error("status", "unknown status");
    }
    if (auto f = req.query_param("from")) q.from = booking::to_timepoint(query_date(*f, "from"), 0);
    if (auto t = req.query_param("to")) q.to = booking::to_timepoint(booking::add_days(query_date(*t, "to"), 1), 0);
    if (auto p = req.query_param("page")) q.page = query_int(*p, "page", 1, booking::max_page);
    if (auto b = req.query_param("building_id"); b && !b->empty()) q.building_id = path_id(*b);
    if (auto v = req.query_param("venue_id"); v && !v->empty()) q.venue_id = path_id(*v);
    return q;
}

json list_json(const std::vector<booking::Booking>& items) {
    json out = json::array();
    for (const auto& b : items) out.push_back(booking::booking_json(b));
    return json{{"items", out}};
}

Response render(const booking::Result<booking::Booking>& r) {
    return r ? Response::json(200, booking::booking_json(r.value())) : Response::error(r.error());
}

std::string reason_of(const Request& req) {
    if (req.body.empty()) return {};
    return optional_string(object_body(req), "reason").value_or("");
}

json hold_json(const app::Hold& h) {
    return {{"hold_id", h.id},
            {"venue_id", h.venue_id},
            {"date", booking::format_date(h.date)},
            {"start", booking::format_hhmm(h.start)},
            {"end", booking::format_hhmm(h.end)},
            {"expires_at", booking::to_iso(h.expires_at)}};
}

}  // namespace

http::Handler create_booking(Services& svc) {
    return [&svc](Request& req, const Params&) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        auto body = object_body(req);
        auto idem = idempotency_key(req, body);
        auto request = parse_booking(body);
        auto hold_id = optional_string(body, "hold_id");
        auto r = co_await svc.bookings.create(me, request, idem, hold_id);
        co_return r ? Response::text(r.value().status, r.value().body, "application/json") : Response::error(r.error());
    };
}

http::Handler get_booking(Services& svc) {
    return [&svc](Request& req, const Params& p) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        co_return render(co_await svc.bookings.get(me, path_id(p["id"])));
    };
}

http::Handler my_bookings(Services& svc) {
    return [&svc](Request& req, const Params&) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        co_return Response::json(200, list_json(co_await svc.bookings.list_mine(me, filters(req))));
    };
}

http::Handler manage_bookings(Services& svc) {
    return [&svc](Request& req, const Params&) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        auto r = co_await svc.bookings.list_managed(me, filters(req));
        co_return r ? Response::json(200, list_json(r.value())) : Response::error(r.error());
    };
}

http::Handler cancel_booking(Services& svc) {
    return [&svc](Request& req, const Params& p) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        auto id = path_id(p["id"]);
        std::string reason;
        bool accept_penalty = false;
        if (!req.body.empty()) {
            auto body = object_body(req);
            reason = optional_string(body, "reason").value_or("");
            accept_penalty = optional_bool(body, "accept_penalty").value_or(false);
        }
        co_return render(co_await svc.bookings.cancel(me, id, reason, accept_penalty));
    };
}

http::Handler approve_booking(Services& svc) {
    return [&svc](Request& req, const Params& p) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        co_return render(co_await svc.bookings.approve(me, path_id(p["id"])));
    };
}

http::Handler reject_booking(Services& svc) {
    return [&svc](Request& req, const Params& p) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        auto id = path_id(p["id"]);
        co_return render(co_await svc.bookings.reject(me, id, reason_of(req)));
    };
}

http::Handler check_in(Services& svc) {
    return [&svc](Request& req, const Params& p) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        auto id = path_id(p["id"]);
        auto code = required_string(object_body(req), "venue_code", 64);
        co_return render(co_await svc.bookings.check_in(me, id, code));
    };
}

http::Handler scan_in(Services& svc) {
    return [&svc](Request& req, const Params&) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        auto code = required_string(object_body(req), "venue_code", 64);
        auto r = co_await svc.bookings.scan(me, code);
        if (!r) co_return Response::error(r.error());
        const auto& b = r.value().booking;
        co_return Response::json(r.value().counted_now ? 201 : 200,
                                 json{{"booking_id", b.id}, {"venue_id", b.venue_id}, {"present", b.present},
                                      {"counted", r.value().counted_now}});
    };
}

http::Handler waive_violation(Services& svc) {
    return [&svc](Request& req, const Params& p) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        auto r = co_await svc.bookings.waive(me, path_id(p["id"]));
        if (!r) co_return Response::error(r.error());
        const auto& v = r.value().violation;
        co_return Response::json(200, json{{"id", v.id}, {"user_id", v.user_id}, {"booking_id", v.booking_id},
                                           {"waived", v.waived}, {"ban_lifted", r.value().ban_lifted}});
    };
}

http::Handler add_subscriptions(Services& svc) {
    return [&svc](Request& req, const Params&) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        auto body = object_body(req);
        std::vector<std::string> ids;
        auto it = body.find("template_ids");
        if (it == body.end() || !it->is_array() || it->empty() || it->size() > 20)
            throw field_error("template_ids", "must be an array of 1 to 20 template ids");
        for (const auto& t : *it) {
            if (!t.is_string() || t.get<std::string>().empty() || t.get<std::string>().size() > 64)
                throw field_error("template_ids", "must be an array of template ids");
            ids.push_back(t.get<std::string>());
        }
        auto r = co_await svc.notifier.add_consents(me, ids);
        co_return r ? Response::json(200, json{{"recorded", ids.size()}}) : Response::error(r.error());
    };
}

http::Handler create_hold(Services& svc) {
    return [&svc](Request& req, const Params&) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        auto slot = parse_slot(object_body(req));
        slot.purpose = "hold";  // a hold is the slot of a booking to come: its details come then
        slot.attendees = 1;
        auto r = co_await svc.bookings.hold(me, slot);
        if (!r) co_return Response::error(r.error());
        co_return Response::json(r.value().existing ? 200 : 201, hold_json(r.value().hold));
    };
}

http::Handler delete_hold(Services& svc) {
    return [&svc](Request& req, const Params& p) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        auto r = co_await svc.bookings.release_hold(me, p["id"]);
        co_return r ? Response::json(200, json{{"released", true}}) : Response::error(r.error());
    };
}

}  // namespace sh::api
