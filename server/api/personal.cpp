// A member's own copy of what is kept about them (GET /me/export, app/personal_data.hpp).
#include "booking/calendar.hpp"
#include "server/api/booking_view.hpp"
#include "server/api/handlers.hpp"
#include "server/api/notice_view.hpp"
#include "server/api/user_view.hpp"

namespace sh::api {

using http::Params;
using http::Request;
using http::Response;
using nlohmann::json;

namespace {

json copy_view(const app::MemberCopy& c, const booking::Principal& me) {
    const auto& r = c.records;
    json out = {
        {"made_at", booking::to_iso(c.made_at)},
        {"profile", user_view(r.user, me)},
        {"wechat", {{"openid", r.user.openid}, {"unionid", r.unionid ? json(*r.unionid) : json()}}},
        {"bookings", json::array()},
        {"scans", json::array()},
        {"violations", json::array()},
        {"notices", json::array()},
        {"subscriptions", c.banked},
        {"audit", json::array()}};
    for (const auto& b : r.bookings) {
        auto name = r.venue_names.find(b.venue_id);
        out["bookings"].push_back(
            {{"booking", booking_view(b)},
             {"venue_name", name == r.venue_names.end() ? "" : name->second}});
    }
    for (const auto& s : r.scans)
        out["scans"].push_back(
            {{"booking_id", s.booking_id}, {"venue_name", s.venue}, {"at", booking::to_iso(s.at)}});
    for (const auto& v : r.violations)
        out["violations"].push_back({{"id", v.id},
                                     {"booking_id", v.booking_id},
                                     {"kind", v.kind},
                                     {"weight", v.weight_milli / 1000.0},
                                     {"at", booking::to_iso(v.at)},
                                     {"waived", v.waived}});
    for (const auto& n : c.notices) out["notices"].push_back(notice_json(n));
    for (const auto& a : r.audit)
        out["audit"].push_back({{"action", a.action},
                                {"at", booking::to_iso(a.at)},
                                {"by", a.by_self ? "self" : "other"}});
    return out;
}

}  // namespace

http::Handler export_me(Services& svc) {
    return [&svc](Request& req, const Params&) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        auto copy = co_await svc.personal.copy_for(me);
        if (!copy) co_return Response::error(copy.error());
        auto r = Response::json(200, copy_view(copy.value(), me));
        r.headers.emplace_back("Cache-Control", "no-store");
        co_return r;
    };
}

}  // namespace sh::api
