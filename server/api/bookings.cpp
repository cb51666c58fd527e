// Bookings and holds: parse the request (shape and types), call the use case, render the result.
// The use cases are app/bookings.cpp; the rules booking/booking_rules.cpp, book.cpp, decisions.cpp.
#include "app/bookings.hpp"
#include "booking/calendar.hpp"
#include "common/hex.hpp"
#include "server/api/bodies.hpp"
#include "server/api/booking_view.hpp"
#include "server/api/handlers.hpp"
#include "server/api/input.hpp"

namespace sh::api {

using booking::Errc;
using http::Params;
using http::Request;
using http::Response;
using nlohmann::json;

namespace {

json list_json(const std::vector<booking::Booking>& items) {
    json out = json::array();
    for (const auto& b : items) out.push_back(booking_view(b));
    return json{{"items", out}};
}

Response render(const booking::Result<booking::Booking>& r) {
    return r ? Response::json(200, booking_view(r.value())) : Response::error(r.error());
}

// expires_in: seconds left by the server's clock, so a phone whose own clock is wrong still
// counts down the right time.
json hold_json(const app::Hold& h, booking::TimePoint now) {
    auto left = std::chrono::duration_cast<std::chrono::seconds>(h.expires_at - now).count();
    return {{"hold_id", h.id},
            {"expires_in", left > 0 ? left : 0},
            {"venue_id", h.venue_id},
            {"date", booking::format_date(h.date)},
            {"start", booking::format_hhmm(h.start)},
            {"end", booking::format_hhmm(h.end)},
            {"expires_at", booking::to_iso(h.expires_at)}};
}

}  // namespace

http::Handler create_booking(Services& svc) {
    return [&svc](Request& req, const Params&) -> awaitable<Response> {
        auto me = co_await svc.auth.consenting(req);
        auto body = object_body(req);
        auto idem = idempotency_key(req, body);
        auto request = parse_booking(body);
        auto hold_id = optional_string(body, "hold_id");
        auto r = co_await svc.bookings.create(me, request, idem, hold_id);
        co_return r ? Response::text(r.value().status, r.value().body, "application/json")
                    : Response::error(r.error());
    };
}

http::Handler change_booking(Services& svc) {
    return [&svc](Request& req, const Params& p) -> awaitable<Response> {
        auto me = co_await svc.auth.consenting(req);
        const auto id = path_id(p["id"]);
        auto body = object_body(req);
        auto idem = idempotency_key(req, body);
        if (idem)  // the same key and body on another booking is another request
            idem->request_hash = sha256_hex(std::to_string(id) + ":" + idem->request_hash);
        auto r = co_await svc.bookings.modify(me, id, parse_change(body), idem);
        co_return r ? Response::text(r.value().status, r.value().body, "application/json")
                    : Response::error(r.error());
    };
}

http::Handler get_booking(Services& svc) {
    return [&svc](Request& req, const Params& p) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        const auto id = path_id(p["id"]);
        auto r = co_await svc.bookings.get(me, id);
        if (r && !booking::organises(me, r.value()))  // someone else's: a manager's or an admin's
            co_await svc.trace.saw(me, "read_booking", "booking", id);
        co_return render(r);
    };
}

http::Handler my_bookings(Services& svc) {
    return [&svc](Request& req, const Params&) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        auto q = booking_filters(req);
        q.with_coorganised = true;  // the ones they co-organise are theirs to check in
        co_return Response::json(200, list_json(co_await svc.bookings.list_mine(me, q)));
    };
}

http::Handler manage_bookings(Services& svc) {
    return [&svc](Request& req, const Params&) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        auto r = co_await svc.bookings.list_managed(me, booking_filters(req));
        if (!r) co_return Response::error(r.error());
        json seen = {{"rows", r.value().size()}};  // (GCC 12: no braces in a co_await's call)
        co_await svc.trace.saw(me, "read_bookings", "bookings", 0, std::move(seen));
        co_return Response::json(200, list_json(r.value()));
    };
}

http::Handler manage_summary(Services& svc) {
    return [&svc](Request& req, const Params&) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        auto r = co_await svc.bookings.summary(me);
        if (!r) co_return Response::error(r.error());
        json halls = json::array();
        int pending = 0, soon = 0;
        for (const auto& h : r.value()) {
            pending += h.pending;
            soon += h.starting_soon;
            halls.push_back({{"venue_id", h.venue_id},
                             {"venue_name", h.venue_name},
                             {"pending", h.pending},
                             {"oldest_at", booking::to_iso(h.oldest)},
                             {"starting_within_24h", h.starting_soon}});
        }
        // The halls come longest waiting first: the first one's oldest is the oldest of all.
        json oldest = halls.empty() ? json(nullptr) : halls[0]["oldest_at"];
        co_return Response::json(200, json{{"pending", pending},
                                           {"oldest_at", oldest},
                                           {"starting_within_24h", soon},
                                           {"halls", halls}});
    };
}

http::Handler cancel_booking(Services& svc) {
    return [&svc](Request& req, const Params& p) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        auto id = path_id(p["id"]);
        auto c = parse_cancellation(req);
        co_return render(co_await svc.bookings.cancel(me, id, c.reason, c.accept_penalty));
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
        auto me = co_await svc.auth.consenting(req);
        auto id = path_id(p["id"]);
        auto code = venue_code(object_body(req));
        co_return render(co_await svc.bookings.check_in(me, id, code));
    };
}

http::Handler end_booking(Services& svc) {
    return [&svc](Request& req, const Params& p) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);  // gives time back: collects nothing
        co_return render(co_await svc.bookings.end(me, path_id(p["id"])));
    };
}

http::Handler invite_coorganisers(Services& svc) {
    return [&svc](Request& req, const Params& p) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        auto r = co_await svc.bookings.invite_coorganisers(me, path_id(p["id"]));
        if (!r) co_return Response::error(r.error());
        const auto& b = r.value().booking;
        co_return Response::json(
            201, json{{"code", r.value().code},
                      {"booking_id", b.id},
                      {"expires_at", booking::to_iso(b.end)},
                      {"seats_left",
                       booking::max_coorganisers - static_cast<int>(b.coorganisers.size())}});
    };
}

http::Handler join_as_coorganiser(Services& svc) {
    return [&svc](Request& req, const Params&) -> awaitable<Response> {
        auto me = co_await svc.auth.consenting(req);  // the owner will see the member's name
        auto code = required_string(object_body(req), "code");
        co_return render(co_await svc.bookings.join_as_coorganiser(me, code));
    };
}

http::Handler remove_coorganiser(Services& svc) {
    return [&svc](Request& req, const Params& p) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        co_return render(
            co_await svc.bookings.remove_coorganiser(me, path_id(p["id"]), path_id(p["user_id"])));
    };
}

http::Handler scan_in(Services& svc) {
    return [&svc](Request& req, const Params&) -> awaitable<Response> {
        auto me = co_await svc.auth.consenting(req);
        auto code = venue_code(object_body(req));
        auto r = co_await svc.bookings.scan(me, code);
        if (!r) co_return Response::error(r.error());
        const auto& b = r.value().booking;
        co_return Response::json(r.value().counted_now ? 201 : 200,
                                 json{{"booking_id", b.id},
                                      {"venue_id", b.venue_id},
                                      {"present", b.present},
                                      {"counted", r.value().counted_now}});
    };
}

http::Handler waive_violation(Services& svc) {
    return [&svc](Request& req, const Params& p) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        auto r = co_await svc.bookings.waive(me, path_id(p["id"]));
        if (!r) co_return Response::error(r.error());
        const auto& v = r.value().violation;
        co_return Response::json(200, json{{"id", v.id},
                                           {"user_id", v.user_id},
                                           {"booking_id", v.booking_id},
                                           {"waived", v.waived},
                                           {"ban_lifted", r.value().ban_lifted}});
    };
}

http::Handler add_subscriptions(Services& svc) {
    return [&svc](Request& req, const Params&) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        auto ids = template_ids(object_body(req));
        auto r = co_await svc.notifier.add_consents(me, ids);
        if (!r) co_return Response::error(r.error());
        auto banked = co_await svc.notifier.banked(me);
        co_return Response::json(200, json{{"recorded", ids.size()}, {"banked", banked}});
    };
}

http::Handler list_subscriptions(Services& svc) {
    return [&svc](Request& req, const Params&) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        auto banked = co_await svc.notifier.banked(me);
        co_return Response::json(200, json{{"banked", banked}});
    };
}

http::Handler create_hold(Services& svc) {
    return [&svc](Request& req, const Params&) -> awaitable<Response> {
        auto me = co_await svc.auth.consenting(req);
        auto slot = parse_slot(object_body(req));
        slot.purpose = "hold";  // a hold is the slot of a booking to come: its details come then
        slot.attendees = 1;
        auto r = co_await svc.bookings.hold(me, slot);
        if (!r) co_return Response::error(r.error());
        co_return Response::json(r.value().existing ? 200 : 201,
                                 hold_json(r.value().hold, svc.clock.now()));
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
