// What a member is told and asked about their personal information: the privacy guide, their
// consents (app/privacy.hpp), and their own copy of what is kept (app/personal_data.hpp).
#include "booking/calendar.hpp"
#include "server/api/booking_view.hpp"
#include "server/api/handlers.hpp"
#include "server/api/input.hpp"
#include "server/api/notice_view.hpp"
#include "server/api/user_view.hpp"

namespace sh::api {

using http::Params;
using http::Request;
using http::Response;
using nlohmann::json;

namespace {

json consent_json(const booking::Consent& c) {
    return {{"kind", booking::consent_kind_name(c.kind)},
            {"sensitive", booking::is_sensitive(c.kind)},
            {"policy_version", c.policy_version},
            {"given_at", booking::to_iso(c.given_at)},
            {"withdrawn_at", c.withdrawn_at ? json(booking::to_iso(*c.withdrawn_at)) : json()}};
}

// Where the member stands against the current guide, and every consent they gave.
json consents_view(const std::vector<booking::Consent>& all, int current) {
    auto policy = booking::live_consent(all, booking::ConsentKind::policy);
    json items = json::array();
    for (const auto& c : all) items.push_back(consent_json(c));
    return {{"policy_version", current},
            {"agreed", policy && policy->policy_version >= current},
            {"consents", items}};
}

booking::ConsentKind kind_of(const std::string& text, bool in_path) {
    auto k = booking::parse_consent_kind(text);
    if (k) return *k;
    if (in_path) throw booking::AppException(booking::Errc::not_found);
    throw field_error("kind", "one of policy, location");
}

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
        {"consents", json::array()},
        {"audit", json::array()}};
    for (const auto& k : r.consents) out["consents"].push_back(consent_json(k));
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
                                     {"waived", v.waived},
                                     {"appeal", v.appeal.empty() ? json(nullptr) : json(v.appeal)},
                                     {"appeal_reason", v.appeal_reason},
                                     {"appeal_note", v.appeal_note}});
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

http::Handler privacy_guide(Services& svc) {
    // The guide does not change while the server runs: rendered once.
    const auto& g = svc.consents.guide();
    json sections = json::array();
    for (const auto& s : g.sections)
        sections.push_back({{"heading", s.heading}, {"paragraphs", s.paragraphs}});
    json body = {
        {"version", g.version}, {"title", g.title}, {"updated", g.updated}, {"sections", sections}};
    return [body = std::move(body)](Request&, const Params&) -> awaitable<Response> {
        auto r = Response::json(200, body);
        r.headers.emplace_back("Cache-Control", "max-age=300");
        co_return r;
    };
}

http::Handler list_consents(Services& svc) {
    return [&svc](Request& req, const Params&) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        auto all = co_await svc.consents.of(me);
        co_return Response::json(200, consents_view(all, svc.consents.guide().version));
    };
}

http::Handler give_consent(Services& svc) {
    return [&svc](Request& req, const Params&) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        auto body = object_body(req);
        auto kind = kind_of(optional_string(body, "kind", 32).value_or("policy"), false);
        auto version = required_int(body, "policy_version");
        auto r = co_await svc.consents.agree(me, kind, version);
        if (!r) co_return Response::error(r.error());
        auto all = co_await svc.consents.of(me);
        co_return Response::json(200, consents_view(all, svc.consents.guide().version));
    };
}

http::Handler withdraw_consent(Services& svc) {
    return [&svc](Request& req, const Params& p) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        auto kind = kind_of(p["kind"], true);
        auto r = co_await svc.consents.withdraw(me, kind);
        if (!r) co_return Response::error(r.error());
        auto all = co_await svc.consents.of(me);
        co_return Response::json(200, consents_view(all, svc.consents.guide().version));
    };
}

// Who read whose data, for an admin's scope: from and to are dates (Shanghai), both included.
http::Handler audit_reads(Services& svc) {
    return [&svc](Request& req, const Params&) -> awaitable<Response> {
        auto me = co_await svc.auth.authenticate(req);
        auto from = required_query_date(req, "from"), to = required_query_date(req, "to");
        if (to < from) throw field_error("to", "must not be before from");
        int page = 1;
        if (auto p = req.query_param("page")) page = query_int(*p, "page", 1, 1000);
        auto r = co_await svc.trace.reads(me, booking::to_timepoint(from, 0),
                                          booking::to_timepoint(booking::add_days(to, 1), 0), page);
        if (!r) co_return Response::error(r.error());
        json items = json::array();
        for (const auto& x : r.value())
            items.push_back({{"at", booking::to_iso(x.at)},
                             {"reader",
                              {{"id", x.reader},
                               {"name", x.reader_name},
                               {"role", booking::role_name(x.reader_role)}}},
                             {"action", x.action},
                             {"object", {{"type", x.object_type}, {"id", x.object_id}}},
                             {"details", x.details.is_object() ? x.details : json::object()}});
        co_return Response::json(200, json{{"items", items}, {"page", page}});
    };
}

}  // namespace sh::api
