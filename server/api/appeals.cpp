// Appeals of violations: the member's appeal, the admins' list and decision. The rules are
// booking/appeals.hpp's; here JSON in and out.
#include "booking/calendar.hpp"
#include "server/api/handlers.hpp"
#include "server/api/input.hpp"

namespace sh::api {

using http::Params;
using http::Request;
using http::Response;
using nlohmann::json;

namespace {

json appeal_json(const booking::AppealView& a) {
    auto start = booking::to_local(a.starts_at), end = booking::to_local(a.ends_at);
    return {{"violation_id", a.violation_id},
            {"kind", a.kind},
            {"weight", a.weight_milli / 1000.0},
            {"violation_at", booking::to_iso(a.violation_at)},
            {"booking",
             {{"id", a.booking_id},
              {"venue_name", a.venue_name},
              {"date", booking::format_date(start.date)},
              {"start", booking::format_hhmm(start.minute)},
              {"end", booking::format_hhmm(end.date == start.date ? end.minute : 1440)}}},
            {"member", {{"id", a.user_id}, {"name", a.member_name}}},
            {"reason", a.reason},
            {"appealed_at", booking::to_iso(a.appealed_at)},
            {"status", a.outcome.empty() ? "pending" : a.outcome},
            {"note", a.note}};
}

}  // namespace

http::Handler appeal_violation(Services& svc) {
    return [&svc](Request& req, const Params& p) -> awaitable<Response> {
        auto me = co_await svc.auth.consenting(req);
        auto reason = required_string(object_body(req), "reason");
        auto r = co_await svc.bookings.appeal(me, path_id(p["id"]), std::move(reason));
        if (!r) co_return Response::error(r.error());
        co_return Response::json(201, json{{"id", r.value().id},
                                           {"booking_id", r.value().booking_id},
                                           {"appeal", "pending"}});
    };
}

http::Handler decide_appeal(Services& svc) {
    return [&svc](Request& req, const Params& p) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        auto body = object_body(req);
        auto waive = optional_bool(body, "waive");
        if (!waive) throw field_error("waive", "is required (true: waive it, false: keep it)");
        auto note = optional_string(body, "note").value_or("");
        auto r = co_await svc.bookings.decide_appeal(me, path_id(p["id"]), *waive, std::move(note));
        if (!r) co_return Response::error(r.error());
        const auto& d = r.value();
        co_return Response::json(200, json{{"id", d.violation.id},
                                           {"appeal", d.waived ? "waived" : "kept"},
                                           {"waived", d.violation.waived},
                                           {"ban_lifted", d.ban_lifted}});
    };
}

http::Handler list_appeals(Services& svc) {
    return [&svc](Request& req, const Params&) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        auto status = req.query_param("status").value_or("pending");
        if (status != "pending" && status != "all")
            throw field_error("status", "must be pending or all");
        auto r = co_await svc.bookings.appeals(me, status == "pending");
        if (!r) co_return Response::error(r.error());
        auto items = json::array();
        for (const auto& a : r.value()) items.push_back(appeal_json(a));
        co_return Response::json(200, json{{"items", items}});
    };
}

}  // namespace sh::api
